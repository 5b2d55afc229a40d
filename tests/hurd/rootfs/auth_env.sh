#!/usr/bin/env bash
# rootfs with the auth server: start an environment (hell up) with a
# scratch root, run the auth test program in it, and stop it again.
set -euo pipefail
build=$1
prog=$2
hell=$build/tools/hell
scratch=$(mktemp -d)
export HELL_HOME=$scratch/home
trap '"$hell" down >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
"$hell" up --root "$scratch/root" >/dev/null || { echo "auth_env: hell up failed" >&2; exit 1; }
status=0
"$hell" run "$prog" || status=$?
"$hell" down >/dev/null || { echo "auth_env: hell down failed" >&2; status=1; }
exit $status

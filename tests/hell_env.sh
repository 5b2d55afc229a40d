#!/usr/bin/env bash
# An environment's life (machd alone: hell up --bare; tests/hurd/e2e has
# the Hurd's servers): hell up, hell status, hell run inside it (not in a
# private machd), a second environment beside it, hell down with nothing
# left running.  Fails on the first step that does not hold.
set -euo pipefail
build=$1
hell=$build/tools/hell
home1=$(mktemp -d) home2=$(mktemp -d)
cleanup() {
	HELL_HOME=$home1 "$hell" down >/dev/null 2>&1 || true
	HELL_HOME=$home2 "$hell" down >/dev/null 2>&1 || true
	rm -rf "$home1" "$home2"
}
trap cleanup EXIT
fail() { echo "hell_env: $*" >&2; exit 1; }

export HELL_HOME=$home1
"$hell" status >/dev/null && fail "status says running before hell up"
"$hell" up --bare | grep -q "HELL is up" || fail "hell up"
"$hell" up --bare | grep -q "already up" || fail "a second hell up should find it running"
"$hell" status | grep -q "HELL is running in $home1" || fail "status after up"
pid=$(cat "$home1/machd.pid")
kill -0 "$pid" || fail "no machd at the pid file's pid"

# hell run uses the running environment: the program sees its socket.
sock=$("$hell" run sh -c 'echo "$HELL_SOCKET"')
[ "$sock" = "$home1/machd.sock" ] || fail "hell run used $sock, not the running environment"
"$hell" run "$build/examples/echo/echo-demo" >/dev/null || fail "the demo in the environment"
# ... and --private does not.
sock=$("$hell" run --private sh -c 'echo "$HELL_SOCKET"')
[ "$sock" != "$home1/machd.sock" ] || fail "hell run --private used the running environment"

# A second environment runs beside the first.
HELL_HOME=$home2 "$hell" up --bare >/dev/null || fail "second environment"
HELL_HOME=$home2 "$hell" status | grep -q "running in $home2" || fail "second status"
HELL_HOME=$home2 "$hell" down >/dev/null

"$hell" down | grep -q "HELL is down" || fail "hell down"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "machd still runs after hell down"
[ -e "$home1/machd.sock" ] && fail "socket left behind"
"$hell" status >/dev/null && fail "status says running after hell down"
echo "hell up/run/status/down: ok"

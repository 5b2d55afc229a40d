#!/usr/bin/env bash
# Run PROGRAM [ARGS...] as machd's boot task (machd --boot), so that it
# holds the privileged host port; pass if it exits with status 0 and
# machd's leak check passes once machd is stopped.
#   boot_run.sh MACHD PROGRAM [ARGS...]
set -uo pipefail
machd=$(realpath "$1") prog=$(realpath "$2"); shift 2
dir=$(mktemp -d)
pid=
# machd leads a process group of its own, with the boot task in it.
cleanup() { [ -n "$pid" ] && kill -KILL -- -"$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "boot_run: $*" >&2; exit 1; }

: >"$dir/log"
setsid "$machd" --socket "$dir/s" --leak-check --boot "$prog" "$@" 2> >(tee -a "$dir/log" >&2) &
pid=$!
for _ in $(seq 600); do
	grep -q "boot task .* exited with status\|boot task .* was killed" "$dir/log" && break
	kill -0 "$pid" 2>/dev/null || fail "machd ended early"
	sleep 0.05
done
grep -q "boot task .* exited with status 0" "$dir/log" || fail "the boot task failed"
kill -TERM "$pid"
wait "$pid"
status=$?
pid=
[ "$status" = 0 ] || fail "machd exited with status $status (leak check)"

#!/usr/bin/env bash
# When machd dies under a running task, the task ends (exit status 137, as
# if killed: GNU Mach destroys its tasks with it) instead of retrying
# without end.  A server's receive loop used to spin at full CPU.
set -euo pipefail
build=$1
hell=$build/tools/hell
export HELL_HOME=$(mktemp -d)
trap '"$hell" down >/dev/null 2>&1 || true; rm -rf "$HELL_HOME"' EXIT
fail() { echo "machd_gone: $*" >&2; exit 1; }

"$hell" up --bare >/dev/null || fail "hell up --bare"
fifo=$HELL_HOME/out
mkfifo "$fifo"
"$hell" run "$build/tests/integration-receive-forever" > "$fifo" 2>/dev/null &
runner=$!
exec 3< "$fifo"
read -r -t 10 line <&3 || fail "the task did not start"
[ "$line" = ready ] || fail "the task said '$line'"
kill -9 "$(cat "$HELL_HOME/machd.pid")"
status=0
for _ in $(seq 50); do
	kill -0 "$runner" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$runner" 2>/dev/null && { kill -9 "$runner"; fail "the task still runs 5 s after machd died"; }
wait "$runner" || status=$?
[ "$status" -eq 137 ] || fail "the task ended with status $status, not 137"
echo "machd_gone: the task ended with its kernel: ok"

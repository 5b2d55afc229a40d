#!/usr/bin/env bash
# machd --boot: start machd with PROGRAM as its boot task, wait for machd to
# log the task's end, then stop machd and check its leak check.
#   machd_boot.sh MACHD PROGRAM
# Runs three cases: the boot task's own checks (exit status 0), a boot task
# that is killed (machd logs it and goes on serving: an ordinary task then
# connects and finds no privileged port), and a program that does not
# exist (machd refuses to start).
set -uo pipefail
machd=$(realpath "$1") prog=$(realpath "$2")
dir=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "machd_boot: $*" >&2; [ -f "$dir/log" ] && sed 's/^/  log: /' "$dir/log" >&2; exit 1; }

# Start machd (relative socket path: the boot task must still find it) and
# wait until its log says PATTERN.
boot() {
	local pattern=$1; shift
	: >"$dir/log"
	(cd "$dir" && exec "$machd" --socket s --leak-check --boot "$@") 2>"$dir/log" &
	pid=$!
	for _ in $(seq 200); do
		grep -q "$pattern" "$dir/log" && return 0
		kill -0 "$pid" 2>/dev/null || fail "machd ended early"
		sleep 0.05
	done
	fail "machd did not log '$pattern'"
}

# Stop machd: its leak check must pass (status 0).
stop() {
	kill -TERM "$pid"
	wait "$pid"
	local status=$?
	pid=
	[ "$status" = 0 ] || fail "machd exited with status $status (leak check)"
}

# machd keeps to one CPU; the boot task gets the CPUs machd was given.
export BOOT_EXPECT_CPUS=$(nproc)
boot "boot task .* exited with status" "$prog"
grep -q "boot task $prog (pid [0-9]*) exited with status 0" "$dir/log" ||
	fail "the boot task's checks failed"
stop

boot "boot task .* was killed by signal 9" "$prog" --die
HELL_SOCKET=$dir/s "$prog" --plain || fail "an ordinary task after the boot task died"
stop

"$machd" --socket "$dir/s2" --boot "$dir/no-such-program" 2>"$dir/log" &&
	fail "machd started with a boot program that does not exist"
grep -q "cannot start" "$dir/log" || fail "no reason given for a boot program that cannot start"
echo "machd --boot: ok"

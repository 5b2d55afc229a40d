#!/usr/bin/env bash
# rpctrace on a program with known RPCs (rpctrace_prog.c), under its own
# machd with --leak-check: its lines name the routines of GNU Mach's, the
# Hurd's and HELL's interfaces with their return codes, follow a fork
# child (not with -n), and rpctrace exits with the program's status.
#   rpctrace_run.sh HELL RPCTRACE PROGRAM
set -uo pipefail
hell=$1 rpctrace=$2 prog=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "rpctrace_run: $*" >&2; [ -f "$dir/trace" ] && sed 's/^/  trace: /' "$dir/trace" >&2; exit 1; }

"$hell" run --private --leak-check "$rpctrace" -o "$dir/trace" "$prog" >"$dir/out"
status=$?
[ "$status" = 3 ] || fail "rpctrace exited with $status, not the program's 3"
pid=$(grep -o 'child [0-9]*' "$dir/out" | cut -d' ' -f2)
[ -n "$pid" ] || fail "the program did not run to its end"
expect() { grep -Eq -- "$1" "$dir/trace" || fail "no line matching: $1"; }
expect '^ *[0-9]+  task\([0-9]+\)->mach_port_allocate \([0-9]+ bytes\) = 0$'
expect '->hell_task_pid \([0-9]+ bytes\) = 0$'
expect '->mach_port_deallocate \([0-9]+ bytes\) = 0xf \(.*invalid name.*\)$'
expect '[0-9]+->fsys_goaway \([0-9]+ bytes\)'
expect '<- fsys_goaway \([0-9]+ bytes\) from pid [0-9]+$'
expect '-> reply fsys_goaway to [0-9]+ = 0$'
expect '\.\.\. fsys_goaway = 0$'
expect "^ *$pid  task\\($pid\\)->mach_port_allocate \\([0-9]+ bytes\\) = 0\$"

# -n: the fork child is not traced.
"$hell" run --private --leak-check "$rpctrace" -n -o "$dir/trace" "$prog" >"$dir/out"
[ "$?" = 3 ] || fail "rpctrace -n: wrong exit status"
pid=$(grep -o 'child [0-9]*' "$dir/out" | cut -d' ' -f2)
expect '->mach_port_allocate'
grep -q "^ *$pid  " "$dir/trace" && fail "rpctrace -n traced the fork child"

# A program that cannot be run.
"$hell" run --private --leak-check "$rpctrace" -o "$dir/trace" "$dir/no-such-program" 2>/dev/null
[ "$?" = 127 ] || fail "rpctrace of a missing program should exit 127"
echo "rpctrace: ok"

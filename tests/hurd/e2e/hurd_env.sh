#!/usr/bin/env bash
# The README's tour, end to end, as a user types it: hell up with the
# Hurd's servers and a root exporting a scratch directory; an active and a
# passive translator; a second task looks them up and reads them; fsysopts
# changes one at run time; settrans -g makes one go (fsys_goaway); ps,
# portinfo and vminfo look at the tasks; hell down leaves nothing running
# and machd's books balanced.  Fails on the first step that does not hold.
set -euo pipefail
build=$1
hell=$build/tools/hell
scratch=$(mktemp -d)
export HELL_HOME=$scratch/home
root=$scratch/root
cleanup() {
	"$hell" down >/dev/null 2>&1 || true
	rm -rf "$scratch"
}
trap cleanup EXIT
fail() {
	echo "hurd_env: $*" >&2
	if [ -f "$HELL_HOME/machd.log" ]; then
		echo "--- machd.log (last 40 lines):" >&2
		tail -n 40 "$HELL_HOME/machd.log" >&2
	fi
	exit 1
}
run() { "$hell" run "$@"; }

out=$("$hell" up --root "$root") || fail "hell up: $out"
echo "$out" | grep -q "HELL is up" || fail "hell up said: $out"
st=$("$hell" status) || fail "hell status failed"
for s in startup auth proc rootfs exec; do
	echo "$st" | grep -Eq "^ *$s +pid [0-9]+ +running" || fail "status lists no running $s: $st"
done
[ -x "$root/hurd/hello" ] || fail "hell up did not install /hurd/hello in the root"

# The root is the Linux directory.
echo "from linux" > "$root/linux.txt"
[ "$(run cat /linux.txt)" = "from linux" ] || fail "cat of a Linux file through rootfs"
out=$(run ls /)
echo "$out" | grep -qx "linux.txt" || fail "ls / does not list linux.txt: $out"

# An active translator, read by a second task.
run settrans -ac /hello /hurd/hello || fail "settrans -a /hello"
[ "$(run cat /hello)" = "Hello, world!" ] || fail "cat /hello: '$(run cat /hello)'"

# A passive one: stored with the Linux file, started on first lookup.
run settrans -c /motd /hurd/hello --contents=hi || fail "settrans /motd"
[ -e "$root/motd" ] || fail "settrans -c did not create the node"
record=$(python3 -c '
import os, sys
for name in ("gnu.translator", "user.gnu.translator"):
    try:
        print(os.getxattr(sys.argv[1], name).replace(b"\0", b" ").decode().strip())
        break
    except OSError:
        pass' "$root/motd")
[ "$record" = "/hurd/hello --contents=hi" ] ||
	fail "the Linux file's translator record is '$record'"
out=$(run showtrans /motd)
[ "$out" = "/hurd/hello --contents=hi" ] || fail "showtrans /motd: $out"
[ "$(run cat /motd)" = "hi" ] || fail "cat /motd: '$(run cat /motd)'"
run fsysopts /motd --contents=bye || fail "fsysopts /motd --contents=bye"
[ "$(run cat /motd)" = "bye" ] || fail "after fsysopts, cat /motd: '$(run cat /motd)'"
out=$(run fsysopts /motd)
echo "$out" | grep -Eq "contents='?bye'?" || fail "fsysopts /motd shows $out"

# machd's books across many lookups, reads and tasks.
# Clean-up after a client (no-senders notifications, a server dropping a
# node) is asynchronous: counts are read once they hold still.
counts() { "$hell" status | sed -n 's/.* \([0-9]*\) ports (.*/\1/p; s/.* \([0-9]*\) names, .*/\1/p' | paste -sd' '; }
settled_counts() {
	local prev now
	prev=$(counts)
	for _ in $(seq 30); do
		sleep 0.1
		now=$(counts)
		[ "$now" = "$prev" ] && break
		prev=$now
	done
	echo "$now"
}
# A server may keep a few more ports when its thread pool grows (each
# thread has its reply port), so what is checked is that nothing grows
# with the number of clients: 60 clients may leave at most 8 more.
run cat /motd >/dev/null
before=$(settled_counts)
for _ in $(seq 60); do run cat /motd >/dev/null; done
after=$(settled_counts)
read -r p0 n0 <<<"$before"
read -r p1 n1 <<<"$after"
[ -n "$p0" ] && [ -n "$p1" ] && [ $((p1 - p0)) -le 8 ] && [ $((n1 - n0)) -le 8 ] ||
	fail "machd's ports and names went from '$before' to '$after' over 60 clients"

# The tools that look at tasks.
pids=$(run ps -e) || fail "ps -e"
echo "$pids" | grep -q hello || fail "ps -e lists no hello translator: $pids"
rootfs_pid=$(awk '$1 == "rootfs" { print $2 }' "$HELL_HOME/servers")
# (Output is captured first: grep -q ending a pipe early would be a
# SIGPIPE failure under pipefail.)
out=$(run portinfo "$rootfs_pid") || fail "portinfo $rootfs_pid failed"
echo "$out" | grep -q "receive" || fail "portinfo of rootfs shows no receive right: $out"
out=$(run vminfo "$rootfs_pid") || fail "vminfo $rootfs_pid failed"
echo "$out" | grep -Eq "^0x[0-9a-f]+\[0x[0-9a-f]+\] \(prot=" || fail "vminfo of rootfs: $out"
out=$(run rpctrace cat /motd 2>&1) || fail "rpctrace cat /motd failed"
echo "$out" | grep -q "dir_lookup" || fail "rpctrace shows no dir_lookup: $out"
echo "$out" | grep -q "io_read" || fail "rpctrace shows no io_read: $out"

# settrans -g: the active translator goes (fsys_goaway).
# (This environment's translators, as its proc server lists them: a
# system-wide pgrep would also see other environments'.)
hello_pids=$(run ps -e | awk '/\/hurd\/hello/ { print $1 }')
[ -n "$hello_pids" ] || fail "no hello process runs"
run settrans -g /hello || fail "settrans -g /hello"
[ "$(run cat /hello 2>/dev/null || true)" != "Hello, world!" ] || fail "/hello still translated after settrans -g"

# hell down: nothing of the environment is left running.
server_pids=$(awk '{ print $2 }' "$HELL_HOME/servers")
machd_pid=$(cat "$HELL_HOME/machd.pid")
"$hell" down | grep -q "HELL is down" || fail "hell down"
for _ in $(seq 50); do
	left=""
	for p in $server_pids $hello_pids $machd_pid; do
		kill -0 "$p" 2>/dev/null && left="$left $p"
	done
	[ -z "$left" ] && break
	sleep 0.1
done
[ -z "$left" ] || fail "still running after hell down:$left ($(ps -o pid,args -p ${left// /,} | tail -n +2))"
[ -e "$HELL_HOME/machd.sock" ] && fail "socket left behind"
echo "hurd_env: hell up, translators, tools, hell down: ok"

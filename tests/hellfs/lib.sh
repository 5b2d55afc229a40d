# lib.sh: what the hellfs tests share.  A test sources it after
# `set -euo pipefail' and calls
#
#   hellfs_setup NAME BUILD_DIR [WATCHDOG_SECONDS]
#
# which skips the test (exit 77) where FUSE cannot work, and makes the
# test's own scratch directory ($scratch, world-traversable): HELL_HOME
# ($HELL_HOME), the Linux directory the environment exports ($root) and a
# mount point ($mnt).  Then:
#
#   env_up                     hell up --root $root
#   mount_env [ARGS...] MP     hell mount ARGS MP, checked live
#   hellfs_finish              hell down, checked: nothing left (below)
#
# hell_cmd runs hell as the environment's user: the test's own, or the
# one run_as names (a command prefix such as setpriv's, set before
# env_up, with HELL_HOME, $root and $mnt where that user owns them).
#
# hell down is checked the same way whether the test passes or fails (the
# EXIT trap does it if the test did not get that far): afterwards no
# process of the environment may run (machd, its servers, every task its
# proc server listed, every hellfs), none of the test's mount points may
# be mounted, and no mount record may be left in $HELL_HOME/mounts.  What
# is left is killed and unmounted, and the test fails.
#
# A watchdog (from env_up on) kills the test's hellfs processes if the
# test runs longer than WATCHDOG_SECONDS (default 240, under meson's
# timeouts): a stuck mount then fails the test with ENOTCONN instead of
# leaving Linux processes hanging on it.  A test may define on_exit_hook,
# run at exit after hell down, before the scratch directory goes.

hellfs_setup() {
	name=$1
	build=$2
	hell=$build/tools/hell
	need_fuse
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/hellfs-$name.XXXXXX")
	chmod 755 "$scratch"
	export HELL_HOME=$scratch/home
	root=$scratch/root
	mnt=$scratch/mnt
	mkdir "$mnt"
	mountpoints=()
	env_tasks=""
	downed=false
	run_as=()
	watchdog_secs=${3:-240}
	watchdog_pid=""
	trap hellfs_exit EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
}

hell_cmd() { "${run_as[@]}" "$hell" "$@"; }

fail() {
	echo "$name: FAIL: $*" >&2
	if [ -n "${HELL_HOME:-}" ] && [ -d "$HELL_HOME" ]; then
		for log in "$HELL_HOME"/*.log; do
			[ -f "$log" ] || continue
			echo "--- $log (last 30 lines):" >&2
			tail -n 30 "$log" >&2
		done
	fi
	exit 1
}

skip() {
	echo "$name: SKIP: $*" >&2
	exit 77
}

note() { echo "$name: $*"; }

# FUSE must be there and usable by this user; otherwise the test is
# skipped, saying why.
need_fuse() {
	grep -qw fuse /proc/filesystems ||
		skip "the kernel has no FUSE file system (modprobe fuse)"
	[ -c /dev/fuse ] || skip "/dev/fuse is missing"
	command -v fusermount3 >/dev/null || skip "fusermount3 is missing (Debian's fuse3)"
	if [ "$(id -u)" != 0 ] && ! { [ -r /dev/fuse ] && [ -w /dev/fuse ]; }; then
		skip "/dev/fuse is not readable and writable by $(id -un)"
	fi
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

is_mounted() {
	awk -v m="$1" '$2 == m { found = 1 } END { exit !found }' /proc/mounts
}

env_up() {
	local out
	[ -n "$watchdog_pid" ] || watchdog "$watchdog_secs"
	out=$(hell_cmd up --root "$root" 2>&1) || fail "hell up: $out"
	case $out in *"HELL is up"*) ;; *) fail "hell up said: $out" ;; esac
}

# The first mount that fails because FUSE itself refuses (not the bridge)
# skips the test: the kernel or fusermount3 is the limit there.
mount_env() {
	local mp=${*: -1} out
	# Known before it exists, so that clean-up looks at it even if hell
	# mount never comes back.  (timeout: a hell mount that hangs fails.)
	mountpoints+=("$mp")
	out=$(timeout 30 "${run_as[@]}" "$hell" mount "$@" 2>&1) || {
		if [ ${#mountpoints[@]} -eq 1 ] &&
		   echo "$out" | grep -Eq "fusermount3?: .*(not permitted|Permission denied)|fuse: device not found"; then
			skip "FUSE refuses to mount here: $out"
		fi
		fail "hell mount $*: $out"
	}
	is_mounted "$mp" || fail "hell mount $* exited 0 but $mp is not in /proc/mounts"
	hell_cmd status | sed 's/^ *//' | grep -qxF "mount: $mp (hellfs pid $(mount_pid "$mp"))" ||
		fail "hell status does not list $mp: $(hell_cmd status)"
}

# The pid of the hellfs serving MP, from the mount records.
mount_pid() {
	local rec
	for rec in "$HELL_HOME"/mounts/*; do
		[ -f "$rec" ] || continue
		if [ "$(cat "$rec")" = "$1" ]; then
			echo "${rec##*/}"
			return 0
		fi
	done
	echo "none"
}

# machd's counts: "PORTS NAMES THREADS TASKS"; settled_counts, once they
# hold still (the clean-up after a client is asynchronous: no-senders
# notifications, a server dropping a node).
counts() {
	hell_cmd status | sed -n 's/.* \([0-9]*\) ports (.*/\1/p; s/.* \([0-9]*\) names, .*/\1/p;
		s/.* \([0-9]*\) tasks, \([0-9]*\) threads,.*/\2 \1/p' |
		paste -sd' ' | awk '{ print $3, $4, $1, $2 }'
}
settled_counts() {
	local prev now
	prev=$(counts)
	for _ in $(seq 40); do
		sleep 0.1
		now=$(counts)
		[ "$now" = "$prev" ] && break
		prev=$now
	done
	echo "$now"
}

# ---- processes of the environment -------------------------------------
# Each is remembered as PID:STARTTIME, so that a pid reused after the
# environment's end is not taken for one of its processes.

start_time() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	set -- $stat
	echo "${20}"
}

remember_task() {
	local t
	t=$(start_time "$1") || return 0
	case " $env_tasks " in *" $1:$t "*) ;; *) env_tasks="$env_tasks $1:$t" ;; esac
}

still_running() {
	local task pid left=""
	for task in $env_tasks; do
		pid=${task%%:*}
		[ "$(start_time "$pid" 2>/dev/null)" = "${task#*:}" ] && left="$left $pid"
	done
	echo "$left"
}

# Every process the environment has now: machd, the servers, the hellfs
# of each mount, every task its proc server lists (translators), and any
# process naming the test's scratch directory on its command line (a
# hellfs whose hell mount did not finish, its fusermount3).
remember_env() {
	local pid rec
	for pid in $(pgrep -f -- "$scratch/"); do remember_task "$pid"; done
	[ -d "${HELL_HOME:-/nonexistent}" ] || return 0
	[ -f "$HELL_HOME/machd.pid" ] && remember_task "$(cat "$HELL_HOME/machd.pid")"
	if [ -f "$HELL_HOME/servers" ]; then
		for pid in $(awk '{ print $2 }' "$HELL_HOME/servers"); do remember_task "$pid"; done
	fi
	for rec in "$HELL_HOME"/mounts/*; do
		[ -f "$rec" ] && remember_task "${rec##*/}"
	done
	if [ -S "$HELL_HOME/machd.sock" ]; then
		for pid in $(timeout 20 "${run_as[@]}" "$hell" run ps -e 2>/dev/null | awk 'NR > 1 { print $1 }'); do
			remember_task "$pid"
		done
	fi
	return 0
}

# hell down, and what it must leave: nothing.  Prints the problems (empty
# when there are none) and cleans up after them.
down_problems() {
	local out left mp mounted="" records=""
	downed=true
	remember_env
	out=$(timeout 60 "${run_as[@]}" "$hell" down 2>&1) || echo "hell down failed: $out"
	for _ in $(seq 100); do
		left=$(still_running)
		[ -z "$left" ] && break
		sleep 0.1
	done
	for mp in "${mountpoints[@]}"; do
		is_mounted "$mp" && mounted="$mounted $mp"
	done
	for rec in "$HELL_HOME"/mounts/*; do
		[ -e "$rec" ] && records="$records ${rec##*/}"
	done
	if [ -n "$left" ]; then
		echo "still running after hell down:$left"
		ps -o pid,args -p "${left# }" 2>/dev/null | sed 's/^/    /' || true
		for pid in $left; do kill -KILL "$pid" 2>/dev/null || true; done
	fi
	if [ -n "$mounted" ]; then
		echo "still mounted after hell down:$mounted"
		for mp in $mounted; do fusermount3 -u -z "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || true; done
	fi
	[ -z "$records" ] || echo "mount records left in $HELL_HOME/mounts:$records"
	return 0
}

hellfs_finish() {
	local problems
	problems=$(down_problems)
	[ -z "$problems" ] || fail "$problems"
	note "ok"
}

hellfs_exit() {
	local status=$? problems mp
	trap - EXIT
	if ! $downed && [ -d "${HELL_HOME:-/nonexistent}" ]; then
		problems=$(down_problems)
		if [ -n "$problems" ]; then
			echo "$name: FAIL (at clean-up): $problems" >&2
			[ "$status" = 0 ] && status=1
		fi
	fi
	[ -z "${watchdog_pid:-}" ] || kill "$watchdog_pid" 2>/dev/null || true
	if declare -F on_exit_hook >/dev/null; then
		on_exit_hook || status=1
	fi
	# Never recurse into a mount left behind.
	for mp in "${mountpoints[@]}"; do
		is_mounted "$mp" && { echo "$name: $mp is still mounted; leaving $scratch" >&2; exit 1; }
	done
	rm -rf --one-file-system "$scratch"
	exit "$status"
}

watchdog() {
	local secs=$1
	(
		trap - EXIT
		sleep "$secs" </dev/null >/dev/null 2>&1
		echo "$name: watchdog: still running after $secs s; killing this test's hellfs" \
			"so that nothing stays stuck on its mounts" >&2
		for rec in "$HELL_HOME"/mounts/*; do
			[ -f "$rec" ] && kill -KILL "${rec##*/}" 2>/dev/null
		done
		for pid in $(pgrep -f -- "hellfs .*$scratch/"); do kill -KILL "$pid" 2>/dev/null; done
	) &
	watchdog_pid=$!
}

# expect_error TEXT CMD...: CMD must fail, saying TEXT (an errno's text).
expect_error() {
	local text=$1 out
	shift
	if out=$("$@" 2>&1); then
		fail "'$*' succeeded (output: $out); expected: $text"
	fi
	case $out in
	*"$text"*) ;;
	*) fail "'$*' failed with '$out'; expected: $text" ;;
	esac
}

# same_bytes A B: the two files hold the same bytes.
same_bytes() {
	cmp -- "$1" "$2" >/dev/null 2>&1 || fail "$1 and $2 differ: $(cmp -- "$1" "$2" 2>&1)"
}

# has_bytes FILE TEXT: FILE holds exactly TEXT (printf's %s of it).
has_bytes() {
	local expected
	expected=$(mktemp "$scratch/expected.XXXXXX")
	printf '%s' "$2" >"$expected"
	cmp -- "$expected" "$1" >/dev/null 2>&1 ||
		fail "$1 holds '$(head -c 200 "$1" 2>&1 | od -c | head -5)', not '$2'"
	rm -f "$expected"
}

#!/usr/bin/env bash
# hellfs-dying: translators that misbehave in io_read (faulty.c): one
# dies with the request unanswered, one never answers.  A Linux reader of
# either gets an error within a bounded time (EIO: the Hurd's RPC failed
# or took longer than rpc_timeout), a reader interrupted by a signal gets
# out at once (EINTR), and the mount keeps serving everything else
# meanwhile and afterwards; hell down still leaves nothing behind.
#
#   dying.sh BUILD_DIR FAULTY_TRANSLATOR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hellfs_setup dying "$1" 150
faulty=$2
run() { "$hell" run "$@"; }

# The pid of the translator whose command line ends with ARGS, from proc.
translator_pid() {
	run ps -e | awk -v args="$1" 'substr($0, length($0) - length(args) + 1) == args { print $1 }'
}

# timed CMD...: runs CMD, sets status and ms (its exit status and time).
timed() {
	local t0
	t0=$(now_ms)
	status=0
	output=$("$@" 2>&1) || status=$?
	ms=$(($(now_ms) - t0))
}

env_up
cp "$faulty" "$root/hurd/faulty"
printf 'plain\n' >"$root/plain"
run settrans -ac /fine /hurd/faulty --contents=fine || fail "settrans /fine"
run settrans -ac /dying /hurd/faulty --read=die || fail "settrans /dying"
run settrans -ac /hanging /hurd/faulty --read=hang || fail "settrans /hanging"
dying_pid=$(translator_pid "/hurd/faulty --read=die")
[ -n "$dying_pid" ] && kill -0 "$dying_pid" || fail "no dying translator runs: $(run ps -e)"

mount_env -o rpc_timeout=2 "$mnt"
has_bytes "$mnt/fine" "fine"
# io_stat is answered: the nodes look like files.
[ "$(stat -c '%F %s' "$mnt/dying")" = "regular file 7" ] || fail "stat dying: $(stat -c '%F %s' "$mnt/dying")"
[ "$(stat -c '%F %s' "$mnt/hanging")" = "regular file 7" ] || fail "stat hanging: $(stat -c '%F %s' "$mnt/hanging")"

# ---- A translator that dies in io_read ---------------------------------
timed cat "$mnt/dying"
[ "$status" != 0 ] || fail "cat of the dying translator succeeded: $output"
case $output in *"Input/output error"*) ;; *) fail "cat of the dying translator: $output (expected EIO)" ;; esac
[ "$ms" -lt 10000 ] || fail "cat of the dying translator took $ms ms"
note "dying translator: '$output' after $ms ms"
for _ in $(seq 50); do kill -0 "$dying_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$dying_pid" 2>/dev/null && fail "the dying translator (pid $dying_pid) still runs"
# Its node, again: whatever it is now, the answer comes at once.
timed cat "$mnt/dying"
[ "$ms" -lt 10000 ] || fail "a second cat of the dead translator's node took $ms ms"
note "the dead translator's node, again: status $status, '$output' after $ms ms"
# The rest is served.
has_bytes "$mnt/plain" $'plain\n'
has_bytes "$mnt/fine" "fine"
printf 'after the death\n' >"$mnt/written"
has_bytes "$root/written" $'after the death\n'

# ---- A translator that never answers io_read (rpc_timeout=2) ------------
for attempt in 1 2; do
	timed cat "$mnt/hanging"
	[ "$status" != 0 ] || fail "cat of the hanging translator succeeded: $output"
	case $output in *"Input/output error"*) ;; *) fail "cat of the hanging translator: $output (expected EIO)" ;; esac
	[ "$ms" -ge 1500 ] || fail "cat of the hanging translator failed after $ms ms, before rpc_timeout=2"
	[ "$ms" -lt 10000 ] || fail "cat of the hanging translator took $ms ms with rpc_timeout=2"
	note "hanging translator, attempt $attempt: '$output' after $ms ms"
done
has_bytes "$mnt/plain" $'plain\n'
has_bytes "$mnt/fine" "fine"
ls "$mnt" | grep -qx hanging || fail "ls after the timeouts: $(ls "$mnt")"

# ---- The default rpc_timeout (30 s): others are served while a read
# hangs, and a signal gets the reader out ---------------------------------
mkdir "$scratch/m2"
mount_env "$scratch/m2"
cat "$scratch/m2/hanging" >/dev/null 2>&1 &
stuck=$!
sleep 0.5
kill -0 "$stuck" 2>/dev/null || fail "cat of the hanging translator ended at once on the second mount"
timed cat "$scratch/m2/plain"
[ "$status" = 0 ] && [ "$output" = plain ] || fail "cat plain while another read hangs: $output"
[ "$ms" -lt 5000 ] || fail "cat plain took $ms ms while another read hangs"
timed cat "$scratch/m2/fine"
[ "$status" = 0 ] && [ "$output" = fine ] && [ "$ms" -lt 5000 ] ||
	fail "cat of another translator while a read hangs: '$output' after $ms ms"
# A reader with a signal handler: its read ends with EINTR when the signal
# comes (SIGALRM after 1 s), not when the RPC times out.
intr=$(python3 - "$scratch/m2/hanging" <<'EOF'
import os, signal, sys, time
class Alarm(Exception):
    pass
def on_alarm(sig, frame):
    raise Alarm()
signal.signal(signal.SIGALRM, on_alarm)
fd = os.open(sys.argv[1], os.O_RDONLY)
t0 = time.monotonic()
signal.alarm(1)
try:
    os.read(fd, 100)
    print("read returned after %d ms" % ((time.monotonic() - t0) * 1000))
except Alarm:
    print("interrupted after %d ms" % ((time.monotonic() - t0) * 1000))
except OSError as e:
    print("%s after %d ms" % (os.strerror(e.errno), (time.monotonic() - t0) * 1000))
EOF
) || fail "the interrupted reader failed: $intr"
note "a read interrupted by SIGALRM: $intr"
case $intr in "interrupted after "*) ;; *) fail "a read interrupted by SIGALRM: $intr" ;; esac
[ "${intr//[!0-9]/}" -lt 5000 ] || fail "a read interrupted by SIGALRM after 1 s ended only $intr"
# A fatal signal: the stuck cat goes at once.
kill -TERM "$stuck"
t0=$(now_ms)
for _ in $(seq 100); do kill -0 "$stuck" 2>/dev/null || break; sleep 0.05; done
kill -0 "$stuck" 2>/dev/null && fail "cat stuck on the hanging translator outlived SIGTERM by 5 s"
wait "$stuck" 2>/dev/null || true
note "a stuck cat ended $(($(now_ms) - t0)) ms after SIGTERM"
has_bytes "$scratch/m2/plain" $'plain\n'
has_bytes "$mnt/plain" $'plain\n'

# ---- hell down with a translator still stuck in io_read -----------------
hellfs_finish

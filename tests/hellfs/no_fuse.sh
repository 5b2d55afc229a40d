#!/usr/bin/env bash
# hellfs-no-fuse: hell mount where FUSE cannot work says so clearly and
# promptly, exits non-zero, and leaves nothing behind (no hellfs, no
# mount, no mount record); the environment is unharmed: once /dev/fuse
# is back, the same mount works.
#
# Simulated in a private mount namespace (root only; skipped otherwise),
# so nothing outside the test changes:
#   missing:   /dev is a tmpfs holding everything of the real /dev but fuse;
#   unusable:  /dev/null is bound over /dev/fuse (it opens, mounting fails).
#
#   no_fuse.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${2:-}" != --in-namespace ]; then
	name=no-fuse
	[ "$(id -u)" = 0 ] || skip "needs root, to simulate a missing /dev/fuse in a mount namespace"
	command -v unshare >/dev/null || skip "unshare (util-linux) is missing"
	unshare -m --propagation private true 2>/dev/null || skip "no mount namespace can be made here"
	exec unshare -m --propagation private "$0" "$1" --in-namespace
fi

hellfs_setup no-fuse "$1" 120
realdev=""
restore_dev() {
	if [ -n "$realdev" ]; then
		umount -R /dev && umount -R "$realdev" && rmdir "$realdev" && realdev=""
	fi
}
on_exit_hook() {
	restore_dev
	if is_mounted /dev/fuse; then umount /dev/fuse; fi
}
# /dev without fuse: a tmpfs with the rest of the real /dev bound into it.
hide_dev_fuse() {
	local e b
	realdev=$scratch/realdev
	mkdir "$realdev"
	mount --rbind /dev "$realdev"
	mount -t tmpfs -o mode=755,size=64k hellfs-test-dev /dev
	for e in "$realdev"/* "$realdev"/.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		b=${e##*/}
		[ "$b" = fuse ] && continue
		if [ -L "$e" ]; then
			cp -P "$e" "/dev/$b"
		elif [ -d "$e" ]; then
			mkdir "/dev/$b"
			mount --rbind "$e" "/dev/$b"
		else
			touch "/dev/$b"
			mount --bind "$e" "/dev/$b"
		fi
	done
}

# try_mount WHAT: hell mount must fail, saying PATTERN (an ERE, matched
# without regard to case), within 10 s, and leave nothing.
try_mount() {
	local what=$1 pattern=$2 mp=$scratch/mnt-$1 out status=0 t0 ms
	mkdir "$mp"
	t0=$(now_ms)
	out=$("$hell" mount "$mp" 2>&1) || status=$?
	ms=$(($(now_ms) - t0))
	note "$what /dev/fuse: hell mount exited $status after $ms ms, saying: $out"
	[ "$status" != 0 ] || fail "hell mount succeeded with $what /dev/fuse"
	echo "$out" | grep -Eiq -- "$pattern" || fail "hell mount with $what /dev/fuse said '$out', nothing like /$pattern/"
	[ "$ms" -lt 10000 ] || fail "hell mount took $ms ms to fail with $what /dev/fuse"
	is_mounted "$mp" && { mountpoints+=("$mp"); fail "$mp is mounted"; }
	sleep 0.3
	[ -z "$(ls -A "$HELL_HOME/mounts" 2>/dev/null)" ] ||
		fail "mount records left after a failed mount: $(ls "$HELL_HOME/mounts")"
	"$hell" status | grep -q "mount:" && fail "hell status lists a mount after a failed one: $("$hell" status)"
	[ -z "$("$hell" run ps -e | awk '$8 ~ /(^|\/)hellfs$/')" ] ||
		fail "a hellfs runs after a failed mount: $("$hell" run ps -e)"
	pgrep -f -- "$mp" >/dev/null && fail "a process with $mp in its command line runs: $(pgrep -af -- "$mp")"
	return 0
}

env_up
hide_dev_fuse
[ ! -e /dev/fuse ] && [ -e /dev/null ] || fail "could not hide /dev/fuse"
try_mount missing "/dev/fuse"
restore_dev
[ -c /dev/fuse ] || fail "/dev/fuse is not back"

mount --bind /dev/null /dev/fuse
# The reason (libfuse's: the mount failed, EINVAL), or at least where to
# read it: a message of hellfs's own alone does not tell what is wrong.
try_mount unusable "/dev/fuse|invalid argument|hellfs\.log"
umount /dev/fuse

# The environment is unharmed, and FUSE works again.
printf 'still here\n' >"$root/file"
mount_env "$mnt"
has_bytes "$mnt/file" $'still here\n'
hellfs_finish

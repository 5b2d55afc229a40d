#!/usr/bin/env bash
# hellfs-perms: who may use a mount.
#
# 1. root's environment, mounted by root: another Linux user (nobody) is
#    refused the mount (EACCES) unless it is mounted with allow_other;
#    with allow_other, the kernel checks the modes (default_permissions):
#    nobody reads a public file but not a mode-0600 one of root's, and
#    cannot write in root's directory.
# 2. An environment run entirely as nobody (its HELL_HOME, root directory
#    and mount point nobody's): the Hurd refuses nobody a mode-0600 file
#    of root's in the exported directory, and root is refused nobody's
#    mount (no allow_other).  Where /dev/fuse is not usable by nobody (it
#    is root's, 0600, on some systems), this part runs in a private mount
#    namespace with a usable copy of the device bound over /dev/fuse:
#    nothing outside the test changes.
#
# Needs root (to be two users); skipped otherwise.
#
#   perms.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
user=65534
as_nobody=(setpriv --reuid=$user --regid=$user --clear-groups)

if [ "${2:-}" != --nobody-part ]; then
	hellfs_setup perms "$1" 120
	[ "$(id -u)" = 0 ] || skip "needs root, to use the mount as a second Linux user"
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	"${as_nobody[@]}" test -x "$hell" ||
		skip "user $user cannot run $hell (the build directory is not readable by others)"

	# ---- 1. root's mount, and another user --------------------------
	env_up
	printf 'public\n' >"$root/public"
	printf 'secret\n' >"$root/secret"
	chmod 600 "$root/secret"
	mount_env "$mnt"
	has_bytes "$mnt/secret" $'secret\n'
	expect_error "Permission denied" "${as_nobody[@]}" cat "$mnt/public"
	expect_error "Permission denied" "${as_nobody[@]}" ls "$mnt"
	expect_error "Permission denied" "${as_nobody[@]}" stat "$mnt/public"

	mkdir "$scratch/shared"
	mount_env -o allow_other "$scratch/shared"
	[ "$("${as_nobody[@]}" cat "$scratch/shared/public")" = public ] ||
		fail "nobody cannot read a public file with allow_other"
	"${as_nobody[@]}" ls "$scratch/shared" | grep -qx secret || fail "nobody's ls with allow_other"
	expect_error "Permission denied" "${as_nobody[@]}" cat "$scratch/shared/secret"
	expect_error "Permission denied" "${as_nobody[@]}" touch "$scratch/shared/by-nobody"
	expect_error "Permission denied" "${as_nobody[@]}" rm -f "$scratch/shared/public"
	[ ! -e "$root/by-nobody" ] && [ -e "$root/public" ] || fail "nobody changed root's directory"
	# ... and the mount without allow_other still refuses nobody.
	expect_error "Permission denied" "${as_nobody[@]}" cat "$mnt/public"
	hellfs_finish

	# ---- 2. an environment of nobody's ---------------------------------
	# (A second run of this script; this one's exit cleans up after it.)
	part2=0
	if "${as_nobody[@]}" test -r /dev/fuse -a -w /dev/fuse; then
		"$0" "$1" --nobody-part || part2=$?
		exit $part2
	fi
	command -v unshare >/dev/null || skip "part 2: /dev/fuse is not usable by nobody and unshare is missing"
	unshare -m --propagation private true 2>/dev/null ||
		skip "part 2: /dev/fuse is not usable by nobody and no mount namespace can be made"
	unshare -m --propagation private "$0" "$1" --nobody-part --private-fuse || part2=$?
	exit $part2
fi

hellfs_setup perms-nobody "$1" 120
if [ "${3:-}" = --private-fuse ]; then
	# In this mount namespace only: a copy of the FUSE device nobody may
	# open, on a tmpfs of the test's own, bound over /dev/fuse.
	devdir=$scratch/dev
	mkdir "$devdir"
	mount -t tmpfs -o size=16k,mode=755 hellfs-test-dev "$devdir" ||
		skip "part 2: cannot mount a tmpfs in the private namespace"
	mknod -m 666 "$devdir/fuse" c $((0x$(stat -c %t /dev/fuse))) $((0x$(stat -c %T /dev/fuse))) ||
		{ umount "$devdir"; skip "part 2: cannot make a FUSE device node (mknod)"; }
	mount --bind "$devdir/fuse" /dev/fuse || { umount "$devdir"; skip "part 2: cannot bind over /dev/fuse"; }
	on_exit_hook() {
		umount /dev/fuse && umount "$devdir"
	}
fi
home=$scratch/nobody
mkdir "$home"
chown "$user:$user" "$home"
export HELL_HOME=$home/hell
root=$home/root
mnt=$home/mnt
"${as_nobody[@]}" mkdir "$mnt"
run_as=("${as_nobody[@]}")
env_up
[ "$(stat -c %u "$root")" = "$user" ] || fail "the root directory is not nobody's"
printf 'open\n' >"$root/open"
printf 'secret\n' >"$root/secret"
chmod 600 "$root/secret"
"${as_nobody[@]}" sh -c "printf 'mine\n' >'$root/mine' && chmod 600 '$root/mine'"
mount_env "$mnt"
[ "$("${as_nobody[@]}" cat "$mnt/open")" = open ] || fail "nobody cannot read a public file of its own mount"
[ "$("${as_nobody[@]}" cat "$mnt/mine")" = mine ] || fail "nobody cannot read its own 0600 file"
"${as_nobody[@]}" ls "$mnt" | grep -qx secret || fail "nobody's ls of its mount"
expect_error "Permission denied" "${as_nobody[@]}" cat "$mnt/secret"
expect_error "Permission denied" "${as_nobody[@]}" dd if=/dev/zero of="$mnt/secret" bs=1 count=1 conv=notrunc status=none
[ "$(cat "$root/secret")" = secret ] || fail "the secret changed"
# The Hurd's own cat says the same: this is the Hurd's answer.
expect_error "Permission denied" "${as_nobody[@]}" "$hell" run cat /secret
# nobody writes where it may.
"${as_nobody[@]}" sh -c "printf 'new\n' >'$mnt/created'" || fail "nobody cannot create in its own root"
[ "$(stat -c '%u %s' "$root/created")" = "$user 4" ] || fail "nobody's new file: $(stat -c '%u %s' "$root/created")"
# root is not nobody: the mount (no allow_other) refuses it.
expect_error "Permission denied" cat "$mnt/open"
hellfs_finish

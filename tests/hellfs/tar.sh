#!/usr/bin/env bash
# hellfs-tar: a tree of a few hundred files of random sizes (a few over
# 1 MiB), directories, symlinks and hard links goes into the mount with
# `tar c | tar x' and comes back out the same way; the three copies (the
# source, the tree through the mount and under Linux, the tree read back)
# are compared byte for byte (diff -r, sha256sum) and by their metadata.
#
#   tar.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hellfs_setup tar "$1" 200

env_up
mount_env "$mnt"

# The source tree.  RANDOM is seeded so that a failure can be replayed;
# the bytes come from /dev/urandom (their value does not matter).
src=$scratch/src
mkdir "$src"
RANDOM=4242
dirs=(.)
for i in $(seq 40); do
	parent=${dirs[RANDOM % ${#dirs[@]}]}
	d=$parent/dir$i
	[ $((i % 7)) = 0 ] && d="$parent/dir $i with spaces"
	mkdir "$src/$d"
	dirs+=("$d")
done
mkdir "$src/empty dir"
nfiles=0
for i in $(seq 360); do
	d=${dirs[RANDOM % ${#dirs[@]}]}
	case $((RANDOM % 10)) in
	0) size=0 ;;
	1 | 2 | 3 | 4) size=$((RANDOM % 512)) ;;
	5 | 6 | 7) size=$((RANDOM % 65536)) ;;
	8) size=$((RANDOM * 8 + RANDOM % 8)) ;;
	9) size=$((4095 + RANDOM % 3)) ;;
	esac
	head -c "$size" /dev/urandom >"$src/$d/file$i"
	[ $((i % 5)) = 0 ] && chmod 600 "$src/$d/file$i"
	[ $((i % 11)) = 0 ] && chmod 755 "$src/$d/file$i"
	nfiles=$((nfiles + 1))
done
# The big ones: more than 1 MiB each, not a multiple of any page size.
for size in 1048577 2500000 5242881; do
	head -c "$size" /dev/urandom >"$src/dir1/big$size"
	nfiles=$((nfiles + 1))
done
# Links: relative, absolute, dangling, to a directory; hard links.
ln -s file1 "$src/rel-link"
mkdir "$src/links"
ln -s ../dir1/big1048577 "$src/links/up-link"
ln -s /nonexistent/absolute "$src/abs-link"
ln -s dangling "$src/dangling-link"
ln -s dir1 "$src/dir-link"
ln "$src/dir1/big1048577" "$src/hard-big"
first=$(find "$src" -name 'file*' -type f | sort | sed -n 1p)
ln "$first" "$src/hard-small"
chmod 700 "$src/${dirs[3]}"
touch -d '2010-05-06 07:08:09' "$src/file-in-2010"
note "source: $nfiles files, ${#dirs[@]} directories, $(du -sh "$src" | cut -f1)"

# The tree's metadata: type, mode, link count, name, and for what is not
# a directory size and link target (a directory's size is its file
# system's business); and, for files and directories, the modification
# time in seconds (what tar keeps).
listing() {
	(cd "$1" && find . \( -type d -printf '%y %m %n %p\n' \) -o -printf '%y %m %s %n %l %p\n' |
		LC_ALL=C sort)
}
mtimes() {
	(cd "$1" && find . ! -type l ! -path . -printf '%T@ %p\n' | awk '{ sub(/\..*/, "", $1); print }' | LC_ALL=C sort -k2)
}
checksums() {
	(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}
compare() {	# compare WHAT A B
	local what=$1 a b
	a=$($what "$2") || fail "$what $2"
	b=$($what "$3") || fail "$what $3"
	[ "$a" = "$b" ] || fail "$what differs between $2 and $3:
$(diff <(echo "$a") <(echo "$b") | head -20)"
}

# Into the mount.
t0=$(now_ms)
mkdir "$mnt/dst"
tar c -C "$src" . | tar x -C "$mnt/dst" || fail "tar c | tar x into the mount"
t1=$(now_ms)
diff -r --no-dereference "$src" "$mnt/dst" >"$scratch/diff" 2>&1 ||
	fail "diff -r of the source and the mount: $(head -20 "$scratch/diff")"
compare listing "$src" "$mnt/dst"
compare checksums "$src" "$mnt/dst"
# ... which is the Linux directory under rootfs.
diff -r --no-dereference "$src" "$root/dst" >"$scratch/diff" 2>&1 ||
	fail "diff -r of the source and the Linux directory: $(head -20 "$scratch/diff")"
compare listing "$src" "$root/dst"
compare mtimes "$mnt/dst" "$root/dst"
[ "$(stat -c %Y "$mnt/dst/file-in-2010")" = "$(date -d '2010-05-06 07:08:09' +%s)" ] ||
	fail "tar x did not set file-in-2010's time: $(stat -c %y "$mnt/dst/file-in-2010")"
[ "$(stat -c %i "$mnt/dst/hard-big")" = "$(stat -c %i "$mnt/dst/dir1/big1048577")" ] ||
	fail "hard-big is not a hard link through the mount"

# And back out.
t2=$(now_ms)
mkdir "$scratch/back"
tar c -C "$mnt/dst" . | tar x -C "$scratch/back" || fail "tar c from the mount | tar x"
t3=$(now_ms)
diff -r --no-dereference "$src" "$scratch/back" >"$scratch/diff" 2>&1 ||
	fail "diff -r of the source and the copy read back: $(head -20 "$scratch/diff")"
compare listing "$src" "$scratch/back"
compare checksums "$src" "$scratch/back"
compare mtimes "$mnt/dst" "$scratch/back"
for f in dir1/big1048577 dir1/big2500000 dir1/big5242881; do
	cmp "$src/$f" "$mnt/dst/$f" || fail "cmp $f"
done

# A second copy beside the first, made by cp -a within the mount.
cp -a "$mnt/dst" "$mnt/copy" || fail "cp -a within the mount"
compare checksums "$src" "$mnt/copy"
compare listing "$mnt/dst" "$mnt/copy"
rm -rf "$mnt/dst" "$mnt/copy" || fail "rm -rf of the trees"
[ "$(ls -A "$root" | sort | paste -sd' ')" = "hurd servers" ] ||
	fail "the root holds more than hurd and servers after rm -rf: $(ls -A "$root")"
note "tar into the mount: $((t1 - t0)) ms; out of it: $((t3 - t2)) ms"

hellfs_finish

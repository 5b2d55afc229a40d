#!/usr/bin/env bash
# hellfs-basic: the whole HELL name space mounted on Linux and used with
# Linux's own tools.  Every result is checked byte for byte, through the
# mount and, since rootfs exports the Linux directory $root, on Linux
# too; what Linux writes there is seen through the mount.  Errors must be
# the Hurd's errno (their texts, as the tools print them).
#
#   basic.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hellfs_setup basic "$1" 150
m=$mnt
run() { "$hell" run "$@"; }

env_up
mount_env "$m"

# stat's fields for comparing a node through the mount with the Linux one.
fields='%F %a %h %u %g %s %b %i %Y %y'
same_stat() {
	local a b
	a=$(stat -c "$fields" "$m/$1") || fail "stat $m/$1"
	b=$(stat -c "$fields" "$root/$1")
	[ "$a" = "$b" ] || fail "stat of $1: '$a' through the mount, '$b' on Linux"
}

# ---- The mount is the HELL root --------------------------------------
printf 'from linux\n' >"$root/linux.txt"
has_bytes "$m/linux.txt" $'from linux\n'
[ "$(ls -A "$m")" = "$(ls -A "$root")" ] ||
	fail "ls of the mount: '$(ls -A "$m")'; of the root: '$(ls -A "$root")'"
same_stat .
same_stat linux.txt
same_stat hurd
# A program file, big enough to be read in many pieces.
same_bytes "$m/hurd/hello" "$root/hurd/hello"

# ---- A translator's node, read with plain cat -------------------------
run settrans -ac /greeting /hurd/hello --contents=hi || fail "settrans -ac /greeting"
has_bytes "$m/greeting" "hi"
[ "$(stat -c '%F %A %s' "$m/greeting")" = "regular file -r--r--r-- 2" ] ||
	fail "the translated /greeting shows as $(stat -c '%F %A %s' "$m/greeting")"
ls -l "$m" | grep -Eq '^-r--r--r-- .* 2 .* greeting$' || fail "ls -l does not show greeting: $(ls -l "$m")"
# Its inode number is not the Linux file's under it (another translator's
# numbers are mixed into a range of their own).
[ "$(stat -c %i "$m/greeting")" != "$(stat -c %i "$root/greeting")" ] ||
	fail "the translated greeting has the Linux file's inode number"
[ "$(cat "$m/greeting" "$m/greeting")" = "hihi" ] || fail "two reads of greeting"
# The translator's node is not rootfs's: no write goes to it (hello
# serves reading only), and the Linux file under it stays empty.
expect_error "Read-only file system" dd if=/dev/zero of="$m/greeting" bs=1 count=1 conv=notrunc status=none
[ ! -s "$root/greeting" ] || fail "the Linux file under the translator is not empty"
# A translator set on a node the mount has already seen: once the
# kernel's cache times out (timeout=1), the translated node shows.
printf 'plain\n' >"$m/motd"
has_bytes "$m/motd" $'plain\n'
run settrans -a /motd /hurd/hello --contents=translated || fail "settrans -a /motd"
sleep 1.5
has_bytes "$m/motd" "translated"

# ---- Create, read, write, append --------------------------------------
printf 'abc\n' >"$m/new.txt"
has_bytes "$m/new.txt" $'abc\n'
has_bytes "$root/new.txt" $'abc\n'
printf 'more\n' >>"$m/new.txt"
has_bytes "$m/new.txt" $'abc\nmore\n'
has_bytes "$root/new.txt" $'abc\nmore\n'
: >"$m/new.txt"
[ ! -s "$root/new.txt" ] || fail "truncating open: $root/new.txt is not empty"
printf 'again\n' >"$m/new.txt"
has_bytes "$root/new.txt" $'again\n'

# 3 MiB, more than one read or write of any size.
head -c 3145728 /dev/urandom >"$scratch/blob"
cp "$scratch/blob" "$m/blob"
same_bytes "$m/blob" "$scratch/blob"
same_bytes "$root/blob" "$scratch/blob"
# Writes in the middle and past the end (a hole).
cp "$scratch/blob" "$scratch/blob.expected"
for at in 0 4095 4096 1000000 3145727; do
	printf 'XYZ' | dd of="$m/blob" bs=1 seek=$at conv=notrunc status=none
	printf 'XYZ' | dd of="$scratch/blob.expected" bs=1 seek=$at conv=notrunc status=none
done
printf 'tail' | dd of="$m/blob" bs=1 seek=4000000 conv=notrunc status=none
printf 'tail' | dd of="$scratch/blob.expected" bs=1 seek=4000000 conv=notrunc status=none
same_bytes "$m/blob" "$scratch/blob.expected"
same_bytes "$root/blob" "$scratch/blob.expected"
# Reads at offsets, in small pieces.
[ "$(dd if="$m/blob" bs=1 skip=4095 count=5 status=none | od -An -c | tr -d ' ')" = \
  "$(dd if="$scratch/blob.expected" bs=1 skip=4095 count=5 status=none | od -An -c | tr -d ' ')" ] ||
	fail "a 5-byte read at 4095"
# fsync, through dd and sync FILE.
dd if="$scratch/blob" of="$m/synced" bs=64k conv=fsync status=none || fail "dd conv=fsync"
sync "$m/synced" || fail "sync FILE"
same_bytes "$root/synced" "$scratch/blob"

# ---- Rename ------------------------------------------------------------
mv "$m/new.txt" "$m/renamed.txt"
[ ! -e "$m/new.txt" ] && [ ! -e "$root/new.txt" ] || fail "new.txt is still there after mv"
has_bytes "$m/renamed.txt" $'again\n'
has_bytes "$root/renamed.txt" $'again\n'
# An editor: write the new version beside, rename it over the old one.
printf 'version 1\n' >"$m/doc.txt"
has_bytes "$m/doc.txt" $'version 1\n'
old_ino=$(stat -c %i "$root/doc.txt")
printf 'version 2, longer\n' >"$m/.doc.txt.swp"
mv -f "$m/.doc.txt.swp" "$m/doc.txt"
has_bytes "$m/doc.txt" $'version 2, longer\n'
has_bytes "$root/doc.txt" $'version 2, longer\n'
[ ! -e "$m/.doc.txt.swp" ] && [ ! -e "$root/.doc.txt.swp" ] || fail "the swap file is still there"
[ "$(stat -c %i "$root/doc.txt")" != "$old_ino" ] || fail "doc.txt kept its inode through the rename"
[ "$(stat -c %i "$m/doc.txt")" = "$(stat -c %i "$root/doc.txt")" ] ||
	fail "doc.txt's inode: $(stat -c %i "$m/doc.txt") through the mount, $(stat -c %i "$root/doc.txt") on Linux"
# sed -i does the same (a temporary file, then rename).
sed -i 's/version 2/version 3/' "$m/doc.txt" || fail "sed -i"
has_bytes "$m/doc.txt" $'version 3, longer\n'
has_bytes "$root/doc.txt" $'version 3, longer\n'
# Across directories, and a directory itself.
mkdir "$m/d1" "$m/d2"
printf 'moving\n' >"$m/d1/f"
mv "$m/d1/f" "$m/d2/f"
has_bytes "$root/d2/f" $'moving\n'
[ ! -e "$root/d1/f" ] || fail "d1/f still on Linux after mv"
mv "$m/d2" "$m/d3"
has_bytes "$m/d3/f" $'moving\n'
has_bytes "$root/d3/f" $'moving\n'
[ ! -e "$m/d2" ] || fail "d2 still there after mv d2 d3"
# renameat2's flags: RENAME_NOREPLACE is honoured, RENAME_EXCHANGE is
# not supported (EINVAL).
renameat2() {
	python3 - "$@" <<'EOF'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
flags = {"noreplace": 1, "exchange": 2}[sys.argv[1]]
r = libc.renameat2(-100, os.fsencode(sys.argv[2]), -100, os.fsencode(sys.argv[3]), flags)
print(0 if r == 0 else os.strerror(ctypes.get_errno()))
EOF
}
printf 'keep\n' >"$m/keep"
printf 'other\n' >"$m/other"
[ "$(renameat2 noreplace "$m/other" "$m/keep")" = "File exists" ] ||
	fail "RENAME_NOREPLACE over an existing file: $(renameat2 noreplace "$m/other" "$m/keep")"
has_bytes "$m/keep" $'keep\n'
has_bytes "$m/other" $'other\n'
[ "$(renameat2 noreplace "$m/other" "$m/fresh")" = 0 ] || fail "RENAME_NOREPLACE to a new name"
has_bytes "$root/fresh" $'other\n'
[ ! -e "$root/other" ] || fail "RENAME_NOREPLACE left the old name"
[ "$(renameat2 exchange "$m/fresh" "$m/keep")" = "Invalid argument" ] ||
	fail "RENAME_EXCHANGE: $(renameat2 exchange "$m/fresh" "$m/keep")"
has_bytes "$root/keep" $'keep\n'
has_bytes "$root/fresh" $'other\n'

# ---- Directories: mkdir -p, trees, rmdir, rm -r ------------------------
mkdir -p "$m/a/b/c"
[ -d "$root/a/b/c" ] || fail "mkdir -p a/b/c made no Linux directories"
for d in a a/b a/b/c; do
	printf '%s\n' "$d" >"$m/$d/file"
	has_bytes "$root/$d/file" "$d"$'\n'
done
[ "$(cd "$m/a" && find . | sort)" = "$(cd "$root/a" && find . | sort)" ] ||
	fail "find of a/ differs: $(cd "$m/a" && find . | sort)"
rm "$m/a/b/c/file"
rmdir "$m/a/b/c"
[ ! -e "$root/a/b/c" ] || fail "rmdir a/b/c left the Linux directory"
rm -r "$m/a"
[ ! -e "$root/a" ] && [ ! -e "$m/a" ] || fail "rm -r a left something"
# A directory of many entries, with odd names: readdir lists them all.
mkdir "$root/many"
(cd "$root/many" && touch f{1..600} "with space" "$(printf 'new\nline')" "é ü ß" \
	"$(head -c 255 /dev/zero | tr '\0' n)")
[ "$(ls -A "$m/many" | sort)" = "$(ls -A "$root/many" | sort)" ] ||
	fail "ls of a 604-entry directory differs"
[ "$(find "$m/many" -mindepth 1 -printf . | wc -c)" = 604 ] ||
	fail "find counts $(find "$m/many" -mindepth 1 -printf . | wc -c) of 604"
# A listing is the Linux listing, field for field.
mkdir "$m/listed"
printf 'x\n' >"$m/listed/f1"
head -c 10000 /dev/urandom >"$m/listed/f2"
mkdir "$m/listed/sub"
ln -s f1 "$m/listed/sym"
list() { (cd "$1" && LC_ALL=C ls -lan --time-style=full-iso); }
[ "$(list "$m/listed")" = "$(list "$root/listed")" ] ||
	fail "ls -lan differs: mount:
$(list "$m/listed")
Linux:
$(list "$root/listed")"

# ---- The Hurd's errors --------------------------------------------------
expect_error "No such file or directory" cat "$m/missing"
expect_error "No such file or directory" cat "$m/nodir/missing"
expect_error "No such file or directory" rm "$m/missing"
mkdir "$m/full"
printf 'x' >"$m/full/x"
expect_error "Directory not empty" rmdir "$m/full"
expect_error "File exists" mkdir "$m/full"
expect_error "Not a directory" ls "$m/linux.txt/x"
expect_error "Not a directory" rmdir "$m/linux.txt"
expect_error "Is a directory" cat "$m/full"
expect_error "File exists" ln "$m/linux.txt" "$m/full/x"
[ -d "$root/full" ] && has_bytes "$root/full/x" "x"

# ---- Symbolic links: the Hurd's way, a Linux symlink underneath --------
ln -s linux.txt "$m/sym"
[ "$(readlink "$m/sym")" = linux.txt ] || fail "readlink sym: $(readlink "$m/sym")"
[ -L "$root/sym" ] && [ "$(readlink "$root/sym")" = linux.txt ] ||
	fail "sym is no Linux symlink to linux.txt: $(ls -l "$root/sym")"
[ "$(stat -c %F "$m/sym")" = "symbolic link" ] || fail "sym is a $(stat -c %F "$m/sym")"
has_bytes "$m/sym" $'from linux\n'
ln -s /an/absolute/target "$m/abs"
[ "$(readlink "$m/abs")" = /an/absolute/target ] || fail "readlink abs: $(readlink "$m/abs")"
expect_error "No such file or directory" cat "$m/abs"
ln -s linux.txt "$root/lsym"
[ "$(readlink "$m/lsym")" = linux.txt ] || fail "readlink of a symlink Linux made: $(readlink "$m/lsym")"
same_stat sym
rm "$m/sym"
[ ! -e "$root/sym" ] && [ ! -L "$root/sym" ] || fail "rm sym left the Linux symlink"
has_bytes "$root/linux.txt" $'from linux\n'

# ---- Hard links ---------------------------------------------------------
ln "$m/linux.txt" "$m/hard"
[ "$(stat -c %h "$m/hard")" = 2 ] || fail "hard's link count is $(stat -c %h "$m/hard")"
[ "$(stat -c %i "$root/hard")" = "$(stat -c %i "$root/linux.txt")" ] || fail "hard is no Linux hard link"
[ "$(stat -c %i "$m/hard")" = "$(stat -c %i "$m/linux.txt")" ] || fail "the two names are two inodes in the mount"
printf 'through the link\n' >>"$m/hard"
has_bytes "$m/linux.txt" $'from linux\nthrough the link\n'
same_stat hard

# ---- Attributes: chmod, chown, touch, truncate -------------------------
chmod 640 "$m/linux.txt"
[ "$(stat -c %a "$m/linux.txt")" = 640 ] && [ "$(stat -c %a "$root/linux.txt")" = 640 ] ||
	fail "chmod 640: $(stat -c %a "$m/linux.txt") / $(stat -c %a "$root/linux.txt")"
chmod 1751 "$m/d3"
[ "$(stat -c %a "$root/d3")" = 1751 ] || fail "chmod 1751 on a directory: $(stat -c %a "$root/d3")"
if [ "$(id -u)" = 0 ]; then
	chown 65534:65534 "$m/blob"
	[ "$(stat -c %u:%g "$root/blob")" = 65534:65534 ] || fail "chown: $(stat -c %u:%g "$root/blob")"
	chown 0:0 "$m/blob"
	[ "$(stat -c %u:%g "$root/blob")" = 0:0 ] || fail "chown back: $(stat -c %u:%g "$root/blob")"
fi
touch -m -d '2001-02-03 04:05:06.123456789 UTC' "$m/linux.txt"
[ "$(TZ=UTC0 stat -c %y "$root/linux.txt")" = "2001-02-03 04:05:06.123456789 +0000" ] ||
	fail "touch -m: Linux has $(TZ=UTC0 stat -c %y "$root/linux.txt")"
[ "$(TZ=UTC0 stat -c %y "$m/linux.txt")" = "2001-02-03 04:05:06.123456789 +0000" ] ||
	fail "touch -m: the mount shows $(TZ=UTC0 stat -c %y "$m/linux.txt")"
touch -a -d '1999-12-31 23:59:59 UTC' "$m/linux.txt"
[ "$(stat -c %X "$root/linux.txt")" = 946684799 ] || fail "touch -a: $(stat -c %X "$root/linux.txt")"
touch "$m/touched"
[ -f "$root/touched" ] && [ ! -s "$root/touched" ] || fail "touch made no empty file"
same_stat linux.txt
truncate -s 10 "$m/blob"
head -c 10 "$scratch/blob.expected" >"$scratch/blob10"
same_bytes "$root/blob" "$scratch/blob10"
truncate -s 100000 "$m/blob"
{ cat "$scratch/blob10"; head -c 99990 /dev/zero; } >"$scratch/blob100000"
same_bytes "$m/blob" "$scratch/blob100000"
same_bytes "$root/blob" "$scratch/blob100000"
same_stat blob
truncate -s 0 "$m/blob"
[ "$(stat -c %s "$m/blob")" = 0 ] && [ ! -s "$root/blob" ] || fail "truncate -s 0"

# ---- statfs -------------------------------------------------------------
df "$m" >/dev/null || fail "df"
[ "$(stat -f -c '%S %b %c %l' "$m")" = "$(stat -f -c '%S %b %c %l' "$root")" ] ||
	fail "statfs: '$(stat -f -c '%S %b %c %l' "$m")' through the mount, '$(stat -f -c '%S %b %c %l' "$root")' on Linux"

# ---- What Linux changes is seen through the mount -------------------------
printf 'seen before\n' >"$root/changing"
mkdir "$root/gone-dir"
printf 'x' >"$root/gone"
has_bytes "$m/changing" $'seen before\n'
[ -e "$m/gone" ] && [ -d "$m/gone-dir" ] || fail "gone, gone-dir not seen"
printf 'changed by Linux, and longer\n' >"$root/changing"
rm "$root/gone"
rmdir "$root/gone-dir"
mkdir "$root/new-dir"
printf 'new\n' >"$root/new-dir/inside"
sleep 1.5	# the kernel's attribute and entry cache: timeout=1
has_bytes "$m/changing" $'changed by Linux, and longer\n'
[ ! -e "$m/gone" ] && [ ! -e "$m/gone-dir" ] || fail "what Linux removed is still seen"
ls "$m" | grep -qx gone && fail "ls lists gone"
has_bytes "$m/new-dir/inside" $'new\n'

# ---- Special files ----------------------------------------------------
# mknod is the Hurd's way: a new file with a passive /hurd/fifo
# translator, which rootfs cannot store as a Linux FIFO, and which HELL
# has no program for: the bridge refuses (EOPNOTSUPP) and leaves no name.
expect_error "Operation not supported" mkfifo "$m/fifo"
[ ! -e "$m/fifo" ] && [ ! -e "$root/fifo" ] || fail "a failed mkfifo left a name"

# ---- Delete ------------------------------------------------------------
rm "$m/renamed.txt" "$m/hard" "$m/touched"
for f in renamed.txt hard touched; do
	[ ! -e "$root/$f" ] || fail "rm $f left the Linux file"
done
[ "$(stat -c %h "$m/linux.txt")" = 1 ] || fail "linux.txt's link count after rm hard: $(stat -c %h "$m/linux.txt")"
rm -r "$m/d3" "$m/many" "$m/listed" "$m/full"
for d in d3 many listed full; do
	[ ! -e "$root/$d" ] || fail "rm -r $d left the Linux directory"
done

# ---- A second mount, read-only -----------------------------------------
mkdir "$scratch/ro"
mount_env -o ro "$scratch/ro"
has_bytes "$scratch/ro/linux.txt" $'from linux\nthrough the link\n'
expect_error "Read-only file system" touch "$scratch/ro/new"
expect_error "Read-only file system" rm "$scratch/ro/linux.txt"
expect_error "Read-only file system" mkdir "$scratch/ro/dir"
[ -e "$root/linux.txt" ] && [ ! -e "$root/new" ] && [ ! -e "$root/dir" ] || fail "the ro mount changed the root"
"$hell" umount "$scratch/ro" || fail "hell umount"
is_mounted "$scratch/ro" && fail "still mounted after hell umount"
"$hell" status | grep -q "mount: $scratch/ro " && fail "hell status lists an unmounted mount"
expect_error "$scratch/ro" "$hell" umount "$scratch/ro"

# ---- timeout=0: no kernel cache, Linux's changes are seen at once --------
mkdir "$scratch/nocache"
mount_env -o timeout=0 "$scratch/nocache"
printf 'one\n' >"$root/fresh-file"
has_bytes "$scratch/nocache/fresh-file" $'one\n'
printf 'two, longer\n' >"$root/fresh-file"
has_bytes "$scratch/nocache/fresh-file" $'two, longer\n'
rm "$root/fresh-file"
[ ! -e "$scratch/nocache/fresh-file" ] || fail "timeout=0: a file Linux removed is still seen"

# ---- Bad options: a clear refusal, nothing mounted, nothing left ---------
mkdir "$scratch/bad"
mountpoints+=("$scratch/bad")
for opt in max_ports=lots rpc_timeout=-1 timeout=soon max_ports=0; do
	expect_error "${opt%%=*}" "$hell" mount -o "$opt" "$scratch/bad"
	is_mounted "$scratch/bad" && fail "hell mount -o $opt mounted"
done
expect_error "/no/such/node: No such file or directory" "$hell" mount --node /no/such/node "$scratch/bad"
is_mounted "$scratch/bad" && fail "hell mount --node /no/such/node mounted"
[ "$(ls "$HELL_HOME/mounts" | wc -l)" = 2 ] ||
	fail "mount records after the refused mounts: $(ls "$HELL_HOME/mounts")"

hellfs_finish

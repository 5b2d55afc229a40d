#!/usr/bin/env bash
# hellfs-node: one translator's node mounted alone (hell mount --node) on
# a Linux file, read with cat; fsysopts changes its contents while it is
# mounted and the very next cat shows them (a translator's node is read
# with direct_io: no page cache to go stale), longer or shorter.
#
#   node.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hellfs_setup node "$1" 120
run() { "$hell" run "$@"; }

env_up
run settrans -ac /hello /hurd/hello || fail "settrans -ac /hello"
[ "$(run cat /hello)" = "Hello, world!" ] || fail "the Hurd's cat of /hello"

# A mount point that is a file, and one that does not exist yet.
file=$scratch/hello-file
: >"$file"
mount_env --node /hello "$file"
[ -f "$file" ] || fail "the node mounted on $file is not a regular file"
has_bytes "$file" $'Hello, world!\n'
[ "$(stat -c '%F %A %s' "$file")" = "regular file -r--r--r-- 14" ] ||
	fail "stat of the mounted node: $(stat -c '%F %A %s' "$file")"
new=$scratch/created
mount_env --node /hello "$new"
has_bytes "$new" $'Hello, world!\n'
# ... and beside them, the whole name space.
mount_env "$mnt"
has_bytes "$mnt/hello" $'Hello, world!\n'

# fsysopts, then cat at once: each time the translator's new contents.
for text in "bye" "a greeting much longer than the first one, to be read past the old size" "x" ""; do
	run fsysopts /hello --contents="$text" || fail "fsysopts /hello --contents='$text'"
	has_bytes "$file" "$text"
	has_bytes "$new" "$text"
	has_bytes "$mnt/hello" "$text"
done
# Many changes in a row, each read at once through one open file kept
# open (pread at offset 0): no read shows an old text.
python3 - "$hell" "$file" <<'EOF2' || fail "reads through an open file after fsysopts"
import os, subprocess, sys
hell, path = sys.argv[1:]
fd = os.open(path, os.O_RDONLY)
for i in range(1, 21):
    text = "round %d" % i
    subprocess.run([hell, "run", "fsysopts", "/hello", "--contents=" + text], check=True)
    got = os.pread(fd, 4096, 0).decode()
    if got != text:
        sys.exit("after fsysopts --contents='%s', pread gives '%s'" % (text, got))
os.close(fd)
EOF2
sleep 1.2	# the attributes the kernel keeps for timeout=1 s
[ "$(stat -c %s "$file")" = 8 ] || fail "the mounted node's size is $(stat -c %s "$file") after 'round 20'"

# The node's errors are its own: hello serves reading only.
expect_error "Read-only file system" dd if=/dev/zero of="$file" bs=1 count=1 conv=notrunc status=none

"$hell" umount "$new" || fail "hell umount $new"
is_mounted "$new" && fail "$new still mounted after hell umount"
fusermount3 -u "$file" || fail "fusermount3 -u $file"
is_mounted "$file" && fail "$file still mounted after fusermount3 -u"
# A record whose hellfs ended with fusermount3 -u is not listed.
for _ in $(seq 50); do
	"$hell" status | grep -q "mount: $file " || break
	sleep 0.1
done
"$hell" status | grep -q "mount: $file " && fail "hell status lists $file after fusermount3 -u"

hellfs_finish

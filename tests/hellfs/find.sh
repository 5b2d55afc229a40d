#!/usr/bin/env bash
# hellfs-find: find over 10,000 files in nested directories (made in the
# Linux directory directly, which is quick), stat of every one, and
# machd's port count before, during and after: the bridge keeps at most
# max_ports node ports, so the count stays bounded however many nodes
# the kernel has looked up; and once the mounts are gone, everything the
# bridge held is released (the count is back where it was).
#
#   find.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hellfs_setup find "$1" 270

env_up

# 10 x 10 directories of 100 files; file N holds N % 200 bytes.
python3 - "$root/tree" <<'EOF'
import os, sys
top = sys.argv[1]
n = 0
for a in range(10):
    for b in range(10):
        d = os.path.join(top, "a%d" % a, "b%d" % b)
        os.makedirs(d)
        for c in range(100):
            with open(os.path.join(d, "f%d" % c), "wb") as f:
                f.write(b"x" * (n % 200))
            n += 1
EOF
expected_files=10000
expected_bytes=$(find "$root/tree" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
linux_sizes=$(cd "$root/tree" && find . -type f -printf '%p %s\n' | LC_ALL=C sort)

# The margin over max_ports that machd's count may grow by while the
# bridge serves a find: the bridge's own threads (libfuse's workers, each
# with a reply port), the directories find has open at once (one port
# each, a handful at this depth), the open and reply ports of rootfs's
# threads, and the `hell status' task that counts.  Together a few dozen;
# 64 leaves room, and is far below the ~10,100 ports a bridge that kept
# every node's would hold.
margin=64

ports_of() { echo "${1%% *}"; }

# Run CMD (in this shell) while machd's port count is sampled every
# 0.2 s; peak is the largest count seen.
peak_ports_during() {
	local samples=$scratch/samples flag=$scratch/sampling sampler status=0
	: >"$samples"
	touch "$flag"
	( while [ -e "$flag" ]; do counts >>"$samples"; sleep 0.2; done ) &
	sampler=$!
	"$@" || status=$?
	rm -f "$flag"
	wait "$sampler"
	counts >>"$samples"
	peak=$(awk '{ if ($1 > max) max = $1 } END { print max + 0 }' "$samples")
	return $status
}

count_files() {
	n=$(find "$1/tree" -type f | wc -l)
}
sizes_by_printf() {
	sizes=$(cd "$1/tree" && find . -type f -printf '%p %s\n' | LC_ALL=C sort)
}
sizes_by_stat() {
	sizes=$(cd "$1/tree" && find . -type f -exec stat -c '%n %s' {} + | LC_ALL=C sort)
}

before_mount=$(settled_counts)

# ---- The default mount (max_ports=1024) ----------------------------------
mount_env "$mnt"
base=$(settled_counts)
t0=$(now_ms)
peak_ports_during count_files "$mnt" || fail "find over the mount"
peak1=$peak
t1=$(now_ms)
[ "$n" = "$expected_files" ] || fail "find counts $n files, not $expected_files"
peak_ports_during sizes_by_printf "$mnt" || fail "find -printf %s over the mount"
peak2=$peak
t2=$(now_ms)
[ "$sizes" = "$linux_sizes" ] || fail "find -printf '%p %s' differs from Linux's:
$(diff <(echo "$sizes") <(echo "$linux_sizes") | head)"
total=$(echo "$sizes" | awk '{ s += $2 } END { print s }')
[ "$total" = "$expected_bytes" ] || fail "the sizes add up to $total, not $expected_bytes"
after=$(settled_counts)
note "default max_ports: machd's ports $(ports_of "$base") before find, peak $peak1 / $peak2, $(ports_of "$after") after;" \
	"find $((t1 - t0)) ms, find -printf %s $((t2 - t1)) ms"
for p in "$peak1" "$peak2" "$(ports_of "$after")"; do
	[ $((p - $(ports_of "$base"))) -le $((1024 + margin)) ] ||
		fail "machd's port count grew from $(ports_of "$base") to $p over a find (max_ports=1024, margin $margin)"
done

# ---- A second mount, max_ports=256 ----------------------------------------
mkdir "$scratch/small"
mount_env -o max_ports=256 "$scratch/small"
base=$(settled_counts)
t0=$(now_ms)
peak_ports_during count_files "$scratch/small" || fail "find over the max_ports=256 mount"
peak1=$peak
[ "$n" = "$expected_files" ] || fail "find counts $n files with max_ports=256, not $expected_files"
t1=$(now_ms)
peak_ports_during sizes_by_stat "$scratch/small" || fail "find -exec stat over the max_ports=256 mount"
peak2=$peak
t2=$(now_ms)
[ "$sizes" = "$linux_sizes" ] || fail "stat's sizes differ from Linux's:
$(diff <(echo "$sizes") <(echo "$linux_sizes") | head)"
# A second pass: the nodes evicted from the bridge's cache are found
# again (the kernel still has their inodes).
count_files "$scratch/small"
[ "$n" = "$expected_files" ] || fail "a second find counts $n files with max_ports=256"
head -c 13 "$scratch/small/tree/a0/b0/f13" | cmp - <(printf 'xxxxxxxxxxxxx') ||
	fail "reading a file after its node was evicted"
after=$(settled_counts)
note "max_ports=256: machd's ports $(ports_of "$base") before find, peak $peak1 / $peak2, $(ports_of "$after") after;" \
	"find $((t1 - t0)) ms, find -exec stat $((t2 - t1)) ms"
for p in "$peak1" "$peak2" "$(ports_of "$after")"; do
	[ $((p - $(ports_of "$base"))) -le $((256 + margin)) ] ||
		fail "machd's port count grew from $(ports_of "$base") to $p over a find (max_ports=256, margin $margin)"
done

# ---- Unmounted, the bridge's ports are all gone --------------------------
"$hell" umount "$scratch/small" || fail "hell umount $scratch/small"
"$hell" umount "$mnt" || fail "hell umount $mnt"
gone=$(settled_counts)
# rootfs's thread pool may have grown under the bridge's concurrent
# requests; its idle threads end only after two minutes.  Each thread has
# its kernel thread port and its reply port (two ports, three names in
# all), so what is compared is the count of everything else: that must be
# back where it was (within 8, as tests/hurd/e2e allows), and the tasks
# too (the bridges are gone).
read -r p0 n0 th0 ta0 <<<"$before_mount"
read -r p1 n1 th1 ta1 <<<"$gone"
note "before the mounts: $p0 ports, $n0 names, $th0 threads, $ta0 tasks;" \
	"after: $p1 ports, $n1 names, $th1 threads, $ta1 tasks"
[ "$ta1" = "$ta0" ] || fail "machd has $ta1 tasks after the mounts, $ta0 before"
[ $((p1 - 2 * th1 - (p0 - 2 * th0))) -le 8 ] && [ $((n1 - 3 * th1 - (n0 - 3 * th0))) -le 8 ] ||
	fail "machd's ports and names beside its threads' went from '$before_mount' before the mounts to '$gone' after them (ports names threads tasks)"

hellfs_finish

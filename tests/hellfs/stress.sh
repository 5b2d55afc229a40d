#!/usr/bin/env bash
# hellfs-stress: several Linux processes use the mount at once.  Each
# writer makes, reads back, rewrites, renames and deletes files of its
# own directory and appends lines to one shared log; readers read one
# shared file over and over.  Every byte is checked (sha256) through the
# mount and on Linux: nothing lost, nothing corrupted, no error.
#
#   stress.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
hellfs_setup stress "$1" 200

env_up
mount_env "$mnt"

writers=6
readers=2
files=20
lines=50
head -c 2097152 /dev/urandom >"$root/shared"
shared_sum=$(sha256sum <"$root/shared")
: >"$mnt/log"
: >"$mnt/blocks"

# writer N: its own directory w$N, files of random sizes (some over the
# 128 KiB a single FUSE write carries); a manifest of what it leaves.
writer() {
	local n=$1 dir=$mnt/w$1 own=$scratch/own$1 i size
	RANDOM=$((n * 7919))
	mkdir "$dir" "$own" || { echo "w$n: mkdir"; return 1; }
	for i in $(seq $files); do
		size=$((RANDOM * 16 % 400000))
		head -c "$size" /dev/urandom >"$own/f$i"
		cp "$own/f$i" "$dir/f$i" || { echo "w$n: cp f$i"; return 1; }
		cmp -s "$own/f$i" "$dir/f$i" || { echo "w$n: f$i read back differs"; return 1; }
		# Rewrite a piece in the middle, and append.
		printf 'w%dpiece%d' "$n" "$i" | dd of="$own/f$i" bs=1 seek=$((size / 2)) conv=notrunc status=none
		printf 'w%dpiece%d' "$n" "$i" | dd of="$dir/f$i" bs=1 seek=$((size / 2)) conv=notrunc status=none ||
			{ echo "w$n: dd into f$i"; return 1; }
		printf 'end of %d\n' "$i" | tee -a "$own/f$i" >>"$dir/f$i" || { echo "w$n: append f$i"; return 1; }
		cmp -s "$own/f$i" "$dir/f$i" || { echo "w$n: f$i differs after rewrite"; return 1; }
		case $((i % 4)) in
		0) rm "$dir/f$i" "$own/f$i" || { echo "w$n: rm f$i"; return 1; } ;;
		1) mv "$dir/f$i" "$dir/g$i" && mv "$own/f$i" "$own/g$i" || { echo "w$n: mv f$i"; return 1; } ;;
		esac
		if [ $((i % 3)) = 0 ]; then
			mkdir -p "$dir/sub$i/deeper" && rmdir "$dir/sub$i/deeper" "$dir/sub$i" ||
				{ echo "w$n: mkdir/rmdir sub$i"; return 1; }
		fi
	done
	for i in $(seq $lines); do
		printf 'writer %d line %d\n' "$n" "$i" >>"$mnt/log" || { echo "w$n: log line $i"; return 1; }
	done
	# Its own 64 KiB block of one shared file, rewritten while the others
	# write theirs; the last version stays.
	for i in 1 2 3 4 5; do
		head -c 65536 /dev/urandom >"$scratch/block$n"
		dd if="$scratch/block$n" of="$mnt/blocks" bs=65536 seek=$((n - 1)) conv=notrunc status=none ||
			{ echo "w$n: block $i"; return 1; }
	done
	(cd "$own" && sha256sum -- * >"$scratch/manifest$n")
	[ "$(ls "$dir" | sort)" = "$(ls "$own" | sort)" ] ||
		{ echo "w$n: its directory lists $(ls "$dir" | paste -sd' '), not $(ls "$own" | paste -sd' ')"; return 1; }
}

# reader N: the shared file, again and again, whole and in pieces.
reader() {
	local n=$1 i sum
	for i in $(seq 15); do
		sum=$(sha256sum <"$mnt/shared") || { echo "r$n: read $i"; return 1; }
		[ "$sum" = "$shared_sum" ] || { echo "r$n: read $i of shared gave another sum"; return 1; }
		cmp -s <(dd if="$mnt/shared" bs=4096 skip=$((i * 7)) count=3 status=none) \
		       <(dd if="$root/shared" bs=4096 skip=$((i * 7)) count=3 status=none) ||
			{ echo "r$n: a piece of shared at block $((i * 7)) differs"; return 1; }
	done
}

t0=$(now_ms)
pids=()
for n in $(seq $writers); do
	writer "$n" >"$scratch/out.w$n" 2>&1 &
	pids+=($!)
done
for n in $(seq $readers); do
	reader "$n" >"$scratch/out.r$n" 2>&1 &
	pids+=($!)
done
failed=""
for p in "${pids[@]}"; do
	wait "$p" || failed="$failed $p"
done
t1=$(now_ms)
if [ -n "$failed" ]; then
	fail "workers failed:$failed: $(cat "$scratch"/out.* | head -20)"
fi
for f in "$scratch"/out.*; do
	[ ! -s "$f" ] || fail "${f##*/} said: $(head -5 "$f")"
done

# Everything is there, through the mount and on Linux.
for n in $(seq $writers); do
	(cd "$mnt/w$n" && sha256sum --quiet -c "$scratch/manifest$n") ||
		fail "writer $n's files through the mount"
	(cd "$root/w$n" && sha256sum --quiet -c "$scratch/manifest$n") ||
		fail "writer $n's files on Linux"
	[ "$(ls "$root/w$n" | wc -l)" = "$(wc -l <"$scratch/manifest$n")" ] ||
		fail "writer $n's directory holds $(ls "$root/w$n" | wc -l) files on Linux"
done
[ "$(wc -l <"$root/log")" = $((writers * lines)) ] ||
	fail "the shared log has $(wc -l <"$root/log") lines, not $((writers * lines))"
for n in $(seq $writers); do
	[ "$(grep -c "^writer $n line [0-9]*$" "$root/log")" = $lines ] ||
		fail "writer $n's lines in the shared log: $(grep -c "^writer $n line" "$root/log")"
	grep "^writer $n line" "$root/log" | cut -d' ' -f4 | sort -n | paste -sd' ' |
		grep -qx "$(seq -s' ' $lines)" || fail "writer $n's lines are not all in the log"
done
cmp -s "$mnt/log" "$root/log" || fail "the log through the mount differs from Linux's"
for n in $(seq $writers); do
	for where in "$mnt" "$root"; do
		cmp -s "$scratch/block$n" <(dd if="$where/blocks" bs=65536 skip=$((n - 1)) count=1 status=none) ||
			fail "writer $n's block of the shared file in $where is not its last version"
	done
done
[ "$(stat -c %s "$root/blocks")" = $((writers * 65536)) ] || fail "the shared file has $(stat -c %s "$root/blocks") bytes"
note "$writers writers and $readers readers: $((t1 - t0)) ms"

hellfs_finish

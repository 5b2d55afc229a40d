#!/usr/bin/env bash
# The Hurd on Linux, in one minute: `./build.sh demo` runs this.
#
# It brings up a HELL environment of its own (machd, startup, auth, proc,
# exec and a root file system exporting a scratch Linux directory), shows
# the README's tour command by command, and takes the environment down
# again.  Your own environment ($HELL_HOME, the default root) is not
# touched.
#
#   examples/tour/hurd-tour.sh BUILD-DIR
set -euo pipefail
build=${1:?usage: hurd-tour.sh BUILD-DIR}
hell=$build/tools/hell
scratch=$(mktemp -d /tmp/hell-tour-XXXXXX)
export HELL_HOME=$scratch/home
root=$scratch/root
mnt=$scratch/mnt
trap '"$hell" down >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT

# Print a command as a user would type it, then run it.
show() {
	printf '\n\033[1m$ %s\033[0m\n' "$*"
	"$@"
}
hell() { "$hell" "$@"; }

show hell up --root "$root"
show hell status
echo "A Linux file, seen from inside HELL:"
echo "written by Linux" > "$root/greeting.txt"
show hell run cat /greeting.txt
show hell run ls /
echo
echo "An active translator: a running server attached to /hello."
show hell run settrans -ac /hello /hurd/hello
show hell run cat /hello
echo
echo "A passive translator: stored with the Linux file (extended attribute"
echo "gnu.translator), started by the root file system on first lookup."
show hell run settrans -c /motd /hurd/hello --contents='hi from a passive translator'
show hell run showtrans /motd
show hell run cat /motd
show hell run fsysopts /motd --contents='changed at run time'
show hell run cat /motd
show hell run fsysopts /motd
echo
echo "The tasks, as the Hurd's proc server sees them (pids are Linux's):"
show hell run ps -e
rootfs=$(awk '$1 == "rootfs" { print $2 }' "$HELL_HOME/servers")
show hell run portinfo "$rootfs"
echo
echo "machd sees every message, so rpctrace shows a task's RPCs from the kernel side:"
show hell run rpctrace cat /motd
echo
echo "Linux's own programs use Hurd translators through FUSE: hell mount."
if [ -e /dev/fuse ] && command -v fusermount3 >/dev/null; then
	show hell mount "$mnt"
	show ls -l "$mnt"
	show cat "$mnt/motd"
	echo
	show cp "$mnt/hello" "$mnt/hello-copy.txt"
	show cat "$root/hello-copy.txt"
	show hell umount "$mnt"
else
	echo "(skipped: this machine has no /dev/fuse or fusermount3)"
fi
echo
echo "settrans -g asks the translator to go away (fsys_goaway):"
show hell run settrans -g /hello
show hell run ls /
show hell down

#!/usr/bin/env bash
# The Hurd's own translators, built against HELL and run.
#
# Their sources come from the Hurd's git repository at test time (they are
# not part of HELL): trans/hello.c, hello-mt.c, firmlink.c, null.c and
# symlink.c, compiled unchanged with pkg-config hell-trivfs from the build
# tree, and a version.h (the one file of the Hurd's tree they need that
# HELL has no reason to provide).  hello and hello-mt must build and serve
# their greeting, --contents and fsysopts; firmlink must build and report
# its target.  null (which needs the Hurd's <nullauth.h>) and symlink (which
# needs glibc's EMIG_BAD_ID) are built when HELL provides what they need,
# and then must work too; otherwise the test says what is missing.
#
#   hurd_translators.sh BUILD DRIVE [EXTRA_CFLAGS]
# Skipped (77) without the Hurd repository (HURD_GIT_DIR, default the
# project's mirror).
set -euo pipefail
build=$1 drive=$2 extra=${3:-}
hurd_git=${HURD_GIT_DIR:-/work/.mirror/joshumax+hurd/repo}
hell=$build/tools/hell

if ! git --git-dir="$hurd_git" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	echo "no Hurd repository at $hurd_git: skipped"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "hurd_translators: $*" >&2; exit 1; }

for t in hello hello-mt firmlink null symlink; do
	git --git-dir="$hurd_git" show "HEAD:trans/$t.c" > "$t.c" || fail "no trans/$t.c in the Hurd"
done
cat > version.h <<'EOF'
/* The Hurd's version.h, which its translators include. */
#define HURD_VERSION "0.9"
#define STANDARD_HURD_VERSION(s) #s " (GNU Hurd) " HURD_VERSION
EOF

export PKG_CONFIG_PATH=$build/meson-uninstalled
cflags="-D_GNU_SOURCE -I. $(pkg-config --cflags hell-trivfs) $extra"
libs="$(pkg-config --libs hell-trivfs) -pthread"
# Uninstalled libraries: the translators find them where they were built.
for dir in $(pkg-config --libs-only-L hell-trivfs hell); do
	libs="$libs -Wl,-rpath,${dir#-L}"
done
cc=${CC:-cc}	# the build's compiler (its sanitizers' runtime must match)
build_one() {	# NAME [SOURCES...]: 0 if NAME was built
	local name=$1
	shift
	# shellcheck disable=SC2086
	$cc $cflags "$@" -o "$name" $libs 2> "$name.log"
}

for t in hello hello-mt firmlink; do
	build_one "$t" "$t.c" || { cat "$t.log" >&2; fail "the Hurd's $t does not build"; }
done
# The Hurd's symlink serves fsys with MIG stubs of its own.
echo '#include <hurd/fsys.defs>' > fsys.defs
# shellcheck disable=SC2046
"$(pkg-config --variable=mig hell)" $(pkg-config --cflags hell-trivfs) -DHURD_SERVER \
	-DHURD_DEFAULT_PAYLOAD_TO_PORT=1 -DSERVERPREFIX=S_ -sheader fsys_S.h \
	-server fsysServer.c -user /dev/null -header /dev/null fsys.defs ||
	fail "MIG on <hurd/fsys.defs>"
build_one null null.c || { cat null.log >&2; fail "the Hurd's null does not build"; }
# symlink serves fsys itself, without libtrivfs: linked without it, or
# libtrivfs's references to the translator's trivfs_* definitions are
# unresolved wherever the linker keeps it (the sanitized build does).
libs_full=$libs
libs=${libs//-ltrivfs/}
build_one symlink -DMIG_EOPNOTSUPP=EOPNOTSUPP symlink.c fsysServer.c ||
	{ cat symlink.log >&2; fail "the Hurd's symlink does not build"; }
libs=$libs_full
optional=(null symlink)

run() { "$hell" run --private --leak-check "$drive" "$@" || fail "drive $*"; }
greeting='Hello, world!\n'
run "read=$greeting" type=reg "options=--contents='$greeting'" -- ./hello
run "read=Hi\n" "set=--contents=Bye" read=Bye -- ./hello --contents=$'Hi\n'
run "read=$greeting" "set=--contents=Two" read=Two -- ./hello-mt
run source=/some/where -- ./firmlink /some/where
for t in "${optional[@]}"; do
	case $t in
	null) run read= write=100000 type=chr -- ./null ;;
	symlink)
		# The Hurd's symlink marks itself important with proc, so it
		# runs in an environment of its own (hell up: auth, proc ...),
		# where the drive's task and the translator get their proc port.
		export HELL_HOME=$work/home
		trap '"$hell" down >/dev/null 2>&1; rm -rf "$work"' EXIT
		"$hell" up --root "$work/root" >/dev/null || fail "hell up for symlink"
		"$hell" run "$drive" retry=magical:/etc/motd -- ./symlink /etc/motd ||
			fail "drive symlink /etc/motd"
		"$hell" run "$drive" retry=reauth:motd -- ./symlink motd || fail "drive symlink motd"
		"$hell" down >/dev/null
		unset HELL_HOME ;;
	esac
done
echo "the Hurd's translators on HELL: hello hello-mt firmlink ${optional[*]}"

#!/usr/bin/env bash
# The README's way of building a Mach program: pkg-config hell (uninstalled,
# from the build tree), GNU MIG from its variable on an interface of the
# program's own, and hell run.  Fails if any step does.
# A third argument gives extra compiler flags (the sanitizers of an ASan
# build, whose libmach needs its runtime in the program too).
set -euo pipefail
build=$1 src=$2 extra=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PKG_CONFIG_PATH=$build/meson-uninstalled
cd "$work"
cp "$src/examples/echo/echo.defs" "$src/examples/echo/echo_types.h" .
$(pkg-config --variable=mig hell) $(pkg-config --cflags hell) -DSERVERPREFIX=S_ echo.defs
cat > prog.c <<'C'
#include <mach.h>
#include <mach/mach_error.h>
#include <stdio.h>
#include "echo.h"
int main(void)
{
	mach_port_t port;
	kern_return_t kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port);
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "mach_port_allocate: %s\n", mach_error_string(kr));
		return 1;
	}
	/* echo.h's stubs must compile and link; the port is enough to run. */
	mach_port_mod_refs(mach_task_self(), port, MACH_PORT_RIGHT_RECEIVE, -1);
	printf("ok\n");
	return 0;
}
C
cc -Wall -Werror $extra prog.c echoUser.c $(pkg-config --cflags --libs hell) -o prog
out=$("$build/tools/hell" run --private --leak-check ./prog)
[ "$out" = ok ]
echo "pkg-config build and run: ok"

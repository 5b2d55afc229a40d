/* trivfs_demuxer: which server stub handles a message to a trivfs port.
 *
 * Every routine of io, fs and fsys goes to its trivfs_S_* routine (the
 * translator's if it defines one, else the library's), Mach notifications
 * and interrupt_operation to libports.  The port's kind is checked by the
 * stubs' translations (libtrivfs/mig-decls.h), not here. */
#include "priv.h"

/* libports' servers (their dispatch functions are inline, in the MIG
 * headers ports_dep provides). */
#include "notify_S.h"
#include "interrupt_S.h"

int
trivfs_demuxer(mach_msg_header_t *inp, mach_msg_header_t *outp)
{
	mig_routine_t routine;

	if ((routine = trivfs_io_server_routine(inp)) ||
	    (routine = trivfs_fs_server_routine(inp)) ||
	    (routine = trivfs_fsys_server_routine(inp)) ||
	    (routine = ports_notify_server_routine(inp)) ||
	    (routine = ports_interrupt_server_routine(inp))) {
		routine(inp, outp);
		return 1;
	}
	return 0;
}

/* netfs_shutdown: may the file system go away now?
 *
 * A forced or recursive goaway first asks every translator below to go
 * (their deaths are fine).  Then RPCs on user ports are inhibited and the
 * user ports counted: while any exists and the goaway is not forced, the
 * file system stays (EBUSY) and serves on.  Otherwise it syncs (unless
 * told not to) and the caller exits. */
#include <hurd/fsys.h>
#include "priv.h"

static error_t
stop_child(void *cookie, const char *name, mach_port_t control)
{
	error_t err = fsys_goaway(control, *(int *) cookie);

	(void) name;
	return (err == MIG_SERVER_DIED || err == MACH_SEND_INVALID_DEST) ? 0 : err;
}

error_t
netfs_shutdown(int flags)
{
	error_t err;
	int users;

	if ((flags & FSYS_GOAWAY_UNLINK) && S_ISDIR(netfs_root_node->nn_stat.st_mode))
		return EBUSY;
	if (flags & (FSYS_GOAWAY_RECURSE | FSYS_GOAWAY_FORCE)) {
		err = fshelp_map_active_translators(stop_child, &flags);
		if (err && !(flags & FSYS_GOAWAY_FORCE))
			return err;
	}
	err = ports_inhibit_class_rpcs(netfs_protid_class);
	if (err)
		return err;
	users = ports_count_class(netfs_protid_class);
	if (users > 0 && !(flags & FSYS_GOAWAY_FORCE)) {
		ports_enable_class(netfs_protid_class);
		ports_resume_class_rpcs(netfs_protid_class);
		return EBUSY;
	}
	if (!(flags & FSYS_GOAWAY_NOSYNC)) {
		err = netfs_attempt_syncfs(NULL, flags & FSYS_GOAWAY_NOWAIT ? 0 : 1);
		if (err && !(flags & FSYS_GOAWAY_FORCE)) {
			ports_enable_class(netfs_protid_class);
			ports_resume_class_rpcs(netfs_protid_class);
			return err;
		}
	}
	return 0;
}

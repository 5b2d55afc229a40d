/* translator: see translator.h. */
#include "translator.h"

#include <error.h>
#include <stdlib.h>

struct trivfs_control *
translator_startup(void)
{
	struct trivfs_control *fsys;
	mach_port_t bootstrap;
	error_t err;

	task_get_bootstrap_port(mach_task_self(), &bootstrap);
	if (bootstrap == MACH_PORT_NULL)
		error(1, 0, "must be started as a translator (settrans)");
	err = trivfs_startup(bootstrap, 0, NULL, NULL, NULL, NULL, &fsys);
	mach_port_deallocate(mach_task_self(), bootstrap);
	if (err)
		error(3, err, "trivfs_startup");
	return fsys;
}

error_t
translator_goaway_unless_open(struct trivfs_control *cntl, int flags)
{
	if (!(flags & FSYS_GOAWAY_FORCE)) {
		int opens = ports_count_class(cntl->protid_class);

		ports_enable_class(cntl->protid_class);
		if (opens > 0)
			return EBUSY;
	}
	exit(0);
}

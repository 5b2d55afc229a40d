/* The exec server's translator side: startup, the demuxer, fsys_goaway.
 *
 *   settrans -a /servers/exec /hurd/exec    (startup does this at boot)
 *
 * exec is a trivfs translator like the Hurd's, so that it has a name in
 * the file system and the usual control port.  Its node opens for no
 * reading or writing (trivfs_allow_open 0); the opens only carry the exec
 * RPCs.  The programs it starts are its Linux children: SA_NOCLDWAIT lets
 * Linux reap them (machd learns of their end through their pidfds).
 *
 * exec leaves (fsys_goaway) when no program is still to ask for its
 * startup data and no one has /servers/exec open, or when forced: then
 * the programs still starting lose their startup port. */
#include "exec.h"

#include <argp.h>
#include <error.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "exec_S.h"
#include "exec_startup_S.h"

int trivfs_fstype = FSTYPE_MISC;
int trivfs_fsid = 0;
int trivfs_support_read = 0;
int trivfs_support_write = 0;
int trivfs_support_exec = 0;
int trivfs_allow_open = 0;

char *trivfs_server_name = "exec";
char *trivfs_server_version = HELL_VERSION;

struct port_bucket *exec_bucket;
struct port_class *execboot_class;
struct port_class *exec_protid_class;
struct port_class *exec_control_class;

static int
exec_demuxer(mach_msg_header_t *inp, mach_msg_header_t *outp)
{
	mig_routine_t routine;

	if ((routine = exec_server_routine(inp)) ||
	    (routine = exec_startup_server_routine(inp))) {
		routine(inp, outp);
		return 1;
	}
	return trivfs_demuxer(inp, outp);
}

/* The node of /servers/exec is no file to look at. */
void
trivfs_modify_stat(struct trivfs_protid *cred, struct stat *st)
{
	st->st_size = 0;
	st->st_blocks = 0;
}

error_t
trivfs_goaway(struct trivfs_control *fsys, int flags)
{
	int opens, starting;
	error_t err;

	err = ports_inhibit_class_rpcs(exec_protid_class);
	if (err)
		return err;
	opens = ports_count_class(exec_protid_class);
	ports_enable_class(exec_protid_class);
	starting = ports_count_class(execboot_class);
	ports_enable_class(execboot_class);
	if ((opens > 0 || starting > 0) && !(flags & FSYS_GOAWAY_FORCE)) {
		ports_resume_class_rpcs(exec_protid_class);
		return EBUSY;
	}
	exit(0);
}

static const struct argp exec_argp = {
	NULL, NULL, NULL,
	"HELL's exec server: starts programs read through Hurd file ports."
};

int
main(int argc, char **argv)
{
	struct trivfs_control *fsys;
	struct sigaction sa;
	mach_port_t bootstrap;
	error_t err;

	argp_parse(&exec_argp, argc, argv, 0, NULL, NULL);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		error(1, errno, "sigaction");

	task_get_bootstrap_port(mach_task_self(), &bootstrap);
	if (bootstrap == MACH_PORT_NULL)
		error(2, 0, "must be started as a translator (startup or settrans)");

	if ((err = trivfs_add_port_bucket(&exec_bucket)) ||
	    (err = trivfs_add_control_port_class(&exec_control_class)) ||
	    (err = trivfs_add_protid_port_class(&exec_protid_class)))
		error(1, err, "trivfs classes");
	execboot_class = ports_create_class(bootinfo_clean, NULL);
	if (!execboot_class)
		error(1, errno, "ports_create_class");

	err = trivfs_startup(bootstrap, 0, exec_control_class, exec_bucket,
			     exec_protid_class, exec_bucket, &fsys);
	mach_port_deallocate(mach_task_self(), bootstrap);
	if (err)
		error(3, err, "trivfs_startup");

	ports_manage_port_operations_multithread(exec_bucket, exec_demuxer,
						 2 * 60 * 1000, 0, NULL);
	return 0;
}

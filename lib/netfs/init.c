/* libnetfs' globals, netfs_init, netfs_startup, netfs_server_loop and the
 * demuxer: how a netfs translator comes up and serves.
 *
 * A translator calls netfs_init, sets netfs_root_node, calls
 * netfs_startup with its bootstrap port (fsys_startup: it gives the
 * control port and gets the node it sits on), and ends in
 * netfs_server_loop. */
#include <error.h>
#include <pthread.h>
#include <stdlib.h>
#include <hurd.h>
#include <hurd/fsys.h>
#include <hurd/process.h>
#include "priv.h"
#include "io_S.h"
#include "fs_S.h"
#include "fsys_S.h"
#include "ifsock_S.h"
#include "notify_S.h"
#include "interrupt_S.h"

const size_t _netfs_sizeof_struct_node = sizeof(struct node);

struct node *netfs_root_node;
struct port_bucket *netfs_port_bucket;
struct port_class *netfs_protid_class;
struct port_class *netfs_control_class;
auth_t netfs_auth_server_port;
mach_port_t netfs_fsys_identity;
volatile struct mapped_time_value *netfs_mtime;

void
netfs_init(void)
{
	netfs_protid_class = ports_create_class(netfs_release_protid, NULL);
	netfs_control_class = ports_create_class(NULL, NULL);
	netfs_port_bucket = ports_create_bucket();
	if (netfs_protid_class == NULL || netfs_control_class == NULL ||
	    netfs_port_bucket == NULL)
		error(2, errno, "netfs_init");
	/* No auth server (a test, or the boot before auth runs) leaves this
	 * MACH_PORT_NULL: io_reauthenticate then gives users no ids. */
	netfs_auth_server_port = getauth();
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE,
			       &netfs_fsys_identity) != KERN_SUCCESS)
		error(2, 0, "netfs_init: no port for the file system identity");
}

mach_port_t
netfs_startup(mach_port_t bootstrap, int flags)
{
	struct port_info *control;
	mach_port_t right, realnode = MACH_PORT_NULL, proc;
	error_t err;

	if (!MACH_PORT_VALID(bootstrap))
		error(10, 0, "Must be started as a translator");
	err = ports_create_port(netfs_control_class, netfs_port_bucket, sizeof *control,
				&control);
	if (err)
		error(11, err, "Translator startup failure: no control port");
	right = ports_get_send_right(control);
	err = fsys_startup(bootstrap, hurd_openflags_to_wire(flags), right,
			   MACH_MSG_TYPE_COPY_SEND, &realnode);
	mach_port_deallocate(mach_task_self(), right);
	ports_port_deref(control);
	if (err)
		error(11, err, "Translator startup failure: fsys_startup");
	mach_port_deallocate(mach_task_self(), bootstrap);

	/* Ask proc not to count us among the tasks to stop at shutdown. */
	proc = getproc();
	if (MACH_PORT_VALID(proc)) {
		proc_mark_important(proc);
		mach_port_deallocate(mach_task_self(), proc);
	}
	return realnode;
}

int
netfs_demuxer(mach_msg_header_t *inp, mach_msg_header_t *outp)
{
	mig_routine_t routine;

	if ((routine = netfs_io_server_routine(inp)) ||
	    (routine = netfs_fs_server_routine(inp)) ||
	    (routine = ports_notify_server_routine(inp)) ||
	    (routine = netfs_fsys_server_routine(inp)) ||
	    (routine = ports_interrupt_server_routine(inp)) ||
	    (routine = netfs_ifsock_server_routine(inp))) {
		routine(inp, outp);
		return 1;
	}
	return 0;
}

void
netfs_server_loop(void)
{
	/* Threads that found nothing to do for two minutes end.  Should the
	 * loop return (libports' do not, as on today's Hurd), go if unused. */
	const int thread_timeout = 2 * 60 * 1000, server_timeout = 10 * 60 * 1000;

	pthread_setname_np(pthread_self(), "netfs");
	for (;;) {
		ports_manage_port_operations_multithread(netfs_port_bucket, netfs_demuxer,
							 thread_timeout, server_timeout, NULL);
		if (netfs_shutdown(0) == 0)
			exit(0);
	}
}

/* A dead-name notification: a translator below us died (its control
 * port), or a port an RPC waits on. */
void
ports_dead_name(void *notify, mach_port_t dead_name)
{
	fshelp_remove_active_translator(dead_name);
	ports_interrupt_notified_rpcs(notify, dead_name, MACH_NOTIFY_DEAD_NAME);
}

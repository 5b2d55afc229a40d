/* proc's start-up and its message loop.
 *
 * Start-up (docs/hurd.md): proc is started by startup with a send right
 * to startup's port as its bootstrap port.  It makes a record for itself
 * and one for startup, and calls startup_procinit with startup's process
 * port; the answer brings startup's task, the first auth handle, the
 * privileged host port and the device master port (none on HELL).  Then
 * proc registers for new-task notifications, records every task that
 * exists (watch.c), and serves.  Without a bootstrap port proc refuses
 * to run.  */
#include "proc.h"

#include <hurd/startup.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interrupt_S.h"
#include "notify_S.h"
#include "process_S.h"
#include "task_notify_S.h"

struct port_bucket *proc_bucket;
struct port_class *proc_class;
struct port_class *generic_class;
struct port_class *task_notify_class;
struct proc *startup_proc;
mach_port_t proc_host_priv;
mach_port_t proc_authserver;

/* The generic port: a port of proc's that is no process.  */
static struct port_info *generic;

mach_port_t
proc_generic_right(void)
{
	return ports_get_right(generic);
}

static const char usage[] =
	"Usage: proc [OPTION]...\n"
	"The Hurd's process server, on HELL.\n"
	"\n"
	"proc is started by startup (`hell up') with startup's port as its\n"
	"bootstrap port, on which it calls startup_procinit to learn startup's\n"
	"task, the first auth handle and the privileged host port.  It then\n"
	"registers for machd's new-task notifications and serves the process\n"
	"table.  pids are Linux pids.  Run without a bootstrap port it exits with\n"
	"status 2: there is no standalone mode.\n"
	"\n"
	"  -v, --verbose   log processes as they come and go, and refused calls\n"
	"  -h, --help      print this help and exit\n"
	"  -V, --version   print the version and exit\n";

/* libports' dead-name notifications (its definition is weak): ours are
 * about task ports (a process ended) and the reply ports of waiting
 * proc_wait calls.  The notification brings a user reference to the dead
 * name, dropped here.  */
kern_return_t
ports_do_mach_notify_dead_name(struct port_info *pi, mach_port_t dead_name)
{
	if (!pi || pi != (struct port_info *) proc_bucket->notify_port)
		return EOPNOTSUPP;
	pthread_mutex_lock(&proc_lock);
	if (!proc_task_died(dead_name))
		proc_wait_reply_died(dead_name);
	proc_sweep_zombies();
	pthread_mutex_unlock(&proc_lock);
	ports_dead_name(pi, dead_name);
	mach_port_deallocate(mach_task_self(), dead_name);
	return 0;
}

__thread mach_port_seqno_t proc_request_seqno;

/* The message id of interrupt_operation (<hurd/interrupt.defs>).  */
#define INTERRUPT_OPERATION_ID 33000

/* proc's own routines run under proc_lock; libports' (notifications,
 * interrupt_operation) without it: the dead-name handler above takes it
 * itself.  */
static int
proc_demuxer(mach_msg_header_t *in, mach_msg_header_t *out)
{
	/* libports' manager hands every message for one of our ports with
	 * the port as protected payload.  A proc_wait that waits is no RPC in
	 * progress for libports: interrupt_operation ends it here, then
	 * libports answers the interrupt.  */
	if (in->msgh_id == INTERRUPT_OPERATION_ID &&
	    MACH_MSGH_BITS_LOCAL(in->msgh_bits) == MACH_MSG_TYPE_PROTECTED_PAYLOAD) {
		struct proc *p = proc_begin_using_payload(in->msgh_protected_payload);
		if (p) {
			pthread_mutex_lock(&proc_lock);
			proc_wait_interrupt(p, in->msgh_seqno);
			pthread_mutex_unlock(&proc_lock);
			proc_end_using(p);
		}
	}
	mig_routine_t routine = process_server_routine(in);
	if (!routine)
		routine = task_notify_server_routine(in);
	if (routine) {
		pthread_mutex_lock(&proc_lock);
		proc_request_seqno = in->msgh_seqno;
		(*routine)(in, out);
		proc_sweep_zombies();
		pthread_mutex_unlock(&proc_lock);
		return 1;
	}
	routine = ports_interrupt_server_routine(in);
	if (!routine)
		routine = ports_notify_server_routine(in);
	if (!routine)
		return 0;
	(*routine)(in, out);
	return 1;
}

/* startup's record gets its task, the ids of the first auth handle (the
 * Hurd gives startup init's, root's) and the Linux user's name as login;
 * it leads a login collection, as init does on the Hurd.  The first
 * handle carries the ids of the Linux user auth runs as, who is the user
 * proc runs as: proc takes them from its own credentials rather than ask
 * auth, which may not serve before startup has answered it.  */
static void
complete_startup_proc(task_t task)
{
	if (MACH_PORT_VALID(task) && proc_set_task(startup_proc, task) != 0)
		fprintf(stderr, "proc: cannot record startup's task\n");
	uid_t ruid, euid, suid;
	if (getresuid(&ruid, &euid, &suid) == 0) {
		uid_t ids[] = { euid, ruid, suid };	/* effective, then available */
		proc_set_ids(startup_proc, ids, 3);
	}
	struct passwd *pw = getpwuid(euid);
	startup_proc->login = strdup(pw ? pw->pw_name : "root");
	startup_proc->loginleader = true;
}

int
main(int argc, char **argv)
{
	boot_server_parse_args("proc", usage, argc, argv);
	mach_port_t boot = boot_server_bootstrap_port("which it calls startup_procinit on");

	proc_bucket = ports_create_bucket();
	proc_class = ports_create_class(NULL, NULL);
	generic_class = ports_create_class(NULL, NULL);
	task_notify_class = ports_create_class(NULL, NULL);
	if (!proc_bucket || !proc_class || !generic_class || !task_notify_class ||
	    ports_create_port(generic_class, proc_bucket, sizeof *generic, &generic) != 0) {
		perror("proc: libports");
		return 1;
	}
	error_t err = proc_watch_start();
	if (err) {
		fprintf(stderr, "proc: cannot watch processes: %s\n", strerror(err));
		return 1;
	}

	pthread_mutex_lock(&proc_lock);
	if (mach_port_mod_refs(mach_task_self(), mach_task_self(), MACH_PORT_RIGHT_SEND, 1) !=
		    KERN_SUCCESS ||
	    !proc_create(mach_task_self(), getpid()) ||
	    !(startup_proc = proc_create(MACH_PORT_NULL, 0))) {
		fprintf(stderr, "proc: cannot make the first records\n");
		return 1;
	}
	mach_port_t startup_port = ports_get_send_right(startup_proc);
	pthread_mutex_unlock(&proc_lock);

	/* startup answers once auth has called too.  */
	task_t startup_task = MACH_PORT_NULL;
	mach_port_t device_master = MACH_PORT_NULL;
	err = startup_procinit(boot, startup_port, &startup_task, &proc_authserver,
			       &proc_host_priv, &device_master);
	mach_port_deallocate(mach_task_self(), startup_port);
	if (err) {
		fprintf(stderr, "proc: startup_procinit: %s\n", boot_server_error_string(err));
		return 2;
	}
	mach_port_deallocate(mach_task_self(), boot);
	if (MACH_PORT_VALID(device_master))
		mach_port_deallocate(mach_task_self(), device_master);

	pthread_mutex_lock(&proc_lock);
	complete_startup_proc(startup_task);
	err = proc_watch_tasks();
	if (err)
		fprintf(stderr, "proc: new tasks will be learnt only when named to proc\n");
	proc_sweep_zombies();
	pthread_mutex_unlock(&proc_lock);
	boot_server_log("serving");

	for (;;)
		ports_manage_port_operations_multithread(proc_bucket, proc_demuxer, 0, 0, NULL);
}

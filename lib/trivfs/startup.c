/* Starting a translator: the handshake with whoever started it.
 *
 * A translator's bootstrap port belongs to the file system that started
 * it (or to settrans, or a test acting as one).  trivfs_startup sends it
 * the new control port with fsys_startup and gets back the node the
 * translator sits on.  trivfs_startup_debug plays both parts itself, for
 * running a translator by hand. */
#include "priv.h"

#include <hurd.h>
#include <hurd/process.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>

/* Tell proc that this task matters (so that it is not killed with the
 * user's other processes), when there is a proc server to tell.  A task
 * started outside an environment has none; an old proc, or a user
 * without the right, refuses: none of that stops the translator. */
static error_t
mark_important(void)
{
	mach_port_t proc = getproc();
	error_t err;

	if (proc == MACH_PORT_NULL)
		return 0;
	err = proc_mark_important(proc);
	mach_port_deallocate(mach_task_self(), proc);
	if (err == EPERM || err == MIG_BAD_ID || err == EOPNOTSUPP)
		err = 0;
	return err;
}

error_t
trivfs_startup(mach_port_t bootstrap, int flags,
	       struct port_class *control_class, struct port_bucket *control_bucket,
	       struct port_class *protid_class, struct port_bucket *protid_bucket,
	       struct trivfs_control **control)
{
	struct trivfs_control *fsys;
	mach_port_t right, underlying = MACH_PORT_NULL;
	error_t err;

	err = trivfs_create_control(MACH_PORT_NULL, control_class, control_bucket,
				    protid_class, protid_bucket, &fsys);
	if (err)
		return err;

	right = ports_get_send_right(fsys);
	err = fsys_startup(bootstrap, hurd_openflags_to_wire(flags), right,
			   MACH_MSG_TYPE_COPY_SEND, &underlying);
	mach_port_deallocate(mach_task_self(), right);
	if (err) {
		/* Nobody may reach the control any more. */
		ports_destroy_right(fsys);
		ports_port_deref(fsys);
		return err;
	}
	fsys->underlying = underlying;
	/* From now on the control lives as long as its port has senders
	 * (the parent's send right). */
	ports_port_deref(fsys);
	if (control)
		*control = fsys;
	return mark_important();
}

/* trivfs_startup_debug's SIGTERM: the handler only wakes a thread, which
 * asks the translator to go away with an ordinary fsys_goaway RPC on its
 * control port.  (An RPC from the handler itself could wait forever for
 * a reply that the interrupted thread was to send.) */
static mach_port_t debug_goaway_port = MACH_PORT_NULL;
static sem_t debug_sigterm_sem;

static void
debug_sigterm(int sig)
{
	sem_post(&debug_sigterm_sem);
}

static void *
debug_goaway_thread(void *arg)
{
	for (;;) {
		error_t err;

		while (sem_wait(&debug_sigterm_sem) < 0)
			continue;
		err = fsys_goaway(debug_goaway_port, 0);
		/* EBUSY: the user may try again.  Success means trivfs_goaway
		 * returned instead of exiting: stay. */
		if (err && err != EBUSY)
			_exit(1);
	}
	return NULL;
}

error_t
trivfs_startup_debug(const char *file_name,
		     struct port_class *control_class, struct port_bucket *control_bucket,
		     struct port_class *protid_class, struct port_bucket *protid_bucket,
		     struct trivfs_control **control)
{
	struct trivfs_control *fsys;
	struct sigaction sa;
	pthread_t thread;
	mach_port_t right, underlying;
	error_t err;

	err = trivfs_create_control(MACH_PORT_NULL, control_class, control_bucket,
				    protid_class, protid_bucket, &fsys);
	if (err)
		return err;

	right = ports_get_send_right(fsys);
	underlying = file_name_lookup(file_name, 0, 0);
	if (underlying == MACH_PORT_NULL)
		err = errno;
	else
		err = file_set_translator(underlying, 0, FS_TRANS_SET, 0, NULL, 0,
					  right, MACH_MSG_TYPE_COPY_SEND);
	if (err) {
		if (underlying != MACH_PORT_NULL)
			mach_port_deallocate(mach_task_self(), underlying);
		mach_port_deallocate(mach_task_self(), right);
		ports_destroy_right(fsys);
		ports_port_deref(fsys);
		return err;
	}
	/* Our own send right stays, for SIGTERM's fsys_goaway. */
	debug_goaway_port = right;
	fsys->underlying = underlying;
	ports_port_deref(fsys);
	if (control)
		*control = fsys;

	if (sem_init(&debug_sigterm_sem, 0, 0) < 0)
		return errno;
	err = pthread_create(&thread, NULL, debug_goaway_thread, NULL);
	if (err)
		return err;
	pthread_detach(thread);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = debug_sigterm;
	if (sigaction(SIGTERM, &sa, NULL) < 0)
		return errno;
	return 0;
}

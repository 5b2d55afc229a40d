/* Starting a translator: fshelp_start_translator_long and
 * fshelp_start_translator.
 *
 * The steps, as on the Hurd (docs/hurd.md, "Starting a program from a
 * file"):
 *   1. look the program up (file_name_lookup, for execution);
 *   2. make a bootstrap port, on which we receive, and an empty task
 *      (task_create) whose bootstrap port it is;
 *   3. with a proc server: make the task our child, owned by OWNER_UID;
 *   4. file_exec_paths on the program's file port: its file system hands
 *      it to the exec server (/servers/exec), which starts the program in
 *      the task with the ports and ints we give;
 *   5. wait for the program's fsys_startup on the bootstrap port, answer
 *      it with the node it sits on (UNDERLYING_OPEN_FN), and keep the
 *      control port it sent.
 * While waiting, a no-senders notification on the bootstrap port or a
 * dead-name notification on the task port means the program died: EDIED.
 * Nothing but fsys_startup is accepted on the bootstrap port; other
 * messages are refused and the wait goes on until the deadline
 * (ETIMEDOUT).  Whatever fails, the task is terminated and every right
 * made here is released. */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <mach/notify.h>
#include <hurd.h>
#include <hurd/fs.h>
#include <hurd/process.h>
#include <hurd/auth.h>
#include <hurd/fshelp.h>
#include "startup_wait_S.h"

/* The demuxer MIG generated from startup_wait.defs. */
boolean_t fshelp_startup_wait_server(mach_msg_header_t *request, mach_msg_header_t *reply);

/* The wait in progress on this thread, for the fsys_startup routine. */
struct startup_wait {
	mach_port_t bootstrap;
	task_t task;
	fshelp_open_fn_t open_fn;
	void *cookie;
	int answered;			/* fsys_startup came and was handled */
	error_t err;			/* the open function's result */
	mach_port_t control;		/* the translator's control port */
	mach_port_t realnode;		/* what we answer with */
	mach_msg_type_name_t realnode_type;
};

static __thread struct startup_wait *current_wait;

kern_return_t
fshelp_startup_wait_S_fsys_startup(mach_port_t bootstrap, int openflags, mach_port_t control,
				   mach_port_t *realnode, mach_msg_type_name_t *realnode_type)
{
	struct startup_wait *w = current_wait;

	if (w == NULL || bootstrap != w->bootstrap || w->answered)
		return EOPNOTSUPP;
	w->answered = 1;
	w->err = w->open_fn(hurd_openflags_from_wire(openflags), &w->realnode,
			    &w->realnode_type, w->task, w->cookie);
	if (w->err)
		return w->err;
	w->control = control;
	*realnode = w->realnode;
	*realnode_type = w->realnode_type;
	return 0;
}

union startup_msg {
	mach_msg_header_t head;
	mig_reply_header_t error;
	char buffer[4096];
};

/* The reply's return code (every MIG reply starts with it). */
static kern_return_t
reply_retcode(union startup_msg *reply)
{
	return reply->error.RetCode;
}

/* Milliseconds left until DEADLINE (CLOCK_MONOTONIC), at least 0. */
static mach_msg_timeout_t
ms_until(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000LL;
	return ms > 0 ? (mach_msg_timeout_t) ms : 0;
}

/* A notification on the bootstrap port.  Returns EDIED for the ones that
 * say the translator is gone, 0 for the others. */
static error_t
handle_notification(mach_msg_header_t *msg)
{
	if (msg->msgh_id == MACH_NOTIFY_DEAD_NAME) {
		/* The notification added a reference to the dead name. */
		mach_dead_name_notification_t *n = (mach_dead_name_notification_t *) msg;

		mach_port_deallocate(mach_task_self(), n->not_port);
		return EDIED;
	}
	if (msg->msgh_id == MACH_NOTIFY_NO_SENDERS)
		return EDIED;
	mach_msg_destroy(msg);
	return 0;
}

static int
is_notification(mach_msg_id_t id)
{
	return id >= MACH_NOTIFY_FIRST && id <= MACH_NOTIFY_LAST;
}

/* Wait for fsys_startup on W->bootstrap and answer it; TIMEOUT_MS 0 waits
 * without limit.  0 with W->control set, or the error. */
static error_t
serve_fsys_startup(struct startup_wait *w, int timeout_ms)
{
	struct timespec deadline;
	union startup_msg request, reply;
	mach_msg_return_t mr;
	error_t err;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long) (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}

	for (;;) {
		mach_msg_option_t options = MACH_RCV_MSG;
		mach_msg_timeout_t wait = MACH_MSG_TIMEOUT_NONE;

		if (timeout_ms > 0) {
			options |= MACH_RCV_TIMEOUT;
			wait = ms_until(&deadline);
		}
		mr = mach_msg(&request.head, options, 0, sizeof request, w->bootstrap, wait,
			      MACH_PORT_NULL);
		if (mr == MACH_RCV_TIMED_OUT)
			return ETIMEDOUT;
		if (mr == MACH_RCV_TOO_LARGE)
			continue;	/* not fsys_startup; the kernel dropped it */
		if (mr != MACH_MSG_SUCCESS)
			return mr;
		if (is_notification(request.head.msgh_id)) {
			err = handle_notification(&request.head);
			if (err)
				return err;
			continue;
		}

		current_wait = w;
		if (!fshelp_startup_wait_server(&request.head, &reply.head))
			reply.error.RetCode = MIG_BAD_ID;
		current_wait = NULL;
		if (reply_retcode(&reply) != KERN_SUCCESS) {
			/* Refused: the request's rights are ours to drop. */
			request.head.msgh_remote_port = MACH_PORT_NULL;
			mach_msg_destroy(&request.head);
		}
		if (MACH_PORT_VALID(reply.head.msgh_remote_port)) {
			mr = mach_msg(&reply.head, MACH_SEND_MSG, reply.head.msgh_size, 0,
				      MACH_PORT_NULL, MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
			if (mr != MACH_MSG_SUCCESS) {
				/* Nobody to answer: the translator is gone. */
				if (reply_retcode(&reply) == KERN_SUCCESS &&
				    w->realnode_type == MACH_MSG_TYPE_MOVE_SEND)
					mach_port_deallocate(mach_task_self(), w->realnode);
				if (w->answered && !w->err) {
					mach_port_deallocate(mach_task_self(), w->control);
					w->control = MACH_PORT_NULL;
					return EDIED;
				}
			}
		} else if (w->answered && !w->err) {
			/* fsys_startup sent without a reply port: we cannot
			 * give the node, so the start failed. */
			if (w->realnode_type == MACH_MSG_TYPE_MOVE_SEND)
				mach_port_deallocate(mach_task_self(), w->realnode);
			mach_port_deallocate(mach_task_self(), w->control);
			w->control = MACH_PORT_NULL;
			return EDIED;
		}
		if (w->answered)
			return w->err;
	}
}

/* Take every message still queued on PORT out and drop it, releasing the
 * dead names that queued dead-name notifications hold. */
static void
drain(mach_port_t port)
{
	union startup_msg msg;

	while (mach_msg(&msg.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof msg, port, 0,
			MACH_PORT_NULL) == MACH_MSG_SUCCESS) {
		if (is_notification(msg.head.msgh_id))
			handle_notification(&msg.head);
		else
			mach_msg_destroy(&msg.head);
	}
}

/* Make TASK a child of ours in the proc server PROC and set its owner;
 * its own proc port replaces *TASK_PROC.  No proc server: nothing. */
static error_t
adopt_task(mach_port_t proc, task_t task, uid_t owner_uid, mach_port_t *task_proc)
{
	error_t err;

	*task_proc = MACH_PORT_NULL;
	if (!MACH_PORT_VALID(proc))
		return 0;
	err = proc_child(proc, task);
	if (err)
		return err;
	err = proc_task2proc(proc, task, task_proc);
	if (err)
		return err;
	err = proc_setowner(*task_proc, owner_uid, owner_uid == (uid_t) -1);
	if (err == EOPNOTSUPP || err == MIG_BAD_ID)
		err = 0;
	return err;
}

/* Reauthenticate the task's proc port *PROC with AUTH. */
static error_t
reauth_task_proc(auth_t auth, mach_port_t *proc)
{
	mach_port_t rendezvous = mach_reply_port(), fresh = MACH_PORT_NULL;
	error_t err;

	err = proc_reauthenticate(*proc, rendezvous, MACH_MSG_TYPE_MAKE_SEND);
	if (!err)
		err = auth_user_authenticate(auth, rendezvous, MACH_MSG_TYPE_MAKE_SEND, &fresh);
	mach_port_mod_refs(mach_task_self(), rendezvous, MACH_PORT_RIGHT_RECEIVE, -1);
	if (!err)
		err = proc_reauthenticate_complete(fresh);
	if (err) {
		if (fresh != MACH_PORT_NULL)
			mach_port_deallocate(mach_task_self(), fresh);
		return err;
	}
	mach_port_deallocate(mach_task_self(), *proc);
	*proc = fresh;
	return 0;
}

error_t
fshelp_start_translator_long(fshelp_open_fn_t underlying_open_fn, void *cookie,
			     char *name, char *argz, mach_msg_type_number_t argz_len,
			     mach_port_t *fds, mach_msg_type_name_t fds_type,
			     mach_msg_type_number_t fds_len,
			     mach_port_t *ports, mach_msg_type_name_t ports_type,
			     mach_msg_type_number_t ports_len,
			     int *ints, mach_msg_type_number_t ints_len,
			     uid_t owner_uid, int timeout, fsys_t *control)
{
	struct startup_wait w = { .open_fn = underlying_open_fn, .cookie = cookie };
	mach_port_t executable, task = MACH_PORT_NULL, bootstrap = MACH_PORT_NULL;
	mach_port_t proc = MACH_PORT_NULL, task_proc = MACH_PORT_NULL;
	mach_port_t saved_proc, saved_bootstrap, previous;
	int own_proc = 0, watching_task = 0;
	error_t err;

	*control = MACH_PORT_NULL;
	if (ports_len <= INIT_PORT_BOOTSTRAP || ports_type != MACH_MSG_TYPE_COPY_SEND ||
	    (fds_len > 0 && fds_type != MACH_MSG_TYPE_COPY_SEND) || name == NULL ||
	    timeout < 0)
		return EINVAL;

	executable = file_name_lookup(name, O_EXEC, 0);
	if (executable == MACH_PORT_NULL)
		return errno;

	err = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &bootstrap);
	if (err)
		goto out;
	err = task_create(mach_task_self(), 0, &task);
	if (err)
		goto out;
	/* Our send right lives only until the exec: afterwards the
	 * translator's task (and exec's record of its ports) hold the only
	 * ones, so their end is a no-senders notification. */
	err = mach_port_insert_right(mach_task_self(), bootstrap, bootstrap,
				     MACH_MSG_TYPE_MAKE_SEND);
	if (err)
		goto out_task;
	err = task_set_special_port(task, TASK_BOOTSTRAP_PORT, bootstrap);
	if (err) {
		mach_port_deallocate(mach_task_self(), bootstrap);
		goto out_task;
	}

	proc = ports[INIT_PORT_PROC];
	if (!MACH_PORT_VALID(proc)) {
		proc = getproc();
		own_proc = 1;
	}
	err = adopt_task(proc, task, owner_uid, &task_proc);
	if (!err && MACH_PORT_VALID(task_proc) && MACH_PORT_VALID(ports[INIT_PORT_AUTH])) {
		auth_t ours = getauth();

		if (ports[INIT_PORT_AUTH] != ours)
			err = reauth_task_proc(ports[INIT_PORT_AUTH], &task_proc);
		if (MACH_PORT_VALID(ours))
			mach_port_deallocate(mach_task_self(), ours);
	}
	if (err) {
		mach_port_deallocate(mach_task_self(), bootstrap);
		goto out_task;
	}

	saved_proc = ports[INIT_PORT_PROC];
	saved_bootstrap = ports[INIT_PORT_BOOTSTRAP];
	ports[INIT_PORT_PROC] = task_proc;
	ports[INIT_PORT_BOOTSTRAP] = bootstrap;
	err = file_exec_paths(executable, task, EXEC_DEFAULTS, name, name, argz, argz_len,
			      NULL, 0, fds, MACH_MSG_TYPE_COPY_SEND, fds_len,
			      ports, MACH_MSG_TYPE_COPY_SEND, ports_len,
			      ints, ints_len, NULL, 0, NULL, 0);
	if (err == MIG_BAD_ID)
		err = file_exec(executable, task, EXEC_DEFAULTS, argz, argz_len, NULL, 0,
				fds, MACH_MSG_TYPE_COPY_SEND, fds_len,
				ports, MACH_MSG_TYPE_COPY_SEND, ports_len,
				ints, ints_len, NULL, 0, NULL, 0);
	ports[INIT_PORT_PROC] = saved_proc;
	ports[INIT_PORT_BOOTSTRAP] = saved_bootstrap;
	/* From now on only the translator (and whoever it gave it to) holds
	 * send rights to the bootstrap port. */
	mach_port_deallocate(mach_task_self(), bootstrap);
	if (err)
		goto out_task;

	/* Two ways to learn that the translator died: its task port dies,
	 * or no one holds the bootstrap port any more. */
	err = mach_port_request_notification(mach_task_self(), task, MACH_NOTIFY_DEAD_NAME, 1,
					     bootstrap, MACH_MSG_TYPE_MAKE_SEND_ONCE, &previous);
	if (err == KERN_INVALID_ARGUMENT) {
		err = EDIED;	/* already dead */
		goto out_task;
	}
	if (err)
		goto out_task;
	watching_task = 1;
	err = mach_port_request_notification(mach_task_self(), bootstrap,
					     MACH_NOTIFY_NO_SENDERS, 0, bootstrap,
					     MACH_MSG_TYPE_MAKE_SEND_ONCE, &previous);
	if (err)
		goto out_task;

	w.bootstrap = bootstrap;
	w.task = task;
	err = serve_fsys_startup(&w, timeout);
	if (!err)
		*control = w.control;

out_task:
	if (err)
		task_terminate(task);
out:
	if (watching_task) {
		/* Cancel the dead-name request; a notification already sent
		 * waits in the bootstrap port's queue and is drained below. */
		if (mach_port_request_notification(mach_task_self(), task, MACH_NOTIFY_DEAD_NAME,
						   0, MACH_PORT_NULL, MACH_MSG_TYPE_MAKE_SEND_ONCE,
						   &previous) == KERN_SUCCESS &&
		    MACH_PORT_VALID(previous))
			mach_port_deallocate(mach_task_self(), previous);
	}
	if (bootstrap != MACH_PORT_NULL) {
		drain(bootstrap);
		mach_port_mod_refs(mach_task_self(), bootstrap, MACH_PORT_RIGHT_RECEIVE, -1);
	}
	if (task != MACH_PORT_NULL)
		mach_port_deallocate(mach_task_self(), task);
	if (MACH_PORT_VALID(task_proc))
		mach_port_deallocate(mach_task_self(), task_proc);
	if (own_proc && MACH_PORT_VALID(proc))
		mach_port_deallocate(mach_task_self(), proc);
	mach_port_deallocate(mach_task_self(), executable);
	return err;
}

error_t
fshelp_start_translator(fshelp_open_fn_t underlying_open_fn, void *cookie, char *name,
			char *argz, mach_msg_type_number_t argz_len, int timeout,
			fsys_t *control)
{
	mach_port_t ports[INIT_PORT_MAX] = { 0 };
	int ints[INIT_INT_MAX] = { 0 };
	error_t err;

	ports[INIT_PORT_CWDIR] = getcwdir();
	ports[INIT_PORT_CRDIR] = getcrdir();
	ports[INIT_PORT_AUTH] = getauth();
	err = fshelp_start_translator_long(underlying_open_fn, cookie, name, argz, argz_len,
					   NULL, MACH_MSG_TYPE_COPY_SEND, 0,
					   ports, MACH_MSG_TYPE_COPY_SEND, INIT_PORT_MAX,
					   ints, INIT_INT_MAX, geteuid(), timeout, control);
	for (int i = 0; i < INIT_PORT_MAX; i++)
		if (MACH_PORT_VALID(ports[i]))
			mach_port_deallocate(mach_task_self(), ports[i]);
	return err;
}

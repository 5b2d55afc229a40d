/* Toy exec server and translators (toy.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hurd/fsys.h>
#include <hurd/io.h>
#include "toy.h"
#include "toy_fsys_S.h"
#include "toy_io_S.h"
#include "toy_exec_S.h"

volatile enum toy_mode toy_mode;
struct toy_exec_record toy_record;

boolean_t toy_fsys_server(mach_msg_header_t *in, mach_msg_header_t *out);
boolean_t toy_io_server(mach_msg_header_t *in, mach_msg_header_t *out);
boolean_t toy_exec_server(mach_msg_header_t *in, mach_msg_header_t *out);

#define TOY_MAX 16

static struct {
	pthread_mutex_t lock;
	pthread_t thread;
	mach_port_t set;
	mach_port_t exec_control, exec_port, file;	/* receive rights */
	mach_port_t controls[TOY_MAX];		/* translators' control ports */
	int ncontrols;
	mach_port_t held[2 * TOY_MAX];		/* silent mode's tasks and bootstraps */
	int nheld;
} toy = { .lock = PTHREAD_MUTEX_INITIALIZER };

static mach_port_t
new_member(void)
{
	mach_port_t p;

	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &p);
	mach_port_move_member(mach_task_self(), p, toy.set);
	return p;
}

static int
is_translator_control(mach_port_t port)
{
	int found = 0;

	pthread_mutex_lock(&toy.lock);
	for (int i = 0; i < toy.ncontrols; i++)
		if (toy.controls[i] == port)
			found = 1;
	pthread_mutex_unlock(&toy.lock);
	return found;
}

kern_return_t
toy_S_fsys_getroot(mach_port_t control, mach_port_t dotdot, const_idarray_t uids,
		   mach_msg_type_number_t nuids, const_idarray_t gids,
		   mach_msg_type_number_t ngids, int flags, retry_type *retry,
		   string_t retry_name, mach_port_t *file, mach_msg_type_name_t *file_type)
{
	if (control == toy.exec_control) {
		*file = toy.exec_port;	/* the exec server itself */
	} else if (is_translator_control(control)) {
		__atomic_add_fetch(&toy_record.getroot_calls, 1, __ATOMIC_SEQ_CST);
		*file = toy.file;
	} else {
		return EOPNOTSUPP;
	}
	if (MACH_PORT_VALID(dotdot))
		mach_port_deallocate(mach_task_self(), dotdot);
	*retry = FS_RETRY_NORMAL;
	retry_name[0] = '\0';
	*file_type = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

kern_return_t
toy_S_fsys_goaway(mach_port_t control, int flags)
{
	return 0;
}

kern_return_t
toy_S_io_stat(mach_port_t file, io_statbuf_t *st)
{
	memset(st, 0, sizeof *st);
	st->st_fstype = 4242;
	st->st_mode = S_IFREG | 0644;
	return 0;
}

/* A translator's start-up, on a thread of its own: the file system that
 * starts it waits for the exec to end before it answers fsys_startup. */
static void *
translator_startup(void *arg)
{
	mach_port_t bootstrap = (mach_port_t) (uintptr_t) arg, control, realnode = MACH_PORT_NULL;
	error_t err;

	pthread_mutex_lock(&toy.lock);
	control = toy.ncontrols < TOY_MAX ? new_member() : MACH_PORT_NULL;
	if (control != MACH_PORT_NULL)
		toy.controls[toy.ncontrols++] = control;
	pthread_mutex_unlock(&toy.lock);
	if (toy_mode == TOY_JUNK_FIRST) {
		/* First what no file system should accept on a bootstrap port:
		 * an unknown request, and a message with no reply port. */
		struct {
			mach_msg_header_t head;
			char body[64];
		} junk = { .head = {
			.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
						    MACH_MSG_TYPE_MAKE_SEND_ONCE),
			.msgh_size = sizeof junk.head, .msgh_remote_port = bootstrap,
			.msgh_id = 12345 } };
		union {
			mach_msg_header_t head;
			mig_reply_header_t reply;
			char buf[256];
		} answer;
		mach_port_t reply = mach_reply_port();

		junk.head.msgh_local_port = reply;
		if (mach_msg(&junk.head, MACH_SEND_MSG, sizeof junk.head, 0, MACH_PORT_NULL,
			     MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL) == 0 &&
		    mach_msg(&answer.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof answer,
			     reply, 5000, MACH_PORT_NULL) == 0)
			toy_record.junk_answer = answer.reply.RetCode;
		mach_port_mod_refs(mach_task_self(), reply, MACH_PORT_RIGHT_RECEIVE, -1);
		junk.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
		junk.head.msgh_local_port = MACH_PORT_NULL;
		junk.head.msgh_id = 22000;	/* fsys_startup's id, but empty */
		mach_msg(&junk.head, MACH_SEND_MSG, sizeof junk.head, 0, MACH_PORT_NULL,
			 MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	}
	toy_record.startup_flags = HURD_O_READ;
	err = fsys_startup(bootstrap, HURD_O_READ, control, MACH_MSG_TYPE_MAKE_SEND, &realnode);
	toy_record.startup_err = err;
	toy_record.realnode_valid = MACH_PORT_VALID(realnode);
	if (MACH_PORT_VALID(realnode))
		mach_port_deallocate(mach_task_self(), realnode);
	mach_port_deallocate(mach_task_self(), bootstrap);
	return NULL;
}

kern_return_t
toy_S_exec_exec_paths(mach_port_t server, mach_port_t file, mach_port_t task, int flags,
		      const_string_t path, const_string_t abspath, const_data_t argv,
		      mach_msg_type_number_t argvlen, const_data_t envp,
		      mach_msg_type_number_t envplen, const_portarray_t dtable,
		      mach_msg_type_number_t dtablelen, const_portarray_t portarray,
		      mach_msg_type_number_t portarraylen, const_intarray_t intarray,
		      mach_msg_type_number_t intarraylen,
		      const_mach_port_name_array_t deallocnames,
		      mach_msg_type_number_t deallocnameslen,
		      const_mach_port_name_array_t destroynames,
		      mach_msg_type_number_t destroynameslen)
{
	mach_port_t bootstrap = MACH_PORT_NULL, special = MACH_PORT_NULL;
	pthread_t t;

	if (server != toy.exec_port)
		return EOPNOTSUPP;
	if (toy_mode == TOY_REFUSE)
		return ENOEXEC;
	toy_record.calls++;
	toy_record.flags = flags;
	strncpy(toy_record.path, path, sizeof toy_record.path - 1);
	toy_record.argv_len = argvlen < sizeof toy_record.argv ? argvlen : sizeof toy_record.argv;
	memcpy(toy_record.argv, argv, toy_record.argv_len);
	if (portarraylen > INIT_PORT_BOOTSTRAP)
		bootstrap = portarray[INIT_PORT_BOOTSTRAP];
	toy_record.had_bootstrap = MACH_PORT_VALID(bootstrap);
	if (task_get_special_port(task, TASK_BOOTSTRAP_PORT, &special) == KERN_SUCCESS) {
		toy_record.bootstrap_is_special = special == bootstrap;
		if (MACH_PORT_VALID(special))
			mach_port_deallocate(mach_task_self(), special);
	}

	/* The rights of the request are ours now: keep what the mode needs. */
	mach_port_deallocate(mach_task_self(), file);
	for (mach_msg_type_number_t i = 0; i < dtablelen; i++)
		if (MACH_PORT_VALID(dtable[i]))
			mach_port_deallocate(mach_task_self(), dtable[i]);
	for (mach_msg_type_number_t i = 0; i < portarraylen; i++)
		if (i != INIT_PORT_BOOTSTRAP && MACH_PORT_VALID(portarray[i]))
			mach_port_deallocate(mach_task_self(), portarray[i]);

	switch (toy_mode) {
	case TOY_STARTUP:
	case TOY_JUNK_FIRST:
		pthread_create(&t, NULL, translator_startup, (void *) (uintptr_t) bootstrap);
		pthread_detach(t);
		mach_port_deallocate(mach_task_self(), task);
		break;
	case TOY_SILENT:
		pthread_mutex_lock(&toy.lock);
		toy.held[toy.nheld++] = task;
		toy.held[toy.nheld++] = bootstrap;
		pthread_mutex_unlock(&toy.lock);
		break;
	case TOY_DIE:
	default:
		task_terminate(task);
		mach_port_deallocate(mach_task_self(), task);
		if (MACH_PORT_VALID(bootstrap))
			mach_port_deallocate(mach_task_self(), bootstrap);
		break;
	}
	return 0;
}

static void *
toy_serve(void *arg)
{
	union {
		mach_msg_header_t head;
		mig_reply_header_t reply;
		char buf[16384];
	} in, out;

	(void) arg;
	for (;;) {
		if (mach_msg(&in.head, MACH_RCV_MSG, 0, sizeof in, toy.set, MACH_MSG_TIMEOUT_NONE,
			     MACH_PORT_NULL) != MACH_MSG_SUCCESS)
			return NULL;
		if (in.head.msgh_id == 0x7f7f)
			return NULL;
		if (!toy_fsys_server(&in.head, &out.head) && !toy_io_server(&in.head, &out.head) &&
		    !toy_exec_server(&in.head, &out.head))
			out.reply.RetCode = MIG_BAD_ID;
		if (out.reply.RetCode != 0) {
			in.head.msgh_remote_port = MACH_PORT_NULL;
			mach_msg_destroy(&in.head);
		}
		if (MACH_PORT_VALID(out.head.msgh_remote_port))
			mach_msg(&out.head, MACH_SEND_MSG, out.head.msgh_size, 0, MACH_PORT_NULL,
				 MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	}
}

void
toy_start(mach_port_t *exec_control)
{
	memset(&toy_record, 0, sizeof toy_record);
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &toy.set);
	toy.exec_control = new_member();
	toy.exec_port = new_member();
	toy.file = new_member();
	mach_port_insert_right(mach_task_self(), toy.exec_control, toy.exec_control,
			       MACH_MSG_TYPE_MAKE_SEND);
	*exec_control = toy.exec_control;
	pthread_create(&toy.thread, NULL, toy_serve, NULL);
}

int
toy_silent_task_died(void)
{
	mach_port_type_t type = 0;
	mach_port_t task;

	pthread_mutex_lock(&toy.lock);
	task = toy.nheld >= 2 ? toy.held[toy.nheld - 2] : MACH_PORT_NULL;
	pthread_mutex_unlock(&toy.lock);
	if (!MACH_PORT_VALID(task))
		return 0;
	for (int i = 0; i < 100; i++) {
		if (mach_port_type(mach_task_self(), task, &type) == KERN_SUCCESS &&
		    (type & MACH_PORT_TYPE_DEAD_NAME))
			return 1;
		usleep(10000);
	}
	return 0;
}

void
toy_kill_translators(void)
{
	pthread_mutex_lock(&toy.lock);
	for (int i = 0; i < toy.ncontrols; i++)
		mach_port_mod_refs(mach_task_self(), toy.controls[i], MACH_PORT_RIGHT_RECEIVE, -1);
	toy.ncontrols = 0;
	pthread_mutex_unlock(&toy.lock);
}

void
toy_stop(void)
{
	mach_msg_header_t stop = {
		.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0),
		.msgh_size = sizeof stop,
		.msgh_remote_port = toy.file,
		.msgh_id = 0x7f7f,
	};

	mach_msg(&stop, MACH_SEND_MSG, sizeof stop, 0, MACH_PORT_NULL, MACH_MSG_TIMEOUT_NONE,
		 MACH_PORT_NULL);
	pthread_join(toy.thread, NULL);
	toy_kill_translators();
	for (int i = 0; i < toy.nheld; i++)
		if (MACH_PORT_VALID(toy.held[i]))
			mach_port_deallocate(mach_task_self(), toy.held[i]);
	toy.nheld = 0;
	mach_port_mod_refs(mach_task_self(), toy.exec_control, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_mod_refs(mach_task_self(), toy.exec_port, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_mod_refs(mach_task_self(), toy.file, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_mod_refs(mach_task_self(), toy.set, MACH_PORT_RIGHT_PORT_SET, -1);
}

/* The boot sequence (docs/hurd.md, "Booting an environment"):
 *
 *   1. auth and proc, each with the boot port as its bootstrap port; they
 *      call startup_authinit and startup_procinit, which are answered
 *      together once both arrived (each needs the other's port);
 *   2. rootfs, as a translator: it calls fsys_startup on the boot port;
 *      then fsys_getroot gives the root directory;
 *   3. exec, as a translator on /servers/exec: fsys_startup on the boot
 *      port, answered with that node, and the node gets exec as its active
 *      translator.
 *
 * Every wait has a deadline, so a server that dies or hangs while starting
 * fails `hell up' with its name instead of hanging it.  Only the main
 * thread receives on the boot port.  */
#include "startup.h"

#include <errno.h>
#include <hell/hell.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>
#include <hurd/hurd_types.h>
#include <hurd/process.h>
#include <hurd/startup_reply.h>
#include <mach/mach_error.h>
#include <mach/mig_errors.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsys_S.h"
#include "startup_S.h"

/* How long one server may take to call in.  */
#define BOOT_STEP_TIMEOUT_MS 15000

/* What the boot port has received so far (main thread only).  */
static struct {
	mach_port_t authinit_reply;	/* send-once, or MACH_PORT_NULL */
	mach_msg_type_name_t authinit_reply_type;
	mach_port_t procinit_reply;
	mach_msg_type_name_t procinit_reply_type;
	mach_port_t fsys_control;	/* from the last fsys_startup */
	mach_port_t fsys_realnode;	/* what that fsys_startup is answered */
	bool fsys_called;
} boot;

/* --- The boot port's routines ---------------------------------------- */

kern_return_t
S_startup_authinit(startup_t server, mach_port_t reply, mach_msg_type_name_t reply_type,
		   mach_port_t auth, mach_port_t *proc, mach_msg_type_name_t *proc_type)
{
	struct startup_env *env = &startup_env;
	if (server != env->boot_port)
		return EOPNOTSUPP;
	if (boot.authinit_reply != MACH_PORT_NULL || env->auth != MACH_PORT_NULL)
		return EBUSY;	/* one auth server per environment */
	pthread_mutex_lock(&env->lock);
	env->auth = auth;
	pthread_mutex_unlock(&env->lock);
	boot.authinit_reply = reply;
	boot.authinit_reply_type = reply_type;
	return MIG_NO_REPLY;
}

kern_return_t
S_startup_procinit(startup_t server, mach_port_t reply, mach_msg_type_name_t reply_type,
		   process_t startup_proc, mach_port_t *startup_task, auth_t *auth,
		   mach_port_t *host_priv, mach_msg_type_name_t *host_priv_type,
		   mach_port_t *device_master, mach_msg_type_name_t *device_master_type)
{
	struct startup_env *env = &startup_env;
	if (server != env->boot_port)
		return EOPNOTSUPP;
	if (boot.procinit_reply != MACH_PORT_NULL || env->startup_proc != MACH_PORT_NULL)
		return EBUSY;
	env->startup_proc = startup_proc;
	boot.procinit_reply = reply;
	boot.procinit_reply_type = reply_type;
	return MIG_NO_REPLY;
}

kern_return_t
S_startup_essential_task(startup_t server, mach_port_t reply, mach_msg_type_name_t reply_type,
			 mach_port_t task, mach_port_t excpt, const_string_t name,
			 mach_port_t credential)
{
	/* HELL does not bring an environment down when a task dies; the
	 * servers startup started are watched by `hell status'.  Accept the
	 * call so that servers written for the Hurd need no change.  */
	if (credential != startup_env.host_priv)
		return EPERM;
	startup_log("%s registered as essential", name);
	mach_port_deallocate(mach_task_self(), task);
	mach_port_mod_refs(mach_task_self(), excpt, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_deallocate(mach_task_self(), credential);
	return KERN_SUCCESS;
}

kern_return_t
S_startup_request_notification(startup_t server, mach_port_t notify_port, const_string_t name)
{
	/* Shutdown ends each server with fsys_goaway or task_terminate; no
	 * startup_dosync is sent.  */
	mach_port_deallocate(mach_task_self(), notify_port);
	return KERN_SUCCESS;
}

kern_return_t
S_startup_reboot(startup_t server, mach_port_t refport, int code)
{
	return EPERM;	/* `hell down' ends an environment */
}

kern_return_t
S_fsys_startup(mach_port_t bootstrap, int openflags, mach_port_t control,
	       mach_port_t *realnode, mach_msg_type_name_t *realnode_type)
{
	if (bootstrap != startup_env.boot_port)
		return EOPNOTSUPP;
	if (boot.fsys_called)
		return EBUSY;	/* one translator starts at a time */
	boot.fsys_called = true;
	boot.fsys_control = control;
	*realnode = boot.fsys_realnode;
	*realnode_type = MACH_MSG_TYPE_COPY_SEND;
	return KERN_SUCCESS;
}

/* The boot port is no file system: the rest of fsys.defs is refused.  */
kern_return_t S_fsys_goaway(fsys_t fsys, int flags) { return EOPNOTSUPP; }
kern_return_t
S_fsys_getroot(fsys_t fsys, mach_port_t dotdot, const_idarray_t uids,
	       mach_msg_type_number_t nuids, const_idarray_t gids, mach_msg_type_number_t ngids,
	       int flags, retry_type *retry, string_t name, mach_port_t *file,
	       mach_msg_type_name_t *file_type)
{ return EOPNOTSUPP; }
kern_return_t
S_fsys_getfile(fsys_t fsys, const_idarray_t uids, mach_msg_type_number_t nuids,
	       const_idarray_t gids, mach_msg_type_number_t ngids, const_data_t handle,
	       mach_msg_type_number_t nhandle, mach_port_t *file, mach_msg_type_name_t *file_type)
{ return EOPNOTSUPP; }
kern_return_t S_fsys_syncfs(fsys_t fsys, int wait, int children) { return EOPNOTSUPP; }
kern_return_t
S_fsys_set_options(fsys_t fsys, const_data_t options, mach_msg_type_number_t len, int children)
{ return EOPNOTSUPP; }
kern_return_t
S_fsys_getpriv(fsys_t fsys, mach_port_t *host_priv, mach_msg_type_name_t *host_priv_type,
	       mach_port_t *device_master, mach_msg_type_name_t *device_master_type,
	       mach_port_t *fstask, mach_msg_type_name_t *fstask_type)
{ return EOPNOTSUPP; }
kern_return_t
S_fsys_init(fsys_t fsys, mach_port_t reply, mach_msg_type_name_t reply_type,
	    mach_port_t proc, auth_t auth)
{ return EOPNOTSUPP; }
kern_return_t
S_fsys_forward(mach_port_t server, mach_port_t requestor, const_data_t argv,
	       mach_msg_type_number_t argc)
{ return EOPNOTSUPP; }
kern_return_t
S_fsys_get_options(fsys_t server, data_t *options, mach_msg_type_number_t *len)
{ return EOPNOTSUPP; }
kern_return_t
S_fsys_get_children(fsys_t server, data_t *names, mach_msg_type_number_t *nnames,
		    portarray_t *controls, mach_msg_type_name_t *controls_type,
		    mach_msg_type_number_t *ncontrols)
{ return EOPNOTSUPP; }
kern_return_t S_fsys_get_source(fsys_t server, string_t source) { return EOPNOTSUPP; }

static boolean_t
boot_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	extern boolean_t startup_server(mach_msg_header_t *, mach_msg_header_t *);
	extern boolean_t fsys_server(mach_msg_header_t *, mach_msg_header_t *);
	return startup_server(in, out) || fsys_server(in, out);
}

/* --- Serving the boot port until a step is done ------------------------ */

static long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Receive and answer messages on the boot port until DONE () holds.
 * False when the deadline passes or receiving fails.  */
static bool
serve_boot_port_until(struct startup_env *env, bool (*done)(void), long deadline)
{
	union {
		mach_msg_header_t head;
		char buf[8192];
	} in, out;

	while (!done()) {
		long left = deadline - now_ms();
		if (left <= 0)
			return false;
		kern_return_t kr = mach_msg(&in.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0,
					    sizeof in, env->boot_port, (mach_msg_timeout_t) left,
					    MACH_PORT_NULL);
		if (kr == MACH_RCV_TIMED_OUT)
			return false;
		if (kr == MACH_RCV_INTERRUPTED)
			continue;
		if (kr != MACH_MSG_SUCCESS) {
			startup_log("boot port: %s", mach_error_string(kr));
			return false;
		}
		if (!boot_demux(&in.head, &out.head)) {
			/* Not ours (a notification, a foreign id): the demux has
			 * put MIG_BAD_ID in the reply; drop the request's rights. */
			in.head.msgh_remote_port = MACH_PORT_NULL;
			mach_msg_destroy(&in.head);
		}
		mig_reply_header_t *reply = (mig_reply_header_t *) &out.head;
		if (reply->RetCode == MIG_NO_REPLY || out.head.msgh_remote_port == MACH_PORT_NULL)
			continue;
		if (reply->RetCode != KERN_SUCCESS)
			/* The request's rights were not taken; MIG leaves them. */
			mach_msg_destroy(&in.head);
		kr = mach_msg(&out.head, MACH_SEND_MSG | MACH_SEND_TIMEOUT, out.head.msgh_size, 0,
			      MACH_PORT_NULL, 0, MACH_PORT_NULL);
		if (kr != MACH_MSG_SUCCESS)
			mach_msg_destroy(&out.head);
	}
	return true;
}

static bool auth_and_proc_called(void)
{
	return boot.authinit_reply != MACH_PORT_NULL && boot.procinit_reply != MACH_PORT_NULL;
}

static bool fsys_startup_called(void)
{
	return boot.fsys_called;
}

/* --- The sequence ------------------------------------------------------ */

static bool
fail(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return false;
}

/* Make S a child of startup at proc, as the Hurd's startup does: the
 * server then has startup's ids (the Linux user's), so that the user's
 * tools (ps, portinfo) may look at it.  Servers started before proc is
 * ready are adopted once it is.  */
static void
adopt_server(struct startup_env *env, struct startup_server *s)
{
	if (env->startup_proc == MACH_PORT_NULL || env->proc == MACH_PORT_NULL ||
	    s->task == MACH_PORT_NULL)
		return;
	error_t err = proc_child(env->startup_proc, s->task);
	if (err)
		startup_log("proc_child for %s: %s", s->name, strerror(err));
}

/* Start server WHICH with ARGV (argv[0] is its path) and the boot port as
 * its bootstrap port.  */
static bool
start_server(struct startup_env *env, int which, char *const argv[], char *buf, size_t len)
{
	struct startup_server *s = &env->servers[which];
	struct hell_spawn_ports ports = { env->boot_port, MACH_PORT_NULL, MACH_PORT_NULL };
	kern_return_t kr = hell_task_spawn(s->path, argv, NULL, &ports, &s->task, &s->pid);
	if (kr != KERN_SUCCESS)
		return fail(buf, len, "cannot start %s (%s): %s", s->name, s->path,
			    kr == KERN_FAILURE ? strerror(errno) : mach_error_string(kr));
	startup_log("started %s, pid %d", s->name, (int) s->pid);
	adopt_server(env, s);
	return true;
}

/* Which server of the list has exited, for a failure message.  */
static const char *
dead_server(struct startup_env *env, int first, int last)
{
	for (int i = first; i <= last; i++)
		if (env->servers[i].pid > 0 && kill(env->servers[i].pid, 0) != 0)
			return env->servers[i].name;
	return NULL;
}

static bool
boot_auth_and_proc(struct startup_env *env, char *buf, size_t len)
{
	char *auth_argv[] = { (char *) env->servers[SERVER_AUTH].path, NULL };
	char *proc_argv[] = { (char *) env->servers[SERVER_PROC].path, NULL };
	if (!start_server(env, SERVER_AUTH, auth_argv, buf, len) ||
	    !start_server(env, SERVER_PROC, proc_argv, buf, len))
		return false;
	if (!serve_boot_port_until(env, auth_and_proc_called, now_ms() + BOOT_STEP_TIMEOUT_MS)) {
		const char *dead = dead_server(env, SERVER_AUTH, SERVER_PROC);
		if (dead)
			return fail(buf, len, "%s exited while starting", dead);
		return fail(buf, len, "%s did not call %s in time",
			    boot.authinit_reply ? "proc" : "auth",
			    boot.authinit_reply ? "startup_procinit" : "startup_authinit");
	}

	/* Both called.  proc is answered first: it then serves, and gives
	 * the port tasks get as their proc server.  That is not the port proc
	 * gave for startup's own process (it carries startup's ids) but proc's
	 * generic port, which belongs to no process; libhurd makes it the
	 * task's own with proc_task2proc.  The replies copy startup's rights;
	 * startup keeps its own.  */
	kern_return_t kr = startup_procinit_reply(boot.procinit_reply, boot.procinit_reply_type,
						  KERN_SUCCESS, mach_task_self(), env->auth,
						  env->host_priv, MACH_MSG_TYPE_COPY_SEND,
						  MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND);
	boot.procinit_reply = MACH_PORT_NULL;
	if (kr != KERN_SUCCESS)
		return fail(buf, len, "answering proc: %s", mach_error_string(kr));
	mach_port_t generic;
	kr = proc_task2proc(env->startup_proc, MACH_PORT_NULL, &generic);
	if (kr != KERN_SUCCESS)
		return fail(buf, len, "proc: proc_task2proc: %s", strerror(kr));
	pthread_mutex_lock(&env->lock);
	env->proc = generic;
	pthread_mutex_unlock(&env->lock);
	kr = startup_authinit_reply(boot.authinit_reply, boot.authinit_reply_type, KERN_SUCCESS,
				    env->proc, MACH_MSG_TYPE_COPY_SEND);
	boot.authinit_reply = MACH_PORT_NULL;
	if (kr != KERN_SUCCESS)
		return fail(buf, len, "answering auth: %s", mach_error_string(kr));
	adopt_server(env, &env->servers[SERVER_AUTH]);
	adopt_server(env, &env->servers[SERVER_PROC]);
	return true;
}

/* Start translator WHICH with ARGV, answer its fsys_startup with REALNODE
 * and keep its control port in *CONTROL.  */
static bool
boot_translator(struct startup_env *env, int which, char *const argv[], mach_port_t realnode,
		mach_port_t *control, char *buf, size_t len)
{
	boot.fsys_called = false;
	boot.fsys_control = MACH_PORT_NULL;
	boot.fsys_realnode = realnode;
	if (!start_server(env, which, argv, buf, len))
		return false;
	if (!serve_boot_port_until(env, fsys_startup_called, now_ms() + BOOT_STEP_TIMEOUT_MS)) {
		const char *dead = dead_server(env, which, which);
		return fail(buf, len, dead ? "%s exited while starting" :
			    "%s did not call fsys_startup in time", env->servers[which].name);
	}
	*control = boot.fsys_control;
	return true;
}

/* The root directory, opened for startup's own ids (the Linux user's). */
static bool
boot_get_root(struct startup_env *env, char *buf, size_t len)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	retry_type retry;
	string_t retry_name;
	mach_port_t root;
	kern_return_t kr = fsys_getroot(env->rootfs_control, MACH_PORT_NULL,
					MACH_MSG_TYPE_COPY_SEND, (idarray_t) &uid, 1,
					(idarray_t) &gid, 1, HURD_O_READ | HURD_O_EXEC,
					&retry, retry_name, &root);
	if (kr != KERN_SUCCESS)
		return fail(buf, len, "rootfs: fsys_getroot: %s", strerror(kr));
	if (retry != FS_RETRY_NORMAL || retry_name[0] != '\0') {
		mach_port_deallocate(mach_task_self(), root);
		return fail(buf, len, "rootfs: fsys_getroot asked for a retry (%d \"%s\")",
			    retry, retry_name);
	}
	pthread_mutex_lock(&env->lock);
	env->root = root;
	pthread_mutex_unlock(&env->lock);
	return true;
}

/* Look NAME up from the root directory (no translators, no retries:
 * startup's own names are plain directories and nodes of rootfs).  */
static error_t
root_lookup(struct startup_env *env, const char *name, int wire_flags, mach_port_t *port)
{
	retry_type retry;
	string_t retry_name;
	error_t err = dir_lookup(env->root, (char *) name, wire_flags, 0666, &retry,
				 retry_name, port);
	if (err)
		return err;
	if (retry != FS_RETRY_NORMAL || retry_name[0] != '\0') {
		mach_port_deallocate(mach_task_self(), *port);
		return EXDEV;
	}
	return 0;
}

static bool
boot_exec(struct startup_env *env, char *buf, size_t len)
{
	mach_port_t node;
	error_t err = root_lookup(env, "servers/exec", HURD_O_NOTRANS | HURD_O_CREAT, &node);
	if (err)
		return fail(buf, len, "/servers/exec in the root: %s", strerror(err));
	char *argv[] = { (char *) env->servers[SERVER_EXEC].path, NULL };
	bool ok = boot_translator(env, SERVER_EXEC, argv, node, &env->exec_control, buf, len);
	if (ok) {
		err = file_set_translator(node, 0, FS_TRANS_SET, 0, NULL, 0, env->exec_control,
					  MACH_MSG_TYPE_COPY_SEND);
		if (err)
			ok = fail(buf, len, "setting exec on /servers/exec: %s", strerror(err));
	}
	mach_port_deallocate(mach_task_self(), node);
	return ok;
}

bool
boot_environment(struct startup_env *env, char *buf, size_t len)
{
	if (!boot_auth_and_proc(env, buf, len))
		return false;
	char *rootfs_argv[] = { (char *) env->servers[SERVER_ROOTFS].path, (char *) env->rootdir,
				NULL };
	if (!boot_translator(env, SERVER_ROOTFS, rootfs_argv, MACH_PORT_NULL,
			     &env->rootfs_control, buf, len))
		return false;
	if (!boot_get_root(env, buf, len))
		return false;
	return boot_exec(env, buf, len);
}

/* Ask the translator behind CONTROL to go, then make sure its task ends. */
static void
stop_translator(struct startup_env *env, int which, mach_port_t *control)
{
	struct startup_server *s = &env->servers[which];
	if (*control != MACH_PORT_NULL) {
		error_t err = fsys_goaway(*control, FSYS_GOAWAY_FORCE | FSYS_GOAWAY_RECURSE);
		/* A translator that exits at once does not answer: that is success. */
		if (err && err != MACH_SEND_INVALID_DEST && err != MIG_SERVER_DIED)
			startup_log("%s: fsys_goaway: %s", s->name, strerror(err));
		mach_port_deallocate(mach_task_self(), *control);
		*control = MACH_PORT_NULL;
	}
}

void
shutdown_environment(struct startup_env *env)
{
	stop_translator(env, SERVER_EXEC, &env->exec_control);
	stop_translator(env, SERVER_ROOTFS, &env->rootfs_control);
	/* auth and proc have no goaway call; their tasks end with startup's
	 * word, as every server's does if it did not go by itself.  */
	for (int i = SERVER_COUNT - 1; i >= 0; i--) {
		struct startup_server *s = &env->servers[i];
		if (s->task == MACH_PORT_NULL)
			continue;
		task_terminate(s->task);
		mach_port_deallocate(mach_task_self(), s->task);
		s->task = MACH_PORT_NULL;
	}
}

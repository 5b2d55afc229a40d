/* fake_startup: see fake_startup.h.  The boot port is served by hand
 * with MIG's startup server stubs; startup_authinit and startup_procinit
 * are kept unanswered (MIG_NO_REPLY) until both arrived, then answered
 * with the startup_reply stubs, as servers/startup does.  */
#include "fake_startup.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <hell/hell.h>
#include <hurd/hurd_types.h>
#include <hurd/process.h>
#include <hurd/startup_reply.h>
#include <mach/mach_error.h>
#include <mach/mig_errors.h>

#include "startup_S.h"

#define BOOT_TIMEOUT_MS 15000

static struct {
	mach_port_t boot;
	mach_port_t auth;			/* from startup_authinit */
	mach_port_t auth_reply, proc_reply;	/* send-once, while unanswered */
	mach_msg_type_name_t auth_reply_type, proc_reply_type;
	mach_port_t startup_proc;		/* from startup_procinit */
} boot;

kern_return_t
S_startup_authinit(mach_port_t server, mach_port_t reply, mach_msg_type_name_t reply_type,
		   mach_port_t auth, mach_port_t *proc, mach_msg_type_name_t *proc_type)
{
	if (server != boot.boot || MACH_PORT_VALID(boot.auth_reply))
		return EBUSY;
	boot.auth = auth;
	boot.auth_reply = reply;
	boot.auth_reply_type = reply_type;
	return MIG_NO_REPLY;
}

kern_return_t
S_startup_procinit(mach_port_t server, mach_port_t reply, mach_msg_type_name_t reply_type,
		   mach_port_t startup_proc, mach_port_t *startup_task, mach_port_t *auth,
		   mach_port_t *host_priv, mach_msg_type_name_t *host_priv_type,
		   mach_port_t *device_master, mach_msg_type_name_t *device_master_type)
{
	if (server != boot.boot || MACH_PORT_VALID(boot.proc_reply))
		return EBUSY;
	boot.startup_proc = startup_proc;
	boot.proc_reply = reply;
	boot.proc_reply_type = reply_type;
	return MIG_NO_REPLY;
}

kern_return_t
S_startup_essential_task(mach_port_t server, mach_port_t reply, mach_msg_type_name_t reply_type,
			 mach_port_t task, mach_port_t excpt, const_string_t name,
			 mach_port_t credential)
{
	return EOPNOTSUPP;
}

kern_return_t
S_startup_request_notification(mach_port_t server, mach_port_t notify, const_string_t name)
{
	return EOPNOTSUPP;
}

kern_return_t
S_startup_reboot(mach_port_t server, mach_port_t refport, int code)
{
	return EOPNOTSUPP;
}

static long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Serve the boot port until the servers we wait for have called.  */
static bool
serve_until_called(bool want_proc)
{
	extern boolean_t startup_server(mach_msg_header_t *, mach_msg_header_t *);
	long deadline = now_ms() + BOOT_TIMEOUT_MS;
	union {
		mach_msg_header_t head;
		char buf[4096];
	} in, out;

	while (!MACH_PORT_VALID(boot.auth_reply) ||
	       (want_proc && !MACH_PORT_VALID(boot.proc_reply))) {
		long left = deadline - now_ms();
		if (left <= 0)
			return false;
		kern_return_t kr = mach_msg(&in.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof in,
					    boot.boot, (mach_msg_timeout_t) left, MACH_PORT_NULL);
		if (kr == MACH_RCV_INTERRUPTED)
			continue;
		if (kr != MACH_MSG_SUCCESS) {
			fprintf(stderr, "fake_startup: receiving: %s\n", mach_error_string(kr));
			return false;
		}
		memset(&out, 0, sizeof(mig_reply_header_t));
		startup_server(&in.head, &out.head);
		mig_reply_header_t *reply = (mig_reply_header_t *) &out.head;
		if (reply->RetCode == MIG_NO_REPLY)
			continue;
		/* A refused call: drop what it carried, answer it.  */
		in.head.msgh_remote_port = MACH_PORT_NULL;
		mach_msg_destroy(&in.head);
		if (MACH_PORT_VALID(out.head.msgh_remote_port) &&
		    mach_msg(&out.head, MACH_SEND_MSG | MACH_SEND_TIMEOUT, out.head.msgh_size, 0,
			     MACH_PORT_NULL, 0, MACH_PORT_NULL) != MACH_MSG_SUCCESS)
			mach_msg_destroy(&out.head);
	}
	return true;
}

static bool
spawn(const char *path, char *const args[], mach_port_t bootstrap, task_t *task, pid_t *pid)
{
	char *argv[16] = { (char *) path };
	int argc = 1;
	for (int i = 0; args && args[i] && argc < 15; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	struct hell_spawn_ports ports = { bootstrap, MACH_PORT_NULL, MACH_PORT_NULL };
	kern_return_t kr = hell_task_spawn(path, argv, NULL, &ports, task, pid);
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "fake_startup: cannot start %s: %s\n", path,
			kr == KERN_FAILURE ? strerror(errno) : mach_error_string(kr));
		return false;
	}
	return true;
}

bool
fake_startup_boot(struct fake_startup *fs, const char *auth_path, const char *proc_path,
		  mach_port_t host_priv, char *const args[])
{
	memset(fs, 0, sizeof *fs);
	memset(&boot, 0, sizeof boot);
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &boot.boot) ||
	    mach_port_insert_right(mach_task_self(), boot.boot, boot.boot, MACH_MSG_TYPE_MAKE_SEND))
		return false;

	bool ok = spawn(auth_path, args, boot.boot, &fs->auth_task, &fs->auth_pid) &&
		  (!proc_path || spawn(proc_path, args, boot.boot, &fs->proc_task, &fs->proc_pid));
	/* The servers have theirs now.  */
	mach_port_deallocate(mach_task_self(), boot.boot);
	if (ok && !serve_until_called(proc_path != NULL)) {
		fprintf(stderr, "fake_startup: %s did not call in\n",
			MACH_PORT_VALID(boot.auth_reply) ? "proc" : "auth");
		ok = false;
	}
	if (!ok) {
		fake_startup_shutdown(fs);
		return false;
	}
	fs->auth = boot.auth;

	kern_return_t kr;
	if (proc_path) {
		/* proc first: it must serve before auth's proc port is asked.  */
		kr = startup_procinit_reply(boot.proc_reply, boot.proc_reply_type, 0,
					    mach_task_self(), fs->auth, host_priv,
					    MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL,
					    MACH_MSG_TYPE_COPY_SEND);
		boot.proc_reply = MACH_PORT_NULL;
		fs->startup_proc = boot.startup_proc;
		if (kr == KERN_SUCCESS)
			kr = proc_task2proc(fs->startup_proc, fs->auth_task, &fs->auth_proc);
		if (kr != KERN_SUCCESS) {
			fprintf(stderr, "fake_startup: answering proc: %s\n", mach_error_string(kr));
			fake_startup_shutdown(fs);
			return false;
		}
	}
	kr = startup_authinit_reply(boot.auth_reply, boot.auth_reply_type, 0, fs->auth_proc,
				    MACH_MSG_TYPE_COPY_SEND);
	boot.auth_reply = MACH_PORT_NULL;
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "fake_startup: answering auth: %s\n", mach_error_string(kr));
		fake_startup_shutdown(fs);
		return false;
	}
	mach_port_mod_refs(mach_task_self(), boot.boot, MACH_PORT_RIGHT_RECEIVE, -1);
	boot.boot = MACH_PORT_NULL;
	return true;
}

static void
end(pid_t *pid, task_t *task)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	*pid = 0;
	if (MACH_PORT_VALID(*task))
		mach_port_deallocate(mach_task_self(), *task);
	*task = MACH_PORT_NULL;
}

void
fake_startup_shutdown(struct fake_startup *fs)
{
	end(&fs->proc_pid, &fs->proc_task);
	end(&fs->auth_pid, &fs->auth_task);
	mach_port_t *rights[] = { &fs->auth, &fs->startup_proc, &fs->auth_proc,
				  &boot.auth_reply, &boot.proc_reply };
	for (size_t i = 0; i < sizeof rights / sizeof rights[0]; i++) {
		if (MACH_PORT_VALID(*rights[i]))
			mach_port_deallocate(mach_task_self(), *rights[i]);
		*rights[i] = MACH_PORT_NULL;
	}
	if (MACH_PORT_VALID(boot.boot))
		mach_port_mod_refs(mach_task_self(), boot.boot, MACH_PORT_RIGHT_RECEIVE, -1);
	boot.boot = MACH_PORT_NULL;
}

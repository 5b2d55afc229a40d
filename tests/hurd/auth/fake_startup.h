/* fake_startup: a test plays startup (servers/startup) for auth and proc,
 * so that they can be tested before and apart from the real one.
 *
 * fake_startup_boot spawns auth (and proc, if given) with a port of the
 * test as bootstrap port, serves startup_authinit and startup_procinit on
 * it as startup does (docs/hurd.md: both are answered once both have
 * called; proc learns the first auth handle, the test's own task as
 * startup's task, and HOST_PRIV; auth learns proc's port for its own task)
 * and returns with the ports a test needs.  Every wait has a deadline. */
#ifndef HELL_TEST_FAKE_STARTUP_H
#define HELL_TEST_FAKE_STARTUP_H

#include <mach.h>
#include <stdbool.h>
#include <sys/types.h>

struct fake_startup {
	task_t auth_task, proc_task;	/* send rights, or MACH_PORT_NULL */
	pid_t auth_pid, proc_pid;	/* Linux pids, or 0 */
	mach_port_t auth;		/* the first auth handle (send right) */
	mach_port_t startup_proc;	/* proc's port for the test, as startup */
	mach_port_t auth_proc;		/* what auth got from startup_authinit */
};

/* Start AUTH_PATH and, unless PROC_PATH is NULL, PROC_PATH (with ARGS, a
 * NULL-terminated list of extra arguments for both, or NULL), and answer
 * their start-up calls; HOST_PRIV is what proc is given (auth alone: auth
 * gets MACH_PORT_NULL for proc).  Prints why and returns false on failure. */
bool fake_startup_boot(struct fake_startup *fs, const char *auth_path, const char *proc_path,
		       mach_port_t host_priv, char *const args[]);

/* End the servers (SIGKILL, reaped) and drop FS's rights.  */
void fake_startup_shutdown(struct fake_startup *fs);

#endif

/* startup: the first task of a HELL environment (docs/hurd.md, "Booting
 * an environment").
 *
 * Threads: the main thread runs the boot sequence (boot.c) and then waits
 * for a signal to shut the environment down; one thread (init_port.c)
 * answers exec_startup_get_info on the init port for every task of the
 * environment, from the moment the first server starts.  The ports the
 * init port hands out live in `struct startup_env', under its lock.  */
#ifndef HELL_STARTUP_H
#define HELL_STARTUP_H

#include <mach.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

/* One server that startup started. */
struct startup_server {
	const char *name;		/* "auth", "proc", "rootfs", "exec" */
	const char *path;		/* its program */
	task_t task;			/* send right, or MACH_PORT_NULL */
	pid_t pid;			/* Linux pid, or 0 */
};

enum { SERVER_AUTH, SERVER_PROC, SERVER_ROOTFS, SERVER_EXEC, SERVER_COUNT };

struct startup_env {
	const char *home;		/* $HELL_HOME: ready/failed/servers files */
	const char *rootdir;		/* the Linux directory rootfs exports */
	bool verbose;

	mach_port_t host_priv;		/* from machd --boot, our bootstrap port */
	mach_port_t boot_port;		/* receive right: startup.defs, fsys_startup */
	mach_port_t init_port;		/* receive right: exec_startup_get_info */

	struct startup_server servers[SERVER_COUNT];

	/* Filled while booting, read by the init port's thread. */
	pthread_mutex_t lock;
	mach_port_t auth;		/* the first auth handle (auth's own) */
	mach_port_t proc;		/* the proc server's port */
	mach_port_t root;		/* the root directory, for everyone */
	mode_t umask;			/* given to every task */

	/* Boot state, main thread only. */
	mach_port_t rootfs_control;	/* fsys control port of rootfs */
	mach_port_t exec_control;	/* fsys control port of exec */
	mach_port_t startup_proc;	/* proc's port for startup itself */
};

extern struct startup_env startup_env;

/* boot.c: start the servers in order; on failure the reason is in
 * BUF and the result is false.  */
bool boot_environment(struct startup_env *env, char *buf, size_t len);
/* Stop the servers started by boot_environment, best effort, in the
 * reverse order.  */
void shutdown_environment(struct startup_env *env);

/* init_port.c: start the thread that serves the init port.  */
int init_port_start(struct startup_env *env);

/* startup.c: log a line when --verbose.  */
void startup_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

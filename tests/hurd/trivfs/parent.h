/* parent: a test playing the file system a translator sits on.
 *
 * A translator is started with a bootstrap port on which it calls
 * fsys_startup to hand over its control port and get its underlying
 * node.  Before HELL has file systems of its own, a test takes that part
 * itself: parent_start spawns the translator with a bootstrap port,
 * answers its fsys_startup with an underlying node that the test serves
 * (on a thread of its own), and returns the control port.  The node
 * answers what libtrivfs asks of it (io_stat, io_duplicate,
 * io_restrict_auth, file_check_access) and a few calls the test checks
 * are passed on (io_pathconf, file_sync, file_chmod); it records what it
 * was asked in struct parent_node.
 *
 * Open flags on the wire are the Hurd's (HURD_O_*). */
#ifndef TEST_PARENT_H
#define TEST_PARENT_H

#include <mach.h>
#include <hurd/hurd_types.h>
#include <pthread.h>
#include <sys/types.h>

/* The underlying node, and what it was asked. */
struct parent_node {
	mach_port_t port;		/* receive right, served by THREAD */
	pthread_t thread;
	int access;			/* file_check_access's answer (HURD_O_*) */
	int restrict_calls;		/* io_restrict_auth calls */
	long last_restrict_uid;		/* the first uid of the last one (-1: none) */
	int duplicate_calls;		/* io_duplicate calls */
	int sync_calls;			/* file_sync calls */
	mode_t last_chmod;		/* file_chmod's last mode */
};

/* A running translator. */
struct parent_translator {
	struct parent_node node;
	mach_port_t control;		/* send right to its control port */
	int startup_flags;		/* fsys_startup's open flags (wire) */
	task_t task;
	pid_t pid;
};

/* Start the translator ARGV[0] (a path) with ARGV, sitting on a node of
 * ours: a child process of ours (hell_task_spawn).  0, or a Mach error /
 * errno value (printed). */
kern_return_t parent_start(char *const argv[], struct parent_translator *t);

/* The same, with the translator started by SPAWN (given the bootstrap
 * send right it must install; it fills T->task and, for a child of ours,
 * T->pid, and returns 0 or an error).  For a translator that is not our
 * child (exec started it), T->pid stays 0 and parent_stop / parent_reap
 * do not wait for it. */
kern_return_t parent_start_by(kern_return_t (*spawn)(mach_port_t bootstrap,
						     struct parent_translator *t, void *arg),
			      void *arg, const char *name, struct parent_translator *t);

/* fsys_getroot on T for the caller's uid and gid with FLAGS (wire),
 * into *FILE.  The retry answer must be FS_RETRY_NORMAL with no name. */
kern_return_t parent_open(struct parent_translator *t, int flags, mach_port_t *file);

/* Ask T to go away with FLAGS and wait for its process: 0 when it went
 * (exit status 0, if it is our child), else the fsys_goaway error
 * (translator still there) or -1 for a bad exit. */
kern_return_t parent_stop(struct parent_translator *t, int flags);

/* Wait for T's process to end (after something else stopped it) and
 * free the rest: its exit status as waitpid gives it. */
int parent_reap(struct parent_translator *t);

#endif

/* Toy servers for the tests of starting translators: an exec server and
 * the translators it "starts".
 *
 * HELL's real exec server loads a program into the task it is given; the
 * toy one instead plays the program itself, as the test asks (TOY_MODE):
 * it answers exec_exec_paths, then, on a thread of its own, calls
 * fsys_startup on the new task's bootstrap port like a starting
 * translator, and serves the translator's control port (fsys_getroot
 * gives a port of the toy's, whose io_stat says st_fstype 4242).  Or it
 * never calls fsys_startup, or kills the task, or refuses the exec.
 * Everything is served by one thread of the test (toy_start). */
#ifndef TEST_TOY_H
#define TEST_TOY_H

#include <mach.h>
#include <hurd/hurd_types.h>

enum toy_mode {
	TOY_STARTUP,		/* behave as a translator */
	TOY_JUNK_FIRST,		/* the same, after junk on the bootstrap port */
	TOY_SILENT,		/* never call fsys_startup */
	TOY_DIE,		/* terminate the task at once */
	TOY_REFUSE,		/* answer exec_exec_paths with ENOEXEC */
};

struct toy_exec_record {
	int calls;			/* exec_exec_paths calls */
	int flags;			/* the last one's flags */
	char path[1024];		/* its path */
	char argv[256];			/* its argv (argz) */
	size_t argv_len;
	int had_bootstrap;		/* portarray[INIT_PORT_BOOTSTRAP] was valid */
	int bootstrap_is_special;	/* and the task's bootstrap port */
	int startup_err;		/* the translator's fsys_startup result */
	int startup_flags;		/* what it asked for (wire) */
	int realnode_valid;		/* it got a node */
	int getroot_calls;		/* fsys_getroot on translators' control ports */
	int junk_answer;		/* what the junk got (TOY_JUNK_FIRST) */
};

extern volatile enum toy_mode toy_mode;
extern struct toy_exec_record toy_record;

/* Start serving; the exec server's control port (for file_set_translator
 * on /servers/exec) is *EXEC_CONTROL, a send right of the caller's. */
void toy_start(mach_port_t *exec_control);

/* Whether the task of the last silent start is gone (its port a dead
 * name here), waiting up to a second for it. */
int toy_silent_task_died(void);

/* Kill the translators started so far (their control ports die). */
void toy_kill_translators(void);

/* Stop serving and release everything. */
void toy_stop(void);

#endif

/* Test servers for libhurd: directories that answer dir_lookup as a test
 * scripts them, an auth server for the reauthentication rendezvous, a
 * proc server for proc_task2proc, and an exec startup port.
 *
 * Every object is a *node*: a port whose receive right the test task
 * holds, in one port set that a server thread serves.  The server keeps
 * no send right to a node, so a test can count the send rights a client
 * holds under a node's name (testlib_refs) and see leaks.
 *
 * A node answers dir_lookup with the first of its rules whose name
 * matches (NULL matches any name); it records what it was asked.  */
#ifndef LIBHURD_TEST_FAKE_SERVERS_H
#define LIBHURD_TEST_FAKE_SERVERS_H

#include <hurd.h>

enum fake_target {
	FAKE_TO_NODE,		/* a send right to rule.target */
	FAKE_TO_NULL,		/* MACH_PORT_NULL */
	FAKE_TO_DEAD,		/* a dead name */
	FAKE_TO_SELF,		/* the node that answers */
};

struct fake_node;

struct fake_rule {
	const char *name;	/* NULL: any */
	error_t err;		/* nonzero: answer this error */
	retry_type kind;
	const char *retry;	/* NULL: 1024 bytes without a terminator */
	enum fake_target to;
	struct fake_node *target;
};

#define FAKE_MAX_RULES 48
#define FAKE_MAX_PORTS 8

struct fake_node {
	mach_port_t port;
	const char *label;
	struct fake_rule rules[FAKE_MAX_RULES];
	int nrules;
	/* io_stat's answer, file_get_translator's.  */
	mode_t st_mode;
	uid_t st_uid;
	const char *passive;		/* an argz vector of PASSIVE_LEN bytes */
	size_t passive_len;		/* 0: strlen (PASSIVE) + 1 */
	/* io_read: CONTENTS, from the port's own offset READ_POS.  */
	const char *contents;
	size_t read_pos;
	/* dir_readdir: the names, in the Hurd's struct dirent layout.  */
	const char *entries[16];
	int nentries;
	/* file_get_fs_options; file_getcontrol gives CONTROL, whose
	 * fsys_set_options are recorded in SET_OPTIONS.  */
	const char *fs_options;		/* argz of FS_OPTIONS_LEN bytes */
	size_t fs_options_len;
	struct fake_node *control;
	char set_options[256];
	size_t set_options_len;
	/* file_set_translator: what was asked.  */
	char set_trans[256];
	size_t set_trans_len;
	int set_trans_flags[3];		/* passive, active, goaway */
	int set_trans_calls;
	/* proc: the pids proc_getallpids gives; each has one thread and the
	 * arguments "prog" "arg"; proc_pid2task gives this task for
	 * TASK_PID.  */
	pid_t pids[8];
	int npids;
	pid_t task_pid;
	/* auth: what auth_user_authenticate gives (FAKE_TO_NODE) */
	struct fake_node *reauth_to;
	/* proc: proc_task2proc gives these in turn (none: the node itself);
	 * task2pid answers pid */
	struct fake_node *task2proc[FAKE_MAX_PORTS];
	int ntask2proc;
	pid_t pid;
	/* exec startup: the answer */
	struct fake_node *ports[INIT_PORT_MAX + 2];
	int nports;
	struct fake_node *dtable[FAKE_MAX_PORTS];
	int ndtable;
	int ints[INIT_INT_MAX];
	int nints;
	error_t startup_err;
	/* What the node was asked (written by the server thread; read by the
	 * test after its RPC returned).  */
	int lookups;
	char last_name[1024];
	int last_flags;		/* wire flags */
	mode_t last_mode;
	int truncated;
	int reauths;		/* io_reauthenticate or proc_reauthenticate */
	int authenticated;	/* auth_user_authenticate that matched */
	int task2proc_calls;
	int startup_calls;
};

/* Start the server thread (once).  */
void fake_start(void);

/* A new node served by the thread.  */
struct fake_node *fake_node(const char *label);

/* Add a rule to NODE: for NAME answer KIND, RETRY, and a port.  */
void fake_rule(struct fake_node *node, const char *name, retry_type kind, const char *retry,
	       enum fake_target to, struct fake_node *target);
/* Add a rule: for NAME answer the error ERR.  */
void fake_rule_error(struct fake_node *node, const char *name, error_t err);

/* A new send right to NODE, for the test to hand out.  */
mach_port_t fake_send(struct fake_node *node);

/* Send rights to NODE in this task (0 if none).  */
int fake_send_refs(struct fake_node *node);

#endif

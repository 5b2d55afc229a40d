/* settrans: set the passive or active translator of a node, as the Hurd's.
 *
 * The node is looked up without its translator (O_NOTRANS; -L: with
 * it, to stack on top).  The passive record (-p, the default) is set with
 * file_set_translator; an active translator (-a, or -s from the passive
 * record) is first started by libfshelp (fshelp_start_translator: a new
 * task, exec of the program, and its fsys_startup on the task's bootstrap
 * port, answered with the node), and its control port handed to
 * file_set_translator.  With only -p, a running active translator must
 * not exist (-k keeps it, -g asks it to go away, with -f -R -S as
 * fsys_goaway flags).
 *
 * Not on HELL: --chroot and --chroot-chdir (a HELL program's root is
 * libhurd's, which an exec'd Linux program does not inherit).  */

#include <argp.h>
#include <argz.h>
#include <error.h>
#include <hurd.h>
#include <hurd/fs.h>
#include <hurd/fshelp.h>
#include <hurd/fsys.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TIMEOUT 60	/* seconds */
#define OPT_STACK -2

static char *node_name;
static char *argz;
static size_t argz_len;
static int passive, active, keep_active, kill_active, pause_start, orphan, start, stack, excl;
static char *pid_file;
static int timeout = DEFAULT_TIMEOUT * 1000;	/* ms */
static char *underlying_name;
static int lookup_flags = O_NOTRANS;
static int underlying_lookup_flags;
static int goaway_flags;

/* The node, opened by open_node when a translator is started.  */
static file_t node = MACH_PORT_NULL;
static error_t open_err;

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	error_t err;
	char *end;
	double secs;

	switch (key) {
	case ARGP_KEY_ARG:
		if (state->arg_num == 0) {
			node_name = arg;
			break;
		}
		if (start)
			argp_error(state, "both --start and TRANSLATOR given");
		err = argz_create(state->argv + state->next - 1, &argz, &argz_len);
		if (err)
			error(3, err, "Can't create options vector");
		state->next = state->argc;	/* the rest is the translator's */
		break;
	case ARGP_KEY_NO_ARGS:
		argp_usage(state);	/* exits */
		break;
	case 'a': active = 1; break;
	case 's': start = active = 1; break;
	case OPT_STACK: stack = active = orphan = 1; break;
	case 'p': passive = 1; break;
	case 'k': keep_active = 1; break;
	case 'g': kill_active = 1; break;
	case 'x': excl = 1; break;
	case 'P': pause_start = 1; break;
	case 'F': pid_file = arg; break;
	case 'o': orphan = 1; break;
	case 'U': underlying_name = arg; break;
	case 'c': lookup_flags |= O_CREAT; break;
	case 'L': lookup_flags &= ~O_NOTRANS; break;
	case 'R': goaway_flags |= FSYS_GOAWAY_RECURSE; break;
	case 'S': goaway_flags |= FSYS_GOAWAY_NOSYNC; break;
	case 'f': goaway_flags |= FSYS_GOAWAY_FORCE; break;
	case 't':
		secs = strtod(arg, &end);
		if (*arg == '\0' || *end != '\0' || secs < 0 || secs > 86400 * 365)
			argp_error(state, "%s: invalid timeout", arg);
		timeout = (int) (secs * 1000.0);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_option options[] = {
	{ "active", 'a', 0, 0, "Start TRANSLATOR and set it as NODE's active translator", 0 },
	{ "start", 's', 0, 0, "Start the translator specified by the NODE's passive translator"
	  " record and set it as NODE's active translator", 0 },
	{ "passive", 'p', 0, 0, "Change NODE's passive translator record (default)", 0 },
	{ "create", 'c', 0, 0, "Create NODE if it doesn't exist", 0 },
	{ "dereference", 'L', 0, 0, "If a translator exists, put the new one on top", 0 },
	{ "pid-file", 'F', "FILENAME", 0, "When starting an active translator, write its pid"
	  " to this file", 0 },
	{ "pause", 'P', 0, 0, "When starting an active translator, prompt and wait for a newline"
	  " on stdin before completing the startup handshake", 0 },
	{ "timeout", 't', "SEC", 0, "Timeout for translator startup, in seconds (default 60);"
	  " 0 means no timeout", 0 },
	{ "exclusive", 'x', 0, 0, "Only set the translator if there is not one already", 0 },
	{ "orphan", 'o', 0, 0, "Disconnect old translator from the filesystem (do not ask it to"
	  " go away)", 0 },
	{ "underlying", 'U', "NODE", 0, "Open NODE and hand it to the translator as the"
	  " underlying node", 0 },
	{ "stack", OPT_STACK, 0, 0, "Replace an existing translator, but keep it running, and"
	  " put the new one on top", 0 },
	{ 0, 0, 0, 0, "When setting the passive translator, if there's an active translator:", 0 },
	{ "goaway", 'g', 0, 0, "Ask the active translator to go away", 0 },
	{ "keep-active", 'k', 0, 0, "Leave any existing active translator running", 0 },
	{ 0, 0, 0, 0, "When an active translator is told to go away:", 0 },
	{ "recursive", 'R', 0, 0, "Shutdown its children too", 0 },
	{ "force", 'f', 0, 0, "Ask it to ignore current users and shutdown anyway.", 0 },
	{ "nosync", 'S', 0, 0, "Don't sync it before killing it", 0 },
	{ 0 }
};

static const struct argp argp = {
	options, parse_opt, "NODE [TRANSLATOR ARG...]",
	"Set the passive/active translator on NODE.\vBy default the passive translator is set.",
	0, 0, 0
};

/* fshelp's callback: open the node the new translator sits on (and the
 * underlying node it is given), as the translator's fsys_startup asks. */
static error_t
open_node(int flags, file_t *underlying, mach_msg_type_name_t *underlying_type, task_t task,
	  void *cookie)
{
	if (pause_start) {
		fprintf(stderr, "Translator pid: %d\nPausing...", (int) task2pid(task));
		fflush(stderr);
		getchar();
	}
	if (pid_file) {
		FILE *f = fopen(pid_file, "w");

		if (!f)
			error(4, errno, "Failed to open pid file");
		fprintf(f, "%d\n", (int) task2pid(task));
		fclose(f);
	}
	node = file_name_lookup(node_name, flags | lookup_flags, 0666);
	if (node == MACH_PORT_NULL)
		return open_err = errno;
	if (underlying_name) {
		*underlying = file_name_lookup(underlying_name, flags | underlying_lookup_flags,
					       0666);
		if (!MACH_PORT_VALID(*underlying)) {
			node_name = underlying_name;	/* for the message */
			return open_err = errno;
		}
		*underlying_type = MACH_MSG_TYPE_MOVE_SEND;
	} else {
		*underlying = node;
		*underlying_type = MACH_MSG_TYPE_COPY_SEND;
	}
	return 0;
}

/* --start: the translator is the node's passive record.  */
static void
read_passive_record(void)
{
	char buf[1024];
	data_t rec = buf;
	mach_msg_type_number_t len = sizeof buf;
	file_t file = file_name_lookup(node_name, lookup_flags, 0);
	error_t err;

	if (file == MACH_PORT_NULL)
		error(4, 0, "%s: %s", node_name, hurd_strerror(errno));
	err = file_get_translator(file, &rec, &len);
	if (err == EINVAL)
		error(4, 0, "%s: no passive translator record found", node_name);
	if (err)
		error(4, 0, "%s: %s", node_name, hurd_strerror(err));
	argz = malloc(len);
	if (!argz)
		error(4, ENOMEM, "%s", node_name);
	memcpy(argz, rec, len);
	argz_len = len;
	if (rec != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) rec, len);
	mach_port_deallocate(mach_task_self(), file);
}

int
main(int argc, char *argv[])
{
	fsys_t active_control = MACH_PORT_NULL;
	int active_flags = 0, passive_flags = 0;
	error_t err;

	argp_parse(&argp, argc, argv, ARGP_IN_ORDER, 0, 0);

	if (stack) {
		underlying_name = node_name;
		underlying_lookup_flags = lookup_flags & ~O_NOTRANS;
	} else {
		underlying_lookup_flags = lookup_flags;
	}
	if (!active && !passive)
		passive = 1;
	if (passive)
		passive_flags = FS_TRANS_SET | (excl ? FS_TRANS_EXCL : 0);
	if (active)
		active_flags = FS_TRANS_SET | (excl ? FS_TRANS_EXCL : 0) |
			       (orphan ? FS_TRANS_ORPHAN : 0);
	if (passive && !active) {
		/* Only the record changes: and a running translator?  */
		if (kill_active)
			active_flags = FS_TRANS_SET;
		else if (!keep_active)
			active_flags = FS_TRANS_SET | FS_TRANS_EXCL;
	}
	if (start)
		read_passive_record();

	if (active && argz_len > 0) {
		err = fshelp_start_translator(open_node, NULL, argz, argz,
					      (mach_msg_type_number_t) argz_len, timeout,
					      &active_control);
		if (err)
			error(4, 0, "%s: %s", err == open_err ? node_name : argz,
			      hurd_strerror(err));
	} else {
		node = file_name_lookup(node_name, lookup_flags, 0666);
		if (node == MACH_PORT_NULL)
			error(1, 0, "%s: %s", node_name, hurd_strerror(errno));
	}

	err = file_set_translator(node, passive_flags, active_flags, goaway_flags, argz,
				  (mach_msg_type_number_t) argz_len, active_control,
				  MACH_MSG_TYPE_COPY_SEND);
	if (err) {
		if (active_control != MACH_PORT_NULL)
			fsys_goaway(active_control, FSYS_GOAWAY_FORCE);
		error(5, 0, "%s: %s", node_name, hurd_strerror(err));
	}
	if (MACH_PORT_VALID(active_control))
		mach_port_deallocate(mach_task_self(), active_control);
	mach_port_deallocate(mach_task_self(), node);
	free(argz);
	return 0;
}

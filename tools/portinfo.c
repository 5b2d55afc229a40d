/* portinfo: the port names of a process, as the Hurd's.
 *
 * The task of PID comes from proc (proc_pid2task); its names and rights
 * from Mach (mach_port_names).  Each line: the name, its rights
 * (receive, send, send-once, dead-name, port-set).  -v adds, from Mach,
 * a receive right's status (port set, seqno, make-send count, queue
 * limit, queued messages, send rights, requests), user references, and
 * for a send right what it is when that is known without a message to
 * the port (task(self), task(PID) from proc, host); -m lists port sets' members; -r -s -o -d -p show only names
 * with those rights.  NAME arguments (decimal, 0x hex, 0 octal) select
 * names.
 *
 * Unlike the Hurd's, -v does not probe send rights with RPCs of their
 * own interfaces (auth_getids, io_stat, host_info ...): a port whose
 * receiver never reads would leave portinfo waiting forever.  -t, -a and -E (name
 * translation between processes) are not here.  */

#include <argp.h>
#include <error.h>
#include <hurd.h>
#include <hurd/process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW_DETAILS	0x1
#define SHOW_MEMBERS	0x4
#define SHOW_HEX	0x8

static unsigned show;
static mach_port_type_t only;	/* 0: every name */
static pid_t pid = -1;
static mach_port_t *wanted;
static int nwanted;

static void
print_name(mach_port_t name)
{
	printf(show & SHOW_HEX ? "%#6x" : "%6u", name);
}

static void
print_refs(task_t task, mach_port_t name, mach_port_right_t right)
{
	mach_port_urefs_t refs;

	if (mach_port_get_refs(task, name, right, &refs) == KERN_SUCCESS)
		printf(" (refs: %u)", refs);
}

/* What the send right NAME of TASK names, when that can be known without
 * sending the port a message: the target task itself, another task
 * (proc knows it), the host.  */
static void
print_kernel_object(task_t task, mach_port_t name, process_t proc)
{
	mach_port_t port, self_host;
	mach_msg_type_name_t got;
	pid_t task_pid;

	if (mach_port_extract_right(task, name, MACH_MSG_TYPE_COPY_SEND, &port, &got) !=
	    KERN_SUCCESS)
		return;
	if (!MACH_PORT_VALID(port))
		return;
	/* A right we hold too comes under the same name (coalescing). */
	self_host = mach_host_self();
	if (port == task)
		printf(" task(self)");
	else if (port == self_host)
		printf(" host");
	else if (MACH_PORT_VALID(proc) && proc_task2pid(proc, port, &task_pid) == 0)
		printf(" task(%d)", (int) task_pid);
	mach_port_deallocate(mach_task_self(), self_host);
	mach_port_deallocate(mach_task_self(), port);
}

static void
print_receive_status(task_t task, mach_port_t name)
{
	struct mach_port_status st;

	if (mach_port_get_receive_status(task, name, &st) != KERN_SUCCESS)
		return;
	printf(" (");
	if (st.mps_pset != MACH_PORT_NULL) {
		printf("port-set: ");
		print_name(st.mps_pset);
		printf(", ");
	}
	printf("seqno: %u", st.mps_seqno);
	if (st.mps_mscount)
		printf(", ms-count: %u", st.mps_mscount);
	if (st.mps_qlimit != MACH_PORT_QLIMIT_DEFAULT)
		printf(", qlimit: %u", st.mps_qlimit);
	if (st.mps_msgcount)
		printf(", msgs: %u", st.mps_msgcount);
	printf("%s%s%s)", st.mps_srights ? ", send-rights" : "",
	       st.mps_pdrequest ? ", pd-req" : "", st.mps_nsrequest ? ", ns-req" : "");
}

static void
print_members(task_t task, mach_port_t name)
{
	mach_port_t *members = NULL;
	mach_msg_type_number_t n = 0;

	if (mach_port_get_set_status(task, name, &members, &n) != KERN_SUCCESS)
		return;
	if (n == 0)
		printf(" (empty)");
	for (mach_msg_type_number_t i = 0; i < n; i++) {
		printf(i == 0 ? " (" : ", ");
		print_name(members[i]);
	}
	if (n)
		printf(")");
	vm_deallocate(mach_task_self(), (vm_address_t) members, n * sizeof *members);
}

static void
print_port(task_t task, mach_port_t name, mach_port_type_t type, process_t proc)
{
	static const struct {
		mach_port_type_t bit;
		const char *word;
	} rights[] = {
		{ MACH_PORT_TYPE_RECEIVE, "receive" },
		{ MACH_PORT_TYPE_SEND, "send" },
		{ MACH_PORT_TYPE_SEND_ONCE, "send-once" },
		{ MACH_PORT_TYPE_DEAD_NAME, "dead-name" },
		{ MACH_PORT_TYPE_PORT_SET, "port-set" },
	};
	int first = 1;

	print_name(name);
	printf(": ");
	for (size_t i = 0; i < sizeof rights / sizeof rights[0]; i++)
		if (type & rights[i].bit) {
			printf("%s%s", first ? "" : ", ", rights[i].word);
			first = 0;
		}
	if (show & SHOW_DETAILS) {
		if ((type & MACH_PORT_TYPE_SEND) && !(type & MACH_PORT_TYPE_RECEIVE))
			print_kernel_object(task, name, proc);
		if (type & MACH_PORT_TYPE_RECEIVE)
			print_receive_status(task, name);
		if (type & MACH_PORT_TYPE_SEND)
			print_refs(task, name, MACH_PORT_RIGHT_SEND);
		if (type & MACH_PORT_TYPE_DEAD_NAME)
			print_refs(task, name, MACH_PORT_RIGHT_DEAD_NAME);
	}
	if ((type & MACH_PORT_TYPE_PORT_SET) && (show & (SHOW_MEMBERS | SHOW_DETAILS)))
		print_members(task, name);
	putchar('\n');
}

static mach_port_t
parse_name(const char *arg, struct argp_state *state)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 0);

	if (*arg == '\0' || *end != '\0' || n > 0xffffffffUL)
		argp_error(state, "%s: invalid port name", arg);
	return (mach_port_t) n;
}

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	char *end;
	long n;

	switch (key) {
	case 'v': show |= SHOW_DETAILS; break;
	case 'm': show |= SHOW_MEMBERS; break;
	case 'x': show |= SHOW_HEX; break;
	case 'r': only |= MACH_PORT_TYPE_RECEIVE; break;
	case 's': only |= MACH_PORT_TYPE_SEND; break;
	case 'o': only |= MACH_PORT_TYPE_SEND_ONCE; break;
	case 'd': only |= MACH_PORT_TYPE_DEAD_NAME; break;
	case 'p': only |= MACH_PORT_TYPE_PORT_SET; break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0) {
			n = strtol(arg, &end, 10);
			if (*arg == '\0' || *end != '\0' || n < 0 || n > 0x7fffffff)
				argp_error(state, "%s: invalid process id", arg);
			pid = (pid_t) n;
		} else {
			wanted[nwanted++] = parse_name(arg, state);
		}
		break;
	case ARGP_KEY_NO_ARGS:
		argp_usage(state);	/* exits */
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_option options[] = {
	{ "verbose", 'v', 0, 0, "Give more detailed information", 1 },
	{ "members", 'm', 0, 0, "Show members of port-sets", 1 },
	{ "hex-names", 'x', 0, 0, "Show port names in hexadecimal", 1 },
	{ 0, 0, 0, 0, "Selecting which names to show:", 2 },
	{ "receive", 'r', 0, 0, "Show ports with receive rights", 2 },
	{ "send", 's', 0, 0, "Show ports with send rights", 2 },
	{ "send-once", 'o', 0, 0, "Show ports with send once rights", 2 },
	{ "dead-names", 'd', 0, 0, "Show dead names", 2 },
	{ "port-sets", 'p', 0, 0, "Show port sets", 2 },
	{ 0 }
};

static const struct argp argp = {
	options, parse_opt, "PID [NAME...]",
	"Show information about mach ports NAME... (default all ports) in process PID."
	"\vNAMEs may be given in hexadecimal or octal with a 0x or 0 prefix.", 0, 0, 0
};

/* A name and its type, to sort by name.  */
struct named {
	mach_port_name_t name;
	mach_port_type_t type;
};

static int
compare_named(const void *a, const void *b)
{
	mach_port_name_t x = ((const struct named *) a)->name, y = ((const struct named *) b)->name;
	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	process_t proc;
	task_t task = MACH_PORT_NULL;
	mach_port_t *names = NULL;
	mach_port_type_t *types = NULL;
	mach_msg_type_number_t nnames = 0, ntypes = 0;
	error_t err;
	int status = 0;

	wanted = calloc((size_t) argc + 1, sizeof *wanted);
	if (!wanted)
		error(1, ENOMEM, "portinfo");
	argp_parse(&argp, argc, argv, 0, 0, 0);

	proc = getproc();
	if (proc == MACH_PORT_NULL)
		error(11, 0, "cannot reach the proc server: %s", hurd_strerror(errno));
	err = proc_pid2task(proc, pid, &task);
	if (err)
		error(11, 0, "%d: %s", (int) pid, hurd_strerror(err));
	if (!MACH_PORT_VALID(task))
		error(11, 0, "%d: process %d is dead and has no task", (int) pid, (int) pid);

	if (nwanted) {
		for (int i = 0; i < nwanted; i++) {
			mach_port_type_t type;

			err = mach_port_type(task, wanted[i], &type);
			if (err) {
				error(0, 0, "%u: %s", wanted[i], hurd_strerror(err));
				status = 12;
			} else if (!only || (type & only)) {
				print_port(task, wanted[i], type, proc);
			}
		}
	} else {
		err = mach_port_names(task, &names, &nnames, &types, &ntypes);
		if (err)
			error(12, 0, "mach_port_names: %s", hurd_strerror(err));
		/* In name order, as GNU Mach's table gives them; machd's hash
		 * table gives them in no order.  */
		mach_msg_type_number_t count = nnames < ntypes ? nnames : ntypes;
		struct named *sorted = calloc(count ? count : 1, sizeof *sorted);
		if (!sorted)
			error(12, ENOMEM, "sorting the names");
		for (mach_msg_type_number_t i = 0; i < count; i++)
			sorted[i] = (struct named) { names[i], types[i] };
		qsort(sorted, count, sizeof *sorted, compare_named);
		for (mach_msg_type_number_t i = 0; i < count; i++)
			if (!only || (sorted[i].type & only))
				print_port(task, sorted[i].name, sorted[i].type, proc);
		free(sorted);
		vm_deallocate(mach_task_self(), (vm_address_t) names, nnames * sizeof *names);
		vm_deallocate(mach_task_self(), (vm_address_t) types, ntypes * sizeof *types);
	}
	mach_port_deallocate(mach_task_self(), task);
	mach_port_deallocate(mach_task_self(), proc);
	free(wanted);
	return status;
}

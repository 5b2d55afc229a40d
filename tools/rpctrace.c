/* rpctrace: show the RPCs a program makes and serves, one line each.
 *
 *   rpctrace [-o FILE] [-n] PROGRAM [ARGS...]
 *   rpctrace [-o FILE] [-n] -p PID
 *
 * The first form runs PROGRAM as a new task that is traced before its
 * process starts (task_create, hell_task_trace, hell_task_exec), so its
 * very first message is seen, and, unless -n, the tasks it makes are
 * traced too.  rpctrace ends when PROGRAM does, with its exit status.  The
 * second attaches to the running task of Linux process PID, found with
 * proc_pid2task as the Hurd's tools find it (or, from a privileged
 * context, such as a program the boot task starts, with hell_host_tasks),
 * and ends when the task does or on SIGINT or SIGTERM.
 *
 * machd sends a record (<hell/trace.h>) for each message a traced task
 * sends or receives; routines are named from a table made at build time
 * from GNU Mach's, the Hurd's and HELL's .defs (rpctrace_msgids.py).  A
 * request and its reply make one line when nothing comes between them:
 *
 *   1234  task(1234)->mach_port_allocate (48 bytes) = 0
 *   1234  5(pid 1230)->io_write (96 bytes) ...
 *   1235  <- io_read (64 bytes) from pid 1234
 *   1235  -> reply io_read = 0
 *   1234  ... io_write = 0
 *
 * A destination is task(PID), thread(PID), host, host_priv, or the traced
 * task's name for a port, with the pid of the task that receives on it.
 */
#include <hell/hell.h>
#include <hurd.h>
#include <hell/trace.h>
#include <mach/mach_error.h>
#include <mach/notify.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct rpctrace_msgid {
	int id;
	const char *interface;
	const char *routine;
	int simple;	/* no reply */
};
#include "rpctrace_msgids.h"

#define MSGID_COUNT (sizeof rpctrace_msgids / sizeof rpctrace_msgids[0])

static FILE *out;

/* The routine with request id ID, or NULL. */
static const struct rpctrace_msgid *
routine_of(int id)
{
	size_t lo = 0, hi = MSGID_COUNT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rpctrace_msgids[mid].id == id)
			return &rpctrace_msgids[mid];
		if (rpctrace_msgids[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* What a message with id ID is: a routine's request, or its reply. */
struct kind {
	const struct rpctrace_msgid *routine;
	bool reply;
};

static struct kind
kind_of(int id)
{
	struct kind k = { routine_of(id), false };

	if (!k.routine && id >= 100) {
		k.routine = routine_of(id - 100);
		k.reply = k.routine && !k.routine->simple;
		if (!k.reply)
			k.routine = NULL;
	}
	return k;
}

static const char *
name_of(const struct kind *k, int id, char *buf, size_t len)
{
	if (k->routine)
		return k->routine->routine;
	snprintf(buf, len, "msgid %d", id);
	return buf;
}

static void
print_port(const struct hell_trace_record *r, const struct hell_trace_port *p)
{
	switch (p->kind) {
	case HELL_TRACE_PORT_TASK:
		fprintf(out, "task(%d)", p->pid);
		break;
	case HELL_TRACE_PORT_THREAD:
		fprintf(out, "thread(%d)", p->pid);
		break;
	case HELL_TRACE_PORT_HOST:
		fputs("host", out);
		break;
	case HELL_TRACE_PORT_HOST_PRIV:
		fputs("host_priv", out);
		break;
	case HELL_TRACE_PORT_DEAD:
		fputs("(dead)", out);
		break;
	case HELL_TRACE_PORT_NONE:
		fputs("(null)", out);
		break;
	default:
		fprintf(out, "%u", p->name);
		if (p->pid > 0 && p->pid != r->task_pid)
			fprintf(out, "(pid %d)", p->pid);
		else if (p->pid == 0)
			fputs("(in transit)", out);
		break;
	}
}

static void
print_retcode(const struct hell_trace_record *r)
{
	if (!(r->flags & HELL_TRACE_HAS_RETCODE))
		fputs(" = ?", out);
	else if (r->retcode == 0)
		fputs(" = 0", out);
	else
		fprintf(out, " = %#x (%s)", (unsigned) r->retcode, mach_error_string(r->retcode));
}

/* A request printed without its reply yet: the line stays open while the
 * next record is its reply. */
static uint64_t open_reply_id;		/* the reply port it waits on, or 0 */
static uint64_t open_task_id;

static void
close_open_line(void)
{
	if (open_reply_id) {
		fputs(" ...\n", out);
		open_reply_id = 0;
	}
}

static void
print_record(const struct hell_trace_record *r)
{
	struct kind k = kind_of(r->msgh_id);
	char buf[32];
	const char *name = name_of(&k, r->msgh_id, buf, sizeof buf);

	if (r->dropped) {
		close_open_line();
		fprintf(out, "rpctrace: %u messages not shown (the trace queue was full)\n",
			r->dropped);
	}
	if (r->direction == HELL_TRACE_RECEIVE && k.reply) {
		/* The reply to a request of the traced task. */
		if (open_reply_id && open_reply_id == r->dest.id && open_task_id == r->task_id) {
			open_reply_id = 0;
		} else {
			close_open_line();
			fprintf(out, "%6d  ... %s", r->task_pid, name);
		}
		print_retcode(r);
		fputc('\n', out);
		return;
	}
	close_open_line();
	if (r->direction == HELL_TRACE_SEND && k.reply) {
		/* The traced task, a server, answers. */
		fprintf(out, "%6d  -> reply %s to ", r->task_pid, name);
		print_port(r, &r->dest);
		print_retcode(r);
		fputc('\n', out);
		return;
	}
	if (r->direction == HELL_TRACE_RECEIVE) {
		/* A request (or a notification) the traced task receives. */
		fprintf(out, "%6d  <- %s (%u bytes) from ", r->task_pid, name, r->size);
		if (r->peer_pid > 0)
			fprintf(out, "pid %d", r->peer_pid);
		else
			fputs("machd", out);
		fputc('\n', out);
		return;
	}
	fprintf(out, "%6d  ", r->task_pid);
	print_port(r, &r->dest);
	fprintf(out, "->%s (%u bytes)", name, r->size);
	if (k.routine && !k.routine->simple && r->reply.kind != HELL_TRACE_PORT_NONE) {
		open_reply_id = r->reply.id;
		open_task_id = r->task_id;
		return;
	}
	fputc('\n', out);
}

static void
flush_open(void)
{
	close_open_line();
	fflush(out);
}

/* Records from the trace port in SET until the task dies (its dead-name
 * notification on NOTIFY, in SET too) or STOP is set; then those already
 * queued. */
static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	stop = 1;
}

static void
trace_loop(mach_port_t set, mach_port_t notify)
{
	union {
		mach_msg_header_t head;
		struct hell_trace_msg rec;
		mach_dead_name_notification_t dead;
		char buf[1024];
	} m;
	bool ended = false;

	for (;;) {
		mach_msg_return_t mr = mach_msg(&m.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT |
						MACH_RCV_INTERRUPT, 0, sizeof m,
						set, ended ? 0 : 200, MACH_PORT_NULL);

		if (mr == MACH_RCV_TIMED_OUT || mr == MACH_RCV_INTERRUPTED) {
			if (ended || stop)
				break;
			continue;
		}
		if (mr != MACH_MSG_SUCCESS) {
			fprintf(stderr, "rpctrace: mach_msg: %s\n", mach_error_string(mr));
			break;
		}
		if (m.head.msgh_local_port == notify) {
			/* The task is gone: show what it left queued. */
			mach_msg_destroy(&m.head);
			ended = true;
			continue;
		}
		if (m.head.msgh_id == HELL_TRACE_MSGH_ID &&
		    m.head.msgh_size == sizeof m.rec && m.rec.rec.version == HELL_TRACE_VERSION)
			print_record(&m.rec.rec);
		else
			mach_msg_destroy(&m.head);
	}
	flush_open();
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: rpctrace [-o FILE] [-n] PROGRAM [ARGS...]\n"
		"       rpctrace [-o FILE] [-n] -p PID\n"
		"\n"
		"Show the RPCs of PROGRAM (run as a new task, traced from its first\n"
		"message) or of the running task of process PID, one line each.\n"
		"\n"
		"  -o FILE  write the trace to FILE (default: standard error)\n"
		"  -n       do not trace the tasks it makes\n"
		"  -p PID   attach to the task of Linux process PID (as the proc\n"
		"           server allows: a process of the same user)\n");
}

static void __attribute__((noreturn))
die(const char *what, kern_return_t kr)
{
	fprintf(stderr, "rpctrace: %s: %s\n", what, mach_error_string(kr));
	exit(2);
}

/* The task of process PID: from the proc server, as the Hurd's tools get
 * it (proc_pid2task, which checks that our ids may have it); else, in a
 * privileged context (a task the boot task started), from machd's list
 * of tasks through the privileged host port.  */
static task_t
task_of_pid(pid_t pid)
{
	mach_port_t priv = MACH_PORT_NULL, *tasks = NULL;
	mach_msg_type_number_t n = 0;
	task_t found = pid2task(pid);
	kern_return_t kr;
	int proc_errno = errno;

	if (MACH_PORT_VALID(found))
		return found;
	if (task_get_bootstrap_port(mach_task_self(), &priv) != KERN_SUCCESS || !MACH_PORT_VALID(priv)) {
		fprintf(stderr, "rpctrace: the task of pid %d: %s\n", (int) pid, strerror(proc_errno));
		exit(2);
	}
	kr = hell_host_tasks(priv, &tasks, &n);
	mach_port_deallocate(mach_task_self(), priv);
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "rpctrace: the task of pid %d: %s\n", (int) pid, strerror(proc_errno));
		exit(2);
	}
	for (mach_msg_type_number_t i = 0; i < n; i++) {
		int tpid = 0;

		if (!MACH_PORT_VALID(found) && hell_task_pid(tasks[i], &tpid) == KERN_SUCCESS &&
		    tpid == pid)
			found = tasks[i];
		else
			mach_port_deallocate(mach_task_self(), tasks[i]);
	}
	vm_deallocate(mach_task_self(), (vm_address_t) tasks, n * sizeof *tasks);
	if (!MACH_PORT_VALID(found)) {
		fprintf(stderr, "rpctrace: no task has pid %d\n", (int) pid);
		exit(2);
	}
	return found;
}

int
main(int argc, char **argv)
{
	mach_port_t self = mach_task_self(), trace, notify, set, prev;
	task_t task;
	int flags = HELL_TRACE_CHILDREN, c, status = 0;
	pid_t pid = 0, attach = 0;
	const char *file = NULL;
	kern_return_t kr;

	while ((c = getopt(argc, argv, "+o:np:h")) != -1) {
		switch (c) {
		case 'o': file = optarg; break;
		case 'n': flags = 0; break;
		case 'p': attach = (pid_t) atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if ((attach <= 0) == (optind >= argc)) {
		usage(stderr);
		return 2;
	}
	out = stderr;
	if (file) {
		out = fopen(file, "we");
		if (!out) {
			fprintf(stderr, "rpctrace: %s: %s\n", file, strerror(errno));
			return 2;
		}
	}

	if ((kr = mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &trace)) != KERN_SUCCESS ||
	    (kr = mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &notify)) != KERN_SUCCESS ||
	    (kr = mach_port_allocate(self, MACH_PORT_RIGHT_PORT_SET, &set)) != KERN_SUCCESS ||
	    (kr = mach_port_move_member(self, trace, set)) != KERN_SUCCESS ||
	    (kr = mach_port_move_member(self, notify, set)) != KERN_SUCCESS)
		die("ports", kr);

	if (attach > 0) {
		task = task_of_pid(attach);
	} else {
		kr = task_create(self, FALSE, &task);
		if (kr != KERN_SUCCESS)
			die("task_create", kr);
	}
	kr = mach_port_request_notification(self, task, MACH_NOTIFY_DEAD_NAME, 0, notify,
					    MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev);
	if (kr != KERN_SUCCESS)
		die("the task's end", kr);
	kr = hell_task_trace(task, trace, flags);
	if (kr != KERN_SUCCESS)
		die("hell_task_trace", kr);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!attach) {
		kr = hell_task_exec(task, argv[optind], -1, argv + optind, NULL, NULL, &pid);
		if (kr != KERN_SUCCESS) {
			fprintf(stderr, "rpctrace: cannot run %s: %s\n", argv[optind],
				kr == KERN_FAILURE ? strerror(errno) : mach_error_string(kr));
			return 127;
		}
		/* The program has the terminal's signals; we wait for its end. */
		signal(SIGINT, SIG_IGN);
	}

	trace_loop(set, notify);

	if (attach) {
		/* Still alive (a signal): stop tracing it. */
		(void) hell_task_trace(task, MACH_PORT_NULL, 0);
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (out != stderr)
		fclose(out);
	if (attach)
		return 0;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

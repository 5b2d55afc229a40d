/* Requests on a channel: HELLO, the traps, and HELL's own calls (fork and
 * spawn bookkeeping, statistics).  Every argument is the task's word: names
 * are looked up in the caller's own space, tokens must belong to the
 * caller, pids must be the caller's children. */
#include "traps.h"
#include "task.h"
#include "thread.h"
#include "host.h"
#include "kobject.h"
#include "../ipc/kmsg.h"
#include "../ipc/mach_msg.h"
#include "../ipc/port.h"
#include "../ipc/pset.h"
#include "../ipc/right.h"
#include "../ipc/space.h"
#include "../linux/chan.h"
#include "../linux/sys.h"
#include "../util/alloc.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>


static void
reply_vals(struct thread *t, kern_return_t kr, uint64_t v0, uint64_t v1)
{
	struct hell_rep rep = { .kr = kr, .val = { v0, v1 } };

	chan_reply(t->chan, &rep, NULL, NULL);
}

/* A new send right, made from the receive right machd holds, into SPACE. */
static mach_port_name_t
make_send(struct ipc_space *space, struct ipc_port *port)
{
	mach_port_name_t name = MACH_PORT_NULL;

	ipc_right_copyout(space, &ipc_port_make_send(port)->obj, MACH_MSG_TYPE_PORT_SEND, &name);
	return name;
}

/* Take a copy of the send right NAME in SPACE (NULL for MACH_PORT_NULL). */
static kern_return_t
copy_send(struct ipc_space *space, mach_port_name_t name, struct ipc_port **port)
{
	struct ipc_object *obj = NULL;
	kern_return_t kr;

	*port = NULL;
	if (name == MACH_PORT_NULL)
		return KERN_SUCCESS;
	kr = ipc_right_copyin(space, name, MACH_MSG_TYPE_COPY_SEND, false, &obj);
	if (kr == KERN_SUCCESS)
		*port = (struct ipc_port *) obj;
	return kr;
}

/* How far up its ancestors machd looks for the task a new process comes
 * from (a few shells deep). */
#define ANCESTOR_DEPTH 16

/* A process with an ancestor's token (HELLO arg3): the token was made for
 * a process that the token's owner started, of which this one descends
 * through programs without libmach (a shell).  If that process is not
 * bound yet (its SPAWN_BIND is still on its way), bind it now, so that
 * this process, its descendant, becomes the child of the right task. */
static void
hello_bind_ancestor(struct chan *chan, uint64_t token)
{
	struct task *task = task_lookup_token(token);
	pid_t p, pp;

	if (!task || task->fork_child || !task->token_owner)
		return;
	p = linux_proc_ppid(chan->pid);
	for (int depth = 0; p > 1 && depth < ANCESTOR_DEPTH; depth++, p = pp) {
		pp = linux_proc_ppid(p);
		if (pp == task->token_owner->pid) {
			if (!task_lookup_pid(p))
				(void) task_bind(task, p);
			return;
		}
	}
}

/* The task a process that says HELLO without a token (or with none that
 * is still good) belongs to: its own if it has one (another thread, a
 * process bound by SPAWN_BIND or --boot), else a new one.  A process that
 * a task's process started (with posix_spawn, system, through a shell ...)
 * is the child of the nearest such task among its ancestors, with its
 * ports as after task_create; one on its own (started by hell run) gets
 * the host's default registered ports and nothing else. */
static struct task *
hello_task_of_process(struct chan *chan)
{
	struct task *task = task_lookup_pid(chan->pid), *parent = NULL;
	pid_t p = linux_proc_ppid(chan->pid);

	if (task && !task->dead)
		return task;
	for (int depth = 0; p > 1 && depth < ANCESTOR_DEPTH; depth++, p = linux_proc_ppid(p)) {
		parent = task_lookup_pid(p);
		if (parent && !parent->dead)
			break;
		parent = NULL;
	}
	task = task_new(parent);
	if (!parent)
		task_set_default_registered(task);
	if (!task_bind(task, chan->pid)) {
		task_terminate(task);
		return NULL;
	}
	return task;
}

static bool
hello(struct chan *chan, struct chan_request *r)
{
	uint64_t token = r->hdr.arg[1];
	struct task *task = NULL;
	struct thread *thread;

	if (r->hdr.arg[0] != HELL_CHAN_VERSION) {
		fprintf(stderr, "machd: pid %d speaks channel protocol %llu, not %d: "
			"rebuild it against this HELL\n", (int) chan->pid,
			(unsigned long long) r->hdr.arg[0], HELL_CHAN_VERSION);
		return false;
	}
	if (token) {
		/* libmach presents a token only in a child of the process
		 * that got it. */
		task = task_lookup_token(token);
		if (task) {
			if (!task->token_owner ||
			    task->token_owner->pid != linux_proc_ppid(chan->pid) ||
			    !task_bind(task, chan->pid))
				return false;
		} else {
			/* Bound already by SPAWN_BIND; or its task is gone
			 * (the fork's parent died first, the spawn failed). */
			task = task_lookup_pid(chan->pid);
			if (!task || task->dead)
				return false;
		}
	} else {
		if (r->hdr.arg[3])
			hello_bind_ancestor(chan, r->hdr.arg[3]);
		task = hello_task_of_process(chan);
		if (!task)
			return false;
	}
	thread = thread_create(task, chan);
	chan->thread = thread;
	/* The task's word: kept only if it is a thread of the process. */
	if (linux_thread_of(chan->pid, (pid_t) r->hdr.arg[2]))
		thread->tid = (pid_t) r->hdr.arg[2];
	if (task->fork_thread_name) {
		/* The fork child's first thread takes the name the forking
		 * thread's port had in the parent. */
		ipc_right_copyout_name(task->space, &ipc_port_make_send(thread->port)->obj,
				       MACH_MSG_TYPE_PORT_SEND, task->fork_thread_name);
		task->fork_thread_name = MACH_PORT_NULL;
	}
	reply_vals(thread, KERN_SUCCESS, task->pid, (uint64_t) (int64_t) machd_cpu);
	return true;
}

/* The embryo that the send right NAME in SPACE denotes, or NULL. */
static struct task *
embryo_named(struct ipc_space *space, mach_port_name_t name)
{
	struct ipc_port *port;
	struct task *task;

	if (copy_send(space, name, &port) != KERN_SUCCESS || !IPC_PORT_VALID(port))
		return NULL;
	task = task_from_port(port);
	ipc_port_release_send(port);
	return task && task_is_embryo(task) ? task : NULL;
}

static void
stats(struct thread *t)
{
	struct hell_machd_stats s = {
		.ports = ipc_counts.ports,
		.port_sets = ipc_counts.psets,
		.entries = ipc_counts.entries,
		.messages = ipc_counts.kmsgs,
		.message_bytes = ipc_counts.kmsg_bytes,
		.ool_fds = ipc_counts.ool_fds,
		.tasks = task_count,
		.threads = thread_count,
		.heap_bytes = machd_heap_bytes(),
		.kernel_ports = ipc_space_size(ipc_space_kernel),
	};
	struct hell_rep rep = { .kr = KERN_SUCCESS, .msg_size = sizeof s };

	chan_reply(t->chan, &rep, &s, NULL);
}

bool
machd_request(struct chan *chan, struct chan_request *r)
{
	struct thread *t = chan->thread;
	struct ipc_space *space;
	struct task *target;
	mach_port_name_t name = MACH_PORT_NULL;
	kern_return_t kr;

	if (!t)
		return r->hdr.op == HELL_OP_HELLO && hello(chan, r);
	if (r->hdr.op == HELL_OP_CANCEL) {
		thread_interrupt(t);
		return true;
	}
	if (t->in_trap || t->wait != TW_NONE || t->resume_pending)
		return false;	/* a second request while one is pending */
	space = t->task->space;

	switch (r->hdr.op) {
	case HELL_OP_MACH_MSG:
		ipc_mach_msg_trap(t, r);
		return true;
	case HELL_OP_REPLY_PORT: {
		struct ipc_port *port;

		if (ipc_space_size(space) >= IPC_SPACE_MAX_NAMES) {
			reply_vals(t, KERN_SUCCESS, MACH_PORT_NULL, 0);
			return true;
		}
		port = ipc_port_alloc();
		ipc_port_reference(port);
		ipc_right_copyout(space, &port->obj, MACH_MSG_TYPE_PORT_RECEIVE, &name);
		reply_vals(t, KERN_SUCCESS, name, 0);
		return true;
	}
	case HELL_OP_TASK_SELF: {
		struct ipc_port *kport = task_kernel_port_right(t->task);

		if (kport)
			ipc_right_copyout(space, &kport->obj, MACH_MSG_TYPE_PORT_SEND, &name);
		reply_vals(t, KERN_SUCCESS, name, 0);
		return true;
	}
	case HELL_OP_THREAD_SELF:
		reply_vals(t, KERN_SUCCESS, make_send(space, t->port), 0);
		return true;
	case HELL_OP_HOST_SELF:
		reply_vals(t, KERN_SUCCESS, make_send(space, host_port), 0);
		return true;

	case HELL_OP_FORK_PREPARE: {
		struct task *child = task_new(t->task);
		struct ipc_entry *te = ipc_entry_reverse(space, t->port);

		child->fork_child = true;
		task_set_token(child, t->task);
		task_copy_send_rights(child, t->task, t->port, NULL);
		child->fork_thread_name = te && (te->type & MACH_PORT_TYPE_SEND) ? te->name : 0;
		reply_vals(t, KERN_SUCCESS, child->token, 0);
		return true;
	}
	case HELL_OP_FORK_ABORT:
	case HELL_OP_EXEC_ABORT:
	case HELL_OP_SPAWN_BIND:
		target = task_lookup_token(r->hdr.arg[0]);
		if (!target || target->token_owner != t->task ||
		    (r->hdr.op == HELL_OP_FORK_ABORT) != target->fork_child) {
			reply_vals(t, KERN_INVALID_ARGUMENT, 0, 0);
			return true;
		}
		if (r->hdr.op == HELL_OP_FORK_ABORT) {
			task_terminate(target);
			kr = KERN_SUCCESS;
		} else if (r->hdr.op == HELL_OP_EXEC_ABORT) {
			task_clear_token(target);	/* still an embryo */
			kr = KERN_SUCCESS;
		} else if (linux_proc_ppid((pid_t) r->hdr.arg[1]) != t->task->pid) {
			kr = KERN_INVALID_ARGUMENT;	/* not the caller's child */
		} else {
			kr = task_bind(target, (pid_t) r->hdr.arg[1]) ? KERN_SUCCESS : KERN_INVALID_ARGUMENT;
		}
		reply_vals(t, kr, 0, 0);
		return true;

	case HELL_OP_EXEC_PREPARE:
		/* A process is about to be started for the embryo. */
		target = embryo_named(space, (mach_port_name_t) r->hdr.arg[0]);
		if (!target || target->token) {
			reply_vals(t, KERN_INVALID_ARGUMENT, 0, 0);
			return true;
		}
		task_set_token(target, t->task);
		reply_vals(t, KERN_SUCCESS, target->token, 0);
		return true;

	case HELL_OP_SPAWN_PREPARE: {
		struct ipc_port *ports[3];
		struct task *child;

		for (int i = 0; i < 3; i++) {
			kr = copy_send(space, (mach_port_name_t) r->hdr.arg[i], &ports[i]);
			if (kr != KERN_SUCCESS) {
				while (i-- > 0)
					ipc_port_release_send(ports[i]);
				reply_vals(t, KERN_INVALID_CAPABILITY, 0, 0);
				return true;
			}
		}
		/* task_create from the caller, its special ports then set as
		 * given, and a token for the process: in one trap. */
		child = task_new(t->task);
		ipc_port_release_send(child->bootstrap);
		ipc_port_release_send(child->exception);
		child->bootstrap = ports[0];
		child->exception = ports[1];
		if (ports[2])
			task_kernel_port_replace(child, ports[2]);
		task_set_token(child, t->task);
		task_watch_senders(child);
		reply_vals(t, KERN_SUCCESS, child->token, make_send(space, child->self));
		return true;
	}
	case HELL_OP_STATS:
		stats(t);
		return true;
	default:
		return false;
	}
}

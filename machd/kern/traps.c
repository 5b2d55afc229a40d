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

/* A copy of the send right PORT (kernel form) into SPACE; its name. */
static mach_port_name_t
give_send(struct ipc_space *space, struct ipc_port *port)
{
	mach_port_name_t name = MACH_PORT_NULL;

	if (port)
		ipc_right_copyout(space, &ipc_port_copy_send(port)->obj, MACH_MSG_TYPE_PORT_SEND, &name);
	return name;
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
		task = task_lookup_token(token);
		if (task) {
			/* Only a child of the task that made the token. */
			if (!task->parent || task->parent->pid != linux_proc_ppid(chan->pid))
				return false;
			if (!task_bind(task, chan->pid))
				return false;
		} else {
			/* Bound already by SPAWN_BIND, or a stale token. */
			task = task_lookup_pid(chan->pid);
			if (!task)
				return false;
		}
	} else {
		task = task_lookup_pid(chan->pid);
		if (task && task->dead)
			task = NULL;
		if (!task) {
			/* A process on its own: the host's default
			 * registered ports (the Hurd's exec startup port). */
			task = task_create();
			task_set_default_registered(task);
			if (!task_bind(task, chan->pid)) {
				task_terminate(task);
				return false;
			}
		}
	}
	thread = thread_create(task, chan);
	chan->thread = thread;
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
	case HELL_OP_TASK_SELF:
		reply_vals(t, KERN_SUCCESS, give_send(space, t->task->kernel_port), 0);
		return true;
	case HELL_OP_THREAD_SELF:
		reply_vals(t, KERN_SUCCESS, make_send(space, t->port), 0);
		return true;
	case HELL_OP_HOST_SELF:
		reply_vals(t, KERN_SUCCESS, make_send(space, host_port), 0);
		return true;

	case HELL_OP_FORK_PREPARE: {
		struct task *child = task_create();
		struct ipc_entry *te = ipc_entry_reverse(space, t->port);

		task_set_token(child, t->task);
		task_copy_send_rights(child, t->task, t->port, NULL);
		child->fork_thread_name = te && (te->type & MACH_PORT_TYPE_SEND) ? te->name : 0;
		reply_vals(t, KERN_SUCCESS, child->token, 0);
		return true;
	}
	case HELL_OP_FORK_ABORT:
	case HELL_OP_SPAWN_BIND:
		target = task_lookup_token(r->hdr.arg[0]);
		if (!target || target->parent != t->task) {
			reply_vals(t, KERN_INVALID_ARGUMENT, 0, 0);
			return true;
		}
		if (r->hdr.op == HELL_OP_FORK_ABORT) {
			task_terminate(target);
			kr = KERN_SUCCESS;
		} else if (linux_proc_ppid((pid_t) r->hdr.arg[1]) != t->task->pid) {
			kr = KERN_INVALID_ARGUMENT;	/* not the caller's child */
		} else {
			kr = task_bind(target, (pid_t) r->hdr.arg[1]) ? KERN_SUCCESS : KERN_INVALID_ARGUMENT;
		}
		reply_vals(t, kr, 0, 0);
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
		child = task_create();
		task_set_token(child, t->task);
		/* Registered ports are inherited, as task_create's are. */
		for (int i = 0; i < TASK_REGISTERED_MAX; i++)
			child->registered[i] = ipc_port_copy_send(t->task->registered[i]);
		child->bootstrap = ports[0];
		child->exception = ports[1];
		if (ports[2]) {
			ipc_port_release_send(child->kernel_port);
			child->kernel_port = ports[2];
		}
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

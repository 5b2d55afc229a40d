/* Tasks: a Linux process and its IPC space.  See task.c. */
#ifndef MACHD_KERN_TASK_H
#define MACHD_KERN_TASK_H

#include "../ipc/ipc.h"
#include <sys/types.h>
#include <mach/task_special_ports.h>
#include <mach/mach_param.h>
#include <mach/time_value.h>

#define TASK_REGISTERED_MAX TASK_PORT_REGISTER_MAX	/* 4, <mach/mach_param.h> */

struct task {
	pid_t pid;			/* its process, 0 while it has none */
	int pidfd;			/* -1 while it has no process */
	struct ipc_space *space;
	struct ipc_port *self;		/* the task port (kernel object) */
	/* Special ports (send rights, or NULL): what task_get_special_port
	 * returns.  kernel_port is what mach_task_self gives; while it is
	 * self (the default), the task holds no send right for it, so that
	 * the task's port counts only the senders outside the task, and a
	 * task with no process ends when the last of them goes. */
	struct ipc_port *kernel_port;
	struct ipc_port *bootstrap;
	struct ipc_port *exception;
	struct ipc_port *registered[TASK_REGISTERED_MAX];
	struct list threads;

	/* A task without a process is tied to one by a token: a child
	 * process of token_owner's process presents it on its first HELLO,
	 * or token_owner names the child's pid (SPAWN_BIND). */
	uint64_t token;			/* 0: no process is expected */
	struct task *token_owner;	/* while token != 0 */
	bool fork_child;		/* made by FORK_PREPARE: dies with its
					   token_owner if still without process */
	mach_port_name_t fork_thread_name; /* fork child: name for its first thread */
	struct task *creator;		/* the task that made it, while it lives:
					   the parent in mach_notify_new_task */

	time_value64_t created;		/* when task_new made it (wall clock) */
	/* Its tracer (hell_task_trace): a send right, or NULL. */
	struct ipc_port *trace_port;
	uint32_t trace_flags;		/* HELL_TRACE_CHILDREN */
	uint32_t trace_dropped;		/* records dropped since the last sent */
	/* Messages its threads sent and received (task_info). */
	uint64_t messages_sent, messages_received;

	struct list all_link;
	bool dead;
	char name[32];			/* for diagnostics: comm of the process */
};

/* A new task with no process.  With PARENT, it inherits PARENT's
 * bootstrap, exception and registered ports, as GNU Mach's task_create
 * does, and PARENT is its creator; without, it has none of them. */
struct task *task_new(struct task *parent);
/* Tie TASK to process PID (opening a pidfd); false if the process is gone. */
bool task_bind(struct task *task, pid_t pid);
struct task *task_lookup_pid(pid_t pid);
struct task *task_lookup_token(uint64_t token);
/* Make CHILD a copy of PARENT's send rights under the same names, as the
 * Hurd's fork does; PARENT's own task and thread ports map to CHILD's. */
void task_copy_send_rights(struct task *child, struct task *parent,
			   struct ipc_port *parent_thread, struct ipc_port *child_thread);
/* The process died, or task_terminate: destroy the space (notifications
 * follow), the threads, the task port.  The memory is freed after the
 * current event-loop batch (machd_defer_free), so an event still queued
 * for the task sees task->dead. */
void task_terminate(struct task *task);
/* Give TASK (made for a process that connects on its own) the host's
 * default registered ports (hell_host_set_init_ports). */
void task_set_default_registered(struct task *task);
/* Give TASK, which has no process, a fresh token that OWNER's children may
 * present. */
void task_set_token(struct task *task, struct task *owner);
/* Forget TASK's token (the start of its process failed). */
void task_clear_token(struct task *task);

/* A task with no process yet that is not a fork child: made by
 * task_create or hell_task_spawn, waiting for hell_task_exec. */
static inline bool
task_is_embryo(const struct task *task)
{
	return !task->dead && task->pid == 0 && !task->fork_child;
}
/* Make an embryo end when no send right to its port is left outside it
 * (a no-senders request of machd's own on the task port). */
void task_watch_senders(struct task *task);
/* The no-senders request on TASK's port fired: end TASK if it is still an
 * embryo and still has no sender, else watch again. */
void task_no_senders(struct task *task);

/* task_notify.c: send mach_notify_new_task for TASK, which has just got
 * its process, to the registered port, if any. */
void task_notify_new(struct task *task);
/* Drop the registered port (at shutdown, before the leak check). */
void task_notify_shutdown(void);

/* A new send right (kernel form) to what mach_task_self gives, or NULL. */
struct ipc_port *task_kernel_port_right(struct task *task);
/* Set what mach_task_self gives: PORT is a send right (consumed) or NULL. */
void task_kernel_port_replace(struct task *task, struct ipc_port *port);

/* Convert a task port (kernel form) to the task, or NULL. */
struct task *task_from_port(struct ipc_port *port);

extern uint64_t task_count;
extern struct list task_all;

#endif

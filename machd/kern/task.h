/* Tasks: a Linux process and its IPC space.  See task.c. */
#ifndef MACHD_KERN_TASK_H
#define MACHD_KERN_TASK_H

#include "../ipc/ipc.h"
#include <sys/types.h>
#include <mach/task_special_ports.h>
#include <mach/mach_param.h>

#define TASK_REGISTERED_MAX TASK_PORT_REGISTER_MAX	/* 4, <mach/mach_param.h> */

struct task {
	pid_t pid;			/* 0 until bound to a process */
	int pidfd;			/* -1 until bound */
	struct ipc_space *space;
	struct ipc_port *self;		/* the task port (kernel object) */
	/* Special ports (send rights, or NULL): what task_get_special_port
	 * returns.  kernel is what mach_task_self gives (self by default). */
	struct ipc_port *kernel_port;
	struct ipc_port *bootstrap;
	struct ipc_port *exception;
	struct ipc_port *registered[TASK_REGISTERED_MAX];
	struct list threads;
	uint64_t token;			/* spawn/fork token while unbound, else 0 */
	struct task *parent;		/* spawning/forking task while unbound */
	mach_port_name_t fork_thread_name; /* fork child: name for its first thread */
	struct list all_link;
	bool dead;
	char name[32];			/* for diagnostics: comm of the process */
};

struct task *task_create(void);
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
/* Give an unbound TASK a fresh token, and PARENT (who made it). */
void task_set_token(struct task *task, struct task *parent);

/* Convert a task port (kernel form) to the task, or NULL. */
struct task *task_from_port(struct ipc_port *port);

extern uint64_t task_count;
extern struct list task_all;

#endif

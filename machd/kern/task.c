/* Tasks.
 *
 * A task is a Linux process with an IPC space.  States:
 *   UNBOUND  made by HELL_OP_SPAWN_PREPARE or HELL_OP_FORK_PREPARE, holding a
 *            token; no process yet.  Its parent task's death destroys it.
 *   BOUND    tied to a process (pid, pidfd); threads come and go with their
 *            channels.  An exec keeps the task, as on the Hurd.
 *   DEAD     the process exited or was killed, or task_terminate: the space
 *            is destroyed (with all the notifications that follow), the task
 *            port dies, the threads are gone.  Freed at once.
 * A task is found by pid (task_lookup_pid) or by token.
 */
#include "task.h"
#include "thread.h"
#include "kobject.h"
#include "host.h"
#include "../ipc/port.h"
#include "../ipc/right.h"
#include "../ipc/space.h"
#include "../linux/chan.h"
#include "../linux/sys.h"
#include "../util/alloc.h"
#include "../util/assert.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

uint64_t task_count;
struct list task_all = LIST_INIT(task_all);
static struct hashmap tasks_by_pid;
static struct hashmap tasks_by_token;

/* Event-loop hooks for the pidfd (main.c). */
extern void machd_watch_task(struct task *task);
extern void machd_unwatch_task(struct task *task);
extern void machd_thread_gone(struct thread *thread);
extern void machd_defer_free(void *p);

struct task *
task_create(void)
{
	struct task *task = machd_zalloc(sizeof *task);

	task->pidfd = -1;
	task->space = ipc_space_create(task);
	list_init(&task->threads);
	task->self = kobject_port_alloc(IKOT_TASK, task);
	task->kernel_port = ipc_port_make_send(task->self);
	list_push_back(&task_all, &task->all_link);
	task_count++;
	return task;
}

bool
task_bind(struct task *task, pid_t pid)
{
	int pidfd = linux_pidfd_open(pid);

	if (pidfd < 0)
		return false;
	task->pid = pid;
	task->pidfd = pidfd;
	linux_proc_comm(pid, task->name, sizeof task->name);
	hashmap_put(&tasks_by_pid, (uint64_t) pid, task);
	if (task->token) {
		hashmap_remove(&tasks_by_token, task->token);
		task->token = 0;
	}
	task->parent = NULL;
	machd_watch_task(task);
	return true;
}

struct task *
task_lookup_pid(pid_t pid)
{
	return hashmap_get(&tasks_by_pid, (uint64_t) pid);
}

struct task *
task_lookup_token(uint64_t token)
{
	return token ? hashmap_get(&tasks_by_token, token) : NULL;
}

void
task_set_token(struct task *task, struct task *parent)
{
	do
		task->token = linux_random64();
	while (task->token == 0 || hashmap_get(&tasks_by_token, task->token));
	task->parent = parent;
	hashmap_put(&tasks_by_token, task->token, task);
}

struct task *
task_from_port(struct ipc_port *port)
{
	if (!IPC_PORT_VALID(port) || !port->active || port->kotype != IKOT_TASK)
		return NULL;
	return port->kobject;
}

void
task_copy_send_rights(struct task *child, struct task *parent,
		      struct ipc_port *parent_thread, struct ipc_port *child_thread)
{
	size_t iter = 0;
	uint64_t key;
	void *value;

	while (hashmap_next(&parent->space->names, &iter, &key, &value)) {
		struct ipc_entry *e = value;
		struct ipc_port *port;
		struct ipc_object *copy;

		if (!(e->type & MACH_PORT_TYPE_SEND))
			continue;
		port = (struct ipc_port *) e->object;
		if (!port->active)
			continue;	/* a dead name by now; not copied */
		if (port == parent->self)
			copy = &ipc_port_make_send(child->self)->obj;
		else if (port == parent_thread && child_thread)
			copy = &ipc_port_make_send(child_thread)->obj;
		else if (port == parent_thread)
			continue;
		else
			copy = &ipc_port_copy_send(port)->obj;
		if (ipc_right_copyout_name(child->space, copy, MACH_MSG_TYPE_PORT_SEND,
					   e->name) != KERN_SUCCESS) {
			ipc_port_release_send((struct ipc_port *) copy);
			continue;
		}
		/* Same number of user references as the parent had. */
		{
			struct ipc_entry *ce = ipc_entry_lookup(child->space, e->name);

			if (ce && (ce->type & MACH_PORT_TYPE_SEND))
				ce->urefs = e->urefs;
		}
	}
	/* Special and registered ports are inherited too. */
	ipc_port_release_send(child->bootstrap);
	child->bootstrap = ipc_port_copy_send(parent->bootstrap);
	ipc_port_release_send(child->exception);
	child->exception = ipc_port_copy_send(parent->exception);
	for (int i = 0; i < TASK_REGISTERED_MAX; i++) {
		ipc_port_release_send(child->registered[i]);
		child->registered[i] = ipc_port_copy_send(parent->registered[i]);
	}
}

void
task_set_default_registered(struct task *task)
{
	for (int i = 0; i < TASK_REGISTERED_MAX; i++) {
		ipc_port_release_send(task->registered[i]);
		task->registered[i] = ipc_port_copy_send(host_init_ports[i]);
	}
}

void
task_terminate(struct task *task)
{
	struct list *pos, *tmp;

	if (task->dead)
		return;
	task->dead = true;

	/* Children not yet started die with their parent. */
	list_for_each_safe(pos, tmp, &task_all) {
		struct task *t = list_entry(pos, struct task, all_link);

		if (t->parent == task && t->pid == 0)
			task_terminate(t);
	}

	if (task->pid) {
		hashmap_remove(&tasks_by_pid, (uint64_t) task->pid);
		machd_unwatch_task(task);
	}
	if (task->token)
		hashmap_remove(&tasks_by_token, task->token);

	while (!list_empty(&task->threads)) {
		struct thread *t = list_first_entry(&task->threads, struct thread, task_link);

		machd_thread_gone(t);
	}

	ipc_port_release_send(task->kernel_port);
	ipc_port_release_send(task->bootstrap);
	ipc_port_release_send(task->exception);
	for (int i = 0; i < TASK_REGISTERED_MAX; i++)
		ipc_port_release_send(task->registered[i]);
	task->kernel_port = task->bootstrap = task->exception = NULL;
	memset(task->registered, 0, sizeof task->registered);

	/* The task port dies first, so nothing finds the task while its
	 * space goes away. */
	kobject_port_destroy(task->self);
	task->self = NULL;
	ipc_space_destroy(task->space);
	task->space = NULL;

	if (task->pidfd >= 0)
		close(task->pidfd);
	list_remove(&task->all_link);
	task_count--;
	machd_defer_free(task);
}

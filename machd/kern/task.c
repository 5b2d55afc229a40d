/* Tasks.
 *
 * A task is an IPC space with special and registered ports and, once it
 * has one, a Linux process.  States:
 *   EMBRYO     no process: made by task_create or hell_task_spawn
 *              (SPAWN_PREPARE) with its parent's ports.  It holds rights
 *              like any task; hell_task_exec starts a process for it (a
 *              token, then SPAWN_BIND or the process's HELLO).  It ends
 *              on task_terminate, or when the last send right to its port
 *              outside itself goes (task_watch_senders).
 *   FORK CHILD no process yet: made by FORK_PREPARE with a token for the
 *              fork child to present; its parent's death or FORK_ABORT
 *              ends it.
 *   BOUND      tied to a process (pid, pidfd); threads come and go with
 *              their channels.  An exec keeps the task, as on the Hurd.
 *   DEAD       the process exited or was killed, or task_terminate: the
 *              space is destroyed (with all the notifications that
 *              follow), the task port dies, the threads are gone.  Freed
 *              after the current batch of events.
 * A task is found by pid (task_lookup_pid) or by token.
 *
 * The task holds send rights for its special and registered ports, except
 * for kernel_port while that is the task's own port: the senders of a
 * task's port are then exactly the holders outside the task, which is what
 * ends an embryo that nobody can reach.
 */
#include "task.h"
#include "thread.h"
#include "kobject.h"
#include "host.h"
#include "trace.h"
#include "../ipc/port.h"
#include "../ipc/right.h"
#include "../ipc/space.h"
#include "../linux/chan.h"
#include "../linux/sys.h"
#include "../util/alloc.h"
#include "../util/assert.h"

#include <signal.h>
#include <string.h>
#include <time.h>
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
task_new(struct task *parent)
{
	struct task *task = machd_zalloc(sizeof *task);
	struct timespec now;

	task->pidfd = -1;
	task->space = ipc_space_create(task);
	list_init(&task->threads);
	task->self = kobject_port_alloc(IKOT_TASK, task);
	task->kernel_port = task->self;
	clock_gettime(CLOCK_REALTIME, &now);
	task->created.seconds = now.tv_sec;
	task->created.nanoseconds = now.tv_nsec;
	if (parent) {
		/* GNU Mach's ipc_task_init. */
		task->bootstrap = ipc_port_copy_send(parent->bootstrap);
		task->exception = ipc_port_copy_send(parent->exception);
		for (int i = 0; i < TASK_REGISTERED_MAX; i++)
			task->registered[i] = ipc_port_copy_send(parent->registered[i]);
		task->creator = parent;
		trace_inherit(task, parent);
	}
	list_push_back(&task_all, &task->all_link);
	task_count++;
	return task;
}

struct ipc_port *
task_kernel_port_right(struct task *task)
{
	if (task->kernel_port == task->self)
		return ipc_port_make_send(task->self);
	return ipc_port_copy_send(task->kernel_port);
}

void
task_kernel_port_replace(struct task *task, struct ipc_port *port)
{
	if (task->kernel_port != task->self)
		ipc_port_release_send(task->kernel_port);
	if (port == task->self) {
		/* Its own port again: held without a right (see above). */
		ipc_port_release_send(port);
	}
	task->kernel_port = port;
}

void
task_watch_senders(struct task *task)
{
	struct ipc_port *self = task->self;

	/* A send-once right to the task port itself: the notification comes
	 * back to machd's kernel server (kobject_server), after the event
	 * that dropped the last right, never inside it. */
	if (!self->nsrequest)
		self->nsrequest = ipc_port_make_sonce(self);
}

void
task_no_senders(struct task *task)
{
	if (!task_is_embryo(task))
		return;
	if (task->self->srights == 0)
		task_terminate(task);
	else
		task_watch_senders(task);	/* a new sender came since */
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
	task_clear_token(task);
	task->fork_child = false;
	machd_watch_task(task);
	task_notify_new(task);
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
task_set_token(struct task *task, struct task *owner)
{
	MACHD_ASSERT(task->token == 0 && task->pid == 0);
	do
		task->token = linux_random64();
	while (task->token == 0 || hashmap_get(&tasks_by_token, task->token));
	task->token_owner = owner;
	hashmap_put(&tasks_by_token, task->token, task);
}

void
task_clear_token(struct task *task)
{
	if (task->token)
		hashmap_remove(&tasks_by_token, task->token);
	task->token = 0;
	task->token_owner = NULL;
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

	/* Fork children not yet started die with their parent; a process
	 * the task was starting for an embryo can no longer be tied to it;
	 * and the task is nobody's creator any more. */
	list_for_each_safe(pos, tmp, &task_all) {
		struct task *t = list_entry(pos, struct task, all_link);

		if (t->creator == task)
			t->creator = NULL;
		if (t->token_owner != task)
			continue;
		if (t->fork_child)
			task_terminate(t);
		else
			task_clear_token(t);
	}

	if (task->pid) {
		hashmap_remove(&tasks_by_pid, (uint64_t) task->pid);
		machd_unwatch_task(task);
	}
	task_clear_token(task);
	task->creator = NULL;

	while (!list_empty(&task->threads)) {
		struct thread *t = list_first_entry(&task->threads, struct thread, task_link);

		machd_thread_gone(t);
	}

	trace_stop(task);
	task_kernel_port_replace(task, NULL);
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

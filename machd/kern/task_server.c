/* The task routines of mach.defs that HELL serves: task_create,
 * task_terminate, task_info, special ports, registered ports; and
 * hell_task_pid.  The others answer MIG_BAD_ID for now. */
#include "task.h"
#include "thread.h"
#include "kobject.h"
#include "../ipc/port.h"
#include "../linux/sys.h"

#include <mach/mach_types.h>
#include <mach/task_info.h>
#include <signal.h>
#include <string.h>
#include <time.h>

/* A Linux time since boot (µs), as wall-clock time. */
static time_value64_t
boot_us_to_realtime(uint64_t since_boot_us)
{
	struct timespec now, boot;
	time_value64_t t;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	/* realtime - boottime is the boot instant. */
	ns = ((int64_t) now.tv_sec - boot.tv_sec) * 1000000000LL + (now.tv_nsec - boot.tv_nsec) +
	     (int64_t) since_boot_us * 1000;
	t.seconds = ns / 1000000000LL;
	t.nanoseconds = ns % 1000000000LL;
	return t;
}

static time_value64_t
us_to_time64(uint64_t us)
{
	return (time_value64_t) { .seconds = (int64_t) (us / 1000000),
				  .nanoseconds = (int64_t) (us % 1000000) * 1000 };
}

static time_value_t
time64_to_time(time_value64_t t)
{
	return (time_value_t) { .seconds = (integer_t) t.seconds,
				.microseconds = (integer_t) (t.nanoseconds / 1000) };
}

/* The task's process's figures, or zeros (and the task's own creation
 * time) for a task without a process. */
static void
task_usage(struct task *task, struct linux_proc_usage *u, time_value64_t *created)
{
	memset(u, 0, sizeof *u);
	if (task->pid && linux_proc_usage(task->pid, u))
		*created = boot_us_to_realtime(u->start_us);
	else
		*created = task->created;
}

/* GNU Mach's base priority of a user task; Linux's nice moves it (a
 * lower number runs first in both). */
#define BASEPRI_USER 25

static kern_return_t
task_basic_info(struct task *task, task_info_t info, mach_msg_type_number_t *count)
{
	struct task_basic_info *bi = (struct task_basic_info *) info;
	/* Callers from before the 64-bit times (2023) pass a shorter count,
	 * which GNU Mach still accepts. */
	const mach_msg_type_number_t old_count =
		TASK_BASIC_INFO_COUNT - 3 * sizeof(time_value64_t) / sizeof(integer_t);
	struct linux_proc_usage u;
	time_value64_t created;

	if (*count < old_count)
		return KERN_INVALID_ARGUMENT;
	task_usage(task, &u, &created);
	memset(bi, 0, *count >= TASK_BASIC_INFO_COUNT ? sizeof *bi : old_count * sizeof(integer_t));
	bi->suspend_count = 0;
	bi->base_priority = BASEPRI_USER + u.nice;
	bi->virtual_size = u.vsize;
	bi->resident_size = u.rss;
	bi->user_time = time64_to_time(us_to_time64(u.utime_us));
	bi->system_time = time64_to_time(us_to_time64(u.stime_us));
	bi->creation_time = time64_to_time(created);
	if (*count >= TASK_BASIC_INFO_COUNT) {
		bi->user_time64 = us_to_time64(u.utime_us);
		bi->system_time64 = us_to_time64(u.stime_us);
		bi->creation_time64 = created;
		*count = TASK_BASIC_INFO_COUNT;
	}
	return KERN_SUCCESS;
}

/* Faults are Linux's (major ones are page-ins); messages are machd's
 * count of the task's sends and receives. */
static kern_return_t
task_events_info(struct task *task, task_info_t info, mach_msg_type_number_t *count)
{
	struct task_events_info *ei = (struct task_events_info *) info;
	struct linux_proc_usage u;
	time_value64_t created;

	if (*count < TASK_EVENTS_INFO_COUNT)
		return KERN_INVALID_ARGUMENT;
	task_usage(task, &u, &created);
	memset(ei, 0, sizeof *ei);
	ei->faults = (rpc_long_natural_t) (u.minflt + u.majflt);
	ei->pageins = (rpc_long_natural_t) u.majflt;
	ei->messages_sent = (rpc_long_natural_t) task->messages_sent;
	ei->messages_received = (rpc_long_natural_t) task->messages_received;
	*count = TASK_EVENTS_INFO_COUNT;
	return KERN_SUCCESS;
}

static kern_return_t
task_thread_times_info(struct task *task, task_info_t info, mach_msg_type_number_t *count)
{
	struct task_thread_times_info *ti = (struct task_thread_times_info *) info;
	const mach_msg_type_number_t old_count =
		TASK_THREAD_TIMES_INFO_COUNT - 2 * sizeof(time_value64_t) / sizeof(integer_t);
	struct linux_proc_usage u;
	time_value64_t created;

	if (*count < old_count)
		return KERN_INVALID_ARGUMENT;
	task_usage(task, &u, &created);
	ti->user_time = time64_to_time(us_to_time64(u.utime_us));
	ti->system_time = time64_to_time(us_to_time64(u.stime_us));
	if (*count >= TASK_THREAD_TIMES_INFO_COUNT) {
		ti->user_time64 = us_to_time64(u.utime_us);
		ti->system_time64 = us_to_time64(u.stime_us);
		*count = TASK_THREAD_TIMES_INFO_COUNT;
	}
	return KERN_SUCCESS;
}

kern_return_t
S_task_info(mach_port_t target, int flavor, task_info_t info, mach_msg_type_number_t *count)
{
	struct task *task = kobject_task(target);

	if (!task || task->dead)
		return KERN_INVALID_ARGUMENT;
	switch (flavor) {
	case TASK_BASIC_INFO: return task_basic_info(task, info, count);
	case TASK_EVENTS_INFO: return task_events_info(task, info, count);
	case TASK_THREAD_TIMES_INFO: return task_thread_times_info(task, info, count);
	default: return KERN_INVALID_ARGUMENT;	/* GNU Mach's answer to unknown flavors */
	}
}

/* The threads machd knows: those that have made a trap (each has a
 * channel); a Linux thread of the task that never did is not one yet. */
kern_return_t
S_task_threads(mach_port_t target, thread_array_t *threads, mach_msg_type_number_t *count)
{
	struct task *task = kobject_task(target);
	struct list *pos;
	mach_port_t *v;
	size_t n = 0;

	if (!task || task->dead)
		return KERN_INVALID_ARGUMENT;
	list_for_each(pos, &task->threads)
		n++;
	v = kobject_reply_alloc((n ? n : 1) * sizeof *v);
	n = 0;
	list_for_each(pos, &task->threads) {
		struct thread *t = list_entry(pos, struct thread, task_link);

		v[n++] = kobject_give_right(&ipc_port_make_send(t->port)->obj, MACH_MSG_TYPE_PORT_SEND);
	}
	*threads = v;
	*count = (mach_msg_type_number_t) n;
	return KERN_SUCCESS;
}

/* Bootstrap and exception; the kernel port has its own rule (task.h). */
static struct ipc_port **
special_slot(struct task *task, int which)
{
	switch (which) {
	case TASK_EXCEPTION_PORT: return &task->exception;
	case TASK_BOOTSTRAP_PORT: return &task->bootstrap;
	default: return NULL;
	}
}

kern_return_t
S_task_get_special_port(mach_port_t target, int which, mach_port_t *port)
{
	struct task *task = kobject_task(target);
	struct ipc_port **slot, *right;

	if (!task || task->dead)
		return KERN_INVALID_ARGUMENT;
	if (which == TASK_KERNEL_PORT) {
		right = task_kernel_port_right(task);
	} else {
		slot = special_slot(task, which);
		if (!slot)
			return KERN_INVALID_ARGUMENT;
		right = ipc_port_copy_send(*slot);
	}
	*port = right ? kobject_give_right(&right->obj, MACH_MSG_TYPE_PORT_SEND) : MACH_PORT_NULL;
	return KERN_SUCCESS;
}

kern_return_t
S_task_set_special_port(mach_port_t target, int which, mach_port_t port)
{
	struct task *task = kobject_task(target);

	if (!task || task->dead)
		return KERN_INVALID_ARGUMENT;

	struct ipc_port **slot = special_slot(task, which);
	struct ipc_object *obj;

	if (!slot && which != TASK_KERNEL_PORT)
		return KERN_INVALID_ARGUMENT;

	if (kobject_take_right(port, MACH_MSG_TYPE_PORT_SEND, &obj) != KERN_SUCCESS)
		return KERN_INVALID_ARGUMENT;

	if (obj == IPC_OBJECT_DEAD)
		obj = NULL;
	if (!slot) {
		task_kernel_port_replace(task, (struct ipc_port *) obj);
		return KERN_SUCCESS;
	}
	ipc_port_release_send(*slot);
	*slot = (struct ipc_port *) obj;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_ports_register(mach_port_t target, mach_port_array_t ports, mach_msg_type_number_t count)
{
	struct task *task = kobject_task(target);

	if (!task || task->dead)
		return KERN_INVALID_ARGUMENT;

	struct ipc_object *objs[TASK_REGISTERED_MAX] = { 0 };

	if (count > TASK_REGISTERED_MAX)
		return KERN_INVALID_ARGUMENT;

	for (mach_msg_type_number_t i = 0; i < count; i++) {
		if (kobject_take_right(ports[i], MACH_MSG_TYPE_PORT_SEND, &objs[i]) != KERN_SUCCESS)
			objs[i] = NULL;
		if (objs[i] == IPC_OBJECT_DEAD)
			objs[i] = NULL;
	}
	for (int i = 0; i < TASK_REGISTERED_MAX; i++) {
		ipc_port_release_send(task->registered[i]);
		task->registered[i] = (struct ipc_port *) objs[i];
	}
	return KERN_SUCCESS;
}

kern_return_t
S_mach_ports_lookup(mach_port_t target, mach_port_array_t *ports, mach_msg_type_number_t *count)
{
	struct task *task = kobject_task(target);

	if (!task || task->dead)
		return KERN_INVALID_ARGUMENT;

	mach_port_t *v = kobject_reply_alloc(TASK_REGISTERED_MAX * sizeof *v);

	/* A registered port that has died since comes back as a dead name,
	 * as GNU Mach's copy of a dead port does. */
	for (int i = 0; i < TASK_REGISTERED_MAX; i++) {
		struct ipc_port *copy = task->registered[i]
			? ipc_port_copy_send(task->registered[i]) : NULL;

		if (copy == NULL)
			v[i] = MACH_PORT_NULL;
		else if (copy == IPC_PORT_DEAD)
			v[i] = MACH_PORT_DEAD;
		else
			v[i] = kobject_give_right(&copy->obj, MACH_MSG_TYPE_PORT_SEND);
	}
	*ports = v;
	*count = TASK_REGISTERED_MAX;
	return KERN_SUCCESS;
}

kern_return_t
S_task_terminate(mach_port_t target)
{
	struct task *task = kobject_task(target);

	if (!task || task->dead)
		return KERN_INVALID_ARGUMENT;

	if (task->pidfd >= 0)
		linux_pidfd_kill(task->pidfd, SIGKILL);
	task_terminate(task);
	return KERN_SUCCESS;
}

kern_return_t
S_hell_task_pid(mach_port_t target, int *pid)
{
	struct task *task = kobject_task(target);

	if (!task || task->dead)
		return KERN_INVALID_ARGUMENT;
	*pid = task->pid;
	return KERN_SUCCESS;
}

/* GNU Mach's task_create makes a task with an empty address space and no
 * thread.  On HELL the task has no Linux process until hell_task_exec
 * starts one for it (an embryo, task.c); until then it holds its ports
 * and rights like any task.  It inherits TARGET's bootstrap, exception
 * and registered ports.  Copying an address space into a task that has no
 * process has no meaning on Linux, so INHERIT_MEMORY is refused
 * (docs/differences.md). */
kern_return_t
S_task_create(mach_port_t target, boolean_t inherit_memory, mach_port_t *child_task)
{
	struct task *parent = kobject_task(target), *child;

	if (!parent || parent->dead)
		return KERN_INVALID_TASK;	/* GNU Mach: parent_task == TASK_NULL */
	if (inherit_memory)
		return KERN_INVALID_ARGUMENT;
	child = task_new(parent);
	task_watch_senders(child);
	*child_task = kobject_give_right(&ipc_port_make_send(child->self)->obj,
					 MACH_MSG_TYPE_PORT_SEND);
	return KERN_SUCCESS;
}

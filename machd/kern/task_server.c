/* The task routines of mach.defs that HELL serves: task_create,
 * task_terminate, task_info, special ports, registered ports; and
 * hell_task_pid.  The others answer MIG_BAD_ID for now. */
#include "task.h"
#include "kobject.h"
#include "../ipc/port.h"
#include "../linux/sys.h"

#include <mach/task_info.h>
#include <signal.h>
#include <string.h>
#include <time.h>

/* When the process started, as wall-clock time. */
static void
creation_time(const struct linux_proc_usage *u, time_value64_t *t)
{
	struct timespec now, boot;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	/* start_us counts from boot; realtime - boottime is the boot instant. */
	ns = ((int64_t) now.tv_sec - boot.tv_sec) * 1000000000LL + (now.tv_nsec - boot.tv_nsec) +
	     (int64_t) u->start_us * 1000;
	t->seconds = ns / 1000000000LL;
	t->nanoseconds = ns % 1000000000LL;
}

kern_return_t
S_task_info(mach_port_t target, int flavor, task_info_t info, mach_msg_type_number_t *count)
{
	struct task *task = kobject_task(target);

	if (!task || task->dead)
		return KERN_INVALID_ARGUMENT;

	struct task_basic_info *bi = (struct task_basic_info *) info;
	/* Callers from before the 64-bit times (2023) pass a shorter count,
	 * which GNU Mach still accepts. */
	const mach_msg_type_number_t old_count =
		TASK_BASIC_INFO_COUNT - 3 * sizeof(time_value64_t) / sizeof(integer_t);
	struct linux_proc_usage u = { 0 };
	time_value64_t created = { 0 };

	if (flavor != TASK_BASIC_INFO)
		return KERN_INVALID_ARGUMENT;	/* GNU Mach's answer to unknown flavors */
	if (*count < old_count)
		return KERN_INVALID_ARGUMENT;

	if (task->pid && linux_proc_usage(task->pid, &u))
		creation_time(&u, &created);
	memset(bi, 0, *count >= TASK_BASIC_INFO_COUNT ? sizeof *bi : old_count * sizeof(integer_t));
	bi->suspend_count = 0;
	bi->base_priority = 0;
	bi->virtual_size = u.vsize;
	bi->resident_size = u.rss;
	bi->user_time.seconds = (integer_t) (u.utime_us / 1000000);
	bi->user_time.microseconds = (integer_t) (u.utime_us % 1000000);
	bi->system_time.seconds = (integer_t) (u.stime_us / 1000000);
	bi->system_time.microseconds = (integer_t) (u.stime_us % 1000000);
	bi->creation_time.seconds = (integer_t) created.seconds;
	bi->creation_time.microseconds = (integer_t) (created.nanoseconds / 1000);
	if (*count >= TASK_BASIC_INFO_COUNT) {
		bi->user_time64.seconds = (int64_t) (u.utime_us / 1000000);
		bi->user_time64.nanoseconds = (int64_t) (u.utime_us % 1000000) * 1000;
		bi->system_time64.seconds = (int64_t) (u.stime_us / 1000000);
		bi->system_time64.nanoseconds = (int64_t) (u.stime_us % 1000000) * 1000;
		bi->creation_time64 = created;
		*count = TASK_BASIC_INFO_COUNT;
	}
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

	for (int i = 0; i < TASK_REGISTERED_MAX; i++)
		v[i] = task->registered[i]
			? kobject_give_right(&ipc_port_copy_send(task->registered[i])->obj,
					     MACH_MSG_TYPE_PORT_SEND)
			: MACH_PORT_NULL;
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

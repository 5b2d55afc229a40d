/* The task routines of mach.defs that HELL serves in this version: task_info
 * (basic), special ports, registered ports, task_terminate.  The others
 * (threads and memory of another task) answer MIG_BAD_ID for now. */
#include "task.h"
#include "kobject.h"
#include "../ipc/port.h"
#include "../linux/sys.h"

#include <mach/task_info.h>
#include <signal.h>
#include <string.h>

#define TASK_OR_RETURN(t, name)				\
	struct task *t = kobject_task(name);		\
	if (!t || t->dead)				\
		return KERN_INVALID_ARGUMENT

kern_return_t
S_task_info(mach_port_t target, int flavor, task_info_t info, mach_msg_type_number_t *count)
{
	TASK_OR_RETURN(task, target);
	struct task_basic_info *bi = (struct task_basic_info *) info;
	struct linux_proc_usage u = { 0 };

	if (flavor != TASK_BASIC_INFO)
		return KERN_INVALID_ARGUMENT;	/* GNU Mach's answer to unknown flavors */
	if (*count < TASK_BASIC_INFO_COUNT)
		return KERN_INVALID_ARGUMENT;
	if (task->pid)
		linux_proc_usage(task->pid, &u);
	memset(bi, 0, sizeof *bi);
	bi->suspend_count = 0;
	bi->base_priority = 0;
	bi->virtual_size = u.vsize;
	bi->resident_size = u.rss;
	bi->user_time.seconds = (integer_t) (u.utime_us / 1000000);
	bi->user_time.microseconds = (integer_t) (u.utime_us % 1000000);
	bi->system_time.seconds = (integer_t) (u.stime_us / 1000000);
	bi->system_time.microseconds = (integer_t) (u.stime_us % 1000000);
	bi->user_time64.seconds = (int64_t) (u.utime_us / 1000000);
	bi->user_time64.nanoseconds = (int64_t) (u.utime_us % 1000000) * 1000;
	bi->system_time64.seconds = (int64_t) (u.stime_us / 1000000);
	bi->system_time64.nanoseconds = (int64_t) (u.stime_us % 1000000) * 1000;
	*count = TASK_BASIC_INFO_COUNT;
	return KERN_SUCCESS;
}

static struct ipc_port **
special_slot(struct task *task, int which)
{
	switch (which) {
	case TASK_KERNEL_PORT: return &task->kernel_port;
	case TASK_EXCEPTION_PORT: return &task->exception;
	case TASK_BOOTSTRAP_PORT: return &task->bootstrap;
	default: return NULL;
	}
}

kern_return_t
S_task_get_special_port(mach_port_t target, int which, mach_port_t *port)
{
	TASK_OR_RETURN(task, target);
	struct ipc_port **slot = special_slot(task, which);

	if (!slot)
		return KERN_INVALID_ARGUMENT;
	*port = *slot ? kobject_give_right(&ipc_port_copy_send(*slot)->obj, MACH_MSG_TYPE_PORT_SEND)
		      : MACH_PORT_NULL;
	return KERN_SUCCESS;
}

kern_return_t
S_task_set_special_port(mach_port_t target, int which, mach_port_t port)
{
	TASK_OR_RETURN(task, target);
	struct ipc_port **slot = special_slot(task, which);
	struct ipc_object *obj;

	if (!slot)
		return KERN_INVALID_ARGUMENT;
	if (kobject_take_right(port, MACH_MSG_TYPE_PORT_SEND, &obj) != KERN_SUCCESS)
		return KERN_INVALID_ARGUMENT;
	if (obj == IPC_OBJECT_DEAD)
		obj = NULL;
	ipc_port_release_send(*slot);
	*slot = (struct ipc_port *) obj;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_ports_register(mach_port_t target, mach_port_array_t ports, mach_msg_type_number_t count)
{
	TASK_OR_RETURN(task, target);
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
	TASK_OR_RETURN(task, target);
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
	TASK_OR_RETURN(task, target);

	if (task->pidfd >= 0)
		linux_pidfd_kill(task->pidfd, SIGKILL);
	task_terminate(task);
	return KERN_SUCCESS;
}

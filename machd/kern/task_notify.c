/* New-task notifications: GNU Mach's register_new_task_notification
 * (gnumach.defs) and the mach_notify_new_task message (task_notify.defs,
 * subsystem 4400) that machd sends for every new task.
 *
 * One port may be registered, with the privileged host port; GNU Mach
 * refuses a second registration (KERN_NO_ACCESS) for ever.  HELL refuses
 * it while the registered port lives, and takes a new one once it has
 * died (the proc server of an environment that was restarted).
 *
 * When: once per task, when it gets its Linux process (task_bind), so that
 * its pid is known (hell_task_pid) by the time the message is read: a fork
 * child, a task made by hell_task_spawn, an embryo when hell_task_exec
 * starts its process, a process that connects on its own.  An embryo that
 * never gets a process is never announced.  GNU Mach announces a task at
 * task_create, when it has no program yet either; on HELL a task without a
 * process has no pid, which is what the Hurd's proc needs.  The parent is
 * the task that made it (for a fork: the forking task; for task_create:
 * its parent_task), MACH_PORT_NULL for a process on its own, or if that
 * task has ended since.
 */
#include "task.h"
#include "kobject.h"
#include "../ipc/kmsg.h"
#include "../ipc/mqueue.h"
#include "../ipc/port.h"

#include <string.h>

/* The message as machd builds it, in kernel form: each port slot holds
 * the right itself (a send right to the task port, moved to the
 * receiver), as task_notify.defs's task_move_t says. */
struct new_task_msg {
	mach_msg_header_t head;
	mach_msg_type_t task_type;
	uint64_t task;
	mach_msg_type_t parent_type;
	uint64_t parent;
};
_Static_assert(sizeof(struct new_task_msg) == 64, "mach_notify_new_task request, x86_64");

#define MACH_NOTIFY_NEW_TASK_ID 4400	/* task_notify 4400, routine 0 */

static struct ipc_port *registered;	/* send right, or NULL */

kern_return_t
S_register_new_task_notification(mach_port_t host_priv, mach_port_t notification)
{
	struct ipc_object *obj;

	if (!kobject_is_host_priv(host_priv))
		return KERN_INVALID_HOST;
	if (registered && registered->active)
		return KERN_NO_ACCESS;
	if (kobject_take_right(notification, MACH_MSG_TYPE_PORT_SEND, &obj) != KERN_SUCCESS)
		return KERN_INVALID_CAPABILITY;
	ipc_port_release_send(registered);
	registered = obj == IPC_OBJECT_DEAD ? NULL : (struct ipc_port *) obj;
	return KERN_SUCCESS;
}

static void
port_type(mach_msg_type_t *t)
{
	memset(t, 0, sizeof *t);
	t->msgt_name = MACH_MSG_TYPE_PORT_SEND;
	t->msgt_size = 64;
	t->msgt_number = 1;
	t->msgt_inline = 1;
}

void
task_notify_new(struct task *task)
{
	struct ipc_kmsg *kmsg;
	struct new_task_msg *m;

	if (!registered || !registered->active)
		return;
	kmsg = ipc_kmsg_alloc(sizeof *m);
	m = (struct new_task_msg *) kmsg->msg;
	m->head.msgh_bits = MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0);
	m->head.msgh_size = sizeof *m;
	m->head.msgh_id = MACH_NOTIFY_NEW_TASK_ID;
	kmsg->remote = ipc_port_copy_send(registered);
	kmsg->remote_type = MACH_MSG_TYPE_PORT_SEND;
	port_type(&m->task_type);
	m->task = (uintptr_t) ipc_port_make_send(task->self);
	port_type(&m->parent_type);
	m->parent = task->creator && !task->creator->dead
		? (uintptr_t) ipc_port_make_send(task->creator->self) : 0;
	/* Never blocks, as GNU Mach's messages from the kernel. */
	ipc_mqueue_send_always(kmsg);
}

void
task_notify_shutdown(void)
{
	ipc_port_release_send(registered);
	registered = NULL;
}

/* Tracing: a record for each message a traced task sends or receives,
 * sent to its tracer's port (hell_task_trace, <hell/trace.h>).
 *
 * The hooks sit on the two paths every task message takes: after copyin
 * in the mach_msg trap (trace_send) and around copyout in thread_deliver
 * (trace_receive_begin/end).  Each path tests task->trace_port first, so
 * an untraced message pays one load and one branch.  Records are machd's
 * own messages: they never wait (past HELL_TRACE_QUEUE_MAX queued ones
 * they are dropped, and counted), and they are never traced, so a task
 * may trace itself.  A dead trace port ends the tracing at the next
 * record.
 */
#include "trace.h"
#include "kobject.h"
#include "task.h"
#include "thread.h"
#include "../ipc/kmsg.h"
#include "../ipc/mqueue.h"
#include "../ipc/port.h"

#include <string.h>
#include <time.h>

kern_return_t
S_hell_task_trace(mach_port_t target, mach_port_t trace_port, int flags)
{
	struct task *task = kobject_task(target);
	struct ipc_object *obj;

	if (!task || task->dead)
		return KERN_INVALID_ARGUMENT;
	if ((unsigned) flags & ~HELL_TRACE_CHILDREN)
		return KERN_INVALID_ARGUMENT;
	if (kobject_take_right(trace_port, MACH_MSG_TYPE_PORT_SEND, &obj) != KERN_SUCCESS)
		return KERN_INVALID_CAPABILITY;
	if (obj == IPC_OBJECT_DEAD)
		obj = NULL;
	trace_stop(task);
	task->trace_port = (struct ipc_port *) obj;
	task->trace_flags = (uint32_t) flags;
	return KERN_SUCCESS;
}

void
trace_stop(struct task *task)
{
	ipc_port_release_send(task->trace_port);
	task->trace_port = NULL;
	task->trace_flags = 0;
	task->trace_dropped = 0;
}

void
trace_inherit(struct task *child, struct task *parent)
{
	if (parent->trace_port && parent->trace_port->active &&
	    (parent->trace_flags & HELL_TRACE_CHILDREN)) {
		child->trace_port = ipc_port_copy_send(parent->trace_port);
		child->trace_flags = parent->trace_flags;
	}
}

/* The pid of the task whose space is SPACE: 0 for machd's own, -1 for
 * none (a receive right in transit). */
static int32_t
space_pid(struct ipc_space *space)
{
	if (!space)
		return -1;
	return space->task ? space->task->pid : 0;
}

static void
describe_port(struct ipc_port *port, mach_port_name_t name, struct hell_trace_port *out)
{
	memset(out, 0, sizeof *out);
	out->name = name;
	if (!port)
		return;
	if (port == IPC_PORT_DEAD) {
		out->kind = HELL_TRACE_PORT_DEAD;
		return;
	}
	out->id = port->id;
	if (!port->active) {
		out->kind = HELL_TRACE_PORT_DEAD;
		return;
	}
	switch (port->kotype) {
	case IKOT_TASK:
		out->kind = HELL_TRACE_PORT_TASK;
		out->pid = ((struct task *) port->kobject)->pid;
		break;
	case IKOT_THREAD:
		out->kind = HELL_TRACE_PORT_THREAD;
		out->pid = ((struct thread *) port->kobject)->task->pid;
		break;
	case IKOT_HOST:
		out->kind = HELL_TRACE_PORT_HOST;
		break;
	case IKOT_HOST_PRIV:
		out->kind = HELL_TRACE_PORT_HOST_PRIV;
		break;
	default:
		out->kind = HELL_TRACE_PORT_USER;
		out->pid = port->receiver ? space_pid(port->receiver) : 0;
		break;
	}
}

/* What every record says of the message (kernel form). */
static void
record_message(struct task *task, struct ipc_kmsg *kmsg, uint32_t direction,
	       struct hell_trace_record *rec)
{
	const mach_msg_header_t *h = kmsg->msg;
	struct timespec now;

	memset(rec, 0, sizeof *rec);
	clock_gettime(CLOCK_REALTIME, &now);
	rec->version = HELL_TRACE_VERSION;
	rec->direction = direction;
	rec->time_ns = (uint64_t) now.tv_sec * 1000000000u + (uint64_t) now.tv_nsec;
	rec->task_id = task->self ? task->self->id : 0;
	rec->task_pid = task->pid;
	rec->msgh_id = h->msgh_id;
	rec->size = kmsg->size;
	if (h->msgh_bits & MACH_MSGH_BITS_COMPLEX)
		rec->flags |= HELL_TRACE_COMPLEX;
	/* A MIG reply's RetCode: one inline 32-bit integer first. */
	if (kmsg->size >= sizeof(mach_msg_header_t) + sizeof(mach_msg_type_t) + sizeof(int32_t)) {
		const mach_msg_type_t *t = (const mach_msg_type_t *) (h + 1);

		if (t->msgt_name == MACH_MSG_TYPE_INTEGER_32 && t->msgt_size == 32 &&
		    t->msgt_number == 1 && t->msgt_inline && !t->msgt_longform) {
			memcpy(&rec->retcode, t + 1, sizeof rec->retcode);
			rec->flags |= HELL_TRACE_HAS_RETCODE;
		}
	}
}

static void
emit(struct task *task, struct hell_trace_record *rec)
{
	struct ipc_port *tp = task->trace_port;
	struct hell_trace_msg *m;
	struct ipc_kmsg *kmsg;

	if (!tp->active) {
		trace_stop(task);	/* the tracer is gone */
		return;
	}
	if (tp->msgcount >= HELL_TRACE_QUEUE_MAX) {
		task->trace_dropped++;
		return;
	}
	rec->dropped = task->trace_dropped;
	task->trace_dropped = 0;
	kmsg = ipc_kmsg_alloc(sizeof *m);
	m = (struct hell_trace_msg *) kmsg->msg;
	m->head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0);
	m->head.msgh_size = sizeof *m;
	m->head.msgh_id = HELL_TRACE_MSGH_ID;
	memset(&m->type, 0, sizeof m->type);
	m->type.msgt_name = MACH_MSG_TYPE_CHAR;
	m->type.msgt_size = 8;
	m->type.msgt_number = sizeof m->rec;
	m->type.msgt_inline = 1;
	m->rec = *rec;
	kmsg->remote = ipc_port_copy_send(tp);
	kmsg->remote_type = MACH_MSG_TYPE_PORT_SEND;
	kmsg->trace_record = true;
	ipc_mqueue_send_always(kmsg);
}

void
trace_send(struct task *task, struct ipc_kmsg *kmsg)
{
	struct hell_trace_record rec;
	struct ipc_port *dest = kmsg->remote;

	record_message(task, kmsg, HELL_TRACE_SEND, &rec);
	rec.msgh_bits = kmsg->msg->msgh_bits;
	/* After copyin the header still holds the sender's names. */
	describe_port(dest, (mach_port_name_t) kmsg->msg->msgh_remote_port, &rec.dest);
	describe_port(kmsg->local, (mach_port_name_t) kmsg->msg->msgh_local_port, &rec.reply);
	if (!dest->active || dest->kotype != IKOT_NONE)
		rec.peer_pid = 0;
	else
		rec.peer_pid = space_pid(dest->receiver);
	emit(task, &rec);
}

void
trace_receive_begin(struct task *task, struct ipc_kmsg *kmsg, struct hell_trace_record *rec)
{
	struct ipc_port *dest = kmsg->remote;

	record_message(task, kmsg, HELL_TRACE_RECEIVE, rec);
	/* The receiver names the destination by its receive right. */
	describe_port(dest, dest->receiver == task->space ? dest->receiver_name : 0, &rec->dest);
	describe_port(kmsg->local, 0, &rec->reply);
	rec->peer_pid = kmsg->sender_pid;
}

void
trace_receive_end(struct task *task, struct ipc_kmsg *kmsg, struct hell_trace_record *rec)
{
	/* Copied out: the reply right's name in the receiver's space. */
	rec->reply.name = (mach_port_name_t) kmsg->msg->msgh_remote_port;
	rec->msgh_bits = kmsg->msg->msgh_bits;
	if (task->trace_port)
		emit(task, rec);
}

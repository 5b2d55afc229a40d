/* The mach_msg trap.
 *
 * One request carries mach_msg's arguments, the message to send and its
 * out-of-line regions (include/hell/channel.h).  The send phase copies the
 * message in and queues it; the receive phase takes a message or waits.
 * Either phase may wait (queue full, no message); the trap's one reply goes
 * out when the whole call is done.  Sizes and counts in the request are the
 * task's word and are checked against the bytes that actually came.
 */
#include "mach_msg.h"
#include "kmsg.h"
#include "mqueue.h"
#include "space.h"
#include "../kern/task.h"
#include "../kern/thread.h"
#include "../kern/trace.h"
#include "../linux/chan.h"

#include <string.h>

static void
receive_phase(struct thread *t)
{
	struct ipc_space *space = t->task->space;
	struct ipc_entry *entry;
	struct ipc_object *object;
	mach_msg_return_t mr;

	if (!(t->option & MACH_RCV_MSG)) {
		thread_finish(t, MACH_MSG_SUCCESS);
		return;
	}
	entry = ipc_entry_lookup(space, t->rcv_name);
	if (!entry || !(entry->type & (MACH_PORT_TYPE_RECEIVE | MACH_PORT_TYPE_PORT_SET))) {
		thread_finish(t, MACH_RCV_INVALID_NAME);
		return;
	}
	object = entry->object;
	if (object->otype == IOT_PORT && ((struct ipc_port *) object)->pset) {
		thread_finish(t, MACH_RCV_IN_SET);
		return;
	}
	mr = ipc_mqueue_receive(t, object);
	if (mr != MACH_MSG_SUCCESS && mr != MACH_RCV_IN_PROGRESS)
		thread_finish(t, mr);
}

void
mach_msg_continue_after_send(struct thread *t, struct ipc_kmsg *kmsg)
{
	ipc_mqueue_send_always(kmsg);
	receive_phase(t);
}

/* Copy in and send the message of request R. */
static mach_msg_return_t
send_phase(struct thread *t, struct chan_request *r)
{
	uint64_t send_size = r->hdr.arg[1];
	uint64_t table = (uint64_t) r->hdr.ool_count * sizeof(struct hell_ool_in);
	struct ipc_ool_source src;
	struct ipc_kmsg *kmsg;
	mach_msg_return_t mr;

	if (send_size < sizeof(mach_msg_header_t) || (send_size & 7))
		return MACH_SEND_MSG_TOO_SMALL;
	if (send_size > IPC_KMSG_MAX_SIZE)
		return MACH_SEND_NO_BUFFER;
	/* The message, the table and the blob must be what came. */
	if (send_size + table + r->hdr.blob_size > r->payload_size)
		return MACH_SEND_INVALID_DATA;

	kmsg = ipc_kmsg_alloc((mach_msg_size_t) send_size);
	memcpy(kmsg->msg, r->payload, send_size);
	if (!(r->hdr.flags & HELL_REQ_OOL_GATHERED) && ipc_kmsg_has_ool(kmsg)) {
		/* libmach sends regions only when asked: nothing is done. */
		ipc_kmsg_free(kmsg);
		return HELL_KR_NEED_OOL;
	}
	src = (struct ipc_ool_source) {
		.entries = (const struct hell_ool_in *) (r->payload + send_size),
		.count = r->hdr.ool_count,
		.blob = r->payload + send_size + table,
		.blob_size = r->hdr.blob_size,
		.fds = r->fds,
		.nfds = r->nfds,
	};
	/* The table sits right after an 8-byte-multiple message. */
	mr = ipc_kmsg_copyin(kmsg, t->task->space, &src);
	if (mr != MACH_MSG_SUCCESS) {
		ipc_kmsg_free(kmsg);
		return mr;
	}
	t->task->messages_sent++;
	kmsg->sender_pid = t->task->pid;
	if (__builtin_expect(t->task->trace_port != NULL, 0))
		trace_send(t->task, kmsg);
	mr = ipc_mqueue_send(kmsg, t, t->option, t->timeout);
	if (mr == MACH_SEND_TIMED_OUT) {
		/* Not sent: the sender gets it back (pseudo-receive). */
		thread_give_back(t, kmsg, mr);
		return MACH_SEND_IN_PROGRESS;	/* the trap is answered */
	}
	return mr;
}

void
ipc_mach_msg_trap(struct thread *t, struct chan_request *r)
{
	mach_msg_return_t mr;

	t->option = (mach_msg_option_t) r->hdr.arg[0];
	t->rcv_size = (mach_msg_size_t) r->hdr.arg[2];
	t->rcv_name = (mach_port_name_t) r->hdr.arg[3];
	t->timeout = (mach_msg_timeout_t) r->hdr.arg[4];
	t->in_trap = true;

	if (t->option & MACH_SEND_MSG) {
		mr = send_phase(t, r);
		if (mr == MACH_SEND_IN_PROGRESS)
			return;		/* waits for queue room, or answered */
		if (mr != MACH_MSG_SUCCESS) {
			thread_finish(t, mr);
			return;
		}
	}
	receive_phase(t);
}

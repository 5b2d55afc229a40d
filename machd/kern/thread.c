/* Threads.
 *
 * A machd thread stands for one Linux thread of a task: the one at the other
 * end of a channel.  It lives from the channel's HELLO until the channel
 * closes or the task dies.  At most one trap is in progress per thread; while
 * it blocks, wait says on what, and exactly one of these ends the wait: a
 * message (thread_deliver), MACH_RCV_TOO_LARGE (thread_too_large), an error
 * from the object dying (thread_finish), the timeout (thread_timeout), or
 * HELL_OP_CANCEL (thread_interrupt).  Each of them sends the one reply the
 * trap is owed.
 */
#include "thread.h"
#include "task.h"
#include "timer.h"
#include "kobject.h"
#include "trace.h"
#include "../ipc/kmsg.h"
#include "../ipc/port.h"
#include "../ipc/pset.h"
#include "../ipc/space.h"
#include "../linux/chan.h"
#include "../util/alloc.h"
#include "../util/assert.h"

#include <string.h>

uint64_t thread_count;

/* Scratch for copying messages out; deliveries never nest (mqueue.c). */
static struct ipc_copyout copyout_scratch;

void
thread_shutdown(void)
{
	machd_free(copyout_scratch.fixups);
	machd_free(copyout_scratch.blob);
	memset(&copyout_scratch, 0, sizeof copyout_scratch);
}

struct thread *
thread_create(struct task *task, struct chan *chan)
{
	struct thread *thread = machd_zalloc(sizeof *thread);

	thread->task = task;
	thread->chan = chan;
	thread->timer_index = SIZE_MAX;
	list_init(&thread->wait_link);
	list_init(&thread->resume_link);
	list_push_back(&task->threads, &thread->task_link);
	thread->port = kobject_port_alloc(IKOT_THREAD, thread);
	thread_count++;
	return thread;
}

static void
object_release(struct ipc_object *object)
{
	if (object->otype == IOT_PORT)
		ipc_port_release((struct ipc_port *) object);
	else
		ipc_pset_release((struct ipc_pset *) object);
}

void
thread_unwait(struct thread *thread)
{
	list_remove(&thread->wait_link);
	timer_remove(thread);
	if (thread->wait_object) {
		object_release(thread->wait_object);
		thread->wait_object = NULL;
	}
	thread->wait = TW_NONE;
}

void
thread_destroy(struct thread *thread)
{
	thread_unwait(thread);
	if (thread->resume_pending) {
		list_remove(&thread->resume_link);
		thread->resume_pending = false;
	}
	if (thread->send_kmsg) {
		ipc_kmsg_destroy(thread->send_kmsg);
		thread->send_kmsg = NULL;
	}
	list_remove(&thread->task_link);
	kobject_port_destroy(thread->port);
	thread->port = NULL;
	thread_count--;
	machd_free(thread);
}

static void
reply(struct thread *thread, mach_msg_return_t mr, const void *msg, uint32_t size,
      const struct ipc_copyout *ool)
{
	struct hell_rep rep = { .kr = mr, .msg_size = size };

	thread->in_trap = false;
	chan_reply(thread->chan, &rep, msg, ool);
}

/* Reply with KMSG, copied out already (its regions in OUT), and free it;
 * the memfds passed along are closed once sent. */
static void
reply_message(struct thread *thread, mach_msg_return_t mr, struct ipc_kmsg *kmsg,
	      struct ipc_copyout *out)
{
	reply(thread, mr, kmsg->msg, kmsg->size, out);
	for (uint32_t i = 0; i < out->nfds; i++)
		chan_close_fd(out->fds[i]);
	out->nfds = 0;
	ipc_kmsg_free(kmsg);
}

void
thread_finish(struct thread *thread, mach_msg_return_t mr)
{
	if (thread->wait == TW_SEND && thread->send_kmsg) {
		struct ipc_kmsg *kmsg = thread->send_kmsg;

		thread->send_kmsg = NULL;
		thread_unwait(thread);
		thread_give_back(thread, kmsg, mr);
		return;
	}
	thread_unwait(thread);
	reply(thread, mr, NULL, 0, NULL);
}

void
thread_give_back(struct thread *thread, struct ipc_kmsg *kmsg, mach_msg_return_t mr)
{
	struct ipc_copyout *out = &copyout_scratch;

	ipc_copyout_reset(out);
	mr |= ipc_kmsg_copyout_pseudo(kmsg, thread->task->space, out) & MACH_MSG_MASK;
	reply_message(thread, mr, kmsg, out);
}

void
thread_wait_receive(struct thread *thread, struct ipc_object *object, struct list *on)
{
	thread->wait = TW_RECEIVE;
	thread->wait_object = object;
	object->refs++;
	list_push_back(on, &thread->wait_link);
	if (thread->option & MACH_RCV_TIMEOUT)
		timer_add(thread, thread->timeout);
}

void
thread_wait_send(struct thread *thread, struct ipc_port *port, struct ipc_kmsg *kmsg)
{
	thread->wait = TW_SEND;
	thread->wait_object = &port->obj;
	ipc_port_reference(port);
	thread->send_kmsg = kmsg;
	list_push_back(&port->senders, &thread->wait_link);
	if (thread->option & MACH_SEND_TIMEOUT)
		timer_add(thread, thread->timeout);
}

void
thread_deliver(struct thread *thread, struct ipc_kmsg *kmsg, mach_port_seqno_t seqno)
{
	struct ipc_space *space = thread->task->space;
	struct ipc_copyout *out = &copyout_scratch;
	mach_msg_return_t mr;

	thread_unwait(thread);
	ipc_copyout_reset(out);
	if (kmsg->size > thread->rcv_size) {
		/* Too large and not MACH_RCV_LARGE: the receiver gets the
		 * header alone, the rest is destroyed (GNU Mach). */
		ipc_kmsg_copyout_dest(kmsg, space, seqno);
		kmsg->msg->msgh_size = kmsg->size;
		reply(thread, MACH_RCV_TOO_LARGE, kmsg->msg,
		      thread->rcv_size >= sizeof(mach_msg_header_t) ? sizeof(mach_msg_header_t) : 0,
		      NULL);
		ipc_kmsg_free(kmsg);
		return;
	}
	if (__builtin_expect(thread->task->trace_port != NULL, 0) && !kmsg->trace_record) {
		struct hell_trace_record rec;

		trace_receive_begin(thread->task, kmsg, &rec);
		mr = ipc_kmsg_copyout(kmsg, space, seqno, out);
		trace_receive_end(thread->task, kmsg, &rec);
	} else {
		mr = ipc_kmsg_copyout(kmsg, space, seqno, out);
	}
	thread->task->messages_received++;
	reply_message(thread, mr, kmsg, out);
}

void
thread_too_large(struct thread *thread, mach_msg_size_t size)
{
	struct hell_rep rep = { .kr = MACH_RCV_TOO_LARGE, .val = { size } };

	thread_unwait(thread);
	thread->in_trap = false;
	chan_reply(thread->chan, &rep, NULL, NULL);
}

void
thread_timeout(struct thread *thread)
{
	thread_finish(thread, thread->wait == TW_SEND ? MACH_SEND_TIMED_OUT : MACH_RCV_TIMED_OUT);
}

void
thread_interrupt(struct thread *thread)
{
	if (thread->resume_pending) {
		/* Its send found room already; let it finish that way. */
		return;
	}
	if (thread->wait == TW_NONE)
		return;
	thread_finish(thread, thread->wait == TW_SEND ? MACH_SEND_INTERRUPTED : MACH_RCV_INTERRUPTED);
}

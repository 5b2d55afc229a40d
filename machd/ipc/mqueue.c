/* Message queues.
 *
 * A message sent to a port goes on the port's queue (struct ipc_port.msgs),
 * and the port is marked for dispatch.  Dispatch, which only ever runs from
 * ipc_mqueue_run_pending at the end of an event, matches queued messages with
 * waiting receivers (of the port, or of its set) and hands them over.  Doing
 * every hand-over there, and never inside a copyin or copyout, means a
 * notification generated while copying a message out (a no-senders when the
 * destination's last send right goes, say) can never reenter a copyout in
 * progress.
 *
 * Queue limit: a message sent with a send right to a port holding qlimit
 * messages or more waits (or times out).  Send-once rights and machd's own
 * messages never wait, as in GNU Mach.  When a receive takes a message off a
 * full queue, the first waiting sender is resumed, also from run_pending.
 */
#include "mqueue.h"
#include "kmsg.h"
#include "port.h"
#include "pset.h"
#include "space.h"
#include "../kern/thread.h"
#include "../kern/timer.h"
#include "../util/alloc.h"
#include "../util/assert.h"

void (*ipc_kobject_server)(struct ipc_kmsg *kmsg);

static uint64_t kmsg_stamp;

/* Ports with messages that may have receivers now (a reference each). */
static struct ipc_port **dispatch_list;
static size_t dispatch_count, dispatch_cap;
/* Threads whose blocked send found room. */
static struct list resume_list = LIST_INIT(resume_list);

static void
schedule_dispatch(struct ipc_port *port)
{
	if (dispatch_count == dispatch_cap) {
		dispatch_cap = dispatch_cap ? dispatch_cap * 2 : 64;
		dispatch_list = machd_realloc(dispatch_list, dispatch_cap * sizeof *dispatch_list);
	}
	ipc_port_reference(port);
	dispatch_list[dispatch_count++] = port;
}

static bool
port_is_kernel(const struct ipc_port *port)
{
	return port->receiver == ipc_space_kernel && port->kotype != IKOT_NONE;
}

static void
enqueue(struct ipc_port *port, struct ipc_kmsg *kmsg)
{
	kmsg->stamp = ++kmsg_stamp;
	list_push_back(&port->msgs, &kmsg->link);
	port->msgcount++;
	ipc_pset_port_ready(port);
	if (port_is_kernel(port) || !list_empty(&port->receivers) ||
	    (port->pset && !list_empty(&port->pset->receivers)))
		schedule_dispatch(port);
}

static struct ipc_kmsg *
dequeue(struct ipc_port *port)
{
	struct ipc_kmsg *kmsg = list_first_entry(&port->msgs, struct ipc_kmsg, link);

	list_remove(&kmsg->link);
	port->msgcount--;
	if (list_empty(&port->msgs))
		ipc_pset_port_drained(port);
	/* Room in the queue: let one waiting sender in. */
	if (!list_empty(&port->senders) && port->msgcount < port->qlimit) {
		struct thread *t = list_first_entry(&port->senders, struct thread, wait_link);

		list_remove(&t->wait_link);
		list_push_back(&resume_list, &t->resume_link);
		t->resume_pending = true;
	}
	return kmsg;
}

/* Send KMSG to a port that is dead or will take it. */
static mach_msg_return_t
deliver_or_destroy(struct ipc_port *port, struct ipc_kmsg *kmsg)
{
	if (!port->active || (kmsg->msg->msgh_bits & MACH_MSGH_BITS_CIRCULAR)) {
		/* GNU Mach: a message to a dead port, or one that would make
		 * a circle of receive rights, is destroyed; the send
		 * succeeds. */
		ipc_kmsg_destroy(kmsg);
		return MACH_MSG_SUCCESS;
	}
	enqueue(port, kmsg);
	return MACH_MSG_SUCCESS;
}

mach_msg_return_t
ipc_mqueue_send(struct ipc_kmsg *kmsg, struct thread *thread,
		mach_msg_option_t option, mach_msg_timeout_t timeout)
{
	struct ipc_port *port = kmsg->remote;

	if (port->active && !port_is_kernel(port) &&
	    kmsg->remote_type == MACH_MSG_TYPE_PORT_SEND &&
	    port->msgcount >= port->qlimit &&
	    !(kmsg->msg->msgh_bits & MACH_MSGH_BITS_CIRCULAR)) {
		if ((option & MACH_SEND_TIMEOUT) && timeout == 0)
			return MACH_SEND_TIMED_OUT;	/* KMSG goes back to the sender */
		thread_wait_send(thread, port, kmsg);
		return MACH_SEND_IN_PROGRESS;
	}
	return deliver_or_destroy(port, kmsg);
}

void
ipc_mqueue_send_always(struct ipc_kmsg *kmsg)
{
	deliver_or_destroy(kmsg->remote, kmsg);
}

/* Take the first message of PORT for THREAD, if it fits; returns true if
 * THREAD's trap finished (with the message or MACH_RCV_TOO_LARGE). */
static bool
receive_from(struct thread *thread, struct ipc_port *port)
{
	struct ipc_kmsg *kmsg;

	if (list_empty(&port->msgs))
		return false;
	kmsg = list_first_entry(&port->msgs, struct ipc_kmsg, link);
	if ((thread->option & MACH_RCV_LARGE) && kmsg->size > thread->rcv_size) {
		/* The message stays; the receiver learns its size. */
		thread_too_large(thread, kmsg->size);
		return true;
	}
	kmsg = dequeue(port);
	thread_deliver(thread, kmsg, port->seqno++);
	return true;
}

mach_msg_return_t
ipc_mqueue_receive(struct thread *thread, struct ipc_object *object)
{
	struct list *waiters;

	if (object->otype == IOT_PORT) {
		struct ipc_port *port = (struct ipc_port *) object;

		if (receive_from(thread, port))
			return MACH_MSG_SUCCESS;
		waiters = &port->receivers;
	} else {
		struct ipc_pset *pset = (struct ipc_pset *) object;
		struct ipc_port *port = ipc_pset_next_ready(pset);

		if (port && receive_from(thread, port))
			return MACH_MSG_SUCCESS;
		waiters = &pset->receivers;
	}
	if ((thread->option & MACH_RCV_TIMEOUT) && thread->timeout == 0)
		return MACH_RCV_TIMED_OUT;
	thread_wait_receive(thread, object, waiters);
	return MACH_RCV_IN_PROGRESS;
}

void
ipc_mqueue_wake_receivers(struct list *list, mach_msg_return_t mr)
{
	while (!list_empty(list))
		thread_finish(list_first_entry(list, struct thread, wait_link), mr);
}

void
ipc_mqueue_limit_raised(struct ipc_port *port)
{
	uint32_t room = port->qlimit > port->msgcount ? port->qlimit - port->msgcount : 0;

	while (room-- > 0 && !list_empty(&port->senders)) {
		struct thread *t = list_first_entry(&port->senders, struct thread, wait_link);

		list_remove(&t->wait_link);
		list_push_back(&resume_list, &t->resume_link);
		t->resume_pending = true;
	}
}

void
ipc_mqueue_wake_senders_dead(struct ipc_port *port)
{
	while (!list_empty(&port->senders)) {
		struct thread *t = list_first_entry(&port->senders, struct thread, wait_link);

		/* Resumed, its send finds the port dead: the message is
		 * destroyed and the send succeeds. */
		list_remove(&t->wait_link);
		list_push_back(&resume_list, &t->resume_link);
		t->resume_pending = true;
	}
}

void
ipc_mqueue_destroy_queue(struct ipc_port *port)
{
	while (!list_empty(&port->msgs)) {
		struct ipc_kmsg *kmsg = list_first_entry(&port->msgs, struct ipc_kmsg, link);

		list_remove(&kmsg->link);
		port->msgcount--;
		ipc_kmsg_destroy(kmsg);
	}
	port->in_ready = false;
	list_init(&port->ready_link);
}

void
ipc_mqueue_pset_feed(struct ipc_pset *pset)
{
	struct list *pos, *tmp;

	if (list_empty(&pset->receivers))
		return;
	list_for_each_safe(pos, tmp, &pset->ready)
		schedule_dispatch(list_entry(pos, struct ipc_port, ready_link));
}

/* Match PORT's queued messages with its waiting receivers. */
static void
dispatch(struct ipc_port *port)
{
	if (!port->active)
		return;
	if (port_is_kernel(port)) {
		while (port->active && !list_empty(&port->msgs))
			ipc_kobject_server(dequeue(port));
		return;
	}
	for (;;) {
		struct list *waiters = port->pset ? &port->pset->receivers : &port->receivers;
		struct thread *t;

		if (list_empty(&port->msgs) || list_empty(waiters))
			return;
		t = list_first_entry(waiters, struct thread, wait_link);
		thread_unwait(t);
		if (port->pset) {
			/* Take turns among the set's ready members. */
			struct ipc_port *next = ipc_pset_next_ready(port->pset);

			receive_from(t, next ? next : port);
		} else {
			receive_from(t, port);
		}
		if (!port->active)
			return;
	}
}

static void resume_sender(struct thread *t);

void
ipc_mqueue_shutdown(void)
{
	MACHD_ASSERT(dispatch_count == 0);
	machd_free(dispatch_list);
	dispatch_list = NULL;
	dispatch_cap = 0;
}

void
ipc_mqueue_run_pending(void)
{
	for (;;) {
		if (dispatch_count > 0) {
			struct ipc_port *port = dispatch_list[--dispatch_count];

			dispatch(port);
			ipc_port_release(port);
			continue;
		}
		if (!list_empty(&resume_list)) {
			struct thread *t = list_first_entry(&resume_list, struct thread, resume_link);

			list_remove(&t->resume_link);
			t->resume_pending = false;
			resume_sender(t);
			continue;
		}
		break;
	}
}

/* Forward-declared continuation of mach_msg after a blocked send. */
void mach_msg_continue_after_send(struct thread *t, struct ipc_kmsg *kmsg);

static void
resume_sender(struct thread *t)
{
	struct ipc_kmsg *kmsg = t->send_kmsg;

	t->send_kmsg = NULL;
	thread_unwait(t);
	mach_msg_continue_after_send(t, kmsg);
}

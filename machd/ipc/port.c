/* Ports.
 *
 * Lifecycle: ipc_port_alloc makes an active port with no rights and no
 * references; the caller puts its receive right somewhere (a space entry,
 * the kernel space, a message), which takes a reference.  Send and
 * send-once rights come and go with ipc_port_make_send/copy_send/make_sonce
 * and ipc_port_release_send/sonce.  When the receive right is destroyed
 * (ipc_port_destroy) the port becomes dead: it keeps no messages, and
 * remaining send and send-once rights turn into dead names as their holders
 * look at them.  The memory goes when the last reference does.
 */
#include "port.h"
#include "notify.h"
#include "kmsg.h"
#include "mqueue.h"
#include "pset.h"
#include "../util/alloc.h"
#include "../util/assert.h"

struct list ipc_port_all = LIST_INIT(ipc_port_all);
uint64_t ipc_port_next_id;

struct ipc_port *
ipc_port_alloc(void)
{
	struct ipc_port *port = machd_zalloc(sizeof *port);

	port->obj.otype = IOT_PORT;
	port->active = true;
	port->qlimit = MACH_PORT_QLIMIT_DEFAULT;
	list_init(&port->pset_link);
	list_init(&port->ready_link);
	list_init(&port->msgs);
	list_init(&port->receivers);
	list_init(&port->senders);
	list_push_back(&ipc_port_all, &port->all_link);
	ipc_counts.ports++;
	port->id = ++ipc_port_next_id;
	return port;
}

void
ipc_port_reference(struct ipc_port *port)
{
	MACHD_ASSERT(port->obj.refs < UINT32_MAX);
	port->obj.refs++;
}

void
ipc_port_release(struct ipc_port *port)
{
	MACHD_ASSERT(port->obj.refs > 0);
	if (--port->obj.refs > 0)
		return;
	/* The last reference: nothing names or carries the port any more, so
	 * its receive right is gone, and so are all its rights. */
	MACHD_ASSERT(!port->active);
	MACHD_ASSERT(port->srights == 0 && port->sorights == 0);
	MACHD_ASSERT(list_empty(&port->msgs));
	MACHD_ASSERT(port->dnrequest_count == 0);
	machd_free(port->dnrequests);
	list_remove(&port->all_link);
	ipc_counts.ports--;
	machd_free(port);
}

struct ipc_port *
ipc_port_make_send(struct ipc_port *port)
{
	MACHD_ASSERT(port->active);
	port->mscount++;
	port->srights++;
	ipc_port_reference(port);
	return port;
}

struct ipc_port *
ipc_port_copy_send(struct ipc_port *port)
{
	if (!IPC_PORT_VALID(port))
		return port;
	if (!port->active)
		return IPC_PORT_DEAD;
	MACHD_ASSERT(port->srights > 0);
	port->srights++;
	ipc_port_reference(port);
	return port;
}

struct ipc_port *
ipc_port_make_sonce(struct ipc_port *port)
{
	MACHD_ASSERT(port->active);
	port->sorights++;
	ipc_port_reference(port);
	return port;
}

void
ipc_port_release_send(struct ipc_port *port)
{
	if (!IPC_PORT_VALID(port))
		return;
	MACHD_ASSERT(port->srights > 0);
	port->srights--;
	if (port->srights == 0 && port->active && port->nsrequest) {
		struct ipc_port *notify = port->nsrequest;

		port->nsrequest = NULL;
		ipc_notify_no_senders(notify, port->mscount);
	}
	ipc_port_release(port);
}

void
ipc_port_release_sonce(struct ipc_port *port)
{
	if (!IPC_PORT_VALID(port))
		return;
	MACHD_ASSERT(port->sorights > 0);
	port->sorights--;
	ipc_port_release(port);
}

void
ipc_port_release_receive(struct ipc_port *port)
{
	if (!IPC_PORT_VALID(port))
		return;
	MACHD_ASSERT(port->active && port->receiver == NULL);
	ipc_port_destroy(port);
}

void
ipc_port_clear_receiver(struct ipc_port *port)
{
	if (port->pset)
		ipc_pset_remove(port->pset, port);
	ipc_mqueue_wake_receivers(&port->receivers, MACH_RCV_PORT_DIED);
	port->receiver = NULL;
	port->receiver_name = MACH_PORT_NULL;
	port->has_payload = false;
	port->payload = 0;
	/* GNU Mach resets these when the receive right moves. */
	port->seqno = 0;
	port->mscount = 0;
	port->qlimit = MACH_PORT_QLIMIT_DEFAULT;
}

void
ipc_port_destroy(struct ipc_port *port)
{
	struct ipc_port *pdrequest = port->pdrequest;

	MACHD_ASSERT(port->active);
	port->receiver = NULL;
	port->receiver_name = MACH_PORT_NULL;

	if (pdrequest) {
		port->pdrequest = NULL;
		port->destination = NULL;
		if (!ipc_port_check_circularity(port, pdrequest)) {
			/* Instead of dying, the port travels to the requester. */
			ipc_port_clear_receiver(port);
			ipc_notify_port_destroyed(pdrequest, port);
			return;
		}
		/* The notification would be queued on the port itself (or
		 * on a port it carries): a circle nothing could ever free.
		 * As GNU Mach does, the request goes and the port dies. */
		ipc_port_release_sonce(pdrequest);
	}

	if (port->pset)
		ipc_pset_remove(port->pset, port);
	port->active = false;
	port->has_payload = false;
	port->kotype = IKOT_NONE;
	port->kobject = NULL;

	ipc_mqueue_wake_receivers(&port->receivers, MACH_RCV_PORT_DIED);
	/* Blocked senders finish as if their message had been sent and then
	 * destroyed with the port, as in GNU Mach. */
	ipc_mqueue_wake_senders_dead(port);

	if (port->nsrequest) {
		struct ipc_port *ns = port->nsrequest;

		port->nsrequest = NULL;
		ipc_notify_send_once(ns);
	}

	/* Dead-name requests fire now; the entries turn into dead names
	 * when next looked at. */
	while (port->dnrequest_count > 0) {
		struct ipc_dnrequest r = port->dnrequests[--port->dnrequest_count];

		ipc_notify_dead_name(r.notify, r.name);
	}

	/* Queued messages go last: destroying them may destroy other ports. */
	ipc_mqueue_destroy_queue(port);

	ipc_port_release(port);	/* the receive right's reference */
}

void
ipc_port_dnrequest_add(struct ipc_port *port, struct ipc_space *space,
		       mach_port_name_t name, struct ipc_port *notify)
{
	if (port->dnrequest_count == port->dnrequest_cap) {
		port->dnrequest_cap = port->dnrequest_cap ? port->dnrequest_cap * 2 : 2;
		port->dnrequests = machd_realloc(port->dnrequests,
						 port->dnrequest_cap * sizeof *port->dnrequests);
	}
	port->dnrequests[port->dnrequest_count++] = (struct ipc_dnrequest) {
		.space = space, .name = name, .notify = notify,
	};
}

struct ipc_port *
ipc_port_dnrequest_cancel(struct ipc_port *port, struct ipc_space *space,
			  mach_port_name_t name)
{
	for (uint32_t i = 0; i < port->dnrequest_count; i++) {
		struct ipc_dnrequest *r = &port->dnrequests[i];

		if (r->space == space && r->name == name) {
			struct ipc_port *notify = r->notify;

			*r = port->dnrequests[--port->dnrequest_count];
			return notify;
		}
	}
	return NULL;
}

/* Is DEST's receive right (transitively) inside a message queued on PORT?
 * Walk from DEST: while its receive right is in transit, follow the message
 * that carries it to its destination. */
bool
ipc_port_check_circularity(struct ipc_port *port, struct ipc_port *dest)
{
	struct ipc_port *p = dest;
	unsigned hops = 0;

	if (port == dest)
		return true;
	while (IPC_PORT_VALID(p) && p->active && p->receiver == NULL) {
		struct ipc_port *next = p->destination;

		if (next == port)
			return true;
		if (next == NULL || ++hops > 1000000)
			break;
		p = next;
	}
	return false;
}

void
ipc_port_check(const struct ipc_port *port)
{
	MACHD_ASSERT(port->obj.otype == IOT_PORT);
	MACHD_ASSERT(port->obj.refs > 0);
	if (!port->active) {
		MACHD_ASSERT(port->receiver == NULL);
		MACHD_ASSERT(list_empty(&port->msgs));
		MACHD_ASSERT(port->pset == NULL);
		return;
	}
	MACHD_ASSERT((port->pset == NULL) == list_unlinked(&port->pset_link));
	MACHD_ASSERT(port->in_ready == !list_unlinked(&port->ready_link));
	if (port->pset == NULL)
		MACHD_ASSERT(!port->in_ready);
	else
		MACHD_ASSERT(list_empty(&port->receivers));
	MACHD_ASSERT(port->msgcount == 0 || !list_empty(&port->msgs));
}

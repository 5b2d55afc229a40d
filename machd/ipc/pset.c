/* Port sets.
 *
 * A set's receivers take messages from any member port.  Messages stay on
 * their own port's queue; the set keeps a list of members that have
 * messages (ready), in the order they became ready.  A receive takes the
 * first message of the first ready port and, if that port has more, moves it
 * to the end of the list: members are served in turn, so one busy port
 * cannot starve the others.  (GNU Mach keeps one queue for the whole set and
 * so serves messages strictly in arrival order; docs/differences.md.)
 *
 * States: active, held by one entry of one space (space, name); dead once
 * the entry is destroyed.  Members hold no reference on the set.
 */
#include "pset.h"
#include "mqueue.h"
#include "../util/alloc.h"
#include "../util/assert.h"

struct ipc_pset *
ipc_pset_alloc(void)
{
	struct ipc_pset *pset = machd_zalloc(sizeof *pset);

	pset->obj.otype = IOT_PSET;
	pset->active = true;
	list_init(&pset->members);
	list_init(&pset->ready);
	list_init(&pset->receivers);
	ipc_counts.psets++;
	return pset;
}

void
ipc_pset_reference(struct ipc_pset *pset)
{
	pset->obj.refs++;
}

void
ipc_pset_release(struct ipc_pset *pset)
{
	MACHD_ASSERT(pset->obj.refs > 0);
	if (--pset->obj.refs > 0)
		return;
	MACHD_ASSERT(!pset->active && list_empty(&pset->members));
	ipc_counts.psets--;
	machd_free(pset);
}

void
ipc_pset_destroy(struct ipc_pset *pset)
{
	MACHD_ASSERT(pset->active);
	pset->active = false;
	while (!list_empty(&pset->members))
		ipc_pset_remove(pset, list_first_entry(&pset->members, struct ipc_port, pset_link));
	ipc_mqueue_wake_receivers(&pset->receivers, MACH_RCV_PORT_DIED);
	ipc_pset_release(pset);
}

void
ipc_pset_add(struct ipc_pset *pset, struct ipc_port *port)
{
	MACHD_ASSERT(port->pset == NULL && pset->active);
	/* Threads receiving on the port itself learn it moved into a set. */
	ipc_mqueue_wake_receivers(&port->receivers, MACH_RCV_PORT_CHANGED);
	port->pset = pset;
	list_push_back(&pset->members, &port->pset_link);
	if (!list_empty(&port->msgs)) {
		ipc_pset_port_ready(port);
		/* Messages already queued may satisfy the set's receivers. */
		ipc_mqueue_pset_feed(pset);
	}
}

void
ipc_pset_remove(struct ipc_pset *pset, struct ipc_port *port)
{
	MACHD_ASSERT(port->pset == pset);
	if (port->in_ready) {
		list_remove(&port->ready_link);
		port->in_ready = false;
	}
	list_remove(&port->pset_link);
	port->pset = NULL;
}

void
ipc_pset_port_ready(struct ipc_port *port)
{
	if (port->pset && !port->in_ready) {
		list_push_back(&port->pset->ready, &port->ready_link);
		port->in_ready = true;
	}
}

void
ipc_pset_port_drained(struct ipc_port *port)
{
	if (port->in_ready) {
		list_remove(&port->ready_link);
		port->in_ready = false;
	}
}

struct ipc_port *
ipc_pset_next_ready(struct ipc_pset *pset)
{
	struct ipc_port *port;

	if (list_empty(&pset->ready))
		return NULL;
	port = list_first_entry(&pset->ready, struct ipc_port, ready_link);
	/* Rotate: the next receive starts at the following member. */
	list_remove(&port->ready_link);
	list_push_back(&pset->ready, &port->ready_link);
	return port;
}

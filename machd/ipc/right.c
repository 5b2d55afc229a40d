/* Rights in a space.
 *
 * One reference per entry: an entry naming a port or set holds exactly one
 * reference on it, whatever rights and user references it has; a send right
 * counts once in port->srights per entry.  A right in a message (kernel form)
 * holds one reference and one right count of its own.  Moving a right
 * between a space and a message moves these or adds new ones, as the
 * comments at each case say.
 *
 * Rights of a name (entry->type) combine as GNU Mach allows: SEND,
 * RECEIVE, SEND|RECEIVE, SEND_ONCE, PORT_SET, DEAD_NAME.  Only SEND and
 * RECEIVE entries are in the space's reverse map.
 */
#include "right.h"
#include "space.h"
#include "port.h"
#include "pset.h"
#include "notify.h"
#include "../kern/kobject.h"
#include "../util/assert.h"

#define TYPE_RIGHTS(e) ((e)->type & MACH_PORT_TYPE_ALL_RIGHTS)

static inline struct ipc_port *
entry_port(const struct ipc_entry *entry)
{
	MACHD_ASSERT(entry->object && entry->object->otype == IOT_PORT);
	return (struct ipc_port *) entry->object;
}

struct ipc_port *
ipc_right_dncancel(struct ipc_space *space, struct ipc_entry *entry)
{
	struct ipc_port *port;

	if (!entry->dnrequest)
		return NULL;
	entry->dnrequest = false;
	port = entry_port(entry);
	if (!port->active)
		return NULL;	/* it fired when the port died */
	return ipc_port_dnrequest_cancel(port, space, entry->name);
}

/* ENTRY has lost its last right: cancel its dead-name request (with a
 * port-deleted notification) and drop the entry.  The entry's reference on
 * its object passes to the caller, who hands it on or releases it. */
static void
entry_delete(struct ipc_space *space, struct ipc_entry *entry)
{
	mach_port_name_t name = entry->name;
	struct ipc_object *object = entry->object;
	struct ipc_port *dn = NULL;

	if (object && object->otype == IOT_PORT)
		dn = ipc_right_dncancel(space, entry);
	if (object)
		ipc_entry_reverse_clear(space, entry);
	entry->type = 0;
	entry->urefs = 0;
	entry->object = NULL;
	ipc_entry_dealloc(space, entry);
	if (dn)
		ipc_notify_port_deleted(dn, name);
}

bool
ipc_right_check(struct ipc_space *space, struct ipc_entry *entry)
{
	struct ipc_port *port;

	if (!(entry->type & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_SEND_ONCE)) ||
	    (entry->type & MACH_PORT_TYPE_RECEIVE))
		return false;
	port = entry_port(entry);
	if (port->active)
		return false;

	/* The port died: the send or send-once right is now a dead name. */
	if (entry->type & MACH_PORT_TYPE_SEND) {
		ipc_entry_reverse_clear(space, entry);
		ipc_port_release_send(port);
	} else {
		ipc_port_release_sonce(port);
		entry->urefs = 1;
	}
	entry->object = NULL;
	entry->type = MACH_PORT_TYPE_DEAD_NAME;
	if (entry->dnrequest) {
		/* The dead-name notification named this entry: it comes with
		 * a user reference of its own. */
		entry->dnrequest = false;
		if (entry->urefs < MACH_PORT_UREFS_MAX)
			entry->urefs++;
	}
	return true;
}

mach_msg_type_name_t
ipc_object_copyin_type(mach_msg_type_name_t msgt_name)
{
	switch (msgt_name) {
	case MACH_MSG_TYPE_MOVE_RECEIVE:
		return MACH_MSG_TYPE_PORT_RECEIVE;
	case MACH_MSG_TYPE_MOVE_SEND_ONCE:
	case MACH_MSG_TYPE_MAKE_SEND_ONCE:
		return MACH_MSG_TYPE_PORT_SEND_ONCE;
	case MACH_MSG_TYPE_MOVE_SEND:
	case MACH_MSG_TYPE_MAKE_SEND:
	case MACH_MSG_TYPE_COPY_SEND:
		return MACH_MSG_TYPE_PORT_SEND;
	default:
		return 0;
	}
}

bool
ipc_right_copyin_check(struct ipc_space *space, mach_port_name_t name,
		       mach_msg_type_name_t msgt_name, bool deadok)
{
	struct ipc_entry *entry = ipc_entry_lookup(space, name);

	if (!entry)
		return false;
	switch (msgt_name) {
	case MACH_MSG_TYPE_MOVE_RECEIVE:
	case MACH_MSG_TYPE_MAKE_SEND:
	case MACH_MSG_TYPE_MAKE_SEND_ONCE:
		return entry->type & MACH_PORT_TYPE_RECEIVE;
	case MACH_MSG_TYPE_COPY_SEND:
	case MACH_MSG_TYPE_MOVE_SEND:
		if (deadok && entry->type == MACH_PORT_TYPE_DEAD_NAME)
			return true;
		return entry->type & MACH_PORT_TYPE_SEND;
	case MACH_MSG_TYPE_MOVE_SEND_ONCE:
		if (deadok && entry->type == MACH_PORT_TYPE_DEAD_NAME)
			return true;
		return entry->type & MACH_PORT_TYPE_SEND_ONCE;
	default:
		return false;
	}
}

kern_return_t
ipc_right_copyin(struct ipc_space *space, mach_port_name_t name,
		 mach_msg_type_name_t msgt_name, bool deadok,
		 struct ipc_object **objectp)
{
	struct ipc_entry *entry = ipc_entry_lookup(space, name);
	struct ipc_port *port;

	if (!entry)
		return KERN_INVALID_NAME;

	if (entry->type == MACH_PORT_TYPE_DEAD_NAME) {
		if (!deadok)
			return KERN_INVALID_RIGHT;
		switch (msgt_name) {
		case MACH_MSG_TYPE_MOVE_SEND:
		case MACH_MSG_TYPE_MOVE_SEND_ONCE:
			/* Moving a dead name consumes a user reference. */
			if (--entry->urefs == 0)
				entry_delete(space, entry);
			/* fallthrough */
		case MACH_MSG_TYPE_COPY_SEND:
			*objectp = IPC_OBJECT_DEAD;
			return KERN_SUCCESS;
		default:
			return KERN_INVALID_RIGHT;
		}
	}

	switch (msgt_name) {
	case MACH_MSG_TYPE_MAKE_SEND:
		if (!(entry->type & MACH_PORT_TYPE_RECEIVE))
			return KERN_INVALID_RIGHT;
		*objectp = &ipc_port_make_send(entry_port(entry))->obj;
		return KERN_SUCCESS;

	case MACH_MSG_TYPE_MAKE_SEND_ONCE:
		if (!(entry->type & MACH_PORT_TYPE_RECEIVE))
			return KERN_INVALID_RIGHT;
		*objectp = &ipc_port_make_sonce(entry_port(entry))->obj;
		return KERN_SUCCESS;

	case MACH_MSG_TYPE_MOVE_RECEIVE:
		if (!(entry->type & MACH_PORT_TYPE_RECEIVE))
			return KERN_INVALID_RIGHT;
		port = entry_port(entry);
		if (port->kotype != IKOT_NONE)
			return KERN_INVALID_RIGHT;	/* machd keeps its own */
		ipc_port_clear_receiver(port);
		if (entry->type & MACH_PORT_TYPE_SEND) {
			/* The entry keeps its send right and reference;
			 * the message gets a reference of its own. */
			entry->type &= ~MACH_PORT_TYPE_RECEIVE;
			ipc_port_reference(port);
		} else {
			/* The entry's reference moves to the message. */
			entry_delete(space, entry);
		}
		*objectp = &port->obj;
		return KERN_SUCCESS;

	case MACH_MSG_TYPE_COPY_SEND:
		if (!(entry->type & MACH_PORT_TYPE_SEND))
			return KERN_INVALID_RIGHT;
		*objectp = &ipc_port_copy_send(entry_port(entry))->obj;
		return KERN_SUCCESS;

	case MACH_MSG_TYPE_MOVE_SEND:
		if (!(entry->type & MACH_PORT_TYPE_SEND))
			return KERN_INVALID_RIGHT;
		port = entry_port(entry);
		if (entry->urefs > 1) {
			entry->urefs--;
			*objectp = &ipc_port_copy_send(port)->obj;
			return KERN_SUCCESS;
		}
		/* The last user reference: the send right itself moves. */
		if (entry->type & MACH_PORT_TYPE_RECEIVE) {
			/* The entry keeps its reference for the receive
			 * right; the message gets one of its own. */
			entry->type &= ~MACH_PORT_TYPE_SEND;
			entry->urefs = 0;
			ipc_port_reference(port);
		} else {
			entry_delete(space, entry);
		}
		*objectp = &port->obj;
		return KERN_SUCCESS;

	case MACH_MSG_TYPE_MOVE_SEND_ONCE:
		if (!(entry->type & MACH_PORT_TYPE_SEND_ONCE))
			return KERN_INVALID_RIGHT;
		port = entry_port(entry);
		entry_delete(space, entry);
		*objectp = &port->obj;
		return KERN_SUCCESS;

	default:
		return KERN_INVALID_VALUE;
	}
}

void
ipc_right_release(struct ipc_object *object, mach_msg_type_name_t type)
{
	struct ipc_port *port;

	if (!IPC_OBJECT_VALID(object))
		return;
	port = (struct ipc_port *) object;
	switch (type) {
	case MACH_MSG_TYPE_PORT_SEND:
		ipc_port_release_send(port);
		break;
	case MACH_MSG_TYPE_PORT_SEND_ONCE:
		/* A send-once right destroyed unused tells its port so. */
		ipc_notify_send_once(port);
		break;
	case MACH_MSG_TYPE_PORT_RECEIVE:
		ipc_port_release_receive(port);
		break;
	default:
		MACHD_ASSERT(!"bad right type");
	}
}

/* Put a right to PORT of TYPE into ENTRY (new or existing).  The message's
 * reference and right count are consumed. */
static void
entry_take_right(struct ipc_space *space, struct ipc_entry *entry,
		 struct ipc_port *port, mach_msg_type_name_t type)
{
	bool fresh = entry->type == 0;

	switch (type) {
	case MACH_MSG_TYPE_PORT_SEND:
		if (entry->type & MACH_PORT_TYPE_SEND) {
			/* Coalesce: one more user reference, unless at
			 * the limit, where GNU Mach drops the extra right. */
			if (entry->urefs < IPC_SEND_UREFS_MAX)
				entry->urefs++;
			ipc_port_release_send(port);
			return;
		}
		entry->type |= MACH_PORT_TYPE_SEND;
		entry->urefs = 1;
		break;
	case MACH_MSG_TYPE_PORT_SEND_ONCE:
		entry->type = MACH_PORT_TYPE_SEND_ONCE;
		entry->urefs = 1;
		break;
	case MACH_MSG_TYPE_PORT_RECEIVE:
		entry->type |= MACH_PORT_TYPE_RECEIVE;
		port->receiver = space;
		port->receiver_name = entry->name;
		port->destination = NULL;
		break;
	}
	if (fresh) {
		entry->object = &port->obj;	/* the message's reference moves */
	} else {
		MACHD_ASSERT(entry->object == &port->obj);
		ipc_port_release(port);		/* the entry has one already */
	}
	if (type != MACH_MSG_TYPE_PORT_SEND_ONCE)
		ipc_entry_reverse_set(space, entry);
	if (space->is_kernel)
		kobject_touch(entry->name);
}

kern_return_t
ipc_right_copyout(struct ipc_space *space, struct ipc_object *object,
		  mach_msg_type_name_t type, mach_port_name_t *namep)
{
	struct ipc_port *port;
	struct ipc_entry *entry = NULL;

	if (object == NULL) {
		*namep = MACH_PORT_NULL;
		return KERN_SUCCESS;
	}
	if (object == IPC_OBJECT_DEAD) {
		*namep = MACH_PORT_DEAD;
		return KERN_SUCCESS;
	}
	port = (struct ipc_port *) object;
	if (!port->active && type != MACH_MSG_TYPE_PORT_RECEIVE) {
		/* A right to a port that died in transit. */
		if (type == MACH_MSG_TYPE_PORT_SEND)
			ipc_port_release_send(port);
		else
			ipc_port_release_sonce(port);
		*namep = MACH_PORT_DEAD;
		return KERN_SUCCESS;
	}
	if (type != MACH_MSG_TYPE_PORT_SEND_ONCE)
		entry = ipc_entry_reverse(space, port);
	if (!entry) {
		if (ipc_space_size(space) >= IPC_SPACE_MAX_NAMES) {
			ipc_right_release(object, type);
			*namep = MACH_PORT_NULL;
			return KERN_NO_SPACE;
		}
		entry = ipc_entry_alloc(space);
	}
	entry_take_right(space, entry, port, type);
	*namep = entry->name;
	return KERN_SUCCESS;
}

kern_return_t
ipc_right_copyout_name(struct ipc_space *space, struct ipc_object *object,
		       mach_msg_type_name_t type, mach_port_name_t name)
{
	struct ipc_port *port = (struct ipc_port *) object;
	struct ipc_entry *entry, *other;

	if (!MACH_PORT_NAME_VALID(name))
		return KERN_INVALID_VALUE;
	if (!IPC_OBJECT_VALID(object))
		return KERN_INVALID_CAPABILITY;
	entry = ipc_entry_lookup(space, name);
	other = type == MACH_MSG_TYPE_PORT_SEND_ONCE ? NULL : ipc_entry_reverse(space, port);

	if (entry) {
		/* Only adding send or receive to the same port's entry. */
		if (type == MACH_MSG_TYPE_PORT_SEND_ONCE || entry->object != object)
			return KERN_NAME_EXISTS;
		if (type == MACH_MSG_TYPE_PORT_RECEIVE && (entry->type & MACH_PORT_TYPE_RECEIVE))
			return KERN_RIGHT_EXISTS;
		if (type == MACH_MSG_TYPE_PORT_SEND && (entry->type & MACH_PORT_TYPE_SEND) &&
		    entry->urefs >= IPC_SEND_UREFS_MAX)
			return KERN_UREFS_OVERFLOW;
	} else {
		/* The port already has another name here. */
		if (other)
			return KERN_RIGHT_EXISTS;
		if (ipc_space_size(space) >= IPC_SPACE_MAX_NAMES)
			return KERN_NO_SPACE;
		entry = ipc_entry_alloc_name(space, name);
		MACHD_ASSERT(entry);
	}
	if (!port->active && type != MACH_MSG_TYPE_PORT_RECEIVE) {
		/* A right to a dead port arrives as a dead name. */
		if (entry->type == 0) {
			entry->type = MACH_PORT_TYPE_DEAD_NAME;
			entry->urefs = 1;
		}
		if (type == MACH_MSG_TYPE_PORT_SEND)
			ipc_port_release_send(port);
		else
			ipc_port_release_sonce(port);
		return KERN_SUCCESS;
	}
	entry_take_right(space, entry, port, type);
	return KERN_SUCCESS;
}

kern_return_t
ipc_right_dealloc(struct ipc_space *space, mach_port_name_t name)
{
	struct ipc_entry *entry = ipc_entry_lookup(space, name);
	struct ipc_port *port;

	if (!entry)
		return KERN_INVALID_NAME;
	switch (TYPE_RIGHTS(entry)) {
	case MACH_PORT_TYPE_DEAD_NAME:
		if (--entry->urefs == 0)
			entry_delete(space, entry);
		return KERN_SUCCESS;
	case MACH_PORT_TYPE_SEND_ONCE:
		port = entry_port(entry);
		entry_delete(space, entry);
		ipc_notify_send_once(port);
		return KERN_SUCCESS;
	case MACH_PORT_TYPE_SEND:
	case MACH_PORT_TYPE_SEND_RECEIVE:
		port = entry_port(entry);
		if (--entry->urefs > 0)
			return KERN_SUCCESS;
		if (entry->type & MACH_PORT_TYPE_RECEIVE) {
			entry->type &= ~MACH_PORT_TYPE_SEND;
			ipc_port_reference(port);
			ipc_port_release_send(port);
		} else {
			entry_delete(space, entry);
			ipc_port_release_send(port);
		}
		return KERN_SUCCESS;
	default:
		return KERN_INVALID_RIGHT;
	}
}

/* Destroy the receive right held by ENTRY (which may keep its send right). */
static void
destroy_receive(struct ipc_space *space, struct ipc_entry *entry)
{
	struct ipc_port *port = entry_port(entry);

	entry->type &= ~MACH_PORT_TYPE_RECEIVE;
	if (entry->type & MACH_PORT_TYPE_SEND) {
		/* The send right stays, naming a port about to die; the
		 * receive right needs its own reference to give up. */
		ipc_port_reference(port);
	} else {
		entry_delete(space, entry);
	}
	port->receiver = NULL;
	port->receiver_name = MACH_PORT_NULL;
	ipc_port_destroy(port);
}

kern_return_t
ipc_right_destroy(struct ipc_space *space, mach_port_name_t name)
{
	struct ipc_entry *entry = ipc_entry_lookup(space, name);
	struct ipc_port *port;

	if (!entry)
		return KERN_INVALID_NAME;
	switch (TYPE_RIGHTS(entry)) {
	case MACH_PORT_TYPE_DEAD_NAME:
		entry_delete(space, entry);
		return KERN_SUCCESS;
	case MACH_PORT_TYPE_PORT_SET: {
		struct ipc_pset *pset = (struct ipc_pset *) entry->object;

		entry_delete(space, entry);
		ipc_pset_destroy(pset);		/* takes the entry's reference */
		return KERN_SUCCESS;
	}
	case MACH_PORT_TYPE_SEND_ONCE:
		return ipc_right_dealloc(space, name);
	case MACH_PORT_TYPE_SEND:
		entry->urefs = 1;
		return ipc_right_dealloc(space, name);
	case MACH_PORT_TYPE_SEND_RECEIVE:
	case MACH_PORT_TYPE_RECEIVE:
		port = entry_port(entry);
		ipc_port_reference(port);	/* keep it while we work */
		if (entry->type & MACH_PORT_TYPE_SEND) {
			entry->urefs = 1;
			ipc_right_dealloc(space, name);	/* the send right */
		}
		entry = ipc_entry_lookup(space, name);
		MACHD_ASSERT(entry && (entry->type & MACH_PORT_TYPE_RECEIVE));
		destroy_receive(space, entry);
		ipc_port_release(port);
		return KERN_SUCCESS;
	default:
		return KERN_INVALID_RIGHT;
	}
}

kern_return_t
ipc_right_delta(struct ipc_space *space, mach_port_name_t name,
		mach_port_right_t right, mach_port_delta_t delta)
{
	struct ipc_entry *entry;

	if (right >= MACH_PORT_RIGHT_NUMBER)
		return KERN_INVALID_VALUE;
	entry = ipc_entry_lookup(space, name);
	if (!entry)
		return KERN_INVALID_NAME;

	switch (right) {
	case MACH_PORT_RIGHT_RECEIVE:
		if (!(entry->type & MACH_PORT_TYPE_RECEIVE))
			return KERN_INVALID_RIGHT;
		if (delta == 0)
			return KERN_SUCCESS;
		if (delta != -1)
			return KERN_INVALID_VALUE;
		destroy_receive(space, entry);
		return KERN_SUCCESS;

	case MACH_PORT_RIGHT_PORT_SET:
		if (!(entry->type & MACH_PORT_TYPE_PORT_SET))
			return KERN_INVALID_RIGHT;
		if (delta == 0)
			return KERN_SUCCESS;
		if (delta != -1)
			return KERN_INVALID_VALUE;
		return ipc_right_destroy(space, name);

	case MACH_PORT_RIGHT_SEND_ONCE:
		if (!(entry->type & MACH_PORT_TYPE_SEND_ONCE))
			return KERN_INVALID_RIGHT;
		if (delta == 0)
			return KERN_SUCCESS;
		if (delta != -1)
			return KERN_INVALID_VALUE;
		return ipc_right_dealloc(space, name);

	case MACH_PORT_RIGHT_DEAD_NAME:
	case MACH_PORT_RIGHT_SEND: {
		mach_port_type_t want = right == MACH_PORT_RIGHT_SEND
			? MACH_PORT_TYPE_SEND : MACH_PORT_TYPE_DEAD_NAME;
		int64_t urefs;

		if (!(entry->type & want))
			return KERN_INVALID_RIGHT;
		urefs = (int64_t) entry->urefs + delta;
		if (urefs < 0)
			return KERN_INVALID_VALUE;
		if (urefs > (right == MACH_PORT_RIGHT_SEND ? IPC_SEND_UREFS_MAX : MACH_PORT_UREFS_MAX))
			return KERN_UREFS_OVERFLOW;
		if (urefs > 0) {
			entry->urefs = (mach_port_urefs_t) urefs;
			return KERN_SUCCESS;
		}
		/* Down to zero: the right goes, as by deallocation. */
		entry->urefs = 1;
		return ipc_right_dealloc(space, name);
	}
	default:
		return KERN_INVALID_VALUE;
	}
}

void
ipc_right_clean(struct ipc_space *space, struct ipc_entry *entry)
{
	struct ipc_port *port, *dn;

	switch (TYPE_RIGHTS(entry)) {
	case MACH_PORT_TYPE_DEAD_NAME:
		break;
	case MACH_PORT_TYPE_PORT_SET:
		ipc_pset_destroy((struct ipc_pset *) entry->object);
		break;
	case MACH_PORT_TYPE_SEND:
	case MACH_PORT_TYPE_RECEIVE:
	case MACH_PORT_TYPE_SEND_RECEIVE:
	case MACH_PORT_TYPE_SEND_ONCE:
		port = entry_port(entry);
		dn = port->active ? ipc_right_dncancel(space, entry) : NULL;
		if (entry->type & MACH_PORT_TYPE_SEND) {
			ipc_port_reference(port);
			ipc_port_release_send(port);
		}
		if (entry->type & MACH_PORT_TYPE_SEND_ONCE) {
			if (port->active) {
				ipc_port_reference(port);
				ipc_notify_send_once(port);
			} else {
				ipc_port_reference(port);
				ipc_port_release_sonce(port);
			}
		}
		if ((entry->type & MACH_PORT_TYPE_RECEIVE) && port->active) {
			ipc_port_reference(port);
			port->receiver = NULL;
			port->receiver_name = MACH_PORT_NULL;
			ipc_port_destroy(port);
		}
		ipc_port_release(port);		/* the entry's reference */
		if (dn)
			ipc_notify_port_deleted(dn, entry->name);
		break;
	}
	entry->type = 0;
	entry->object = NULL;
}

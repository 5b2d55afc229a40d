/* The routines of mach_port.defs, served on task ports, and hell.defs's
 * hell_port_allocate_served, which does several of them in one.
 *
 * Each S_ routine gets the task port's name in the kernel space; rights
 * passed in arrive as names in the kernel space too (kobject.h).  Return
 * codes are GNU Mach's (ipc/mach_port.c there): KERN_INVALID_TASK for a name
 * that is not a live task, KERN_INVALID_NAME for a name the space lacks,
 * KERN_INVALID_RIGHT for a name without the needed right, KERN_INVALID_VALUE
 * for an argument out of range.
 */
#include "ipc.h"
#include "port.h"
#include "pset.h"
#include "right.h"
#include "space.h"
#include "notify.h"
#include "mqueue.h"
#include "../kern/kobject.h"
#include "../util/assert.h"

#include <mach/notify.h>
#include <string.h>

/* The port of the receive right NAME in SPACE, in *PORT: KERN_SUCCESS,
 * KERN_INVALID_NAME or KERN_INVALID_RIGHT. */
static kern_return_t
receive_port(struct ipc_space *space, mach_port_name_t name, struct ipc_port **port)
{
	struct ipc_entry *entry = ipc_entry_lookup(space, name);

	if (!entry)
		return KERN_INVALID_NAME;
	if (!(entry->type & MACH_PORT_TYPE_RECEIVE))
		return KERN_INVALID_RIGHT;
	*port = (struct ipc_port *) entry->object;
	return KERN_SUCCESS;
}

/* The same, for the space of the task TASK names: KERN_INVALID_TASK if
 * it names none.  */
static kern_return_t
task_receive_port(mach_port_t task, mach_port_name_t name, struct ipc_port **port)
{
	struct ipc_space *space = kobject_space(task);

	return space ? receive_port(space, name, port) : KERN_INVALID_TASK;
}

kern_return_t
S_mach_port_names(mach_port_t task, mach_port_name_array_t *names,
		  mach_msg_type_number_t *namesCnt, mach_port_type_array_t *types,
		  mach_msg_type_number_t *typesCnt)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	size_t n = space->names.count, i = 0, iter = 0;
	mach_port_name_t *nv = kobject_reply_alloc(n * sizeof *nv);
	mach_port_type_t *tv = kobject_reply_alloc(n * sizeof *tv);
	uint64_t key;
	void *value;

	/* Look every name up first: dead ports turn into dead names. */
	while (hashmap_next(&space->names, &iter, &key, &value))
		nv[i++] = (mach_port_name_t) key;
	for (i = 0; i < n; i++) {
		struct ipc_entry *e = ipc_entry_lookup(space, nv[i]);

		tv[i] = e->type | (e->dnrequest ? MACH_PORT_TYPE_DNREQUEST : 0);
	}
	*names = nv;
	*namesCnt = n;
	*types = tv;
	*typesCnt = n;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_type(mach_port_t task, mach_port_name_t name, mach_port_type_t *ptype)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	struct ipc_entry *e = ipc_entry_lookup(space, name);

	if (!e)
		return KERN_INVALID_NAME;
	*ptype = e->type | (e->dnrequest ? MACH_PORT_TYPE_DNREQUEST : 0);
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_rename(mach_port_t task, mach_port_name_t old_name, mach_port_name_t new_name)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	struct ipc_entry *e, *ne;

	if (!MACH_PORT_NAME_VALID(new_name))
		return KERN_INVALID_VALUE;
	e = ipc_entry_lookup(space, old_name);
	if (!e)
		return KERN_INVALID_NAME;
	if (ipc_entry_lookup(space, new_name))
		return KERN_NAME_EXISTS;

	ne = ipc_entry_alloc_name(space, new_name);
	ne->type = e->type;
	ne->urefs = e->urefs;
	ne->dnrequest = e->dnrequest;
	ne->object = e->object;
	if (ne->object && ne->object->otype == IOT_PORT) {
		struct ipc_port *port = (struct ipc_port *) ne->object;

		if (e->type & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE)) {
			ipc_entry_reverse_clear(space, e);
			ipc_entry_reverse_set(space, ne);
		}
		if (e->type & MACH_PORT_TYPE_RECEIVE)
			port->receiver_name = new_name;
		if (e->dnrequest && port->active) {
			for (uint32_t i = 0; i < port->dnrequest_count; i++)
				if (port->dnrequests[i].space == space &&
				    port->dnrequests[i].name == old_name)
					port->dnrequests[i].name = new_name;
		}
	} else if (ne->object && ne->object->otype == IOT_PSET) {
		((struct ipc_pset *) ne->object)->name = new_name;
	}
	e->type = 0;
	e->urefs = 0;
	e->dnrequest = false;
	e->object = NULL;
	ipc_entry_dealloc(space, e);
	return KERN_SUCCESS;
}

/* Make a right of kind RIGHT in ENTRY (empty, just allocated). */
static kern_return_t
fill_new_entry(struct ipc_space *space, struct ipc_entry *entry, mach_port_right_t right)
{
	switch (right) {
	case MACH_PORT_RIGHT_RECEIVE: {
		struct ipc_port *port = ipc_port_alloc();

		ipc_port_reference(port);
		entry->type = MACH_PORT_TYPE_RECEIVE;
		entry->object = &port->obj;
		port->receiver = space;
		port->receiver_name = entry->name;
		ipc_entry_reverse_set(space, entry);
		return KERN_SUCCESS;
	}
	case MACH_PORT_RIGHT_PORT_SET: {
		struct ipc_pset *pset = ipc_pset_alloc();

		ipc_pset_reference(pset);
		pset->space = space;
		pset->name = entry->name;
		entry->type = MACH_PORT_TYPE_PORT_SET;
		entry->object = &pset->obj;
		return KERN_SUCCESS;
	}
	case MACH_PORT_RIGHT_DEAD_NAME:
		entry->type = MACH_PORT_TYPE_DEAD_NAME;
		entry->urefs = 1;
		return KERN_SUCCESS;
	default:
		return KERN_INVALID_VALUE;
	}
}

static bool
right_allocatable(mach_port_right_t right)
{
	return right == MACH_PORT_RIGHT_RECEIVE || right == MACH_PORT_RIGHT_PORT_SET ||
	       right == MACH_PORT_RIGHT_DEAD_NAME;
}

kern_return_t
S_mach_port_allocate_name(mach_port_t task, mach_port_right_t right, mach_port_name_t name)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	struct ipc_entry *entry;

	if (!MACH_PORT_NAME_VALID(name) || !right_allocatable(right))
		return KERN_INVALID_VALUE;
	if (ipc_entry_lookup(space, name))
		return KERN_NAME_EXISTS;
	if (ipc_space_size(space) >= IPC_SPACE_MAX_NAMES)
		return KERN_NO_SPACE;
	entry = ipc_entry_alloc_name(space, name);
	return fill_new_entry(space, entry, right);
}

kern_return_t
S_mach_port_allocate(mach_port_t task, mach_port_right_t right, mach_port_name_t *name)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	struct ipc_entry *entry;

	if (!right_allocatable(right))
		return KERN_INVALID_VALUE;
	if (ipc_space_size(space) >= IPC_SPACE_MAX_NAMES)
		return KERN_NO_SPACE;
	entry = ipc_entry_alloc(space);
	*name = entry->name;
	return fill_new_entry(space, entry, right);
}

/* hell.defs: a receive right made ready to serve in one call, so that a
 * server (libports) pays one round trip for a port instead of four.  Every
 * check comes before anything is made: a failure leaves the space as it
 * was. */
kern_return_t
S_hell_port_allocate_served(mach_port_t task, mach_port_name_t pset_name, rpc_uintptr_t payload,
			    mach_port_mscount_t ns_sync, mach_port_name_t *name)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	struct ipc_pset *pset = NULL;
	struct ipc_entry *entry;
	struct ipc_port *port;

	if (pset_name != MACH_PORT_NULL) {
		entry = ipc_entry_lookup(space, pset_name);
		if (!entry)
			return KERN_INVALID_NAME;
		if (!(entry->type & MACH_PORT_TYPE_PORT_SET))
			return KERN_INVALID_RIGHT;
		pset = (struct ipc_pset *) entry->object;
	}
	if (ipc_space_size(space) >= IPC_SPACE_MAX_NAMES)
		return KERN_NO_SPACE;
	entry = ipc_entry_alloc(space);
	fill_new_entry(space, entry, MACH_PORT_RIGHT_RECEIVE);
	port = (struct ipc_port *) entry->object;
	if (pset)
		ipc_pset_add(pset, port);
	if (payload != 0) {
		port->payload = payload;
		port->has_payload = true;
	}
	if (ns_sync != 0) {
		/* The port is new: no sender, make-send count 0 < NS_SYNC, so
		 * the request waits (mach_port_request_notification would not
		 * fire it now either). */
		port->nsrequest = ipc_port_make_sonce(port);
		port->nssync = ns_sync;
	}
	*name = entry->name;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_destroy(mach_port_t task, mach_port_name_t name)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	return ipc_right_destroy(space, name);
}

kern_return_t
S_mach_port_deallocate(mach_port_t task, mach_port_name_t name)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	return ipc_right_dealloc(space, name);
}

kern_return_t
S_mach_port_get_refs(mach_port_t task, mach_port_name_t name, mach_port_right_t right,
		     mach_port_urefs_t *refs)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	struct ipc_entry *e;

	if (right >= MACH_PORT_RIGHT_NUMBER)
		return KERN_INVALID_VALUE;
	e = ipc_entry_lookup(space, name);
	if (!e)
		return KERN_INVALID_NAME;
	if (!(e->type & MACH_PORT_TYPE(right)))
		*refs = 0;
	else if (right == MACH_PORT_RIGHT_SEND || right == MACH_PORT_RIGHT_DEAD_NAME)
		*refs = e->urefs;
	else
		*refs = 1;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_mod_refs(mach_port_t task, mach_port_name_t name, mach_port_right_t right,
		     mach_port_delta_t delta)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	return ipc_right_delta(space, name, right, delta);
}

kern_return_t
S_mach_port_set_qlimit(mach_port_t task, mach_port_name_t name, mach_port_msgcount_t qlimit)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;
	/* GNU Mach checks the value before the name. */
	if (qlimit > MACH_PORT_QLIMIT_MAX)
		return KERN_INVALID_VALUE;
	struct ipc_port *port;
	kern_return_t kr = receive_port(space, name, &port);

	if (kr != KERN_SUCCESS)
		return kr;

	port->qlimit = qlimit;
	/* A raised limit lets waiting senders in. */
	ipc_mqueue_limit_raised(port);
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_set_mscount(mach_port_t task, mach_port_name_t name, mach_port_mscount_t mscount)
{
	struct ipc_port *port;
	kern_return_t kr = task_receive_port(task, name, &port);

	if (kr != KERN_SUCCESS)
		return kr;

	port->mscount = mscount;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_get_set_status(mach_port_t task, mach_port_name_t name,
			   mach_port_name_array_t *members, mach_msg_type_number_t *membersCnt)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	struct ipc_entry *e = ipc_entry_lookup(space, name);
	struct ipc_pset *pset;
	struct list *pos, *tmp;
	size_t n = 0;
	mach_port_name_t *v;

	if (!e)
		return KERN_INVALID_NAME;
	if (!(e->type & MACH_PORT_TYPE_PORT_SET))
		return KERN_INVALID_RIGHT;
	pset = (struct ipc_pset *) e->object;
	list_for_each_safe(pos, tmp, &pset->members)
		n++;
	v = kobject_reply_alloc(n * sizeof *v);
	n = 0;
	list_for_each_safe(pos, tmp, &pset->members)
		v[n++] = list_entry(pos, struct ipc_port, pset_link)->receiver_name;
	*members = v;
	*membersCnt = n;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_move_member(mach_port_t task, mach_port_name_t member, mach_port_name_t after)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	struct ipc_pset *pset = NULL;
	struct ipc_entry *e;

	struct ipc_port *port;
	kern_return_t kr = receive_port(space, member, &port);

	if (kr != KERN_SUCCESS)
		return kr;

	if (after != MACH_PORT_NULL) {
		e = ipc_entry_lookup(space, after);
		if (!e)
			return KERN_INVALID_NAME;
		if (!(e->type & MACH_PORT_TYPE_PORT_SET))
			return KERN_INVALID_RIGHT;
		pset = (struct ipc_pset *) e->object;
	} else if (port->pset == NULL) {
		return KERN_NOT_IN_SET;
	}
	if (port->pset)
		ipc_pset_remove(port->pset, port);
	if (pset)
		ipc_pset_add(pset, port);
	return KERN_SUCCESS;
}

/* Register a dead-name request for NAME (GNU Mach's ipc_right_dnrequest). */
static kern_return_t
dnrequest(struct ipc_space *space, mach_port_name_t name, bool immediate,
	  mach_port_t notify_name, struct ipc_port **previous)
{
	struct ipc_entry *e = ipc_entry_lookup(space, name);
	struct ipc_object *notify;
	kern_return_t kr;

	*previous = NULL;
	if (!e)
		return KERN_INVALID_NAME;
	if (e->type & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE | MACH_PORT_TYPE_SEND_ONCE)) {
		struct ipc_port *port = (struct ipc_port *) e->object;

		kr = kobject_take_right(notify_name, MACH_MSG_TYPE_PORT_SEND_ONCE, &notify);
		if (kr != KERN_SUCCESS)
			return KERN_INVALID_CAPABILITY;
		*previous = ipc_right_dncancel(space, e);
		if (IPC_OBJECT_VALID(notify)) {
			ipc_port_dnrequest_add(port, space, name, (struct ipc_port *) notify);
			e->dnrequest = true;
		}
		return KERN_SUCCESS;
	}
	if (e->type == MACH_PORT_TYPE_DEAD_NAME && immediate && MACH_PORT_VALID(notify_name)) {
		if (e->urefs >= MACH_PORT_UREFS_MAX)
			return KERN_UREFS_OVERFLOW;
		kr = kobject_take_right(notify_name, MACH_MSG_TYPE_PORT_SEND_ONCE, &notify);
		if (kr != KERN_SUCCESS)
			return KERN_INVALID_CAPABILITY;
		e->urefs++;
		ipc_notify_dead_name((struct ipc_port *) notify, name);
		return KERN_SUCCESS;
	}
	if (e->type == MACH_PORT_TYPE_DEAD_NAME)
		return KERN_INVALID_ARGUMENT;

	return KERN_INVALID_RIGHT;
}

kern_return_t
S_mach_port_request_notification(mach_port_t task, mach_port_name_t name, mach_msg_id_t id,
				 mach_port_mscount_t sync, mach_port_t notify,
				 mach_port_t *previous, mach_msg_type_name_t *previousPoly)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	struct ipc_port *prev = NULL;
	struct ipc_object *nobj;
	kern_return_t kr;

	/* GNU Mach's order of checks: a dead notify port, then the id's own. */
	if (notify == MACH_PORT_DEAD)
		return KERN_INVALID_CAPABILITY;
	switch (id) {
	case MACH_NOTIFY_PORT_DESTROYED: {
		if (sync != 0)
			return KERN_INVALID_VALUE;
		struct ipc_port *port;

		kr = receive_port(space, name, &port);

		if (kr != KERN_SUCCESS)
			return kr;

		if (kobject_take_right(notify, MACH_MSG_TYPE_PORT_SEND_ONCE, &nobj) != KERN_SUCCESS)
			return KERN_INVALID_CAPABILITY;
		prev = port->pdrequest;
		port->pdrequest = IPC_OBJECT_VALID(nobj) ? (struct ipc_port *) nobj : NULL;
		break;
	}
	case MACH_NOTIFY_NO_SENDERS: {
		struct ipc_port *port;

		kr = receive_port(space, name, &port);

		if (kr != KERN_SUCCESS)
			return kr;

		if (kobject_take_right(notify, MACH_MSG_TYPE_PORT_SEND_ONCE, &nobj) != KERN_SUCCESS)
			return KERN_INVALID_CAPABILITY;
		prev = port->nsrequest;
		port->nsrequest = NULL;
		if (IPC_OBJECT_VALID(nobj)) {
			if (port->srights == 0 && sync <= port->mscount) {
				/* No senders already: it fires now. */
				ipc_notify_no_senders((struct ipc_port *) nobj, port->mscount);
			} else {
				port->nsrequest = (struct ipc_port *) nobj;
				port->nssync = sync;
			}
		}
		break;
	}
	case MACH_NOTIFY_DEAD_NAME:
		kr = dnrequest(space, name, sync != 0, notify, &prev);
		if (kr != KERN_SUCCESS)
			return kr;

		break;
	default:
		return KERN_INVALID_VALUE;
	}
	*previous = prev ? kobject_give_right(&prev->obj, MACH_MSG_TYPE_PORT_SEND_ONCE)
			 : MACH_PORT_NULL;
	*previousPoly = MACH_MSG_TYPE_MOVE_SEND_ONCE;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_insert_right(mach_port_t task, mach_port_name_t name, mach_port_t poly,
			 mach_msg_type_name_t polyPoly)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	struct ipc_object *obj;
	kern_return_t kr;

	if (!MACH_PORT_NAME_VALID(name) || !MACH_MSG_TYPE_PORT_ANY_RIGHT(polyPoly))
		return KERN_INVALID_VALUE;
	if (!MACH_PORT_VALID(poly))
		return KERN_INVALID_CAPABILITY;
	kr = kobject_take_right(poly, polyPoly, &obj);
	if (kr != KERN_SUCCESS)
		return KERN_INVALID_CAPABILITY;
	kr = ipc_right_copyout_name(space, obj, polyPoly, name);
	if (kr != KERN_SUCCESS)
		ipc_right_release(obj, polyPoly);
	return kr;
}

kern_return_t
S_mach_port_extract_right(mach_port_t task, mach_port_name_t name, mach_msg_type_name_t msgt_name,
			  mach_port_t *poly, mach_msg_type_name_t *polyPoly)
{
	struct ipc_space *space = kobject_space(task);

	if (!space)
		return KERN_INVALID_TASK;

	struct ipc_object *obj;
	mach_msg_type_name_t type = ipc_object_copyin_type(msgt_name);
	kern_return_t kr;

	if (type == 0)
		return KERN_INVALID_VALUE;
	/* As ipc_object_copyin: a dead name gives MACH_PORT_DEAD. */
	kr = ipc_right_copyin(space, name, msgt_name, true, &obj);
	if (kr != KERN_SUCCESS)
		return kr;
	*poly = kobject_give_right(obj, type);
	/* MACH_MSG_TYPE_PORT_* equal the MOVE dispositions the reply uses. */
	*polyPoly = type;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_get_receive_status(mach_port_t task, mach_port_name_t name, mach_port_status_t *status)
{
	struct ipc_port *port;
	kern_return_t kr = task_receive_port(task, name, &port);

	if (kr != KERN_SUCCESS)
		return kr;

	memset(status, 0, sizeof *status);
	status->mps_pset = port->pset ? port->pset->name : MACH_PORT_NULL;
	status->mps_seqno = port->seqno;
	status->mps_mscount = port->mscount;
	status->mps_qlimit = port->qlimit;
	status->mps_msgcount = port->msgcount;
	status->mps_sorights = port->sorights;
	status->mps_srights = port->srights > 0;
	status->mps_pdrequest = port->pdrequest != NULL;
	status->mps_nsrequest = port->nsrequest != NULL;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_set_seqno(mach_port_t task, mach_port_name_t name, mach_port_seqno_t seqno)
{
	struct ipc_port *port;
	kern_return_t kr = task_receive_port(task, name, &port);

	if (kr != KERN_SUCCESS)
		return kr;

	port->seqno = seqno;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_set_protected_payload(mach_port_t task, mach_port_name_t name, rpc_uintptr_t payload)
{
	struct ipc_port *port;
	kern_return_t kr = task_receive_port(task, name, &port);

	if (kr != KERN_SUCCESS)
		return kr;

	port->payload = payload;
	port->has_payload = true;
	return KERN_SUCCESS;
}

kern_return_t
S_mach_port_clear_protected_payload(mach_port_t task, mach_port_name_t name)
{
	struct ipc_port *port;
	kern_return_t kr = task_receive_port(task, name, &port);

	if (kr != KERN_SUCCESS)
		return kr;

	port->payload = 0;
	port->has_payload = false;
	return KERN_SUCCESS;
}

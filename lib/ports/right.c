/* A port's receive right: handing out send rights, and destroying,
 * claiming, moving and replacing the right.
 *
 * Send rights and the self-reference: the first send right made through
 * ports_get_right sets PORT_HAS_SENDRIGHTS and takes a hard reference
 * that stands for all send rights; a no-senders notification must then be
 * requested, with the make-send count as sync.  A port made by
 * ports_create_port has that request already (create.c), so that the
 * first send right costs no call; otherwise ports_get_right makes it.
 * ports_no_senders drops the reference when the notification shows that
 * no send right made since is left.  Every operation below that ends or
 * replaces the right settles that reference. */
#include "ports_internal.h"

#include <hell/hell_rpc.h>
#include <mach/notify.h>

void
_ports_request_no_senders(struct port_info *pi, mach_port_t right, mach_port_mscount_t sync)
{
	mach_port_t previous = MACH_PORT_NULL;

	if (mach_port_request_notification(mach_task_self(), right, MACH_NOTIFY_NO_SENDERS,
					   sync, right, MACH_MSG_TYPE_MAKE_SEND_ONCE,
					   &previous) != KERN_SUCCESS)
		return;
	pi->flags |= _PORT_NS_REQUESTED;
	if (MACH_PORT_VALID(previous))
		mach_port_deallocate(mach_task_self(), previous);
}

/* Drop our no-senders request on RIGHT, which leaves the library. */
static void
cancel_no_senders(mach_port_t right)
{
	mach_port_t previous = MACH_PORT_NULL;

	if (mach_port_request_notification(mach_task_self(), right, MACH_NOTIFY_NO_SENDERS,
					   0, MACH_PORT_NULL, MACH_MSG_TYPE_MAKE_SEND_ONCE,
					   &previous) == KERN_SUCCESS &&
	    MACH_PORT_VALID(previous))
		mach_port_deallocate(mach_task_self(), previous);
}

mach_port_t
ports_get_right(void *port)
{
	struct port_info *pi = port;
	mach_port_t right;

	pthread_mutex_lock(&_ports_lock);
	right = pi->port_right;
	if (!MACH_PORT_VALID(right)) {
		pthread_mutex_unlock(&_ports_lock);
		return MACH_PORT_NULL;
	}
	pi->mscount++;
	if (!(pi->flags & PORT_HAS_SENDRIGHTS)) {
		pi->flags |= PORT_HAS_SENDRIGHTS;
		refcounts_ref(&pi->refcounts, NULL);
		/* An armed request waits for the first send right whatever
		 * its sync: the one made at creation (sync 1) is the one we
		 * would make now (sync = mscount = 1). */
		if (!(pi->flags & _PORT_NS_REQUESTED))
			_ports_request_no_senders(pi, right, pi->mscount);
	}
	pthread_mutex_unlock(&_ports_lock);
	return right;
}

mach_port_t
ports_get_send_right(void *port)
{
	mach_port_t right = ports_get_right(port);

	if (!MACH_PORT_VALID(right))
		return MACH_PORT_NULL;
	if (mach_port_insert_right(mach_task_self(), right, right, MACH_MSG_TYPE_MAKE_SEND)
	    != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return right;
}

error_t
ports_destroy_right(void *port)
{
	struct port_info *pi = port;
	mach_port_t right;
	bool had_senders;

	pthread_mutex_lock(&_ports_lock);
	right = _ports_htable_remove(pi);
	had_senders = pi->flags & PORT_HAS_SENDRIGHTS;
	pi->flags &= ~(PORT_HAS_SENDRIGHTS | _PORT_NS_REQUESTED);
	pthread_mutex_unlock(&_ports_lock);

	if (MACH_PORT_VALID(right))
		mach_port_mod_refs(mach_task_self(), right, MACH_PORT_RIGHT_RECEIVE, -1);
	/* A message already dequeued for PI finds port_right null (EOPNOTSUPP);
	 * its memory outlives it (reclaim.c), so this may be the last deref. */
	if (had_senders)
		ports_port_deref(pi);
	return 0;
}

mach_port_t
ports_claim_right(void *port)
{
	struct port_info *pi = port;
	mach_port_t right;
	bool had_senders, requested;

	pthread_mutex_lock(&_ports_lock);
	right = _ports_htable_remove(pi);
	had_senders = pi->flags & PORT_HAS_SENDRIGHTS;
	requested = pi->flags & _PORT_NS_REQUESTED;
	pi->flags &= ~(PORT_HAS_SENDRIGHTS | _PORT_NS_REQUESTED);
	pthread_mutex_unlock(&_ports_lock);
	if (!MACH_PORT_VALID(right))
		return MACH_PORT_NULL;

	mach_port_move_member(mach_task_self(), right, MACH_PORT_NULL);
	mach_port_clear_protected_payload(mach_task_self(), right);
	/* The new owner did not ask for our request. */
	if (had_senders || requested)
		cancel_no_senders(right);
	if (had_senders)
		ports_port_deref(pi);
	return right;
}

error_t
ports_transfer_right(void *topt, void *frompt)
{
	struct port_info *to = topt, *from = frompt;
	mach_port_t right, old;
	bool from_senders, to_senders, from_requested;
	error_t err = 0;

	if (to == from)
		return 0;
	pthread_mutex_lock(&_ports_lock);
	right = _ports_htable_remove(from);
	from_senders = from->flags & PORT_HAS_SENDRIGHTS;
	from_requested = from->flags & _PORT_NS_REQUESTED;
	from->flags &= ~(PORT_HAS_SENDRIGHTS | _PORT_NS_REQUESTED);

	old = _ports_htable_remove(to);
	to_senders = to->flags & PORT_HAS_SENDRIGHTS;
	to->flags &= ~(PORT_HAS_SENDRIGHTS | _PORT_NS_REQUESTED);
	if (MACH_PORT_VALID(right)) {
		to->mscount = from->mscount;
		__atomic_store_n(&to->cancel_threshold,
				 __atomic_load_n(&from->cancel_threshold, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
		if (from_senders)
			to->flags |= PORT_HAS_SENDRIGHTS;
		/* The request lives on the right, and comes to it: to TO. */
		if (from_requested)
			to->flags |= _PORT_NS_REQUESTED;
		err = _ports_htable_add(to, right);
		if (err)	/* out of memory: the right cannot stay with TO */
			to->flags &= ~(PORT_HAS_SENDRIGHTS | _PORT_NS_REQUESTED);
	}
	/* TO's self-reference: keep it if TO still stands for senders. */
	if ((to->flags & PORT_HAS_SENDRIGHTS) && !to_senders)
		refcounts_ref(&to->refcounts, NULL);
	pthread_mutex_unlock(&_ports_lock);

	if (MACH_PORT_VALID(old))
		mach_port_mod_refs(mach_task_self(), old, MACH_PORT_RIGHT_RECEIVE, -1);
	if (MACH_PORT_VALID(right)) {
		if (err) {
			mach_port_mod_refs(mach_task_self(), right, MACH_PORT_RIGHT_RECEIVE, -1);
		} else {
			_ports_set_payload(to, right);
			if (to->bucket != from->bucket)
				mach_port_move_member(mach_task_self(), right, to->bucket->portset);
		}
	}
	if (to_senders && !(to->flags & PORT_HAS_SENDRIGHTS))
		ports_port_deref(to);
	if (from_senders)
		ports_port_deref(from);
	return err;
}

void
ports_reallocate_port(void *port)
{
	struct port_info *pi = port;
	mach_port_t old, right = MACH_PORT_NULL;
	bool had_senders;
	error_t err;

	/* Made as ports_create_port makes one (create.c); nobody can send
	 * to it before it is in the tables. */
	err = hell_port_allocate_served(mach_task_self(), pi->bucket->portset,
					(rpc_uintptr_t) pi, 1, &right);
	pthread_mutex_lock(&_ports_lock);
	old = _ports_htable_remove(pi);
	had_senders = pi->flags & PORT_HAS_SENDRIGHTS;
	pi->flags &= ~(PORT_HAS_SENDRIGHTS | _PORT_NS_REQUESTED);
	pi->mscount = 0;
	__atomic_store_n(&pi->cancel_threshold, 0, __ATOMIC_RELAXED);
	if (!err)
		err = _ports_htable_add(pi, right);
	if (!err)
		pi->flags |= _PORT_NS_REQUESTED;
	pthread_mutex_unlock(&_ports_lock);

	if (MACH_PORT_VALID(old))
		mach_port_mod_refs(mach_task_self(), old, MACH_PORT_RIGHT_RECEIVE, -1);
	if (err && MACH_PORT_VALID(right)) {
		/* No memory for the tables: PI ends without a right, as after
		 * ports_destroy_right. */
		mach_port_mod_refs(mach_task_self(), right, MACH_PORT_RIGHT_RECEIVE, -1);
	}
	if (had_senders)
		ports_port_deref(pi);
}

void
ports_reallocate_from_external(void *port, mach_port_t receive)
{
	struct port_info *pi = port;
	mach_port_status_t status;
	mach_port_t old;
	bool drop = false;
	error_t err;

	err = mach_port_get_receive_status(mach_task_self(), receive, &status);
	if (err) {
		/* RECEIVE is not a receive right of ours: nothing to install. */
		return;
	}
	pthread_mutex_lock(&_ports_lock);
	old = _ports_htable_remove(pi);
	pi->flags &= ~_PORT_NS_REQUESTED;
	if ((pi->flags & PORT_HAS_SENDRIGHTS) && !status.mps_srights) {
		pi->flags &= ~PORT_HAS_SENDRIGHTS;
		drop = true;
	} else if (!(pi->flags & PORT_HAS_SENDRIGHTS) && status.mps_srights) {
		pi->flags |= PORT_HAS_SENDRIGHTS;
		refcounts_ref(&pi->refcounts, NULL);
	}
	pi->mscount = status.mps_mscount;
	__atomic_store_n(&pi->cancel_threshold, 0, __ATOMIC_RELAXED);
	err = _ports_htable_add(pi, receive);
	if (err && (pi->flags & PORT_HAS_SENDRIGHTS)) {
		pi->flags &= ~PORT_HAS_SENDRIGHTS;
		drop = true;
	}
	pthread_mutex_unlock(&_ports_lock);

	if (MACH_PORT_VALID(old))
		mach_port_mod_refs(mach_task_self(), old, MACH_PORT_RIGHT_RECEIVE, -1);
	if (!err) {
		_ports_set_payload(pi, receive);
		mach_port_move_member(mach_task_self(), receive, pi->bucket->portset);
		if (status.mps_srights) {
			pthread_mutex_lock(&_ports_lock);
			_ports_request_no_senders(pi, receive, status.mps_mscount);
			pthread_mutex_unlock(&_ports_lock);
		}
	} else {
		mach_port_mod_refs(mach_task_self(), receive, MACH_PORT_RIGHT_RECEIVE, -1);
	}
	if (drop)
		ports_port_deref(pi);
}

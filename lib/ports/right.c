/* A port's receive right: handing out send rights, and destroying,
 * claiming, moving and replacing the right.
 *
 * Send rights and the self-reference: the first send right made through
 * ports_get_right sets PORT_HAS_SENDRIGHTS and takes a hard reference
 * that stands for all send rights, and asks for a no-senders notification
 * with the make-send count as sync; ports_no_senders drops it when the
 * notification shows that no send right made since is left.  Every
 * operation below that ends or replaces the right settles that reference. */
#include "ports_internal.h"

#include <mach/notify.h>

void
_ports_request_no_senders(mach_port_t right, mach_port_mscount_t sync)
{
	mach_port_t previous = MACH_PORT_NULL;

	if (mach_port_request_notification(mach_task_self(), right, MACH_NOTIFY_NO_SENDERS,
					   sync, right, MACH_MSG_TYPE_MAKE_SEND_ONCE,
					   &previous) == KERN_SUCCESS &&
	    MACH_PORT_VALID(previous))
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
		_ports_request_no_senders(right, pi->mscount);
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
	pi->flags &= ~PORT_HAS_SENDRIGHTS;
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
	bool had_senders;

	pthread_mutex_lock(&_ports_lock);
	right = _ports_htable_remove(pi);
	had_senders = pi->flags & PORT_HAS_SENDRIGHTS;
	pi->flags &= ~PORT_HAS_SENDRIGHTS;
	pthread_mutex_unlock(&_ports_lock);
	if (!MACH_PORT_VALID(right))
		return MACH_PORT_NULL;

	mach_port_move_member(mach_task_self(), right, MACH_PORT_NULL);
	mach_port_clear_protected_payload(mach_task_self(), right);
	if (had_senders) {
		cancel_no_senders(right);
		ports_port_deref(pi);
	}
	return right;
}

error_t
ports_transfer_right(void *topt, void *frompt)
{
	struct port_info *to = topt, *from = frompt;
	mach_port_t right, old;
	bool from_senders, to_senders;
	error_t err = 0;

	if (to == from)
		return 0;
	pthread_mutex_lock(&_ports_lock);
	right = _ports_htable_remove(from);
	from_senders = from->flags & PORT_HAS_SENDRIGHTS;
	from->flags &= ~PORT_HAS_SENDRIGHTS;

	old = _ports_htable_remove(to);
	to_senders = to->flags & PORT_HAS_SENDRIGHTS;
	to->flags &= ~PORT_HAS_SENDRIGHTS;
	if (MACH_PORT_VALID(right)) {
		to->mscount = from->mscount;
		__atomic_store_n(&to->cancel_threshold,
				 __atomic_load_n(&from->cancel_threshold, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
		if (from_senders)
			to->flags |= PORT_HAS_SENDRIGHTS;
		err = _ports_htable_add(to, right);
		if (err)	/* out of memory: the right cannot stay with TO */
			to->flags &= ~PORT_HAS_SENDRIGHTS;
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

	err = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &right);
	pthread_mutex_lock(&_ports_lock);
	old = _ports_htable_remove(pi);
	had_senders = pi->flags & PORT_HAS_SENDRIGHTS;
	pi->flags &= ~PORT_HAS_SENDRIGHTS;
	pi->mscount = 0;
	__atomic_store_n(&pi->cancel_threshold, 0, __ATOMIC_RELAXED);
	if (!err)
		err = _ports_htable_add(pi, right);
	pthread_mutex_unlock(&_ports_lock);

	if (MACH_PORT_VALID(old))
		mach_port_mod_refs(mach_task_self(), old, MACH_PORT_RIGHT_RECEIVE, -1);
	if (!err) {
		_ports_set_payload(pi, right);
		mach_port_move_member(mach_task_self(), right, pi->bucket->portset);
	} else if (MACH_PORT_VALID(right)) {
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
		if (status.mps_srights)
			_ports_request_no_senders(receive, status.mps_mscount);
	} else {
		mach_port_mod_refs(mach_task_self(), receive, MACH_PORT_RIGHT_RECEIVE, -1);
	}
	if (drop)
		ports_port_deref(pi);
}

/* Creating ports: a new receive right (ports_create_port, _noinstall) or
 * one the caller has (ports_import_port), wrapped in a struct port_info at
 * the start of SIZE bytes.  The new port has one hard reference, the
 * caller's; its right is in the tables, carries the port's address as
 * protected payload, and (unless _noinstall) is a member of the bucket's
 * port set.  Creation waits while ports_count_class / ports_count_bucket
 * block it.
 *
 * A new right is made by machd in one round trip
 * (hell_port_allocate_served): in the bucket's set, with the payload, and
 * with the no-senders request that ports_get_right would otherwise make at
 * the first send right.  Requested now with sync 1, it behaves as that one
 * (with sync 1, the make-send count the first ports_get_right gives): the
 * port has no sender and a make-send count of 0 until that send right is
 * made, so the request waits either way and fires when the last send right
 * goes. */
#include "ports_internal.h"

#include <hell/hell_rpc.h>

/* A new port of SIZE bytes (at least a struct port_info) for CLASS and
 * BUCKET, not yet in the tables; STATUS describes the right it will get
 * when that right exists already (NULL for a new one). */
static struct port_info *
port_new(struct port_class *class, struct port_bucket *bucket, size_t size,
	 const mach_port_status_t *status)
{
	bool senders = status && status->mps_srights;
	struct port_info *pi;

	if (size < sizeof *pi)
		size = sizeof *pi;
	pi = calloc(1, size);
	if (!pi)
		return NULL;
	pi->class = class;
	refcounts_init(&pi->refcounts, senders ? 2 : 1, 0);	/* the caller's, the senders' */
	pi->mscount = status ? status->mps_mscount : 0;
	pi->cancel_threshold = 0;
	pi->flags = senders ? PORT_HAS_SENDRIGHTS : 0;
	pi->port_right = MACH_PORT_NULL;
	pi->current_rpcs = NULL;
	pi->bucket = bucket;
	return pi;
}

/* Wait until PI's class and bucket allow creation, then put PI into the
 * tables under RIGHT and count it.  _ports_lock held.  On failure PI is
 * left out of everything. */
static error_t
port_admit(struct port_info *pi, mach_port_t right)
{
	struct port_class *class = pi->class;
	struct port_bucket *bucket = pi->bucket;
	error_t err;

	for (;;) {
		int *flags = (class->flags & PORT_CLASS_NO_ALLOC) ? &class->flags
			   : (bucket->flags & PORT_BUCKET_NO_ALLOC) ? &bucket->flags : NULL;

		if (!flags)
			break;
		*flags |= PORTS_ALLOC_WAIT;
		if (pthread_hurd_cond_wait_np(&_ports_block, &_ports_lock))
			return EINTR;
	}
	err = _ports_htable_add(pi, right);
	if (err)
		return err;
	bucket->count++;
	class->count++;
	return 0;
}

error_t
_ports_create_port_internal(struct port_class *port_class, struct port_bucket *bucket,
			    size_t size, void *result, int install)
{
	struct port_info *pi;
	mach_port_t right = MACH_PORT_NULL;
	error_t err;

	if (!port_class || !bucket)
		return EINVAL;
	pi = port_new(port_class, bucket, size, NULL);
	if (!pi)
		return ENOMEM;
	/* Nobody has a send right to the new right, so no message (the
	 * request's included) can reach it before PI is in the tables. */
	err = hell_port_allocate_served(mach_task_self(),
					install ? bucket->portset : MACH_PORT_NULL,
					(rpc_uintptr_t) pi, 1, &right);
	if (err) {
		free(pi);
		return err;
	}
	pi->flags |= _PORT_NS_REQUESTED;

	pthread_mutex_lock(&_ports_lock);
	err = port_admit(pi, right);
	pthread_mutex_unlock(&_ports_lock);
	if (err) {
		/* Still no message: PI can go at once. */
		mach_port_mod_refs(mach_task_self(), right, MACH_PORT_RIGHT_RECEIVE, -1);
		free(pi);
		return err;
	}
	*(void **) result = pi;
	return 0;
}

error_t
ports_create_port(struct port_class *port_class, struct port_bucket *bucket,
		  size_t size, void *result)
{
	return _ports_create_port_internal(port_class, bucket, size, result, 1);
}

error_t
ports_create_port_noinstall(struct port_class *port_class, struct port_bucket *bucket,
			    size_t size, void *result)
{
	return _ports_create_port_internal(port_class, bucket, size, result, 0);
}

/* A right that exists already may have senders and messages: it gets its
 * payload, set and request once PI is in the tables, one call each. */
error_t
ports_import_port(struct port_class *port_class, struct port_bucket *bucket,
		  mach_port_t port, size_t size, void *result)
{
	mach_port_status_t status;
	struct port_info *pi;
	error_t err;

	if (!port_class || !bucket)
		return EINVAL;
	err = mach_port_get_receive_status(mach_task_self(), port, &status);
	if (err)
		return err;
	pi = port_new(port_class, bucket, size, &status);
	if (!pi)
		return ENOMEM;

	pthread_mutex_lock(&_ports_lock);
	err = port_admit(pi, port);
	pthread_mutex_unlock(&_ports_lock);
	if (err) {
		free(pi);
		return err;
	}
	_ports_set_payload(pi, port);
	err = mach_port_move_member(mach_task_self(), port, bucket->portset);
	if (err) {
		pthread_mutex_lock(&_ports_lock);
		_ports_htable_remove(pi);
		bucket->count--;
		port_class->count--;
		pthread_mutex_unlock(&_ports_lock);
		(void) mach_port_clear_protected_payload(mach_task_self(), port);
		free(pi);
		return err;
	}
	if (status.mps_srights) {
		pthread_mutex_lock(&_ports_lock);
		_ports_request_no_senders(pi, port, status.mps_mscount);
		pthread_mutex_unlock(&_ports_lock);
	}
	*(void **) result = pi;
	return 0;
}

/* Creating ports: a new receive right (ports_create_port, _noinstall) or
 * one the caller has (ports_import_port), wrapped in a struct port_info at
 * the start of SIZE bytes.  The new port has one hard reference, the
 * caller's; its right is in the tables, carries the port's address as
 * protected payload, and (unless _noinstall) is a member of the bucket's
 * port set.  Creation waits while ports_count_class / ports_count_bucket
 * block it. */
#include "ports_internal.h"

/* Wrap RIGHT (a receive right of ours) in a new port.  On failure RIGHT is
 * left as it was, to the caller. */
static error_t
create(struct port_class *class, struct port_bucket *bucket, mach_port_t right,
       size_t size, bool install, const mach_port_status_t *status, void *result)
{
	struct port_info *pi;
	error_t err;
	bool senders = status && status->mps_srights;

	if (!class || !bucket)
		return EINVAL;
	if (size < sizeof *pi)
		size = sizeof *pi;
	pi = calloc(1, size);
	if (!pi)
		return ENOMEM;
	pi->class = class;
	refcounts_init(&pi->refcounts, senders ? 2 : 1, 0);	/* the caller's, the senders' */
	pi->mscount = status ? status->mps_mscount : 0;
	pi->cancel_threshold = 0;
	pi->flags = senders ? PORT_HAS_SENDRIGHTS : 0;
	pi->port_right = MACH_PORT_NULL;
	pi->current_rpcs = NULL;
	pi->bucket = bucket;

	pthread_mutex_lock(&_ports_lock);
	for (;;) {
		int *flags = (class->flags & PORT_CLASS_NO_ALLOC) ? &class->flags
			   : (bucket->flags & PORT_BUCKET_NO_ALLOC) ? &bucket->flags : NULL;

		if (!flags)
			break;
		*flags |= PORTS_ALLOC_WAIT;
		if (pthread_hurd_cond_wait_np(&_ports_block, &_ports_lock)) {
			pthread_mutex_unlock(&_ports_lock);
			free(pi);
			return EINTR;
		}
	}
	err = _ports_htable_add(pi, right);
	if (err) {
		pthread_mutex_unlock(&_ports_lock);
		free(pi);
		return err;
	}
	bucket->count++;
	class->count++;
	pthread_mutex_unlock(&_ports_lock);

	_ports_set_payload(pi, right);
	if (install) {
		err = mach_port_move_member(mach_task_self(), right, bucket->portset);
		if (err) {
			pthread_mutex_lock(&_ports_lock);
			_ports_htable_remove(pi);
			bucket->count--;
			class->count--;
			pthread_mutex_unlock(&_ports_lock);
			(void) mach_port_clear_protected_payload(mach_task_self(), right);
			free(pi);
			return err;
		}
	}
	if (senders)
		_ports_request_no_senders(right, status->mps_mscount);
	*(void **) result = pi;
	return 0;
}

error_t
_ports_create_port_internal(struct port_class *port_class, struct port_bucket *bucket,
			    size_t size, void *result, int install)
{
	mach_port_t right;
	error_t err;

	err = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &right);
	if (err)
		return err;
	err = create(port_class, bucket, right, size, install, NULL, result);
	if (err)
		mach_port_mod_refs(mach_task_self(), right, MACH_PORT_RIGHT_RECEIVE, -1);
	return err;
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

error_t
ports_import_port(struct port_class *port_class, struct port_bucket *bucket,
		  mach_port_t port, size_t size, void *result)
{
	mach_port_status_t status;
	error_t err;

	err = mach_port_get_receive_status(mach_task_self(), port, &status);
	if (err)
		return err;
	return create(port_class, bucket, port, size, true, &status, result);
}

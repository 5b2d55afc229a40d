/* Finding a port: by receive right name (the tables) and by protected
 * payload (the port's address, which the kernel puts in each message).
 *
 * The tables hold no reference.  A lookup takes a hard reference with
 * _ports_try_ref, which refuses a dead port (both counts zero): that port
 * is being taken out of the tables by _ports_complete_deallocate and must
 * not come back to life.  A payload stays readable memory until the thread
 * pool lets it go (reclaim.c), so a payload lookup may read the port
 * first and then try to take the reference. */
#include "ports_internal.h"

bool
_ports_try_ref(struct port_info *pi)
{
	uint64_t v = __atomic_load_n(&pi->refcounts.value, __ATOMIC_RELAXED);

	do {
		if (v == 0)
			return false;
	} while (!__atomic_compare_exchange_n(&pi->refcounts.value, &v, v + REFCOUNTS_HARD_ONE,
					      true, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	return true;
}

error_t
_ports_htable_add(struct port_info *pi, mach_port_t right)
{
	error_t err;

	assert(pi->port_right == MACH_PORT_NULL);
	pthread_rwlock_wrlock(&_ports_htable_lock);
	err = hurd_ihash_add(&_ports_htable, right, pi);
	if (!err) {
		err = hurd_ihash_add(&pi->bucket->htable, right, pi);
		if (err)
			hurd_ihash_locp_remove(&_ports_htable, pi->ports_htable_entry);
	}
	if (!err)
		_ports_set_right(pi, right);
	pthread_rwlock_unlock(&_ports_htable_lock);
	return err;
}

mach_port_t
_ports_htable_remove(struct port_info *pi)
{
	mach_port_t right = pi->port_right;

	if (right == MACH_PORT_NULL)
		return MACH_PORT_NULL;
	pthread_rwlock_wrlock(&_ports_htable_lock);
	hurd_ihash_locp_remove(&_ports_htable, pi->ports_htable_entry);
	hurd_ihash_locp_remove(&pi->bucket->htable, pi->hentry);
	_ports_set_right(pi, MACH_PORT_NULL);
	pthread_rwlock_unlock(&_ports_htable_lock);
	return right;
}

void
_ports_set_payload(struct port_info *pi, mach_port_t right)
{
	(void) mach_port_set_protected_payload(mach_task_self(), right, (unsigned long) pi);
}

void *
ports_lookup_port(struct port_bucket *bucket, mach_port_t port, struct port_class *port_class)
{
	struct port_info *pi;

	if (!MACH_PORT_VALID(port))
		return NULL;
	pthread_rwlock_rdlock(&_ports_htable_lock);
	pi = hurd_ihash_find(&_ports_htable, port);
	if (pi && ((bucket && pi->bucket != bucket) || (port_class && pi->class != port_class)))
		pi = NULL;
	if (pi && !_ports_try_ref(pi))
		pi = NULL;
	pthread_rwlock_unlock(&_ports_htable_lock);
	return pi;
}

void *
ports_lookup_payload(struct port_bucket *bucket, uintptr_t payload, struct port_class *port_class)
{
	struct port_info *pi = (struct port_info *) payload;

	if (!pi || !MACH_PORT_VALID(_ports_right(pi)))
		return NULL;
	if ((bucket && pi->bucket != bucket) || (port_class && pi->class != port_class))
		return NULL;
	return _ports_try_ref(pi) ? pi : NULL;
}

mach_port_t
ports_payload_get_name(uintptr_t payload)
{
	struct port_info *pi = (struct port_info *) payload;

	return pi ? _ports_right(pi) : MACH_PORT_NULL;
}

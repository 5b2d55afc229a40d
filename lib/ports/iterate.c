/* Iterating over the ports of a bucket or a class.  The ports present at
 * the start are collected with a reference each under the table lock, then
 * FUN runs on each without any lock held (so FUN may create, destroy or
 * look up ports).  A bucket's notify port is never handed to FUN. */
#include "ports_internal.h"

error_t
_ports_bucket_class_iterate(struct hurd_ihash *ht, struct port_class *port_class,
			    error_t (*fun)(void *port))
{
	struct port_info **ports;
	size_t n = 0, cap;
	error_t err = 0;

	pthread_rwlock_rdlock(&_ports_htable_lock);
	cap = ht->nr_items;
	if (cap == 0) {
		pthread_rwlock_unlock(&_ports_htable_lock);
		return 0;
	}
	ports = malloc(cap * sizeof *ports);
	if (!ports) {
		pthread_rwlock_unlock(&_ports_htable_lock);
		return ENOMEM;
	}
	HURD_IHASH_ITERATE(ht, v) {
		struct port_info *pi = v;

		if (port_class && pi->class != port_class)
			continue;
		/* A port whose last reference is going is skipped. */
		if (_ports_try_ref(pi))
			ports[n++] = pi;
	}
	pthread_rwlock_unlock(&_ports_htable_lock);

	for (size_t i = 0; i < n; i++) {
		if (!err && !ports_port_is_notify(ports[i]))
			err = fun(ports[i]);
		ports_port_deref(ports[i]);
	}
	free(ports);
	return err;
}

error_t
ports_bucket_iterate(struct port_bucket *bucket, error_t (*fun)(void *port))
{
	return _ports_bucket_class_iterate(&bucket->htable, NULL, fun);
}

error_t
ports_class_iterate(struct port_class *port_class, error_t (*fun)(void *port))
{
	return _ports_bucket_class_iterate(&_ports_htable, port_class, fun);
}

/* A port's references and its end.
 *
 * Hard references keep a port; weak references keep it too, but when only
 * weak ones are left the class's dropweak routine is asked to drop them
 * (a cache, say, that holds ports weakly).  Both counts share one word
 * (<refcount.h>), so the thread that takes them both to zero knows it and
 * ends the port: takes it out of the tables, destroys its receive right,
 * runs the class's clean routine, and hands its memory to the thread pool
 * to free once no manager thread can still look it up by payload. */
#include "ports_internal.h"

void
ports_port_ref(void *port)
{
	struct port_info *pi = port;

	refcounts_ref(&pi->refcounts, NULL);
}

void
ports_port_ref_weak(void *port)
{
	struct port_info *pi = port;

	refcounts_ref_weak(&pi->refcounts, NULL);
}

void
ports_port_deref(void *port)
{
	struct port_info *pi = port;
	struct references r;

	if (pi->class->dropweak_routine) {
		/* Call dropweak while still holding a reference: our hard one,
		 * demoted to weak so that the routine sees hard == 0. */
		refcounts_demote(&pi->refcounts, &r);
		if (r.hard == 0 && r.weak > 1)
			pi->class->dropweak_routine(pi);
		refcounts_deref_weak(&pi->refcounts, &r);
	} else {
		refcounts_deref(&pi->refcounts, &r);
	}
	if (r.hard == 0 && r.weak == 0)
		_ports_complete_deallocate(pi);
}

void
ports_port_deref_weak(void *port)
{
	struct port_info *pi = port;
	struct references r;

	refcounts_deref_weak(&pi->refcounts, &r);
	if (r.hard == 0 && r.weak == 0)
		_ports_complete_deallocate(pi);
}

void
_ports_complete_deallocate(struct port_info *pi)
{
	mach_port_t right;

	assert(!(pi->flags & PORT_HAS_SENDRIGHTS));
	assert(pi->current_rpcs == NULL);

	pthread_mutex_lock(&_ports_lock);
	right = _ports_htable_remove(pi);
	pi->bucket->count--;
	pi->class->count--;
	pthread_mutex_unlock(&_ports_lock);
	if (MACH_PORT_VALID(right))
		mach_port_mod_refs(mach_task_self(), right, MACH_PORT_RIGHT_RECEIVE, -1);

	if (pi->class->clean_routine)
		pi->class->clean_routine(pi);
	_ports_port_free_deferred(pi);
}

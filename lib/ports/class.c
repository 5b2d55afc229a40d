/* Classes: ports of one kind, with the routines that end them. */
#include "ports_internal.h"

struct port_class *
ports_create_class(void (*clean_routine)(void *), void (*dropweak_routine)(void *))
{
	struct port_class *c = calloc(1, sizeof *c);

	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	c->clean_routine = clean_routine;
	c->dropweak_routine = dropweak_routine;
	c->flags = c->rpcs = c->count = 0;
	c->uninhibitable_rpcs = ports_default_uninhibitable_rpcs;
	return c;
}

int
ports_count_class(struct port_class *port_class)
{
	int n;

	pthread_mutex_lock(&_ports_lock);
	n = port_class->count;
	port_class->flags |= PORT_CLASS_NO_ALLOC;
	pthread_mutex_unlock(&_ports_lock);
	return n;
}

void
ports_enable_class(struct port_class *port_class)
{
	pthread_mutex_lock(&_ports_lock);
	port_class->flags &= ~PORT_CLASS_NO_ALLOC;
	if (port_class->flags & PORT_CLASS_ALLOC_WAIT) {
		port_class->flags &= ~PORT_CLASS_ALLOC_WAIT;
		pthread_cond_broadcast(&_ports_block);
	}
	pthread_mutex_unlock(&_ports_lock);
}

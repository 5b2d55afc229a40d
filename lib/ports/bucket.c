/* Buckets: a port set and the ports in it, served together by a manager
 * loop.  Each bucket has a notify port of its own (in a class shared by
 * all notify ports), where the Mach notifications that libports requests
 * for the bucket's ports arrive (ports_port_notify_right).  Buckets live
 * as long as the task; the Hurd has no call to destroy one. */
#include "ports_internal.h"

#include <stddef.h>

static struct port_class *notify_class;
static pthread_once_t notify_class_once = PTHREAD_ONCE_INIT;

static void
make_notify_class(void)
{
	notify_class = ports_create_class(NULL, NULL);
}

struct port_bucket *
ports_create_bucket(void)
{
	struct port_bucket *b;
	error_t err;

	pthread_once(&notify_class_once, make_notify_class);
	if (!notify_class) {
		errno = ENOMEM;
		return NULL;
	}
	b = calloc(1, sizeof *b);
	if (!b) {
		errno = ENOMEM;
		return NULL;
	}
	err = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &b->portset);
	if (err) {
		free(b);
		errno = err;
		return NULL;
	}
	hurd_ihash_init(&b->htable, offsetof(struct port_info, hentry));
	b->rpcs = b->flags = b->count = 0;
	_ports_threadpool_init(&b->threadpool);
	err = ports_create_port(notify_class, b, sizeof (struct port_info), &b->notify_port);
	if (err) {
		hurd_ihash_destroy(&b->htable);
		mach_port_mod_refs(mach_task_self(), b->portset, MACH_PORT_RIGHT_PORT_SET, -1);
		free(b);
		errno = err;
		return NULL;
	}
	return b;
}

int
ports_count_bucket(struct port_bucket *bucket)
{
	int n;

	pthread_mutex_lock(&_ports_lock);
	n = bucket->count;
	bucket->flags |= PORT_BUCKET_NO_ALLOC;
	pthread_mutex_unlock(&_ports_lock);
	return n;
}

void
ports_enable_bucket(struct port_bucket *bucket)
{
	pthread_mutex_lock(&_ports_lock);
	bucket->flags &= ~PORT_BUCKET_NO_ALLOC;
	if (bucket->flags & PORT_BUCKET_ALLOC_WAIT) {
		bucket->flags &= ~PORT_BUCKET_ALLOC_WAIT;
		pthread_cond_broadcast(&_ports_block);
	}
	pthread_mutex_unlock(&_ports_lock);
}

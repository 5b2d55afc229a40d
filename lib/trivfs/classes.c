/* The port classes and buckets trivfs serves.
 *
 * trivfs_demuxer's translations (libtrivfs/mig-decls.h) accept a port
 * only if its class was added here as a protid or control class; that is
 * what makes an io request on a control port, or on some other class of
 * the same translator (the exec server's startup ports), arrive as NULL
 * and be answered EOPNOTSUPP.  Buckets are recorded the same way, for the
 * Hurd's API; nothing looks them up.
 *
 * Each registry is a small array of (object, count) entries: adding an
 * object already present counts it again, removing drops one count and
 * forgets the object at zero.  An object the library made itself (passed
 * in as NULL) is never freed: libports has no way to free a class or a
 * bucket.  registry_lock guards all three registries; lookups take it
 * for reading on every RPC, additions and removals (at startup, at
 * control creation and destruction) for writing. */
#include "priv.h"

#include <pthread.h>
#include <stdlib.h>

struct registry {
	const void **objects;
	unsigned *counts;
	size_t used, size;
};

static struct registry protid_classes, control_classes, buckets;
static pthread_rwlock_t registry_lock = PTHREAD_RWLOCK_INITIALIZER;

/* Count OBJ once more in REG.  ENOMEM. */
static error_t
registry_add(struct registry *reg, const void *obj)
{
	size_t i;
	error_t err = 0;

	pthread_rwlock_wrlock(&registry_lock);
	for (i = 0; i < reg->used; i++)
		if (reg->objects[i] == obj) {
			reg->counts[i]++;
			goto out;
		}
	if (reg->used == reg->size) {
		size_t size = reg->size ? 2 * reg->size : 4;
		const void **objects = realloc(reg->objects, size * sizeof *objects);
		unsigned *counts;

		if (!objects) {
			err = ENOMEM;
			goto out;
		}
		reg->objects = objects;
		counts = realloc(reg->counts, size * sizeof *counts);
		if (!counts) {
			err = ENOMEM;
			goto out;
		}
		reg->counts = counts;
		reg->size = size;
	}
	reg->objects[reg->used] = obj;
	reg->counts[reg->used] = 1;
	reg->used++;
out:
	pthread_rwlock_unlock(&registry_lock);
	return err;
}

/* Drop one count of OBJ from REG (nothing if OBJ is NULL or absent). */
static void
registry_remove(struct registry *reg, const void *obj)
{
	size_t i;

	if (!obj)
		return;
	pthread_rwlock_wrlock(&registry_lock);
	for (i = 0; i < reg->used; i++)
		if (reg->objects[i] == obj) {
			if (--reg->counts[i] == 0) {
				reg->used--;
				reg->objects[i] = reg->objects[reg->used];
				reg->counts[i] = reg->counts[reg->used];
			}
			break;
		}
	pthread_rwlock_unlock(&registry_lock);
}

static int
registry_has(struct registry *reg, const void *obj)
{
	size_t i;
	int found = 0;

	pthread_rwlock_rdlock(&registry_lock);
	for (i = 0; i < reg->used && !found; i++)
		found = reg->objects[i] == obj;
	pthread_rwlock_unlock(&registry_lock);
	return found;
}

int
trivfs_is_protid_class(const struct port_class *class)
{
	return class && registry_has(&protid_classes, class);
}

int
trivfs_is_control_class(const struct port_class *class)
{
	return class && registry_has(&control_classes, class);
}

error_t
trivfs_add_control_port_class(struct port_class **class)
{
	if (!*class) {
		*class = ports_create_class(trivfs_clean_cntl, NULL);
		if (!*class)
			return ENOMEM;
	}
	return registry_add(&control_classes, *class);
}

void
trivfs_remove_control_port_class(struct port_class *class)
{
	registry_remove(&control_classes, class);
}

error_t
trivfs_add_protid_port_class(struct port_class **class)
{
	if (!*class) {
		*class = ports_create_class(trivfs_clean_protid, NULL);
		if (!*class)
			return ENOMEM;
	}
	return registry_add(&protid_classes, *class);
}

void
trivfs_remove_protid_port_class(struct port_class *class)
{
	registry_remove(&protid_classes, class);
}

error_t
trivfs_add_port_bucket(struct port_bucket **bucket)
{
	if (!*bucket) {
		*bucket = ports_create_bucket();
		if (!*bucket)
			return ENOMEM;
	}
	return registry_add(&buckets, *bucket);
}

void
trivfs_remove_port_bucket(struct port_bucket *bucket)
{
	registry_remove(&buckets, bucket);
}

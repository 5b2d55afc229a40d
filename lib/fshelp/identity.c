/* io_identity ports: one port per file number, the same for every open of
 * the file while anyone holds a send right to it, so that clients can tell
 * whether two ports name the same file.
 *
 * A table maps file numbers to their ports.  The table holds a weak
 * reference on each port; send rights hold the hard one (libports).  When
 * the last send right goes, libports asks the class to drop its weak
 * references (identity_dropweak), which takes the port out of the table
 * unless a new send right was made meanwhile.  identity_lock guards the
 * table and each port's slot. */
#include <stddef.h>
#include <hurd/fshelp.h>
#include <hurd/ihash.h>
#include <hurd/ports.h>

struct identity {
	struct port_info pi;
	hurd_ihash_locp_t locp;		/* slot in identities, or NULL when out of it */
	ino64_t fileno;
};

static pthread_mutex_t identity_lock = PTHREAD_MUTEX_INITIALIZER;
static struct port_class *identity_class;

static hurd_ihash_key_t
fileno_hash(const void *key)
{
	return hurd_ihash_hash32(key, sizeof(ino64_t), 0);
}

static int
fileno_equal(const void *a, const void *b)
{
	return *(const ino64_t *) a == *(const ino64_t *) b;
}

static struct hurd_ihash identities =
	HURD_IHASH_INITIALIZER_GKI(offsetof(struct identity, locp), NULL, NULL,
				   fileno_hash, fileno_equal);

static void
identity_dropweak(void *port)
{
	struct identity *id = port;

	pthread_mutex_lock(&identity_lock);
	if (refcounts_hard_references(&id->pi.refcounts) == 0 && id->locp != NULL) {
		hurd_ihash_locp_remove(&identities, id->locp);
		id->locp = NULL;
		pthread_mutex_unlock(&identity_lock);
		ports_port_deref_weak(&id->pi);
		return;
	}
	pthread_mutex_unlock(&identity_lock);
}

error_t
fshelp_get_identity(struct port_bucket *bucket, ino64_t fileno, mach_port_t *pt)
{
	struct identity *id;
	error_t err = 0;

	pthread_mutex_lock(&identity_lock);
	if (identity_class == NULL) {
		identity_class = ports_create_class(NULL, identity_dropweak);
		if (identity_class == NULL) {
			err = ENOMEM;
			goto out;
		}
	}
	id = hurd_ihash_find(&identities, (hurd_ihash_key_t) &fileno);
	if (id != NULL) {
		*pt = ports_get_right(id);
		goto out;
	}
	err = ports_create_port(identity_class, bucket, sizeof *id, &id);
	if (err)
		goto out;
	id->fileno = fileno;
	id->locp = NULL;
	err = hurd_ihash_add(&identities, (hurd_ihash_key_t) &id->fileno, id);
	if (err) {
		ports_destroy_right(id);
		ports_port_deref(id);
		goto out;
	}
	ports_port_ref_weak(id);	/* the table's */
	*pt = ports_get_right(id);
	ports_port_deref(id);		/* the send right holds it now */
out:
	pthread_mutex_unlock(&identity_lock);
	return err;
}

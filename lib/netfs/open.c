/* Peropens and protids: an open of a node, and a user's port to it.
 *
 * A peropen holds a hard reference to its node, send rights to its
 * root_parent and shadow_root_parent, a hard reference to its shadow root
 * (unless that is its own node), and its path.  It is counted (refcnt) by
 * the protids that use it.  A protid owns its iouser and one reference to
 * its peropen; libports frees it (netfs_release_protid) when its last
 * reference and send right are gone. */
#include <string.h>
#include <sys/mman.h>
#include "priv.h"

struct peropen *
netfs_make_peropen(struct node *np, int flags, struct peropen *context)
{
	struct peropen *po = calloc(1, sizeof *po);

	if (po == NULL)
		return NULL;
	if (fshelp_rlock_po_init(&po->lock_status) != 0) {
		free(po);
		return NULL;
	}
	refcount_init(&po->refcnt, 1);
	po->openstat = flags;
	po->np = np;
	if (context != NULL) {
		if (context->path != NULL && (po->path = strdup(context->path)) == NULL) {
			fshelp_rlock_po_fini(&po->lock_status);
			free(po);
			return NULL;
		}
		po->root_parent = context->root_parent;
		if (MACH_PORT_VALID(po->root_parent))
			mach_port_mod_refs(mach_task_self(), po->root_parent,
					   MACH_PORT_RIGHT_SEND, 1);
		po->shadow_root = context->shadow_root;
		if (po->shadow_root != NULL)
			netfs_nref(po->shadow_root);
		po->shadow_root_parent = context->shadow_root_parent;
		if (MACH_PORT_VALID(po->shadow_root_parent))
			mach_port_mod_refs(mach_task_self(), po->shadow_root_parent,
					   MACH_PORT_RIGHT_SEND, 1);
	}
	netfs_nref(np);
	return po;
}

void
netfs_release_peropen(struct peropen *po)
{
	struct node *np = po->np;

	if (refcount_deref(&po->refcnt) > 0)
		return;
	if (MACH_PORT_VALID(po->root_parent))
		mach_port_deallocate(mach_task_self(), po->root_parent);
	if (MACH_PORT_VALID(po->shadow_root_parent))
		mach_port_deallocate(mach_task_self(), po->shadow_root_parent);
	if (po->shadow_root != NULL)
		netfs_nrele(po->shadow_root);
	pthread_mutex_lock(&np->lock);
	fshelp_rlock_drop_peropen(&po->lock_status);
	fshelp_rlock_po_fini(&po->lock_status);
	netfs_nput(np);
	free(po->path);
	free(po);
}

struct protid *
netfs_make_protid(struct peropen *po, struct iouser *user)
{
	struct protid *cred;
	error_t err;

	if (po == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (user != NULL)
		err = ports_create_port(netfs_protid_class, netfs_port_bucket, sizeof *cred,
					&cred);
	else
		err = ports_create_port_noinstall(netfs_protid_class, netfs_port_bucket,
						  sizeof *cred, &cred);
	if (err) {
		errno = err;
		return NULL;
	}
	cred->po = po;
	cred->user = user;
	cred->shared_object = MACH_PORT_NULL;
	cred->mapped = NULL;
	return cred;
}

void
netfs_release_protid(void *arg)
{
	struct protid *cred = arg;

	iohelp_free_iouser(cred->user);
	if (MACH_PORT_VALID(cred->shared_object))
		mach_port_deallocate(mach_task_self(), cred->shared_object);
	if (cred->mapped != NULL)
		munmap(cred->mapped, vm_page_size);
	netfs_release_peropen(cred->po);
}

/* A fresh peropen nobody else saw: undo netfs_make_peropen.  The caller
 * holds its own reference to PO's node (and maybe its lock), so the node's
 * reference goes without locking it. */
static void
peropen_discard(struct peropen *po)
{
	if (MACH_PORT_VALID(po->root_parent))
		mach_port_deallocate(mach_task_self(), po->root_parent);
	if (MACH_PORT_VALID(po->shadow_root_parent))
		mach_port_deallocate(mach_task_self(), po->shadow_root_parent);
	/* Neither can be the last reference, so neither locks. */
	if (po->shadow_root != NULL)
		netfs_nrele(po->shadow_root);
	netfs_nrele(po->np);
	fshelp_rlock_po_fini(&po->lock_status);
	free(po->path);
	free(po);
}

struct protid *
netfs_open_node(struct node *np, int flags, struct peropen *context, struct iouser *user)
{
	struct peropen *po = netfs_make_peropen(np, flags, context);
	struct protid *cred;

	if (po == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	cred = netfs_make_protid(po, user);
	if (cred == NULL) {
		int saved = errno;

		peropen_discard(po);
		errno = saved;
	}
	return cred;
}

/* Opens: peropens and protids.
 *
 * A peropen is made by trivfs_open (fsys_getroot, dir_lookup of "") and
 * shared by every protid made from it afterwards (io_duplicate,
 * io_restrict_auth, io_reauthenticate, file_reparent).  refcnt counts
 * those protids; the peropen holds one libports reference on its
 * control.
 *
 * A protid's realnode is set before trivfs_protid_create_hook runs (the
 * hook may use it).  A protid whose create hook failed is released with
 * realnode MACH_PORT_NULL, which tells its clean routine not to call
 * trivfs_protid_destroy_hook, as on the Hurd (so a protid opened on no
 * underlying node, as the exec server makes, never sees that hook).
 *
 * trivfs_clean_protid runs when libports frees a protid: it calls the
 * destroy hooks, drops the peropen (freeing it and dropping the control
 * with the last protid) and frees the user and the realnode right. */
#include "priv.h"

#include <stdlib.h>

/* Free PO and drop its control, after trivfs_peropen_destroy_hook.
 * Called when PO's last protid goes. */
static void
peropen_release(struct trivfs_peropen *po)
{
	struct trivfs_control *cntl = po->cntl;

	if (trivfs_peropen_destroy_hook)
		trivfs_peropen_destroy_hook(po);
	free(po);
	ports_port_deref(cntl);
}

error_t
trivfs_open(struct trivfs_control *cntl, struct iouser *user, unsigned flags,
	    mach_port_t realnode, struct trivfs_protid **cred)
{
	struct trivfs_peropen *po;
	struct trivfs_protid *new;
	error_t err;

	po = calloc(1, sizeof *po);
	if (!po)
		return ENOMEM;
	refcount_init(&po->refcnt, 1);
	po->cntl = cntl;
	po->openmodes = flags;
	po->hook = NULL;
	po->tp = NULL;
	ports_port_ref(cntl);

	if (trivfs_peropen_create_hook) {
		err = trivfs_peropen_create_hook(po);
		if (err) {
			/* The destroy hook is for peropens the create hook accepted. */
			free(po);
			ports_port_deref(cntl);
			return err;
		}
	}

	err = ports_create_port(cntl->protid_class, cntl->protid_bucket, sizeof *new, &new);
	if (err) {
		peropen_release(po);
		return err;
	}
	new->user = user;
	new->isroot = trivfs_uids_privileged(user->uids);
	new->po = po;
	new->hook = NULL;
	new->realnode = realnode;

	if (trivfs_protid_create_hook) {
		err = trivfs_protid_create_hook(new);
		if (err) {
			/* The clean routine must leave USER and REALNODE to our
			 * caller, which still owns them on failure. */
			new->user = NULL;
			new->realnode = MACH_PORT_NULL;
			ports_port_deref(new);
			return err;
		}
	}
	*cred = new;
	return 0;
}

error_t
trivfs_protid_run_create_hook(struct trivfs_protid *new)
{
	error_t err;

	if (!trivfs_protid_create_hook)
		return 0;
	err = trivfs_protid_create_hook(new);
	if (err) {
		if (MACH_PORT_VALID(new->realnode))
			mach_port_deallocate(mach_task_self(), new->realnode);
		new->realnode = MACH_PORT_NULL;
	}
	return err;
}

error_t
trivfs_protid_dup(struct trivfs_protid *cred, struct trivfs_protid **dup)
{
	struct trivfs_protid *new;
	struct iouser *user;
	error_t err;

	err = iohelp_dup_iouser(&user, cred->user);
	if (err)
		return err;
	err = ports_create_port(cred->po->cntl->protid_class, cred->po->cntl->protid_bucket,
				sizeof *new, &new);
	if (err) {
		iohelp_free_iouser(user);
		return err;
	}
	new->user = user;
	new->isroot = cred->isroot;
	new->po = cred->po;
	refcount_ref(&new->po->refcnt);
	new->hook = cred->hook;
	new->realnode = MACH_PORT_NULL;

	if (MACH_PORT_VALID(cred->realnode)) {
		err = mach_port_mod_refs(mach_task_self(), cred->realnode, MACH_PORT_RIGHT_SEND, 1);
		if (err) {
			ports_port_deref(new);
			return err;
		}
	}
	new->realnode = cred->realnode;
	err = trivfs_protid_run_create_hook(new);
	if (err) {
		ports_port_deref(new);
		return err;
	}
	*dup = new;
	return 0;
}

void
trivfs_clean_protid(void *arg)
{
	struct trivfs_protid *cred = arg;
	struct trivfs_peropen *po = cred->po;

	if (cred->realnode != MACH_PORT_NULL && trivfs_protid_destroy_hook)
		trivfs_protid_destroy_hook(cred);
	if (MACH_PORT_VALID(cred->realnode))
		mach_port_deallocate(mach_task_self(), cred->realnode);
	iohelp_free_iouser(cred->user);
	if (refcount_deref(&po->refcnt) == 0)
		peropen_release(po);
}

struct trivfs_node *
trivfs_make_node(struct trivfs_peropen *po)
{
	return NULL;
}

struct trivfs_peropen *
trivfs_make_peropen(struct trivfs_protid *cred)
{
	return NULL;
}

/* New ports on an open, for the same or another user: io_duplicate,
 * io_restrict_auth and io_reauthenticate.
 *
 * Each makes a protid on the same peropen (so file offset and modes are
 * shared) with a user of its own and its own reference to the underlying
 * node, restricted to that user's ids (io_restrict_auth on the node),
 * so that the node's permission checks see the new user.  An open made
 * with no underlying node (the exec server makes such) keeps none. */
#include "priv.h"

#include <hurd.h>

kern_return_t __attribute__((weak))
trivfs_S_io_duplicate(struct trivfs_protid *cred, mach_port_t reply,
		      mach_msg_type_name_t reply_type,
		      mach_port_t *newport, mach_msg_type_name_t *newport_type)
{
	struct trivfs_protid *newcred;
	error_t err;

	if (!cred)
		return EOPNOTSUPP;
	err = trivfs_protid_dup(cred, &newcred);
	if (err)
		return err;
	*newport = ports_get_right(newcred);
	*newport_type = MACH_MSG_TYPE_MAKE_SEND;
	ports_port_deref(newcred);
	return 0;
}

/* A new protid in *RESULT on CRED's open for USER (taken over, even on
 * error), with a reference to BASE (CRED's realnode) restricted to
 * USER's ids. */
static error_t
protid_for_user(struct trivfs_protid *cred, struct iouser *user, mach_port_t base,
		struct trivfs_protid **result)
{
	struct trivfs_control *cntl = cred->po->cntl;
	struct trivfs_protid *new;
	error_t err;

	err = ports_create_port(cntl->protid_class, cntl->protid_bucket, sizeof *new, &new);
	if (err) {
		iohelp_free_iouser(user);
		return err;
	}
	/* Complete enough for trivfs_clean_protid from here on. */
	new->po = cred->po;
	refcount_ref(&new->po->refcnt);
	new->user = user;
	new->isroot = cred->isroot && trivfs_uids_privileged(user->uids);
	new->hook = cred->hook;
	new->realnode = MACH_PORT_NULL;

	if (MACH_PORT_VALID(base)) {
		mach_port_t restricted;

		err = io_restrict_auth(base, &restricted,
				       user->uids->ids, user->uids->num,
				       user->gids->ids, user->gids->num);
		if (err) {
			ports_port_deref(new);
			return err;
		}
		new->realnode = restricted;
	}
	err = trivfs_protid_run_create_hook(new);
	if (err) {
		ports_port_deref(new);
		return err;
	}
	*result = new;
	return 0;
}

kern_return_t __attribute__((weak))
trivfs_S_io_restrict_auth(struct trivfs_protid *cred, mach_port_t reply,
			  mach_msg_type_name_t reply_type,
			  mach_port_t *newport, mach_msg_type_name_t *newport_type,
			  const uid_t *uids, mach_msg_type_number_t nuids,
			  const uid_t *gids, mach_msg_type_number_t ngids)
{
	struct trivfs_protid *newcred;
	struct iouser *user;
	error_t err;

	if (!cred)
		return EOPNOTSUPP;
	if (cred->isroot)
		/* A privileged user may become anyone. */
		err = iohelp_create_complex_iouser(&user, uids, nuids, gids, ngids);
	else
		/* Anyone else keeps only the ids it has. */
		err = iohelp_restrict_iouser(&user, cred->user, uids, nuids, gids, ngids);
	if (err)
		return err;
	err = protid_for_user(cred, user, cred->realnode, &newcred);
	if (err)
		return err;
	*newport = ports_get_right(newcred);
	*newport_type = MACH_MSG_TYPE_MAKE_SEND;
	ports_port_deref(newcred);
	return 0;
}

/* io_reauthenticate: the user proves its ids through the auth server
 * (rendezvous on REND_PORT), which hands the user a new port of ours for
 * them.  That port exists before the ids are known, so it joins the
 * bucket's port set (and may receive) only once the protid is complete.
 * A failed authentication gives a port without ids, as on the Hurd. */
kern_return_t __attribute__((weak))
trivfs_S_io_reauthenticate(struct trivfs_protid *cred, mach_port_t reply,
			   mach_msg_type_name_t reply_type, mach_port_t rend_port)
{
	struct trivfs_control *cntl;
	struct trivfs_protid *new;
	mach_port_t auth, newright;
	error_t err;

	if (!cred)
		return EOPNOTSUPP;
	cntl = cred->po->cntl;
	err = ports_create_port_noinstall(cntl->protid_class, cntl->protid_bucket,
					  sizeof *new, &new);
	if (err)
		return err;
	/* Complete enough for trivfs_clean_protid from here on. */
	new->po = cred->po;
	refcount_ref(&new->po->refcnt);
	new->user = NULL;
	new->isroot = 0;
	new->hook = cred->hook;
	new->realnode = MACH_PORT_NULL;

	newright = ports_get_send_right(new);
	auth = getauth();
	err = iohelp_reauth(&new->user, auth, rend_port, newright, 1);
	if (MACH_PORT_VALID(auth))
		mach_port_deallocate(mach_task_self(), auth);
	mach_port_deallocate(mach_task_self(), newright);
	if (err) {
		/* REND_PORT stays with the request, which is destroyed. */
		ports_destroy_right(new);
		ports_port_deref(new);
		return err;
	}
	mach_port_deallocate(mach_task_self(), rend_port);
	new->isroot = trivfs_uids_privileged(new->user->uids);

	/* The user holds its new port already: from here on a failure
	 * leaves it a dead name, and the request itself succeeded. */
	if (MACH_PORT_VALID(cntl->underlying)) {
		err = io_restrict_auth(cntl->underlying, &new->realnode,
				       new->user->uids->ids, new->user->uids->num,
				       new->user->gids->ids, new->user->gids->num);
		if (err)
			new->realnode = MACH_PORT_NULL;
	}
	if (!err)
		err = trivfs_protid_run_create_hook(new);
	if (err)
		ports_destroy_right(new);
	else
		mach_port_move_member(mach_task_self(), new->pi.port_right,
				      new->pi.bucket->portset);
	ports_port_deref(new);
	return 0;
}

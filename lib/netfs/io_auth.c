/* Who uses an open: io_reauthenticate (the auth server's rendezvous:
 * the caller's ids become the new port's), io_restrict_auth (a port
 * with a subset of the ids) and io_duplicate (another port, same ids).
 * Each makes a new protid on the same peropen. */
#include "priv.h"
#include "io_S.h"

kern_return_t
netfs_S_io_reauthenticate(struct protid *cred, mach_port_t rendezvous)
{
	struct protid *newpi;
	mach_port_t newright;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	/* The new port stays out of the bucket until its user is known, so
	 * nothing arrives on it with no ids behind it. */
	refcount_ref(&cred->po->refcnt);
	newpi = netfs_make_protid(cred->po, NULL);
	if (newpi == NULL) {
		err = errno;
		refcount_deref(&cred->po->refcnt);
		return err;
	}
	newright = ports_get_send_right(newpi);
	/* A simpleroutine: the caller does not hear from us, so a failed
	 * transaction still gives a port, with no ids. */
	err = iohelp_reauth(&newpi->user, netfs_auth_server_port, rendezvous, newright, 1);
	mach_port_deallocate(mach_task_self(), newright);
	if (err) {
		/* No user at all: the port must never serve. */
		ports_destroy_right(newpi);
	} else {
		mach_port_deallocate(mach_task_self(), rendezvous);
		mach_port_move_member(mach_task_self(), newpi->pi.port_right,
				      netfs_port_bucket->portset);
	}
	ports_port_deref(newpi);
	return err;
}

kern_return_t
netfs_S_io_restrict_auth(struct protid *cred, mach_port_t *newport,
			 mach_msg_type_name_t *newporttype, const_idarray_t uids,
			 mach_msg_type_number_t nuids, const_idarray_t gids,
			 mach_msg_type_number_t ngids)
{
	struct iouser *user;
	struct protid *newpi;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	err = iohelp_restrict_iouser(&user, cred->user, uids, nuids, gids, ngids);
	if (err)
		return err;
	refcount_ref(&cred->po->refcnt);
	newpi = netfs_make_protid(cred->po, user);
	if (newpi == NULL) {
		err = errno;
		refcount_deref(&cred->po->refcnt);
		iohelp_free_iouser(user);
		return err;
	}
	*newport = ports_get_right(newpi);
	*newporttype = MACH_MSG_TYPE_MAKE_SEND;
	ports_port_deref(newpi);
	return 0;
}

kern_return_t
netfs_S_io_duplicate(struct protid *cred, mach_port_t *newport,
		     mach_msg_type_name_t *newporttype)
{
	struct iouser *user;
	struct protid *newpi;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	err = iohelp_dup_iouser(&user, cred->user);
	if (err)
		return err;
	refcount_ref(&cred->po->refcnt);
	newpi = netfs_make_protid(cred->po, user);
	if (newpi == NULL) {
		err = errno;
		refcount_deref(&cred->po->refcnt);
		iohelp_free_iouser(user);
		return err;
	}
	*newport = ports_get_right(newpi);
	*newporttype = MACH_MSG_TYPE_MAKE_SEND;
	ports_port_deref(newpi);
	return 0;
}

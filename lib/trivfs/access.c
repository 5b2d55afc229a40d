/* Who may open the node for what.
 *
 * The answer is the translator's (trivfs_check_access_hook) or the
 * underlying node's (file_check_access on the user's restricted
 * realnode): a translator has by default the permissions of the node it
 * sits on.  The hook answers in C flags; the node answers on the wire. */
#include "priv.h"

int
trivfs_node_access(struct trivfs_control *cntl, struct iouser *user, mach_port_t realnode)
{
	int allowed = 0;

	if (trivfs_check_access_hook) {
		if (trivfs_check_access_hook(cntl, user, realnode, &allowed))
			return 0;
		return allowed & (O_READ | O_WRITE | O_EXEC);
	}
	if (file_check_access(realnode, &allowed))
		return 0;
	return hurd_openflags_from_wire(allowed) & (O_READ | O_WRITE | O_EXEC);
}

kern_return_t __attribute__((weak))
trivfs_S_file_check_access(struct trivfs_protid *cred, mach_port_t reply,
			   mach_msg_type_name_t reply_type, int *allowed)
{
	if (!cred)
		return EOPNOTSUPP;
	*allowed = hurd_openflags_to_wire(trivfs_node_access(cred->po->cntl, cred->user,
							     cred->realnode));
	return 0;
}

error_t
trivfs_check_open(struct trivfs_control *cntl, struct iouser *user,
		  mach_port_t realnode, int flags)
{
	int want = flags & (O_READ | O_WRITE | O_EXEC);
	error_t err;

	if ((flags & O_WRITE) && !(trivfs_allow_open & O_WRITE))
		return EROFS;
	if ((want & trivfs_allow_open) != want)
		return EACCES;
	if ((want & trivfs_node_access(cntl, user, realnode)) != want)
		return EACCES;
	if (trivfs_check_open_hook) {
		err = trivfs_check_open_hook(cntl, user, flags);
		if (err)
			return err;
	}
	return 0;
}

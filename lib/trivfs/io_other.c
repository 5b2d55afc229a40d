/* The io routines a single-node translator passes to its node or has no
 * use for.
 *
 * io_pathconf and io_revoke go to the underlying node (its answers hold
 * for the translated node too); io_server_version answers from
 * trivfs_server_name and trivfs_server_version when the translator
 * defines them.  The rest are features of full io servers (async I/O and
 * ownership, mapping, the shared page) that trivfs does not offer: each
 * answers EOPNOTSUPP, and a translator that offers one defines it. */
#include "priv.h"

#include <stdio.h>

kern_return_t __attribute__((weak))
trivfs_S_io_pathconf(struct trivfs_protid *cred, mach_port_t reply,
		     mach_msg_type_name_t reply_type, int name, int *value)
{
	if (!cred)
		return EOPNOTSUPP;
	return io_pathconf(cred->realnode, name, value);
}

kern_return_t __attribute__((weak))
trivfs_S_io_revoke(struct trivfs_protid *cred, mach_port_t reply,
		   mach_msg_type_name_t reply_type)
{
	if (!cred)
		return EOPNOTSUPP;
	return io_revoke(cred->realnode);
}

kern_return_t __attribute__((weak))
trivfs_S_io_server_version(struct trivfs_protid *cred, mach_port_t reply,
			   mach_msg_type_name_t reply_type, string_t name,
			   int *major, int *minor, int *edit)
{
	if (!cred)
		return EOPNOTSUPP;
	if (!&trivfs_server_name || !&trivfs_server_version ||
	    !trivfs_server_name || !trivfs_server_version)
		return EOPNOTSUPP;
	snprintf(name, sizeof(string_t), "%s %s", trivfs_server_name, trivfs_server_version);
	*major = *minor = *edit = 0;
	return 0;
}

kern_return_t __attribute__((weak))
trivfs_S_io_async(struct trivfs_protid *cred, mach_port_t reply,
		  mach_msg_type_name_t reply_type, mach_port_t notify,
		  mach_port_t *id, mach_msg_type_name_t *id_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_get_icky_async_id(struct trivfs_protid *cred, mach_port_t reply,
			      mach_msg_type_name_t reply_type,
			      mach_port_t *id, mach_msg_type_name_t *id_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_mod_owner(struct trivfs_protid *cred, mach_port_t reply,
		      mach_msg_type_name_t reply_type, pid_t owner)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_get_owner(struct trivfs_protid *cred, mach_port_t reply,
		      mach_msg_type_name_t reply_type, pid_t *owner)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_map(struct trivfs_protid *cred, mach_port_t reply,
		mach_msg_type_name_t reply_type,
		mach_port_t *rdobj, mach_msg_type_name_t *rd_type,
		mach_port_t *wrobj, mach_msg_type_name_t *wr_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_map_cntl(struct trivfs_protid *cred, mach_port_t reply,
		     mach_msg_type_name_t reply_type,
		     mach_port_t *obj, mach_msg_type_name_t *obj_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_get_conch(struct trivfs_protid *cred, mach_port_t reply,
		      mach_msg_type_name_t reply_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_release_conch(struct trivfs_protid *cred, mach_port_t reply,
			  mach_msg_type_name_t reply_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_eofnotify(struct trivfs_protid *cred, mach_port_t reply,
		      mach_msg_type_name_t reply_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_prenotify(struct trivfs_protid *cred, mach_port_t reply,
		      mach_msg_type_name_t reply_type, vm_offset_t start, vm_offset_t end)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_postnotify(struct trivfs_protid *cred, mach_port_t reply,
		       mach_msg_type_name_t reply_type, vm_offset_t start, vm_offset_t end)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_readnotify(struct trivfs_protid *cred, mach_port_t reply,
		       mach_msg_type_name_t reply_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_readsleep(struct trivfs_protid *cred, mach_port_t reply,
		      mach_msg_type_name_t reply_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_sigio(struct trivfs_protid *cred, mach_port_t reply,
		  mach_msg_type_name_t reply_type)
{
	return EOPNOTSUPP;
}

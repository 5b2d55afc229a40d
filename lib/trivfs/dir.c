/* The dir_* routines: a trivfs node is no directory.
 *
 * The one lookup it answers is of the empty name, which reopens the node
 * (a new open with the given flags for the same user, as open("") or
 * file_name_lookup on the node itself does).  Everything else is ENOTDIR;
 * dir_link and dir_rename say EXDEV first when the other node is not
 * ours, as the Hurd's library does. */
#include "priv.h"

#include <string.h>

kern_return_t __attribute__((weak))
trivfs_S_dir_lookup(struct trivfs_protid *cred, mach_port_t reply,
		    mach_msg_type_name_t reply_type, const_string_t name,
		    int wire_flags, mode_t mode, retry_type *do_retry, string_t retry_name,
		    mach_port_t *result, mach_msg_type_name_t *result_type)
{
	int flags = hurd_openflags_from_wire(wire_flags) & TRIVFS_OPEN_KEPT;
	struct trivfs_protid *newcred;
	struct iouser *user;
	error_t err;

	if (!cred)
		return EOPNOTSUPP;
	if (name[0])
		return ENOTDIR;

	err = trivfs_check_open(cred->po->cntl, cred->user, cred->realnode, flags);
	if (err)
		return err;
	err = iohelp_dup_iouser(&user, cred->user);
	if (err)
		return err;
	if (MACH_PORT_VALID(cred->realnode)) {
		err = mach_port_mod_refs(mach_task_self(), cred->realnode, MACH_PORT_RIGHT_SEND, 1);
		if (err) {
			iohelp_free_iouser(user);
			return err;
		}
	}
	err = trivfs_open(cred->po->cntl, user, flags, cred->realnode, &newcred);
	if (err) {
		if (MACH_PORT_VALID(cred->realnode))
			mach_port_deallocate(mach_task_self(), cred->realnode);
		iohelp_free_iouser(user);
		return err;
	}
	*do_retry = FS_RETRY_NORMAL;
	retry_name[0] = '\0';
	*result = ports_get_right(newcred);
	*result_type = MACH_MSG_TYPE_MAKE_SEND;
	ports_port_deref(newcred);
	return 0;
}

kern_return_t __attribute__((weak))
trivfs_S_dir_readdir(struct trivfs_protid *cred, mach_port_t reply,
		     mach_msg_type_name_t reply_type, data_t *data,
		     mach_msg_type_number_t *data_len, boolean_t *data_dealloc,
		     int entry, int nentries, vm_size_t bufsiz, int *amount)
{
	return cred ? ENOTDIR : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_dir_mkdir(struct trivfs_protid *cred, mach_port_t reply,
		   mach_msg_type_name_t reply_type, const_string_t name, mode_t mode)
{
	return cred ? ENOTDIR : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_dir_rmdir(struct trivfs_protid *cred, mach_port_t reply,
		   mach_msg_type_name_t reply_type, const_string_t name)
{
	return cred ? ENOTDIR : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_dir_unlink(struct trivfs_protid *cred, mach_port_t reply,
		    mach_msg_type_name_t reply_type, const_string_t name)
{
	return cred ? ENOTDIR : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_dir_link(struct trivfs_protid *dir, mach_port_t reply,
		  mach_msg_type_name_t reply_type, struct trivfs_protid *file,
		  const_string_t name, int excl)
{
	if (!dir)
		return EOPNOTSUPP;
	if (!file)
		return EXDEV;
	return ENOTDIR;
}

kern_return_t __attribute__((weak))
trivfs_S_dir_rename(struct trivfs_protid *dir, mach_port_t reply,
		    mach_msg_type_name_t reply_type, const_string_t name,
		    struct trivfs_protid *newdir, const_string_t newname, int excl)
{
	if (!dir)
		return EOPNOTSUPP;
	if (!newdir)
		return EXDEV;
	return ENOTDIR;
}

kern_return_t __attribute__((weak))
trivfs_S_dir_mkfile(struct trivfs_protid *cred, mach_port_t reply,
		    mach_msg_type_name_t reply_type, int flags, mode_t mode,
		    mach_port_t *newnode, mach_msg_type_name_t *newnode_type)
{
	return cred ? ENOTDIR : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_dir_notice_changes(struct trivfs_protid *cred, mach_port_t reply,
			    mach_msg_type_name_t reply_type, mach_port_t notify)
{
	return cred ? ENOTDIR : EOPNOTSUPP;
}

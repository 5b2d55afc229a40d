/* The file_* routines.
 *
 * What concerns the node's attributes (owner, mode, flags, times, sync)
 * goes to the underlying node through the user's restricted realnode, so
 * the node's own permission checks apply; file_getcontrol hands the
 * control port to privileged users; file_get_fs_options reports the
 * translator's options.  A trivfs node has no translators, locks, file
 * handles or storage of its own: those answer EOPNOTSUPP, and so does
 * file_exec (a translator that can be executed defines it). */
#include "priv.h"

#include <argz.h>
#include <errno.h>
#include <stdlib.h>

kern_return_t __attribute__((weak))
trivfs_S_file_chown(struct trivfs_protid *cred, mach_port_t reply,
		    mach_msg_type_name_t reply_type, uid_t uid, gid_t gid)
{
	return cred ? file_chown(cred->realnode, uid, gid) : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_chauthor(struct trivfs_protid *cred, mach_port_t reply,
		       mach_msg_type_name_t reply_type, uid_t author)
{
	return cred ? file_chauthor(cred->realnode, author) : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_chmod(struct trivfs_protid *cred, mach_port_t reply,
		    mach_msg_type_name_t reply_type, mode_t mode)
{
	return cred ? file_chmod(cred->realnode, mode) : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_chflags(struct trivfs_protid *cred, mach_port_t reply,
		      mach_msg_type_name_t reply_type, int flags)
{
	return cred ? file_chflags(cred->realnode, flags) : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_utimes(struct trivfs_protid *cred, mach_port_t reply,
		     mach_msg_type_name_t reply_type, time_value_t atime, time_value_t mtime)
{
	return cred ? file_utimes(cred->realnode, atime, mtime) : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_utimens(struct trivfs_protid *cred, mach_port_t reply,
		      mach_msg_type_name_t reply_type, timespec_t atime, timespec_t mtime)
{
	return cred ? file_utimens(cred->realnode, atime, mtime) : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_sync(struct trivfs_protid *cred, mach_port_t reply,
		   mach_msg_type_name_t reply_type, int wait, int omit_metadata)
{
	return cred ? file_sync(cred->realnode, wait, omit_metadata) : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_syncfs(struct trivfs_protid *cred, mach_port_t reply,
		     mach_msg_type_name_t reply_type, int wait, int do_children)
{
	return cred ? file_sync(cred->realnode, wait, 0) : EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_getcontrol(struct trivfs_protid *cred, mach_port_t reply,
			 mach_msg_type_name_t reply_type,
			 mach_port_t *control, mach_msg_type_name_t *control_type)
{
	if (!cred)
		return EOPNOTSUPP;
	if (!cred->isroot)
		return EPERM;
	*control = ports_get_right(cred->po->cntl);
	*control_type = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

kern_return_t __attribute__((weak))
trivfs_S_file_getlinknode(struct trivfs_protid *cred, mach_port_t reply,
			  mach_msg_type_name_t reply_type,
			  mach_port_t *linknode, mach_msg_type_name_t *linknode_type)
{
	if (!cred)
		return EOPNOTSUPP;
	*linknode = cred->realnode;
	*linknode_type = MACH_MSG_TYPE_COPY_SEND;
	return 0;
}

/* file_reparent: the node is no directory, so another parent changes
 * nothing: a duplicate of the port. */
kern_return_t __attribute__((weak))
trivfs_S_file_reparent(struct trivfs_protid *cred, mach_port_t reply,
		       mach_msg_type_name_t reply_type, mach_port_t parent,
		       mach_port_t *new_file, mach_msg_type_name_t *new_file_type)
{
	error_t err = trivfs_S_io_duplicate(cred, reply, reply_type, new_file, new_file_type);

	if (!err)
		mach_port_deallocate(mach_task_self(), parent);
	return err;
}

/* The translator's command line: the program name, then its options
 * (trivfs_append_args), in memory the reply takes away. */
error_t
trivfs_options_argz(struct trivfs_control *cntl, data_t *data, mach_msg_type_number_t *len)
{
	char *argz = NULL;
	size_t argz_len = 0;
	error_t err;

	err = argz_add(&argz, &argz_len, program_invocation_name);
	if (!err)
		err = trivfs_append_args(cntl, &argz, &argz_len);
	if (err) {
		free(argz);
		return err;
	}
	return iohelp_return_malloced_buffer(argz, argz_len, data, len);
}

kern_return_t __attribute__((weak))
trivfs_S_file_get_fs_options(struct trivfs_protid *cred, mach_port_t reply,
			     mach_msg_type_name_t reply_type,
			     data_t *data, mach_msg_type_number_t *len)
{
	if (!cred)
		return EOPNOTSUPP;
	return trivfs_options_argz(cred->po->cntl, data, len);
}

kern_return_t __attribute__((weak))
trivfs_S_file_exec(struct trivfs_protid *cred, mach_port_t reply,
		   mach_msg_type_name_t reply_type, mach_port_t exec_task, int flags,
		   const_data_t argv, mach_msg_type_number_t argv_len,
		   const_data_t envp, mach_msg_type_number_t envp_len,
		   const_portarray_t fdarray, mach_msg_type_number_t fdarray_len,
		   const_portarray_t portarray, mach_msg_type_number_t portarray_len,
		   const_intarray_t intarray, mach_msg_type_number_t intarray_len,
		   const_mach_port_array_t deallocnames, mach_msg_type_number_t ndeallocnames,
		   const_mach_port_array_t destroynames, mach_msg_type_number_t ndestroynames)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_exec_paths(struct trivfs_protid *cred, mach_port_t reply,
			 mach_msg_type_name_t reply_type, mach_port_t exec_task, int flags,
			 const_string_t path, const_string_t abspath,
			 const_data_t argv, mach_msg_type_number_t argv_len,
			 const_data_t envp, mach_msg_type_number_t envp_len,
			 const_portarray_t fdarray, mach_msg_type_number_t fdarray_len,
			 const_portarray_t portarray, mach_msg_type_number_t portarray_len,
			 const_intarray_t intarray, mach_msg_type_number_t intarray_len,
			 const_mach_port_array_t deallocnames, mach_msg_type_number_t ndeallocnames,
			 const_mach_port_array_t destroynames, mach_msg_type_number_t ndestroynames)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_lock(struct trivfs_protid *cred, mach_port_t reply,
		   mach_msg_type_name_t reply_type, int flags)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_lock_stat(struct trivfs_protid *cred, mach_port_t reply,
			mach_msg_type_name_t reply_type, int *mystatus, int *otherstatus)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_record_lock(struct trivfs_protid *cred, mach_port_t reply,
			  mach_msg_type_name_t reply_type, int cmd, flock_t *lock,
			  mach_port_t rendezvous)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_notice_changes(struct trivfs_protid *cred, mach_port_t reply,
			     mach_msg_type_name_t reply_type, mach_port_t notify)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_get_storage_info(struct trivfs_protid *cred, mach_port_t reply,
			       mach_msg_type_name_t reply_type,
			       portarray_t *ports, mach_msg_type_name_t *ports_type,
			       mach_msg_type_number_t *nports,
			       intarray_t *ints, mach_msg_type_number_t *nints,
			       off_array_t *offsets, mach_msg_type_number_t *noffsets,
			       data_t *data, mach_msg_type_number_t *data_len)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_getfh(struct trivfs_protid *cred, mach_port_t reply,
		    mach_msg_type_name_t reply_type,
		    data_t *data, mach_msg_type_number_t *data_len)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_set_translator(struct trivfs_protid *cred, mach_port_t reply,
			     mach_msg_type_name_t reply_type, int passive_flags,
			     int active_flags, int oldtrans_flags,
			     const_data_t passive, mach_msg_type_number_t passive_len,
			     mach_port_t active)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_get_translator(struct trivfs_protid *cred, mach_port_t reply,
			     mach_msg_type_name_t reply_type,
			     data_t *trans, mach_msg_type_number_t *trans_len)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_file_get_translator_cntl(struct trivfs_protid *cred, mach_port_t reply,
				  mach_msg_type_name_t reply_type,
				  mach_port_t *cntl, mach_msg_type_name_t *cntl_type)
{
	return EOPNOTSUPP;
}

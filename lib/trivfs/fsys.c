/* The fsys_* routines: the translator's control port.
 *
 * fsys_getroot is how a client reaches the node: the parent file system
 * calls it when a lookup reaches the translator, with the client's ids
 * and open flags, and hands the client the port it returns.  The others
 * serve fsysopts (options), settrans -g (fsys_goaway) and sync.  The
 * boot-time and forwarding routines (fsys_startup on a control port,
 * fsys_getpriv, fsys_init, fsys_forward, fsys_getfile, fsys_get_children)
 * mean nothing for a single node and answer EOPNOTSUPP. */
#include "priv.h"

#include <stdlib.h>
#include <string.h>

kern_return_t __attribute__((weak))
trivfs_S_fsys_getroot(struct trivfs_control *cntl, mach_port_t reply,
		      mach_msg_type_name_t reply_type, mach_port_t dotdot,
		      const uid_t *uids, mach_msg_type_number_t nuids,
		      const uid_t *gids, mach_msg_type_number_t ngids,
		      int wire_flags, retry_type *do_retry, string_t retry_name,
		      mach_port_t *newpt, mach_msg_type_name_t *newpt_type)
{
	int flags = hurd_openflags_from_wire(wire_flags);
	struct idvec uidvec = { (uid_t *) uids, nuids, nuids };
	struct trivfs_protid *cred;
	struct iouser *user;
	mach_port_t realnode = MACH_PORT_NULL;
	error_t err;

	if (!cntl)
		return EOPNOTSUPP;
	if (trivfs_getroot_hook) {
		err = trivfs_getroot_hook(cntl, reply, reply_type, dotdot, uids, nuids,
					  gids, ngids, flags, do_retry, retry_name,
					  newpt, newpt_type);
		if (err != EAGAIN)
			return err;
	}
	/* Creation, exclusivity and the lookup modifiers mean nothing for a
	 * node that exists once and has no translator of its own. */
	flags &= TRIVFS_OPEN_KEPT;

	/* The realnode carries the user's ids to the node's own checks: a
	 * privileged user gets the translator's full rights to it. */
	if (MACH_PORT_VALID(cntl->underlying)) {
		if (trivfs_uids_privileged(&uidvec))
			err = io_duplicate(cntl->underlying, &realnode);
		else
			err = io_restrict_auth(cntl->underlying, &realnode,
					       uids, nuids, gids, ngids);
		if (err)
			return err;
	}
	err = iohelp_create_complex_iouser(&user, uids, nuids, gids, ngids);
	if (err)
		goto fail_realnode;
	err = trivfs_check_open(cntl, user, realnode, flags);
	if (err)
		goto fail_user;
	if (trivfs_open_hook) {
		err = trivfs_open_hook(cntl, user, dotdot, flags, realnode, &cred);
	} else {
		err = trivfs_open(cntl, user, flags, realnode, &cred);
		if (!err)
			mach_port_deallocate(mach_task_self(), dotdot);
	}
	if (err)
		goto fail_user;

	*do_retry = FS_RETRY_NORMAL;
	retry_name[0] = '\0';
	*newpt = ports_get_right(cred);
	*newpt_type = MACH_MSG_TYPE_MAKE_SEND;
	ports_port_deref(cred);
	return 0;

fail_user:
	iohelp_free_iouser(user);
fail_realnode:
	if (MACH_PORT_VALID(realnode))
		mach_port_deallocate(mach_task_self(), realnode);
	return err;
}

kern_return_t __attribute__((weak))
trivfs_S_fsys_goaway(struct trivfs_control *cntl, mach_port_t reply,
		     mach_msg_type_name_t reply_type, int flags)
{
	if (!cntl)
		return EOPNOTSUPP;
	return trivfs_goaway(cntl, flags);
}

/* fsys_set_options: DATA is an argz command line.  A vector whose last
 * string lacks its NUL (which argz would read past) gets one here. */
kern_return_t __attribute__((weak))
trivfs_S_fsys_set_options(struct trivfs_control *cntl, mach_port_t reply,
			  mach_msg_type_name_t reply_type, const_data_t data,
			  mach_msg_type_number_t len, int do_children)
{
	char *argz;
	error_t err;

	if (!cntl)
		return EOPNOTSUPP;
	if (len == 0 || data[len - 1] == '\0')
		return trivfs_set_options(cntl, data, len);
	argz = malloc((size_t) len + 1);
	if (!argz)
		return ENOMEM;
	memcpy(argz, data, len);
	argz[len] = '\0';
	err = trivfs_set_options(cntl, argz, (size_t) len + 1);
	free(argz);
	return err;
}

kern_return_t __attribute__((weak))
trivfs_S_fsys_get_options(struct trivfs_control *cntl, mach_port_t reply,
			  mach_msg_type_name_t reply_type,
			  data_t *data, mach_msg_type_number_t *len)
{
	if (!cntl)
		return EOPNOTSUPP;
	return trivfs_options_argz(cntl, data, len);
}

kern_return_t __attribute__((weak))
trivfs_S_fsys_syncfs(struct trivfs_control *cntl, mach_port_t reply,
		     mach_msg_type_name_t reply_type, int wait, int do_children)
{
	if (!cntl)
		return EOPNOTSUPP;
	return file_sync(cntl->underlying, wait, 0);
}

kern_return_t __attribute__((weak))
trivfs_S_fsys_get_source(struct trivfs_control *cntl, mach_port_t reply,
			 mach_msg_type_name_t reply_type, string_t source)
{
	if (!cntl)
		return EOPNOTSUPP;
	return trivfs_get_source(source, sizeof(string_t));
}

kern_return_t __attribute__((weak))
trivfs_S_fsys_get_children(struct trivfs_control *cntl, mach_port_t reply,
			   mach_msg_type_name_t reply_type,
			   data_t *names, mach_msg_type_number_t *names_len,
			   portarray_t *controls, mach_msg_type_name_t *controls_type,
			   mach_msg_type_number_t *ncontrols)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_fsys_startup(mach_port_t bootstrap, mach_port_t reply,
		      mach_msg_type_name_t reply_type, int flags, mach_port_t control,
		      mach_port_t *realnode, mach_msg_type_name_t *realnode_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_fsys_forward(mach_port_t server, mach_port_t reply,
		      mach_msg_type_name_t reply_type, mach_port_t requestor,
		      const_data_t argz, mach_msg_type_number_t argz_len)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_fsys_getpriv(struct trivfs_control *cntl, mach_port_t reply,
		      mach_msg_type_name_t reply_type,
		      mach_port_t *host, mach_msg_type_name_t *host_type,
		      mach_port_t *device, mach_msg_type_name_t *device_type,
		      mach_port_t *fstask, mach_msg_type_name_t *fstask_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_fsys_init(struct trivfs_control *cntl, mach_port_t reply,
		   mach_msg_type_name_t reply_type, mach_port_t proc, auth_t auth)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_fsys_getfile(struct trivfs_control *cntl, mach_port_t reply,
		      mach_msg_type_name_t reply_type,
		      const uid_t *uids, mach_msg_type_number_t nuids,
		      const uid_t *gids, mach_msg_type_number_t ngids,
		      const_data_t handle, mach_msg_type_number_t handle_len,
		      mach_port_t *file, mach_msg_type_name_t *file_type)
{
	return EOPNOTSUPP;
}

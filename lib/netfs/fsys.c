/* The control port's routines (fsys.defs): fsys_getroot, fsys_goaway,
 * fsys_syncfs, fsys_set_options, fsys_get_options, fsys_get_children,
 * fsys_get_source, and those a netfs translator does not serve. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <hurd/fsys.h>
#include "priv.h"
#include "fsys_S.h"

kern_return_t
netfs_S_fsys_getroot(struct netfs_control *control, mach_port_t reply,
		     mach_msg_type_name_t reply_type, mach_port_t dotdot,
		     const_idarray_t uids, mach_msg_type_number_t nuids,
		     const_idarray_t gids, mach_msg_type_number_t ngids, int wire_flags,
		     retry_type *do_retry, string_t retry_name, mach_port_t *retry_port,
		     mach_msg_type_name_t *retry_port_type)
{
	struct peropen context = { .root_parent = dotdot };
	int flags = hurd_openflags_from_wire(wire_flags);
	struct node *root = netfs_root_node;
	struct iouser *user;
	struct protid *newpi;
	mode_t type;
	error_t err;

	(void) reply, (void) reply_type;
	if (control == NULL)
		return EOPNOTSUPP;
	err = iohelp_create_complex_iouser(&user, uids, nuids, gids, ngids);
	if (err)
		return err;
	*do_retry = FS_RETRY_NORMAL;
	retry_name[0] = '\0';

	pthread_mutex_lock(&root->lock);
	err = netfs_validate_stat(root, user);
	if (err)
		goto out;
	type = root->nn_stat.st_mode & S_IFMT;

	if (((root->nn_stat.st_mode & S_IPTRANS) || fshelp_translated(&root->transbox)) &&
	    !(flags & O_NOTRANS)) {
		struct fshelp_stat_cookie2 cookie = {
			.statp = &root->nn_stat, .modep = &root->nn_translated, .next = &context,
		};

		err = fshelp_fetch_root(&root->transbox, &cookie, dotdot, user, flags,
					_netfs_translator_callback1, _netfs_translator_callback2,
					do_retry, retry_name, retry_port);
		if (err != ENOENT) {
			if (!err) {
				*retry_port_type = MACH_MSG_TYPE_MOVE_SEND;
				mach_port_deallocate(mach_task_self(), dotdot);
			}
			goto out;
		}
		err = 0;	/* the translator vanished: the root itself */
	}

	if (type == S_IFLNK && !(flags & (O_NOLINK | O_NOTRANS))) {
		/* A symlink root: the client resolves the target. */
		size_t len = root->nn_stat.st_size;

		if (len == 0 || len >= sizeof(string_t)) {
			err = len == 0 ? ENOENT : ENAMETOOLONG;
			goto out;
		}
		err = netfs_attempt_readlink(user, root, retry_name);
		if (err)
			goto out;
		retry_name[len] = '\0';
		if (retry_name[0] == '/') {
			*do_retry = FS_RETRY_MAGICAL;
			*retry_port = MACH_PORT_NULL;
			*retry_port_type = MACH_MSG_TYPE_COPY_SEND;
			if (MACH_PORT_VALID(dotdot))
				mach_port_deallocate(mach_task_self(), dotdot);
		} else {
			*do_retry = FS_RETRY_REAUTH;
			*retry_port = dotdot;
			*retry_port_type = MACH_MSG_TYPE_MOVE_SEND;
		}
		goto out;
	}

	if ((type == S_IFSOCK || type == S_IFBLK || type == S_IFCHR || type == S_IFIFO) &&
	    (flags & (O_READ | O_WRITE | O_EXEC))) {
		err = EOPNOTSUPP;
		goto out;
	}
	err = netfs_check_open_permissions(user, root, flags, 0);
	if (err)
		goto out;
	newpi = netfs_open_node(root, flags & ~OPENONLY_STATE_MODES, &context, user);
	if (newpi == NULL) {
		err = errno;
		goto out;
	}
	user = NULL;	/* the protid's now */
	/* The peropen took its own reference to DOTDOT. */
	if (MACH_PORT_VALID(dotdot))
		mach_port_deallocate(mach_task_self(), dotdot);
	*retry_port = ports_get_right(newpi);
	*retry_port_type = MACH_MSG_TYPE_MAKE_SEND;
	ports_port_deref(newpi);
out:
	pthread_mutex_unlock(&root->lock);
	iohelp_free_iouser(user);
	return err;
}

void
netfs_send_simple_reply(mach_port_t reply, mach_msg_type_name_t reply_type,
			mach_msg_id_t request_id, kern_return_t code)
{
	mig_reply_header_t msg = {
		.Head = {
			.msgh_bits = MACH_MSGH_BITS(reply_type, 0),
			.msgh_size = sizeof msg,
			.msgh_remote_port = reply,
			.msgh_local_port = MACH_PORT_NULL,
			.msgh_id = request_id + 100,
		},
		.RetCodeType = {
			.msgt_name = MACH_MSG_TYPE_INTEGER_32,
			.msgt_size = 32,
			.msgt_number = 1,
			.msgt_inline = 1,
		},
		.RetCode = code,
	};

	mach_msg(&msg.Head, MACH_SEND_MSG, sizeof msg, 0, MACH_PORT_NULL, MACH_MSG_TIMEOUT_NONE,
		 MACH_PORT_NULL);
}

static void *
exit_thread(void *arg)
{
	(void) arg;
	exit(0);
}

kern_return_t
netfs_S_fsys_goaway(struct netfs_control *control, mach_port_t reply,
		    mach_msg_type_name_t reply_type, int flags)
{
	pthread_t t;
	error_t err;

	if (control == NULL)
		return EOPNOTSUPP;
	err = netfs_shutdown(flags);
	if (err)
		return err;
	/* Answer before going, or the caller would see us die.  The exit
	 * runs on a thread of its own, outside any RPC, so that this RPC
	 * ends as usual first (a thread exiting inside an RPC leaves
	 * libports' record of it behind, for other threads to trip on). */
	netfs_send_simple_reply(reply, reply_type, 22001, 0);
	if (pthread_create(&t, NULL, exit_thread, NULL) != 0)
		exit(0);
	return MIG_NO_REPLY;
}

static error_t
sync_child(void *cookie, const char *name, mach_port_t child)
{
	(void) name;
	fsys_syncfs(child, *(int *) cookie, 1);
	return 0;
}

kern_return_t
netfs_S_fsys_syncfs(struct netfs_control *control, mach_port_t reply,
		    mach_msg_type_name_t reply_type, int wait, int do_children)
{
	struct iouser *user;
	error_t err;

	(void) reply, (void) reply_type;
	if (control == NULL)
		return EOPNOTSUPP;
	if (do_children)
		fshelp_map_active_translators(sync_child, &wait);
	err = iohelp_create_simple_iouser(&user, 0, 0);
	if (err)
		return err;
	err = netfs_attempt_syncfs(user, wait);
	iohelp_free_iouser(user);
	return err;
}

struct child_options {
	const char *data;
	mach_msg_type_number_t len;
	int do_children;
};

static error_t
set_child_options(void *cookie, const char *name, mach_port_t child)
{
	struct child_options *o = cookie;
	error_t err = fsys_set_options(child, o->data, o->len, o->do_children);

	(void) name;
	return (err == MIG_SERVER_DIED || err == MACH_SEND_INVALID_DEST) ? 0 : err;
}

kern_return_t
netfs_S_fsys_set_options(struct netfs_control *control, mach_port_t reply,
			 mach_msg_type_name_t reply_type, const_data_t data,
			 mach_msg_type_number_t len, int do_children)
{
	struct child_options o = { data, len, do_children };
	error_t err = 0;

	(void) reply, (void) reply_type;
	if (control == NULL)
		return EOPNOTSUPP;
	if (len > 0 && data[len - 1] != '\0')
		return EINVAL;	/* not an argz vector */
	if (do_children)
		err = fshelp_map_active_translators(set_child_options, &o);
	if (!err)
		err = netfs_set_options(data, len);
	return err;
}

kern_return_t
netfs_S_fsys_get_options(struct netfs_control *control, mach_port_t reply,
			 mach_msg_type_name_t reply_type, data_t *data,
			 mach_msg_type_number_t *len)
{
	(void) reply, (void) reply_type;
	if (control == NULL)
		return EOPNOTSUPP;
	return netfs_get_options_reply(data, len);
}

kern_return_t
netfs_S_fsys_get_children(struct netfs_control *control, mach_port_t reply,
			  mach_msg_type_name_t reply_type, data_t *names,
			  mach_msg_type_number_t *names_len, portarray_t *controls,
			  mach_msg_type_name_t *controls_type,
			  mach_msg_type_number_t *controls_len)
{
	char *n = NULL;
	size_t n_len = 0, count = 0;
	mach_port_t *c = NULL;
	char *names_buf = *names;
	error_t err;

	(void) reply, (void) reply_type;
	if (control == NULL)
		return EOPNOTSUPP;
	err = fshelp_get_active_translators(&n, &n_len, &c, &count);
	if (err) {
		free(n);
		for (size_t i = 0; i < count; i++)
			mach_port_deallocate(mach_task_self(), c[i]);
		free(c);
		return err;
	}
	err = iohelp_return_malloced_buffer(n, n_len, names, names_len);
	if (!err)
		err = iohelp_return_malloced_buffer((char *) c, count * sizeof *c,
						    (char **) controls, controls_len);
	else
		free(c);
	if (err) {
		for (size_t i = 0; i < count; i++)
			mach_port_deallocate(mach_task_self(), c[i]);
		if (*names != names_buf)
			munmap(*names, n_len);
		return err;
	}
	*controls_type = MACH_MSG_TYPE_MOVE_SEND;
	*controls_len = count;
	return 0;
}

error_t __attribute__((weak))
netfs_get_source(char *source, size_t source_len)
{
	(void) source, (void) source_len;
	return EOPNOTSUPP;
}

kern_return_t
netfs_S_fsys_get_source(struct netfs_control *control, mach_port_t reply,
			mach_msg_type_name_t reply_type, string_t source)
{
	(void) reply, (void) reply_type;
	if (control == NULL)
		return EOPNOTSUPP;
	return netfs_get_source(source, sizeof(string_t));
}

kern_return_t __attribute__((weak))
netfs_S_fsys_getfile(struct netfs_control *control, mach_port_t reply,
		     mach_msg_type_name_t reply_type, const_idarray_t uids,
		     mach_msg_type_number_t nuids, const_idarray_t gids,
		     mach_msg_type_number_t ngids, const_data_t handle,
		     mach_msg_type_number_t handlelen, mach_port_t *file,
		     mach_msg_type_name_t *filetype)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_fsys_getpriv(struct netfs_control *control, mach_port_t reply,
		     mach_msg_type_name_t reply_type, mach_port_t *host,
		     mach_msg_type_name_t *hosttype, mach_port_t *device,
		     mach_msg_type_name_t *devicetype, mach_port_t *fstask,
		     mach_msg_type_name_t *fstasktype)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_fsys_init(struct netfs_control *control, mach_port_t reply,
		  mach_msg_type_name_t reply_type, mach_port_t proc, auth_t auth)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_fsys_forward(mach_port_t server, mach_port_t reply, mach_msg_type_name_t reply_type,
		     mach_port_t requestor, const_data_t argv, mach_msg_type_number_t argvlen)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_fsys_startup(mach_port_t bootstrap, mach_port_t reply,
		     mach_msg_type_name_t reply_type, int flags, mach_port_t control,
		     mach_port_t *realnode, mach_msg_type_name_t *realnodetype)
{
	return EOPNOTSUPP;
}

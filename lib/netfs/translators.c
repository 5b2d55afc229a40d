/* Translators on netfs nodes: the fshelp callbacks that start a node's
 * passive translator, and file_set_translator, file_get_translator,
 * file_get_translator_cntl and file_getcontrol.
 *
 * A passive translator is the translator's to store (netfs_set_translator,
 * netfs_get_translator); the short-circuited ones (/hurd/symlink,
 * /hurd/chrdev, /hurd/blkdev, /hurd/fifo, /hurd/ifsock) become the node's
 * type instead when the translator can store that (netfs_attempt_mksymlink,
 * netfs_attempt_mkdev, netfs_attempt_chmod), unless FS_TRANS_FORCE is
 * given.  The active translator lives in the node's transbox. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <hurd/fsys.h>
#include <hurd/paths.h>
#include "priv.h"
#include "fs_S.h"

/* callback1: the node's owner and passive translator. */
static error_t
translator_callback1(void *cookie1, void *cookie2, uid_t *uid, gid_t *gid, char **argz,
		     mach_msg_type_number_t *argz_len)
{
	struct node *np = cookie1;
	error_t err;

	(void) cookie2;
	pthread_mutex_lock(&np->lock);
	if (!(np->nn_translated & S_IPTRANS)) {
		pthread_mutex_unlock(&np->lock);
		return ENOENT;
	}
	err = netfs_get_translator(np, argz, argz_len);
	*uid = np->nn_stat.st_uid;
	*gid = np->nn_stat.st_gid;
	pthread_mutex_unlock(&np->lock);
	return err == EOPNOTSUPP ? ENOENT : err;
}

/* callback2: an unauthenticated-as-owner port on the node itself for the
 * translator's fsys_startup (its "realnode"). */
static error_t
translator_callback2(void *cookie1, void *cookie2, int flags, mach_port_t *underlying,
		     mach_msg_type_name_t *underlying_type)
{
	struct node *np = cookie1;
	struct fshelp_stat_cookie2 *statc = cookie2;
	struct iouser *user;
	struct protid *cred;
	error_t err;

	/* The lookup that started the translator holds NP. */
	pthread_mutex_lock(&np->lock);
	err = iohelp_create_simple_iouser(&user, np->nn_stat.st_uid, np->nn_stat.st_gid);
	if (err) {
		pthread_mutex_unlock(&np->lock);
		return err;
	}
	cred = netfs_open_node(np, flags & ~OPENONLY_STATE_MODES, statc->next, user);
	pthread_mutex_unlock(&np->lock);
	if (cred == NULL) {
		err = errno;
		iohelp_free_iouser(user);
		return err;
	}
	*underlying = ports_get_right(cred);
	*underlying_type = MACH_MSG_TYPE_MAKE_SEND;
	ports_port_deref(cred);
	return 0;
}

fshelp_fetch_root_callback1_t _netfs_translator_callback1 = translator_callback1;
fshelp_fetch_root_callback2_t _netfs_translator_callback2 = translator_callback2;

error_t __attribute__((weak))
netfs_set_translator(struct iouser *cred, struct node *np, const char *argz,
		     mach_msg_type_number_t argzlen)
{
	(void) cred, (void) np, (void) argz, (void) argzlen;
	return EOPNOTSUPP;
}

error_t __attribute__((weak))
netfs_get_translator(struct node *node, char **argz, mach_msg_type_number_t *argz_len)
{
	(void) node, (void) argz, (void) argz_len;
	return EOPNOTSUPP;
}

/* The second and third elements of the argz PASSIVE (LEN bytes), for the
 * short-circuited translators' arguments; NULL when absent. */
static const char *
argz_element(const char *passive, size_t len, int index)
{
	const char *p = passive, *end = passive + len;

	for (int i = 0; i < index; i++) {
		p += strlen(p) + 1;
		if (p >= end)
			return NULL;
	}
	return p;
}

/* Store PASSIVE as NP's passive translator, or as its type when it is a
 * short-circuited one the translator can store natively.  NP locked. */
static error_t
store_passive(struct protid *cred, struct node *np, int passive_flags, const char *passive,
	      mach_msg_type_number_t passivelen)
{
	mode_t type = 0;
	const char *arg, *arg2;
	char *end;
	error_t err;

	if (passivelen > 0 && !(passive_flags & FS_TRANS_FORCE)) {
		if (strcmp(passive, _HURD_SYMLINK) == 0)
			type = S_IFLNK;
		else if (strcmp(passive, _HURD_CHRDEV) == 0)
			type = S_IFCHR;
		else if (strcmp(passive, _HURD_BLKDEV) == 0)
			type = S_IFBLK;
		else if (strcmp(passive, _HURD_FIFO) == 0)
			type = S_IFIFO;
		else if (strcmp(passive, _HURD_IFSOCK) == 0)
			type = S_IFSOCK;
	}

	switch (type) {
	case S_IFLNK:
		arg = argz_element(passive, passivelen, 1);
		if (arg == NULL)
			return EINVAL;
		err = netfs_attempt_mksymlink(cred->user, np, arg);
		break;
	case S_IFCHR:
	case S_IFBLK: {
		unsigned long major_nr, minor_nr;

		arg = argz_element(passive, passivelen, 1);
		arg2 = argz_element(passive, passivelen, 2);
		if (arg == NULL || arg2 == NULL)
			return EINVAL;
		major_nr = strtoul(arg, &end, 0);
		if (*end != '\0')
			return EINVAL;
		minor_nr = strtoul(arg2, &end, 0);
		if (*end != '\0')
			return EINVAL;
		err = netfs_attempt_mkdev(cred->user, np, type, makedev(major_nr, minor_nr));
		break;
	}
	case S_IFIFO:
	case S_IFSOCK:
		err = netfs_validate_stat(np, cred->user);
		if (!err)
			err = netfs_attempt_chmod(cred->user, np,
						  (np->nn_stat.st_mode & ~S_IFMT) | type);
		break;
	default:
		err = EOPNOTSUPP;
		break;
	}
	if (err == EOPNOTSUPP)
		err = netfs_set_translator(cred->user, np, passive, passivelen);
	return err;
}

kern_return_t
netfs_S_file_set_translator(struct protid *cred, int passive_flags, int active_flags,
			    int killtrans_flags, const_data_t passive,
			    mach_msg_type_number_t passivelen, mach_port_t active)
{
	struct node *np;
	mach_port_t control;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	if (!(passive_flags & FS_TRANS_SET) && !(active_flags & FS_TRANS_SET))
		return 0;
	if (passivelen > 0 && passive[passivelen - 1] != '\0')
		return EINVAL;

	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_validate_stat(np, cred->user);
	if (!err)
		err = fshelp_isowner(&np->nn_stat, cred->user);
	if (err)
		goto out;

	if ((active_flags & FS_TRANS_SET) && !(active_flags & FS_TRANS_ORPHAN)) {
		/* Stop the running translator first, unless EXCL would
		 * refuse anyway. */
		err = fshelp_fetch_control(&np->transbox, &control);
		if (err)
			goto out;
		if (control != MACH_PORT_NULL && !(active_flags & FS_TRANS_EXCL)) {
			pthread_mutex_unlock(&np->lock);
			err = fsys_goaway(control, killtrans_flags);
			mach_port_deallocate(mach_task_self(), control);
			if (err && err != MIG_SERVER_DIED && err != MACH_SEND_INVALID_DEST)
				return err;
			err = 0;
			pthread_mutex_lock(&np->lock);
		} else if (control != MACH_PORT_NULL) {
			mach_port_deallocate(mach_task_self(), control);
		}
	}

	if ((passive_flags & FS_TRANS_SET) && (passive_flags & FS_TRANS_EXCL) &&
	    (np->nn_stat.st_mode & S_IPTRANS)) {
		err = EBUSY;
		goto out;
	}

	if (passive_flags & FS_TRANS_SET) {
		err = store_passive(cred, np, passive_flags, passive, passivelen);
		if (err)
			goto out;
	}

	/* Last, because it takes ACTIVE over: on an error after it, the
	 * server loop would destroy the request's right a second time. */
	if (active_flags & FS_TRANS_SET) {
		err = fshelp_set_active(&np->transbox, active, active_flags & FS_TRANS_EXCL);
		if (err)
			goto out;
		active = MACH_PORT_NULL;
	}

	/* Recording it for fsys_get_children is best effort: the
	 * translator is set either way. */
	if ((active_flags & FS_TRANS_SET) && cred->po->path != NULL)
		fshelp_set_active_translator(cred->pi.bucket->notify_port, cred->po->path,
					     &np->transbox);
out:
	pthread_mutex_unlock(&np->lock);
	/* On success ACTIVE is ours; on error the server loop destroys it
	 * with the request. */
	if (!err && MACH_PORT_VALID(active))
		mach_port_deallocate(mach_task_self(), active);
	return err;
}

/* Return the LEN bytes of BUF through the reply buffer *DATA (*DATALEN
 * bytes on entry), allocating a bigger one if needed. */
static error_t
return_bytes(const char *buf, size_t len, char **data, mach_msg_type_number_t *datalen)
{
	if (len > *datalen) {
		void *fresh = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				   -1, 0);

		if (fresh == MAP_FAILED)
			return ENOMEM;
		*data = fresh;
	}
	memcpy(*data, buf, len);
	*datalen = len;
	return 0;
}

kern_return_t
netfs_S_file_get_translator(struct protid *cred, data_t *trans,
			    mach_msg_type_number_t *translen)
{
	struct node *np;
	char *buf = NULL;
	size_t len = 0;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_validate_stat(np, cred->user);
	if (err)
		goto out;

	if (np->nn_translated & S_IPTRANS) {
		mach_msg_type_number_t argz_len = 0;

		err = netfs_get_translator(np, &buf, &argz_len);
		len = argz_len;
	} else if (S_ISLNK(np->nn_stat.st_mode)) {
		size_t linklen = np->nn_stat.st_size;

		len = sizeof _HURD_SYMLINK + linklen + 1;
		buf = malloc(len);
		if (buf == NULL) {
			err = ENOMEM;
			goto out;
		}
		memcpy(buf, _HURD_SYMLINK, sizeof _HURD_SYMLINK);
		err = netfs_attempt_readlink(cred->user, np, buf + sizeof _HURD_SYMLINK);
		buf[len - 1] = '\0';
	} else if (S_ISCHR(np->nn_stat.st_mode) || S_ISBLK(np->nn_stat.st_mode)) {
		int n = asprintf(&buf, "%s%c%u%c%u",
				 S_ISCHR(np->nn_stat.st_mode) ? _HURD_CHRDEV : _HURD_BLKDEV, 0,
				 major(np->nn_stat.st_rdev), 0, minor(np->nn_stat.st_rdev));

		if (n < 0) {
			buf = NULL;
			err = ENOMEM;
		}
		len = n + 1;
	} else if (S_ISFIFO(np->nn_stat.st_mode) || S_ISSOCK(np->nn_stat.st_mode)) {
		const char *name = S_ISFIFO(np->nn_stat.st_mode) ? _HURD_FIFO : _HURD_IFSOCK;

		len = strlen(name) + 1;
		buf = strdup(name);
		if (buf == NULL)
			err = ENOMEM;
	} else {
		err = EINVAL;	/* no translator */
	}
	if (!err)
		err = return_bytes(buf, len, trans, translen);
out:
	pthread_mutex_unlock(&np->lock);
	free(buf);
	return err;
}

kern_return_t
netfs_S_file_get_translator_cntl(struct protid *cred, mach_port_t *ctl,
				 mach_msg_type_name_t *ctltype)
{
	struct node *np;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_validate_stat(np, cred->user);
	if (!err)
		err = fshelp_isowner(&np->nn_stat, cred->user);
	if (!err)
		err = fshelp_fetch_control(&np->transbox, ctl);
	if (!err && *ctl == MACH_PORT_NULL)
		err = ENXIO;
	if (!err)
		*ctltype = MACH_MSG_TYPE_MOVE_SEND;
	pthread_mutex_unlock(&np->lock);
	return err;
}

kern_return_t
netfs_S_file_getcontrol(struct protid *cred, mach_port_t *control,
			mach_msg_type_name_t *controltype)
{
	struct port_info *pi;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&netfs_root_node->lock);
	err = netfs_validate_stat(netfs_root_node, cred->user);
	if (!err)
		err = fshelp_iscontroller(&netfs_root_node->nn_stat, cred->user);
	pthread_mutex_unlock(&netfs_root_node->lock);
	if (err)
		return err;
	err = ports_create_port(netfs_control_class, netfs_port_bucket, sizeof *pi, &pi);
	if (err)
		return err;
	*control = ports_get_right(pi);
	*controltype = MACH_MSG_TYPE_MAKE_SEND;
	ports_port_deref(pi);
	return 0;
}

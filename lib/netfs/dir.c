/* The directory routines of fs.defs: dir_readdir, dir_mkdir, dir_rmdir,
 * dir_unlink, dir_link, dir_rename, dir_mkfile, dir_notice_changes.
 *
 * Names given by clients are single components: empty names and names
 * with '/' are refused here (ENOENT, EINVAL) before the translator sees
 * them; MIG has already cut them at 1023 bytes and terminated them.
 * Permission checks are the translator's (it knows its nodes). */
#include <string.h>
#include "priv.h"
#include "fs_S.h"

int
netfs_valid_name(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL;
}

/* 0, or the error for a bad entry NAME. */
static error_t
check_name(const char *name)
{
	if (name[0] == '\0')
		return ENOENT;
	if (strchr(name, '/') != NULL)
		return EINVAL;
	return 0;
}

kern_return_t
netfs_S_dir_readdir(struct protid *cred, data_t *data, mach_msg_type_number_t *datacnt,
		    boolean_t *data_dealloc, int entry, int nentries, vm_size_t bufsiz, int *amt)
{
	struct node *np;
	error_t err = 0;

	if (cred == NULL)
		return EOPNOTSUPP;
	if (entry < 0)
		return EINVAL;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	if (!(cred->po->openstat & O_READ))
		err = EBADF;
	if (!err)
		err = netfs_validate_stat(np, cred->user);
	if (!err && !S_ISDIR(np->nn_stat.st_mode))
		err = ENOTDIR;
	if (!err)
		err = netfs_get_dirents(cred->user, np, entry, nentries, data, datacnt, bufsiz,
					amt);
	pthread_mutex_unlock(&np->lock);
	/* A buffer the translator allocated goes to the client; MIG frees
	 * it after sending (dealloc). */
	*data_dealloc = 1;
	return err;
}

kern_return_t
netfs_S_dir_mkdir(struct protid *cred, const_string_t name, mode_t mode)
{
	struct node *np;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	err = check_name(name);
	if (err)
		return err;
	mode = (mode & ~(S_IFMT | S_ISPARE | S_ITRANS)) | S_IFDIR;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_attempt_mkdir(cred->user, np, name, mode);
	pthread_mutex_unlock(&np->lock);
	return err;
}

kern_return_t
netfs_S_dir_rmdir(struct protid *cred, const_string_t name)
{
	struct node *np;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	err = check_name(name);
	if (err)
		return err;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_attempt_rmdir(cred->user, np, name);
	pthread_mutex_unlock(&np->lock);
	return err;
}

kern_return_t
netfs_S_dir_unlink(struct protid *cred, const_string_t name)
{
	struct node *np;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	err = check_name(name);
	if (err)
		return err;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_attempt_unlink(cred->user, np, name);
	pthread_mutex_unlock(&np->lock);
	return err;
}

kern_return_t
netfs_S_dir_link(struct protid *dircred, struct protid *filecred, const_string_t name, int excl)
{
	error_t err;

	if (dircred == NULL)
		return EOPNOTSUPP;
	if (filecred == NULL)
		return EXDEV;	/* a file of another server */
	err = check_name(name);
	if (err)
		return err;
	err = netfs_attempt_link(dircred->user, dircred->po->np, filecred->po->np, name, excl);
	if (!err)	/* the request's send right to FILECRED is consumed */
		mach_port_deallocate(mach_task_self(), filecred->pi.port_right);
	return err;
}

kern_return_t
netfs_S_dir_rename(struct protid *fromcred, const_string_t fromname, struct protid *tocred,
		   const_string_t toname, int excl)
{
	error_t err;

	if (fromcred == NULL)
		return EOPNOTSUPP;
	if (tocred == NULL)
		return EXDEV;
	err = check_name(fromname);
	if (!err)
		err = check_name(toname);
	if (err)
		return err;
	err = netfs_attempt_rename(fromcred->user, fromcred->po->np, fromname, tocred->po->np,
				   toname, excl);
	if (!err)	/* the request's send right to TOCRED is consumed */
		mach_port_deallocate(mach_task_self(), tocred->pi.port_right);
	return err;
}

kern_return_t
netfs_S_dir_mkfile(struct protid *cred, int wire_flags, mode_t mode, mach_port_t *newfile,
		   mach_msg_type_name_t *newfiletype)
{
	int flags = hurd_openflags_from_wire(wire_flags);
	struct iouser *user;
	struct protid *newpi;
	struct node *np;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	mode = (mode & ~(S_IFMT | S_ISPARE | S_ITRANS)) | S_IFREG;
	pthread_mutex_lock(&cred->po->np->lock);
	/* Unlocks the directory; NP comes locked. */
	err = netfs_attempt_mkfile(cred->user, cred->po->np, mode, &np);
	if (err)
		return err;
	err = iohelp_dup_iouser(&user, cred->user);
	if (!err) {
		newpi = netfs_open_node(np, flags & ~OPENONLY_STATE_MODES, cred->po, user);
		if (newpi != NULL) {
			*newfile = ports_get_right(newpi);
			*newfiletype = MACH_MSG_TYPE_MAKE_SEND;
			ports_port_deref(newpi);
		} else {
			err = errno;
			iohelp_free_iouser(user);
		}
	}
	netfs_nput(np);
	return err;
}

kern_return_t __attribute__((weak))
netfs_S_dir_notice_changes(struct protid *cred, mach_port_t notify)
{
	(void) cred, (void) notify;
	return EOPNOTSUPP;
}

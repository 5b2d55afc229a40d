/* Who may open what: the caller's Hurd ids (its port's iouser) against
 * the Linux file's owner, group and mode, with fshelp's rules.  Linux then
 * checks again for rootfs's own Linux user when the file is used. */
#include "rootfs.h"

uid_t
rootfs_user_uid(struct iouser *user)
{
	return user->uids->num > 0 ? user->uids->ids[0] : (uid_t) -1;
}

gid_t
rootfs_user_gid(struct iouser *user)
{
	return user->gids->num > 0 ? user->gids->ids[0] : (gid_t) -1;
}

error_t
netfs_check_open_permissions(struct iouser *user, struct node *np, int flags, int newnode)
{
	error_t err;

	err = rootfs_refresh_access_stat(np);
	if (err)
		return err;
	if ((flags & O_WRITE) && S_ISDIR(np->nn_stat.st_mode))
		return EISDIR;
	/* Whoever made the file may use it as they asked, whatever its mode
	 * (open (O_CREAT | O_WRONLY, 0444) works). */
	if (newnode)
		return 0;
	if (flags & O_READ)
		err = fshelp_access(&np->nn_stat, S_IREAD, user);
	if (!err && (flags & O_WRITE))
		err = fshelp_access(&np->nn_stat, S_IWRITE, user);
	if (!err && (flags & O_EXEC))
		err = fshelp_access(&np->nn_stat, S_IEXEC, user);
	return err;
}

error_t
netfs_report_access(struct iouser *cred, struct node *np, int *types)
{
	error_t err = rootfs_refresh_access_stat(np);

	if (err)
		return err;
	*types = 0;
	if (fshelp_access(&np->nn_stat, S_IREAD, cred) == 0)
		*types |= O_READ;
	if (fshelp_access(&np->nn_stat, S_IWRITE, cred) == 0)
		*types |= O_WRITE;
	if (fshelp_access(&np->nn_stat, S_IEXEC, cred) == 0)
		*types |= O_EXEC;
	return 0;
}

struct iouser *
netfs_make_user(uid_t *uids, int nuids, uid_t *gids, int ngids)
{
	struct iouser *user;

	return iohelp_create_complex_iouser(&user, uids, nuids, gids, ngids) ? NULL : user;
}

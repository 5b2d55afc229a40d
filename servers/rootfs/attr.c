/* A file's attributes: mode, owner, author, flags, times, device
 * numbers.  The Hurd's rules decide with the caller's ids; Linux then
 * makes the change through /proc/self/fd (O_PATH descriptors have no
 * fchmod) or an *at call on the descriptor. */
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include "rootfs.h"

error_t
netfs_attempt_chmod(struct iouser *cred, struct node *np, mode_t mode)
{
	char path[32];
	error_t err = rootfs_refresh_stat(np);

	if (!err)
		err = fshelp_isowner(&np->nn_stat, cred);
	if (err)
		return err;
	if ((mode & S_IFMT) != 0 && (mode & S_IFMT) != (np->nn_stat.st_mode & S_IFMT))
		return EOPNOTSUPP;	/* a Linux file keeps its type */
	if (S_ISLNK(np->nn_stat.st_mode))
		return EOPNOTSUPP;	/* Linux symlinks have no mode */
	mode &= 07777;
	if (!idvec_contains(cred->uids, 0)) {
		/* Only a member of the group may make a file set-gid, and
		 * only the superuser a non-directory sticky. */
		if (!idvec_contains(cred->gids, np->nn_stat.st_gid))
			mode &= ~S_ISGID;
		if (!S_ISDIR(np->nn_stat.st_mode))
			mode &= ~S_ISVTX;
	}
	if (chmod(rootfs_fd_path(np->nn->fd, path, sizeof path), mode) < 0)
		return errno;
	return rootfs_refresh_stat(np);
}

error_t
netfs_attempt_chown(struct iouser *cred, struct node *np, uid_t uid, uid_t gid)
{
	error_t err = rootfs_refresh_stat(np);

	if (err)
		return err;
	if (!idvec_contains(cred->uids, 0)) {
		/* The owner may give the file to a group of theirs; nobody
		 * else may change anything. */
		if (uid != (uid_t) -1 && uid != np->nn_stat.st_uid)
			return EPERM;
		if (gid != (gid_t) -1 && gid != np->nn_stat.st_gid &&
		    (fshelp_isowner(&np->nn_stat, cred) != 0 || !idvec_contains(cred->gids, gid)))
			return EPERM;
		if (fshelp_isowner(&np->nn_stat, cred) != 0)
			return EPERM;
	}
	if (fchownat(np->nn->fd, "", uid, gid, AT_EMPTY_PATH) < 0)
		return errno;
	return rootfs_refresh_stat(np);
}

error_t
netfs_attempt_chauthor(struct iouser *cred, struct node *np, uid_t author)
{
	error_t err = rootfs_refresh_stat(np);

	if (!err)
		err = fshelp_isowner(&np->nn_stat, cred);
	if (err)
		return err;
	/* Linux keeps no author: it is always the owner. */
	return author == np->nn_stat.st_uid ? 0 : EOPNOTSUPP;
}

error_t
netfs_attempt_chflags(struct iouser *cred, struct node *np, int flags)
{
	error_t err = rootfs_refresh_stat(np);

	if (!err)
		err = fshelp_isowner(&np->nn_stat, cred);
	if (err)
		return err;
	return flags == 0 ? 0 : EOPNOTSUPP;
}

/* Whether TS is the present moment, give or take the time the request
 * took: netfs turns "now" into a time before we see it. */
static int
is_now(const struct timespec *ts)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return ts->tv_sec >= now.tv_sec - 2 && ts->tv_sec <= now.tv_sec;
}

error_t
netfs_attempt_utimes(struct iouser *cred, struct node *np, struct timespec *atime,
		     struct timespec *mtime)
{
	struct timespec times[2] = {
		atime ? *atime : (struct timespec) { .tv_nsec = UTIME_OMIT },
		mtime ? *mtime : (struct timespec) { .tv_nsec = UTIME_OMIT },
	};
	char path[32];
	error_t err = rootfs_refresh_stat(np);

	if (err)
		return err;
	/* The owner sets any time; a writer may set the times to now. */
	if (fshelp_isowner(&np->nn_stat, cred) != 0) {
		if ((atime && !is_now(atime)) || (mtime && !is_now(mtime)))
			return EPERM;
		err = fshelp_access(&np->nn_stat, S_IWRITE, cred);
		if (err)
			return err;
	}
	if (utimensat(AT_FDCWD, rootfs_fd_path(np->nn->fd, path, sizeof path), times, 0) < 0)
		return errno;
	return rootfs_refresh_stat(np);
}

error_t
netfs_attempt_mkdev(struct iouser *cred, struct node *np, mode_t type, dev_t indexes)
{
	(void) cred, (void) np, (void) type, (void) indexes;
	/* Linux files keep their type: netfs stores a passive translator. */
	return EOPNOTSUPP;
}

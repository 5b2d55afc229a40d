/* Changing directory entries: netfs_attempt_unlink, netfs_attempt_rmdir,
 * netfs_attempt_rename, netfs_attempt_link.
 *
 * The caller needs search and write access to each directory changed,
 * and, in a sticky directory, to own the directory or the entry's file
 * (fshelp_checkdirmod).  Moving a directory to another parent also needs
 * write access to it (its `..' changes).  Linux does the change relative
 * to the directories' descriptors and never follows a symlink. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include "rootfs.h"

/* The Hurd stat of the entry NAME of the directory open as DIRFD, without
 * following a symlink: 0, ENOENT, or another error. */
static error_t
entry_stat(int dirfd, const char *name, io_statbuf_t *hst)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno;
	memset(hst, 0, sizeof *hst);
	hst->st_mode = st.st_mode;
	hst->st_uid = st.st_uid;
	hst->st_gid = st.st_gid;
	return 0;
}

/* May USER change (remove or replace) the entry NAME of DIR (locked)?
 * MUST_EXIST: ENOENT when there is none; *ENTRY gets its stat if any. */
static error_t
may_change_entry(struct iouser *user, struct node *dir, const char *name, int must_exist,
		 io_statbuf_t *entry, int *exists)
{
	error_t err = rootfs_refresh_stat(dir);

	*exists = 0;
	if (!err && !S_ISDIR(dir->nn_stat.st_mode))
		err = ENOTDIR;
	if (!err)
		err = fshelp_access(&dir->nn_stat, S_IEXEC, user);
	if (err)
		return err;
	err = entry_stat(dir->nn->fd, name, entry);
	if (err == ENOENT && !must_exist)
		return fshelp_checkdirmod(&dir->nn_stat, NULL, user);
	if (err)
		return err;
	*exists = 1;
	return fshelp_checkdirmod(&dir->nn_stat, entry, user);
}

static error_t
remove_entry(struct iouser *user, struct node *dir, const char *name, int flags)
{
	io_statbuf_t entry;
	int exists;
	error_t err = rootfs_check_name(name);

	if (!err && strcmp(name, ".") == 0)
		err = EINVAL;
	if (!err && strcmp(name, "..") == 0)
		err = ENOTEMPTY;
	if (!err)
		err = may_change_entry(user, dir, name, 1, &entry, &exists);
	if (err)
		return err;
	if (unlinkat(dir->nn->fd, name, flags) < 0)
		return errno;
	return 0;
}

error_t
netfs_attempt_unlink(struct iouser *user, struct node *dir, const char *name)
{
	return remove_entry(user, dir, name, 0);
}

error_t
netfs_attempt_rmdir(struct iouser *user, struct node *dir, const char *name)
{
	return remove_entry(user, dir, name, AT_REMOVEDIR);
}

error_t
netfs_attempt_rename(struct iouser *user, struct node *fromdir, const char *fromname,
		     struct node *todir, const char *toname, int excl)
{
	io_statbuf_t from, to;
	int exists;
	error_t err;

	err = rootfs_check_name(fromname);
	if (!err)
		err = rootfs_check_name(toname);
	if (!err && (strcmp(fromname, ".") == 0 || strcmp(fromname, "..") == 0 ||
		     strcmp(toname, ".") == 0 || strcmp(toname, "..") == 0))
		err = EBUSY;
	if (err)
		return err;

	pthread_mutex_lock(&fromdir->lock);
	err = may_change_entry(user, fromdir, fromname, 1, &from, &exists);
	pthread_mutex_unlock(&fromdir->lock);
	if (err)
		return err;
	pthread_mutex_lock(&todir->lock);
	err = may_change_entry(user, todir, toname, 0, &to, &exists);
	pthread_mutex_unlock(&todir->lock);
	if (!err && exists && excl)
		err = EEXIST;
	if (!err && S_ISDIR(from.st_mode) && fromdir != todir)
		err = fshelp_access(&from, S_IWRITE, user);	/* its `..' changes */
	if (err)
		return err;
	if (renameat2(fromdir->nn->fd, fromname, todir->nn->fd, toname,
		      excl ? RENAME_NOREPLACE : 0) < 0)
		return errno;
	return 0;
}

/* Make NAME in the directory open as DIRFD with MAKE (called with DIRFD
 * and a name), replacing an existing NAME unless EXCL: through a
 * temporary name and a rename, so that NAME always exists. */
static error_t
make_entry(int dirfd, const char *name, int excl,
	   int (*make)(void *arg, int dirfd, const char *name), void *arg)
{
	char temp[32];
	unsigned int r;

	if (make(arg, dirfd, name) == 0)
		return 0;
	if (errno != EEXIST || excl)
		return errno;
	for (int tries = 0; tries < 16; tries++) {
		if (getrandom(&r, sizeof r, 0) != sizeof r)
			r = (unsigned int) tries * 2654435761u;
		snprintf(temp, sizeof temp, ".rootfs-link-%08x", r);
		if (make(arg, dirfd, temp) == 0) {
			if (renameat(dirfd, temp, dirfd, name) == 0)
				return 0;
			error_t err = errno;

			unlinkat(dirfd, temp, 0);
			return err;
		}
		if (errno != EEXIST)
			return errno;
	}
	return EEXIST;
}

static int
make_hard_link(void *arg, int dirfd, const char *name)
{
	char path[32];

	return linkat(AT_FDCWD, rootfs_fd_path(*(int *) arg, path, sizeof path), dirfd, name,
		      AT_SYMLINK_FOLLOW);
}

static int
make_symlink(void *arg, int dirfd, const char *name)
{
	return symlinkat(arg, dirfd, name);
}

error_t
netfs_attempt_link(struct iouser *user, struct node *dir, struct node *file, const char *name,
		   int excl)
{
	io_statbuf_t entry;
	int exists, fd;
	error_t err = rootfs_check_name(name);

	if (!err && (strcmp(name, ".") == 0 || strcmp(name, "..") == 0))
		err = EEXIST;
	if (err)
		return err;
	pthread_mutex_lock(&dir->lock);
	err = may_change_entry(user, dir, name, 0, &entry, &exists);
	pthread_mutex_unlock(&dir->lock);
	if (!err && exists && excl)
		err = EEXIST;
	if (err)
		return err;

	pthread_mutex_lock(&file->lock);
	if (file->nn->symlink_target != NULL) {
		/* A symlink made by dir_mkfile and file_set_translator gets
		 * its Linux existence now; the node becomes that symlink. */
		err = make_entry(dir->nn->fd, name, excl, make_symlink, file->nn->symlink_target);
		if (!err) {
			fd = openat(dir->nn->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				err = errno;
			else
				err = rootfs_node_rebind(file, fd);
			if (!err) {
				free(file->nn->symlink_target);
				file->nn->symlink_target = NULL;
			}
		}
	} else {
		err = make_entry(dir->nn->fd, name, excl, make_hard_link, &file->nn->fd);
	}
	pthread_mutex_unlock(&file->lock);
	return err;
}

/* Making files: netfs_attempt_create_file (open with O_CREAT),
 * netfs_attempt_mkfile (dir_mkfile: a file with no name, Linux's
 * O_TMPFILE) and netfs_attempt_mkdir.
 *
 * The caller needs write and search access to the directory.  A new file
 * belongs to the caller's first uid and, when the caller is in it, the
 * directory's group (else the caller's first gid), as far as Linux lets
 * rootfs's user give it away; when it stays rootfs's, set-uid and set-gid
 * are dropped, so no caller makes a set-id program of an id it lacks. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "rootfs.h"

/* May USER add entries to DIR (locked)? */
static error_t
may_add_entry(struct iouser *user, struct node *dir)
{
	error_t err = rootfs_refresh_stat(dir);

	if (!err && !S_ISDIR(dir->nn_stat.st_mode))
		err = ENOTDIR;
	if (!err)
		err = fshelp_access(&dir->nn_stat, S_IEXEC, user);
	if (!err)
		err = fshelp_checkdirmod(&dir->nn_stat, NULL, user);
	return err;
}

/* Give the new file open as FD (any descriptor) to USER, found in DIR;
 * strip its set-id bits if it stays someone else's. */
static void
give_new_file(int fd, struct iouser *user, const io_statbuf_t *dir)
{
	uid_t uid = rootfs_user_uid(user);
	gid_t gid = idvec_contains(user->gids, dir->st_gid) ? dir->st_gid : rootfs_user_gid(user);
	struct stat st;
	char path[32];

	if (uid != (uid_t) -1)
		fchownat(fd, "", uid, gid, AT_EMPTY_PATH);	/* Linux may refuse */
	if (fstat(fd, &st) == 0 && st.st_uid != uid && (st.st_mode & (S_ISUID | S_ISGID)))
		chmod(rootfs_fd_path(fd, path, sizeof path), st.st_mode & ~(S_ISUID | S_ISGID) & 07777);
}

/* An O_PATH descriptor of the file open as FD. */
static int
path_fd(int fd)
{
	char path[32];

	return open(rootfs_fd_path(fd, path, sizeof path), O_PATH | O_CLOEXEC);
}

/* The node of the new file open as FD (read/write as FD's mode allows),
 * locked in *NP.  FD is consumed. */
static error_t
node_for_new_file(int fd, int fd_mode, struct node **np)
{
	int pfd = path_fd(fd);
	error_t err;

	if (pfd < 0) {
		err = errno;
		close(fd);
		return err;
	}
	err = rootfs_node_for_fd(pfd, np);
	if (err) {
		close(fd);
		return err;
	}
	pthread_mutex_lock(&(*np)->lock);
	/* Keep the descriptor for the I/O that usually follows. */
	if (fd_mode == O_RDWR && (*np)->nn->rfd < 0 && (*np)->nn->wfd < 0) {
		(*np)->nn->rfd = fd;
		(*np)->nn->wfd = dup(fd);
	} else if (fd_mode == O_WRONLY && (*np)->nn->wfd < 0) {
		(*np)->nn->wfd = fd;
	} else {
		close(fd);
	}
	return rootfs_refresh_stat(*np);
}

error_t
netfs_attempt_create_file(struct iouser *user, struct node *dir, const char *name, mode_t mode,
			  struct node **np)
{
	io_statbuf_t dirstat;
	error_t err;
	int fd;

	*np = NULL;
	err = rootfs_check_name(name);
	if (!err)
		err = may_add_entry(user, dir);
	if (err) {
		pthread_mutex_unlock(&dir->lock);
		return err;
	}
	fd = openat(dir->nn->fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
		    mode & 07777);
	err = fd < 0 ? errno : 0;
	dirstat = dir->nn_stat;
	pthread_mutex_unlock(&dir->lock);
	if (err)
		return err;
	give_new_file(fd, user, &dirstat);
	err = node_for_new_file(fd, O_WRONLY, np);
	if (err && *np != NULL) {
		netfs_nput(*np);
		*np = NULL;
	}
	return err;
}

error_t
netfs_attempt_mkfile(struct iouser *user, struct node *dir, mode_t mode, struct node **np)
{
	io_statbuf_t dirstat;
	error_t err;
	int fd;

	*np = NULL;
	err = may_add_entry(user, dir);
	if (err) {
		pthread_mutex_unlock(&dir->lock);
		return err;
	}
	fd = openat(dir->nn->fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, mode & 07777);
	err = fd < 0 ? errno : 0;
	dirstat = dir->nn_stat;
	pthread_mutex_unlock(&dir->lock);
	if (err)
		return err;
	give_new_file(fd, user, &dirstat);
	err = node_for_new_file(fd, O_RDWR, np);
	if (err && *np != NULL) {
		netfs_nput(*np);
		*np = NULL;
	}
	return err;
}

error_t
netfs_attempt_mkdir(struct iouser *user, struct node *dir, const char *name, mode_t mode)
{
	error_t err = rootfs_check_name(name);
	int fd;

	if (!err)
		err = may_add_entry(user, dir);
	if (err)
		return err;
	if (mkdirat(dir->nn->fd, name, mode & 07777) < 0)
		return errno;
	fd = openat(dir->nn->fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		give_new_file(fd, user, &dir->nn_stat);
		close(fd);
	}
	return 0;
}

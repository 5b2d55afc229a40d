/* File data and the file system as a whole: netfs_attempt_read,
 * netfs_attempt_write, netfs_attempt_set_size, netfs_attempt_sync,
 * netfs_attempt_syncfs, netfs_attempt_statfs.
 *
 * Data goes through a descriptor opened from the node's O_PATH one
 * (through /proc/self/fd, which names exactly that file), once per node
 * and direction.  Only regular files carry data: a device or fifo in DIR
 * is the Hurd's business (a translator), never opened by rootfs, which
 * could block on it. */
#include <fcntl.h>
#include <unistd.h>
#include <sys/statfs.h>
#include "rootfs.h"

error_t
rootfs_data_fd(struct node *np, int write, int *fd)
{
	struct netnode *nn = np->nn;
	int *slot = write ? &nn->wfd : &nn->rfd;
	struct stat st;
	char path[32];
	int opened;

	if (*slot >= 0) {
		*fd = *slot;
		return 0;
	}
	if (fstat(nn->fd, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode))
		return EOPNOTSUPP;
	opened = open(rootfs_fd_path(nn->fd, path, sizeof path),
		      (write ? O_WRONLY : O_RDONLY) | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (opened < 0)
		return errno;
	*slot = *fd = opened;
	return 0;
}

error_t
netfs_attempt_read(struct iouser *cred, struct node *np, loff_t offset, size_t *len, void *data)
{
	size_t done = 0;
	ssize_t n;
	int fd;
	error_t err;

	(void) cred;
	err = rootfs_data_fd(np, 0, &fd);
	if (err)
		return err;
	while (done < *len) {
		n = pread(fd, (char *) data + done, *len - done, offset + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (done > 0)
				break;
			return errno;
		}
		if (n == 0)
			break;
		done += n;
	}
	*len = done;
	return 0;
}

error_t
netfs_attempt_write(struct iouser *cred, struct node *np, loff_t offset, size_t *len,
		    const void *data)
{
	size_t done = 0;
	ssize_t n;
	int fd;
	error_t err;

	(void) cred;
	err = rootfs_data_fd(np, 1, &fd);
	if (err)
		return err;
	while (done < *len) {
		n = pwrite(fd, (const char *) data + done, *len - done, offset + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (done > 0)
				break;
			return errno;
		}
		done += n;
	}
	*len = done;
	return 0;
}

error_t
netfs_attempt_set_size(struct iouser *cred, struct node *np, loff_t size)
{
	int fd;
	error_t err;

	(void) cred;	/* the open was for writing (netfs checks) */
	err = rootfs_data_fd(np, 1, &fd);
	if (!err && ftruncate(fd, size) < 0)
		err = errno;
	if (!err)
		err = rootfs_refresh_stat(np);
	return err;
}

error_t
netfs_attempt_sync(struct iouser *cred, struct node *np, int wait)
{
	(void) cred, (void) wait;
	if (np->nn->wfd >= 0 && fsync(np->nn->wfd) < 0)
		return errno;
	return 0;
}

error_t
netfs_attempt_syncfs(struct iouser *cred, int wait)
{
	int fd;

	(void) cred, (void) wait;
	fd = openat(rootfs_dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (syncfs(fd) < 0) {
		int err = errno;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

error_t
netfs_attempt_statfs(struct iouser *cred, struct node *np, fsys_statfsbuf_t *st)
{
	struct statfs lst;

	(void) cred;
	if (fstatfs(np->nn->fd, &lst) < 0)
		return errno;
	st->f_type = FSTYPE_MISC;
	st->f_bsize = lst.f_bsize;
	st->f_blocks = lst.f_blocks;
	st->f_bfree = lst.f_bfree;
	st->f_bavail = lst.f_bavail;
	st->f_files = lst.f_files;
	st->f_ffree = lst.f_ffree;
	st->f_fsid = rootfs_root_id.dev;
	st->f_namelen = lst.f_namelen;
	st->f_favail = lst.f_ffree;
	st->f_frsize = lst.f_frsize;
	st->f_flag = lst.f_flags;
	return 0;
}

/* Looking a name up in a directory: netfs_attempt_lookup.
 *
 * Names are single components (netfs splits paths); the Linux file is
 * opened relative to the directory's descriptor with O_PATH | O_NOFOLLOW,
 * so a symlink is found as itself, never followed by Linux.  `..' of the
 * root is the root; `..' of another directory is checked to lie inside
 * DIR (a directory moved out of DIR by someone on Linux must not lead
 * there). */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include "rootfs.h"

/* How many levels a `..' check climbs at most. */
#define ROOTFS_MAX_DEPTH 4096

error_t
rootfs_check_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0)
		return ENOENT;
	if (strchr(name, '/') != NULL)
		return EINVAL;
	if (len > NAME_MAX)
		return ENAMETOOLONG;
	return 0;
}

/* Whether the directory open as FD is DIR or lies below it. */
static int
inside_root(int fd)
{
	struct stat st, parent_st;
	int cur = dup(fd), parent;

	if (cur < 0)
		return 0;
	for (int depth = 0; depth < ROOTFS_MAX_DEPTH; depth++) {
		if (fstat(cur, &st) < 0)
			break;
		if (st.st_dev == rootfs_root_id.dev && st.st_ino == rootfs_root_id.ino) {
			close(cur);
			return 1;
		}
		parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (parent < 0)
			break;
		if (fstat(parent, &parent_st) < 0 ||
		    (parent_st.st_dev == st.st_dev && parent_st.st_ino == st.st_ino)) {
			/* Linux's own root: we climbed past DIR. */
			close(parent);
			break;
		}
		close(cur);
		cur = parent;
	}
	close(cur);
	return 0;
}

error_t
netfs_attempt_lookup(struct iouser *user, struct node *dir, const char *name,
		     struct node **np)
{
	int fd;
	error_t err;

	*np = NULL;
	err = rootfs_refresh_access_stat(dir);
	if (!err && !S_ISDIR(dir->nn_stat.st_mode))
		err = ENOTDIR;
	if (!err)
		err = fshelp_access(&dir->nn_stat, S_IEXEC, user);
	if (err) {
		pthread_mutex_unlock(&dir->lock);
		return err;
	}
	if (strcmp(name, ".") == 0 || (strcmp(name, "..") == 0 && dir == netfs_root_node)) {
		/* The directory itself, still locked. */
		netfs_nref(dir);
		*np = dir;
		return 0;
	}
	if (strcmp(name, "..") == 0) {
		fd = openat(dir->nn->fd, "..", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && !inside_root(fd)) {
			close(fd);
			fd = -1;
			errno = ENOENT;
		}
	} else {
		err = rootfs_check_name(name);
		fd = err ? -1 : openat(dir->nn->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0 && !err)
		err = errno;
	pthread_mutex_unlock(&dir->lock);
	if (err)
		return err;
	err = rootfs_node_for_fd(fd, np);
	if (err)
		return err;
	pthread_mutex_lock(&(*np)->lock);
	return 0;
}

/* Symlinks: netfs_attempt_readlink, and netfs_attempt_mksymlink, by which
 * a file made with dir_mkfile becomes a symlink (glibc's symlink () on the
 * Hurd: dir_mkfile, file_set_translator with /hurd/symlink, dir_link).  A
 * Linux file cannot change its type, so the node keeps the target and
 * shows itself as a symlink until dir_link gives it a name, when the
 * Linux symlink is made (dirops.c).  A file that already has a name
 * keeps the target as a passive /hurd/symlink translator instead (netfs's
 * fallback when this returns EOPNOTSUPP). */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include "rootfs.h"

error_t
netfs_attempt_mksymlink(struct iouser *cred, struct node *np, const char *name)
{
	struct stat st;
	char *copy;

	(void) cred;	/* file_set_translator checked ownership */
	if (fstat(np->nn->fd, &st) < 0)
		return errno;
	if (!S_ISREG(st.st_mode) || st.st_nlink != 0)
		return EOPNOTSUPP;
	if (name[0] == '\0')
		return ENOENT;
	if (strlen(name) >= PATH_MAX)
		return ENAMETOOLONG;
	copy = strdup(name);
	if (copy == NULL)
		return ENOMEM;
	free(np->nn->symlink_target);
	np->nn->symlink_target = copy;
	return rootfs_refresh_stat(np);
}

error_t
netfs_attempt_readlink(struct iouser *user, struct node *np, char *buf)
{
	size_t size = np->nn_stat.st_size;
	char *target;
	ssize_t len;

	(void) user;
	if (np->nn->symlink_target != NULL) {
		if (strlen(np->nn->symlink_target) != size)
			return ESTALE;
		memcpy(buf, np->nn->symlink_target, size);
		return 0;
	}
	if (!S_ISLNK(np->nn_stat.st_mode))
		return EINVAL;
	target = malloc(size + 1);
	if (target == NULL)
		return ENOMEM;
	len = readlinkat(np->nn->fd, "", target, size + 1);
	if (len < 0 || (size_t) len != size) {
		/* Changed since the stat the caller sized BUF by. */
		free(target);
		return len < 0 ? errno : ESTALE;
	}
	memcpy(buf, target, size);
	free(target);
	return 0;
}

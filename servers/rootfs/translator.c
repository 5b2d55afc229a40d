/* Passive translators, stored with the Linux file in the extended
 * attribute gnu.translator (the Hurd's ext2fs keeps them there too), or
 * in user.gnu.translator where the Linux file system refuses the gnu.
 * namespace (tmpfs does).  The value is the translator's argz vector.
 * The attributes are reached through /proc/self/fd, as Linux offers no
 * *xattr call on an O_PATH descriptor. */
#include <string.h>
#include <sys/xattr.h>
#include "rootfs.h"

static const char *const xattr_names[] = { "gnu.translator", "user.gnu.translator" };

/* The largest passive translator record (Linux's limit for a value). */
#define PASSIVE_MAX 65536

int
rootfs_has_passive(int fd)
{
	char path[32];

	rootfs_fd_path(fd, path, sizeof path);
	for (size_t i = 0; i < 2; i++)
		if (getxattr(path, xattr_names[i], NULL, 0) > 0)
			return 1;
	return 0;
}

error_t
netfs_get_translator(struct node *np, char **argz, mach_msg_type_number_t *argz_len)
{
	char path[32], *buf;
	ssize_t len = -1;

	rootfs_fd_path(np->nn->fd, path, sizeof path);
	for (size_t i = 0; i < 2 && len < 0; i++) {
		len = getxattr(path, xattr_names[i], NULL, 0);
		if (len <= 0 || len > PASSIVE_MAX) {
			len = -1;
			continue;
		}
		buf = malloc(len);
		if (buf == NULL)
			return ENOMEM;
		len = getxattr(path, xattr_names[i], buf, len);
		if (len <= 0 || buf[len - 1] != '\0') {
			/* Changed under us, or not an argz vector. */
			free(buf);
			len = -1;
			continue;
		}
		*argz = buf;
		*argz_len = len;
	}
	return len < 0 ? ENOENT : 0;
}

error_t
netfs_set_translator(struct iouser *cred, struct node *np, const char *argz,
		     mach_msg_type_number_t argzlen)
{
	char path[32];
	error_t err;

	err = rootfs_refresh_stat(np);
	if (!err)
		err = fshelp_isowner(&np->nn_stat, cred);
	if (err)
		return err;
	if (!S_ISREG(np->nn_stat.st_mode) && !S_ISDIR(np->nn_stat.st_mode))
		return EOPNOTSUPP;	/* Linux keeps no user attributes on others */
	if (argzlen > PASSIVE_MAX)
		return E2BIG;
	rootfs_fd_path(np->nn->fd, path, sizeof path);

	if (argzlen == 0) {
		/* Remove it from wherever it is. */
		for (size_t i = 0; i < 2; i++)
			if (removexattr(path, xattr_names[i]) < 0 && errno != ENODATA &&
			    errno != ENOTSUP && errno != EPERM)
				return errno;
		return rootfs_refresh_stat(np);
	}
	if (setxattr(path, xattr_names[0], argz, argzlen, 0) == 0) {
		removexattr(path, xattr_names[1]);	/* a stale fallback copy */
	} else if (errno == ENOTSUP || errno == EPERM) {
		if (setxattr(path, xattr_names[1], argz, argzlen, 0) < 0)
			return errno;
	} else {
		return errno;
	}
	return rootfs_refresh_stat(np);
}

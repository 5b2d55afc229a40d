/* A node's Hurd stat (struct hurd_stat, the Hurd's x86_64 layout), filled
 * field by field from Linux's, with the Hurd's additions: S_IPTRANS when
 * the file has a passive translator, st_author (the owner), st_fstype and
 * st_fsid.  Inode numbers are Linux's for files on DIR's own Linux file
 * system; files of file systems mounted below DIR get theirs mixed with
 * their device number, so numbers stay distinct within rootfs. */
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include "rootfs.h"

static ino64_t
hurd_ino(const struct stat *st)
{
	if (st->st_dev == rootfs_root_id.dev)
		return st->st_ino;
	return st->st_ino ^ ((uint64_t) st->st_dev << 40) ^ ((uint64_t) 1 << 63);
}

static void
hurd_stat_from_linux(io_statbuf_t *h, const struct stat *st)
{
	memset(h, 0, sizeof *h);
	h->st_fstype = FSTYPE_MISC;
	h->st_fsid = rootfs_root_id.dev;
	h->st_ino = hurd_ino(st);
	h->st_gen = 0;
	h->st_rdev = st->st_rdev;
	h->st_mode = st->st_mode;
	h->st_nlink = st->st_nlink;
	h->st_uid = st->st_uid;
	h->st_gid = st->st_gid;
	h->st_size = st->st_size;
	h->st_atim = st->st_atim;
	h->st_mtim = st->st_mtim;
	h->st_ctim = st->st_ctim;
	h->st_blksize = st->st_blksize;
	h->st_blocks = st->st_blocks;
	h->st_author = st->st_uid;
	h->st_flags = 0;
}

/* Refresh NP's stat from Linux; the passive translator bit is read again
 * if WITH_TRANSLATOR, else kept. */
static error_t
refresh(struct node *np, bool with_translator)
{
	struct netnode *nn = np->nn;
	mode_t passive = np->nn_stat.st_mode & S_IPTRANS;
	struct stat st;

	if (fstat(nn->fd, &st) < 0)
		return errno;
	hurd_stat_from_linux(&np->nn_stat, &st);
	if (nn->symlink_target != NULL) {
		/* A symlink waiting for its name (see struct netnode). */
		np->nn_stat.st_mode = S_IFLNK | 0777;
		np->nn_stat.st_size = strlen(nn->symlink_target);
	} else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		if (with_translator)
			passive = rootfs_has_passive(nn->fd) ? S_IPTRANS : 0;
		np->nn_stat.st_mode |= passive;
	}
	np->nn_translated = np->nn_stat.st_mode;
	return 0;
}

error_t
rootfs_refresh_stat(struct node *np)
{
	return refresh(np, true);
}

error_t
rootfs_refresh_access_stat(struct node *np)
{
	return refresh(np, false);
}

error_t
netfs_validate_stat(struct node *np, struct iouser *cred)
{
	(void) cred;
	return rootfs_refresh_stat(np);
}

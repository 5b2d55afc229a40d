/* bench-fuse-passthrough: a small libfuse3 low-level file system that shows
 * a Linux directory at a mount point, unchanged.  It is the "passthrough
 * FUSE baseline" of the hellfs benchmark (bench/hellfs_bench): the cost of
 * the kernel's FUSE round trips and of a userspace daemon doing the Linux
 * calls, with nothing else on the path, so that hellfs's figures can be
 * read as "FUSE" plus "the Hurd's RPCs".
 *
 *   bench-fuse-passthrough [-f] [-s] [-d] [-o timeout=SECS,FUSE options] SOURCE MOUNTPOINT
 *
 * It returns once the mount is live (it daemonizes after mounting, unless
 * -f); `fusermount3 -u MOUNTPOINT` ends it.  timeout= is the kernel's entry
 * and attribute cache time (default 1 s, as hellfs's).  The multithreaded
 * loop serves requests unless -s.  Every operation runs with the daemon's
 * own credentials (the mounting user), as a user's FUSE file system does.
 *
 * Nodes.  Each inode the kernel knows (it was returned by lookup, create,
 * mknod, mkdir, symlink, link or readdirplus) is a struct pt_node holding an
 * O_PATH descriptor of the Linux inode; its fuse_ino_t is the node's
 * address, except the root's, which is FUSE_ROOT_ID.  The node table maps
 * (st_dev, st_ino) to the node so that one Linux inode is one FUSE inode
 * (hard links, lookups racing each other).  A node lives while the kernel
 * holds lookups on it: nlookup grows by one per entry sent, shrinks by
 * forget, and the node is freed at zero.  Because the node keeps its inode
 * open, (st_dev, st_ino) cannot be reused while the node exists, so no
 * generation number is needed.  The root node is never freed.
 *
 * Open files and directories carry their own descriptors in fi->fh (a Linux
 * fd, or a struct pt_dir), reopened from the node's O_PATH descriptor
 * through /proc/self/fd, and closed by release / releasedir.
 *
 * Locking: table.lock guards the hash chains, the table's counts and every
 * node's nlookup.  A node's fd, dev and ino never change after creation.
 * A struct pt_dir is used by one request at a time (the kernel serialises
 * reads of one open directory).
 */
#define FUSE_USE_VERSION 312

#include <fuse_lowlevel.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

struct pt_node {
	int fd;			/* O_PATH | O_NOFOLLOW on the Linux inode */
	dev_t dev;
	ino_t ino;
	/* table.lock: */
	uint64_t nlookup;	/* the kernel's lookups; 0 = being freed */
	struct pt_node *next;	/* hash chain */
};

struct pt_table {
	pthread_mutex_t lock;
	struct pt_node **buckets;	/* nbuckets chains, a power of two */
	size_t nbuckets;
	size_t count;			/* nodes in the chains */
};

struct pt_fs {
	struct pt_node root;	/* the source directory; not in the table */
	struct pt_table table;
	double timeout;		/* entry and attribute cache time, seconds */
};

/* An open directory: its stream, the offset the kernel will ask for next,
 * and an entry already read from the stream but not yet sent (it did not
 * fit in the last reply). */
struct pt_dir {
	DIR *dp;
	off_t pos;
	struct dirent *pending;
};

static struct pt_fs *
fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static struct pt_node *
node_of(fuse_req_t req, fuse_ino_t ino)
{
	if (ino == FUSE_ROOT_ID)
		return &fs_of(req)->root;
	return (struct pt_node *) (uintptr_t) ino;
}

static fuse_ino_t
ino_of(const struct pt_fs *fs, const struct pt_node *n)
{
	return n == &fs->root ? FUSE_ROOT_ID : (fuse_ino_t) (uintptr_t) n;
}

/* /proc/self/fd/N of a node: how a path-only descriptor is reopened, or
 * handed to calls that have no descriptor form. */
struct proc_path {
	char s[40];
};

static struct proc_path
proc_path_of(int fd)
{
	struct proc_path p;
	snprintf(p.s, sizeof p.s, "/proc/self/fd/%d", fd);
	return p;
}

/* --- The node table ------------------------------------------------- */

static size_t
table_hash(const struct pt_table *t, dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t) ino * 0x9e3779b97f4a7c15u ^ (uint64_t) dev;
	return (size_t) (h ^ (h >> 29)) & (t->nbuckets - 1);
}

/* Doubles the bucket array; on allocation failure the table stays as it
 * is (longer chains, still correct).  Called with t->lock held. */
static void
table_grow(struct pt_table *t)
{
	size_t nb = t->nbuckets * 2;
	struct pt_node **b = calloc(nb, sizeof *b);
	if (!b)
		return;
	struct pt_node **old = t->buckets;
	size_t oldn = t->nbuckets;
	t->buckets = b;
	t->nbuckets = nb;
	for (size_t i = 0; i < oldn; i++) {
		struct pt_node *n = old[i], *next;
		for (; n; n = next) {
			next = n->next;
			size_t h = table_hash(t, n->dev, n->ino);
			n->next = b[h];
			b[h] = n;
		}
	}
	free(old);
}

/* Takes one lookup on the node of the inode that fd (O_PATH) and st
 * describe, making the node if there is none.  fd is consumed: kept by a
 * new node, closed otherwise.  Returns NULL (ENOMEM) with fd closed. */
static struct pt_node *
table_get(struct pt_fs *fs, int fd, const struct stat *st)
{
	struct pt_table *t = &fs->table;
	if (st->st_dev == fs->root.dev && st->st_ino == fs->root.ino) {
		close(fd);	/* the root, reached again (a hard-linked dir cannot be, but a bind mount can) */
		return &fs->root;
	}
	pthread_mutex_lock(&t->lock);
	size_t h = table_hash(t, st->st_dev, st->st_ino);
	struct pt_node *n;
	for (n = t->buckets[h]; n; n = n->next)
		if (n->dev == st->st_dev && n->ino == st->st_ino)
			break;
	if (n) {
		n->nlookup++;
		pthread_mutex_unlock(&t->lock);
		close(fd);
		return n;
	}
	n = malloc(sizeof *n);
	if (!n) {
		pthread_mutex_unlock(&t->lock);
		close(fd);
		return NULL;
	}
	n->fd = fd;
	n->dev = st->st_dev;
	n->ino = st->st_ino;
	n->nlookup = 1;
	n->next = t->buckets[h];
	t->buckets[h] = n;
	if (++t->count > t->nbuckets)
		table_grow(t);
	pthread_mutex_unlock(&t->lock);
	return n;
}

/* Drops count lookups from the node; frees it when none is left. */
static void
node_forget(struct pt_fs *fs, struct pt_node *n, uint64_t count)
{
	struct pt_table *t = &fs->table;
	if (n == &fs->root)
		return;
	pthread_mutex_lock(&t->lock);
	if (count > n->nlookup) {
		/* The kernel never forgets more than it was sent; do not
		 * underflow if it did. */
		fprintf(stderr, "bench-fuse-passthrough: forget %llu of %llu lookups on inode %llu\n",
			(unsigned long long) count, (unsigned long long) n->nlookup,
			(unsigned long long) n->ino);
		count = n->nlookup;
	}
	n->nlookup -= count;
	bool gone = n->nlookup == 0;
	if (gone) {
		struct pt_node **pp = &t->buckets[table_hash(t, n->dev, n->ino)];
		while (*pp != n)
			pp = &(*pp)->next;
		*pp = n->next;
		t->count--;
	}
	pthread_mutex_unlock(&t->lock);
	if (gone) {
		close(n->fd);
		free(n);
	}
}

/* --- Lookups ------------------------------------------------------- */

/* Looks name up in parent and fills *e, taking one lookup on the node
 * (the caller sends *e to the kernel, or forgets it).  Returns an errno. */
static int
do_lookup(struct pt_fs *fs, struct pt_node *parent, const char *name,
	  struct fuse_entry_param *e)
{
	memset(e, 0, sizeof *e);
	if (parent == &fs->root && strcmp(name, "..") == 0)
		name = ".";	/* the mount's root has no parent to show */
	int fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstatat(fd, "", &e->attr, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
		int err = errno;
		close(fd);
		return err;
	}
	struct pt_node *n = table_get(fs, fd, &e->attr);
	if (!n)
		return ENOMEM;
	e->ino = ino_of(fs, n);
	e->attr_timeout = fs->timeout;
	e->entry_timeout = fs->timeout;
	return 0;
}

static void
reply_lookup(fuse_req_t req, struct pt_node *parent, const char *name)
{
	struct pt_fs *fs = fs_of(req);
	struct fuse_entry_param e;
	int err = do_lookup(fs, parent, name, &e);
	if (err)
		fuse_reply_err(req, err);
	else if (fuse_reply_entry(req, &e) != 0)
		node_forget(fs, node_of(req, e.ino), 1);	/* the kernel never got it */
}

static void
pt_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	reply_lookup(req, node_of(req, parent), name);
}

static void
pt_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	node_forget(fs_of(req), node_of(req, ino), nlookup);
	fuse_reply_none(req);
}

static void
pt_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	for (size_t i = 0; i < count; i++)
		node_forget(fs_of(req), node_of(req, forgets[i].ino), forgets[i].nlookup);
	fuse_reply_none(req);
}

/* --- Attributes ---------------------------------------------------- */

static void
pt_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct pt_node *n = node_of(req, ino);
	struct stat st;
	if (fstatat(n->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_attr(req, &st, fs_of(req)->timeout);
}

/* One setattr may carry several changes; they are applied in order and the
 * first failure is the reply (as a sequence of chmod, chown, truncate,
 * utimensat would fail).  With an open file (fi) its descriptor is used. */
static void
pt_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int valid,
	   struct fuse_file_info *fi)
{
	struct pt_node *n = node_of(req, ino);
	struct proc_path p = proc_path_of(n->fd);
	int fd = fi ? (int) fi->fh : -1;
	int rc = 0;

	if (valid & FUSE_SET_ATTR_MODE)
		rc = fd >= 0 ? fchmod(fd, attr->st_mode) : chmod(p.s, attr->st_mode);
	if (rc == 0 && (valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))) {
		uid_t uid = (valid & FUSE_SET_ATTR_UID) ? attr->st_uid : (uid_t) -1;
		gid_t gid = (valid & FUSE_SET_ATTR_GID) ? attr->st_gid : (gid_t) -1;
		rc = fchownat(n->fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
	}
	if (rc == 0 && (valid & FUSE_SET_ATTR_SIZE))
		rc = fd >= 0 ? ftruncate(fd, attr->st_size) : truncate(p.s, attr->st_size);
	if (rc == 0 && (valid & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME))) {
		struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT } };
		if (valid & FUSE_SET_ATTR_ATIME_NOW)
			ts[0].tv_nsec = UTIME_NOW;
		else if (valid & FUSE_SET_ATTR_ATIME)
			ts[0] = attr->st_atim;
		if (valid & FUSE_SET_ATTR_MTIME_NOW)
			ts[1].tv_nsec = UTIME_NOW;
		else if (valid & FUSE_SET_ATTR_MTIME)
			ts[1] = attr->st_mtim;
		rc = fd >= 0 ? futimens(fd, ts) : utimensat(AT_FDCWD, p.s, ts, 0);
	}
	if (rc != 0) {
		fuse_reply_err(req, errno);
		return;
	}
	pt_getattr(req, ino, fi);
}

static void
pt_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct proc_path p = proc_path_of(node_of(req, ino)->fd);
	fuse_reply_err(req, faccessat(AT_FDCWD, p.s, mask, 0) < 0 ? errno : 0);
}

static void
pt_readlink(fuse_req_t req, fuse_ino_t ino)
{
	char buf[PATH_MAX + 1];
	ssize_t len = readlinkat(node_of(req, ino)->fd, "", buf, sizeof buf);
	if (len < 0)
		fuse_reply_err(req, errno);
	else if ((size_t) len >= sizeof buf)
		fuse_reply_err(req, ENAMETOOLONG);
	else {
		buf[len] = 0;
		fuse_reply_readlink(req, buf);
	}
}

static void
pt_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;
	if (fstatvfs(node_of(req, ino)->fd, &sv) < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_statfs(req, &sv);
}

/* --- Making and removing names ------------------------------------- */

static void
pt_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	struct pt_node *p = node_of(req, parent);
	if (mknodat(p->fd, name, mode, rdev) < 0)
		fuse_reply_err(req, errno);
	else
		reply_lookup(req, p, name);
}

static void
pt_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct pt_node *p = node_of(req, parent);
	if (mkdirat(p->fd, name, mode) < 0)
		fuse_reply_err(req, errno);
	else
		reply_lookup(req, p, name);
}

static void
pt_symlink(fuse_req_t req, const char *target, fuse_ino_t parent, const char *name)
{
	struct pt_node *p = node_of(req, parent);
	if (symlinkat(target, p->fd, name) < 0)
		fuse_reply_err(req, errno);
	else
		reply_lookup(req, p, name);
}

static void
pt_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	struct proc_path src = proc_path_of(node_of(req, ino)->fd);
	struct pt_node *p = node_of(req, newparent);
	/* Following the magic link links the inode itself; linkat with
	 * AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH. */
	if (linkat(AT_FDCWD, src.s, p->fd, newname, AT_SYMLINK_FOLLOW) < 0)
		fuse_reply_err(req, errno);
	else
		reply_lookup(req, p, newname);
}

static void
pt_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_reply_err(req, unlinkat(node_of(req, parent)->fd, name, 0) < 0 ? errno : 0);
}

static void
pt_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_reply_err(req, unlinkat(node_of(req, parent)->fd, name, AT_REMOVEDIR) < 0 ? errno : 0);
}

static void
pt_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
	  fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	int rc = renameat2(node_of(req, parent)->fd, name,
			   node_of(req, newparent)->fd, newname, flags);
	fuse_reply_err(req, rc < 0 ? errno : 0);
}

/* --- Files --------------------------------------------------------- */

static void
pt_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct proc_path p = proc_path_of(node_of(req, ino)->fd);
	int fd = open(p.s, (fi->flags & ~O_NOFOLLOW) | O_CLOEXEC);
	if (fd < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	fi->fh = (uint64_t) fd;
	if (fuse_reply_open(req, fi) != 0)
		close(fd);	/* interrupted: no release will come */
}

static void
pt_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	  struct fuse_file_info *fi)
{
	struct pt_fs *fs = fs_of(req);
	struct pt_node *p = node_of(req, parent);
	int fd = openat(p->fd, name, ((fi->flags | O_CREAT) & ~O_NOFOLLOW) | O_CLOEXEC, mode);
	if (fd < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	struct fuse_entry_param e;
	int err = do_lookup(fs, p, name, &e);
	if (err) {
		close(fd);
		fuse_reply_err(req, err);
		return;
	}
	fi->fh = (uint64_t) fd;
	if (fuse_reply_create(req, &e, fi) != 0) {
		close(fd);
		node_forget(fs, node_of(req, e.ino), 1);
	}
}

/* Reads straight from the open file into the reply (libfuse splices when
 * the kernel allows it, copies otherwise). */
static void
pt_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);
	buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	buf.buf[0].fd = (int) fi->fh;
	buf.buf[0].pos = off;
	fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
}

static void
pt_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *in, off_t off,
	     struct fuse_file_info *fi)
{
	struct fuse_bufvec out = FUSE_BUFVEC_INIT(fuse_buf_size(in));
	out.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	out.buf[0].fd = (int) fi->fh;
	out.buf[0].pos = off;
	ssize_t n = fuse_buf_copy(&out, in, 0);
	if (n < 0)
		fuse_reply_err(req, (int) -n);
	else
		fuse_reply_write(req, (size_t) n);
}

/* close(2) of each Linux descriptor the caller had: report what closing a
 * duplicate reports (a delayed write error), keep the file open. */
static void
pt_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	int dup_fd = dup((int) fi->fh);
	if (dup_fd < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_err(req, close(dup_fd) < 0 ? errno : 0);
}

static void
pt_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	close((int) fi->fh);
	fuse_reply_err(req, 0);
}

static void
pt_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	int fd = (int) fi->fh;
	fuse_reply_err(req, (datasync ? fdatasync(fd) : fsync(fd)) < 0 ? errno : 0);
}

/* --- Directories --------------------------------------------------- */

static void
pt_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct pt_dir *d = calloc(1, sizeof *d);
	if (!d) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	int fd = openat(node_of(req, ino)->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d->dp = fdopendir(fd))) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		free(d);
		fuse_reply_err(req, err);
		return;
	}
	fi->fh = (uint64_t) (uintptr_t) d;
	if (fuse_reply_open(req, fi) != 0) {
		closedir(d->dp);
		free(d);
	}
}

static bool
is_dot_or_dotdot(const char *name)
{
	return name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0));
}

/* readdir and readdirplus.  Fills at most size bytes with entries from
 * offset off on; an entry that does not fit stays pending for the next
 * call.  With plus, every entry but . and .. is looked up (the kernel takes
 * a lookup for each entry it receives with a node id); an entry that does
 * not fit gives its lookup back.  An entry that vanished between readdir
 * and lookup is skipped, as it would be had it vanished before. */
static void
read_dir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
	 struct fuse_file_info *fi, bool plus)
{
	struct pt_fs *fs = fs_of(req);
	struct pt_node *n = node_of(req, ino);
	struct pt_dir *d = (struct pt_dir *) (uintptr_t) fi->fh;
	char *buf = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (off != d->pos) {
		seekdir(d->dp, off);
		d->pos = off;
		d->pending = NULL;
	}
	size_t used = 0;
	int err = 0;
	for (;;) {
		if (!d->pending) {
			errno = 0;
			d->pending = readdir(d->dp);
			if (!d->pending) {
				err = errno;
				break;
			}
		}
		const struct dirent *de = d->pending;
		size_t need;
		if (plus) {
			struct fuse_entry_param e;
			if (is_dot_or_dotdot(de->d_name)) {
				memset(&e, 0, sizeof e);
				e.attr.st_ino = de->d_ino;
				e.attr.st_mode = (mode_t) de->d_type << 12;
			} else {
				err = do_lookup(fs, n, de->d_name, &e);
				if (err == ENOENT) {
					err = 0;
					d->pos = de->d_off;
					d->pending = NULL;
					continue;
				}
				if (err)
					break;
			}
			need = fuse_add_direntry_plus(req, buf + used, size - used,
						      de->d_name, &e, de->d_off);
			if (need > size - used) {
				if (e.ino)
					node_forget(fs, node_of(req, e.ino), 1);
				break;
			}
		} else {
			struct stat st = { .st_ino = de->d_ino,
					   .st_mode = (mode_t) de->d_type << 12 };
			need = fuse_add_direntry(req, buf + used, size - used,
						 de->d_name, &st, de->d_off);
			if (need > size - used)
				break;
		}
		used += need;
		d->pos = de->d_off;
		d->pending = NULL;
	}
	/* An error after some entries: send those; the next call meets the
	 * error again and reports it. */
	if (err && used == 0)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, buf, used);
	free(buf);
}

static void
pt_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	read_dir(req, ino, size, off, fi, false);
}

static void
pt_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	read_dir(req, ino, size, off, fi, true);
}

static void
pt_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct pt_dir *d = (struct pt_dir *) (uintptr_t) fi->fh;
	closedir(d->dp);
	free(d);
	fuse_reply_err(req, 0);
}

static void
pt_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	struct pt_dir *d = (struct pt_dir *) (uintptr_t) fi->fh;
	int fd = dirfd(d->dp);
	fuse_reply_err(req, (datasync ? fdatasync(fd) : fsync(fd)) < 0 ? errno : 0);
}

static const struct fuse_lowlevel_ops pt_ops = {
	.lookup = pt_lookup,
	.forget = pt_forget,
	.forget_multi = pt_forget_multi,
	.getattr = pt_getattr,
	.setattr = pt_setattr,
	.access = pt_access,
	.readlink = pt_readlink,
	.statfs = pt_statfs,
	.mknod = pt_mknod,
	.mkdir = pt_mkdir,
	.symlink = pt_symlink,
	.link = pt_link,
	.unlink = pt_unlink,
	.rmdir = pt_rmdir,
	.rename = pt_rename,
	.open = pt_open,
	.create = pt_create,
	.read = pt_read,
	.write_buf = pt_write_buf,
	.flush = pt_flush,
	.release = pt_release,
	.fsync = pt_fsync,
	.opendir = pt_opendir,
	.readdir = pt_readdir,
	.readdirplus = pt_readdirplus,
	.releasedir = pt_releasedir,
	.fsyncdir = pt_fsyncdir,
};

/* --- Start-up ------------------------------------------------------ */

struct pt_options {
	char *source;
	double timeout;
};

static const struct fuse_opt pt_opt_spec[] = {
	{ "timeout=%lf", offsetof(struct pt_options, timeout), 0 },
	FUSE_OPT_END
};

/* The first non-option argument is SOURCE (taken here); the second, the
 * mount point, is left for fuse_parse_cmdline. */
static int
pt_opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct pt_options *o = data;
	if (key == FUSE_OPT_KEY_NONOPT && !o->source) {
		o->source = strdup(arg);
		return o->source ? 0 : -1;
	}
	return 1;
}

static void
usage(const char *prog)
{
	printf("usage: %s [-f] [-s] [-d] [-o timeout=SECS,OPTIONS] SOURCE MOUNTPOINT\n"
	       "Shows the Linux directory SOURCE at MOUNTPOINT through FUSE (a benchmark\n"
	       "baseline; see bench/README.md).  timeout=SECS: the kernel's entry and\n"
	       "attribute cache time (default 1).  fusermount3 -u MOUNTPOINT ends it.\n\n",
	       prog);
	fuse_cmdline_help();
	fuse_lowlevel_help();
}

int
main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct pt_options o = { .timeout = 1.0 };
	struct fuse_cmdline_opts cmd = { 0 };
	struct pt_fs fs = { .root.fd = -1 };
	struct fuse_session *se = NULL;
	struct fuse_loop_config *cfg = NULL;
	int status = 1;

	if (fuse_opt_parse(&args, &o, pt_opt_spec, pt_opt_proc) != 0 ||
	    fuse_parse_cmdline(&args, &cmd) != 0)
		goto out;
	if (cmd.show_help) {
		usage(argv[0]);
		status = 0;
		goto out;
	}
	if (cmd.show_version) {
		printf("FUSE library version %s\n", fuse_pkgversion());
		status = 0;
		goto out;
	}
	if (!o.source || !cmd.mountpoint) {
		usage(argv[0]);
		goto out;
	}
	if (!(o.timeout >= 0)) {
		fprintf(stderr, "bench-fuse-passthrough: timeout=%g: not a time\n", o.timeout);
		goto out;
	}
	fs.timeout = o.timeout;

	/* Modes reach us with the caller's umask already applied. */
	umask(0);
	fs.root.fd = open(o.source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (fs.root.fd < 0 || fstat(fs.root.fd, &st) < 0) {
		fprintf(stderr, "bench-fuse-passthrough: %s: %s\n", o.source, strerror(errno));
		goto out;
	}
	fs.root.dev = st.st_dev;
	fs.root.ino = st.st_ino;
	fs.root.nlookup = 1;
	pthread_mutex_init(&fs.table.lock, NULL);
	fs.table.nbuckets = 1024;
	fs.table.buckets = calloc(fs.table.nbuckets, sizeof *fs.table.buckets);
	if (!fs.table.buckets) {
		fprintf(stderr, "bench-fuse-passthrough: out of memory\n");
		goto out;
	}

	se = fuse_session_new(&args, &pt_ops, sizeof pt_ops, &fs);
	if (!se)
		goto out;
	if (fuse_set_signal_handlers(se) != 0)
		goto out_session;
	if (fuse_session_mount(se, cmd.mountpoint) != 0)
		goto out_signals;
	/* The parent returns once the mount is live. */
	if (fuse_daemonize(cmd.foreground) != 0)
		goto out_unmount;
	if (cmd.singlethread)
		status = fuse_session_loop(se);
	else {
		cfg = fuse_loop_cfg_create();
		if (!cfg)
			goto out_unmount;
		fuse_loop_cfg_set_clone_fd(cfg, (unsigned) cmd.clone_fd);
		/* UINT_MAX: not given on the command line; keep libfuse's
		 * defaults. */
		if (cmd.max_idle_threads != UINT_MAX)
			fuse_loop_cfg_set_idle_threads(cfg, cmd.max_idle_threads);
		if (cmd.max_threads != UINT_MAX)
			fuse_loop_cfg_set_max_threads(cfg, cmd.max_threads);
		status = fuse_session_loop_mt(se, cfg);
		fuse_loop_cfg_destroy(cfg);
	}
	status = status != 0;
out_unmount:
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out:
	/* Nodes still in the table were not forgotten by an unmounted kernel;
	 * the process ends, which closes them. */
	free(fs.table.buckets);
	if (fs.root.fd >= 0)
		close(fs.root.fd);
	free(cmd.mountpoint);
	free(o.source);
	fuse_opt_free_args(&args);
	return status;
}

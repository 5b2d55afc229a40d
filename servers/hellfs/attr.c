/* Attributes: getattr, setattr, access and statfs, on the node's port.
 *
 * The Hurd's struct stat (io_stat) has its own layout and mode bits
 * (S_ITRANS and friends above S_IFMT); Linux gets the file type and the
 * permission bits, the owner, sizes and times, and an inode number that
 * keeps translators' nodes apart (hellfs_linux_ino).  */
#include "hellfs.h"

#include <errno.h>
#include <string.h>
#include <sys/statvfs.h>

void
hellfs_stat_to_linux(const io_statbuf_t *hst, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_ino = hellfs_linux_ino(hst->st_fsid, hst->st_ino);
	st->st_mode = hst->st_mode & (S_IFMT | 07777);
	if ((st->st_mode & S_IFMT) == 0)
		st->st_mode |= S_IFREG;	/* a translator that says no type */
	st->st_nlink = hst->st_nlink;
	st->st_uid = hst->st_uid;
	st->st_gid = hst->st_gid;
	st->st_rdev = hst->st_rdev;
	st->st_size = hst->st_size;
	st->st_blksize = hst->st_blksize > 0 ? hst->st_blksize : 4096;
	st->st_blocks = hst->st_blocks;
	st->st_atim = hst->st_atim;
	st->st_mtim = hst->st_mtim;
	st->st_ctim = hst->st_ctim;
}

/* Run OP(port, ARG) for REQ under a call, on the open file's port if FI
 * has one, else on the node's; returns an errno.  */
typedef error_t (*attr_op_t)(mach_port_t port, void *arg);

static int
attr_call(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, attr_op_t op, void *arg)
{
	struct hellfs_node *np = NULL;
	struct hellfs_call c;
	mach_port_t port;
	int err;

	if (fi && fi->fh)
		port = ((struct hellfs_file *) (uintptr_t) fi->fh)->port;
	else if (!(np = hellfs_node_use(ino, &port, &err)))
		return err;
	hellfs_call_begin(&c, req);
	err = hellfs_call_end(&c, op(port, arg));
	if (np)
		hellfs_node_done(np);
	return err;
}

static void
reply_attr(fuse_req_t req, int err, const io_statbuf_t *hst)
{
	struct stat st;

	if (err) {
		fuse_reply_err(req, err);
		return;
	}
	hellfs_stat_to_linux(hst, &st);
	fuse_reply_attr(req, &st, hellfs_opt.timeout);
}

static error_t
stat_op(mach_port_t port, void *arg)
{
	return io_stat(port, arg);
}

void
hellfs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	io_statbuf_t hst;

	reply_attr(req, attr_call(req, ino, fi, stat_op, &hst), &hst);
}

static struct timespec
hurd_time(const struct stat *attr, int to_set, int set_bit, int now_bit, bool mtime)
{
	if (to_set & now_bit)
		return (struct timespec) { 0, HURD_UTIME_NOW };
	if (to_set & set_bit)
		return mtime ? attr->st_mtim : attr->st_atim;
	return (struct timespec) { 0, HURD_UTIME_OMIT };
}

/* Set the size through a port opened for writing: the Hurd's file_set_size
 * wants one, and the node's port has no access mode.  */
static error_t
set_size(mach_port_t port, bool writable, off_t size)
{
	mach_port_t w;
	error_t err;

	if (writable)
		return file_set_size(port, size);
	err = hellfs_reopen(port, O_WRITE, &w);
	if (err)
		return err;
	err = file_set_size(w, size);
	mach_port_deallocate(mach_task_self(), w);
	return err;
}

struct setattr {
	const struct stat *attr;
	int to_set;
	bool writable;			/* the port is an open file's, for writing */
	io_statbuf_t result;
};

static error_t
setattr_op(mach_port_t port, void *arg)
{
	struct setattr *a = arg;
	const struct stat *attr = a->attr;
	int to_set = a->to_set;
	error_t err = 0;

	if (to_set & FUSE_SET_ATTR_MODE)
		err = file_chmod(port, attr->st_mode & 07777);
	if (!err && (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
		err = file_chown(port, to_set & FUSE_SET_ATTR_UID ? attr->st_uid : (uid_t) -1,
				 to_set & FUSE_SET_ATTR_GID ? attr->st_gid : (gid_t) -1);
	if (!err && (to_set & FUSE_SET_ATTR_SIZE))
		err = set_size(port, a->writable, attr->st_size);
	if (!err && (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
			       FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW)))
		err = file_utimens(port,
				   hurd_time(attr, to_set, FUSE_SET_ATTR_ATIME,
					     FUSE_SET_ATTR_ATIME_NOW, false),
				   hurd_time(attr, to_set, FUSE_SET_ATTR_MTIME,
					     FUSE_SET_ATTR_MTIME_NOW, true));
	if (!err)
		err = io_stat(port, &a->result);
	return err;
}

void
hellfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
	       struct fuse_file_info *fi)
{
	struct setattr a = {
		.attr = attr,
		.to_set = to_set,
		.writable = fi && fi->fh &&
			    (((struct hellfs_file *) (uintptr_t) fi->fh)->hurd_flags & O_WRITE),
	};

	reply_attr(req, attr_call(req, ino, fi, setattr_op, &a), &a.result);
}

static error_t
check_access_op(mach_port_t port, void *arg)
{
	return file_check_access(port, arg);
}

void
hellfs_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	int allowed = 0, want = 0;
	int err = attr_call(req, ino, NULL, check_access_op, &allowed);

	if (!err) {
		if (mask & R_OK)
			want |= HURD_O_READ;
		if (mask & W_OK)
			want |= HURD_O_WRITE;
		if (mask & X_OK)
			want |= HURD_O_EXEC;
		if ((allowed & want) != want)
			err = EACCES;
	}
	fuse_reply_err(req, err);
}

static error_t
statfs_op(mach_port_t port, void *arg)
{
	return file_statfs(port, arg);
}

void
hellfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	fsys_statfsbuf_t hs;
	struct statvfs sv;
	int err = attr_call(req, ino, NULL, statfs_op, &hs);

	if (err) {
		fuse_reply_err(req, err);
		return;
	}
	memset(&sv, 0, sizeof sv);
	sv.f_bsize = hs.f_bsize;
	sv.f_frsize = hs.f_frsize ? hs.f_frsize : hs.f_bsize;
	sv.f_blocks = hs.f_blocks;
	sv.f_bfree = hs.f_bfree;
	sv.f_bavail = hs.f_bavail;
	sv.f_files = hs.f_files;
	sv.f_ffree = hs.f_ffree;
	sv.f_favail = hs.f_favail;
	sv.f_fsid = hs.f_fsid;
	sv.f_namemax = hs.f_namelen;
	sv.f_flag = hellfs_opt.read_only ? ST_RDONLY : 0;
	fuse_reply_statfs(req, &sv);
}

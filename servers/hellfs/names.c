/* Making and removing names: create, mknod, mkdir, symlink, link, unlink,
 * rmdir and rename, each the way a Hurd program makes it.
 *
 * The Hurd has no symlink or mknod RPC.  glibc makes such a node as a new
 * nameless file (dir_mkfile), gives it the short-circuited passive
 * translator of its kind ("/hurd/symlink TARGET", "/hurd/chrdev MAJOR
 * MINOR", "/hurd/fifo" ...; the file system stores it as the node's type
 * where it can) and links it into place (dir_link, exclusive).  hellfs
 * does the same.  Each successful creation looks the new name up (as the
 * kernel needs its entry), which also enters it in the node table.  */
#include "hellfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <hurd/paths.h>

/* Reply to a request that made NAME in DIR with NAME's entry.  */
static void
reply_made(fuse_req_t req, struct hellfs_node *dir, const char *name)
{
	struct fuse_entry_param e;
	int err = hellfs_lookup_entry(req, dir, name, &e);

	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_entry(req, &e);
}

static bool
name_ok(fuse_req_t req, const char *name)
{
	if (strlen(name) < sizeof(string_t))
		return true;
	fuse_reply_err(req, ENAMETOOLONG);
	return false;
}

/* A node of type TYPE made of the passive translator TRANS (LEN bytes, an
 * argz), linked as NAME in DIR.  A file system that cannot store the type
 * keeps the translator instead (rootfs: a Linux file keeps its type); HELL
 * has no /hurd/fifo, /hurd/chrdev ... to run, so such a node would not
 * work, and it is not linked: EOPNOTSUPP.  */
static error_t
make_translated(mach_port_t dir, const char *name, mode_t type, mode_t mode,
		const char *trans, size_t len)
{
	mach_port_t node;
	io_statbuf_t st;
	error_t err;

	err = dir_mkfile(dir, HURD_O_WRITE, mode & 07777, &node);
	if (err)
		return err;
	err = file_set_translator(node, FS_TRANS_EXCL | FS_TRANS_SET,
				  FS_TRANS_EXCL | FS_TRANS_SET, 0, (char *) trans,
				  (mach_msg_type_number_t) len, MACH_PORT_NULL,
				  MACH_MSG_TYPE_COPY_SEND);
	if (!err)
		err = io_stat(node, &st);
	if (!err && (st.st_mode & S_IFMT) != type)
		err = EOPNOTSUPP;
	if (!err)
		err = dir_link(dir, node, (char *) name, 1);
	mach_port_deallocate(mach_task_self(), node);
	return err;
}

/* One change in the directory PARENT: OP(its port, NAME, ARG) under a
 * call, then the reply: NAME's new entry if MADE, else just the result. */
typedef error_t (*dir_op_t)(mach_port_t dir, const char *name, void *arg);

static void
in_dir(fuse_req_t req, fuse_ino_t parent, const char *name, dir_op_t op, void *arg, bool made)
{
	struct hellfs_call c;
	struct hellfs_node *dir;
	mach_port_t port;
	int err;

	if (!name_ok(req, name))
		return;
	if (!(dir = hellfs_node_use(parent, &port, &err))) {
		fuse_reply_err(req, err);
		return;
	}
	hellfs_call_begin(&c, req);
	err = hellfs_call_end(&c, op(port, name, arg));
	hellfs_node_release_port(dir);
	if (err || !made)
		fuse_reply_err(req, err);
	else
		reply_made(req, dir, name);
	hellfs_node_put(dir);
}

/* A node made of a passive translator (make_translated's arguments).  */
struct translated {
	mode_t type, mode;
	char *trans;
	size_t len;
};

static error_t
translated_op(mach_port_t dir, const char *name, void *arg)
{
	struct translated *t = arg;

	return make_translated(dir, name, t->type, t->mode, t->trans, t->len);
}

static error_t
regular_op(mach_port_t dir, const char *name, void *arg)
{
	mach_port_t made = file_name_lookup_under(dir, name, O_CREAT | O_EXCL,
						  *(mode_t *) arg & 07777);

	if (made == MACH_PORT_NULL)
		return errno;
	mach_port_deallocate(mach_task_self(), made);
	return 0;
}

void
hellfs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	char trans[64];
	struct translated t = { mode & S_IFMT, mode, trans, 0 };
	const char *kind;

	switch (mode & S_IFMT) {
	case S_IFREG:
		in_dir(req, parent, name, regular_op, &mode, true);
		return;
	case S_IFCHR:
	case S_IFBLK:
		t.len = (size_t) snprintf(trans, sizeof trans, "%s%c%u%c%u",
					  S_ISCHR(mode) ? _HURD_CHRDEV : _HURD_BLKDEV, 0,
					  major(rdev), 0, minor(rdev)) + 1;
		break;
	case S_IFIFO:
	case S_IFSOCK:
		kind = S_ISFIFO(mode) ? _HURD_FIFO : _HURD_IFSOCK;
		t.len = strlen(kind) + 1;
		memcpy(trans, kind, t.len);
		break;
	default:
		fuse_reply_err(req, EINVAL);
		return;
	}
	in_dir(req, parent, name, translated_op, &t, true);
}

static error_t
mkdir_op(mach_port_t dir, const char *name, void *arg)
{
	return dir_mkdir(dir, (char *) name, *(mode_t *) arg & 07777);
}

void
hellfs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	in_dir(req, parent, name, mkdir_op, &mode, true);
}

void
hellfs_symlink(fuse_req_t req, const char *target, fuse_ino_t parent, const char *name)
{
	size_t tlen = strlen(target), plen = sizeof _HURD_SYMLINK;
	struct translated t = { S_IFLNK, 0777, NULL, plen + tlen + 1 };

	if (tlen >= 4096) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	t.trans = malloc(t.len);
	if (!t.trans) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	memcpy(t.trans, _HURD_SYMLINK, plen);
	memcpy(t.trans + plen, target, tlen + 1);
	in_dir(req, parent, name, translated_op, &t, true);
	free(t.trans);
}

static error_t
link_op(mach_port_t dir, const char *name, void *arg)
{
	return dir_link(dir, *(mach_port_t *) arg, (char *) name, 1);
}

void
hellfs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	struct hellfs_node *np;
	mach_port_t port;
	int err;

	if (!(np = hellfs_node_use(ino, &port, &err))) {
		fuse_reply_err(req, err);
		return;
	}
	in_dir(req, newparent, newname, link_op, &port, true);
	hellfs_node_done(np);
}

static error_t
unlink_op(mach_port_t dir, const char *name, void *arg)
{
	(void) arg;
	return dir_unlink(dir, (char *) name);
}

static error_t
rmdir_op(mach_port_t dir, const char *name, void *arg)
{
	(void) arg;
	return dir_rmdir(dir, (char *) name);
}

void
hellfs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	in_dir(req, parent, name, unlink_op, NULL, false);
}

void
hellfs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	in_dir(req, parent, name, rmdir_op, NULL, false);
}

void
hellfs_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
	      const char *newname, unsigned int flags)
{
	struct hellfs_call c;
	struct hellfs_node *from, *to;
	mach_port_t fromport, toport, moved;
	io_statbuf_t st;
	error_t kerr;
	int err;

	/* dir_rename can refuse to replace (RENAME_NOREPLACE) but cannot
	 * swap two names or leave a whiteout.  */
	if (flags & ~(unsigned int) RENAME_NOREPLACE) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (!name_ok(req, name) || !name_ok(req, newname))
		return;
	if (!(from = hellfs_node_use(parent, &fromport, &err))) {
		fuse_reply_err(req, err);
		return;
	}
	if (!(to = hellfs_node_use(newparent, &toport, &err))) {
		hellfs_node_done(from);
		fuse_reply_err(req, err);
		return;
	}
	hellfs_call_begin(&c, req);
	kerr = dir_rename(fromport, (char *) name, toport, (char *) newname,
			  (flags & RENAME_NOREPLACE) != 0);
	/* The moved node is found by its new name from now on.  */
	if (!kerr) {
		moved = file_name_lookup_under(toport, newname, O_NOLINK, 0);
		if (moved != MACH_PORT_NULL) {
			if (io_stat(moved, &st) == 0)
				hellfs_node_renamed(to, newname, &st);
			mach_port_deallocate(mach_task_self(), moved);
		}
	}
	err = hellfs_call_end(&c, kerr);
	hellfs_node_done(from);
	hellfs_node_done(to);
	fuse_reply_err(req, err);
}

void
hellfs_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	      struct fuse_file_info *fi)
{
	struct hellfs_call c;
	struct hellfs_node *dir, *np;
	struct hellfs_file *f;
	struct fuse_entry_param e;
	mach_port_t port, opened = MACH_PORT_NULL;
	io_statbuf_t st;
	int flags = hellfs_open_flags(fi->flags) | O_CREAT | (fi->flags & O_EXCL);
	error_t kerr;
	int err;

	if (!name_ok(req, name))
		return;
	if (!(dir = hellfs_node_use(parent, &port, &err))) {
		fuse_reply_err(req, err);
		return;
	}
	hellfs_call_begin(&c, req);
	opened = file_name_lookup_under(port, name, flags, mode & 07777);
	kerr = opened == MACH_PORT_NULL ? errno : 0;
	if (!kerr)
		kerr = io_stat(opened, &st);
	/* The node keeps a reference of its own to the port. */
	if (!kerr)
		kerr = mach_port_mod_refs(mach_task_self(), opened, MACH_PORT_RIGHT_SEND, 1);
	err = hellfs_call_end(&c, kerr);
	hellfs_node_release_port(dir);
	if (err) {
		if (MACH_PORT_VALID(opened))
			mach_port_deallocate(mach_task_self(), opened);
		hellfs_node_put(dir);
		fuse_reply_err(req, err);
		return;
	}
	np = hellfs_node_enter(dir, name, opened, &st);
	hellfs_node_put(dir);
	f = np ? calloc(1, sizeof *f) : NULL;
	if (!f) {
		if (np) {
			hellfs_node_forget(np, 1);
			hellfs_node_put(np);
		}
		mach_port_deallocate(mach_task_self(), opened);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	f->port = opened;
	f->hurd_flags = flags & ~(O_CREAT | O_EXCL);
	hellfs_file_fill(fi, f, np);
	hellfs_fill_entry(&e, np, &st);
	hellfs_node_put(np);
	if (fuse_reply_create(req, &e, fi) != 0) {
		hellfs_node_forget((struct hellfs_node *) (uintptr_t) e.ino, 1);
		mach_port_deallocate(mach_task_self(), f->port);
		free(f);
	}
}

/* Open files: open, read, write, flush, release and fsync.
 *
 * Opening reopens the node with the access mode asked for (the Hurd's
 * dir_lookup of the empty name on the node's port), so the server checks
 * the caller's right to read or write then, as on the Hurd; the new port
 * is FUSE's file handle until release.  Reads and writes carry their
 * offset (an O_APPEND file writes at -1: the server's end of file, kept
 * atomic by the server).
 *
 * Caching: a file of rootfs may stay in Linux's page cache between opens
 * for the attribute timeout, as on any FUSE file system.  A node of any
 * other translator is opened direct_io: its contents are whatever the
 * translator answers now (hello's after fsysopts, a device's stream), and
 * its st_size need not bound them.  */
#include "hellfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <hurd/lookup.h>

#define INLINE_BUF 8192		/* answers this small come inline */

error_t
hellfs_reopen(mach_port_t port, int flags, mach_port_t *result)
{
	retry_type retry;
	string_t retry_name;
	error_t err;

	err = dir_lookup(port, "", hurd_openflags_to_wire(flags), 0, &retry, retry_name, result);
	if (err)
		return err;
	if (retry == FS_RETRY_NORMAL && retry_name[0] == '\0')
		return 0;
	/* The node handed us on (a translator's root, reauthentication):
	 * the retry protocol takes it from there.  */
	return hurd_file_name_lookup_retry(_hurd_ports_use, getdport, NULL, retry, retry_name,
					   flags, 0, result);
}

int
hellfs_open_flags(int linux_flags)
{
	int flags = 0;

	switch (linux_flags & O_ACCMODE) {
	case O_RDONLY:
		flags = O_READ;
		break;
	case O_WRONLY:
		flags = O_WRITE;
		break;
	default:
		flags = O_READ | O_WRITE;
		break;
	}
	/* O_CREAT and O_EXCL were the kernel's to do (lookup, create) before
	 * the open.  O_TRUNC comes with the open (libfuse asks the kernel for
	 * FUSE_CAP_ATOMIC_O_TRUNC), and the server truncates as it opens.  */
	flags |= linux_flags & (O_APPEND | O_NONBLOCK | O_SYNC | O_NOATIME | O_TRUNC);
	return flags;
}

static bool
uncached(const struct hellfs_node *np)
{
	return np->fsid != hellfs_rootfs_fsid || np->type != S_IFREG;
}

void
hellfs_file_fill(struct fuse_file_info *fi, struct hellfs_file *f, const struct hellfs_node *np)
{
	f->direct_io = uncached(np);
	fi->fh = (uint64_t) (uintptr_t) f;
	fi->direct_io = f->direct_io;
	fi->keep_cache = 0;
	fi->nonseekable = np->type == S_IFCHR || np->type == S_IFIFO || np->type == S_IFSOCK;
}

struct hellfs_file *
hellfs_open_node(fuse_req_t req, fuse_ino_t ino, int flags, struct hellfs_node **np)
{
	struct hellfs_file *f;
	struct hellfs_call c;
	mach_port_t port, opened = MACH_PORT_NULL;
	int err;

	if (hellfs_opt.read_only && (flags & O_WRITE)) {
		fuse_reply_err(req, EROFS);
		return NULL;
	}
	if (!(*np = hellfs_node_use(ino, &port, &err))) {
		fuse_reply_err(req, err);
		return NULL;
	}
	hellfs_call_begin(&c, req);
	err = hellfs_call_end(&c, hellfs_reopen(port, flags, &opened));
	hellfs_node_release_port(*np);
	f = err ? NULL : calloc(1, sizeof *f);
	if (!err && !f) {
		mach_port_deallocate(mach_task_self(), opened);
		err = ENOMEM;
	}
	if (err) {
		hellfs_node_put(*np);
		fuse_reply_err(req, err);
		return NULL;
	}
	f->port = opened;
	f->hurd_flags = flags;
	return f;
}

/* Reply to an open of F; if the kernel no longer wants it (the open was
 * interrupted), no release will come: give it back now.  */
static void
reply_open(fuse_req_t req, struct fuse_file_info *fi, struct hellfs_file *f)
{
	if (fuse_reply_open(req, fi) != 0) {
		mach_port_deallocate(mach_task_self(), f->port);
		free(f);
	}
}

void
hellfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hellfs_node *np;
	struct hellfs_file *f = hellfs_open_node(req, ino, hellfs_open_flags(fi->flags), &np);

	if (!f)
		return;
	hellfs_file_fill(fi, f, np);
	hellfs_node_put(np);
	reply_open(req, fi, f);
}

void
hellfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hellfs_node *np;
	struct hellfs_file *f = hellfs_open_node(req, ino, O_READ, &np);

	if (!f)
		return;
	f->dir_fsid = np->fsid;
	fi->fh = (uint64_t) (uintptr_t) f;
	fi->cache_readdir = 0;	/* a translator may list anything next time */
	hellfs_node_put(np);
	reply_open(req, fi, f);
}

static struct hellfs_file *
file_of(struct fuse_file_info *fi)
{
	return (struct hellfs_file *) (uintptr_t) fi->fh;
}

void
hellfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct hellfs_file *f = file_of(fi);
	struct hellfs_call c;
	char inline_buf[INLINE_BUF], *out = NULL;
	size_t got = 0;
	error_t kerr = 0;
	int err;

	(void) ino;
	if (size > INLINE_BUF) {
		out = malloc(size);
		if (!out) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
	}
	hellfs_call_begin(&c, req);
	/* A file of rootfs is read until SIZE or its end, since the kernel
	 * takes a short read for the end of the file; a translator's read
	 * (direct_io) gives what one io_read gives, like a device's.  */
	if (!out)
		out = inline_buf;
	do {
		char *dst = out + got, *data = dst;
		mach_msg_type_number_t len = (mach_msg_type_number_t) (size - got), got_len;

		kerr = io_read(f->port, &data, &len, off + (off_t) got, size - got);
		if (kerr)
			break;
		got_len = len;
		if (len > size - got)
			len = (mach_msg_type_number_t) (size - got);	/* a server's excess */
		if (data != dst) {
			memcpy(dst, data, len);
			vm_deallocate(mach_task_self(), (vm_address_t) data, got_len);
		}
		got += len;
		if (len == 0)
			break;
	} while (!f->direct_io && got < size);
	err = hellfs_call_end(&c, kerr);
	if (err && got == 0)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, out, got);
	if (out != inline_buf)
		free(out);
}

void
hellfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
	     struct fuse_file_info *fi)
{
	struct hellfs_file *f = file_of(fi);
	struct hellfs_call c;
	size_t done = 0;
	error_t kerr = 0;
	int err;

	(void) ino;
	hellfs_call_begin(&c, req);
	while (done < size) {
		vm_size_t amount = 0;
		off_t at = (f->hurd_flags & O_APPEND) ? -1 : off + (off_t) done;

		kerr = io_write(f->port, (char *) buf + done, (mach_msg_type_number_t) (size - done),
				at, &amount);
		if (kerr)
			break;
		if (amount == 0 || amount > size - done) {
			if (amount > size - done)
				kerr = EIO;	/* a server claiming more than it got */
			break;
		}
		done += amount;
	}
	err = hellfs_call_end(&c, kerr);
	if (err && done == 0)
		fuse_reply_err(req, err);
	else
		fuse_reply_write(req, done);
}

void
hellfs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	/* The Hurd's io has no flush: writes are the server's when io_write
	 * returns, and a close tells the server nothing.  */
	(void) ino;
	(void) fi;
	fuse_reply_err(req, 0);
}

void
hellfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hellfs_file *f = file_of(fi);

	(void) ino;
	mach_port_deallocate(mach_task_self(), f->port);
	free(f);
	fuse_reply_err(req, 0);
}

void
hellfs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	struct hellfs_call c;
	int err;

	(void) ino;
	hellfs_call_begin(&c, req);
	err = hellfs_call_end(&c, file_sync(file_of(fi)->port, 1, datasync));
	fuse_reply_err(req, err);
}

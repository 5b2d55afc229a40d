/* Directories: opendir, readdir, readdirplus, releasedir and fsyncdir.
 *
 * A directory is opened like a file (hellfs_opendir, file.c: reopened with
 * O_READ) and read with
 * dir_readdir, whose records (<hurd/dirent.h>, checked: they come from
 * whatever server answers for the directory) are numbered from 0; FUSE's
 * offset of an entry is its number + 1, so a listing goes on where the
 * kernel's buffer filled.  readdirplus looks each entry up as lookup does
 * and hands the kernel its attributes with it (what `ls -l` needs), except
 * "." and "..", which the kernel knows.  */
#include "hellfs.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <hurd/dirent.h>

static bool
dot_or_dotdot(const struct hurd_dirent_view *d)
{
	return (d->namelen == 1 && d->name[0] == '.') ||
	       (d->namelen == 2 && d->name[0] == '.' && d->name[1] == '.');
}

/* Fill the kernel's buffer (SIZE bytes) from entry OFF on.  */
static void
read_dir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi,
	 bool plus)
{
	struct hellfs_file *f = (struct hellfs_file *) (uintptr_t) fi->fh;
	struct hellfs_node *dir = plus ? hellfs_node_get(ino) : NULL;
	char *out = malloc(size ? size : 1);
	size_t used = 0;
	int entry = off < 0 || off > INT32_MAX ? -1 : (int) off;
	int err = 0;
	bool full = false;

	if (!out || entry < 0 || (plus && !dir)) {
		err = !out ? ENOMEM : entry < 0 ? EINVAL : ESTALE;
		goto done;
	}
	while (!full) {
		char inline_buf[8192], *data = inline_buf;
		mach_msg_type_number_t len = sizeof inline_buf;
		int amount = 0, n = 0;
		size_t pos = 0;
		struct hellfs_call c;

		hellfs_call_begin(&c, req);
		err = hellfs_call_end(&c, dir_readdir(f->port, &data, &len, entry, -1,
						      size, &amount));
		if (err)
			break;
		for (; n < amount; n++) {
			struct hurd_dirent_view d;
			char name[256];
			struct fuse_entry_param e;
			int r = hurd_dirent_next(data, len, &pos, &d);
			size_t need;

			if (r <= 0) {
				if (r < 0)
					err = EIO;	/* a malformed answer */
				amount = n;	/* what is here is all */
				break;
			}
			memcpy(name, d.name, d.namelen);
			name[d.namelen] = '\0';
			/* What the record itself tells: enough for readdir, and
			 * for readdirplus where the lookup fails (the kernel
			 * then asks again with a lookup of its own).  */
			memset(&e, 0, sizeof e);
			e.attr.st_ino = hellfs_linux_ino(f->dir_fsid, d.ino);
			e.attr.st_mode = d.type == DT_UNKNOWN ? 0 : (mode_t) DTTOIF(d.type);
			if (!plus) {
				need = fuse_add_direntry(req, out + used, size - used, name,
							 &e.attr, entry + n + 1);
			} else {
				/* Room first: an entry looked up counts as one
				 * of the kernel's lookups, so it must go in.  */
				need = fuse_add_direntry_plus(req, NULL, 0, name, NULL, 0);
				if (need <= size - used) {
					if (!dot_or_dotdot(&d))
						(void) hellfs_lookup_entry(req, dir, name, &e);
					fuse_add_direntry_plus(req, out + used, size - used, name,
							       &e, entry + n + 1);
				}
			}
			if (need > size - used) {
				full = true;
				break;
			}
			used += need;
		}
		if (data != inline_buf)
			vm_deallocate(mach_task_self(), (vm_address_t) data, len);
		if (err || amount <= 0)
			break;
		entry += n;
	}
done:
	if (dir)
		hellfs_node_put(dir);
	if (err && used == 0)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, out, used);
	free(out);
}

void
hellfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	read_dir(req, ino, size, off, fi, false);
}

void
hellfs_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	read_dir(req, ino, size, off, fi, true);
}

void
hellfs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	hellfs_release(req, ino, fi);
}

void
hellfs_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	hellfs_fsync(req, ino, datasync, fi);
}

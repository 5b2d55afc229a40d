/* Names: lookup, forget and readlink.
 *
 * A FUSE lookup is one component, looked up in the parent's port the way
 * a Hurd client does (file_name_lookup_under: dir_lookup and its retry
 * protocol, so a translator sitting on the name answers for it), with
 * O_NOLINK so that a symlink is seen as itself and the kernel follows it
 * (asking readlink).  The port comes back without an access mode: it
 * serves io_stat, the fs calls and reopening.  */
#include "hellfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <hurd/paths.h>

void
hellfs_fill_entry(struct fuse_entry_param *e, struct hellfs_node *np, const io_statbuf_t *st)
{
	memset(e, 0, sizeof *e);
	e->ino = hellfs_node_ino(np);
	e->generation = 1;
	hellfs_stat_to_linux(st, &e->attr);
	e->attr_timeout = hellfs_opt.timeout;
	e->entry_timeout = hellfs_opt.timeout;
}

int
hellfs_lookup_entry(fuse_req_t req, struct hellfs_node *parent, const char *name,
		    struct fuse_entry_param *e)
{
	struct hellfs_call c;
	struct hellfs_node *np;
	mach_port_t dir, port;
	io_statbuf_t st;
	error_t kerr;
	int err;

	if (strlen(name) >= sizeof(string_t))
		return ENAMETOOLONG;
	err = hellfs_errno(hellfs_node_port(parent, &dir));
	if (err)
		return err;
	hellfs_call_begin(&c, req);
	port = file_name_lookup_under(dir, name, O_NOLINK, 0);
	kerr = port == MACH_PORT_NULL ? errno : 0;
	if (!kerr) {
		kerr = io_stat(port, &st);
		if (kerr) {
			mach_port_deallocate(mach_task_self(), port);
			port = MACH_PORT_NULL;
		}
	}
	err = hellfs_call_end(&c, kerr);
	hellfs_node_release_port(parent);
	if (err)
		return err;
	np = hellfs_node_enter(parent, name, port, &st);
	if (!np)
		return ENOMEM;
	hellfs_fill_entry(e, np, &st);
	hellfs_node_put(np);	/* the kernel's lookup keeps it */
	return 0;
}

void
hellfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct hellfs_node *dir = hellfs_node_get(parent);
	struct fuse_entry_param e;
	int err;

	if (!dir) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	err = hellfs_lookup_entry(req, dir, name, &e);
	hellfs_node_put(dir);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_entry(req, &e);
}

void
hellfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	if (ino != FUSE_ROOT_ID)
		hellfs_node_forget((struct hellfs_node *) (uintptr_t) ino, nlookup);
	fuse_reply_none(req);
}

void
hellfs_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	for (size_t i = 0; i < count; i++)
		if (forgets[i].ino != FUSE_ROOT_ID)
			hellfs_node_forget((struct hellfs_node *) (uintptr_t) forgets[i].ino,
					   forgets[i].nlookup);
	fuse_reply_none(req);
}

/* The target of the symlink PORT is on, into a malloc'd string.  A Hurd
 * symlink is a node with the passive translator "/hurd/symlink TARGET"
 * (file_get_translator tells it, whether the file system stores symlinks
 * natively, as rootfs does, or as translators); failing that, reading it
 * gives the target, as glibc's readlink does.  */
static error_t
read_link(mach_port_t port, char **target)
{
	char buf[4096], *data = buf;
	mach_msg_type_number_t len = sizeof buf;
	mach_port_t r;
	error_t err;

	err = file_get_translator(port, &data, &len);
	if (!err) {
		static const char prefix[] = _HURD_SYMLINK;

		if (len > sizeof prefix && memcmp(data, prefix, sizeof prefix) == 0) {
			*target = strndup(data + sizeof prefix, len - sizeof prefix);
			err = *target ? 0 : ENOMEM;
		} else {
			err = EINVAL;	/* another translator: not a link */
		}
		if (data != buf)
			vm_deallocate(mach_task_self(), (vm_address_t) data, len);
		return err;
	}
	err = hellfs_reopen(port, O_READ | O_NOLINK, &r);
	if (err)
		return err;
	data = buf;
	len = sizeof buf;
	err = io_read(r, &data, &len, 0, sizeof buf - 1);
	mach_port_deallocate(mach_task_self(), r);
	if (err)
		return err;
	*target = strndup(data, len);
	if (data != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) data, len);
	return *target ? 0 : ENOMEM;
}

void
hellfs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct hellfs_node *np;
	struct hellfs_call c;
	mach_port_t port;
	char *target = NULL;
	int err;

	if (!(np = hellfs_node_use(ino, &port, &err))) {
		fuse_reply_err(req, err);
		return;
	}
	hellfs_call_begin(&c, req);
	err = hellfs_call_end(&c, read_link(port, &target));
	hellfs_node_done(np);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_readlink(req, target);
	free(target);
}

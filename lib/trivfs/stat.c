/* What the node looks like: io_stat, io_identity and file_statfs.
 *
 * The node's stat starts as the underlying node's, becomes the root of a
 * translator (a character device with S_IROOT, whose st_fstype and
 * st_fsid are the translator's) and is then the translator's to adjust
 * with trivfs_modify_stat.  The wire layout is the Hurd's (struct
 * hurd_stat), the translator's is Linux's struct stat (as the Hurd's
 * translators declare it), so the library converts around that call. */
#include "priv.h"

#include <string.h>

void
trivfs_stat_to_linux(const io_statbuf_t *hst, struct stat *lst)
{
	memset(lst, 0, sizeof *lst);
	lst->st_dev = hst->st_fsid;
	lst->st_ino = hst->st_ino;
	lst->st_mode = hst->st_mode;
	lst->st_nlink = hst->st_nlink;
	lst->st_uid = hst->st_uid;
	lst->st_gid = hst->st_gid;
	lst->st_rdev = hst->st_rdev;
	lst->st_size = hst->st_size;
	lst->st_blksize = hst->st_blksize;
	lst->st_blocks = hst->st_blocks;
	lst->st_atim = hst->st_atim;
	lst->st_mtim = hst->st_mtim;
	lst->st_ctim = hst->st_ctim;
}

void
trivfs_stat_from_linux(const struct stat *lst, io_statbuf_t *hst)
{
	hst->st_fsid = lst->st_dev;
	hst->st_ino = lst->st_ino;
	hst->st_mode = lst->st_mode;
	hst->st_nlink = lst->st_nlink;
	hst->st_uid = lst->st_uid;
	hst->st_gid = lst->st_gid;
	hst->st_rdev = lst->st_rdev;
	hst->st_size = lst->st_size;
	hst->st_blksize = lst->st_blksize;
	hst->st_blocks = lst->st_blocks;
	hst->st_atim = lst->st_atim;
	hst->st_mtim = lst->st_mtim;
	hst->st_ctim = lst->st_ctim;
}

/* trivfs_fsid, made the pid the first time it is needed if the
 * translator left it 0.  (Racing threads store the same value.) */
static int
translator_fsid(void)
{
	if (!trivfs_fsid)
		trivfs_fsid = getpid();
	return trivfs_fsid;
}

error_t
trivfs_stat(struct trivfs_protid *cred, io_statbuf_t *st)
{
	struct stat lst;
	error_t err;

	err = io_stat(cred->realnode, st);
	if (err)
		return err;
	st->st_fstype = trivfs_fstype;
	st->st_fsid = translator_fsid();
	st->st_mode = (st->st_mode & ~(S_IFMT | S_ITRANS)) | S_IFCHR | S_IROOT;

	trivfs_stat_to_linux(st, &lst);
	trivfs_modify_stat(cred, &lst);
	trivfs_stat_from_linux(&lst, st);
	return 0;
}

kern_return_t __attribute__((weak))
trivfs_S_io_stat(struct trivfs_protid *cred, mach_port_t reply,
		 mach_msg_type_name_t reply_type, io_statbuf_t *st)
{
	if (!cred)
		return EOPNOTSUPP;
	return trivfs_stat(cred, st);
}

/* io_identity: the node is the control's file_id, in the file system
 * filesys_id, with the inode number io_stat reports. */
kern_return_t __attribute__((weak))
trivfs_S_io_identity(struct trivfs_protid *cred, mach_port_t reply,
		     mach_msg_type_name_t reply_type,
		     mach_port_t *idport, mach_msg_type_name_t *idport_type,
		     mach_port_t *fsidport, mach_msg_type_name_t *fsidport_type,
		     ino64_t *fileno)
{
	io_statbuf_t st;
	error_t err;

	if (!cred)
		return EOPNOTSUPP;
	err = trivfs_stat(cred, &st);
	if (err)
		return err;
	*idport = cred->po->cntl->file_id;
	*idport_type = MACH_MSG_TYPE_MAKE_SEND;
	*fsidport = cred->po->cntl->filesys_id;
	*fsidport_type = MACH_MSG_TYPE_MAKE_SEND;
	*fileno = st.st_ino;
	return 0;
}

/* file_statfs: nothing but the translator's type and id. */
kern_return_t __attribute__((weak))
trivfs_S_file_statfs(struct trivfs_protid *cred, mach_port_t reply,
		     mach_msg_type_name_t reply_type, fsys_statfsbuf_t *stb)
{
	if (!cred)
		return EOPNOTSUPP;
	memset(stb, 0, sizeof *stb);
	stb->f_type = trivfs_fstype;
	stb->f_fsid = translator_fsid();
	return 0;
}

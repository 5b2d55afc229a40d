/* null: a translator whose node is a /dev/null: reading gives end of
 * file at once, writing swallows everything (or, with --full, fails with
 * ENOSPC as a full disk would).
 *
 *   settrans -a /dev/null /hurd/null [--full]
 *
 * HELL's own null, with the Hurd's name and option.  It keeps no state
 * per open, so its routines need no locks; the write error is set before
 * the translator serves (and by fsys_set_options, one word at a time). */
#include <hurd/trivfs.h>

#include <argp.h>
#include <argz.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "libtrivfs/trivfs_io_S.h"
#include "libtrivfs/trivfs_fs_S.h"
#include "translator.h"

/* What a write answers: 0 (everything written) or ENOSPC (--full). */
static error_t write_error;

int trivfs_fstype = FSTYPE_DEV;
int trivfs_fsid = 0;
int trivfs_support_read = 1;
int trivfs_support_write = 1;
int trivfs_support_exec = 0;
int trivfs_allow_open = O_READ | O_WRITE;

char *trivfs_server_name = "null";
char *trivfs_server_version = HELL_VERSION;

/* A character device of no size, with large transfers preferred. */
void
trivfs_modify_stat(struct trivfs_protid *cred, struct stat *st)
{
	st->st_blksize = vm_page_size * 256;
	st->st_size = 0;
	st->st_blocks = 0;
	st->st_mode = (st->st_mode & ~S_IFMT) | S_IFCHR;
}

error_t
trivfs_goaway(struct trivfs_control *cntl, int flags)
{
	exit(0);
}

kern_return_t
trivfs_S_io_read(struct trivfs_protid *cred, mach_port_t reply,
		 mach_msg_type_name_t reply_type, data_t *data,
		 mach_msg_type_number_t *data_len, loff_t offset, vm_size_t amount)
{
	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_READ))
		return EBADF;
	*data_len = 0;
	return 0;
}

kern_return_t
trivfs_S_io_write(struct trivfs_protid *cred, mach_port_t reply,
		  mach_msg_type_name_t reply_type, const_data_t data,
		  mach_msg_type_number_t data_len, loff_t offset, vm_size_t *amount)
{
	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_WRITE))
		return EBADF;
	if (write_error)
		return write_error;
	*amount = data_len;
	return 0;
}

kern_return_t
trivfs_S_io_readable(struct trivfs_protid *cred, mach_port_t reply,
		     mach_msg_type_name_t reply_type, vm_size_t *amount)
{
	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_READ))
		return EBADF;
	*amount = 0;
	return 0;
}

/* Every position is the start (and the end). */
kern_return_t
trivfs_S_io_seek(struct trivfs_protid *cred, mach_port_t reply,
		 mach_msg_type_name_t reply_type, loff_t offset, int whence, loff_t *newp)
{
	if (!cred)
		return EOPNOTSUPP;
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		return EINVAL;
	*newp = 0;
	return 0;
}

/* Reading and writing never block. */
kern_return_t
trivfs_S_io_select(struct trivfs_protid *cred, mach_port_t reply,
		   mach_msg_type_name_t reply_type, int *select_type)
{
	if (!cred)
		return EOPNOTSUPP;
	*select_type &= SELECT_READ | SELECT_WRITE;
	return 0;
}

kern_return_t
trivfs_S_io_select_timeout(struct trivfs_protid *cred, mach_port_t reply,
			   mach_msg_type_name_t reply_type, timespec_t timeout,
			   int *select_type)
{
	return trivfs_S_io_select(cred, reply, reply_type, select_type);
}

/* Truncation to any size is a no-op; a negative size is no size. */
kern_return_t
trivfs_S_file_set_size(struct trivfs_protid *cred, mach_port_t reply,
		       mach_msg_type_name_t reply_type, loff_t size)
{
	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_WRITE))
		return EBADF;
	return size < 0 ? EINVAL : 0;
}

static const struct argp_option options[] = {
	{ "full", 'f', NULL, 0, "Make writes fail as on a full disk (ENOSPC)", 0 },
	{ "no-full", 'F', NULL, 0, "Make writes succeed (the default)", 0 },
	{ 0 }
};

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'f':
		write_error = ENOSPC;
		return 0;
	case 'F':
		write_error = 0;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static struct argp null_argp = {
	options, parse_opt, NULL, "An endless sink and an empty source: /dev/null."
};

struct argp *trivfs_runtime_argp = &null_argp;

error_t
trivfs_append_args(struct trivfs_control *fsys, char **argz, size_t *argz_len)
{
	return write_error ? argz_add(argz, argz_len, "--full") : 0;
}

int
main(int argc, char **argv)
{
	struct trivfs_control *fsys;

	argp_parse(&null_argp, argc, argv, 0, NULL, NULL);
	fsys = translator_startup();

	ports_manage_port_operations_multithread(fsys->pi.bucket, trivfs_demuxer,
						 2 * 60 * 1000, 0, NULL);
	return 0;
}

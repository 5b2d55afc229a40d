/* symlink: a translator whose node is a symbolic link to TARGET.
 *
 *   settrans /link /hurd/symlink TARGET
 *
 * As on the Hurd, following the link is the client's work: a lookup that
 * reaches the node (fsys_getroot) is answered with a retry, so the client
 * looks TARGET up itself, in its own name space and with its own ids:
 *   - a relative TARGET: FS_RETRY_REAUTH with TARGET on the directory
 *     that holds the link (the dotdot node the lookup came through);
 *   - an absolute TARGET: FS_RETRY_MAGICAL with TARGET, which the client
 *     resolves from its root directory.
 * A lookup with O_NOLINK (lstat, readlink) opens the link itself: a node
 * that stats as S_IFLNK, of TARGET's length, and reads as TARGET.
 *
 * TARGET never changes, so only the file pointers need a lock (each
 * open's own). */
#include <hurd/trivfs.h>

#include <argp.h>
#include <argz.h>
#include <error.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libtrivfs/trivfs_io_S.h"

static const char *target;
static size_t target_len;

struct open {
	pthread_mutex_t lock;
	loff_t offset;
};

int trivfs_fstype = FSTYPE_MISC;
int trivfs_fsid = 0;
int trivfs_support_read = 1;
int trivfs_support_write = 0;
int trivfs_support_exec = 0;
int trivfs_allow_open = O_READ;

char *trivfs_server_name = "symlink";
char *trivfs_server_version = HELL_VERSION;

static error_t
open_create(struct trivfs_peropen *po)
{
	struct open *op = malloc(sizeof *op);

	if (!op)
		return ENOMEM;
	pthread_mutex_init(&op->lock, NULL);
	op->offset = 0;
	po->hook = op;
	return 0;
}

static void
open_destroy(struct trivfs_peropen *po)
{
	struct open *op = po->hook;

	pthread_mutex_destroy(&op->lock);
	free(op);
}

error_t (*trivfs_peropen_create_hook)(struct trivfs_peropen *) = open_create;
void (*trivfs_peropen_destroy_hook)(struct trivfs_peropen *) = open_destroy;

/* Send the client on to TARGET, unless it asked for the link itself. */
static error_t
symlink_getroot(struct trivfs_control *cntl, mach_port_t reply,
		mach_msg_type_name_t reply_type, mach_port_t dotdot,
		const uid_t *uids, mach_msg_type_number_t nuids,
		const uid_t *gids, mach_msg_type_number_t ngids,
		int flags, retry_type *do_retry, char *retry_name,
		mach_port_t *node, mach_msg_type_name_t *node_type)
{
	if (flags & O_NOLINK)
		return EAGAIN;	/* trivfs opens our node */
	memcpy(retry_name, target, target_len + 1);
	if (target[0] == '/') {
		*do_retry = FS_RETRY_MAGICAL;
		*node = MACH_PORT_NULL;
		*node_type = MACH_MSG_TYPE_COPY_SEND;
		/* The lookup does not go through dotdot: ours to drop. */
		if (MACH_PORT_VALID(dotdot))
			mach_port_deallocate(mach_task_self(), dotdot);
	} else {
		*do_retry = FS_RETRY_REAUTH;
		*node = dotdot;
		*node_type = MACH_MSG_TYPE_MOVE_SEND;
	}
	return 0;
}

trivfs_getroot_hook_fun trivfs_getroot_hook = symlink_getroot;

void
trivfs_modify_stat(struct trivfs_protid *cred, struct stat *st)
{
	st->st_mode = (st->st_mode & ~(S_IFMT | ALLPERMS)) | S_IFLNK | ACCESSPERMS;
	st->st_size = target_len;
	st->st_blocks = 0;
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
	struct open *op;
	size_t start, n;
	int at_pointer = offset == -1;

	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_READ))
		return EBADF;
	if (offset < -1)
		return EINVAL;
	op = cred->po->hook;
	pthread_mutex_lock(&op->lock);
	if (at_pointer)
		offset = op->offset;
	start = (uint64_t) offset < target_len ? (size_t) offset : target_len;
	n = target_len - start < amount ? target_len - start : amount;
	/* TARGET is shorter than a string_t, far below the in-line buffer. */
	if (n > *data_len) {
		void *buf = mmap(NULL, n, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED) {
			pthread_mutex_unlock(&op->lock);
			return ENOMEM;
		}
		*data = buf;
	}
	memcpy(*data, target + start, n);
	*data_len = n;
	if (at_pointer)
		op->offset = offset + n;
	pthread_mutex_unlock(&op->lock);
	return 0;
}

kern_return_t
trivfs_S_io_seek(struct trivfs_protid *cred, mach_port_t reply,
		 mach_msg_type_name_t reply_type, loff_t offset, int whence, loff_t *newp)
{
	struct open *op;
	loff_t base;
	error_t err = 0;

	if (!cred)
		return EOPNOTSUPP;
	op = cred->po->hook;
	pthread_mutex_lock(&op->lock);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = op->offset;
		break;
	case SEEK_END:
		base = target_len;
		break;
	default:
		err = EINVAL;
		goto out;
	}
	if (__builtin_add_overflow(base, offset, &base) || base < 0)
		err = EINVAL;
	else
		*newp = op->offset = base;
out:
	pthread_mutex_unlock(&op->lock);
	return err;
}

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_ARG:
		if (state->arg_num > 0)
			argp_error(state, "only one TARGET");
		if (strlen(arg) >= sizeof(string_t))
			argp_error(state, "TARGET longer than %zu bytes", sizeof(string_t) - 1);
		target = arg;
		target_len = strlen(arg);
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "no TARGET");
		return EINVAL;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static struct argp symlink_argp = {
	NULL, parse_opt, "TARGET",
	"A translator for symbolic links: the node is a link to TARGET, which the "
	"client looks up in its own name space."
};

error_t
trivfs_append_args(struct trivfs_control *fsys, char **argz, size_t *argz_len)
{
	return argz_add(argz, argz_len, target);
}

int
main(int argc, char **argv)
{
	struct trivfs_control *fsys;
	mach_port_t bootstrap;
	error_t err;

	argp_parse(&symlink_argp, argc, argv, 0, NULL, NULL);

	task_get_bootstrap_port(mach_task_self(), &bootstrap);
	if (bootstrap == MACH_PORT_NULL)
		error(1, 0, "must be started as a translator (settrans)");
	err = trivfs_startup(bootstrap, 0, NULL, NULL, NULL, NULL, &fsys);
	mach_port_deallocate(mach_task_self(), bootstrap);
	if (err)
		error(3, err, "trivfs_startup");

	ports_manage_port_operations_multithread(fsys->pi.bucket, trivfs_demuxer,
						 2 * 60 * 1000, 0, NULL);
	return 0;
}

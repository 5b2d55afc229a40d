/* hello: a translator whose node is a read-only file with a greeting.
 *
 *   settrans -a /hello /hurd/hello [--contents=TEXT]
 *   fsysopts /hello --contents=TEXT      (changes it while it runs)
 *
 * HELL's own hello, with the Hurd's name and option.  Built twice: hello
 * serves one RPC at a time (ports_manage_port_operations_one_thread),
 * hello-mt (HELLO_MULTITHREADED) one thread per concurrent RPC.  The
 * locking is the same in both.
 *
 * State and locks:
 *   contents, contents_len   the file's bytes; contents_lock (a rwlock:
 *                            reads share it, --contents takes it to write)
 *   struct open.offset       an open's file pointer; open.lock
 * Lock order: open.lock, then contents_lock.
 *
 * Reads answer at most what is left from the offset; an answer larger
 * than the reply's in-line buffer goes out of line (MIG sends the region
 * given back and unmaps it after sending). */
#include <hurd/trivfs.h>

#include <argp.h>
#include <argz.h>
#include <error.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libtrivfs/trivfs_io_S.h"

static const char default_contents[] = "Hello, world!\n";

static pthread_rwlock_t contents_lock = PTHREAD_RWLOCK_INITIALIZER;
static char *contents = (char *) default_contents;
static size_t contents_len = sizeof default_contents - 1;

/* One open's file pointer. */
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

char *trivfs_server_name = "hello";
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

/* A read-only regular file of the greeting's size. */
void
trivfs_modify_stat(struct trivfs_protid *cred, struct stat *st)
{
	pthread_rwlock_rdlock(&contents_lock);
	st->st_size = contents_len;
	pthread_rwlock_unlock(&contents_lock);
	st->st_blocks = (st->st_size + 511) / 512;
	st->st_mode &= ~(S_IFMT | ALLPERMS);
	st->st_mode |= S_IFREG | S_IRUSR | S_IRGRP | S_IROTH;
}

/* Go when nobody has the file open, or when forced. */
error_t
trivfs_goaway(struct trivfs_control *cntl, int flags)
{
	if (!(flags & FSYS_GOAWAY_FORCE)) {
		int opens = ports_count_class(cntl->protid_class);

		ports_enable_class(cntl->protid_class);
		if (opens > 0)
			return EBUSY;
	}
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
	error_t err = 0;

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
	pthread_rwlock_rdlock(&contents_lock);
	start = (uint64_t) offset < contents_len ? (size_t) offset : contents_len;
	n = contents_len - start < amount ? contents_len - start : amount;
	if (n > *data_len) {
		void *buf = mmap(NULL, n, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED) {
			err = ENOMEM;
			goto out;
		}
		*data = buf;
	}
	memcpy(*data, contents + start, n);
	*data_len = n;
	if (at_pointer)
		op->offset = offset + n;
out:
	pthread_rwlock_unlock(&contents_lock);
	pthread_mutex_unlock(&op->lock);
	return err;
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
		pthread_rwlock_rdlock(&contents_lock);
		base = contents_len;
		pthread_rwlock_unlock(&contents_lock);
		break;
	default:
		err = EINVAL;
		goto out;
	}
	if (__builtin_add_overflow(base, offset, &base) || base < 0) {
		err = EINVAL;
		goto out;
	}
	*newp = op->offset = base;
out:
	pthread_mutex_unlock(&op->lock);
	return err;
}

kern_return_t
trivfs_S_io_readable(struct trivfs_protid *cred, mach_port_t reply,
		     mach_msg_type_name_t reply_type, vm_size_t *amount)
{
	struct open *op;

	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_READ))
		return EBADF;
	op = cred->po->hook;
	pthread_mutex_lock(&op->lock);
	pthread_rwlock_rdlock(&contents_lock);
	*amount = (uint64_t) op->offset < contents_len ? contents_len - op->offset : 0;
	pthread_rwlock_unlock(&contents_lock);
	pthread_mutex_unlock(&op->lock);
	return 0;
}

/* Reading never blocks; there is no writing. */
kern_return_t
trivfs_S_io_select(struct trivfs_protid *cred, mach_port_t reply,
		   mach_msg_type_name_t reply_type, int *select_type)
{
	if (!cred)
		return EOPNOTSUPP;
	*select_type &= SELECT_READ;
	return 0;
}

kern_return_t
trivfs_S_io_select_timeout(struct trivfs_protid *cred, mach_port_t reply,
			   mach_msg_type_name_t reply_type, timespec_t timeout,
			   int *select_type)
{
	return trivfs_S_io_select(cred, reply, reply_type, select_type);
}

/* ---- Options, the same at startup and through fsys_set_options ---- */

static const struct argp_option options[] = {
	{ "contents", 'c', "TEXT", 0, "The file's contents (default: a greeting)", 0 },
	{ 0 }
};

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	char *new;

	switch (key) {
	case 'c':
		new = strdup(arg);
		if (!new)
			return ENOMEM;
		pthread_rwlock_wrlock(&contents_lock);
		if (contents != default_contents)
			free(contents);
		contents = new;
		contents_len = strlen(new);
		pthread_rwlock_unlock(&contents_lock);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static struct argp hello_argp = {
	options, parse_opt, NULL,
	"A translator whose node is a file with a greeting (or TEXT)."
};

struct argp *trivfs_runtime_argp = &hello_argp;

/* --contents='TEXT', quoted for a shell as the Hurd's hello does, so that
 * fsysopts and showtrans print a command line that can be given back. */
error_t
trivfs_append_args(struct trivfs_control *fsys, char **argz, size_t *argz_len)
{
	char *opt = NULL;
	size_t opt_len = 0;
	FILE *s = open_memstream(&opt, &opt_len);
	error_t err;
	size_t i;

	if (!s)
		return ENOMEM;
	fputs("--contents='", s);
	pthread_rwlock_rdlock(&contents_lock);
	for (i = 0; i < contents_len; i++) {
		if (contents[i] == '\'')
			fputs("'\"'\"'", s);
		else
			fputc(contents[i], s);
	}
	pthread_rwlock_unlock(&contents_lock);
	fputc('\'', s);
	if (fclose(s) != 0) {
		free(opt);
		return ENOMEM;
	}
	err = argz_add(argz, argz_len, opt);
	free(opt);
	return err;
}

int
main(int argc, char **argv)
{
	struct trivfs_control *fsys;
	mach_port_t bootstrap;
	error_t err;

	argp_parse(&hello_argp, argc, argv, 0, NULL, NULL);

	task_get_bootstrap_port(mach_task_self(), &bootstrap);
	if (bootstrap == MACH_PORT_NULL)
		error(1, 0, "must be started as a translator (settrans)");
	err = trivfs_startup(bootstrap, 0, NULL, NULL, NULL, NULL, &fsys);
	mach_port_deallocate(mach_task_self(), bootstrap);
	if (err)
		error(3, err, "trivfs_startup");

#ifdef HELLO_MULTITHREADED
	ports_manage_port_operations_multithread(fsys->pi.bucket, trivfs_demuxer,
						 10 * 1000, 0, NULL);
#else
	ports_manage_port_operations_one_thread(fsys->pi.bucket, trivfs_demuxer, 0);
#endif
	return 0;
}

/* faulty: a translator that misbehaves on purpose, for the hellfs tests.
 *
 *   settrans -a NODE /hurd/faulty [--read=ok|hang|die] [--contents=TEXT]
 *
 * Its node is a read-only regular file of TEXT (default "faulty\n").  It
 * answers io_stat and the other routines as any trivfs translator does;
 * io_read is what misbehaves:
 *   ok    answers with the file's bytes;
 *   hang  never answers (the serving thread waits forever);
 *   die   kills the translator (SIGKILL) with the request unanswered,
 *         as a crash would.
 * RPCs are served on many threads, so a hung io_read leaves the others
 * (io_stat, fsys_goaway) answered.  It goes whenever asked to, even with
 * a read hanging: a test's environment must be able to stop.
 *
 * The file pointer (offset -1) is one per open (its peropen's hook),
 * under that open's lock.  */
#include <hurd/trivfs.h>

#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libtrivfs/trivfs_io_S.h"

enum read_behaviour { READ_OK, READ_HANG, READ_DIE };

static enum read_behaviour read_behaviour = READ_OK;
static const char *contents = "faulty\n";

int trivfs_fstype = FSTYPE_MISC;
int trivfs_fsid = 0;
int trivfs_support_read = 1;
int trivfs_support_write = 0;
int trivfs_support_exec = 0;
int trivfs_allow_open = O_READ;

char *trivfs_server_name = "faulty";
char *trivfs_server_version = "0";

struct open {
	pthread_mutex_t lock;
	loff_t offset;
};

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

void
trivfs_modify_stat(struct trivfs_protid *cred, struct stat *st)
{
	st->st_size = (off_t) strlen(contents);
	st->st_blocks = (st->st_size + 511) / 512;
	st->st_mode &= ~(S_IFMT | ALLPERMS);
	st->st_mode |= S_IFREG | S_IRUSR | S_IRGRP | S_IROTH;
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
	size_t len = strlen(contents), start, n;
	int at_pointer = offset == -1;
	struct open *op;

	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_READ))
		return EBADF;
	if (offset < -1)
		return EINVAL;
	switch (read_behaviour) {
	case READ_HANG:
		for (;;)
			pause();
	case READ_DIE:
		kill(getpid(), SIGKILL);
		for (;;)
			pause();	/* until the signal lands */
	case READ_OK:
		break;
	}

	op = cred->po->hook;
	pthread_mutex_lock(&op->lock);
	if (at_pointer)
		offset = op->offset;
	start = (uint64_t) offset < len ? (size_t) offset : len;
	n = len - start < amount ? len - start : amount;
	if (n > *data_len) {
		void *buf = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED) {
			pthread_mutex_unlock(&op->lock);
			return ENOMEM;
		}
		*data = buf;
	}
	memcpy(*data, contents + start, n);
	*data_len = n;
	if (at_pointer)
		op->offset = offset + n;
	pthread_mutex_unlock(&op->lock);
	return 0;
}

/* Reading never blocks (as far as select can tell). */
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

static const struct argp_option options[] = {
	{ "read", 'r', "ok|hang|die", 0, "What io_read does (default: ok)", 0 },
	{ "contents", 'c', "TEXT", 0, "The file's contents", 0 },
	{ 0 }
};

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'r':
		if (!strcmp(arg, "ok"))
			read_behaviour = READ_OK;
		else if (!strcmp(arg, "hang"))
			read_behaviour = READ_HANG;
		else if (!strcmp(arg, "die"))
			read_behaviour = READ_DIE;
		else
			argp_error(state, "--read: ok, hang or die, not %s", arg);
		return 0;
	case 'c':
		contents = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp faulty_argp = {
	options, parse_opt, NULL, "A file whose io_read answers, hangs or dies."
};

int
main(int argc, char **argv)
{
	struct trivfs_control *fsys;
	mach_port_t bootstrap;
	error_t err;

	argp_parse(&faulty_argp, argc, argv, 0, NULL, NULL);
	task_get_bootstrap_port(mach_task_self(), &bootstrap);
	if (bootstrap == MACH_PORT_NULL) {
		fprintf(stderr, "faulty: must be started as a translator (settrans)\n");
		return 1;
	}
	err = trivfs_startup(bootstrap, 0, NULL, NULL, NULL, NULL, &fsys);
	mach_port_deallocate(mach_task_self(), bootstrap);
	if (err) {
		fprintf(stderr, "faulty: trivfs_startup: %s\n", strerror(err));
		return 3;
	}
	ports_manage_port_operations_multithread(fsys->pi.bucket, trivfs_demuxer, 0, 0, NULL);
	return 0;
}

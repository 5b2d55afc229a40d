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
 * The file's bytes are the node's text (text_node.c: reading, seeking
 * and each open's file pointer); --contents changes them under
 * node_text_lock, taken to write. */
#include <hurd/trivfs.h>

#include <argp.h>
#include <argz.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libtrivfs/trivfs_io_S.h"
#include "text_node.h"
#include "translator.h"

static const char default_contents[] = "Hello, world!\n";

int trivfs_fstype = FSTYPE_MISC;
int trivfs_fsid = 0;
int trivfs_support_read = 1;
int trivfs_support_write = 0;
int trivfs_support_exec = 0;
int trivfs_allow_open = O_READ;

char *trivfs_server_name = "hello";
char *trivfs_server_version = HELL_VERSION;

/* A read-only regular file of the greeting's size. */
void
trivfs_modify_stat(struct trivfs_protid *cred, struct stat *st)
{
	pthread_rwlock_rdlock(&node_text_lock);
	st->st_size = node_text_len;
	pthread_rwlock_unlock(&node_text_lock);
	st->st_blocks = (st->st_size + 511) / 512;
	st->st_mode &= ~(S_IFMT | ALLPERMS);
	st->st_mode |= S_IFREG | S_IRUSR | S_IRGRP | S_IROTH;
}

/* Go when nobody has the file open, or when forced. */
error_t
trivfs_goaway(struct trivfs_control *cntl, int flags)
{
	return translator_goaway_unless_open(cntl, flags);
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
		pthread_rwlock_wrlock(&node_text_lock);
		if (node_text != default_contents)
			free((char *) node_text);
		node_text = new;
		node_text_len = strlen(new);
		pthread_rwlock_unlock(&node_text_lock);
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
	pthread_rwlock_rdlock(&node_text_lock);
	for (i = 0; i < node_text_len; i++) {
		if (node_text[i] == '\'')
			fputs("'\"'\"'", s);
		else
			fputc(node_text[i], s);
	}
	pthread_rwlock_unlock(&node_text_lock);
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

	node_text = default_contents;
	node_text_len = sizeof default_contents - 1;
	argp_parse(&hello_argp, argc, argv, 0, NULL, NULL);
	fsys = translator_startup();

#ifdef HELLO_MULTITHREADED
	ports_manage_port_operations_multithread(fsys->pi.bucket, trivfs_demuxer,
						 10 * 1000, 0, NULL);
#else
	ports_manage_port_operations_one_thread(fsys->pi.bucket, trivfs_demuxer, 0);
#endif
	return 0;
}

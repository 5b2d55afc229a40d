/* libtrivfs through the hello translator, routine by routine.
 *
 * The test starts hello (its path is argv[1]) as the file system it sits
 * on would (parent.c), opens it with fsys_getroot and calls every io, fs
 * and fsys routine trivfs serves, with good and hostile arguments: wrong
 * kinds of port, bad seek origins, reads of 2^40 bytes and a 1 MiB
 * greeting (which must come back out of line), writes to a read-only
 * node, options that do not parse.  Run under machd --leak-check, it also
 * checks that nothing stays behind once hello is gone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <hurd/hurd_types.h>
#include <hurd/io.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>

#include "testlib.h"
#include "parent.h"

#define GREETING "Hello, world!\n"

/* io_read of AMOUNT at OFFSET into BUF (BUFSIZE bytes): the length read,
 * or -1 with *ERR set.  An out-of-line answer is copied and unmapped;
 * *OOL says whether the answer came out of line. */
static long
read_at(mach_port_t file, loff_t offset, vm_size_t amount, char *buf, size_t bufsize,
	kern_return_t *err, int *ool)
{
	char inline_buf[64];
	data_t data = inline_buf;
	mach_msg_type_number_t len = sizeof inline_buf;

	*err = io_read(file, &data, &len, offset, amount);
	if (*err)
		return -1;
	if (ool)
		*ool = data != inline_buf;
	memcpy(buf, data, len < bufsize ? len : bufsize);
	if (data != inline_buf)
		vm_deallocate(mach_task_self(), (vm_address_t) data, len);
	return len;
}

/* The whole answer of one io_read as a NUL-terminated malloc'd string. */
static char *
read_string(mach_port_t file, loff_t offset, vm_size_t amount)
{
	char *buf = calloc(1, 2 << 20);
	kern_return_t err;
	long n = read_at(file, offset, amount, buf, (2 << 20) - 1, &err, NULL);

	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

static void
check_reads(mach_port_t file)
{
	char buf[64];
	kern_return_t err;
	loff_t pos;
	vm_size_t readable;
	char *s;

	/* The whole greeting, from the file pointer; then end of file. */
	s = read_string(file, -1, 1000);
	CHECK(s && strcmp(s, GREETING) == 0);
	free(s);
	CHECK_EQ(read_at(file, -1, 1000, buf, sizeof buf, &err, NULL), 0);
	CHECK_KR(io_readable(file, &readable), KERN_SUCCESS);
	CHECK_EQ(readable, 0);

	/* Explicit offsets do not move the file pointer. */
	s = read_string(file, 7, 5);
	CHECK(s && strcmp(s, "world") == 0);
	free(s);
	CHECK_KR(io_seek(file, 0, SEEK_CUR, &pos), KERN_SUCCESS);
	CHECK_EQ(pos, strlen(GREETING));

	/* Seeks. */
	CHECK_KR(io_seek(file, 7, SEEK_SET, &pos), KERN_SUCCESS);
	CHECK_EQ(pos, 7);
	CHECK_KR(io_readable(file, &readable), KERN_SUCCESS);
	CHECK_EQ(readable, strlen(GREETING) - 7);
	s = read_string(file, -1, 3);
	CHECK(s && strcmp(s, "wor") == 0);
	free(s);
	CHECK_KR(io_seek(file, -2, SEEK_CUR, &pos), KERN_SUCCESS);
	CHECK_EQ(pos, 8);
	CHECK_KR(io_seek(file, -1, SEEK_END, &pos), KERN_SUCCESS);
	CHECK_EQ(pos, strlen(GREETING) - 1);
	s = read_string(file, -1, 100);
	CHECK(s && strcmp(s, "\n") == 0);
	free(s);

	/* Hostile seeks and reads. */
	CHECK_KR(io_seek(file, 0, 3, &pos), EINVAL);
	CHECK_KR(io_seek(file, 0, -1, &pos), EINVAL);
	CHECK_KR(io_seek(file, -100, SEEK_SET, &pos), EINVAL);
	CHECK_KR(io_seek(file, -100, SEEK_END, &pos), EINVAL);
	CHECK_KR(io_seek(file, INT64_MAX, SEEK_END, &pos), EINVAL);
	CHECK_KR(io_seek(file, 1 << 20, SEEK_SET, &pos), KERN_SUCCESS);
	CHECK_EQ(read_at(file, -1, 10, buf, sizeof buf, &err, NULL), 0);
	CHECK_EQ(read_at(file, 1LL << 50, 10, buf, sizeof buf, &err, NULL), 0);
	CHECK_EQ(read_at(file, -5, 10, buf, sizeof buf, &err, NULL), -1);
	CHECK_KR(err, EINVAL);
	s = read_string(file, 0, (vm_size_t) 1 << 40);
	CHECK(s && strcmp(s, GREETING) == 0);
	free(s);
	CHECK_EQ(read_at(file, 0, 0, buf, sizeof buf, &err, NULL), 0);
}

static void
check_stat(mach_port_t file, struct parent_translator *t)
{
	io_statbuf_t st;
	mach_port_t id1, fsid1, id2, fsid2, other;
	ino64_t ino;
	int allowed, value;
	fsys_statfsbuf_t sfs;

	CHECK_KR(io_stat(file, &st), KERN_SUCCESS);
	CHECK_EQ(st.st_mode & S_IFMT, S_IFREG);
	CHECK_EQ(st.st_mode & 07777, 0444);
	CHECK(st.st_mode & S_IROOT);		/* the root of a translator */
	CHECK(!(st.st_mode & S_ITRANS & ~S_IROOT));
	CHECK_EQ(st.st_size, strlen(GREETING));
	CHECK_EQ(st.st_fstype, FSTYPE_MISC);
	CHECK_EQ(st.st_fsid, t->pid);		/* trivfs_fsid 0: the pid */
	CHECK_EQ(st.st_ino, 4242);		/* from the underlying node */
	CHECK_EQ(st.st_uid, getuid());
	CHECK_EQ(st.st_mtim.tv_sec, 1000000000);

	CHECK_KR(file_statfs(file, &sfs), KERN_SUCCESS);
	CHECK_EQ(sfs.f_type, FSTYPE_MISC);
	CHECK_EQ(sfs.f_fsid, t->pid);

	/* Two opens of the node are one file. */
	CHECK_KR(parent_open(t, HURD_O_READ, &other), KERN_SUCCESS);
	CHECK_KR(io_identity(file, &id1, &fsid1, &ino), KERN_SUCCESS);
	CHECK_EQ(ino, 4242);
	CHECK_KR(io_identity(other, &id2, &fsid2, &ino), KERN_SUCCESS);
	CHECK_EQ(id1, id2);
	CHECK_EQ(fsid1, fsid2);
	CHECK(id1 != fsid1);
	mach_port_deallocate(mach_task_self(), id1);
	mach_port_deallocate(mach_task_self(), id2);
	mach_port_deallocate(mach_task_self(), fsid1);
	mach_port_deallocate(mach_task_self(), fsid2);
	mach_port_deallocate(mach_task_self(), other);

	/* Passed to the underlying node. */
	CHECK_KR(io_pathconf(file, 3, &value), KERN_SUCCESS);
	CHECK_EQ(value, 1003);
	CHECK_KR(file_chmod(file, 0600), KERN_SUCCESS);
	CHECK_EQ(t->node.last_chmod, 0600);
	CHECK_KR(file_sync(file, 1, 0), KERN_SUCCESS);
	CHECK_KR(fsys_syncfs(t->control, 1, 0), KERN_SUCCESS);
	CHECK_EQ(t->node.sync_calls, 2);
	CHECK_KR(file_check_access(file, &allowed), KERN_SUCCESS);
	CHECK_EQ(allowed, HURD_O_READ | HURD_O_WRITE);
}

static void
check_modes_and_writes(mach_port_t file)
{
	int modes;
	vm_size_t amount;
	loff_t pos;

	CHECK_KR(io_get_openmodes(file, &modes), KERN_SUCCESS);
	CHECK_EQ(modes, HURD_O_READ);
	CHECK_KR(io_set_some_openmodes(file, HURD_O_NONBLOCK | HURD_O_WRITE), KERN_SUCCESS);
	CHECK_KR(io_get_openmodes(file, &modes), KERN_SUCCESS);
	CHECK_EQ(modes, HURD_O_READ | HURD_O_NONBLOCK);	/* O_WRITE is fixed at open */
	CHECK_KR(io_clear_some_openmodes(file, HURD_O_NONBLOCK | HURD_O_READ), KERN_SUCCESS);
	CHECK_KR(io_get_openmodes(file, &modes), KERN_SUCCESS);
	CHECK_EQ(modes, HURD_O_READ);
	CHECK_KR(io_set_all_openmodes(file, HURD_O_APPEND), KERN_SUCCESS);
	CHECK_KR(io_get_openmodes(file, &modes), KERN_SUCCESS);
	CHECK_EQ(modes, HURD_O_READ | HURD_O_APPEND);
	CHECK_KR(io_set_all_openmodes(file, 0), KERN_SUCCESS);

	/* A read-only node. */
	CHECK_KR(io_write(file, "x", 1, -1, &amount), EBADF);
	CHECK_KR(io_write(file, "x", 1, 0, &amount), EBADF);
	CHECK_KR(file_set_size(file, 0), EBADF);
	CHECK_KR(io_seek(file, 0, SEEK_SET, &pos), KERN_SUCCESS);
}

/* io_duplicate and file_reparent share the open (its file pointer);
 * dir_lookup of "" and io_restrict_auth make new ports of the node. */
static void
check_new_ports(mach_port_t file, struct parent_translator *t)
{
	mach_port_t dup, reparented, reopened, restricted, ctl, cwd = MACH_PORT_NULL;
	retry_type retry;
	string_t retry_name;
	loff_t pos;
	uid_t nobody = 65534;
	int modes;
	char *s;

	CHECK_KR(io_seek(file, 3, SEEK_SET, &pos), KERN_SUCCESS);
	CHECK_KR(io_duplicate(file, &dup), KERN_SUCCESS);
	CHECK_KR(io_seek(dup, 0, SEEK_CUR, &pos), KERN_SUCCESS);
	CHECK_EQ(pos, 3);
	s = read_string(dup, -1, 2);
	CHECK(s && strcmp(s, "lo") == 0);
	free(s);
	CHECK_KR(io_seek(file, 0, SEEK_CUR, &pos), KERN_SUCCESS);
	CHECK_EQ(pos, 5);

	cwd = testlib_port_with_send();
	CHECK_KR(file_reparent(dup, cwd, &reparented), KERN_SUCCESS);
	CHECK_KR(io_seek(reparented, 0, SEEK_CUR, &pos), KERN_SUCCESS);
	CHECK_EQ(pos, 5);
	mach_port_destroy(mach_task_self(), cwd);

	/* A reopen is a new open: its own file pointer. */
	CHECK_KR(dir_lookup(file, "", HURD_O_READ, 0, &retry, retry_name, &reopened),
		 KERN_SUCCESS);
	CHECK_EQ(retry, FS_RETRY_NORMAL);
	CHECK_EQ(retry_name[0], 0);
	CHECK_KR(io_seek(reopened, 0, SEEK_CUR, &pos), KERN_SUCCESS);
	CHECK_EQ(pos, 0);
	CHECK_KR(dir_lookup(file, "", HURD_O_WRITE, 0, &retry, retry_name, &ctl), EROFS);
	CHECK_KR(dir_lookup(file, "", HURD_O_EXEC, 0, &retry, retry_name, &ctl), EACCES);
	CHECK_KR(dir_lookup(file, "sub", HURD_O_READ, 0, &retry, retry_name, &ctl), ENOTDIR);
	CHECK_KR(dir_mkdir(file, "sub", 0755), ENOTDIR);
	CHECK_KR(dir_unlink(file, "sub"), ENOTDIR);
	CHECK_KR(dir_rmdir(file, "sub"), ENOTDIR);

	/* Down to nobody: no longer privileged, so no control port. */
	CHECK_KR(file_getcontrol(file, &ctl), KERN_SUCCESS);
	CHECK_EQ(ctl, t->control);	/* the same port, under the same name */
	mach_port_deallocate(mach_task_self(), ctl);
	CHECK_KR(io_restrict_auth(file, &restricted, &nobody, 1, &nobody, 1), KERN_SUCCESS);
	CHECK(t->node.restrict_calls >= 1);
	CHECK_KR(file_getcontrol(restricted, &ctl), EPERM);
	CHECK_KR(io_get_openmodes(restricted, &modes), KERN_SUCCESS);
	CHECK_EQ(modes, HURD_O_READ);
	s = read_string(restricted, 0, 100);
	CHECK(s && strcmp(s, GREETING) == 0);
	free(s);

	mach_port_deallocate(mach_task_self(), restricted);
	mach_port_deallocate(mach_task_self(), reopened);
	mach_port_deallocate(mach_task_self(), reparented);
	mach_port_deallocate(mach_task_self(), dup);
}

/* Ports of the wrong kind: a control port is not a file, a file is not
 * a control port. */
static void
check_wrong_ports(mach_port_t file, struct parent_translator *t)
{
	char buf[16];
	kern_return_t err;
	io_statbuf_t st;
	mach_port_t port;
	retry_type retry;
	string_t retry_name;
	uid_t uid = getuid();
	data_t data = buf;
	mach_msg_type_number_t len = sizeof buf;

	CHECK_EQ(read_at(t->control, 0, 10, buf, sizeof buf, &err, NULL), -1);
	CHECK_KR(err, EOPNOTSUPP);
	CHECK_KR(io_stat(t->control, &st), EOPNOTSUPP);
	CHECK_KR(io_duplicate(t->control, &port), EOPNOTSUPP);
	CHECK_KR(dir_lookup(t->control, "", HURD_O_READ, 0, &retry, retry_name, &port),
		 EOPNOTSUPP);
	CHECK_KR(fsys_getroot(file, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, &uid, 1, &uid, 1,
			      HURD_O_READ, &retry, retry_name, &port), EOPNOTSUPP);
	CHECK_KR(fsys_goaway(file, FSYS_GOAWAY_FORCE), EOPNOTSUPP);
	CHECK_KR(fsys_set_options(file, "--contents=x", 13, 0), EOPNOTSUPP);
	CHECK_KR(fsys_get_options(file, &data, &len), EOPNOTSUPP);
	/* A routine of no interface trivfs serves. */
	CHECK_KR(fsys_startup(t->control, 0, file, MACH_MSG_TYPE_COPY_SEND, &port), EOPNOTSUPP);
}

/* fsys_getroot's checks of the open modes. */
static void
check_opens(struct parent_translator *t)
{
	mach_port_t file;

	CHECK_KR(parent_open(t, HURD_O_READ | HURD_O_WRITE, &file), EROFS);
	CHECK_KR(parent_open(t, HURD_O_WRITE, &file), EROFS);
	CHECK_KR(parent_open(t, HURD_O_EXEC, &file), EACCES);
	/* Lookup-only flags are dropped, not kept as open modes. */
	CHECK_KR(parent_open(t, HURD_O_READ | HURD_O_CREAT | HURD_O_EXCL | HURD_O_NOTRANS, &file),
		 KERN_SUCCESS);
	{
		int modes;

		CHECK_KR(io_get_openmodes(file, &modes), KERN_SUCCESS);
		CHECK_EQ(modes, HURD_O_READ);
	}
	mach_port_deallocate(mach_task_self(), file);
	/* Opening for nothing works (as for stat). */
	CHECK_KR(parent_open(t, 0, &file), KERN_SUCCESS);
	{
		char buf[8];
		kern_return_t err;

		CHECK_EQ(read_at(file, 0, 1, buf, sizeof buf, &err, NULL), -1);
		CHECK_KR(err, EBADF);
	}
	mach_port_deallocate(mach_task_self(), file);
	/* The node itself says who may read it. */
	t->node.access = HURD_O_WRITE;
	CHECK_KR(parent_open(t, HURD_O_READ, &file), EACCES);
	t->node.access = HURD_O_READ | HURD_O_WRITE;
}

/* Whether the argz vector ARGZ (LEN bytes) is exactly FIRST, SECOND. */
static int
argz_second_is(const char *argz, size_t len, const char *first, const char *second)
{
	size_t l1 = strlen(first) + 1, l2 = strlen(second) + 1;

	return len == l1 + l2 && memcmp(argz, first, l1) == 0 &&
	       memcmp(argz + l1, second, l2) == 0;
}

/* The options, as fsysopts sees and changes them. */
static void
check_options(mach_port_t file, struct parent_translator *t, const char *path)
{
	char buf[64], *big, *s, *opts;
	data_t data = buf;
	mach_msg_type_number_t len = sizeof buf;
	size_t i;
	int ool = 0;
	kern_return_t err;
	long n;

	CHECK_KR(fsys_get_options(t->control, &data, &len), KERN_SUCCESS);
	opts = malloc(len + 1);
	memcpy(opts, data, len);
	opts[len] = 0;
	if (data != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) data, len);
	CHECK(argz_second_is(opts, len, path, "--contents='Hello, world!\n'"));
	free(opts);

	CHECK_KR(fsys_set_options(t->control, "--contents=It's me\n", 20, 0),
		 KERN_SUCCESS);
	s = read_string(file, 0, 100);
	CHECK(s && strcmp(s, "It's me\n") == 0);
	free(s);
	data = buf;
	len = sizeof buf;
	CHECK_KR(file_get_fs_options(file, &data, &len), KERN_SUCCESS);
	CHECK(argz_second_is(data, len, path, "--contents='It'\"'\"'s me\n'"));
	if (data != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) data, len);

	/* Options that do not parse change nothing and say so. */
	CHECK_KR(fsys_set_options(t->control, "--no-such-option", 17, 0), EINVAL);
	CHECK_KR(fsys_set_options(t->control, "--contents", 11, 0), EINVAL);
	CHECK_KR(fsys_set_options(t->control, "surplus", 8, 0), EINVAL);
	/* No NUL at the end: still one well-formed word. */
	CHECK_KR(fsys_set_options(t->control, "-cABC", 5, 0), KERN_SUCCESS);
	s = read_string(file, 0, 100);
	CHECK(s && strcmp(s, "ABC") == 0);
	free(s);
	CHECK_KR(fsys_set_options(t->control, "", 0, 0), KERN_SUCCESS);

	/* A 1 MiB file: one read brings it all, out of line. */
	big = malloc(12 + (1 << 20));
	memcpy(big, "--contents=", 11);
	for (i = 0; i < (1 << 20); i++)
		big[11 + i] = 'a' + i % 26;
	big[11 + (1 << 20)] = 0;
	CHECK_KR(fsys_set_options(t->control, big, 12 + (1 << 20), 0), KERN_SUCCESS);
	s = malloc(1 << 20);
	n = read_at(file, 0, 2 << 20, s, 1 << 20, &err, &ool);
	CHECK_EQ(n, 1 << 20);
	CHECK(ool);
	CHECK(n == 1 << 20 && memcmp(s, big + 11, 1 << 20) == 0);
	n = read_at(file, (1 << 20) - 10, 100, s, 100, &err, &ool);
	CHECK_EQ(n, 10);
	CHECK(!ool);
	CHECK(n == 10 && memcmp(s, big + 11 + (1 << 20) - 10, 10) == 0);
	free(s);
	free(big);

	CHECK_KR(fsys_set_options(t->control, "--contents=" GREETING, 26, 0),
		 KERN_SUCCESS);
}

int
main(int argc, char **argv)
{
	struct parent_translator t;
	mach_port_t file;
	char *path = argc > 1 ? argv[1] : "hello";
	char *targv[] = { path, NULL };

	if (parent_start(targv, &t) != 0)
		return 2;
	CHECK_EQ(t.startup_flags, 0);
	CHECK_KR(parent_open(&t, HURD_O_READ, &file), KERN_SUCCESS);
	CHECK_EQ(t.node.duplicate_calls, 1);	/* privileged: the full node */

	check_reads(file);
	check_stat(file, &t);
	check_modes_and_writes(file);
	check_new_ports(file, &t);
	check_wrong_ports(file, &t);
	check_opens(&t);
	check_options(file, &t, path);

	/* hello stays while it is open, unless forced. */
	CHECK_KR(fsys_goaway(t.control, 0), EBUSY);
	mach_port_deallocate(mach_task_self(), file);
	CHECK_KR(parent_stop(&t, FSYS_GOAWAY_FORCE), KERN_SUCCESS);
	return TEST_DONE();
}

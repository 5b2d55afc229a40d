/* rootfs against hostile and careless clients: ports of the wrong kind,
 * malformed and unknown messages, huge sizes and counts, names too long or
 * with '/', bad times, bad locks; after each, rootfs must answer with an
 * error and go on serving.  Also the lock routines (file_lock,
 * file_lock_stat, file_record_lock with the Hurd's F_* values). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>
#include <hurd/io.h>
#include "testlib.h"
#include "harness.h"

static struct rootfs fs;
static mach_port_t root;

/* rootfs still answers. */
static void
check_alive(void)
{
	io_statbuf_t st;

	CHECK_EQ(io_stat(root, &st), 0);
}

static void
test_wrong_ports(void)
{
	mach_port_t f, out, stranger = testlib_port_with_send();
	retry_type retry;
	string_t name;
	char *data = NULL;
	mach_msg_type_number_t len = 0;
	io_statbuf_t st;

	linux_write(&fs, "w", "w", 0644);
	CHECK_EQ(lookup(root, "w", O_READ, 0, &f), 0);
	/* fsys on a file, fs and io on the control port. */
	CHECK_EQ(fsys_getroot(f, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, NULL, 0, NULL, 0, 0,
			      &retry, name, &out), EOPNOTSUPP);
	CHECK_EQ(fsys_goaway(f, FSYS_GOAWAY_FORCE), EOPNOTSUPP);
	CHECK_EQ(dir_lookup(fs.control, "w", 0, 0, &retry, name, &out), EOPNOTSUPP);
	CHECK_EQ(io_read(fs.control, &data, &len, 0, 10), EOPNOTSUPP);
	CHECK_EQ(io_stat(fs.control, &st), EOPNOTSUPP);
	/* A second port that is not rootfs's, or none. */
	CHECK_EQ(dir_link(root, stranger, "x", 1), EXDEV);
	CHECK_EQ(dir_link(root, fs.control, "x", 1), EXDEV);
	CHECK_EQ(dir_rename(root, "w", MACH_PORT_NULL, "x", 0), EXDEV);
	CHECK_EQ(dir_link(root, MACH_PORT_NULL, "x", 1), EXDEV);
	/* A directory operation on a file. */
	CHECK_EQ(dir_mkdir(f, "x", 0755), ENOTDIR);
	CHECK_EQ(dir_lookup(f, "x", 0, 0, &retry, name, &out), ENOTDIR);
	drop(f);
	mach_port_deallocate(mach_task_self(), stranger);
	mach_port_mod_refs(mach_task_self(), stranger, MACH_PORT_RIGHT_RECEIVE, -1);
	check_alive();
}

/* Send MSG (of SIZE bytes, at most 1 KiB) to PORT with a reply port and
 * return the reply's return code. */
static kern_return_t
raw_rpc(mach_port_t port, mach_msg_header_t *msg, mach_msg_size_t size)
{
	union {
		mach_msg_header_t head;
		mig_reply_header_t reply;
		char buf[4096];
	} m = { .reply.RetCode = KERN_FAILURE };
	mach_port_t reply = mach_reply_port();
	mach_msg_return_t mr;

	memcpy(m.buf, msg, size);
	m.head.msgh_remote_port = port;
	m.head.msgh_local_port = reply;
	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.head.msgh_size = size;
	mr = mach_msg(&m.head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT, size, sizeof m,
		      reply, 10000, MACH_PORT_NULL);
	if (mr == MACH_MSG_SUCCESS)
		mr = m.reply.RetCode;
	mach_port_mod_refs(mach_task_self(), reply, MACH_PORT_RIGHT_RECEIVE, -1);
	return mr;
}

static void
test_malformed(void)
{
	struct {
		mach_msg_header_t head;
		mach_msg_type_t type;
		int value;
		char junk[64];
	} m;

	/* An id no one serves. */
	memset(&m, 0, sizeof m);
	m.head.msgh_id = 99999;
	CHECK_EQ(raw_rpc(root, &m.head, sizeof m.head), MIG_BAD_ID);
	/* dir_lookup's id with an integer where its name should be. */
	memset(&m, 0, sizeof m);
	m.head.msgh_id = 20018;
	m.type = (mach_msg_type_t) { .msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32,
				     .msgt_number = 1, .msgt_inline = 1 };
	m.value = 7;
	CHECK_EQ(raw_rpc(root, &m.head, sizeof m), MIG_BAD_ARGUMENTS);
	/* io_read's id, cut short. */
	memset(&m, 0, sizeof m);
	m.head.msgh_id = 21001;
	CHECK_EQ(raw_rpc(root, &m.head, sizeof m.head), MIG_BAD_ARGUMENTS);
	/* A request with no reply port at all. */
	memset(&m, 0, sizeof m);
	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m.head.msgh_remote_port = root;
	m.head.msgh_size = sizeof m.head;
	m.head.msgh_id = 21012;	/* io_stat */
	CHECK_EQ(mach_msg(&m.head, MACH_SEND_MSG, sizeof m.head, 0, MACH_PORT_NULL,
			  MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL), 0);
	check_alive();
}

static void
test_sizes_and_names(void)
{
	char *huge = malloc(100000), *data;
	mach_msg_type_number_t len;
	mach_port_t f, out;
	uid_t *many = calloc(20000, sizeof *many);
	loff_t pos;
	struct timespec bad_time = { 0, 5000000000L };
	time_value_t bad_tv = { 0, 2000000 };

	/* Names: too long for one component, or for MIG's string. */
	memset(huge, 'a', 99999);
	huge[99999] = '\0';
	CHECK_EQ(dir_mkdir(root, huge, 0755), ENAMETOOLONG);	/* cut at 1023 */
	CHECK_EQ(lookup(root, huge, O_READ, 0, &f), ENAMETOOLONG);
	memset(huge, '/', 2000);
	huge[2000] = '\0';
	CHECK_EQ(lookup(root, huge, O_READ, 0, &f), 0);	/* the root itself */
	drop(f);
	CHECK_EQ(dir_unlink(root, "../w"), EINVAL);
	CHECK_EQ(dir_unlink(root, ""), ENOENT);
	CHECK_EQ(dir_mkdir(root, "/", 0755), EINVAL);

	/* A passive translator bigger than Linux stores. */
	linux_write(&fs, "s", "", 0644);
	CHECK_EQ(lookup(root, "s", O_READ | O_WRITE | O_NOTRANS, 0, &f), 0);
	memset(huge, 'x', 99999);
	huge[99999] = '\0';
	CHECK_EQ(file_set_translator(f, FS_TRANS_SET, 0, 0, huge, 100000, MACH_PORT_NULL,
				     MACH_MSG_TYPE_COPY_SEND), E2BIG);
	/* Sizes and offsets. */
	CHECK_EQ(file_set_size(f, -1), EINVAL);
	CHECK_EQ(file_set_size(f, (loff_t) 1 << 62), EFBIG);
	CHECK_EQ(io_seek(f, INT64_MAX, SEEK_SET, &pos), 0);
	CHECK_EQ(io_seek(f, INT64_MAX, SEEK_CUR, &pos), EINVAL);
	data = NULL;
	len = 0;
	CHECK_EQ(io_read(f, &data, &len, 0, ~(vm_size_t) 0), 0);
	CHECK_EQ(len, 0);
	CHECK_EQ(file_utimens(f, bad_time, bad_time), EINVAL);
	CHECK_EQ(file_utimes(f, bad_tv, bad_tv), EINVAL);
	/* Many ids. */
	for (int i = 0; i < 20000; i++)
		many[i] = 100000 + i;
	CHECK_EQ(io_restrict_auth(f, &out, many, 20000, many, 20000), 0);
	drop(out);
	CHECK_EQ(fsys_getroot(fs.control, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, many, 20000,
			      many, 20000, 0, &(retry_type) { 0 }, (char[1024]) { 0 }, &out), 0);
	drop(out);
	drop(f);
	free(many);
	free(huge);
	check_alive();
}

/* The Hurd's file_record_lock values. */
enum { H_F_GETLK64 = 10, H_F_SETLK64 = 11, H_RDLCK = 1, H_WRLCK = 2, H_UNLCK = 3 };

static void
test_locks(void)
{
	mach_port_t a, b;
	flock_t lock;
	int mine, others;

	linux_write(&fs, "locked", "0123456789", 0644);
	CHECK_EQ(lookup(root, "locked", O_READ | O_WRITE, 0, &a), 0);
	CHECK_EQ(lookup(root, "locked", O_READ | O_WRITE, 0, &b), 0);

	/* flock-style. */
	CHECK_EQ(file_lock(a, LOCK_EX), 0);
	CHECK_EQ(file_lock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK_EQ(file_lock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	CHECK_EQ(file_lock_stat(a, &mine, &others), 0);
	CHECK_EQ(mine, LOCK_EX);
	CHECK_EQ(file_lock(a, LOCK_UN), 0);
	CHECK_EQ(file_lock(b, LOCK_SH | LOCK_NB), 0);
	CHECK_EQ(file_lock(a, LOCK_SH | LOCK_NB), 0);
	CHECK_EQ(file_lock_stat(a, &mine, &others), 0);
	CHECK_EQ(mine, LOCK_SH);
	CHECK_EQ(others, LOCK_SH);
	CHECK_EQ(file_lock(a, 0), EINVAL);
	CHECK_EQ(file_lock(a, LOCK_UN), 0);
	CHECK_EQ(file_lock(b, LOCK_UN), 0);

	/* fcntl-style, with the Hurd's values. */
	lock = (flock_t) { .l_type = H_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 3 };
	CHECK_EQ(file_record_lock(a, H_F_SETLK64, &lock, MACH_PORT_NULL,
				  MACH_MSG_TYPE_COPY_SEND), 0);
	lock = (flock_t) { .l_type = H_RDLCK, .l_whence = SEEK_SET, .l_start = 4, .l_len = 1 };
	CHECK_EQ(file_record_lock(b, H_F_SETLK64, &lock, MACH_PORT_NULL,
				  MACH_MSG_TYPE_COPY_SEND), EAGAIN);
	lock = (flock_t) { .l_type = H_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	CHECK_EQ(file_record_lock(b, H_F_GETLK64, &lock, MACH_PORT_NULL,
				  MACH_MSG_TYPE_COPY_SEND), 0);
	CHECK_EQ(lock.l_type, H_WRLCK);
	CHECK_EQ(lock.l_start, 2);
	CHECK_EQ(lock.l_len, 3);
	lock = (flock_t) { .l_type = H_RDLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 5 };
	CHECK_EQ(file_record_lock(b, H_F_SETLK64, &lock, MACH_PORT_NULL,
				  MACH_MSG_TYPE_COPY_SEND), 0);	/* no overlap */
	lock = (flock_t) { .l_type = H_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	CHECK_EQ(file_record_lock(a, H_F_SETLK64, &lock, MACH_PORT_NULL,
				  MACH_MSG_TYPE_COPY_SEND), 0);
	lock = (flock_t) { .l_type = H_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4 };
	CHECK_EQ(file_record_lock(b, H_F_SETLK64, &lock, MACH_PORT_NULL,
				  MACH_MSG_TYPE_COPY_SEND), 0);
	/* Bad commands, types, whences and ranges. */
	CHECK_EQ(file_record_lock(a, 4242, &lock, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND), EINVAL);
	lock = (flock_t) { .l_type = 9, .l_whence = SEEK_SET };
	CHECK_EQ(file_record_lock(a, H_F_SETLK64, &lock, MACH_PORT_NULL,
				  MACH_MSG_TYPE_COPY_SEND), EINVAL);
	lock = (flock_t) { .l_type = H_RDLCK, .l_whence = 7 };
	CHECK_EQ(file_record_lock(a, H_F_SETLK64, &lock, MACH_PORT_NULL,
				  MACH_MSG_TYPE_COPY_SEND), EINVAL);
	lock = (flock_t) { .l_type = H_RDLCK, .l_whence = SEEK_SET, .l_start = -5 };
	CHECK_EQ(file_record_lock(a, H_F_SETLK64, &lock, MACH_PORT_NULL,
				  MACH_MSG_TYPE_COPY_SEND), EINVAL);
	lock = (flock_t) { .l_type = H_RDLCK, .l_whence = SEEK_SET, .l_start = INT64_MAX,
			   .l_len = 10 };
	CHECK_EQ(file_record_lock(a, H_F_SETLK64, &lock, MACH_PORT_NULL,
				  MACH_MSG_TYPE_COPY_SEND), EOVERFLOW);
	/* The locks of an open go with it. */
	drop(b);
	lock = (flock_t) { .l_type = H_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	for (int i = 0; i < 200; i++) {
		if (file_record_lock(a, H_F_SETLK64, &lock, MACH_PORT_NULL,
				     MACH_MSG_TYPE_COPY_SEND) == 0)
			break;
		usleep(10000);	/* B's no-senders notification is on its way */
	}
	CHECK_EQ(file_lock_stat(a, &mine, &others), 0);
	CHECK_EQ(mine, LOCK_EX);
	drop(a);
	check_alive();
}

int
main(int argc, char **argv)
{
	struct ids me = { { 0 }, 1, { 0 }, 1 };

	if (argc < 2) {
		fprintf(stderr, "usage: %s ROOTFS\n", argv[0]);
		return 2;
	}
	if (rootfs_start(&fs, argv[1], NULL) != 0)
		return 1;
	me.uids[0] = test_uid;
	me.gids[0] = test_gid;
	CHECK_EQ(rootfs_root(&fs, &me, O_READ | O_EXEC, &root), 0);

	test_wrong_ports();
	test_malformed();
	test_sizes_and_names();
	test_locks();

	drop(root);
	CHECK_EQ(rootfs_stop(&fs), 0);
	return TEST_DONE();
}

/* rootfs: translators on its nodes, and its control port.
 *
 *   - an active translator (a toy one the test serves on a thread: its
 *     control port answers fsys_getroot with a port of the test's):
 *     file_set_translator, lookups through it (FS_RETRY_* with the rest
 *     of the path), S_IATRANS, file_get_translator_cntl,
 *     fsys_get_children, fsys_set_options to children, and fsys_goaway
 *     passed down when rootfs goes;
 *   - a translator that dies in the middle of fsys_getroot (a forked
 *     task that exits instead of answering): the client still gets an
 *     answer, the dead translator is forgotten, rootfs serves on;
 *   - passive translators: stored in the Linux file's extended
 *     attributes, reported by file_get_translator and S_IPTRANS, removed;
 *     one whose program cannot be started gives an error, not a hang;
 *   - the control port: fsys_get_options, fsys_set_options, fsys_goaway
 *     refused while in use; file_exec_paths without an exec server. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <argz.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>
#include <hurd/io.h>
#include "testlib.h"
#include "harness.h"
#include "toy_fsys_S.h"
#include "toy_io_S.h"

static struct rootfs fs;
static mach_port_t root;

/* The toy translator: CONTROL and FILE are receive rights of ours, in
 * SET, served by toy_thread. */
static struct {
	mach_port_t set, control, file;
	pthread_t thread;
	int getroot_calls, goaway_calls, goaway_flags, options_calls;
	int dotdot_is_dir;
} toy;

boolean_t toy_fsys_server(mach_msg_header_t *in, mach_msg_header_t *out);
boolean_t toy_io_server(mach_msg_header_t *in, mach_msg_header_t *out);

kern_return_t
toy_S_fsys_getroot(mach_port_t control, mach_port_t dotdot, const_idarray_t uids,
		   mach_msg_type_number_t nuids, const_idarray_t gids,
		   mach_msg_type_number_t ngids, int flags, retry_type *retry,
		   string_t retry_name, mach_port_t *file, mach_msg_type_name_t *file_type)
{
	io_statbuf_t st;

	if (control != toy.control)
		return EOPNOTSUPP;
	toy.getroot_calls++;
	/* `..' is an unauthenticated port to the directory we sit in. */
	toy.dotdot_is_dir = io_stat(dotdot, &st) == 0 && S_ISDIR(st.st_mode);
	mach_port_deallocate(mach_task_self(), dotdot);
	*retry = FS_RETRY_NORMAL;
	retry_name[0] = '\0';
	*file = toy.file;
	*file_type = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

kern_return_t
toy_S_fsys_goaway(mach_port_t control, int flags)
{
	toy.goaway_calls++;
	toy.goaway_flags = flags;
	return 0;
}

kern_return_t
toy_S_fsys_set_options(mach_port_t control, const_data_t options, mach_msg_type_number_t len,
		       int do_children)
{
	toy.options_calls++;
	return 0;
}

kern_return_t
toy_S_io_stat(mach_port_t file, io_statbuf_t *st)
{
	memset(st, 0, sizeof *st);
	st->st_fstype = 4242;	/* says "the toy's" */
	st->st_mode = S_IFDIR | 0755;
	return 0;
}

static void *
toy_serve(void *arg)
{
	union {
		mach_msg_header_t head;
		char buf[8192];
	} in, out;

	(void) arg;
	for (;;) {
		if (mach_msg(&in.head, MACH_RCV_MSG, 0, sizeof in, toy.set, MACH_MSG_TIMEOUT_NONE,
			     MACH_PORT_NULL) != MACH_MSG_SUCCESS)
			return NULL;	/* the set is gone: we are done */
		if (in.head.msgh_id == 0x7f7f)
			return NULL;
		if (!toy_fsys_server(&in.head, &out.head) && !toy_io_server(&in.head, &out.head))
			((mig_reply_header_t *) &out)->RetCode = MIG_BAD_ID;
		if (((mig_reply_header_t *) &out)->RetCode != 0)
			mach_msg_destroy(&in.head);
		if (MACH_PORT_VALID(out.head.msgh_remote_port))
			mach_msg(&out.head, MACH_SEND_MSG, out.head.msgh_size, 0, MACH_PORT_NULL,
				 MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	}
}

static void
toy_start(void)
{
	toy.control = testlib_port();
	toy.file = testlib_port();
	CHECK_EQ(mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &toy.set), 0);
	CHECK_EQ(mach_port_move_member(mach_task_self(), toy.control, toy.set), 0);
	CHECK_EQ(mach_port_move_member(mach_task_self(), toy.file, toy.set), 0);
	pthread_create(&toy.thread, NULL, toy_serve, NULL);
}

static void
toy_stop(void)
{
	mach_msg_header_t stop = {
		.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0),
		.msgh_size = sizeof stop,
		.msgh_remote_port = toy.control,
		.msgh_id = 0x7f7f,
	};

	mach_msg(&stop, MACH_SEND_MSG, sizeof stop, 0, MACH_PORT_NULL, MACH_MSG_TIMEOUT_NONE,
		 MACH_PORT_NULL);
	pthread_join(toy.thread, NULL);
	mach_port_mod_refs(mach_task_self(), toy.control, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_mod_refs(mach_task_self(), toy.file, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_mod_refs(mach_task_self(), toy.set, MACH_PORT_RIGHT_PORT_SET, -1);
}

/* Whether fsys_get_children lists NAME (with control port CONTROL, if
 * not MACH_PORT_NULL). */
static int
child_listed(const char *name, mach_port_t control)
{
	char *names = NULL;
	mach_msg_type_number_t names_len = 0, count = 0;
	mach_port_t *controls = NULL;
	int listed = 0;
	size_t i = 0;

	if (fsys_get_children(fs.control, &names, &names_len, &controls, &count) != 0)
		return -1;
	for (char *n = names; n != NULL && n < names + names_len; n += strlen(n) + 1, i++) {
		if (strcmp(n, name) == 0 && (control == MACH_PORT_NULL ||
					      (i < count && controls[i] == control)))
			listed = 1;
	}
	for (i = 0; i < count; i++)
		drop(controls[i]);
	if (names != NULL)
		vm_deallocate(mach_task_self(), (vm_address_t) names, names_len);
	if (controls != NULL)
		vm_deallocate(mach_task_self(), (vm_address_t) controls, count * sizeof *controls);
	return listed;
}

static void
test_active(void)
{
	char path[PATH_MAX];
	mach_port_t node, f, cntl, send;
	retry_type retry;
	string_t name;
	io_statbuf_t st;

	toy_start();
	mkdir(linux_path(&fs, "mnt", path), 0755);
	CHECK_EQ(lookup(root, "mnt", O_NOTRANS, 0, &node), 0);
	send = toy.control;
	CHECK_EQ(mach_port_insert_right(mach_task_self(), send, send, MACH_MSG_TYPE_MAKE_SEND), 0);
	/* rootfs takes our send right over. */
	CHECK_EQ(file_set_translator(node, 0, FS_TRANS_SET, 0, NULL, 0, send,
				     MACH_MSG_TYPE_MOVE_SEND), 0);
	CHECK_EQ(io_stat(node, &st), 0);
	CHECK(st.st_mode & S_IATRANS);
	/* One at a time. */
	CHECK_EQ(mach_port_insert_right(mach_task_self(), send, send, MACH_MSG_TYPE_MAKE_SEND), 0);
	CHECK_EQ(file_set_translator(node, 0, FS_TRANS_SET | FS_TRANS_EXCL, 0, NULL, 0, send,
				     MACH_MSG_TYPE_COPY_SEND), EBUSY);
	drop(send);

	/* Through it: the toy's port, with the rest of the path. */
	CHECK_EQ(lookup_raw(root, "mnt", O_READ, 0, &retry, name, &f), 0);
	CHECK_EQ(retry, FS_RETRY_NORMAL);
	CHECK_EQ(name[0], '\0');
	CHECK(f == toy.file);
	drop(f);
	CHECK_EQ(lookup_raw(root, "mnt/a/b", O_READ, 0, &retry, name, &f), 0);
	CHECK(f == toy.file);
	CHECK(strcmp(name, "a/b") == 0);
	drop(f);
	CHECK_EQ(lookup_raw(root, "mnt/", O_READ, 0, &retry, name, &f), 0);
	CHECK(strcmp(name, "/") == 0);
	drop(f);
	CHECK_EQ(toy.getroot_calls, 3);
	CHECK(toy.dotdot_is_dir);
	/* O_NOTRANS on the last component: the node itself. */
	CHECK_EQ(lookup(root, "mnt", O_READ | O_NOTRANS, 0, &f), 0);
	CHECK(f != toy.file);
	drop(f);

	/* The control port, for the node's owner. */
	CHECK_EQ(file_get_translator_cntl(node, &cntl), 0);
	CHECK(cntl == toy.control);
	drop(cntl);
	CHECK_EQ(child_listed("mnt", toy.control), 1);

	/* Options go down to children when asked. */
	static const char opts[] = "--timeout=4000";
	CHECK_EQ(fsys_set_options(fs.control, opts, sizeof opts, 1), 0);
	CHECK_EQ(toy.options_calls, 1);
	CHECK_EQ(fsys_set_options(fs.control, opts, sizeof opts, 0), 0);
	CHECK_EQ(toy.options_calls, 1);
	drop(node);
}

/* A translator in another task (forked) that serves one fsys_getroot,
 * then dies in the middle of the next RPC it gets, a client's io_stat;
 * and then one that dies while rootfs itself asks it for its root. */
static pid_t
crashing_translator(mach_port_t handoff, int serve_first)
{
	pid_t pid = fork();

	if (pid == 0) {
		union {
			mach_msg_header_t head;
			mig_reply_header_t reply;
			char buf[8192];
		} in, out;
		mach_port_t set;

		/* The toy's routines, with ports of this task. */
		mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &set);
		mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &toy.control);
		mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &toy.file);
		mach_port_move_member(mach_task_self(), toy.control, set);
		mach_port_move_member(mach_task_self(), toy.file, set);
		if (testlib_send_right(handoff, toy.control, MACH_MSG_TYPE_MAKE_SEND, 1, 5000) != 0)
			_exit(1);
		for (int served = 0;; served++) {
			if (mach_msg(&in.head, MACH_RCV_MSG, 0, sizeof in, set, MACH_MSG_TIMEOUT_NONE,
				     MACH_PORT_NULL) != MACH_MSG_SUCCESS)
				_exit(2);
			if (served >= serve_first)
				_exit(3);	/* crash, the request unanswered */
			if (!toy_fsys_server(&in.head, &out.head))
				_exit(4);
			mach_msg(&out.head, MACH_SEND_MSG, out.head.msgh_size, 0, MACH_PORT_NULL,
				 MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
		}
	}
	return pid;
}

/* Receive the send right a crashing translator hands over. */
static mach_port_t
receive_control(mach_port_t handoff)
{
	struct {
		mach_msg_header_t head;
		mach_msg_type_t type;
		mach_port_name_inlined_t port;
		char pad[64];
	} msg;

	if (mach_msg(&msg.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof msg, handoff, 10000,
		     MACH_PORT_NULL) != MACH_MSG_SUCCESS)
		return MACH_PORT_NULL;
	return msg.port.name;
}

static void
test_crash(void)
{
	char path[PATH_MAX];
	mach_port_t handoff = testlib_port_with_send(), node, f, crashing;
	io_statbuf_t st;
	pid_t pid;
	int status, listed = 1;

	mkdir(linux_path(&fs, "crash", path), 0755);

	/* 1. It dies in the middle of a client's RPC: that client gets an
	 * error; rootfs, asked next, forgets it and serves the node. */
	pid = crashing_translator(handoff, 1);
	CHECK(pid > 0);
	crashing = receive_control(handoff);
	CHECK(MACH_PORT_VALID(crashing));
	CHECK_EQ(lookup(root, "crash", O_NOTRANS, 0, &node), 0);
	CHECK_EQ(file_set_translator(node, 0, FS_TRANS_SET, 0, NULL, 0, crashing,
				     MACH_MSG_TYPE_MOVE_SEND), 0);
	CHECK_EQ(child_listed("crash", MACH_PORT_NULL), 1);
	CHECK_EQ(lookup(root, "crash", O_READ, 0, &f), 0);	/* the translator's file */
	CHECK_EQ(io_stat(f, &st), MIG_SERVER_DIED);
	drop(f);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	CHECK_EQ(lookup(root, "crash", O_READ, 0, &f), 0);
	CHECK_EQ(io_stat(f, &st), 0);
	CHECK(S_ISDIR(st.st_mode) && !(st.st_mode & S_IATRANS));
	CHECK(st.st_fstype != 4242);
	drop(f);

	/* 2. It dies while rootfs asks it for its root: the client still
	 * gets an answer (the node itself, as there is no passive one to
	 * start again). */
	pid = crashing_translator(handoff, 0);
	CHECK(pid > 0);
	crashing = receive_control(handoff);
	CHECK_EQ(file_set_translator(node, 0, FS_TRANS_SET, 0, NULL, 0, crashing,
				     MACH_MSG_TYPE_MOVE_SEND), 0);
	CHECK_EQ(lookup(root, "crash", O_READ, 0, &f), 0);
	CHECK_EQ(io_stat(f, &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK(!(st.st_mode & S_IATRANS));
	drop(f);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	/* ... and is dropped from the children (its dead-name notification
	 * reaches rootfs asynchronously). */
	for (int i = 0; i < 200 && listed; i++) {
		listed = child_listed("crash", MACH_PORT_NULL);
		if (listed)
			usleep(10000);
	}
	CHECK_EQ(listed, 0);
	/* rootfs serves on. */
	CHECK_EQ(io_stat(node, &st), 0);
	CHECK_EQ(lookup(root, "crash", O_READ, 0, &f), 0);
	drop(f);
	drop(node);
	mach_port_deallocate(mach_task_self(), handoff);
	mach_port_mod_refs(mach_task_self(), handoff, MACH_PORT_RIGHT_RECEIVE, -1);
}

static void
test_passive(void)
{
	static const char hello[] = "/hurd/hello\0--contents=hi\0";
	char path[PATH_MAX], buf[128];
	char *got = buf;
	mach_msg_type_number_t len = sizeof buf;
	mach_port_t f;
	io_statbuf_t st;
	ssize_t n;

	linux_write(&fs, "p", "", 0644);
	CHECK_EQ(lookup(root, "p", O_NOTRANS, 0, &f), 0);
	CHECK_EQ(file_set_translator(f, FS_TRANS_SET, 0, 0, hello, sizeof hello - 1,
				     MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND), 0);
	/* With the Linux file, in either namespace. */
	linux_path(&fs, "p", path);
	n = getxattr(path, "gnu.translator", buf, sizeof buf);
	if (n < 0)
		n = getxattr(path, "user.gnu.translator", buf, sizeof buf);
	CHECK_EQ(n, sizeof hello - 1);
	if (n == sizeof hello - 1)
		CHECK(memcmp(buf, hello, n) == 0);
	CHECK_EQ(io_stat(f, &st), 0);
	CHECK(st.st_mode & S_IPTRANS);
	CHECK_EQ(file_get_translator(f, &got, &len), 0);
	CHECK_EQ(len, sizeof hello - 1);
	CHECK(memcmp(got, hello, sizeof hello - 1) == 0);
	if (got != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) got, len);
	/* Exclusive: not over an existing one.  Not an argz: refused. */
	CHECK_EQ(file_set_translator(f, FS_TRANS_SET | FS_TRANS_EXCL, 0, 0, hello,
				     sizeof hello - 1, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND),
		 EBUSY);
	CHECK_EQ(file_set_translator(f, FS_TRANS_SET, 0, 0, "abc", 3, MACH_PORT_NULL,
				     MACH_MSG_TYPE_COPY_SEND), EINVAL);
	/* Removed. */
	CHECK_EQ(file_set_translator(f, FS_TRANS_SET, 0, 0, NULL, 0, MACH_PORT_NULL,
				     MACH_MSG_TYPE_COPY_SEND), 0);
	CHECK_EQ(io_stat(f, &st), 0);
	CHECK(!(st.st_mode & S_IPTRANS));
	CHECK(getxattr(path, "gnu.translator", buf, sizeof buf) < 0);
	CHECK(getxattr(path, "user.gnu.translator", buf, sizeof buf) < 0);
	len = sizeof buf;
	got = buf;
	CHECK_EQ(file_get_translator(f, &got, &len), EINVAL);
	drop(f);

	/* A passive translator whose program does not exist here: the
	 * node itself, as on the Hurd (the start fails with ENOENT). */
	CHECK_EQ(lookup(root, "p", O_NOTRANS, 0, &f), 0);
	CHECK_EQ(file_set_translator(f, FS_TRANS_SET, 0, 0, hello, sizeof hello - 1,
				     MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND), 0);
	drop(f);
	CHECK_EQ(lookup(root, "p", O_READ, 0, &f), 0);
	CHECK_EQ(io_stat(f, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	drop(f);

	/* One whose program exists but cannot be started (no exec server
	 * in this test): an error for the client, in bounded time, and
	 * rootfs serves on. */
	static const char fake[] = "/hurd/fake\0";
	mkdir(linux_path(&fs, "hurd", path), 0755);
	linux_write(&fs, "hurd/fake", "#!/bin/false\n", 0755);
	linux_write(&fs, "q", "", 0644);
	CHECK_EQ(lookup(root, "q", O_NOTRANS, 0, &f), 0);
	CHECK_EQ(file_set_translator(f, FS_TRANS_SET, 0, 0, fake, sizeof fake - 1,
				     MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND), 0);
	drop(f);
	error_t err = lookup(root, "q", O_READ, 0, &f);
	CHECK(err != 0);
	drop(f);
	CHECK_EQ(lookup(root, "q", O_READ | O_NOTRANS, 0, &f), 0);
	drop(f);
}

static void
test_control(void)
{
	char *opts = NULL;
	mach_msg_type_number_t len = 0;
	mach_port_t f, task;
	static const char bad[] = "--no-such-option";

	char expect[PATH_MAX + 64];
	size_t expect_len;

	/* The program, its options, the directory. */
	CHECK_EQ(fsys_set_options(fs.control, "--timeout=3000", 15, 0), 0);
	CHECK_EQ(fsys_get_options(fs.control, &opts, &len), 0);
	/* "\0--timeout=3000\0DIR\0": the end of the argz, after the name. */
	expect[0] = '\0';
	memcpy(expect + 1, "--timeout=3000", 15);
	memcpy(expect + 16, fs.dir, strlen(fs.dir) + 1);
	expect_len = 16 + strlen(fs.dir) + 1;
	CHECK(len > expect_len && opts != NULL &&
	      memcmp(opts + len - expect_len, expect, expect_len) == 0);
	if (opts != NULL)
		vm_deallocate(mach_task_self(), (vm_address_t) opts, len);
	CHECK_EQ(fsys_set_options(fs.control, NULL, 0, 0), 0);
	CHECK_EQ(fsys_set_options(fs.control, bad, sizeof bad, 0), EINVAL);
	CHECK_EQ(fsys_set_options(fs.control, "--timeout=-5", 13, 0), EINVAL);
	CHECK_EQ(fsys_set_options(fs.control, "x", 1, 0), EINVAL);	/* no NUL */
	/* Users hold ports: not without force. */
	CHECK_EQ(fsys_goaway(fs.control, 0), EBUSY);
	CHECK_EQ(fsys_syncfs(fs.control, 1, 0), 0);
	CHECK_EQ(file_syncfs(root, 1, 0), 0);

	/* file_exec_paths: refused unless opened for execution, and with no
	 * exec server (/servers/exec) here, EOPNOTSUPP. */
	linux_write(&fs, "prog", "#!/bin/true\n", 0755);
	task = mach_task_self();
	CHECK_EQ(lookup(root, "prog", O_READ, 0, &f), 0);
	CHECK_EQ(file_exec_paths(f, task, 0, "prog", "/prog", NULL, 0, NULL, 0, NULL,
				 MACH_MSG_TYPE_COPY_SEND, 0, NULL, MACH_MSG_TYPE_COPY_SEND, 0,
				 NULL, 0, NULL, 0, NULL, 0), EBADF);
	drop(f);
	CHECK_EQ(lookup(root, "prog", O_EXEC, 0, &f), 0);
	CHECK_EQ(file_exec_paths(f, task, 0, "prog", "/prog", NULL, 0, NULL, 0, NULL,
				 MACH_MSG_TYPE_COPY_SEND, 0, NULL, MACH_MSG_TYPE_COPY_SEND, 0,
				 NULL, 0, NULL, 0, NULL, 0), EOPNOTSUPP);
	drop(f);
}

int
main(int argc, char **argv)
{
	struct ids me = { { 0 }, 1, { 0 }, 1 };
	char *extra[] = { "--timeout=3000", NULL };

	if (argc < 2) {
		fprintf(stderr, "usage: %s ROOTFS\n", argv[0]);
		return 2;
	}
	if (rootfs_start(&fs, argv[1], extra) != 0)
		return 1;
	me.uids[0] = test_uid;
	me.gids[0] = test_gid;
	CHECK_EQ(rootfs_root(&fs, &me, O_READ | O_EXEC, &root), 0);

	test_active();
	test_crash();
	test_passive();
	test_control();

	drop(root);
	CHECK_EQ(rootfs_stop(&fs), 0);
	/* rootfs stopped the translators below it on its way out. */
	CHECK_EQ(toy.goaway_calls, 1);
	CHECK(toy.goaway_flags & FSYS_GOAWAY_FORCE);
	toy_stop();
	return TEST_DONE();
}

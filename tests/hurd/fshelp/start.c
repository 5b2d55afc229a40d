/* Starting translators: fshelp_start_translator_long, and rootfs starting
 * a passive translator on first lookup.
 *
 * The test plays startup for a rootfs (../rootfs/harness.c) and makes
 * rootfs its own root directory, so that file_name_lookup ("/hurd/trans")
 * resolves there, as it will inside a HELL environment.  /servers/exec is
 * a toy exec server of the test's (toy.c): it plays the started program
 * as a translator that calls fsys_startup, or one that never does, or one
 * whose task dies, or it refuses to exec. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <hurd.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>
#include <hurd/io.h>
#include <hurd/fshelp.h>
#include "testlib.h"
#include "harness.h"
#include "toy.h"

static struct rootfs fs;
static mach_port_t root;

/* The node a translator sits on, as fshelp asks for it. */
static int open_calls, open_flags;
static mach_port_t underlying;

static error_t
open_node(int flags, file_t *node, mach_msg_type_name_t *node_type, task_t task, void *cookie)
{
	(void) task;
	CHECK(cookie == &fs);
	open_calls++;
	open_flags = flags;
	*node = underlying;
	*node_type = MACH_MSG_TYPE_COPY_SEND;
	return 0;
}

static long
ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static error_t
start(const char *name, int timeout, fsys_t *control)
{
	static char argz[] = "/hurd/trans\0--flag";
	mach_port_t ports[INIT_PORT_MAX] = { 0 };
	int ints[INIT_INT_MAX] = { 0 };

	ports[INIT_PORT_CRDIR] = root;
	ports[INIT_PORT_CWDIR] = root;
	return fshelp_start_translator_long(open_node, &fs, (char *) name, argz, sizeof argz,
					    NULL, MACH_MSG_TYPE_COPY_SEND, 0,
					    ports, MACH_MSG_TYPE_COPY_SEND, INIT_PORT_MAX,
					    ints, INIT_INT_MAX, test_uid, timeout, control);
}

static void
test_start_long(void)
{
	fsys_t control = MACH_PORT_NULL;
	mach_port_t file, ports[2] = { 0 };
	retry_type retry;
	string_t retry_name;
	io_statbuf_t st;
	struct timespec t0;
	error_t err;

	/* A translator that calls fsys_startup. */
	toy_mode = TOY_STARTUP;
	CHECK_EQ(start("/hurd/trans", 5000, &control), 0);
	CHECK(MACH_PORT_VALID(control));
	CHECK_EQ(toy_record.calls, 1);
	CHECK(strcmp(toy_record.path, "/hurd/trans") == 0);
	CHECK_EQ(toy_record.argv_len, 19);
	CHECK(memcmp(toy_record.argv, "/hurd/trans\0--flag", 19) == 0);
	CHECK(toy_record.flags & EXEC_DEFAULTS);
	CHECK(toy_record.had_bootstrap);
	CHECK(toy_record.bootstrap_is_special);	/* the task's bootstrap port */
	CHECK_EQ(open_calls, 1);
	CHECK_EQ(open_flags, O_READ);
	for (int i = 0; i < 100 && !toy_record.realnode_valid; i++)
		usleep(10000);
	CHECK_EQ(toy_record.startup_err, 0);
	CHECK(toy_record.realnode_valid);
	/* Its control port works. */
	CHECK_EQ(fsys_getroot(control, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, NULL, 0, NULL, 0,
			      0, &retry, retry_name, &file), 0);
	CHECK_EQ(io_stat(file, &st), 0);
	CHECK_EQ(st.st_fstype, 4242);
	drop(file);
	drop(control);

	/* One that sends junk to its bootstrap port first: refused, and the
	 * wait goes on for the real fsys_startup. */
	toy_mode = TOY_JUNK_FIRST;
	toy_record.realnode_valid = 0;
	CHECK_EQ(start("/hurd/trans", 5000, &control), 0);
	CHECK(MACH_PORT_VALID(control));
	CHECK_EQ(toy_record.junk_answer, MIG_BAD_ID);
	for (int i = 0; i < 100 && !toy_record.realnode_valid; i++)
		usleep(10000);
	CHECK(toy_record.realnode_valid);
	drop(control);

	/* One that never calls fsys_startup: ETIMEDOUT in time, its task
	 * terminated. */
	toy_mode = TOY_SILENT;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ(start("/hurd/trans", 300, &control), ETIMEDOUT);
	CHECK(ms_since(&t0) >= 250 && ms_since(&t0) < 5000);
	CHECK_EQ(control, MACH_PORT_NULL);
	CHECK(toy_silent_task_died());

	/* One that dies before it calls: EDIED, long before the timeout. */
	toy_mode = TOY_DIE;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ(start("/hurd/trans", 20000, &control), EDIED);
	CHECK(ms_since(&t0) < 10000);

	/* The exec server refuses. */
	toy_mode = TOY_REFUSE;
	CHECK_EQ(start("/hurd/trans", 5000, &control), ENOEXEC);

	/* No such program; not executable; not a proper call. */
	toy_mode = TOY_STARTUP;
	CHECK_EQ(start("/hurd/none", 5000, &control), ENOENT);
	CHECK_EQ(start("/hurd/plain", 5000, &control), EACCES);
	err = fshelp_start_translator_long(open_node, &fs, "/hurd/trans", "x", 2, NULL,
					   MACH_MSG_TYPE_COPY_SEND, 0, ports,
					   MACH_MSG_TYPE_COPY_SEND, 2, NULL, 0, 0, 1000, &control);
	CHECK_EQ(err, EINVAL);
}

static void
test_passive_on_lookup(void)
{
	static const char trans[] = "/hurd/trans\0";
	mach_port_t node, f;
	retry_type retry;
	string_t name;
	io_statbuf_t st;
	struct timespec t0;
	int calls;

	linux_write(&fs, "translated", "", 0644);
	CHECK_EQ(lookup(root, "translated", O_NOTRANS, 0, &node), 0);
	CHECK_EQ(file_set_translator(node, FS_TRANS_SET, 0, 0, trans, sizeof trans - 1,
				     MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND), 0);
	drop(node);

	/* The first lookup starts it, and goes through it. */
	toy_mode = TOY_STARTUP;
	calls = toy_record.calls;
	CHECK_EQ(lookup_raw(root, "translated", O_READ, 0, &retry, name, &f), 0);
	CHECK_EQ(retry, FS_RETRY_NORMAL);
	CHECK_EQ(io_stat(f, &st), 0);
	CHECK_EQ(st.st_fstype, 4242);
	drop(f);
	CHECK_EQ(toy_record.calls, calls + 1);
	/* The next ones use the running translator. */
	CHECK_EQ(lookup(root, "translated", O_READ, 0, &f), 0);
	drop(f);
	CHECK_EQ(toy_record.calls, calls + 1);
	/* It is listed as a child of rootfs. */
	char *names = NULL;
	mach_msg_type_number_t names_len = 0, count = 0;
	mach_port_t *controls = NULL;
	CHECK_EQ(fsys_get_children(fs.control, &names, &names_len, &controls, &count), 0);
	int listed = 0;

	CHECK_EQ(count, 2);	/* it and /servers/exec */
	for (char *n = names; n != NULL && n < names + names_len; n += strlen(n) + 1)
		listed += strcmp(n, "translated") == 0 || strcmp(n, "servers/exec") == 0;
	CHECK_EQ(listed, 2);
	for (mach_msg_type_number_t i = 0; i < count; i++)
		drop(controls[i]);
	vm_deallocate(mach_task_self(), (vm_address_t) names, names_len);
	vm_deallocate(mach_task_self(), (vm_address_t) controls, count * sizeof *controls);

	/* It dies: the next lookup starts it again. */
	toy_kill_translators();
	CHECK_EQ(lookup(root, "translated", O_READ, 0, &f), 0);
	if (MACH_PORT_VALID(f)) {
		CHECK_EQ(io_stat(f, &st), 0);
		CHECK_EQ(st.st_fstype, 4242);
	}
	drop(f);
	CHECK_EQ(toy_record.calls, calls + 2);
	toy_kill_translators();

	/* One that never answers: the lookup fails after rootfs's timeout
	 * (500 ms here), and rootfs serves on. */
	toy_mode = TOY_SILENT;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ(lookup(root, "translated", O_READ, 0, &f), ETIMEDOUT);
	CHECK(ms_since(&t0) >= 400 && ms_since(&t0) < 10000);
	CHECK(toy_silent_task_died());
	CHECK_EQ(lookup(root, "translated", O_READ | O_NOTRANS, 0, &f), 0);
	drop(f);
	/* One that dies at once: EDIED. */
	toy_mode = TOY_DIE;
	CHECK_EQ(lookup(root, "translated", O_READ, 0, &f), EDIED);
}

int
main(int argc, char **argv)
{
	struct ids me = { { 0 }, 1, { 0 }, 1 };
	char *extra[] = { "--timeout=500", NULL };
	char path[PATH_MAX];
	mach_port_t exec_control, node;

	if (argc < 2) {
		fprintf(stderr, "usage: %s ROOTFS\n", argv[0]);
		return 2;
	}
	if (rootfs_start(&fs, argv[1], extra) != 0)
		return 1;
	me.uids[0] = test_uid;
	me.gids[0] = test_gid;
	CHECK_EQ(rootfs_root(&fs, &me, O_READ | O_EXEC, &root), 0);

	/* The tree: /servers/exec (the toy exec server), /hurd/trans (the
	 * program; the toy plays it), /hurd/plain (not executable). */
	mkdir(linux_path(&fs, "servers", path), 0755);
	mkdir(linux_path(&fs, "hurd", path), 0755);
	linux_write(&fs, "servers/exec", "", 0644);
	linux_write(&fs, "hurd/trans", "not run", 0755);
	linux_write(&fs, "hurd/plain", "", 0644);
	toy_start(&exec_control);
	CHECK_EQ(lookup(root, "servers/exec", O_NOTRANS, 0, &node), 0);
	CHECK_EQ(file_set_translator(node, 0, FS_TRANS_SET, 0, NULL, 0, exec_control,
				     MACH_MSG_TYPE_MOVE_SEND), 0);
	drop(node);
	/* Our own names resolve in rootfs, as a task's do in HELL. */
	mach_port_mod_refs(mach_task_self(), root, MACH_PORT_RIGHT_SEND, 2);
	_hurd_port_set(&_hurd_ports[INIT_PORT_CRDIR], root);
	_hurd_port_set(&_hurd_ports[INIT_PORT_CWDIR], root);
	underlying = testlib_port_with_send();

	test_start_long();
	test_passive_on_lookup();

	_hurd_port_set(&_hurd_ports[INIT_PORT_CRDIR], MACH_PORT_NULL);
	_hurd_port_set(&_hurd_ports[INIT_PORT_CWDIR], MACH_PORT_NULL);
	drop(root);
	CHECK_EQ(rootfs_stop(&fs), 0);
	toy_stop();
	mach_port_deallocate(mach_task_self(), underlying);
	mach_port_mod_refs(mach_task_self(), underlying, MACH_PORT_RIGHT_RECEIVE, -1);
	return TEST_DONE();
}

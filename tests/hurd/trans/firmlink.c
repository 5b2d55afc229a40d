/* firmlink, started by the exec server as a file system starts a
 * translator, in a name space the test serves.
 *
 *   test-firmlink EXEC FIRMLINK
 *
 * The test plays three parts: the parent file system (tests/hurd/trivfs/
 * parent.c: fsys_startup, the underlying node), the file system the
 * translator program is read from, and the translator's root directory,
 * which holds one node, "target".  exec (started like any translator)
 * starts firmlink in an embryo task with that root directory; firmlink's
 * libhurd gets it from its exec startup port.
 *
 * Checked: fsys_getroot on the link gives the target node (a retry to
 * reauthenticate, no name), reparented under the directory the lookup
 * came through and with its ids dropped; a firmlink to a missing target
 * opens as a symbolic link that reads as the target; options and source
 * report the target; and firmlink ends with fsys_goaway. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <mach/notify.h>
#include <hurd/hurd_types.h>
#include <hurd/exec.h>
#include <hurd/fsys.h>
#include <hurd/io.h>

#include "testlib.h"
#include "program.h"
#include "ns_io_S.h"
#include "ns_fs_S.h"

extern boolean_t ns_io_server(mach_msg_header_t *in, mach_msg_header_t *out);
extern boolean_t ns_fs_server(mach_msg_header_t *in, mach_msg_header_t *out);

/* The name space: ports of a port set served by one thread. */
static mach_port_t ns_set, root_dir, target, program;
static const char *program_data;
static size_t program_size;
static int reparents, restricts;
static mach_port_t reparent_parent = MACH_PORT_NULL;	/* last file_reparent's parent */

kern_return_t
ns_S_io_stat(io_t object, io_statbuf_t *st)
{
	memset(st, 0, sizeof *st);
	st->st_nlink = 1;
	if (object == root_dir)
		st->st_mode = S_IFDIR | 0755;
	else if (object == target)
		st->st_mode = S_IFREG | 0644;
	else if (object == program) {
		st->st_mode = S_IFREG | 0755;
		st->st_size = program_size;
	} else
		return EOPNOTSUPP;
	return 0;
}

kern_return_t
ns_S_io_read(io_t object, data_t *data, mach_msg_type_number_t *len, loff_t offset,
	     vm_size_t amount)
{
	if (object != program)
		return EOPNOTSUPP;
	if (offset < 0)
		return EINVAL;
	return program_read(program_data, program_size, offset, amount, data, len);
}

kern_return_t
ns_S_io_restrict_auth(io_t object, mach_port_t *newport, mach_msg_type_name_t *newport_type,
		      const_idarray_t uids, mach_msg_type_number_t nuids,
		      const_idarray_t gids, mach_msg_type_number_t ngids)
{
	if (object != target && object != root_dir)
		return EOPNOTSUPP;
	if (object == target && nuids == 0 && ngids == 0)
		__atomic_add_fetch(&restricts, 1, __ATOMIC_RELAXED);
	*newport = object;
	*newport_type = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

/* The root directory holds "target"; libhurd looks "/target" up as
 * "target" from the root. */
kern_return_t
ns_S_dir_lookup(file_t dir, const_string_t name, int flags, mode_t mode,
		retry_type *do_retry, string_t retry_name, mach_port_t *result,
		mach_msg_type_name_t *result_type)
{
	if (dir != root_dir)
		return dir == target ? ENOTDIR : EOPNOTSUPP;
	if (name[0] == '\0') {
		*result = root_dir;
	} else if (strcmp(name, "target") == 0) {
		*result = target;
	} else {
		return ENOENT;
	}
	*do_retry = FS_RETRY_NORMAL;
	retry_name[0] = '\0';
	*result_type = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

kern_return_t
ns_S_file_reparent(file_t file, mach_port_t parent, mach_port_t *new_file,
		   mach_msg_type_name_t *new_file_type)
{
	if (file != target)
		return EOPNOTSUPP;
	__atomic_add_fetch(&reparents, 1, __ATOMIC_RELAXED);
	reparent_parent = parent;
	/* The parent is ours now; the node only keeps its name. */
	if (MACH_PORT_VALID(parent))
		mach_port_deallocate(mach_task_self(), parent);
	*new_file = target;
	*new_file_type = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

static boolean_t
ns_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	return ns_io_server(in, out) || ns_fs_server(in, out);
}

static void *
ns_serve(void *arg)
{
	mach_msg_server(ns_demux, 8192, ns_set);
	return NULL;
}

static mach_port_t
ns_port(void)
{
	mach_port_t port = testlib_port();

	CHECK_KR(mach_port_move_member(mach_task_self(), port, ns_set), KERN_SUCCESS);
	return port;
}

/* Start firmlink (TARGET_NAME) in an embryo task through exec. */
struct exec_start {
	mach_port_t execserver;
	const char *target_name;
};

static kern_return_t
start_through_exec(mach_port_t bootstrap, struct parent_translator *t, void *arg)
{
	struct exec_start *how = arg;
	mach_port_t ports[INIT_PORT_MAX] = { 0 };
	int ints[INIT_INT_MAX] = { 0 };
	char argv[256];
	size_t argvlen;

	argvlen = snprintf(argv, sizeof argv, "firmlink%c%s", 0, how->target_name) + 1;
	ports[INIT_PORT_CRDIR] = root_dir;
	ports[INIT_PORT_CWDIR] = root_dir;
	ints[INIT_UMASK] = 022;
	return program_exec_translator(how->execserver, program, bootstrap, argv, argvlen,
				       ports, ints, t);
}

/* Stop T and wait (through NOTIFY) for its task to die. */
static void
stop_firmlink(struct parent_translator *t, mach_port_t notify)
{
	union {
		mach_dead_name_notification_t n;
		char space[256];
	} msg;
	mach_port_t previous = MACH_PORT_NULL, task = t->task;

	CHECK_KR(mach_port_request_notification(mach_task_self(), task, MACH_NOTIFY_DEAD_NAME, 1,
						notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, &previous),
		 KERN_SUCCESS);
	mach_port_mod_refs(mach_task_self(), task, MACH_PORT_RIGHT_SEND, 1);
	CHECK_KR(parent_stop(t, FSYS_GOAWAY_FORCE), KERN_SUCCESS);
	CHECK_KR(mach_msg(&msg.n.not_header, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof msg,
			  notify, 10000, MACH_PORT_NULL), MACH_MSG_SUCCESS);
	CHECK_EQ(msg.n.not_port, task);
	mach_port_deallocate(mach_task_self(), task);	/* the notification's */
	mach_port_deallocate(mach_task_self(), task);	/* ours */
}

static void
check_firmlink(mach_port_t execserver, mach_port_t notify)
{
	struct exec_start how = { execserver, "/target" };
	struct parent_translator t;
	mach_port_t dotdot = testlib_port(), node = MACH_PORT_NULL;
	uid_t uid = getuid();
	gid_t gid = getgid();
	retry_type retry = 0;
	string_t retry_name = "x", source = "";

	if (parent_start_by(start_through_exec, &how, "firmlink", &t)) {
		CHECK(0);
		return;
	}
	CHECK_KR(fsys_getroot(t.control, dotdot, MACH_MSG_TYPE_MAKE_SEND, &uid, 1, &gid, 1,
			      HURD_O_READ, &retry, retry_name, &node), KERN_SUCCESS);
	CHECK_EQ(retry, FS_RETRY_REAUTH);
	CHECK_EQ(retry_name[0], 0);
	CHECK_EQ(node, target);			/* our own node, under its name */
	CHECK_EQ(reparents, 1);
	CHECK_EQ(reparent_parent, dotdot);	/* under the directory we came from */
	CHECK_EQ(restricts, 1);			/* with no ids */
	if (MACH_PORT_VALID(node))
		mach_port_deallocate(mach_task_self(), node);
	CHECK_KR(fsys_get_source(t.control, source), KERN_SUCCESS);
	CHECK(strcmp(source, "/target") == 0);
	stop_firmlink(&t, notify);
	mach_port_mod_refs(mach_task_self(), dotdot, MACH_PORT_RIGHT_RECEIVE, -1);
}

static void
check_missing_target(mach_port_t execserver, mach_port_t notify)
{
	struct exec_start how = { execserver, "/missing" };
	struct parent_translator t;
	mach_port_t node = MACH_PORT_NULL;
	uid_t uid = getuid();
	gid_t gid = getgid();
	retry_type retry = 0;
	string_t retry_name = "x";
	io_statbuf_t st;
	char buf[64];
	data_t data = buf;
	mach_msg_type_number_t len = sizeof buf;

	if (parent_start_by(start_through_exec, &how, "firmlink", &t)) {
		CHECK(0);
		return;
	}
	CHECK_KR(fsys_getroot(t.control, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, &uid, 1, &gid, 1,
			      HURD_O_READ, &retry, retry_name, &node), KERN_SUCCESS);
	CHECK_EQ(retry, FS_RETRY_NORMAL);
	CHECK_KR(io_stat(node, &st), KERN_SUCCESS);
	CHECK_EQ(st.st_mode & S_IFMT, S_IFLNK);
	CHECK_EQ(st.st_size, 8);
	CHECK_KR(io_read(node, &data, &len, -1, 100), KERN_SUCCESS);
	CHECK(len == 8 && memcmp(data, "/missing", 8) == 0);
	mach_port_deallocate(mach_task_self(), node);
	stop_firmlink(&t, notify);
}

int
main(int argc, char **argv)
{
	struct parent_translator exec;
	char *exec_argv[] = { argc > 1 ? argv[1] : "exec", NULL };
	mach_port_t execserver, notify;
	pthread_t ns_thread;

	if (argc < 3) {
		fprintf(stderr, "usage: %s EXEC FIRMLINK\n", argv[0]);
		return 2;
	}
	program_data = program_map(argv[2], &program_size);
	CHECK_KR(mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &ns_set),
		 KERN_SUCCESS);
	root_dir = ns_port();
	target = ns_port();
	program = ns_port();
	pthread_create(&ns_thread, NULL, ns_serve, NULL);
	notify = testlib_port();

	if (parent_start(exec_argv, &exec) != 0)
		return 2;
	CHECK_KR(parent_open(&exec, 0, &execserver), KERN_SUCCESS);

	check_firmlink(execserver, notify);
	check_missing_target(execserver, notify);

	mach_port_deallocate(mach_task_self(), execserver);
	CHECK_KR(parent_stop(&exec, FSYS_GOAWAY_FORCE), KERN_SUCCESS);
	mach_port_mod_refs(mach_task_self(), root_dir, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_mod_refs(mach_task_self(), target, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_mod_refs(mach_task_self(), program, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_mod_refs(mach_task_self(), ns_set, MACH_PORT_RIGHT_PORT_SET, -1);
	pthread_join(ns_thread, NULL);
	mach_port_mod_refs(mach_task_self(), notify, MACH_PORT_RIGHT_RECEIVE, -1);
	munmap((void *) program_data, program_size);
	return TEST_DONE();
}

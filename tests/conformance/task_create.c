/* Conformance: task_create (GNU Mach kern/task.c, kern/ipc_tt.c) and
 * hell_task_exec (<hell/hell.h>).
 *
 * On HELL task_create makes a task without a Linux process (an embryo): it
 * has its space, inherits its parent's bootstrap, exception and registered
 * ports, and takes rights like any task; hell_task_exec starts a process
 * that becomes it.  An embryo ends on task_terminate or when the last send
 * right to its port goes.  The processes are this program again
 * (--exec-child ...). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hell/hell.h>
#include <mach/mach_param.h>
#include <mach/task_info.h>
#include "conformance.h"

#define ID_BOOT 500	/* child -> its bootstrap port */
#define ID_REG 501	/* child -> its registered port 0 */
#define ID_GIVEN 502	/* child -> the right put into its space */

static void
release_array(mach_port_t *ports, mach_msg_type_number_t n)
{
	for (mach_msg_type_number_t i = 0; i < n; i++)
		if (MACH_PORT_VALID(ports[i]))
			CHECK_KR(mach_port_deallocate(TASK, ports[i]), KERN_SUCCESS);
	if (n)
		CHECK_KR(vm_deallocate(TASK, (vm_address_t) ports, n * sizeof *ports), KERN_SUCCESS);
}

static uint64_t
machd_tasks(void)
{
	struct hell_machd_stats s;

	memset(&s, 0, sizeof s);
	CHECK_KR(hell_machd_stats(&s), KERN_SUCCESS);
	return s.tasks;
}

/* The process started for the embryo: it is the task.  GIVEN is the name
 * the parent put a send right under in the embryo's space. */
static int
exec_child(mach_port_t given)
{
	mach_port_t boot = MACH_PORT_NULL, self = MACH_PORT_NULL, *reg = NULL;
	mach_msg_type_number_t n = 0;
	int pid = -1;

	CHECK_KR(hell_task_pid(TASK, &pid), KERN_SUCCESS);
	CHECK_EQ(pid, getpid());
	CHECK_KR(task_get_kernel_port(TASK, &self), KERN_SUCCESS);
	CHECK_EQ(self, TASK);
	CHECK_KR(mach_port_deallocate(TASK, self), KERN_SUCCESS);
	CHECK_KR(task_get_bootstrap_port(TASK, &boot), KERN_SUCCESS);
	CHECK_KR(send_int(boot, MACH_MSG_TYPE_COPY_SEND, getpid(), ID_BOOT), MACH_MSG_SUCCESS);
	CHECK_KR(mach_ports_lookup(TASK, &reg, &n), KERN_SUCCESS);
	CHECK_EQ(n, TASK_PORT_REGISTER_MAX);
	if (n > 0)
		CHECK_KR(send_int(reg[0], MACH_MSG_TYPE_COPY_SEND, getpid(), ID_REG), MACH_MSG_SUCCESS);
	release_array(reg, n);
	if (MACH_PORT_VALID(given)) {
		CHECK_EQ(testlib_type(given), MACH_PORT_TYPE_SEND);
		CHECK_KR(send_int(given, MACH_MSG_TYPE_COPY_SEND, getpid(), ID_GIVEN), MACH_MSG_SUCCESS);
	}
	CHECK_KR(mach_port_deallocate(TASK, boot), KERN_SUCCESS);
	printf("exec child %d\n", getpid());
	return testlib_failures ? 1 : 0;
}

static void
expect_int(mach_port_t port, mach_msg_id_t id, pid_t from)
{
	msgbuf_t buf;
	int_msg_t *m = (int_msg_t *) &buf;

	CHECK_KR(msg_recv(port, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, id);
	CHECK_EQ(m->value, from);
}

static void
reap(pid_t pid)
{
	int status = -1;

	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
test_errors(void)
{
	mach_port_t host = mach_host_self(), child = 1, p = testlib_port_with_send();
	char *argv[] = { "/proc/self/exe", NULL };
	pid_t pid = 0;

	/* Not a task (GNU Mach: parent_task == TASK_NULL). */
	CHECK_KR(task_create(host, FALSE, &child), KERN_INVALID_TASK);
	CHECK_KR(task_create(MACH_PORT_NULL, FALSE, &child), MACH_SEND_INVALID_DEST);
	/* No address space to copy into a task without a process. */
	CHECK_KR(task_create(TASK, TRUE, &child), KERN_INVALID_ARGUMENT);

	/* hell_task_exec wants an embryo. */
	CHECK_KR(hell_task_exec(TASK, "/bin/true", -1, argv, NULL, NULL, &pid), KERN_INVALID_ARGUMENT);
	CHECK_KR(hell_task_exec(host, "/bin/true", -1, argv, NULL, NULL, &pid), KERN_INVALID_ARGUMENT);
	CHECK_KR(hell_task_exec(p, "/bin/true", -1, argv, NULL, NULL, &pid), KERN_INVALID_ARGUMENT);
	CHECK_KR(hell_task_exec(MACH_PORT_NULL, "/bin/true", -1, argv, NULL, NULL, &pid),
		 KERN_INVALID_ARGUMENT);
	CHECK_KR(hell_task_exec(unused_name(0x3300), "/bin/true", -1, argv, NULL, NULL, &pid),
		 KERN_INVALID_ARGUMENT);
	CHECK_EQ(pid, 0);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

/* An embryo: what it has, and how it ends. */
static void
test_embryo(void)
{
	uint64_t before = machd_tasks();
	mach_port_t child = MACH_PORT_NULL, got = MACH_PORT_NULL, name = MACH_PORT_NULL;
	mach_port_t notify = testlib_port(), prev = 1, recv = testlib_port();
	task_basic_info_data_t info;
	mach_msg_type_number_t count = TASK_BASIC_INFO_COUNT;
	msgbuf_t buf;
	int pid = -1;

	CHECK_KR(task_create(TASK, FALSE, &child), KERN_SUCCESS);
	CHECK_EQ(testlib_type(child), MACH_PORT_TYPE_SEND);
	CHECK_EQ(testlib_refs(child, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(machd_tasks(), before + 1);
	CHECK_KR(hell_task_pid(child, &pid), KERN_SUCCESS);
	CHECK_EQ(pid, 0);
	CHECK_KR(task_info(child, TASK_BASIC_INFO, (task_info_t) &info, &count), KERN_SUCCESS);
	/* Its kernel port is its own port: the same name here. */
	CHECK_KR(task_get_kernel_port(child, &got), KERN_SUCCESS);
	CHECK_EQ(got, child);
	CHECK_KR(mach_port_deallocate(TASK, got), KERN_SUCCESS);
	/* Its space takes rights like any task's. */
	CHECK_KR(mach_port_allocate(child, MACH_PORT_RIGHT_RECEIVE, &name), KERN_SUCCESS);
	CHECK_KR(mach_port_insert_right(child, 0x777, recv, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_EQ(port_status(recv).mps_srights, 1);

	/* A send right in a message keeps it alive. */
	CHECK_KR(send_port(recv, MACH_MSG_TYPE_MAKE_SEND, child, MACH_MSG_TYPE_MOVE_SEND, 42),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(child), 0);
	CHECK_EQ(machd_tasks(), before + 1);
	CHECK_KR(msg_recv(recv, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	child = ((port_msg_t *) &buf)->port.name;
	CHECK_EQ(testlib_type(child), MACH_PORT_TYPE_SEND);

	/* The last send right goes: the embryo ends, and its space with it
	 * (the send right it held to recv). */
	CHECK_KR(mach_port_deallocate(TASK, child), KERN_SUCCESS);
	CHECK_EQ(machd_tasks(), before);
	CHECK_EQ(port_status(recv).mps_srights, 0);

	/* task_terminate ends one too: holders see a dead name. */
	CHECK_KR(task_create(TASK, FALSE, &child), KERN_SUCCESS);
	CHECK_KR(mach_port_request_notification(TASK, child, MACH_NOTIFY_DEAD_NAME, 0, notify,
						MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev), KERN_SUCCESS);
	CHECK_KR(task_terminate(child), KERN_SUCCESS);
	CHECK_KR(msg_recv(notify, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, MACH_NOTIFY_DEAD_NAME);
	CHECK_EQ(buf.dead_name.not_port, child);
	CHECK_EQ(testlib_type(child), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_KR(mach_port_mod_refs(TASK, child, MACH_PORT_RIGHT_DEAD_NAME, -2), KERN_SUCCESS);
	CHECK_EQ(machd_tasks(), before);

	/* An embryo that holds a right to itself lives until terminated. */
	CHECK_KR(task_create(TASK, FALSE, &child), KERN_SUCCESS);
	CHECK_KR(task_set_bootstrap_port(child, child), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, child, MACH_PORT_RIGHT_SEND, 1), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, child), KERN_SUCCESS);
	CHECK_EQ(machd_tasks(), before + 1);
	CHECK_KR(task_terminate(child), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, child), KERN_SUCCESS);
	CHECK_EQ(machd_tasks(), before);

	CHECK_KR(mach_port_destroy(TASK, notify), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, recv), KERN_SUCCESS);
}

/* A memfd holding this program, as the Hurd's exec server would make. */
static int
program_memfd(void)
{
	int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int fd = memfd_create("program", MFD_CLOEXEC);
	struct stat st;
	off_t off = 0;

	CHECK(in >= 0 && fd >= 0);
	CHECK_EQ(fstat(in, &st), 0);
	while (off < st.st_size)
		if (sendfile(fd, in, &off, (size_t) (st.st_size - off)) <= 0)
			break;
	CHECK_EQ(off, st.st_size);
	close(in);
	return fd;
}

/* task_create, rights put in, hell_task_exec: the process is the task.
 * HOW: 0 by path, 1 by a file descriptor, 2 by a memfd. */
static void
test_exec(int how)
{
	mach_port_t boot = testlib_port_with_send(), reg = testlib_port_with_send();
	mach_port_t given = testlib_port(), old_boot = MACH_PORT_NULL, child = MACH_PORT_NULL;
	mach_port_t *old_reg = NULL;
	mach_msg_type_number_t n_old = 0;
	char name_arg[32], out[256] = "";
	char *argv[] = { "task_create-child", "--exec-child", name_arg, NULL };
	int pipefd[2], stdfds[3] = { 0, -1, 2 }, fd = -1, tpid = -1;
	ssize_t got;
	pid_t pid = 0;

	/* What the child inherits: our bootstrap and registered ports. */
	CHECK_KR(task_get_bootstrap_port(TASK, &old_boot), KERN_SUCCESS);
	CHECK_KR(mach_ports_lookup(TASK, &old_reg, &n_old), KERN_SUCCESS);
	CHECK_KR(task_set_bootstrap_port(TASK, boot), KERN_SUCCESS);
	CHECK_KR(mach_ports_register(TASK, &reg, 1), KERN_SUCCESS);
	CHECK_KR(task_create(TASK, FALSE, &child), KERN_SUCCESS);
	CHECK_KR(task_set_bootstrap_port(TASK, old_boot), KERN_SUCCESS);
	CHECK_KR(mach_ports_register(TASK, old_reg, n_old), KERN_SUCCESS);
	release_array(old_reg, n_old);
	if (MACH_PORT_VALID(old_boot))
		CHECK_KR(mach_port_deallocate(TASK, old_boot), KERN_SUCCESS);

	/* A right put into its space before it runs. */
	CHECK_KR(mach_port_insert_right(child, 0x4242, given, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	snprintf(name_arg, sizeof name_arg, "%u", 0x4242u);

	/* Its standard output is our pipe. */
	CHECK_EQ(pipe2(pipefd, O_CLOEXEC), 0);
	stdfds[1] = pipefd[1];
	if (how == 1)
		fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	else if (how == 2)
		fd = program_memfd();
	fflush(stdout);
	CHECK_KR(hell_task_exec(child, how ? NULL : "/proc/self/exe", fd, argv, NULL, stdfds, &pid),
		 KERN_SUCCESS);
	close(pipefd[1]);
	if (fd >= 0)
		close(fd);
	CHECK(pid > 0);
	CHECK_KR(hell_task_pid(child, &tpid), KERN_SUCCESS);
	CHECK_EQ(tpid, pid);
	/* It has a process now: no second one. */
	CHECK_KR(hell_task_exec(child, "/proc/self/exe", -1, argv, NULL, NULL, NULL),
		 KERN_INVALID_ARGUMENT);

	expect_int(boot, ID_BOOT, pid);
	expect_int(reg, ID_REG, pid);
	expect_int(given, ID_GIVEN, pid);
	got = read(pipefd[0], out, sizeof out - 1);
	CHECK(got > 0);
	out[got > 0 ? got : 0] = 0;
	CHECK(strstr(out, "exec child") != NULL);
	close(pipefd[0]);
	reap(pid);
	CHECK_KR(mach_port_deallocate(TASK, child), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, boot), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, reg), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, given), KERN_SUCCESS);
}

/* A program that cannot be started leaves the embryo as it was. */
static void
test_exec_fails(void)
{
	mach_port_t child = MACH_PORT_NULL, given = testlib_port();
	char *bad[] = { "nothing", NULL };
	char *argv[] = { "task_create-child", "--exec-child", "0", NULL };
	pid_t pid = 0;
	int tpid = -1;

	CHECK_KR(task_create(TASK, FALSE, &child), KERN_SUCCESS);
	errno = 0;
	CHECK_KR(hell_task_exec(child, "/nonexistent/program", -1, bad, NULL, NULL, &pid), KERN_FAILURE);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(pid, 0);
	CHECK_KR(hell_task_pid(child, &tpid), KERN_SUCCESS);
	CHECK_EQ(tpid, 0);
	/* Nor a file descriptor that is no program. */
	CHECK_KR(hell_task_exec(child, NULL, -1, bad, NULL, NULL, &pid), KERN_INVALID_ARGUMENT);
	/* It can still be started. */
	CHECK_KR(task_set_bootstrap_port(child, given), MACH_SEND_INVALID_RIGHT);	/* receive right only */
	CHECK_KR(mach_port_insert_right(TASK, given, given, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(task_set_bootstrap_port(child, given), KERN_SUCCESS);
	CHECK_KR(mach_ports_register(child, &given, 1), KERN_SUCCESS);
	fflush(stdout);
	CHECK_KR(hell_task_exec(child, "/proc/self/exe", -1, argv, NULL, NULL, &pid), KERN_SUCCESS);
	expect_int(given, ID_BOOT, pid);
	expect_int(given, ID_REG, pid);
	reap(pid);
	CHECK_KR(mach_port_deallocate(TASK, child), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, given), KERN_SUCCESS);
}

int
main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "--exec-child") == 0)
		return exec_child((mach_port_t) strtoul(argv[2], NULL, 0));

	test_errors();
	test_embryo();
	test_exec(0);
	test_exec(1);
	test_exec(2);
	test_exec_fails();
	return TEST_DONE();
}

/* Conformance: HELL's host calls (defs/hell/hell.defs, <hell/hell_rpc.h>)
 * hell_host_set_init_ports, hell_host_tasks and hell_task_pid.
 *
 * Runs as machd's boot task (boot_run.sh), which holds the privileged host
 * port as its bootstrap port.  The tasks that "connect on their own" are
 * this program again, detached from us by a relay (--relay: this program
 * before any Mach call, which forks and exits; a process that a task's
 * process started is that task's child, however many non-task processes
 * lie between): --fresh N checks that it starts with N default registered
 * ports, sends a message (its pid) on each, and writes its result on its
 * standard output; --stay becomes a task, writes its pid and waits for its
 * standard input to close. */
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hell/hell.h>
#include <hell/hell_rpc.h>
#include <mach/mach_param.h>
#include "conformance.h"

extern char **environ;

static void
release_array(mach_port_t *ports, mach_msg_type_number_t n)
{
	for (mach_msg_type_number_t i = 0; i < n; i++)
		if (MACH_PORT_VALID(ports[i]))
			CHECK_KR(mach_port_deallocate(TASK, ports[i]), KERN_SUCCESS);
	if (n)
		CHECK_KR(vm_deallocate(TASK, (vm_address_t) ports, n * sizeof *ports), KERN_SUCCESS);
}

/* In the relay: a child that runs ARGV[2..] once we have exited, so that
 * no task is among its ancestors. */
static int
relay(char **argv)
{
	pid_t me = getpid(), pid = fork();

	if (pid == 0) {
		while (getppid() == me)
			usleep(1000);
		execv("/proc/self/exe", argv + 2);
		_exit(127);
	}
	return pid > 0 ? 0 : 1;
}

/* A process that is no fork or spawn of a task, detached by a relay: a
 * task of its own.  The relay's pid (it ends at once). */
static pid_t
start(char *mode, char *arg, int in_fd, int out_fd)
{
	char *argv[] = { "/proc/self/exe", "--relay", "/proc/self/exe", mode, arg, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid = -1;

	posix_spawn_file_actions_init(&fa);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	CHECK_EQ(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

static void
reap(pid_t pid)
{
	int status = -1;

	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int
fresh(int n)
{
	char result;

	mach_port_t *got = NULL, boot = 1;
	mach_msg_type_number_t count = 0;

	CHECK_KR(task_get_bootstrap_port(TASK, &boot), KERN_SUCCESS);
	CHECK_EQ(boot, MACH_PORT_NULL);
	CHECK_KR(mach_ports_lookup(TASK, &got, &count), KERN_SUCCESS);
	CHECK_EQ(count, TASK_PORT_REGISTER_MAX);
	for (int i = 0; i < (int) count; i++) {
		if (i < n) {
			CHECK_EQ(testlib_type(got[i]), MACH_PORT_TYPE_SEND);
			CHECK_KR(send_int(got[i], MACH_MSG_TYPE_COPY_SEND, getpid(), 1000 + i),
				 MACH_MSG_SUCCESS);
		} else {
			CHECK_EQ(got[i], MACH_PORT_NULL);
		}
	}
	release_array(got, count);
	result = testlib_failures ? '1' : '0';
	CHECK_EQ(write(1, &result, 1), 1);
	return TEST_DONE();
}

static int
stay(void)
{
	pid_t me = getpid();
	char c;

	CHECK(MACH_PORT_VALID(TASK));
	CHECK_EQ(write(1, &me, sizeof me), sizeof me);
	while (read(0, &c, 1) > 0)
		;
	return TEST_DONE();
}

/* A message with id ID must be queued on PORT, from another process. */
static void
expect_int(mach_port_t port, mach_msg_id_t id)
{
	msgbuf_t buf;
	int_msg_t *m = (int_msg_t *) &buf;

	CHECK_KR(msg_recv(port, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, id);
	CHECK(m->value > 0 && m->value != getpid());
}

/* Run --fresh N detached; its messages are the caller's to receive, and
 * RESULT_FD then gives its verdict. */
static int
fresh_start(const char *n)
{
	int out[2];

	CHECK_EQ(pipe2(out, O_CLOEXEC), 0);
	reap(start("--fresh", (char *) n, -1, out[1]));
	close(out[1]);
	return out[0];
}

/* Its verdict; then wait until machd has seen it end (it is not our
 * child: no waitpid), so that the rights it held are gone. */
static void
fresh_result(int fd)
{
	char c = 0, junk[256];
	struct hell_machd_stats st;

	CHECK_EQ(read(fd, &c, 1), 1);
	CHECK_EQ(c, '0');
	while (read(fd, junk, sizeof junk) > 0)
		;	/* its summary line, then its end */
	close(fd);
	for (int tries = 0; tries < 300; tries++) {
		CHECK_KR(hell_machd_stats(&st), KERN_SUCCESS);
		if (st.tasks == 1)
			break;	/* us alone */
		usleep(10000);
	}
	CHECK_EQ(st.tasks, 1);
}

static void
test_errors(mach_port_t priv)
{
	mach_port_t host = mach_host_self(), a = testlib_port_with_send();
	mach_port_t five[5] = { a, a, a, a, a }, *tasks = NULL;
	mach_msg_type_number_t n = 0;
	int pid = -1;

	/* The host port is not the privileged one; nor is a task port. */
	CHECK_KR(hell_host_set_init_ports(host, &a, 1), KERN_INVALID_HOST);
	CHECK_KR(hell_host_set_init_ports(TASK, &a, 1), KERN_INVALID_HOST);
	CHECK_KR(hell_host_set_init_ports(MACH_PORT_NULL, &a, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(hell_host_tasks(host, &tasks, &n), KERN_INVALID_HOST);
	CHECK_KR(hell_host_tasks(TASK, &tasks, &n), KERN_INVALID_HOST);
	/* More than TASK_PORT_REGISTER_MAX. */
	CHECK_KR(hell_host_set_init_ports(priv, five, 5), KERN_INVALID_ARGUMENT);
	/* The rights a refused call carried are not kept. */
	CHECK_EQ(testlib_refs(a, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(port_status(a).mps_srights, 1);
	/* A port that is not a task. */
	CHECK_KR(hell_task_pid(host, &pid), KERN_INVALID_ARGUMENT);
	CHECK_KR(hell_task_pid(priv, &pid), KERN_INVALID_ARGUMENT);
	CHECK_KR(hell_task_pid(MACH_PORT_NULL, &pid), MACH_SEND_INVALID_DEST);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, a), KERN_SUCCESS);
}

static void
test_init_ports(mach_port_t priv)
{
	mach_port_t a = testlib_port_with_send(), b = testlib_port_with_send();
	mach_port_t two[2] = { a, b }, *mine = NULL;
	mach_msg_type_number_t count = 0;
	int fd;

	/* Copied: we keep ours, machd holds another (mps_srights says
	 * whether any send right exists). */
	CHECK_KR(hell_host_set_init_ports(priv, two, 2), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(a, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(testlib_refs(b, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_port_deallocate(TASK, a), KERN_SUCCESS);
	CHECK_EQ(port_status(a).mps_srights, 1);

	/* A task connecting on its own starts with them. */
	fd = fresh_start("2");
	expect_int(a, 1000);
	expect_int(b, 1001);
	fresh_result(fd);
	/* Not the registered ports of tasks that exist already (ours). */
	CHECK_KR(mach_ports_lookup(TASK, &mine, &count), KERN_SUCCESS);
	CHECK_EQ(count, TASK_PORT_REGISTER_MAX);
	for (mach_msg_type_number_t i = 0; i < count; i++)
		CHECK_EQ(mine[i], MACH_PORT_NULL);
	release_array(mine, count);

	/* A new set replaces the old one: machd's right to a goes. */
	CHECK_KR(hell_host_set_init_ports(priv, &b, 1), KERN_SUCCESS);
	CHECK_EQ(port_status(a).mps_srights, 0);
	fd = fresh_start("1");
	expect_int(b, 1000);
	fresh_result(fd);
	CHECK_EQ(queued(a), 0);

	/* None. */
	CHECK_KR(mach_port_deallocate(TASK, b), KERN_SUCCESS);
	CHECK_EQ(port_status(b).mps_srights, 1);
	CHECK_KR(hell_host_set_init_ports(priv, NULL, 0), KERN_SUCCESS);
	CHECK_EQ(port_status(b).mps_srights, 0);
	fresh_result(fresh_start("0"));

	/* Kept by machd with no other sender: a new task still reaches the
	 * port. */
	CHECK_KR(mach_port_insert_right(TASK, a, a, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(hell_host_set_init_ports(priv, &a, 1), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, a), KERN_SUCCESS);
	fd = fresh_start("1");
	expect_int(a, 1000);
	fresh_result(fd);
	/* Left set: machd drops it when it ends (its leak check). */
	CHECK_KR(mach_port_destroy(TASK, a), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, b), KERN_SUCCESS);
}

/* hell_host_tasks lists us and a task that waits; not that one once it
 * has ended. */
static void
test_tasks(mach_port_t priv)
{
	int to_child[2], from_child[2];
	mach_port_t *tasks = NULL, child_task = MACH_PORT_NULL;
	mach_msg_type_number_t n = 0;
	bool self_seen = false;
	char c;
	int pid = -1;
	pid_t child = 0;

	CHECK_EQ(pipe2(to_child, O_CLOEXEC), 0);
	CHECK_EQ(pipe2(from_child, O_CLOEXEC), 0);
	reap(start("--stay", NULL, to_child[0], from_child[1]));
	close(to_child[0]);
	close(from_child[1]);
	/* It is a task now. */
	CHECK_EQ(read(from_child[0], &child, sizeof child), sizeof child);

	CHECK_KR(hell_task_pid(TASK, &pid), KERN_SUCCESS);
	CHECK_EQ(pid, getpid());
	CHECK_KR(hell_host_tasks(priv, &tasks, &n), KERN_SUCCESS);
	CHECK(n >= 2);
	for (mach_msg_type_number_t i = 0; i < n; i++) {
		CHECK_EQ(testlib_type(tasks[i]), MACH_PORT_TYPE_SEND);
		CHECK_KR(hell_task_pid(tasks[i], &pid), KERN_SUCCESS);
		if (pid == getpid()) {
			/* Our own task port: the name we know it by. */
			CHECK_EQ(tasks[i], TASK);
			self_seen = true;
		} else if (pid == child) {
			child_task = tasks[i];
			CHECK_KR(mach_port_mod_refs(TASK, child_task, MACH_PORT_RIGHT_SEND, 1),
				 KERN_SUCCESS);
		}
	}
	CHECK(self_seen);
	CHECK(MACH_PORT_VALID(child_task));
	release_array(tasks, n);

	/* The task dies with its process: its port becomes a dead name, and
	 * the list no longer has it. */
	close(to_child[1]);
	while (read(from_child[0], &c, 1) > 0)
		;	/* its summary line, then the end */
	close(from_child[0]);
	for (int tries = 0; tries < 300 && testlib_type(child_task) != MACH_PORT_TYPE_DEAD_NAME; tries++)
		usleep(10000);
	CHECK_EQ(testlib_type(child_task), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_KR(hell_task_pid(child_task, &pid), MACH_SEND_INVALID_DEST);
	CHECK_KR(mach_port_mod_refs(TASK, child_task, MACH_PORT_RIGHT_DEAD_NAME, -1), KERN_SUCCESS);
	CHECK_KR(hell_host_tasks(priv, &tasks, &n), KERN_SUCCESS);
	for (mach_msg_type_number_t i = 0; i < n; i++) {
		CHECK_KR(hell_task_pid(tasks[i], &pid), KERN_SUCCESS);
		CHECK(pid != child);
	}
	release_array(tasks, n);
}

int
main(int argc, char **argv)
{
	mach_port_t priv = MACH_PORT_NULL;

	if (argc > 2 && strcmp(argv[1], "--relay") == 0)
		return relay(argv);
	if (argc > 2 && strcmp(argv[1], "--fresh") == 0)
		return fresh(atoi(argv[2]));
	if (argc > 1 && strcmp(argv[1], "--stay") == 0)
		return stay();

	CHECK_KR(task_get_bootstrap_port(TASK, &priv), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(priv));
	test_errors(priv);
	test_init_ports(priv);
	test_tasks(priv);
	CHECK_KR(mach_port_deallocate(TASK, priv), KERN_SUCCESS);
	return TEST_DONE();
}

/* Conformance: register_new_task_notification (gnumach.defs; GNU Mach
 * kern/task.c) and the mach_notify_new_task messages (task_notify.defs)
 * machd sends, received through MIG server stubs generated from GNU
 * Mach's task_notify.defs, so their layout is checked as a Hurd server
 * would see it.
 *
 * Runs as machd's boot task (boot_run.sh): registration needs the
 * privileged host port, its bootstrap port.  HELL announces a task when it
 * gets its process (docs/differences.md): fork children, hell_task_spawn,
 * task_create + hell_task_exec, processes the task started with
 * posix_spawn, and processes on their own (parent MACH_PORT_NULL: detached
 * by --relay, which forks and exits).  The children are this program
 * again (--child FD): a child lives
 * until the descriptor FD (a pipe) reads end of file, so that its task is
 * alive when the notification is looked at. */
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hell/hell.h>
#include <mach/gnumach.h>
#include "conformance.h"
#include "task_notify_server.h"

extern char **environ;
extern boolean_t task_notify_server(mach_msg_header_t *in, mach_msg_header_t *out);

/* What the last notification said. */
static struct {
	int count;
	mach_port_t notify, task, parent;
} seen;

kern_return_t
S_mach_notify_new_task(mach_port_t notify, mach_port_t task, mach_port_t parent)
{
	seen.count++;
	seen.notify = notify;
	seen.task = task;
	seen.parent = parent;
	return KERN_SUCCESS;
}

/* Receive one notification on PORT and decode it with the MIG stub. */
static mach_msg_return_t
receive(mach_port_t port, mach_msg_timeout_t timeout)
{
	msgbuf_t in, out;
	mach_msg_return_t mr;

	memset(&seen, 0, sizeof seen);
	mr = msg_recv(port, &in, sizeof in, timeout);
	if (mr != MACH_MSG_SUCCESS)
		return mr;
	CHECK_EQ(in.head.msgh_id, 4400);
	CHECK_EQ(in.head.msgh_remote_port, MACH_PORT_NULL);	/* a simpleroutine */
	CHECK(task_notify_server(&in.head, &out.head));
	CHECK_EQ(seen.count, 1);
	CHECK_EQ(seen.notify, port);
	CHECK_EQ(((mig_reply_header_t *) &out)->RetCode, KERN_SUCCESS);
	return mr;
}

/* The notification for process PID, from PARENT (a name here, or NULL);
 * the task right it brought is dropped. */
static void
expect_new_task(mach_port_t port, pid_t pid, mach_port_t parent)
{
	int tpid = -1;

	CHECK_KR(receive(port, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(seen.task), MACH_PORT_TYPE_SEND);
	CHECK_KR(hell_task_pid(seen.task, &tpid), KERN_SUCCESS);
	CHECK_EQ(tpid, pid);
	CHECK_EQ(seen.parent, parent);
	if (MACH_PORT_VALID(seen.parent))
		CHECK_KR(mach_port_deallocate(TASK, seen.parent), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, seen.task), KERN_SUCCESS);
}

/* The pipe that keeps children alive: they inherit its read end (not
 * close-on-exec) and wait for the end of file. */
static int hold[2];
static char hold_arg[16];

static void
hold_open(void)
{
	CHECK_EQ(pipe2(hold, O_CLOEXEC), 0);
	CHECK_EQ(fcntl(hold[0], F_SETFD, 0), 0);
	snprintf(hold_arg, sizeof hold_arg, "%d", hold[0]);
}

static void
hold_release(void)
{
	close(hold[1]);
	close(hold[0]);
}

static int
child_wait(int fd)
{
	char c;

	if (!MACH_PORT_VALID(mach_task_self()))
		return 1;
	while (read(fd, &c, 1) > 0)
		;
	return 0;
}

static void
reap(pid_t pid)
{
	int status = -1;

	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A child that runs ARGV[2..] once we (no task) have exited: no task is
 * among its ancestors, so it is a task on its own. */
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

static void
test_errors(mach_port_t priv, mach_port_t port)
{
	mach_port_t host = mach_host_self();

	CHECK_KR(register_new_task_notification(host, port, MACH_MSG_TYPE_MAKE_SEND), KERN_INVALID_HOST);
	CHECK_KR(register_new_task_notification(TASK, port, MACH_MSG_TYPE_MAKE_SEND), KERN_INVALID_HOST);
	CHECK_KR(register_new_task_notification(MACH_PORT_NULL, port, MACH_MSG_TYPE_MAKE_SEND), MACH_SEND_INVALID_DEST);
	/* Nothing was kept: no send right exists. */
	CHECK_EQ(port_status(port).mps_srights, 0);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
}

int
main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "--child") == 0)
		return child_wait(atoi(argv[2]));
	if (argc > 2 && strcmp(argv[1], "--relay") == 0)
		return relay(argv);

	mach_port_t priv = MACH_PORT_NULL, port = testlib_port(), other = testlib_port();
	mach_port_t child = MACH_PORT_NULL;
	char *args[] = { "/proc/self/exe", "--child", hold_arg, NULL };
	char *relayed[] = { "/proc/self/exe", "--relay", "/proc/self/exe", "--child", hold_arg, NULL };
	pid_t pid;

	CHECK_KR(task_get_bootstrap_port(TASK, &priv), KERN_SUCCESS);
	test_errors(priv, port);

	/* Registered: the port gets a send right (made by the call). */
	CHECK_KR(register_new_task_notification(priv, port, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_EQ(port_status(port).mps_srights, 1);
	/* Once only. */
	CHECK_KR(register_new_task_notification(priv, other, MACH_MSG_TYPE_MAKE_SEND), KERN_NO_ACCESS);
	CHECK_EQ(port_status(other).mps_srights, 0);
	/* Nothing so far: tasks that exist are not announced. */
	CHECK_KR(receive(port, 0), MACH_RCV_TIMED_OUT);

	/* A fork child: its parent is us (our task port, our name for it). */
	hold_open();
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(hold[1]);
		_exit(child_wait(hold[0]));
	}
	expect_new_task(port, pid, TASK);
	hold_release();
	reap(pid);

	/* hell_task_spawn. */
	hold_open();
	CHECK_KR(hell_task_spawn("/proc/self/exe", args, NULL, NULL, NULL, &pid), KERN_SUCCESS);
	expect_new_task(port, pid, TASK);
	hold_release();
	reap(pid);

	/* task_create: announced when its process starts, not before. */
	CHECK_KR(task_create(TASK, FALSE, &child), KERN_SUCCESS);
	CHECK_KR(receive(port, 100), MACH_RCV_TIMED_OUT);
	hold_open();
	CHECK_KR(hell_task_exec(child, "/proc/self/exe", -1, args, NULL, NULL, &pid), KERN_SUCCESS);
	expect_new_task(port, pid, TASK);
	hold_release();
	reap(pid);
	CHECK_KR(mach_port_deallocate(TASK, child), KERN_SUCCESS);
	/* An embryo that ends without a process is never announced. */
	CHECK_KR(task_create(TASK, FALSE, &child), KERN_SUCCESS);
	CHECK_KR(task_terminate(child), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, child), KERN_SUCCESS);
	CHECK_KR(receive(port, 100), MACH_RCV_TIMED_OUT);

	/* A process we start with posix_spawn is our child task. */
	hold_open();
	CHECK_EQ(posix_spawn(&pid, args[0], NULL, NULL, args, environ), 0);
	expect_new_task(port, pid, TASK);
	hold_release();
	reap(pid);

	/* A process on its own (its parent, the relay, is no task). */
	hold_open();
	CHECK_EQ(posix_spawn(&pid, relayed[0], NULL, NULL, relayed, environ), 0);
	reap(pid);
	CHECK_KR(receive(port, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(seen.parent, MACH_PORT_NULL);
	CHECK_EQ(testlib_type(seen.task), MACH_PORT_TYPE_SEND);
	{
		int tpid = -1;

		CHECK_KR(hell_task_pid(seen.task, &tpid), KERN_SUCCESS);
		CHECK(tpid > 0 && tpid != pid && tpid != getpid());
	}
	CHECK_KR(mach_port_deallocate(TASK, seen.task), KERN_SUCCESS);
	hold_release();

	/* Once the registered port has died, another may be registered. */
	CHECK_KR(mach_port_destroy(TASK, port), KERN_SUCCESS);
	CHECK_KR(register_new_task_notification(priv, other, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	hold_open();
	CHECK_KR(hell_task_spawn("/proc/self/exe", args, NULL, NULL, NULL, &pid), KERN_SUCCESS);
	expect_new_task(other, pid, TASK);
	hold_release();
	reap(pid);

	CHECK_KR(mach_port_destroy(TASK, other), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, priv), KERN_SUCCESS);
	return TEST_DONE();
}

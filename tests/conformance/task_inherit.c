/* Conformance: what a new task inherits from the task that made it
 * (GNU Mach kern/ipc_tt.c, ipc_task_init: the registered ports, and the
 * bootstrap and exception ports, are copied from the parent), for a fork
 * child and for hell_task_spawn; and hell_task_pid on both.
 *
 * The children are this program again: --check N expects its first N
 * registered ports to be set and sends a message on each. */
#include <spawn.h>
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

/* In the child: N registered ports; a message (id 1000 + i) on each. */
static int
check_registered(int n)
{
	mach_port_t *got = NULL;
	mach_msg_type_number_t count = 0;
	int pid = -1;

	CHECK_KR(hell_task_pid(TASK, &pid), KERN_SUCCESS);
	CHECK_EQ(pid, getpid());
	CHECK_KR(mach_ports_lookup(TASK, &got, &count), KERN_SUCCESS);
	CHECK_EQ(count, TASK_PORT_REGISTER_MAX);
	for (int i = 0; i < (int) count; i++) {
		if (i < n)
			CHECK_KR(send_int(got[i], MACH_MSG_TYPE_COPY_SEND, getpid(), 1000 + i),
				 MACH_MSG_SUCCESS);
		else
			CHECK_EQ(got[i], MACH_PORT_NULL);
	}
	release_array(got, count);
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

/* The same from a process we do not know the pid of. */
static void
expect_any(mach_port_t port, mach_msg_id_t id)
{
	msgbuf_t buf;
	int_msg_t *m = (int_msg_t *) &buf;

	CHECK_KR(msg_recv(port, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, id);
	CHECK(m->value > 0 && m->value != getpid());
}

static void
reap(pid_t pid)
{
	int status = -1;

	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "--check") == 0)
		return check_registered(atoi(argv[2]));

	mach_port_t a = testlib_port_with_send(), b = testlib_port_with_send();
	mach_port_t two[2] = { a, b }, task = MACH_PORT_NULL;
	char *args[] = { "/proc/self/exe", "--check", "2", NULL };
	pid_t pid;
	int tpid = -1;

	CHECK_KR(hell_task_pid(TASK, &tpid), KERN_SUCCESS);
	CHECK_EQ(tpid, getpid());
	CHECK_KR(mach_ports_register(TASK, two, 2), KERN_SUCCESS);

	/* A fork child. */
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(check_registered(2));
	CHECK(pid > 0);
	expect_int(a, 1000, pid);
	expect_int(b, 1001, pid);
	reap(pid);

	/* A spawned task: its special ports are the ones given (none here),
	 * its registered ports its parent's. */
	CHECK_KR(hell_task_spawn("/proc/self/exe", args, NULL, NULL, &task, &pid), KERN_SUCCESS);
	CHECK_KR(hell_task_pid(task, &tpid), KERN_SUCCESS);
	CHECK_EQ(tpid, pid);
	expect_int(a, 1000, pid);
	expect_int(b, 1001, pid);
	reap(pid);
	/* A send right or, once machd saw the process end, a dead name. */
	CHECK_KR(mach_port_deallocate(TASK, task), KERN_SUCCESS);

	/* posix_spawn, no Mach call: the process is still our child task. */
	CHECK_EQ(posix_spawn(&pid, argv[0], NULL, NULL, args, environ), 0);
	expect_int(a, 1000, pid);
	expect_int(b, 1001, pid);
	reap(pid);

	/* Through a shell spawned the same way: the shell (no libmach) is no
	 * task, but its child still descends from our process, so it is our
	 * child task. */
	{
		char cmd[128];
		char *sh[] = { "sh", "-c", cmd, NULL };

		snprintf(cmd, sizeof cmd, "/proc/%d/exe --check 2; exit $?", (int) getpid());
		CHECK_EQ(posix_spawnp(&pid, "sh", NULL, NULL, sh, environ), 0);
		expect_any(a, 1000);
		expect_any(b, 1001);
		reap(pid);

		/* Two shells down from one hell_task_spawn started: the
		 * outer shell is a task (bound to its process), the inner
		 * one is not; the program is the outer shell's child task,
		 * with our registered ports passed on.  HELL_TASK_TOKEN,
		 * inherited through both, is not the program's own. */
		snprintf(cmd, sizeof cmd, "sh -c '/proc/%d/exe --check 2; exit $?'; exit $?",
			 (int) getpid());
		CHECK_KR(hell_task_spawn("sh", sh, NULL, NULL, NULL, &pid), KERN_SUCCESS);
		expect_any(a, 1000);
		expect_any(b, 1001);
		reap(pid);
	}
	CHECK_KR(mach_ports_register(TASK, NULL, 0), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, a), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, b), KERN_SUCCESS);
	return TEST_DONE();
}

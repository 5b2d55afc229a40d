/* fork() in a task makes a new task whose space has the parent's send
 * rights under the same names, and no receive rights (the Hurd's fork).
 * The child uses the copied right to send to the parent. */
#include "testlib.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct msg {
	mach_msg_header_t h;
	mach_msg_type_t t;
	int v;
	int pad;
};

int
main(void)
{
	mach_port_t port = testlib_port_with_send(), recv_only = testlib_port();
	struct msg m;
	pid_t pid;
	int status;

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* In the child: the send right is here under the same name,
		 * the receive rights are not. */
		int bad = 0;

		if (testlib_type(port) != MACH_PORT_TYPE_SEND)
			bad |= 1;
		if (testlib_type(recv_only) != 0)
			bad |= 2;
		memset(&m, 0, sizeof m);
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
		m.h.msgh_size = sizeof m;
		m.h.msgh_remote_port = port;
		m.h.msgh_id = 77;
		m.t = (mach_msg_type_t) { .msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32,
					  .msgt_number = 1, .msgt_inline = 1 };
		m.v = getpid();
		if (mach_msg(&m.h, MACH_SEND_MSG, sizeof m, 0, 0, 0, 0) != MACH_MSG_SUCCESS)
			bad |= 4;
		_exit(bad);
	}
	memset(&m, 0, sizeof m);
	CHECK_KR(mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof m, port, 10000, 0),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(m.h.msgh_id, 77);
	CHECK_EQ(m.v, pid);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK_KR(mach_port_destroy(mach_task_self(), port), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(mach_task_self(), recv_only), KERN_SUCCESS);
	return TEST_DONE();
}

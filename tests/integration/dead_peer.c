/* When a task dies, machd destroys its space as GNU Mach does: a server that
 * dies holding a client's reply right gives the client a send-once
 * notification, which MIG turns into MIG_SERVER_DIED; a dead-name
 * notification tells the client the server's port is gone. */
#include "testlib.h"
#include "echo.h"

#include <mach/notify.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(void)
{
	mach_port_t service = testlib_port_with_send(), notify = testlib_port(), prev;
	union {
		mach_msg_header_t h;
		mach_dead_name_notification_t dn;
		char buf[512];
	} m;
	pid_t pid;
	int status;

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* The "server": takes the service's receive right from the
		 * parent, receives one request, and dies without replying. */
		mach_port_t mine;
		union { mach_msg_header_t h; char buf[512]; } req;

		if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &mine) != KERN_SUCCESS)
			_exit(1);
		/* Tell the parent where to call: send it a send right. */
		struct {
			mach_msg_header_t h;
			mach_msg_type_t t;
			mach_port_name_inlined_t p;
		} give = { 0 };
		give.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
		give.h.msgh_size = sizeof give;
		give.h.msgh_remote_port = service;
		give.t = (mach_msg_type_t) { .msgt_name = MACH_MSG_TYPE_MAKE_SEND, .msgt_size = 64,
					     .msgt_number = 1, .msgt_inline = 1 };
		give.p.name = mine;
		if (mach_msg(&give.h, MACH_SEND_MSG, sizeof give, 0, 0, 0, 0) != MACH_MSG_SUCCESS)
			_exit(2);
		if (mach_msg(&req.h, MACH_RCV_MSG, 0, sizeof req, mine, 0, 0) != MACH_MSG_SUCCESS)
			_exit(3);
		kill(getpid(), SIGKILL);	/* dies holding the reply right */
		_exit(4);
	}
	/* Receive the server's port. */
	struct {
		mach_msg_header_t h;
		mach_msg_type_t t;
		mach_port_name_inlined_t p;
		char room[64];
	} got;
	CHECK_KR(mach_msg(&got.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof got, service, 10000, 0),
		 MACH_MSG_SUCCESS);
	mach_port_t server = got.p.name;
	CHECK_EQ(testlib_type(server), MACH_PORT_TYPE_SEND);
	CHECK_KR(mach_port_request_notification(mach_task_self(), server, MACH_NOTIFY_DEAD_NAME, 0,
						notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);

	/* The RPC: the server dies with our reply right. */
	CHECK_KR(echo_null(server), MIG_SERVER_DIED);

	/* And the dead-name notification names our right, now dead. */
	memset(&m, 0, sizeof m);
	CHECK_KR(mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof m, notify, 10000, 0),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(m.h.msgh_id, MACH_NOTIFY_DEAD_NAME);
	CHECK_EQ(m.dn.not_port, server);
	CHECK_EQ(testlib_type(server), MACH_PORT_TYPE_DEAD_NAME);
	/* The notification brought one more user reference. */
	CHECK_EQ(testlib_refs(server, MACH_PORT_RIGHT_DEAD_NAME), 2);
	CHECK_KR(mach_port_mod_refs(mach_task_self(), server, MACH_PORT_RIGHT_DEAD_NAME, -2), KERN_SUCCESS);

	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status));
	CHECK_KR(mach_port_destroy(mach_task_self(), service), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(mach_task_self(), notify), KERN_SUCCESS);
	return TEST_DONE();
}

/* Notifications raised by the death of forked tasks.
 *
 * No-senders: the parent makes one send right to P (make-send count 1),
 * forks three children, which get copies of it (fork copies send rights:
 * the count stays 1, as glibc's fork inserts them with COPY_SEND), and
 * drops its own.  The children die one by one (exit, SIGKILL, exit); only
 * when the last is gone does the no-senders notification come, with
 * not_count 1 (GNU Mach: ipc_port_release_send → ipc_notify_no_senders
 * when ip_srights drops to 0, carrying ip_mscount).
 *
 * Send-once: a child is given a send-once right to the parent's port Q in
 * a message and exits without using it; destroying its space destroys the
 * right, which sends MACH_NOTIFY_SEND_ONCE to Q (GNU Mach:
 * ipc_right_destroy / ipc_notify_send_once). */
#include "testlib.h"

#include <mach/notify.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 10000
#define QUIET_MS 300

struct port_msg {
	mach_msg_header_t h;
	mach_msg_type_t t;
	mach_port_name_inlined_t p;
};

union rcvbuf {
	mach_msg_header_t h;
	struct port_msg p;
	mach_no_senders_notification_t ns;
	mach_send_once_notification_t so;
	char buf[512];
};

static mach_msg_return_t
recv(mach_port_t from, union rcvbuf *m, mach_msg_timeout_t timeout)
{
	memset(m, 0, sizeof *m);
	return mach_msg(&m->h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof *m, from, timeout,
			MACH_PORT_NULL);
}

static mach_port_status_t
status_of(mach_port_t name)
{
	mach_port_status_t st;

	memset(&st, 0xff, sizeof st);
	if (mach_port_get_receive_status(mach_task_self(), name, &st) != KERN_SUCCESS)
		memset(&st, 0xff, sizeof st);
	return st;
}

static void
no_senders(void)
{
	mach_port_t p = testlib_port(), notify = testlib_port(), prev = 1;
	int go[3][2];
	pid_t pids[3];
	int status;
	union rcvbuf m;

	/* The send right first: a request on a port with no senders and a
	 * make-send count >= sync is answered at once (ipc_port_nsrequest). */
	CHECK_KR(mach_port_insert_right(mach_task_self(), p, p, MACH_MSG_TYPE_MAKE_SEND),
		 KERN_SUCCESS);
	CHECK_KR(mach_port_request_notification(mach_task_self(), p, MACH_NOTIFY_NO_SENDERS, 0,
						notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
		 KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);

	fflush(stdout);
	for (int i = 0; i < 3; i++) {
		CHECK(pipe(go[i]) == 0);
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0) {
			char b;

			testlib_failures = 0;
			/* Prove the right works, then wait to be let go. */
			close(go[i][1]);
			CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND);
			CHECK_KR(testlib_send_right(p, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, 700 + i,
						    WAIT_MS), MACH_MSG_SUCCESS);
			if (read(go[i][0], &b, 1) != 1)
				_exit(3);
			_exit(testlib_failures ? 1 : 0);
		}
		close(go[i][0]);
	}
	/* Each child reached P with its copy; the copies made no new send
	 * rights as far as the count goes. */
	for (int i = 0; i < 3; i++) {
		CHECK_KR(recv(p, &m, WAIT_MS), MACH_MSG_SUCCESS);
		CHECK(m.h.msgh_id >= 700 && m.h.msgh_id < 703);
	}
	CHECK_EQ(status_of(p).mps_mscount, 1);
	CHECK_KR(mach_port_deallocate(mach_task_self(), p), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(status_of(p).mps_srights, 1);

	/* Child 0 exits, child 1 is killed: the last sender still lives. */
	CHECK(write(go[0][1], "x", 1) == 1);
	CHECK(waitpid(pids[0], &status, 0) == pids[0]);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(kill(pids[1], SIGKILL) == 0);
	CHECK(waitpid(pids[1], &status, 0) == pids[1]);
	CHECK(WIFSIGNALED(status));
	CHECK_KR(recv(notify, &m, QUIET_MS), MACH_RCV_TIMED_OUT);
	CHECK_EQ(status_of(p).mps_srights, 1);

	/* The last one goes: no more senders. */
	CHECK(write(go[2][1], "x", 1) == 1);
	CHECK(waitpid(pids[2], &status, 0) == pids[2]);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_KR(recv(notify, &m, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(m.h.msgh_id, MACH_NOTIFY_NO_SENDERS);
	CHECK_EQ(m.h.msgh_local_port, notify);
	CHECK_EQ(m.h.msgh_remote_port, MACH_PORT_NULL);
	CHECK_EQ(m.h.msgh_size, sizeof(mach_no_senders_notification_t));
	CHECK_EQ(m.ns.not_count, 1);
	CHECK_EQ(status_of(p).mps_srights, 0);
	/* Only one. */
	CHECK_KR(recv(notify, &m, QUIET_MS), MACH_RCV_TIMED_OUT);

	for (int i = 0; i < 3; i++)
		close(go[i][1]);
	CHECK_KR(mach_port_destroy(mach_task_self(), p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(mach_task_self(), notify), KERN_SUCCESS);
}

static void
send_once(void)
{
	mach_port_t q = testlib_port(), rendez = testlib_port_with_send(), to_child;
	union rcvbuf m;
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		mach_port_t mine = testlib_port();

		testlib_failures = 0;
		CHECK_KR(testlib_send_right(rendez, mine, MACH_MSG_TYPE_MAKE_SEND, 800, WAIT_MS),
			 MACH_MSG_SUCCESS);
		CHECK_KR(recv(mine, &m, WAIT_MS), MACH_MSG_SUCCESS);
		CHECK_EQ(m.h.msgh_id, 801);
		CHECK_EQ(m.p.t.msgt_name, MACH_MSG_TYPE_PORT_SEND_ONCE);
		CHECK_EQ(testlib_type(m.p.p.name), MACH_PORT_TYPE_SEND_ONCE);
		/* Exit holding it, unused. */
		_exit(testlib_failures ? 1 : 0);
	}
	CHECK_KR(recv(rendez, &m, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(m.h.msgh_id, 800);
	to_child = m.p.p.name;
	CHECK_KR(testlib_send_right(to_child, q, MACH_MSG_TYPE_MAKE_SEND_ONCE, 801, WAIT_MS),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(status_of(q).mps_sorights, 1);

	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	CHECK_KR(recv(q, &m, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(m.h.msgh_id, MACH_NOTIFY_SEND_ONCE);
	CHECK_EQ(m.h.msgh_size, sizeof(mach_send_once_notification_t));
	CHECK_EQ(m.h.msgh_local_port, q);
	CHECK_EQ(m.h.msgh_remote_port, MACH_PORT_NULL);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(m.h.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
	CHECK_EQ(status_of(q).mps_sorights, 0);
	CHECK_KR(recv(q, &m, QUIET_MS), MACH_RCV_TIMED_OUT);

	CHECK_KR(mach_port_deallocate(mach_task_self(), to_child), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(mach_task_self(), q), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(mach_task_self(), rendez), KERN_SUCCESS);
}

int
main(void)
{
	no_senders();
	send_once();
	return TEST_DONE();
}

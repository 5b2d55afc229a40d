/* A receive right moves to another task with its queued messages.
 *
 * Task A (the parent) queues four messages on a port P, receives one (so
 * P's sequence number is 1), and moves P's receive right
 * (MACH_MSG_TYPE_MOVE_RECEIVE) to task B (a fork child) over a port B made
 * and gave A a send right to.  As in GNU Mach:
 *   - the queued messages go with the port, in order, rights included (one
 *     carries a send-once reply right to A's port Q, which B uses);
 *   - the sequence number and the make-send count restart at 0
 *     (ipc_right_copyin, MACH_MSG_TYPE_MOVE_RECEIVE, calls
 *     ipc_port_clear_receiver, which sets ip_seqno and ip_mscount to 0);
 *   - the receive right lands under the name of the send right B already
 *     had for P (fork copied it): a space has one name per port
 *     (ipc_object_copyout finds it with ipc_right_reverse);
 *   - A's send right to P still works: a fifth message sent after the move
 *     reaches B after the queued ones.
 * B checks with testlib and exits non-zero if a check failed. */
#include "testlib.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 10000

struct int_msg {
	mach_msg_header_t h;
	mach_msg_type_t t;
	int32_t v;
	int32_t pad;
};

struct port_msg {
	mach_msg_header_t h;
	mach_msg_type_t t;
	mach_port_name_inlined_t p;
};

union rcvbuf {
	mach_msg_header_t h;
	struct int_msg i;
	struct port_msg p;
	char buf[512];
};

static const mach_msg_type_t int_type = {
	.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 1, .msgt_inline = 1,
};

static mach_msg_return_t
send_int(mach_port_t dest, mach_port_t reply, mach_msg_type_name_t reply_disp,
	 mach_msg_id_t id, int32_t v)
{
	struct int_msg m;

	memset(&m, 0, sizeof m);
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, reply_disp);
	m.h.msgh_size = sizeof m;
	m.h.msgh_remote_port = dest;
	m.h.msgh_local_port = reply;
	m.h.msgh_id = id;
	m.t = int_type;
	m.v = v;
	return mach_msg(&m.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof m, 0, MACH_PORT_NULL,
			WAIT_MS, MACH_PORT_NULL);
}

static mach_msg_return_t
recv(mach_port_t from, union rcvbuf *m)
{
	memset(m, 0, sizeof *m);
	return mach_msg(&m->h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof *m, from, WAIT_MS,
			MACH_PORT_NULL);
}

/* Task B. */
static void
child(mach_port_t p, mach_port_t rendez)
{
	mach_port_t mine = testlib_port(), got;
	mach_port_status_t st;
	union rcvbuf m;

	testlib_failures = 0;	/* B's exit status tells B's own checks */
	/* fork gave B a send right to P under A's name, and no receive right. */
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND);
	CHECK_KR(testlib_send_right(rendez, mine, MACH_MSG_TYPE_MAKE_SEND, 1, WAIT_MS),
		 MACH_MSG_SUCCESS);

	/* The receive right arrives. */
	CHECK_KR(recv(mine, &m), MACH_MSG_SUCCESS);
	CHECK_EQ(m.h.msgh_id, 2);
	CHECK(m.h.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	CHECK_EQ(m.p.t.msgt_name, MACH_MSG_TYPE_PORT_RECEIVE);
	got = m.p.p.name;
	/* Coalesced with the send right B already had. */
	CHECK_EQ(got, p);
	CHECK_EQ(testlib_type(got), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_refs(got, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(testlib_refs(got, MACH_PORT_RIGHT_RECEIVE), 1);

	memset(&st, 0xff, sizeof st);
	CHECK_KR(mach_port_get_receive_status(mach_task_self(), got, &st), KERN_SUCCESS);
	CHECK_EQ(st.mps_seqno, 0);	/* ipc_port_clear_receiver */
	CHECK_EQ(st.mps_mscount, 0);
	CHECK_EQ(st.mps_srights, 1);	/* A's and B's send rights */
	CHECK_EQ(st.mps_pset, MACH_PORT_NULL);

	/* The three queued messages, in order, then the one A sent after the
	 * move; sequence numbers from 0. */
	for (int i = 0; i < 4; i++) {
		mach_msg_return_t mr = recv(got, &m);

		CHECK_KR(mr, MACH_MSG_SUCCESS);
		if (mr != MACH_MSG_SUCCESS)
			break;
		CHECK_EQ(m.h.msgh_id, 101 + i);
		CHECK_EQ(m.h.msgh_seqno, i);
		CHECK_EQ(m.h.msgh_local_port, got);
		CHECK_EQ(m.h.msgh_size, sizeof(struct int_msg));
		CHECK_EQ(m.i.t.msgt_name, MACH_MSG_TYPE_INTEGER_32);
		CHECK_EQ(m.i.v, 1000 + 101 + i);
		if (i == 1) {
			/* This one carried a send-once right to A's Q. */
			CHECK_EQ(MACH_MSGH_BITS_REMOTE(m.h.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
			CHECK(m.h.msgh_remote_port != MACH_PORT_NULL);
			CHECK_EQ(testlib_type(m.h.msgh_remote_port), MACH_PORT_TYPE_SEND_ONCE);
			struct int_msg r;
			memset(&r, 0, sizeof r);
			r.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
			r.h.msgh_size = sizeof r;
			r.h.msgh_remote_port = m.h.msgh_remote_port;
			r.h.msgh_id = 202;
			r.t = int_type;
			r.v = getpid();
			CHECK_KR(mach_msg(&r.h, MACH_SEND_MSG, sizeof r, 0, MACH_PORT_NULL, 0,
					  MACH_PORT_NULL), MACH_MSG_SUCCESS);
		} else {
			CHECK_EQ(m.h.msgh_remote_port, MACH_PORT_NULL);
		}
	}
	memset(&st, 0xff, sizeof st);
	CHECK_KR(mach_port_get_receive_status(mach_task_self(), got, &st), KERN_SUCCESS);
	CHECK_EQ(st.mps_msgcount, 0);
	CHECK_EQ(st.mps_seqno, 4);
	/* Nothing more. */
	CHECK_KR(mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof m, got, 0,
			  MACH_PORT_NULL), MACH_RCV_TIMED_OUT);
	/* B's space (P, mine) is destroyed when B exits. */
	_exit(testlib_failures ? 1 : 0);
}

int
main(void)
{
	mach_port_t p = testlib_port_with_send(), rendez = testlib_port_with_send();
	mach_port_t q = testlib_port(), to_b;
	mach_port_status_t st;
	union rcvbuf m;
	pid_t pid;
	int status;

	/* Four messages on P; the second carries a send-once right to Q. */
	for (int i = 0; i < 4; i++)
		CHECK_KR(send_int(p, i == 2 ? q : MACH_PORT_NULL,
				  i == 2 ? MACH_MSG_TYPE_MAKE_SEND_ONCE : 0, 100 + i, 1000 + 100 + i),
			 MACH_MSG_SUCCESS);
	/* A takes the first: P's next sequence number is 1. */
	CHECK_KR(recv(p, &m), MACH_MSG_SUCCESS);
	CHECK_EQ(m.h.msgh_id, 100);
	CHECK_EQ(m.h.msgh_seqno, 0);
	memset(&st, 0xff, sizeof st);
	CHECK_KR(mach_port_get_receive_status(mach_task_self(), p, &st), KERN_SUCCESS);
	CHECK_EQ(st.mps_seqno, 1);
	CHECK_EQ(st.mps_msgcount, 3);
	CHECK_EQ(st.mps_mscount, 1);
	memset(&st, 0xff, sizeof st);
	CHECK_KR(mach_port_get_receive_status(mach_task_self(), q, &st), KERN_SUCCESS);
	CHECK_EQ(st.mps_sorights, 1);	/* the one queued on P */

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		child(p, rendez);

	/* B's port. */
	CHECK_KR(recv(rendez, &m), MACH_MSG_SUCCESS);
	CHECK_EQ(m.h.msgh_id, 1);
	CHECK_EQ(m.p.t.msgt_name, MACH_MSG_TYPE_PORT_SEND);
	to_b = m.p.p.name;
	CHECK_EQ(testlib_type(to_b), MACH_PORT_TYPE_SEND);

	/* Move P's receive right to B; A keeps its send right under the
	 * same name. */
	CHECK_KR(testlib_send_right(to_b, p, MACH_MSG_TYPE_MOVE_RECEIVE, 2, WAIT_MS),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_port_get_receive_status(mach_task_self(), p, &st), KERN_INVALID_RIGHT);
	/* And A's send right still reaches P, now B's. */
	CHECK_KR(send_int(p, MACH_PORT_NULL, 0, 104, 1000 + 104), MACH_MSG_SUCCESS);

	/* B answers the send-once right that travelled in a queued message. */
	CHECK_KR(recv(q, &m), MACH_MSG_SUCCESS);
	CHECK_EQ(m.h.msgh_id, 202);
	CHECK_EQ(m.i.v, pid);

	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);

	/* P died with B: A's send right is (or is about to be) a dead name;
	 * either way one reference goes. */
	CHECK_KR(mach_port_deallocate(mach_task_self(), p), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(mach_task_self(), to_b), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(mach_task_self(), rendez), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(mach_task_self(), q), KERN_SUCCESS);
	return TEST_DONE();
}

/* Conformance: receive-right attributes.  mach_port_get_receive_status,
 * mach_port_set_qlimit, mach_port_set_mscount, mach_port_set_seqno and
 * protected payloads (manual 4.2.6, 4.3.6). */
#include "conformance.h"

static void
test_status_counts(void)
{
	mach_port_t p = testlib_port();
	mach_port_t so1, so2;
	mach_port_status_t st;
	msgbuf_t buf;

	/* Send rights, send-once rights and queued messages are counted. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	so1 = make_send_once(p);
	so2 = make_send_once(p);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 1, 1), MACH_MSG_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 2, 2), MACH_MSG_SUCCESS);
	st = port_status(p);
	CHECK_EQ(st.mps_pset, MACH_PORT_NULL);
	CHECK_EQ(st.mps_mscount, 1);
	CHECK_EQ(st.mps_srights, 1);
	CHECK_EQ(st.mps_sorights, 2);
	CHECK_EQ(st.mps_msgcount, 2);
	CHECK_EQ(st.mps_seqno, 0);

	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	st = port_status(p);
	CHECK_EQ(st.mps_msgcount, 1);
	CHECK_EQ(st.mps_seqno, 1);

	/* A send-once right used as a destination leaves our space, but it
	 * still exists, held by the queued message, until that is received. */
	CHECK_KR(send_empty(so1, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 3),
		 MACH_MSG_SUCCESS);
	CHECK(!name_exists(so1));
	st = port_status(p);
	CHECK_EQ(st.mps_sorights, 2);
	CHECK_EQ(st.mps_msgcount, 2);

	/* A queued message holds the send right it was sent to. */
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(port_status(p).mps_srights, 1);
	/* Deallocating a send-once right uses it for a send-once notification,
	 * which holds it until received (ipc_notify_send_once). */
	CHECK_KR(mach_port_deallocate(TASK, so2), KERN_SUCCESS);
	CHECK_EQ(port_status(p).mps_sorights, 2);
	CHECK_EQ(port_status(p).mps_msgcount, 3);
	CHECK_EQ(drain(p), 3);	/* message 2, message 3, the send-once notification */
	CHECK_EQ(port_status(p).mps_sorights, 0);
	CHECK_EQ(port_status(p).mps_srights, 0);
	CHECK_EQ(port_status(p).mps_seqno, 4);

	/* Errors. */
	{
		mach_port_t host = mach_host_self(), set = MACH_PORT_NULL;

		CHECK_KR(mach_port_get_receive_status(TASK, unused_name(0x3000), &st), KERN_INVALID_NAME);
		CHECK_KR(mach_port_get_receive_status(TASK, host, &st), KERN_INVALID_RIGHT);
		CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
		CHECK_KR(mach_port_get_receive_status(TASK, set, &st), KERN_INVALID_RIGHT);
		CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
		CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	}
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_qlimit(void)
{
	mach_port_t p = testlib_port_with_send();
	mach_port_t host = mach_host_self();

	CHECK_EQ(port_status(p).mps_qlimit, MACH_PORT_QLIMIT_DEFAULT);
	CHECK_KR(mach_port_set_qlimit(TASK, p, 1), KERN_SUCCESS);
	CHECK_EQ(port_status(p).mps_qlimit, 1);
	CHECK_KR(mach_port_set_qlimit(TASK, p, 0), KERN_SUCCESS);
	CHECK_EQ(port_status(p).mps_qlimit, 0);
	CHECK_KR(mach_port_set_qlimit(TASK, p, MACH_PORT_QLIMIT_MAX), KERN_SUCCESS);
	CHECK_EQ(port_status(p).mps_qlimit, MACH_PORT_QLIMIT_MAX);
	CHECK_KR(mach_port_set_qlimit(TASK, p, MACH_PORT_QLIMIT_MAX + 1), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_set_qlimit(TASK, p, (mach_port_msgcount_t) -1), KERN_INVALID_VALUE);
	CHECK_EQ(port_status(p).mps_qlimit, MACH_PORT_QLIMIT_MAX);

	/* The limit is checked before the name (mach_port_set_qlimit). */
	CHECK_KR(mach_port_set_qlimit(TASK, unused_name(0x3100), MACH_PORT_QLIMIT_MAX + 1),
		 KERN_INVALID_VALUE);
	CHECK_KR(mach_port_set_qlimit(TASK, unused_name(0x3100), 1), KERN_INVALID_NAME);
	CHECK_KR(mach_port_set_qlimit(TASK, host, 1), KERN_INVALID_RIGHT);

	/* Up to the limit, sends do not block. */
	{
		int i;

		for (i = 0; i < (int) MACH_PORT_QLIMIT_MAX; i++) {
			int_msg_t m;

			make_int_msg(&m, p, MACH_MSG_TYPE_COPY_SEND, i, 500 + i);
			CHECK_KR(msg_send(&m, MACH_SEND_TIMEOUT, 0), MACH_MSG_SUCCESS);
		}
		CHECK_EQ(queued(p), MACH_PORT_QLIMIT_MAX);
		CHECK_EQ(drain(p), (int) MACH_PORT_QLIMIT_MAX);
	}

	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_mscount(void)
{
	mach_port_t p = testlib_port();
	mach_port_t host = mach_host_self();

	CHECK_KR(mach_port_set_mscount(TASK, p, 10), KERN_SUCCESS);
	CHECK_EQ(port_status(p).mps_mscount, 10);
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_EQ(port_status(p).mps_mscount, 11);
	/* COPY_SEND makes no new send right from the receive right. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_COPY_SEND), KERN_SUCCESS);
	CHECK_EQ(port_status(p).mps_mscount, 11);
	/* MAKE_SEND in a message header counts too. */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_MAKE_SEND, 0, 1), MACH_MSG_SUCCESS);
	CHECK_EQ(port_status(p).mps_mscount, 12);
	CHECK_EQ(drain(p), 1);
	/* All values are valid. */
	CHECK_KR(mach_port_set_mscount(TASK, p, 0xffffffffu), KERN_SUCCESS);
	CHECK_EQ(port_status(p).mps_mscount, 0xffffffffu);
	CHECK_KR(mach_port_set_mscount(TASK, p, 0), KERN_SUCCESS);
	CHECK_EQ(port_status(p).mps_mscount, 0);

	CHECK_KR(mach_port_set_mscount(TASK, unused_name(0x3200), 1), KERN_INVALID_NAME);
	CHECK_KR(mach_port_set_mscount(TASK, host, 1), KERN_INVALID_RIGHT);

	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_seqno(void)
{
	mach_port_t p = testlib_port_with_send();
	mach_port_t host = mach_host_self();
	msgbuf_t buf;

	/* The next message received gets the set number. */
	CHECK_KR(mach_port_set_seqno(TASK, p, 42), KERN_SUCCESS);
	CHECK_EQ(port_status(p).mps_seqno, 42);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 0, 1), MACH_MSG_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 0, 2), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_seqno, 42);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_seqno, 43);
	CHECK_EQ(port_status(p).mps_seqno, 44);

	/* All values are valid, and the count wraps. */
	CHECK_KR(mach_port_set_seqno(TASK, p, 0xffffffffu), KERN_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 0, 3), MACH_MSG_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 0, 4), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_seqno, 0xffffffffu);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_seqno, 0);

	CHECK_KR(mach_port_set_seqno(TASK, unused_name(0x3300), 1), KERN_INVALID_NAME);
	CHECK_KR(mach_port_set_seqno(TASK, host, 1), KERN_INVALID_RIGHT);

	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_protected_payload(void)
{
	const rpc_uintptr_t payload = (rpc_uintptr_t) 0x1234567890abcdefULL;
	mach_port_t p = testlib_port_with_send();
	mach_port_t host = mach_host_self();
	mach_port_t so, set = MACH_PORT_NULL;
	msgbuf_t buf;

	CHECK_KR(mach_port_set_protected_payload(TASK, p, payload), KERN_SUCCESS);

	/* The payload replaces the local port name, and the local bits say so. */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 9, 600), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 600);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PROTECTED_PAYLOAD);
	CHECK(buf.head.msgh_protected_payload == payload);

	/* Also for a message to a send-once right, and with a reply port. */
	so = make_send_once(p);
	CHECK_KR(send_empty(so, MACH_MSG_TYPE_MOVE_SEND_ONCE, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, 601),
		 MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 601);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PROTECTED_PAYLOAD);
	CHECK_EQ(MACH_MSGH_BITS_REMOTE(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
	CHECK(buf.head.msgh_protected_payload == payload);
	CHECK(MACH_PORT_VALID(buf.head.msgh_remote_port));
	CHECK_EQ(testlib_type(buf.head.msgh_remote_port), MACH_PORT_TYPE_SEND_ONCE);
	/* ... and for notifications, as libports relies on. */
	CHECK_KR(mach_port_deallocate(TASK, buf.head.msgh_remote_port), KERN_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, MACH_NOTIFY_SEND_ONCE);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PROTECTED_PAYLOAD);
	CHECK(buf.head.msgh_protected_payload == payload);

	/* ... and when received through a port set. */
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_move_member(TASK, p, set), KERN_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 9, 602), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(set, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 602);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PROTECTED_PAYLOAD);
	CHECK(buf.head.msgh_protected_payload == payload);
	CHECK_KR(mach_port_move_member(TASK, p, MACH_PORT_NULL), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);

	/* Setting again replaces it. */
	CHECK_KR(mach_port_set_protected_payload(TASK, p, 77), KERN_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 9, 603), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PROTECTED_PAYLOAD);
	CHECK_EQ(buf.head.msgh_protected_payload, 77);

	/* Clearing brings the port name back. */
	CHECK_KR(mach_port_clear_protected_payload(TASK, p), KERN_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 9, 604), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(buf.head.msgh_local_port, p);
	/* Clearing a port without a payload is fine. */
	CHECK_KR(mach_port_clear_protected_payload(TASK, p), KERN_SUCCESS);

	/* A payload of zero is still a payload. */
	CHECK_KR(mach_port_set_protected_payload(TASK, p, 0), KERN_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 9, 605), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PROTECTED_PAYLOAD);
	CHECK_EQ(buf.head.msgh_protected_payload, 0);

	/* Errors. */
	CHECK_KR(mach_port_set_protected_payload(TASK, unused_name(0x3400), 1), KERN_INVALID_NAME);
	CHECK_KR(mach_port_set_protected_payload(TASK, host, 1), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_clear_protected_payload(TASK, unused_name(0x3400)), KERN_INVALID_NAME);
	CHECK_KR(mach_port_clear_protected_payload(TASK, host), KERN_INVALID_RIGHT);

	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_payload_cleared_on_move(void)
{
	mach_port_t p = testlib_port();
	mach_port_t carrier = testlib_port_with_send();
	mach_port_t moved;
	msgbuf_t buf;
	port_msg_t *pm = (port_msg_t *) &buf;

	/* When a receive right moves, its payload is cleared (manual 4.2.6;
	 * ipc_right_copyin clears it for MOVE_RECEIVE). */
	CHECK_KR(mach_port_set_protected_payload(TASK, p, 0xabc), KERN_SUCCESS);
	CHECK_KR(send_port(carrier, MACH_MSG_TYPE_COPY_SEND, p, MACH_MSG_TYPE_MOVE_RECEIVE, 700),
		 MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(carrier, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(pm->type.msgt_name, MACH_MSG_TYPE_PORT_RECEIVE);
	moved = pm->port.name;
	CHECK_EQ(testlib_type(moved), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(send_int(moved, MACH_MSG_TYPE_MAKE_SEND, 1, 701), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(moved, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(buf.head.msgh_local_port, moved);

	CHECK_KR(mach_port_destroy(TASK, moved), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, carrier), KERN_SUCCESS);
}

int
main(void)
{
	test_status_counts();
	test_qlimit();
	test_mscount();
	test_seqno();
	test_protected_payload();
	test_payload_cleared_on_move();
	return TEST_DONE();
}

/* Conformance: mach_port_insert_right and mach_port_extract_right with
 * every disposition, name coalescing, and their errors (manual 4.3.5;
 * GNU Mach ipc/mach_port.c, ipc_object_copyout_name).
 *
 * Both calls are RPCs to the task port: the right travels in the request
 * or reply message.  When the call fails, GNU Mach destroys the request
 * with the right it carries (ipc_kobject_server), so a send-once right
 * given to a failing insert_right produces a send-once notification. */
#include "conformance.h"

static void
test_insert_send(void)
{
	mach_port_t p = testlib_port();
	mach_port_t other = unused_name(0x1000);

	/* MAKE_SEND: a send right under the receive right's name; the
	 * make-send count goes up each time. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(port_status(p).mps_mscount, 1);
	CHECK_EQ(port_status(p).mps_srights, 1);
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);
	CHECK_EQ(port_status(p).mps_mscount, 2);

	/* COPY_SEND adds a reference, without a new make-send. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_COPY_SEND), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 3);
	CHECK_EQ(port_status(p).mps_mscount, 2);

	/* MOVE_SEND takes a reference out and puts it back. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MOVE_SEND), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 3);

	/* The task already holds rights for the port under another name. */
	CHECK_KR(mach_port_insert_right(TASK, other, p, MACH_MSG_TYPE_MAKE_SEND), KERN_RIGHT_EXISTS);
	CHECK_KR(mach_port_insert_right(TASK, other, p, MACH_MSG_TYPE_COPY_SEND), KERN_RIGHT_EXISTS);
	CHECK(!name_exists(other));
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 3);
	/* A moved reference is lost with the failed request. */
	CHECK_KR(mach_port_insert_right(TASK, other, p, MACH_MSG_TYPE_MOVE_SEND), KERN_RIGHT_EXISTS);
	CHECK(!name_exists(other));
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK(!name_exists(p));
}

static void
test_insert_send_only(void)
{
	mach_port_t host = mach_host_self();
	mach_port_urefs_t base = testlib_refs(host, MACH_PORT_RIGHT_SEND);
	mach_port_t h2 = mach_host_self();
	mach_port_t n = unused_name(0x1100);

	/* Send rights to a port whose receive right is elsewhere coalesce too
	 * (libmach may hold host references of its own: count from BASE). */
	CHECK(base >= 1);
	CHECK_EQ(host, h2);
	CHECK_EQ(testlib_refs(host, MACH_PORT_RIGHT_SEND), base + 1);
	CHECK_KR(mach_port_insert_right(TASK, host, host, MACH_MSG_TYPE_COPY_SEND), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(host, MACH_PORT_RIGHT_SEND), base + 2);
	CHECK_KR(mach_port_insert_right(TASK, n, host, MACH_MSG_TYPE_COPY_SEND), KERN_RIGHT_EXISTS);
	CHECK(!name_exists(n));

	/* The caller must hold the right it names: the request cannot be sent. */
	CHECK_KR(mach_port_insert_right(TASK, n, host, MACH_MSG_TYPE_MAKE_SEND),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(mach_port_insert_right(TASK, n, host, MACH_MSG_TYPE_MOVE_RECEIVE),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(mach_port_insert_right(TASK, n, unused_name(0x1200), MACH_MSG_TYPE_COPY_SEND),
		 MACH_SEND_INVALID_RIGHT);
	CHECK(!name_exists(n));
	CHECK_EQ(testlib_refs(host, MACH_PORT_RIGHT_SEND), base + 2);

	/* Give back the three references this test took. */
	CHECK_KR(mach_port_mod_refs(TASK, host, MACH_PORT_RIGHT_SEND, -3), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(host, MACH_PORT_RIGHT_SEND), base - 1);
}

static void
test_insert_send_once(void)
{
	mach_port_t p = testlib_port();
	mach_port_t n1 = unused_name(0x1300), n2;
	msgbuf_t buf;

	/* MAKE_SEND_ONCE: a send-once right under a fresh name. */
	CHECK_KR(mach_port_insert_right(TASK, n1, p, MACH_MSG_TYPE_MAKE_SEND_ONCE), KERN_SUCCESS);
	CHECK_EQ(testlib_type(n1), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_EQ(testlib_refs(n1, MACH_PORT_RIGHT_SEND_ONCE), 1);
	CHECK_EQ(port_status(p).mps_sorights, 1);
	CHECK_EQ(port_status(p).mps_mscount, 0);

	/* MOVE_SEND_ONCE moves it to another name. */
	n2 = unused_name(n1 + 1);
	CHECK_KR(mach_port_insert_right(TASK, n2, n1, MACH_MSG_TYPE_MOVE_SEND_ONCE), KERN_SUCCESS);
	CHECK(!name_exists(n1));
	CHECK_EQ(testlib_type(n2), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_EQ(port_status(p).mps_sorights, 1);

	/* A send-once right never joins an existing name, not even the
	 * receive right's: KERN_NAME_EXISTS, and the right, destroyed with
	 * the request, sends a send-once notification. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND_ONCE), KERN_NAME_EXISTS);
	EXPECT_MSG(p, &buf, MACH_NOTIFY_SEND_ONCE);
	CHECK_KR(mach_port_insert_right(TASK, n2, p, MACH_MSG_TYPE_MAKE_SEND_ONCE), KERN_NAME_EXISTS);
	EXPECT_MSG(p, &buf, MACH_NOTIFY_SEND_ONCE);
	EXPECT_NO_MSG(p);
	CHECK_EQ(port_status(p).mps_sorights, 1);

	CHECK_KR(mach_port_deallocate(TASK, n2), KERN_SUCCESS);
	EXPECT_MSG(p, &buf, MACH_NOTIFY_SEND_ONCE);
	CHECK_EQ(port_status(p).mps_sorights, 0);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_insert_receive(void)
{
	mach_port_t p = testlib_port();
	mach_port_t n = unused_name(0x1400);
	mach_port_t dead = MACH_PORT_NULL;
	mach_port_status_t st;
	msgbuf_t buf;

	/* Give the port some state: messages, a make-send count, a seqno. */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_MAKE_SEND, 1, 100), MACH_MSG_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_MAKE_SEND, 2, 101), MACH_MSG_SUCCESS);
	CHECK_KR(mach_port_set_seqno(TASK, p, 40), KERN_SUCCESS);

	/* MOVE_RECEIVE to a fresh name: the old name goes, the port keeps its
	 * queue; the make-send count and seqno are reset (manual 4.2.3, 4.2.6). */
	CHECK_KR(mach_port_insert_right(TASK, n, p, MACH_MSG_TYPE_MOVE_RECEIVE), KERN_SUCCESS);
	CHECK(!name_exists(p));
	CHECK_EQ(testlib_type(n), MACH_PORT_TYPE_RECEIVE);
	st = port_status(n);
	CHECK_EQ(st.mps_msgcount, 2);
	CHECK_EQ(st.mps_mscount, 0);
	CHECK_EQ(st.mps_seqno, 0);
	CHECK_KR(msg_recv(n, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 100);
	CHECK_EQ(buf.head.msgh_local_port, n);
	CHECK_EQ(buf.head.msgh_seqno, 0);

	/* With a send right under the name, the receive right comes back
	 * under that same name. */
	CHECK_KR(mach_port_insert_right(TASK, n, n, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(mach_port_insert_right(TASK, n, n, MACH_MSG_TYPE_MOVE_RECEIVE), KERN_SUCCESS);
	CHECK_EQ(testlib_type(n), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_refs(n, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(port_status(n).mps_mscount, 0);
	CHECK_EQ(port_status(n).mps_msgcount, 1);

	/* MOVE_RECEIVE into a name in use: KERN_NAME_EXISTS, and the receive
	 * right dies with the failed request.  Use a fresh receive-only port. */
	p = testlib_port();
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);
	CHECK_KR(mach_port_insert_right(TASK, dead, p, MACH_MSG_TYPE_MOVE_RECEIVE), KERN_NAME_EXISTS);
	CHECK(!name_exists(p));
	CHECK_EQ(testlib_type(dead), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(dead, MACH_PORT_RIGHT_DEAD_NAME), 1);

	CHECK_KR(mach_port_deallocate(TASK, dead), KERN_SUCCESS);
	CHECK_EQ(drain(n), 1);
	CHECK_KR(mach_port_destroy(TASK, n), KERN_SUCCESS);
}

static void
test_insert_errors(void)
{
	mach_port_t p = testlib_port_with_send();
	mach_port_t n = unused_name(0x1500);

	/* Reserved target names: KERN_INVALID_VALUE; the copied right is
	 * dropped with the request, ours is untouched. */
	CHECK_KR(mach_port_insert_right(TASK, MACH_PORT_NULL, p, MACH_MSG_TYPE_COPY_SEND),
		 KERN_INVALID_VALUE);
	CHECK_KR(mach_port_insert_right(TASK, MACH_PORT_DEAD, p, MACH_MSG_TYPE_COPY_SEND),
		 KERN_INVALID_VALUE);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);

	/* A null or dead right: KERN_INVALID_CAPABILITY. */
	CHECK_KR(mach_port_insert_right(TASK, n, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND),
		 KERN_INVALID_CAPABILITY);
	CHECK_KR(mach_port_insert_right(TASK, n, MACH_PORT_DEAD, MACH_MSG_TYPE_COPY_SEND),
		 KERN_INVALID_CAPABILITY);
	CHECK_KR(mach_port_insert_right(TASK, n, MACH_PORT_NULL, MACH_MSG_TYPE_MAKE_SEND_ONCE),
		 KERN_INVALID_CAPABILITY);
	CHECK(!name_exists(n));

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_extract(void)
{
	mach_port_t p = testlib_port();
	mach_port_t right, so, so2;
	mach_msg_type_name_t got;
	msgbuf_t buf;

	/* MAKE_SEND: the right comes back under the receive right's name. */
	right = MACH_PORT_NULL; got = 0;
	CHECK_KR(mach_port_extract_right(TASK, p, MACH_MSG_TYPE_MAKE_SEND, &right, &got), KERN_SUCCESS);
	CHECK_EQ(got, MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(right, p);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(port_status(p).mps_mscount, 1);

	/* COPY_SEND adds a reference. */
	right = MACH_PORT_NULL; got = 0;
	CHECK_KR(mach_port_extract_right(TASK, p, MACH_MSG_TYPE_COPY_SEND, &right, &got), KERN_SUCCESS);
	CHECK_EQ(got, MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(right, p);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);

	/* MOVE_SEND takes one out and it comes back. */
	right = MACH_PORT_NULL; got = 0;
	CHECK_KR(mach_port_extract_right(TASK, p, MACH_MSG_TYPE_MOVE_SEND, &right, &got), KERN_SUCCESS);
	CHECK_EQ(got, MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(right, p);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);
	CHECK_EQ(port_status(p).mps_mscount, 1);

	/* MAKE_SEND_ONCE: a new name. */
	so = MACH_PORT_NULL; got = 0;
	CHECK_KR(mach_port_extract_right(TASK, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &got), KERN_SUCCESS);
	CHECK_EQ(got, MACH_MSG_TYPE_PORT_SEND_ONCE);
	CHECK(MACH_PORT_VALID(so));
	CHECK(so != p);
	CHECK_EQ(testlib_type(so), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_EQ(port_status(p).mps_sorights, 1);

	/* MOVE_SEND_ONCE: the right moves (to some name). */
	so2 = MACH_PORT_NULL; got = 0;
	CHECK_KR(mach_port_extract_right(TASK, so, MACH_MSG_TYPE_MOVE_SEND_ONCE, &so2, &got), KERN_SUCCESS);
	CHECK_EQ(got, MACH_MSG_TYPE_PORT_SEND_ONCE);
	CHECK(MACH_PORT_VALID(so2));
	CHECK_EQ(testlib_type(so2), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_EQ(port_status(p).mps_sorights, 1);

	/* MOVE_RECEIVE: the receive right comes back; with our send rights
	 * under p it joins them there, and the make-send count is reset. */
	right = MACH_PORT_NULL; got = 0;
	CHECK_KR(mach_port_extract_right(TASK, p, MACH_MSG_TYPE_MOVE_RECEIVE, &right, &got), KERN_SUCCESS);
	CHECK_EQ(got, MACH_MSG_TYPE_PORT_RECEIVE);
	CHECK_EQ(right, p);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);
	CHECK_EQ(port_status(p).mps_mscount, 0);

	/* Wrong rights. */
	CHECK_KR(mach_port_extract_right(TASK, so2, MACH_MSG_TYPE_COPY_SEND, &right, &got),
		 KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_extract_right(TASK, so2, MACH_MSG_TYPE_MAKE_SEND, &right, &got),
		 KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_extract_right(TASK, p, MACH_MSG_TYPE_MOVE_SEND_ONCE, &right, &got),
		 KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_extract_right(TASK, unused_name(0x1600), MACH_MSG_TYPE_COPY_SEND,
					 &right, &got), KERN_INVALID_NAME);
	/* Not a port right disposition. */
	CHECK_KR(mach_port_extract_right(TASK, p, 0, &right, &got), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_extract_right(TASK, p, MACH_MSG_TYPE_PORT_NAME, &right, &got),
		 KERN_INVALID_VALUE);
	CHECK_KR(mach_port_extract_right(TASK, p, MACH_MSG_TYPE_INTEGER_32, &right, &got),
		 KERN_INVALID_VALUE);
	CHECK_KR(mach_port_extract_right(TASK, p, MACH_MSG_TYPE_MAKE_SEND_ONCE + 1, &right, &got),
		 KERN_INVALID_VALUE);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);

	CHECK_KR(mach_port_deallocate(TASK, so2), KERN_SUCCESS);
	EXPECT_MSG(p, &buf, MACH_NOTIFY_SEND_ONCE);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_extract_receive_only(void)
{
	mach_port_t p = testlib_port();
	mach_port_t right = MACH_PORT_NULL;
	mach_msg_type_name_t got = 0;

	CHECK_KR(send_int(p, MACH_MSG_TYPE_MAKE_SEND, 5, 200), MACH_MSG_SUCCESS);
	CHECK_KR(mach_port_extract_right(TASK, p, MACH_MSG_TYPE_MOVE_RECEIVE, &right, &got), KERN_SUCCESS);
	CHECK_EQ(got, MACH_MSG_TYPE_PORT_RECEIVE);
	CHECK(MACH_PORT_VALID(right));
	CHECK_EQ(testlib_type(right), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(queued(right), 1);
	if (right != p)
		CHECK(!name_exists(p));
	/* A receive right is no send right. */
	CHECK_KR(mach_port_extract_right(TASK, right, MACH_MSG_TYPE_COPY_SEND, &p, &got),
		 KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_extract_right(TASK, right, MACH_MSG_TYPE_MOVE_SEND, &p, &got),
		 KERN_INVALID_RIGHT);
	CHECK_EQ(drain(right), 1);
	CHECK_KR(mach_port_destroy(TASK, right), KERN_SUCCESS);
}

static void
test_extract_dead_and_set(void)
{
	mach_port_t d = MACH_PORT_NULL, set = MACH_PORT_NULL;
	mach_port_t right;
	mach_msg_type_name_t got;

	/* A dead name may stand for a send right: the caller gets
	 * MACH_PORT_DEAD (ipc_right_copyin with deadok). */
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &d), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_DEAD_NAME, 1), KERN_SUCCESS);
	right = MACH_PORT_NULL; got = 0;
	CHECK_KR(mach_port_extract_right(TASK, d, MACH_MSG_TYPE_COPY_SEND, &right, &got), KERN_SUCCESS);
	CHECK_EQ(right, MACH_PORT_DEAD);
	CHECK_EQ(got, MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), 2);
	right = MACH_PORT_NULL; got = 0;
	CHECK_KR(mach_port_extract_right(TASK, d, MACH_MSG_TYPE_MOVE_SEND, &right, &got), KERN_SUCCESS);
	CHECK_EQ(right, MACH_PORT_DEAD);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), 1);
	/* ... but never for a receive right. */
	CHECK_KR(mach_port_extract_right(TASK, d, MACH_MSG_TYPE_MAKE_SEND, &right, &got),
		 KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_extract_right(TASK, d, MACH_MSG_TYPE_MOVE_RECEIVE, &right, &got),
		 KERN_INVALID_RIGHT);
	right = MACH_PORT_NULL; got = 0;
	CHECK_KR(mach_port_extract_right(TASK, d, MACH_MSG_TYPE_MOVE_SEND_ONCE, &right, &got), KERN_SUCCESS);
	CHECK_EQ(right, MACH_PORT_DEAD);
	CHECK_EQ(got, MACH_MSG_TYPE_PORT_SEND_ONCE);
	CHECK(!name_exists(d));

	/* A port set can not leave the task. */
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_extract_right(TASK, set, MACH_MSG_TYPE_MOVE_RECEIVE, &right, &got),
		 KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_extract_right(TASK, set, MACH_MSG_TYPE_COPY_SEND, &right, &got),
		 KERN_INVALID_RIGHT);
	CHECK_EQ(testlib_type(set), MACH_PORT_TYPE_PORT_SET);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
}

int
main(void)
{
	test_insert_send();
	test_insert_send_only();
	test_insert_send_once();
	test_insert_receive();
	test_insert_errors();
	test_extract();
	test_extract_receive_only();
	test_extract_dead_and_set();
	return TEST_DONE();
}

/* Conformance: mach_msg error returns (manual 4.2.5, 4.2.6; GNU Mach
 * ipc/ipc_kmsg.c, ipc/mach_msg.c, ipc/ipc_mqueue.c).
 *
 * Header errors (MACH_SEND_MSG_TOO_SMALL for the size, INVALID_HEADER,
 * INVALID_DEST, INVALID_REPLY) leave everything as it was.  Body errors
 * (INVALID_TYPE, INVALID_RIGHT, INVALID_MEMORY, MSG_TOO_SMALL for a
 * truncated item) destroy the message, header rights included
 * (ipc_kmsg_clean_partial). */
#include "conformance.h"

static void
test_too_small(void)
{
	mach_port_t p = testlib_port_with_send();
	int_msg_t m;
	static const mach_msg_size_t sizes[] = { 0, 4, 8, 16, 24, 28, 31, 33, 36, 40 + 4, 47 };
	unsigned i;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		make_int_msg(&m, p, MACH_MSG_TYPE_COPY_SEND, 1, 1);
		CHECK_KR(mach_msg(&m.head, MACH_SEND_MSG, sizes[i], 0, MACH_PORT_NULL, 0,
				  MACH_PORT_NULL), MACH_SEND_MSG_TOO_SMALL);
	}
	/* Even with a destination that would be consumed. */
	make_int_msg(&m, p, MACH_MSG_TYPE_MOVE_SEND, 1, 1);
	CHECK_KR(mach_msg(&m.head, MACH_SEND_MSG, 36, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
		 MACH_SEND_MSG_TOO_SMALL);
	CHECK_EQ(queued(p), 0);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	/* 32 and 40 are fine (a 40-byte message: a header and a descriptor for
	 * zero items). */
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 2), MACH_MSG_SUCCESS);
	make_int_msg(&m, p, MACH_MSG_TYPE_COPY_SEND, 1, 3);
	m.type.msgt_number = 0;
	CHECK_KR(mach_msg(&m.head, MACH_SEND_MSG, 40, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(drain(p), 2);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_invalid_header(void)
{
	mach_port_t p = testlib_port_with_send(), r = testlib_port();
	static const mach_msg_type_name_t bad_remote[] = {
		0, MACH_MSG_TYPE_MOVE_RECEIVE, MACH_MSG_TYPE_PORT_NAME,
		MACH_MSG_TYPE_MAKE_SEND_ONCE + 1, MACH_MSG_TYPE_PROTECTED_PAYLOAD, 0x7f, 0xff,
	};
	mach_msg_header_t h;
	unsigned i;

	for (i = 0; i < sizeof bad_remote / sizeof bad_remote[0]; i++) {
		mhead(&h, MACH_MSGH_BITS(bad_remote[i], 0), sizeof h, p, MACH_PORT_NULL, 1);
		CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_HEADER);
	}
	/* The header bits are checked before the names. */
	mhead(&h, MACH_MSGH_BITS(0, 0), sizeof h, unused_name(0x100), MACH_PORT_NULL, 1);
	CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_HEADER);
	/* A reply port needs a send disposition; no disposition, no port. */
	mhead(&h, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sizeof h, p, r, 1);
	CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_HEADER);
	mhead(&h, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MOVE_RECEIVE), sizeof h, p, r, 1);
	CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_HEADER);
	mhead(&h, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_INTEGER_32), sizeof h, p, r, 1);
	CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_HEADER);
	mhead(&h, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0x80), sizeof h, p, r, 1);
	CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_HEADER);
	/* Nothing was consumed. */
	mhead(&h, MACH_MSGH_BITS(0x33, MACH_MSG_TYPE_MAKE_SEND_ONCE), sizeof h, p, r, 1);
	CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_HEADER);
	CHECK_EQ(queued(p), 0);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(port_status(r).mps_sorights, 0);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
}

static void
test_invalid_dest(void)
{
	mach_port_t p = testlib_port(), so = make_send_once(p);
	mach_port_t host = mach_host_self();
	mach_port_t set = MACH_PORT_NULL, dead = MACH_PORT_NULL;
	mach_port_urefs_t host_refs = testlib_refs(host, MACH_PORT_RIGHT_SEND);
	msgbuf_t buf;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);

	CHECK_KR(send_empty(unused_name(0x200), MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1),
		 MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1),
		 MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(MACH_PORT_DEAD, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1),
		 MACH_SEND_INVALID_DEST);
	/* The right must match the disposition. */
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_MOVE_SEND, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(so, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(so, MACH_MSG_TYPE_MOVE_SEND, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(so, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(host, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(host, MACH_MSG_TYPE_MAKE_SEND_ONCE, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(host, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(set, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(set, MACH_MSG_TYPE_MAKE_SEND_ONCE, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	/* A dead name is no destination, and is not consumed. */
	CHECK_KR(send_empty(dead, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(dead, MACH_MSG_TYPE_MOVE_SEND, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(dead, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 1), MACH_SEND_INVALID_DEST);
	CHECK_EQ(testlib_refs(dead, MACH_PORT_RIGHT_DEAD_NAME), 1);
	/* A send-once right can not be both destination and reply: the one
	 * use would destroy it for the other (ipc_kmsg_copyin_header). */
	CHECK_KR(send_empty(so, MACH_MSG_TYPE_MOVE_SEND_ONCE, so, MACH_MSG_TYPE_MOVE_SEND_ONCE, 1),
		 MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_MAKE_SEND, p, MACH_MSG_TYPE_MOVE_SEND_ONCE, 1),
		 MACH_SEND_INVALID_REPLY);

	/* Nothing was consumed. */
	CHECK_EQ(testlib_type(so), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_EQ(testlib_refs(host, MACH_PORT_RIGHT_SEND), host_refs);
	CHECK_EQ(queued(p), 0);
	CHECK_EQ(port_status(p).mps_mscount, 0);
	CHECK_EQ(port_status(p).mps_sorights, 1);

	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	EXPECT_MSG(p, &buf, MACH_NOTIFY_SEND_ONCE);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, dead), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_invalid_reply(void)
{
	mach_port_t p = testlib_port_with_send(), r = testlib_port();
	mach_port_t host = mach_host_self(), set = MACH_PORT_NULL, dead = MACH_PORT_NULL;
	mach_msg_return_t mr;
	msgbuf_t buf;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);

	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, unused_name(0x300), MACH_MSG_TYPE_COPY_SEND, 1),
		 MACH_SEND_INVALID_REPLY);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, r, MACH_MSG_TYPE_COPY_SEND, 1),
		 MACH_SEND_INVALID_REPLY);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, r, MACH_MSG_TYPE_MOVE_SEND_ONCE, 1),
		 MACH_SEND_INVALID_REPLY);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, host, MACH_MSG_TYPE_MAKE_SEND_ONCE, 1),
		 MACH_SEND_INVALID_REPLY);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, set, MACH_MSG_TYPE_MAKE_SEND, 1),
		 MACH_SEND_INVALID_REPLY);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, set, MACH_MSG_TYPE_COPY_SEND, 1),
		 MACH_SEND_INVALID_REPLY);
	/* The destination is left alone: a moved destination is not lost. */
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_MOVE_SEND, r, MACH_MSG_TYPE_COPY_SEND, 1),
		 MACH_SEND_INVALID_REPLY);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(queued(p), 0);

	/* Both MOVE_SEND from one reference: either error (manual 4.2.7). */
	mr = send_empty(p, MACH_MSG_TYPE_MOVE_SEND, p, MACH_MSG_TYPE_MOVE_SEND, 1);
	CHECK(mr == MACH_SEND_INVALID_DEST || mr == MACH_SEND_INVALID_REPLY);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);

	/* A dead name is a valid reply port: it arrives as MACH_PORT_DEAD. */
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, dead, MACH_MSG_TYPE_COPY_SEND, 2),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_refs(dead, MACH_PORT_RIGHT_DEAD_NAME), 1);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_remote_port, MACH_PORT_DEAD);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, dead, MACH_MSG_TYPE_MOVE_SEND, 3),
		 MACH_MSG_SUCCESS);
	CHECK(!name_exists(dead));
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_remote_port, MACH_PORT_DEAD);

	CHECK_EQ(port_status(r).mps_sorights, 0);
	CHECK_EQ(port_status(r).mps_mscount, 0);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
}

/* Send a complex message with one descriptor T and 8 bytes of data D. */
static mach_msg_return_t
send_with_type(mach_port_t dest, mach_msg_type_name_t dest_disp, mach_msg_type_t t, uint64_t d)
{
	struct {
		mach_msg_header_t head;
		mach_msg_type_t type;
		uint64_t data;
	} m;

	mhead(&m.head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(dest_disp, 0), sizeof m, dest,
	      MACH_PORT_NULL, 1);
	m.type = t;
	m.data = d;
	return msg_send(&m, 0, 0);
}

static void
test_invalid_type(void)
{
	mach_port_t p = testlib_port_with_send(), q = testlib_port_with_send(), r = testlib_port();
	mach_msg_type_t t;
	msgbuf_t buf;

	/* Inline port names take msgt_size 64 on x86_64. */
	CHECK_KR(send_with_type(p, MACH_MSG_TYPE_COPY_SEND, mtype(MACH_MSG_TYPE_COPY_SEND, 32, 1, 1, 0), q),
		 MACH_SEND_INVALID_TYPE);
	CHECK_KR(send_with_type(p, MACH_MSG_TYPE_COPY_SEND, mtype(MACH_MSG_TYPE_COPY_SEND, 8, 1, 1, 0), q),
		 MACH_SEND_INVALID_TYPE);
	CHECK_KR(send_with_type(p, MACH_MSG_TYPE_COPY_SEND, mtype(MACH_MSG_TYPE_MOVE_RECEIVE, 0, 1, 1, 0), q),
		 MACH_SEND_INVALID_TYPE);
	/* Out-of-line port arrays take msgt_size 32. */
	{
		mach_port_name_t names[1] = { q };

		CHECK_KR(send_with_type(p, MACH_MSG_TYPE_COPY_SEND,
					mtype(MACH_MSG_TYPE_COPY_SEND, 64, 1, 0, 0),
					(uint64_t) (uintptr_t) names), MACH_SEND_INVALID_TYPE);
	}
	/* msgt_unused must be zero. */
	t = mtype(MACH_MSG_TYPE_INTEGER_32, 32, 2, 1, 0);
	t.msgt_unused = 1;
	CHECK_KR(send_with_type(p, MACH_MSG_TYPE_COPY_SEND, t, 0), MACH_SEND_INVALID_TYPE);
	t.msgt_unused = 0x10;
	CHECK_KR(send_with_type(p, MACH_MSG_TYPE_COPY_SEND, t, 0), MACH_SEND_INVALID_TYPE);
	t = mtype(MACH_MSG_TYPE_COPY_SEND, 64, 1, 1, 0);
	t.msgt_unused = 2;
	CHECK_KR(send_with_type(p, MACH_MSG_TYPE_COPY_SEND, t, q), MACH_SEND_INVALID_TYPE);
	/* Deallocate makes no sense for inline data. */
	CHECK_KR(send_with_type(p, MACH_MSG_TYPE_COPY_SEND, mtype(MACH_MSG_TYPE_INTEGER_32, 32, 2, 1, 1), 0),
		 MACH_SEND_INVALID_TYPE);
	CHECK_KR(send_with_type(p, MACH_MSG_TYPE_COPY_SEND, mtype(MACH_MSG_TYPE_COPY_SEND, 64, 1, 1, 1), q),
		 MACH_SEND_INVALID_TYPE);
	CHECK_EQ(queued(p), 0);
	CHECK_EQ(testlib_refs(q, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);

	/* A body error destroys the header's rights: a moved destination
	 * reference is gone, a reply send-once right notifies. */
	{
		struct {
			mach_msg_header_t head;
			mach_msg_type_t type;
			uint64_t data;
		} m;

		CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 1), KERN_SUCCESS);
		mhead(&m.head, MACH_MSGH_BITS_COMPLEX |
		      MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE),
		      sizeof m, p, r, 1);
		m.type = mtype(MACH_MSG_TYPE_INTEGER_32, 32, 2, 1, 1);
		m.data = 0;
		CHECK_KR(msg_send(&m, 0, 0), MACH_SEND_INVALID_TYPE);
		CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
		EXPECT_MSG(r, &buf, MACH_NOTIFY_SEND_ONCE);
		CHECK_EQ(queued(p), 0);

		/* Sent to a send-once right: that right is destroyed too. */
		mhead(&m.head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND_ONCE, 0),
		      sizeof m, r, MACH_PORT_NULL, 1);
		CHECK_KR(msg_send(&m, 0, 0), MACH_SEND_INVALID_TYPE);
		EXPECT_MSG(r, &buf, MACH_NOTIFY_SEND_ONCE);
		EXPECT_NO_MSG(r);
	}

	/* Without the complex bit the body is not looked at. */
	{
		struct {
			mach_msg_header_t head;
			mach_msg_type_t type;
			uint64_t data;
		} m;

		mhead(&m.head, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sizeof m, p, MACH_PORT_NULL, 5);
		m.type = mtype(MACH_MSG_TYPE_COPY_SEND, 3, 1, 1, 1);
		m.type.msgt_unused = 0x1f;
		m.data = 0;
		CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
		CHECK_EQ(drain(p), 1);
	}

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
}

static void
test_invalid_right(void)
{
	mach_port_t p = testlib_port_with_send(), q = testlib_port(), so = make_send_once(q);
	mach_port_t host = mach_host_self(), set = MACH_PORT_NULL, dead = MACH_PORT_NULL;
	mach_port_urefs_t host_refs = testlib_refs(host, MACH_PORT_RIGHT_SEND);
	msgbuf_t buf;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);

	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, unused_name(0x400), MACH_MSG_TYPE_COPY_SEND, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, q, MACH_MSG_TYPE_COPY_SEND, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, q, MACH_MSG_TYPE_MOVE_SEND, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, q, MACH_MSG_TYPE_MOVE_SEND_ONCE, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, host, MACH_MSG_TYPE_MAKE_SEND, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, host, MACH_MSG_TYPE_MAKE_SEND_ONCE, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, host, MACH_MSG_TYPE_MOVE_RECEIVE, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, host, MACH_MSG_TYPE_MOVE_SEND_ONCE, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, so, MACH_MSG_TYPE_COPY_SEND, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, so, MACH_MSG_TYPE_MOVE_SEND, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, dead, MACH_MSG_TYPE_MAKE_SEND, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, dead, MACH_MSG_TYPE_MOVE_RECEIVE, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, set, MACH_MSG_TYPE_COPY_SEND, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, set, MACH_MSG_TYPE_MOVE_RECEIVE, 1),
		 MACH_SEND_INVALID_RIGHT);

	CHECK_EQ(queued(p), 0);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(testlib_type(q), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(testlib_type(so), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_EQ(testlib_refs(host, MACH_PORT_RIGHT_SEND), host_refs);
	CHECK_EQ(testlib_refs(dead, MACH_PORT_RIGHT_DEAD_NAME), 1);
	CHECK_EQ(port_status(q).mps_mscount, 0);

	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	EXPECT_MSG(q, &buf, MACH_NOTIFY_SEND_ONCE);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, dead), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

static void
test_rcv_invalid_name(void)
{
	mach_port_t p = testlib_port(), so = make_send_once(p);
	mach_port_t host = mach_host_self(), dead = MACH_PORT_NULL;
	msgbuf_t buf;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);
	CHECK_KR(msg_recv(unused_name(0x500), &buf, sizeof buf, 0), MACH_RCV_INVALID_NAME);
	CHECK_KR(msg_recv(MACH_PORT_NULL, &buf, sizeof buf, 0), MACH_RCV_INVALID_NAME);
	CHECK_KR(msg_recv(MACH_PORT_DEAD, &buf, sizeof buf, 0), MACH_RCV_INVALID_NAME);
	CHECK_KR(msg_recv(host, &buf, sizeof buf, 0), MACH_RCV_INVALID_NAME);
	CHECK_KR(msg_recv(so, &buf, sizeof buf, 0), MACH_RCV_INVALID_NAME);
	CHECK_KR(msg_recv(dead, &buf, sizeof buf, 0), MACH_RCV_INVALID_NAME);
	/* Without a timeout too: the name is checked before any wait. */
	CHECK_KR(mach_msg(&buf.head, MACH_RCV_MSG, 0, sizeof buf, host, 0, MACH_PORT_NULL),
		 MACH_RCV_INVALID_NAME);

	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	CHECK_EQ(drain(p), 1);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, dead), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_rcv_timeout(void)
{
	mach_port_t p = testlib_port();
	struct timespec t0;
	msgbuf_t buf;
	long ms;

	/* A zero timeout is legitimate. */
	t0 = now_mono();
	CHECK_KR(msg_recv(p, &buf, sizeof buf, 0), MACH_RCV_TIMED_OUT);
	CHECK(ms_since(t0) < 1000);

	/* 50 ms: no earlier than that (a lower bound only). */
	t0 = now_mono();
	CHECK_KR(msg_recv(p, &buf, sizeof buf, 50), MACH_RCV_TIMED_OUT);
	ms = ms_since(t0);
	CHECK(ms >= 45);
	CHECK(ms < 10000);

	/* A message already there is taken even with a zero timeout. */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_MAKE_SEND, 1, 1), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, 0), MACH_MSG_SUCCESS);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_rcv_too_large(void)
{
	mach_port_t p = testlib_port(), r = testlib_port(), x = testlib_port_with_send();
	int_msg_t m;
	msgbuf_t buf;
	port_msg_t pm;

	/* Without MACH_RCV_LARGE: the message is dequeued and destroyed, the
	 * caller gets its header with the destination but no reply port
	 * (manual 4.2.6).  GNU Mach leaves the real size in msgh_size. */
	make_int_msg(&m, p, MACH_MSG_TYPE_MAKE_SEND, 5, 1001);
	m.head.msgh_local_port = r;
	m.head.msgh_bits |= MACH_MSGH_BITS(0, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	memset(&buf, 0, sizeof buf);
	CHECK_KR(msg_recv(p, &buf, sizeof(int_msg_t) - 8, 0), MACH_RCV_TOO_LARGE);
	CHECK_EQ(buf.head.msgh_id, 1001);
	CHECK_EQ(buf.head.msgh_local_port, p);
	CHECK_EQ(buf.head.msgh_remote_port, MACH_PORT_NULL);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(buf.head.msgh_size, sizeof(int_msg_t));
	CHECK_EQ(queued(p), 0);
	CHECK_EQ(port_status(p).mps_seqno, 1);
	CHECK_EQ(port_status(p).mps_srights, 0);
	/* The reply send-once right was destroyed. */
	EXPECT_MSG(r, &buf, MACH_NOTIFY_SEND_ONCE);

	/* Rights in the body are destroyed too: a receive right dies. */
	make_port_msg(&pm, p, MACH_MSG_TYPE_MAKE_SEND, x, MACH_MSG_TYPE_MOVE_RECEIVE, 1002);
	CHECK_KR(msg_send(&pm, 0, 0), MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(x), MACH_PORT_TYPE_SEND);
	CHECK_KR(msg_recv(p, &buf, sizeof(mach_msg_header_t), 0), MACH_RCV_TOO_LARGE);
	CHECK_EQ(buf.head.msgh_id, 1002);
	CHECK_EQ(testlib_type(x), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_KR(mach_port_deallocate(TASK, x), KERN_SUCCESS);

	/* With MACH_RCV_LARGE: the message stays queued and msgh_size says how
	 * big a buffer it needs. */
	make_int_msg(&m, p, MACH_MSG_TYPE_MAKE_SEND, 6, 1003);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	memset(&buf, 0, sizeof buf);
	CHECK_KR(mach_msg(&buf.head, MACH_RCV_MSG | MACH_RCV_LARGE | MACH_RCV_TIMEOUT, 0,
			  sizeof(int_msg_t) - 8, p, 0, MACH_PORT_NULL), MACH_RCV_TOO_LARGE);
	CHECK_EQ(buf.head.msgh_size, sizeof(int_msg_t));
	CHECK_EQ(queued(p), 1);
	CHECK_EQ(port_status(p).mps_seqno, 2);
	/* Asking again with the size it gave works, and the seqno was not used. */
	CHECK_KR(mach_msg(&buf.head, MACH_RCV_MSG | MACH_RCV_LARGE | MACH_RCV_TIMEOUT, 0,
			  buf.head.msgh_size, p, 0, MACH_PORT_NULL), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 1003);
	CHECK_EQ(buf.head.msgh_seqno, 2);
	CHECK_EQ(((int_msg_t *) &buf)->value, 6);

	/* A buffer exactly the message's size is big enough. */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_MAKE_SEND, 7, 1004), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof(int_msg_t), 0), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 1004);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
}

static void
test_queue_limit(void)
{
	mach_port_t p = testlib_port();
	int_msg_t m;
	struct timespec t0;
	long ms;

	CHECK_KR(mach_port_set_qlimit(TASK, p, 1), KERN_SUCCESS);
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	make_int_msg(&m, p, MACH_MSG_TYPE_COPY_SEND, 1, 1);
	CHECK_KR(msg_send(&m, MACH_SEND_TIMEOUT, 0), MACH_MSG_SUCCESS);
	CHECK_EQ(queued(p), 1);

	/* The queue is full: a zero send timeout fails at once.  The message
	 * comes back by pseudo-receive: the destination right is given back
	 * to the caller, ready for a resend (manual 4.2.5). */
	make_int_msg(&m, p, MACH_MSG_TYPE_COPY_SEND, 2, 2);
	CHECK_KR(msg_send(&m, MACH_SEND_TIMEOUT, 0), MACH_SEND_TIMED_OUT);
	CHECK_EQ(queued(p), 1);
	CHECK_EQ(MACH_MSGH_BITS_REMOTE(m.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(m.head.msgh_remote_port, p);
	CHECK_EQ(m.value, 2);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);

	/* With 50 ms: it waits, then fails the same way. */
	make_int_msg(&m, p, MACH_MSG_TYPE_COPY_SEND, 3, 3);
	t0 = now_mono();
	CHECK_KR(msg_send(&m, MACH_SEND_TIMEOUT, 50), MACH_SEND_TIMED_OUT);
	ms = ms_since(t0);
	CHECK(ms >= 45);
	CHECK(ms < 10000);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 3);

	/* A MAKE_SEND destination comes back as a send right. */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND,
				    -(mach_port_delta_t) testlib_refs(p, MACH_PORT_RIGHT_SEND)),
		 KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	make_int_msg(&m, p, MACH_MSG_TYPE_MAKE_SEND, 4, 4);
	CHECK_KR(msg_send(&m, MACH_SEND_TIMEOUT, 0), MACH_SEND_TIMED_OUT);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(MACH_MSGH_BITS_REMOTE(m.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND);
	/* The returned message can be sent again as it is, once there is room. */
	CHECK_EQ(drain(p), 1);
	CHECK_KR(msg_send(&m, MACH_SEND_TIMEOUT, 0), MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(queued(p), 1);

	/* A send-once right ignores the queue limit. */
	make_int_msg(&m, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, 5, 5);
	CHECK_KR(msg_send(&m, MACH_SEND_TIMEOUT, 0), MACH_MSG_SUCCESS);
	CHECK_EQ(queued(p), 2);

	/* A queue limit of zero blocks every send but send-once ones. */
	CHECK_EQ(drain(p), 2);
	CHECK_KR(mach_port_set_qlimit(TASK, p, 0), KERN_SUCCESS);
	make_int_msg(&m, p, MACH_MSG_TYPE_MAKE_SEND, 6, 6);
	CHECK_KR(msg_send(&m, MACH_SEND_TIMEOUT, 0), MACH_SEND_TIMED_OUT);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	make_int_msg(&m, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, 7, 7);
	CHECK_KR(msg_send(&m, MACH_SEND_TIMEOUT, 0), MACH_MSG_SUCCESS);
	/* Raising the limit lets senders in again. */
	CHECK_KR(mach_port_set_qlimit(TASK, p, 2), KERN_SUCCESS);
	make_int_msg(&m, p, MACH_MSG_TYPE_MAKE_SEND, 8, 8);
	CHECK_KR(msg_send(&m, MACH_SEND_TIMEOUT, 0), MACH_MSG_SUCCESS);
	CHECK_EQ(drain(p), 2);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

int
main(void)
{
	test_too_small();
	test_invalid_header();
	test_invalid_dest();
	test_invalid_reply();
	test_invalid_type();
	test_invalid_right();
	test_rcv_invalid_name();
	test_rcv_timeout();
	test_rcv_too_large();
	test_queue_limit();
	return TEST_DONE();
}

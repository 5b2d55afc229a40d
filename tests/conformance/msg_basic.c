/* Conformance: mach_msg basics.  Inline data of several kinds, sequence
 * numbers, combined send and receive, header dispositions of the
 * destination and the reply port (manual 4.2.1-4.2.7). */
#include "conformance.h"

static void
test_simple(void)
{
	mach_port_t p = testlib_port_with_send();
	msgbuf_t buf;
	int_msg_t *im = (int_msg_t *) &buf;

	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 0x12345678, 42), MACH_MSG_SUCCESS);
	CHECK_EQ(queued(p), 1);
	memset(&buf, 0xa5, sizeof buf);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	/* Received: destination and reply swapped; the local bits tell the
	 * right the message was sent to (manual 4.2.6). */
	CHECK_EQ(buf.head.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND));
	CHECK_EQ(buf.head.msgh_size, sizeof(int_msg_t));
	CHECK_EQ(buf.head.msgh_local_port, p);
	CHECK_EQ(buf.head.msgh_remote_port, MACH_PORT_NULL);
	CHECK_EQ(buf.head.msgh_id, 42);
	CHECK_EQ(buf.head.msgh_seqno, 0);
	CHECK_EQ(im->type.msgt_name, MACH_MSG_TYPE_INTEGER_32);
	CHECK_EQ(im->type.msgt_size, 32);
	CHECK_EQ(im->type.msgt_number, 1);
	CHECK_EQ(im->type.msgt_inline, 1);
	CHECK_EQ(im->type.msgt_deallocate, 0);
	CHECK_EQ(im->value, 0x12345678);
	CHECK_EQ(queued(p), 0);
	/* Nothing beyond the message was written. */
	CHECK_EQ((unsigned char) buf.bytes[sizeof(int_msg_t)], 0xa5);

	/* The sender still has its send right (COPY_SEND). */
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

typedef struct {
	mach_msg_header_t head;
	mach_msg_type_t t_byte;
	uint8_t bytes[5];
	uint8_t pad1[3];
	mach_msg_type_t t_short;
	int16_t shorts[3];
	uint16_t pad2;
	mach_msg_type_t t_int;
	int32_t ints[3];
	int32_t pad3;
	mach_msg_type_t t_long;
	int64_t longs[2];
	mach_msg_type_t t_char;
	char chars[13];
	char pad4[3];
	mach_msg_type_t t_real;
	double real;
	mach_msg_type_t t_bool;
	int32_t flag;
	int32_t pad5;
	mach_msg_type_t t_name;
	mach_port_name_t name;
	int32_t pad6;
	mach_msg_type_t t_bits;
	uint32_t bits;
	uint32_t pad7;
	mach_msg_type_t t_empty;
} kinds_msg_t;
_Static_assert(sizeof(kinds_msg_t) == 208, "kinds_msg_t layout");

static void
make_kinds(kinds_msg_t *m, mach_port_t dest, mach_msg_bits_t extra)
{
	memset(m, 0, sizeof *m);
	mhead(&m->head, extra | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sizeof *m,
	      dest, MACH_PORT_NULL, 77);
	m->t_byte = mtype(MACH_MSG_TYPE_BYTE, 8, 5, 1, 0);
	memcpy(m->bytes, "\x01\x02\x03\xfe\xff", 5);
	m->t_short = mtype(MACH_MSG_TYPE_INTEGER_16, 16, 3, 1, 0);
	m->shorts[0] = -1; m->shorts[1] = 0x1234; m->shorts[2] = -32768;
	m->t_int = mtype(MACH_MSG_TYPE_INTEGER_32, 32, 3, 1, 0);
	m->ints[0] = -7; m->ints[1] = 0x7fffffff; m->ints[2] = 99;
	m->t_long = mtype(MACH_MSG_TYPE_INTEGER_64, 64, 2, 1, 0);
	m->longs[0] = 0x0123456789abcdefLL; m->longs[1] = -2;
	m->t_char = mtype(MACH_MSG_TYPE_CHAR, 8, 13, 1, 0);
	memcpy(m->chars, "hello, mach!", 13);
	m->t_real = mtype(MACH_MSG_TYPE_REAL, 64, 1, 1, 0);
	m->real = 3.25;
	m->t_bool = mtype(MACH_MSG_TYPE_BOOLEAN, 32, 1, 1, 0);
	m->flag = 1;
	/* A bare port name: no right is carried, the value is not translated. */
	m->t_name = mtype(MACH_MSG_TYPE_PORT_NAME, 32, 1, 1, 0);
	m->name = 0xdeadbeef;
	m->t_bits = mtype(MACH_MSG_TYPE_BIT, 1, 32, 1, 0);
	m->bits = 0x80000001;
	m->t_empty = mtype(MACH_MSG_TYPE_INTEGER_32, 32, 0, 1, 0);
}

static void
test_data_kinds(void)
{
	mach_port_t p = testlib_port_with_send();
	kinds_msg_t m;
	msgbuf_t buf;
	int complex;

	for (complex = 0; complex < 2; complex++) {
		/* With the complex bit, the kernel parses the body; a body with
		 * no port rights and no out-of-line memory comes out simple
		 * (ipc_kmsg_copyin_body). */
		make_kinds(&m, p, complex ? MACH_MSGH_BITS_COMPLEX : 0);
		CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
		CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
		CHECK_EQ(buf.head.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND));
		CHECK_EQ(buf.head.msgh_size, sizeof m);
		CHECK_EQ(buf.head.msgh_id, 77);
		CHECK_EQ(buf.head.msgh_seqno, complex);
		/* The body arrives byte for byte. */
		make_kinds(&m, p, 0);
		CHECK(memcmp(buf.bytes + sizeof m.head, (char *) &m + sizeof m.head,
			     sizeof m - sizeof m.head) == 0);
	}
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_large_inline(void)
{
	enum { N = 6000 };
	struct {
		mach_msg_header_t head;
		mach_msg_type_t type;
		unsigned char data[N];
	} m;
	static msgbuf_t buf;
	mach_port_t p = testlib_port();
	int i, ok = 1;

	_Static_assert(sizeof m % 8 == 0, "large inline layout");
	mhead(&m.head, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), sizeof m, p, MACH_PORT_NULL, 5);
	m.type = mtype(MACH_MSG_TYPE_BYTE, 8, N, 1, 0);
	for (i = 0; i < N; i++)
		m.data[i] = (unsigned char) (i * 7 + 3);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_size, sizeof m);
	for (i = 0; i < N; i++)
		if ((unsigned char) buf.bytes[sizeof m.head + sizeof m.type + i] != m.data[i])
			ok = 0;
	CHECK(ok);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_seqno_and_order(void)
{
	mach_port_t p = testlib_port_with_send();
	msgbuf_t buf;
	int i;

	for (i = 0; i < 5; i++)
		CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, i * 10, 100 + i), MACH_MSG_SUCCESS);
	CHECK_EQ(queued(p), 5);
	for (i = 0; i < 5; i++) {
		CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
		/* Reliable and in order, stamped 0, 1, 2 ... */
		CHECK_EQ(buf.head.msgh_id, 100 + i);
		CHECK_EQ(buf.head.msgh_seqno, i);
		CHECK_EQ(((int_msg_t *) &buf)->value, i * 10);
	}
	CHECK_EQ(port_status(p).mps_seqno, 5);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_header_fields(void)
{
	mach_port_t p = testlib_port_with_send();
	mach_msg_header_t h;
	msgbuf_t buf;

	/* A message may be just a header. */
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 7), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_size, sizeof(mach_msg_header_t));
	CHECK_EQ(buf.head.msgh_id, 7);

	/* The send size, not msgh_size, gives the size; the sender's seqno is
	 * ignored (copyinmsg sets msgh_size). */
	mhead(&h, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), 0xdeadbee8, p, MACH_PORT_NULL, 8);
	h.msgh_seqno = 1234;
	CHECK_KR(mach_msg(&h, MACH_SEND_MSG, sizeof h, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
		 MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_size, sizeof h);
	CHECK_EQ(buf.head.msgh_seqno, 1);
	CHECK_EQ(buf.head.msgh_id, 8);

	/* The unused header bits "should be zero"; GNU Mach does not check
	 * them (ipc_kmsg_copyin_header only looks at MACH_MSGH_BITS_PORTS). */
	mhead(&h, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | 0x00010000, sizeof h, p,
	      MACH_PORT_NULL, 9);
	CHECK_KR(msg_send(&h, 0, 0), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 9);

	/* Neither MACH_SEND_MSG nor MACH_RCV_MSG: nothing happens. */
	CHECK_KR(mach_msg(&h, 0, sizeof h, sizeof h, p, 0, MACH_PORT_NULL), MACH_MSG_SUCCESS);
	CHECK_EQ(queued(p), 0);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_send_and_receive(void)
{
	mach_port_t p = testlib_port_with_send(), r = testlib_port();
	msgbuf_t buf;
	mach_port_t reply;

	/* One call sends to P and receives from P. */
	make_int_msg((int_msg_t *) &buf, p, MACH_MSG_TYPE_COPY_SEND, 31, 310);
	CHECK_KR(mach_msg(&buf.head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
			  sizeof(int_msg_t), sizeof buf, p, WAIT_MS, MACH_PORT_NULL),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 310);
	CHECK_EQ(buf.head.msgh_local_port, p);
	CHECK_EQ(((int_msg_t *) &buf)->value, 31);

	/* An RPC with oneself: the request is sent even though the receive
	 * part times out ... */
	mhead(&buf.head, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE),
	      sizeof(mach_msg_header_t), p, r, 311);
	CHECK_KR(mach_msg(&buf.head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
			  sizeof(mach_msg_header_t), sizeof buf, r, 0, MACH_PORT_NULL),
		 MACH_RCV_TIMED_OUT);
	CHECK_EQ(queued(p), 1);
	/* ... the "server" takes it and replies and waits in one call ... */
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 311);
	reply = buf.head.msgh_remote_port;
	mhead(&buf.head, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0),
	      sizeof(mach_msg_header_t), reply, MACH_PORT_NULL, 411);
	CHECK_KR(mach_msg(&buf.head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
			  sizeof(mach_msg_header_t), sizeof buf, r, WAIT_MS, MACH_PORT_NULL),
		 MACH_MSG_SUCCESS);
	/* ... and gets its own reply. */
	CHECK_EQ(buf.head.msgh_id, 411);
	CHECK_EQ(buf.head.msgh_local_port, r);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
	CHECK(!name_exists(reply));
	CHECK_EQ(port_status(r).mps_sorights, 0);

	/* A failed send skips the receive. */
	mhead(&buf.head, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sizeof(mach_msg_header_t),
	      unused_name(0x9000), MACH_PORT_NULL, 312);
	CHECK_KR(mach_msg(&buf.head, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(mach_msg_header_t),
			  sizeof buf, r, 0, MACH_PORT_NULL), MACH_SEND_INVALID_DEST);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
}

static void
test_dest_dispositions(void)
{
	mach_port_t p = testlib_port(), so;
	mach_port_status_t st;
	msgbuf_t buf;

	/* MAKE_SEND: a send right made for the message, and used up by the
	 * receive. */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_MAKE_SEND, 1, 501), MACH_MSG_SUCCESS);
	st = port_status(p);
	CHECK_EQ(st.mps_mscount, 1);
	CHECK_EQ(st.mps_srights, 1);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(port_status(p).mps_srights, 0);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);

	/* MAKE_SEND_ONCE: likewise with a send-once right. */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_MAKE_SEND_ONCE, 2, 502), MACH_MSG_SUCCESS);
	CHECK_EQ(port_status(p).mps_sorights, 1);
	CHECK_EQ(port_status(p).mps_mscount, 1);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE));
	CHECK_EQ(buf.head.msgh_local_port, p);
	CHECK_EQ(port_status(p).mps_sorights, 0);

	/* COPY_SEND keeps the sender's references. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 1), KERN_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 3, 503), MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);

	/* MOVE_SEND takes one. */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_MOVE_SEND, 4, 504), MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_MOVE_SEND, 5, 505), MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(port_status(p).mps_srights, 1);	/* held by the queued messages */
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 503);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 504);
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 505);
	CHECK_EQ(port_status(p).mps_srights, 0);

	/* MOVE_SEND_ONCE uses the send-once right up. */
	so = make_send_once(p);
	CHECK_KR(send_int(so, MACH_MSG_TYPE_MOVE_SEND_ONCE, 6, 506), MACH_MSG_SUCCESS);
	CHECK(!name_exists(so));
	CHECK_EQ(port_status(p).mps_sorights, 1);	/* in the message */
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE));
	CHECK_EQ(buf.head.msgh_id, 506);
	CHECK_EQ(port_status(p).mps_sorights, 0);

	/* Sequence numbers counted every message. */
	CHECK_EQ(port_status(p).mps_seqno, 6);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_reply_dispositions(void)
{
	mach_port_t p = testlib_port_with_send(), r = testlib_port(), x, s;
	msgbuf_t buf;

	/* MAKE_SEND_ONCE: the receiver gets a send-once right under a new name. */
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, 601),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(port_status(r).mps_sorights, 1);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_bits,
		 MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND));
	x = buf.head.msgh_remote_port;
	CHECK(MACH_PORT_VALID(x));
	CHECK(x != r);
	CHECK_EQ(testlib_type(x), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_KR(send_empty(x, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 701), MACH_MSG_SUCCESS);
	CHECK(!name_exists(x));
	CHECK_KR(msg_recv(r, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 701);
	CHECK_EQ(buf.head.msgh_local_port, r);
	CHECK_EQ(port_status(r).mps_sorights, 0);

	/* MAKE_SEND: in the receiver's space a send right joins the name of
	 * the receive right we hold (coalescing). */
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, r, MACH_MSG_TYPE_MAKE_SEND, 602),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(port_status(r).mps_mscount, 1);
	CHECK_EQ(testlib_type(r), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(MACH_MSGH_BITS_REMOTE(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(buf.head.msgh_remote_port, r);
	CHECK_EQ(testlib_refs(r, MACH_PORT_RIGHT_SEND), 1);

	/* COPY_SEND: one more reference when received. */
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, r, MACH_MSG_TYPE_COPY_SEND, 603),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_refs(r, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_remote_port, r);
	CHECK_EQ(testlib_refs(r, MACH_PORT_RIGHT_SEND), 2);

	/* MOVE_SEND: gone while in transit, back when received. */
	CHECK_KR(mach_port_mod_refs(TASK, r, MACH_PORT_RIGHT_SEND, -1), KERN_SUCCESS);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, r, MACH_MSG_TYPE_MOVE_SEND, 604),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(r), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_remote_port, r);
	CHECK_EQ(testlib_refs(r, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_port_deallocate(TASK, r), KERN_SUCCESS);

	/* MOVE_SEND_ONCE: the sender's right moves to the receiver. */
	s = make_send_once(r);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, s, MACH_MSG_TYPE_MOVE_SEND_ONCE, 605),
		 MACH_MSG_SUCCESS);
	CHECK(!name_exists(s));
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(MACH_MSGH_BITS_REMOTE(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
	x = buf.head.msgh_remote_port;
	CHECK_EQ(testlib_type(x), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_KR(mach_port_deallocate(TASK, x), KERN_SUCCESS);
	CHECK_KR(msg_recv(r, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, MACH_NOTIFY_SEND_ONCE);

	/* MACH_PORT_DEAD is a legal reply port. */
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_DEAD, MACH_MSG_TYPE_COPY_SEND, 606),
		 MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 606);
	CHECK_EQ(buf.head.msgh_remote_port, MACH_PORT_DEAD);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
}

static void
test_same_dest_and_reply(void)
{
	mach_port_t p = testlib_port_with_send(), x;
	msgbuf_t buf;

	/* Destination and reply may be the same name. */
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_COPY_SEND, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, 801),
		 MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_local_port, p);
	x = buf.head.msgh_remote_port;
	CHECK_EQ(testlib_type(x), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_KR(send_empty(x, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 802), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 802);

	/* The header is handled atomically: MOVE_SEND for the destination and
	 * COPY_SEND for the reply may share the only reference (manual 4.2.7). */
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_MOVE_SEND, p, MACH_MSG_TYPE_COPY_SEND, 803),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_bits, MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, MACH_MSG_TYPE_PORT_SEND));
	CHECK_EQ(buf.head.msgh_remote_port, p);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);

	/* MOVE_SEND twice needs two references. */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 1), KERN_SUCCESS);
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_MOVE_SEND, p, MACH_MSG_TYPE_MOVE_SEND, 804),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_remote_port, p);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);

	/* MAKE_SEND for both. */
	CHECK_KR(send_empty(p, MACH_MSG_TYPE_MAKE_SEND, p, MACH_MSG_TYPE_MAKE_SEND, 805),
		 MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_remote_port, p);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_non_complex_body_is_data(void)
{
	mach_port_t p = testlib_port_with_send(), q = testlib_port_with_send();
	port_msg_t m;
	msgbuf_t buf;
	port_msg_t *pm = (port_msg_t *) &buf;

	/* Without the complex bit, a port descriptor is only data: nothing
	 * moves and the receiver gets the bytes (manual 4.2.2). */
	make_port_msg(&m, p, MACH_MSG_TYPE_COPY_SEND, q, MACH_MSG_TYPE_MOVE_SEND, 901);
	m.head.msgh_bits &= ~MACH_MSGH_BITS_COMPLEX;
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_refs(q, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK(!(buf.head.msgh_bits & MACH_MSGH_BITS_COMPLEX));
	CHECK_EQ(pm->type.msgt_name, MACH_MSG_TYPE_MOVE_SEND);
	CHECK_EQ(pm->port.name, q);
	CHECK_EQ(testlib_refs(q, MACH_PORT_RIGHT_SEND), 1);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

int
main(void)
{
	test_simple();
	test_data_kinds();
	test_large_inline();
	test_seqno_and_order();
	test_header_fields();
	test_send_and_receive();
	test_dest_dispositions();
	test_reply_dispositions();
	test_same_dest_and_reply();
	test_non_complex_body_is_data();
	return TEST_DONE();
}

/* Conformance: port rights in message bodies.  Inline rights of every
 * disposition, arrays, out-of-line port arrays, moving receive rights
 * with their queues, dead names, receive-right loops (manual 4.2.3,
 * 4.2.5; GNU Mach ipc/ipc_kmsg.c).
 *
 * x86_64: an inline port is an 8-byte mach_port_name_inlined_t with
 * msgt_size 64; an out-of-line port array holds 4-byte names, msgt_size 32,
 * in both directions. */
#include "conformance.h"

/* Send RIGHT with DISP to CARRIER and receive it back; return its new name
 * and check the received descriptor says RECEIVED_TYPE. */
static mach_port_t
pass(mach_port_t carrier, mach_port_t right, mach_msg_type_name_t disp,
     mach_msg_type_name_t received_type)
{
	msgbuf_t buf;
	port_msg_t *pm = (port_msg_t *) &buf;

	CHECK_KR(send_port(carrier, MACH_MSG_TYPE_COPY_SEND, right, disp, 1), MACH_MSG_SUCCESS);
	memset(&buf, 0, sizeof buf);
	CHECK_KR(msg_recv(carrier, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	/* A port item keeps a message complex, even MACH_PORT_NULL. */
	CHECK(buf.head.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	CHECK_EQ(buf.head.msgh_size, sizeof(port_msg_t));
	CHECK_EQ(pm->type.msgt_name, received_type);
	CHECK_EQ(pm->type.msgt_size, 64);
	CHECK_EQ(pm->type.msgt_number, 1);
	CHECK_EQ(pm->type.msgt_inline, 1);
	CHECK_EQ(pm->type.msgt_deallocate, 0);
	return pm->port.name;
}

static void
test_inline_dispositions(void)
{
	mach_port_t q = testlib_port_with_send(), p = testlib_port(), r = testlib_port();
	mach_port_t got, so;
	msgbuf_t buf;

	/* MAKE_SEND: a send right, coalesced with our receive right. */
	got = pass(q, p, MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(got, p);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(port_status(p).mps_mscount, 1);

	/* COPY_SEND: one more reference. */
	got = pass(q, p, MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(got, p);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);

	/* MOVE_SEND: out and back in. */
	got = pass(q, p, MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(got, p);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);
	CHECK_EQ(port_status(p).mps_mscount, 1);

	/* MAKE_SEND_ONCE: a send-once right, under its own name. */
	so = pass(q, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND_ONCE);
	CHECK(MACH_PORT_VALID(so));
	CHECK(so != p);
	CHECK_EQ(testlib_type(so), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_EQ(port_status(p).mps_sorights, 1);

	/* MOVE_SEND_ONCE: the right travels. */
	got = pass(q, so, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND_ONCE);
	CHECK(MACH_PORT_VALID(got));
	CHECK_EQ(testlib_type(got), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_EQ(port_status(p).mps_sorights, 1);
	CHECK_KR(mach_port_deallocate(TASK, got), KERN_SUCCESS);
	EXPECT_MSG(p, &buf, MACH_NOTIFY_SEND_ONCE);

	/* MOVE_RECEIVE of a receive-only name: the name goes with the right. */
	CHECK_KR(send_port(q, MACH_MSG_TYPE_COPY_SEND, r, MACH_MSG_TYPE_MOVE_RECEIVE, 2), MACH_MSG_SUCCESS);
	CHECK(!name_exists(r));
	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(((port_msg_t *) &buf)->type.msgt_name, MACH_MSG_TYPE_PORT_RECEIVE);
	r = ((port_msg_t *) &buf)->port.name;
	CHECK(MACH_PORT_VALID(r));
	CHECK_EQ(testlib_type(r), MACH_PORT_TYPE_RECEIVE);

	/* MOVE_RECEIVE of a send/receive name: the send right stays, and the
	 * receive right comes back to the same name. */
	got = pass(q, p, MACH_MSG_TYPE_MOVE_RECEIVE, MACH_MSG_TYPE_PORT_RECEIVE);
	CHECK_EQ(got, p);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);
	/* The make-send count restarts when the receive right moves. */
	CHECK_EQ(port_status(p).mps_mscount, 0);

	/* MACH_PORT_NULL and MACH_PORT_DEAD are always valid. */
	CHECK_EQ(pass(q, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_PORT_SEND), MACH_PORT_NULL);
	CHECK_EQ(pass(q, MACH_PORT_DEAD, MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_PORT_SEND),
		 MACH_PORT_DEAD);
	CHECK_EQ(pass(q, MACH_PORT_NULL, MACH_MSG_TYPE_MOVE_RECEIVE, MACH_MSG_TYPE_PORT_RECEIVE),
		 MACH_PORT_NULL);
	CHECK_EQ(pass(q, MACH_PORT_DEAD, MACH_MSG_TYPE_MAKE_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND_ONCE),
		 MACH_PORT_DEAD);

	CHECK_EQ(queued(q), 0);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

/* Several items in one message. */
typedef struct {
	mach_msg_header_t head;
	mach_msg_type_t t_ports;
	mach_port_name_inlined_t ports[4];
	mach_msg_type_t t_int;
	int32_t value;
	int32_t pad;
	mach_msg_type_t t_so;
	mach_port_name_inlined_t so;
	mach_msg_type_t t_rcv;
	mach_port_name_inlined_t rcv;
} multi_msg_t;
_Static_assert(sizeof(multi_msg_t) == 32 + 8 + 32 + 16 + 16 + 16, "multi_msg_t layout");

static void
test_arrays_and_mixed(void)
{
	mach_port_t q = testlib_port_with_send();
	mach_port_t p1 = testlib_port(), p2 = testlib_port(), r = testlib_port();
	multi_msg_t m;
	msgbuf_t buf;
	multi_msg_t *rm = (multi_msg_t *) &buf;

	mhead(&m.head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
	      sizeof m, q, MACH_PORT_NULL, 10);
	m.t_ports = mtype(MACH_MSG_TYPE_MAKE_SEND, 64, 4, 1, 0);
	m.ports[0] = inl(p1);
	m.ports[1] = inl(MACH_PORT_NULL);
	m.ports[2] = inl(p2);
	m.ports[3] = inl(p1);
	m.t_int = mtype(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1, 0);
	m.value = 4242;
	m.pad = 0;
	m.t_so = mtype(MACH_MSG_TYPE_MAKE_SEND_ONCE, 64, 1, 1, 0);
	m.so = inl(p2);
	m.t_rcv = mtype(MACH_MSG_TYPE_MOVE_RECEIVE, 64, 1, 1, 0);
	m.rcv = inl(r);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	CHECK_EQ(port_status(p1).mps_mscount, 2);
	CHECK_EQ(port_status(p2).mps_mscount, 1);
	CHECK(!name_exists(r));

	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_size, sizeof m);
	CHECK_EQ(rm->t_ports.msgt_name, MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(rm->t_ports.msgt_number, 4);
	CHECK_EQ(rm->ports[0].name, p1);
	CHECK_EQ(rm->ports[1].name, MACH_PORT_NULL);
	CHECK_EQ(rm->ports[2].name, p2);
	CHECK_EQ(rm->ports[3].name, p1);
	CHECK_EQ(testlib_refs(p1, MACH_PORT_RIGHT_SEND), 2);
	CHECK_EQ(testlib_refs(p2, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(rm->t_int.msgt_name, MACH_MSG_TYPE_INTEGER_32);
	CHECK_EQ(rm->value, 4242);
	CHECK_EQ(rm->t_so.msgt_name, MACH_MSG_TYPE_PORT_SEND_ONCE);
	CHECK_EQ(testlib_type(rm->so.name), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_EQ(rm->t_rcv.msgt_name, MACH_MSG_TYPE_PORT_RECEIVE);
	CHECK_EQ(testlib_type(rm->rcv.name), MACH_PORT_TYPE_RECEIVE);
	r = rm->rcv.name;

	CHECK_KR(mach_port_deallocate(TASK, rm->so.name), KERN_SUCCESS);
	CHECK_EQ(drain(p2), 1);
	CHECK_KR(mach_port_destroy(TASK, p1), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p2), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

static void
test_ool_port_arrays(void)
{
	mach_port_t q = testlib_port_with_send();
	mach_port_t p[3], r[2];
	mach_port_name_t names[3];
	mach_port_name_t *got;
	vm_address_t page = 0;
	ool_msg_t m;
	msgbuf_t buf;
	ool_msg_t *rm = (ool_msg_t *) &buf;
	int i;

	for (i = 0; i < 3; i++) {
		p[i] = testlib_port_with_send();
		names[i] = p[i];
	}

	/* COPY_SEND of three names, out of line. */
	mhead(&m.head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
	      sizeof m, q, MACH_PORT_NULL, 20);
	m.type = mtype(MACH_MSG_TYPE_COPY_SEND, 32, 3, 0, 0);
	m.addr = (vm_address_t) names;
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	names[0] = names[1] = names[2] = 0;	/* copy semantics: this does not matter */
	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK(buf.head.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	CHECK_EQ(rm->type.msgt_name, MACH_MSG_TYPE_PORT_SEND);
	CHECK_EQ(rm->type.msgt_size, 32);
	CHECK_EQ(rm->type.msgt_number, 3);
	CHECK_EQ(rm->type.msgt_inline, 0);
	CHECK_EQ(rm->type.msgt_deallocate, 1);
	got = (mach_port_name_t *) rm->addr;
	CHECK(got != NULL);
	if (got != NULL) {
		for (i = 0; i < 3; i++) {
			CHECK_EQ(got[i], p[i]);
			CHECK_EQ(testlib_refs(p[i], MACH_PORT_RIGHT_SEND), 2);
		}
		CHECK_KR(vm_deallocate(TASK, rm->addr, 3 * sizeof *got), KERN_SUCCESS);
	}

	/* MOVE_RECEIVE of two receive rights, from memory given up with
	 * msgt_deallocate; NULL and DEAD in between. */
	r[0] = testlib_port();
	r[1] = testlib_port();
	CHECK_KR(vm_allocate(TASK, &page, vm_page_size, TRUE), KERN_SUCCESS);
	((mach_port_name_t *) page)[0] = r[0];
	((mach_port_name_t *) page)[1] = MACH_PORT_NULL;
	((mach_port_name_t *) page)[2] = r[1];
	((mach_port_name_t *) page)[3] = MACH_PORT_DEAD;
	mhead(&m.head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
	      sizeof m, q, MACH_PORT_NULL, 21);
	m.type = mtype(MACH_MSG_TYPE_MOVE_RECEIVE, 32, 4, 0, 1);
	m.addr = page;
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	CHECK(!name_exists(r[0]));
	CHECK(!name_exists(r[1]));
	/* The page is gone from the sender: it can be allocated again there. */
	CHECK_KR(vm_allocate(TASK, &page, vm_page_size, FALSE), KERN_SUCCESS);
	CHECK_KR(vm_deallocate(TASK, page, vm_page_size), KERN_SUCCESS);
	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(rm->type.msgt_name, MACH_MSG_TYPE_PORT_RECEIVE);
	CHECK_EQ(rm->type.msgt_size, 32);
	CHECK_EQ(rm->type.msgt_number, 4);
	got = (mach_port_name_t *) rm->addr;
	CHECK(got != NULL);
	if (got != NULL) {
		CHECK_EQ(testlib_type(got[0]), MACH_PORT_TYPE_RECEIVE);
		CHECK_EQ(got[1], MACH_PORT_NULL);
		CHECK_EQ(testlib_type(got[2]), MACH_PORT_TYPE_RECEIVE);
		CHECK_EQ(got[3], MACH_PORT_DEAD);
		CHECK(got[0] != got[2]);
		r[0] = got[0];
		r[1] = got[2];
		CHECK_KR(vm_deallocate(TASK, rm->addr, 4 * sizeof *got), KERN_SUCCESS);
		CHECK_KR(mach_port_destroy(TASK, r[0]), KERN_SUCCESS);
		CHECK_KR(mach_port_destroy(TASK, r[1]), KERN_SUCCESS);
	}

	/* MAKE_SEND_ONCE out of line. */
	names[0] = p[0];
	names[1] = p[0];
	mhead(&m.head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
	      sizeof m, q, MACH_PORT_NULL, 22);
	m.type = mtype(MACH_MSG_TYPE_MAKE_SEND_ONCE, 32, 2, 0, 0);
	m.addr = (vm_address_t) names;
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	CHECK_EQ(port_status(p[0]).mps_sorights, 2);
	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(rm->type.msgt_name, MACH_MSG_TYPE_PORT_SEND_ONCE);
	got = (mach_port_name_t *) rm->addr;
	if (got != NULL) {
		CHECK(got[0] != got[1]);
		CHECK_EQ(testlib_type(got[0]), MACH_PORT_TYPE_SEND_ONCE);
		CHECK_EQ(testlib_type(got[1]), MACH_PORT_TYPE_SEND_ONCE);
	}
	destroy_received(&buf.head);
	CHECK_EQ(drain(p[0]), 2);

	/* An empty out-of-line array arrives as a null address. */
	mhead(&m.head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
	      sizeof m, q, MACH_PORT_NULL, 23);
	m.type = mtype(MACH_MSG_TYPE_COPY_SEND, 32, 0, 0, 0);
	m.addr = (vm_address_t) names;
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(rm->type.msgt_number, 0);
	CHECK_EQ(rm->addr, 0);

	/* A bad name in an out-of-line array. */
	names[0] = p[1];
	names[1] = unused_name(0x700);
	mhead(&m.head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
	      sizeof m, q, MACH_PORT_NULL, 24);
	m.type = mtype(MACH_MSG_TYPE_COPY_SEND, 32, 2, 0, 0);
	m.addr = (vm_address_t) names;
	CHECK_KR(msg_send(&m, 0, 0), MACH_SEND_INVALID_RIGHT);
	CHECK_EQ(testlib_refs(p[1], MACH_PORT_RIGHT_SEND), 2);

	for (i = 0; i < 3; i++)
		CHECK_KR(mach_port_destroy(TASK, p[i]), KERN_SUCCESS);
	CHECK_EQ(queued(q), 0);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

static void
test_move_receive_with_queue(void)
{
	mach_port_t q = testlib_port_with_send(), p = testlib_port_with_send();
	mach_port_t set = MACH_PORT_NULL, np;
	mach_port_status_t st;
	msgbuf_t buf;

	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 1, 31), MACH_MSG_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 2, 32), MACH_MSG_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 3, 33), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_seqno, 0);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_move_member(TASK, p, set), KERN_SUCCESS);

	/* The receive right travels with its queue; it leaves its set. */
	CHECK_KR(send_port(q, MACH_MSG_TYPE_COPY_SEND, p, MACH_MSG_TYPE_MOVE_RECEIVE, 30), MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND);
	CHECK_KR(msg_recv(set, &buf, sizeof buf, 0), MACH_RCV_TIMED_OUT);
	/* Senders may still send to a port in transit. */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 4, 34), MACH_MSG_SUCCESS);

	/* Give up the send right so the receive right comes back under a
	 * fresh name. */
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	CHECK(!name_exists(p));
	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	np = ((port_msg_t *) &buf)->port.name;
	CHECK_EQ(testlib_type(np), MACH_PORT_TYPE_RECEIVE);
	st = port_status(np);
	CHECK_EQ(st.mps_msgcount, 3);
	CHECK_EQ(st.mps_pset, MACH_PORT_NULL);
	CHECK_EQ(st.mps_seqno, 0);	/* reset when the receive right moves */
	CHECK_KR(msg_recv(np, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 32);
	CHECK_EQ(buf.head.msgh_seqno, 0);
	CHECK_EQ(buf.head.msgh_local_port, np);
	CHECK_KR(msg_recv(np, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 33);
	CHECK_KR(msg_recv(np, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 34);
	CHECK_EQ(buf.head.msgh_seqno, 2);

	CHECK_KR(mach_port_destroy(TASK, np), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

static void
test_dead_names(void)
{
	mach_port_t q = testlib_port_with_send(), d = MACH_PORT_NULL;
	mach_port_t x = testlib_port_with_send(), y = testlib_port();
	msgbuf_t buf;
	port_msg_t *pm = (port_msg_t *) &buf;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &d), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_DEAD_NAME, 1), KERN_SUCCESS);

	/* A dead name stands for a dead send or send-once right: the receiver
	 * gets MACH_PORT_DEAD; COPY keeps the reference, MOVE takes it. */
	CHECK_EQ(pass(q, d, MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_PORT_SEND), MACH_PORT_DEAD);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), 2);
	CHECK_EQ(pass(q, d, MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_PORT_SEND), MACH_PORT_DEAD);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), 1);
	CHECK_EQ(pass(q, d, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND_ONCE), MACH_PORT_DEAD);
	CHECK(!name_exists(d));

	/* A right whose port dies in transit arrives as MACH_PORT_DEAD. */
	CHECK_KR(send_port(q, MACH_MSG_TYPE_COPY_SEND, x, MACH_MSG_TYPE_COPY_SEND, 40), MACH_MSG_SUCCESS);
	CHECK_KR(send_port(q, MACH_MSG_TYPE_COPY_SEND, y, MACH_MSG_TYPE_MAKE_SEND_ONCE, 41), MACH_MSG_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, x, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, y, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	CHECK_EQ(testlib_type(x), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 40);
	CHECK_EQ(pm->port.name, MACH_PORT_DEAD);
	CHECK_EQ(testlib_refs(x, MACH_PORT_RIGHT_DEAD_NAME), 1);
	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 41);
	CHECK_EQ(pm->port.name, MACH_PORT_DEAD);

	CHECK_KR(mach_port_deallocate(TASK, x), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

/* Wait until NAME's type is TYPE (a loop may be collected a bit later). */
static mach_port_type_t
wait_type(mach_port_t name, mach_port_type_t type)
{
	struct timespec t0 = now_mono(), d = { 0, 10 * 1000 * 1000 };
	mach_port_type_t t;

	while ((t = testlib_type(name)) != type && ms_since(t0) < WAIT_MS)
		nanosleep(&d, NULL);
	return t;
}

static void
test_receive_right_loops(void)
{
	mach_port_t p = testlib_port_with_send(), a = testlib_port_with_send(), b = testlib_port_with_send();

	/* A receive right sent to its own port: a loop that can never be
	 * received; the kernel destroys it (manual 4.2.5). */
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, p, MACH_MSG_TYPE_MOVE_RECEIVE, 50), MACH_MSG_SUCCESS);
	CHECK_EQ(wait_type(p, MACH_PORT_TYPE_DEAD_NAME), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);

	/* Two ports, each in a message queued on the other. */
	CHECK_KR(send_port(b, MACH_MSG_TYPE_COPY_SEND, a, MACH_MSG_TYPE_MOVE_RECEIVE, 51), MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(a), MACH_PORT_TYPE_SEND);
	CHECK_KR(send_port(a, MACH_MSG_TYPE_COPY_SEND, b, MACH_MSG_TYPE_MOVE_RECEIVE, 52), MACH_MSG_SUCCESS);
	CHECK_EQ(wait_type(a, MACH_PORT_TYPE_DEAD_NAME), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(wait_type(b, MACH_PORT_TYPE_DEAD_NAME), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_KR(mach_port_deallocate(TASK, a), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, b), KERN_SUCCESS);

	/* A receive-only port sent to itself with MAKE_SEND: nothing is left. */
	p = testlib_port();
	CHECK_KR(send_port(p, MACH_MSG_TYPE_MAKE_SEND, p, MACH_MSG_TYPE_MOVE_RECEIVE, 53), MACH_MSG_SUCCESS);
	CHECK(!name_exists(p));
}

int
main(void)
{
	test_inline_dispositions();
	test_arrays_and_mixed();
	test_ool_port_arrays();
	test_move_receive_with_queue();
	test_dead_names();
	test_receive_right_loops();
	return TEST_DONE();
}

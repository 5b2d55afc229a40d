/* Conformance: port sets.  mach_port_allocate(PORT_SET),
 * mach_port_move_member, mach_port_get_set_status, receiving from a set,
 * MACH_RCV_IN_SET (manual 4.1, 4.2.6, 4.3.7; GNU Mach ipc/ipc_pset.c). */
#include <pthread.h>
#include "conformance.h"

/* The members of SET, sorted into OUT; returns the count (or -1). */
static int
members(mach_port_t set, mach_port_t *out, int max)
{
	mach_port_name_t *m = NULL;
	mach_msg_type_number_t n = 0, i, j;

	if (mach_port_get_set_status(TASK, set, &m, &n) != KERN_SUCCESS)
		return -1;
	for (i = 0; i < n && (int) i < max; i++)
		out[i] = m[i];
	for (i = 0; i < n && (int) i < max; i++)
		for (j = i + 1; j < n && (int) j < max; j++)
			if (out[j] < out[i]) {
				mach_port_t t = out[i];
				out[i] = out[j];
				out[j] = t;
			}
	if (n != 0)
		(void) vm_deallocate(TASK, (vm_address_t) m, n * sizeof *m);
	return (int) n;
}

static void
test_membership(void)
{
	mach_port_t set = MACH_PORT_NULL, set2 = MACH_PORT_NULL;
	mach_port_t p1 = testlib_port(), p2 = testlib_port();
	mach_port_t lo = p1 < p2 ? p1 : p2, hi = p1 < p2 ? p2 : p1;
	mach_port_t m[4];

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set2), KERN_SUCCESS);
	/* A new set has no members. */
	CHECK_EQ(members(set, m, 4), 0);

	CHECK_KR(mach_port_move_member(TASK, p1, set), KERN_SUCCESS);
	CHECK_KR(mach_port_move_member(TASK, p2, set), KERN_SUCCESS);
	CHECK_EQ(members(set, m, 4), 2);
	CHECK_EQ(m[0], lo);
	CHECK_EQ(m[1], hi);
	CHECK_EQ(port_status(p1).mps_pset, set);
	CHECK_EQ(port_status(p2).mps_pset, set);
	/* Adding a member again is harmless. */
	CHECK_KR(mach_port_move_member(TASK, p1, set), KERN_SUCCESS);
	CHECK_EQ(members(set, m, 4), 2);

	/* Moving to another set leaves the first one (atomically). */
	CHECK_KR(mach_port_move_member(TASK, p1, set2), KERN_SUCCESS);
	CHECK_EQ(members(set, m, 4), 1);
	CHECK_EQ(m[0], p2);
	CHECK_EQ(members(set2, m, 4), 1);
	CHECK_EQ(m[0], p1);
	CHECK_EQ(port_status(p1).mps_pset, set2);

	/* MACH_PORT_NULL takes a port out of its set. */
	CHECK_KR(mach_port_move_member(TASK, p1, MACH_PORT_NULL), KERN_SUCCESS);
	CHECK_EQ(members(set2, m, 4), 0);
	CHECK_EQ(port_status(p1).mps_pset, MACH_PORT_NULL);
	CHECK_KR(mach_port_move_member(TASK, p1, MACH_PORT_NULL), KERN_NOT_IN_SET);

	/* Destroying a member takes it out of the set. */
	CHECK_KR(mach_port_destroy(TASK, p2), KERN_SUCCESS);
	CHECK_EQ(members(set, m, 4), 0);

	/* Destroying a set releases its members, which live on. */
	CHECK_KR(mach_port_move_member(TASK, p1, set), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p1), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(port_status(p1).mps_pset, MACH_PORT_NULL);
	CHECK_KR(mach_port_move_member(TASK, p1, MACH_PORT_NULL), KERN_NOT_IN_SET);

	CHECK_KR(mach_port_destroy(TASK, p1), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set2), KERN_SUCCESS);
}

static void
test_errors(void)
{
	mach_port_t set = MACH_PORT_NULL, set2 = MACH_PORT_NULL, dead = MACH_PORT_NULL;
	mach_port_t p = testlib_port_with_send(), q = testlib_port();
	mach_port_t so = make_send_once(q);
	mach_port_t free_name = unused_name(0x2000);
	mach_port_name_t *m = NULL;
	mach_msg_type_number_t n = 0;
	mach_port_t host = mach_host_self();
	msgbuf_t buf;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set2), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);

	/* MEMBER must be a receive right. */
	CHECK_KR(mach_port_move_member(TASK, free_name, set), KERN_INVALID_NAME);
	CHECK_KR(mach_port_move_member(TASK, set2, set), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_move_member(TASK, dead, set), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_move_member(TASK, so, set), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_move_member(TASK, host, set), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_move_member(TASK, set, MACH_PORT_NULL), KERN_INVALID_RIGHT);
	/* AFTER must be a port set (or MACH_PORT_NULL). */
	CHECK_KR(mach_port_move_member(TASK, p, free_name), KERN_INVALID_NAME);
	CHECK_KR(mach_port_move_member(TASK, p, q), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_move_member(TASK, p, p), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_move_member(TASK, p, dead), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_move_member(TASK, p, MACH_PORT_DEAD), KERN_INVALID_NAME);
	CHECK_EQ(port_status(p).mps_pset, MACH_PORT_NULL);

	/* get_set_status wants a port set. */
	CHECK_KR(mach_port_get_set_status(TASK, free_name, &m, &n), KERN_INVALID_NAME);
	CHECK_KR(mach_port_get_set_status(TASK, p, &m, &n), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_get_set_status(TASK, dead, &m, &n), KERN_INVALID_RIGHT);

	/* A port set has no receive status and takes no messages. */
	CHECK_KR(send_empty(set, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1),
		 MACH_SEND_INVALID_DEST);
	CHECK_KR(send_empty(set, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 1),
		 MACH_SEND_INVALID_DEST);
	{
		mach_port_status_t st;

		CHECK_KR(mach_port_get_receive_status(TASK, set, &st), KERN_INVALID_RIGHT);
	}

	/* Port-set rights can not travel in messages (manual 4.1). */
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, set, MACH_MSG_TYPE_MOVE_RECEIVE, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, set, MACH_MSG_TYPE_MAKE_SEND, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(send_port(p, MACH_MSG_TYPE_COPY_SEND, set, MACH_MSG_TYPE_COPY_SEND, 1),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_EQ(testlib_type(set), MACH_PORT_TYPE_PORT_SET);
	CHECK_EQ(queued(p), 0);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);

	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	EXPECT_MSG(q, &buf, MACH_NOTIFY_SEND_ONCE);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set2), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, dead), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

static void
test_receive_from_set(void)
{
	mach_port_t set = MACH_PORT_NULL;
	mach_port_t p1 = testlib_port_with_send(), p2 = testlib_port_with_send();
	msgbuf_t buf;
	int got1 = 0, got2 = 0, i;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);

	/* An empty set is a legal receive name. */
	CHECK_KR(msg_recv(set, &buf, sizeof buf, 0), MACH_RCV_TIMED_OUT);

	CHECK_KR(mach_port_move_member(TASK, p1, set), KERN_SUCCESS);
	CHECK_KR(mach_port_move_member(TASK, p2, set), KERN_SUCCESS);
	CHECK_KR(msg_recv(set, &buf, sizeof buf, 0), MACH_RCV_TIMED_OUT);

	/* A member can not be received from directly. */
	CHECK_KR(msg_recv(p1, &buf, sizeof buf, 0), MACH_RCV_IN_SET);

	/* msgh_local_port tells which member the message came to; each
	 * member stamps its own sequence numbers. */
	CHECK_KR(mach_port_set_seqno(TASK, p2, 10), KERN_SUCCESS);
	CHECK_KR(send_int(p1, MACH_MSG_TYPE_COPY_SEND, 1, 301), MACH_MSG_SUCCESS);
	CHECK_KR(send_int(p2, MACH_MSG_TYPE_COPY_SEND, 2, 302), MACH_MSG_SUCCESS);
	CHECK_KR(send_int(p1, MACH_MSG_TYPE_COPY_SEND, 3, 303), MACH_MSG_SUCCESS);
	for (i = 0; i < 3; i++) {
		CHECK_KR(msg_recv(set, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
		if (buf.head.msgh_local_port == p1) {
			CHECK_EQ(buf.head.msgh_seqno, got1);
			CHECK_EQ(buf.head.msgh_id, got1 == 0 ? 301 : 303);
			got1++;
		} else {
			CHECK_EQ(buf.head.msgh_local_port, p2);
			CHECK_EQ(buf.head.msgh_seqno, 10);
			CHECK_EQ(buf.head.msgh_id, 302);
			got2++;
		}
	}
	CHECK_EQ(got1, 2);
	CHECK_EQ(got2, 1);
	CHECK_KR(msg_recv(set, &buf, sizeof buf, 0), MACH_RCV_TIMED_OUT);
	/* Status of a member reports its own seqno and its set. */
	CHECK_EQ(port_status(p1).mps_seqno, 2);
	CHECK_EQ(port_status(p2).mps_seqno, 11);

	/* Messages queued before a port joins the set are received through
	 * the set; messages queued in the set go back to the port when it
	 * leaves (ipc_pset_add, ipc_pset_remove). */
	CHECK_KR(mach_port_move_member(TASK, p1, MACH_PORT_NULL), KERN_SUCCESS);
	CHECK_KR(send_int(p1, MACH_MSG_TYPE_COPY_SEND, 4, 304), MACH_MSG_SUCCESS);
	CHECK_KR(mach_port_move_member(TASK, p1, set), KERN_SUCCESS);
	CHECK_EQ(queued(p1), 1);
	CHECK_KR(msg_recv(set, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 304);
	CHECK_EQ(buf.head.msgh_local_port, p1);

	CHECK_KR(send_int(p2, MACH_MSG_TYPE_COPY_SEND, 5, 305), MACH_MSG_SUCCESS);
	CHECK_KR(mach_port_move_member(TASK, p2, MACH_PORT_NULL), KERN_SUCCESS);
	CHECK_KR(msg_recv(set, &buf, sizeof buf, 0), MACH_RCV_TIMED_OUT);
	CHECK_KR(msg_recv(p2, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 305);

	/* A message to a member's send-once right arrives in the set too. */
	{
		mach_port_t so = make_send_once(p1);

		CHECK_KR(send_empty(so, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 306),
			 MACH_MSG_SUCCESS);
		CHECK_KR(msg_recv(set, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
		CHECK_EQ(buf.head.msgh_id, 306);
		CHECK_EQ(buf.head.msgh_local_port, p1);
		CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
	}

	/* Destroying a member with queued messages destroys them. */
	CHECK_KR(send_int(p1, MACH_MSG_TYPE_COPY_SEND, 7, 307), MACH_MSG_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p1), KERN_SUCCESS);
	CHECK_KR(msg_recv(set, &buf, sizeof buf, 0), MACH_RCV_TIMED_OUT);

	CHECK_KR(mach_port_destroy(TASK, p2), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
}

/* A receive on a set that is in progress sees ports added meanwhile. */
struct waiter {
	mach_port_t set;
	mach_msg_return_t mr;
	mach_msg_id_t id;
	mach_port_t local;
};

static void *
wait_on_set(void *arg)
{
	struct waiter *w = arg;
	msgbuf_t buf;

	w->mr = msg_recv(w->set, &buf, sizeof buf, 10 * WAIT_MS);
	w->id = buf.head.msgh_id;
	w->local = buf.head.msgh_local_port;
	return NULL;
}

static void
test_receive_in_progress(void)
{
	struct waiter w;
	pthread_t th;
	mach_port_t p = testlib_port_with_send();
	struct timespec delay = { 0, 100 * 1000 * 1000 };

	w.set = MACH_PORT_NULL;
	w.mr = MACH_RCV_INVALID_NAME;
	w.id = 0;
	w.local = MACH_PORT_NULL;
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &w.set), KERN_SUCCESS);
	CHECK_EQ(pthread_create(&th, NULL, wait_on_set, &w), 0);
	nanosleep(&delay, NULL);	/* let the thread block in its receive */
	CHECK_KR(mach_port_move_member(TASK, p, w.set), KERN_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 1, 401), MACH_MSG_SUCCESS);
	CHECK_EQ(pthread_join(th, NULL), 0);
	CHECK_KR(w.mr, MACH_MSG_SUCCESS);
	CHECK_EQ(w.id, 401);
	CHECK_EQ(w.local, p);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, w.set), KERN_SUCCESS);
}

int
main(void)
{
	test_membership();
	test_errors();
	test_receive_from_set();
	test_receive_in_progress();
	return TEST_DONE();
}

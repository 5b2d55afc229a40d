/* Conformance: user references.  mach_port_get_refs, mach_port_mod_refs,
 * mach_port_deallocate, mach_port_destroy, the urefs limit and dead names
 * (manual 4.3.2, 4.3.4; GNU Mach ipc/ipc_right.c). */
#include "conformance.h"

static void
test_get_refs(void)
{
	mach_port_t p = testlib_port_with_send();
	mach_port_t set = MACH_PORT_NULL, dead = MACH_PORT_NULL, so;
	mach_port_urefs_t refs;

	/* A name may denote send and receive rights together; rights it
	 * does not denote have zero references. */
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_RECEIVE), 1);
	refs = 99;
	CHECK_KR(mach_port_get_refs(TASK, p, MACH_PORT_RIGHT_SEND_ONCE, &refs), KERN_SUCCESS);
	CHECK_EQ(refs, 0);
	refs = 99;
	CHECK_KR(mach_port_get_refs(TASK, p, MACH_PORT_RIGHT_PORT_SET, &refs), KERN_SUCCESS);
	CHECK_EQ(refs, 0);
	refs = 99;
	CHECK_KR(mach_port_get_refs(TASK, p, MACH_PORT_RIGHT_DEAD_NAME, &refs), KERN_SUCCESS);
	CHECK_EQ(refs, 0);

	so = make_send_once(p);
	CHECK_EQ(testlib_refs(so, MACH_PORT_RIGHT_SEND_ONCE), 1);
	CHECK_EQ(testlib_refs(so, MACH_PORT_RIGHT_SEND), 0);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(set, MACH_PORT_RIGHT_PORT_SET), 1);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(dead, MACH_PORT_RIGHT_DEAD_NAME), 1);

	/* mach_port_get_refs checks RIGHT before NAME. */
	CHECK_KR(mach_port_get_refs(TASK, p, MACH_PORT_RIGHT_NUMBER, &refs), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_get_refs(TASK, p, 1000, &refs), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_get_refs(TASK, unused_name(0x100), MACH_PORT_RIGHT_NUMBER, &refs),
		 KERN_INVALID_VALUE);
	CHECK_KR(mach_port_get_refs(TASK, unused_name(0x100), MACH_PORT_RIGHT_SEND, &refs),
		 KERN_INVALID_NAME);
	CHECK_KR(mach_port_get_refs(TASK, MACH_PORT_NULL, MACH_PORT_RIGHT_SEND, &refs),
		 KERN_INVALID_NAME);

	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	CHECK_EQ(drain(p), 1);	/* the send-once notification */
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, dead), KERN_SUCCESS);
}

static void
test_mod_refs_send(void)
{
	mach_port_t p = testlib_port_with_send();

	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 3), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 4);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 0), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 4);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, -2), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);
	/* The count may not go negative: nothing changes. */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, -3), KERN_INVALID_VALUE);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 2);
	/* Going to zero removes the send right; the receive right stays. */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, -2), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(port_status(p).mps_srights, 0);
	/* The name no longer denotes a send right. */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 1), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, -1), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND_ONCE, -1), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_DEAD_NAME, 1), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_PORT_SET, -1), KERN_INVALID_RIGHT);

	/* Bad right, bad name. */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_NUMBER, 1), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_mod_refs(TASK, unused_name(0x200), MACH_PORT_RIGHT_SEND, 1),
		 KERN_INVALID_NAME);
	CHECK_KR(mach_port_mod_refs(TASK, MACH_PORT_NULL, MACH_PORT_RIGHT_SEND, -1),
		 KERN_INVALID_NAME);
	CHECK_KR(mach_port_mod_refs(TASK, MACH_PORT_DEAD, MACH_PORT_RIGHT_SEND, -1),
		 KERN_INVALID_NAME);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_urefs_limit_send(void)
{
	mach_port_t p = testlib_port_with_send();
	mach_port_urefs_t max_send = UREFS_MAX - 1;

	/* Send rights can hold MACH_PORT_UREFS_MAX - 1 references
	 * (ipc_right_delta: MACH_PORT_UREFS_OVERFLOW(urefs+1, delta)). */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, (int) max_send - 1),
		 KERN_SUCCESS);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), max_send);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 1), KERN_UREFS_OVERFLOW);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 0x7fffffff), KERN_UREFS_OVERFLOW);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), max_send);

	/* Inserting one more send right would overflow too. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_UREFS_OVERFLOW);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), max_send);

	/* A huge negative delta is an underflow. */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, -0x7fffffff), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND,
				    -(mach_port_delta_t) testlib_refs(p, MACH_PORT_RIGHT_SEND)),
		 KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);

	/* From a small count, a delta that would pass the limit fails as a whole. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, (int) max_send), KERN_UREFS_OVERFLOW);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_urefs_limit_dead(void)
{
	mach_port_t d = MACH_PORT_NULL;

	/* Dead names can hold MACH_PORT_UREFS_MAX references. */
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &d), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_DEAD_NAME, (int) UREFS_MAX - 1),
		 KERN_SUCCESS);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), UREFS_MAX);
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_DEAD_NAME, 1), KERN_UREFS_OVERFLOW);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), UREFS_MAX);
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_DEAD_NAME, -(int) UREFS_MAX - 1),
		 KERN_INVALID_VALUE);
	CHECK_KR(mach_port_deallocate(TASK, d), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), UREFS_MAX - 1);
	/* Dropping every reference frees the name. */
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_DEAD_NAME, -(int) (UREFS_MAX - 1)),
		 KERN_SUCCESS);
	CHECK(!name_exists(d));

	/* Wrong right kinds on a dead name. */
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &d), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_SEND, 1), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_RECEIVE, -1), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_SEND_ONCE, -1), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_DEAD_NAME, 0), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_DEAD_NAME, -1), KERN_SUCCESS);
	CHECK(!name_exists(d));
}

static void
test_mod_refs_receive_set_sonce(void)
{
	mach_port_t p = testlib_port();
	mach_port_t set = MACH_PORT_NULL, so;
	msgbuf_t buf;

	/* Receive rights: delta 0 or -1 only. */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_RECEIVE, 0), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_RECEIVE, 1), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_RECEIVE, -2), KERN_INVALID_VALUE);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);

	/* Send-once rights: delta 0 or -1 only; -1 sends a send-once
	 * notification to the port. */
	so = make_send_once(p);
	CHECK_KR(mach_port_mod_refs(TASK, so, MACH_PORT_RIGHT_SEND_ONCE, 1), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_mod_refs(TASK, so, MACH_PORT_RIGHT_SEND_ONCE, -2), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_mod_refs(TASK, so, MACH_PORT_RIGHT_SEND_ONCE, 0), KERN_SUCCESS);
	CHECK_EQ(testlib_type(so), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_KR(mach_port_mod_refs(TASK, so, MACH_PORT_RIGHT_SEND, -1), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_mod_refs(TASK, so, MACH_PORT_RIGHT_SEND_ONCE, -1), KERN_SUCCESS);
	CHECK(!name_exists(so));
	EXPECT_MSG(p, &buf, MACH_NOTIFY_SEND_ONCE);
	CHECK_EQ(port_status(p).mps_sorights, 0);

	/* Port sets: delta 0 or -1 only. */
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, set, MACH_PORT_RIGHT_PORT_SET, 1), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_mod_refs(TASK, set, MACH_PORT_RIGHT_PORT_SET, 0), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, set, MACH_PORT_RIGHT_RECEIVE, -1), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_move_member(TASK, p, set), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, set, MACH_PORT_RIGHT_PORT_SET, -1), KERN_SUCCESS);
	CHECK(!name_exists(set));
	/* The member left the destroyed set. */
	CHECK_EQ(port_status(p).mps_pset, MACH_PORT_NULL);

	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	CHECK(!name_exists(p));
}

static void
test_deallocate(void)
{
	mach_port_t p = testlib_port_with_send();
	mach_port_t set = MACH_PORT_NULL, dead = MACH_PORT_NULL, so;
	msgbuf_t buf;

	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 1), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	/* A receive right has no user reference to release. */
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_INVALID_RIGHT);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, set), KERN_INVALID_RIGHT);
	CHECK_EQ(testlib_type(set), MACH_PORT_TYPE_PORT_SET);

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, dead, MACH_PORT_RIGHT_DEAD_NAME, 1), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, dead), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(dead, MACH_PORT_RIGHT_DEAD_NAME), 1);
	CHECK_KR(mach_port_deallocate(TASK, dead), KERN_SUCCESS);
	CHECK(!name_exists(dead));

	so = make_send_once(p);
	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	CHECK(!name_exists(so));
	EXPECT_MSG(p, &buf, MACH_NOTIFY_SEND_ONCE);

	CHECK_KR(mach_port_deallocate(TASK, unused_name(0x300)), KERN_INVALID_NAME);
	CHECK_KR(mach_port_deallocate(TASK, MACH_PORT_NULL), KERN_INVALID_NAME);
	CHECK_KR(mach_port_deallocate(TASK, MACH_PORT_DEAD), KERN_INVALID_NAME);

	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_dead_names_from_death(void)
{
	mach_port_t p = testlib_port_with_send();
	mach_port_t q = testlib_port();
	mach_port_t so;

	/* Destroying only the receive right of a send/receive name leaves the
	 * send right as a dead name with the same references (ipc_right_delta). */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 2), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_DEAD_NAME), 3);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 0);
	/* mach_port_deallocate works on the dead name ... */
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_DEAD_NAME), 2);
	/* ... but mod_refs on SEND no longer does. */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, -1), KERN_INVALID_RIGHT);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_DEAD_NAME, -2), KERN_SUCCESS);
	CHECK(!name_exists(p));

	/* A send-once right turns into a dead name with one reference. */
	so = make_send_once(q);
	CHECK_KR(mach_port_mod_refs(TASK, q, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	CHECK(!name_exists(q));
	CHECK_EQ(testlib_type(so), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(so, MACH_PORT_RIGHT_DEAD_NAME), 1);
	CHECK_EQ(testlib_refs(so, MACH_PORT_RIGHT_SEND_ONCE), 0);
	CHECK_KR(mach_port_mod_refs(TASK, so, MACH_PORT_RIGHT_DEAD_NAME, 1), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	CHECK(!name_exists(so));

	/* mach_port_destroy on a send/receive name removes the whole name. */
	p = testlib_port_with_send();
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 5), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK(!name_exists(p));
}

static void
test_dead_name_from_moved_receive(void)
{
	mach_port_t p = testlib_port_with_send();
	mach_port_t carrier = testlib_port_with_send();

	/* Move p's receive right into a message queued on CARRIER; the send
	 * right stays under the name p. */
	CHECK_KR(send_port(carrier, MACH_MSG_TYPE_COPY_SEND, p, MACH_MSG_TYPE_MOVE_RECEIVE, 1),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	/* A plain send right in this task can take references too. */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 1), KERN_SUCCESS);

	/* Destroying CARRIER destroys the queued message and with it p's
	 * receive right: p dies and our send right becomes a dead name
	 * (manual 4.2.3). */
	CHECK_KR(mach_port_destroy(TASK, carrier), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_DEAD_NAME), 2);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK(!name_exists(p));
}

int
main(void)
{
	test_get_refs();
	test_mod_refs_send();
	test_urefs_limit_send();
	test_urefs_limit_dead();
	test_mod_refs_receive_set_sonce();
	test_deallocate();
	test_dead_names_from_death();
	test_dead_name_from_moved_receive();
	return TEST_DONE();
}

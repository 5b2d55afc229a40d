/* Conformance: mach_port_allocate, mach_port_allocate_name,
 * mach_reply_port, mach_port_names, mach_port_type, mach_port_rename,
 * mach_port_destroy of fresh rights (manual 4.3.1-4.3.3). */
#include "conformance.h"

static void
test_allocate_kinds(void)
{
	mach_port_t rcv = MACH_PORT_NULL, set = MACH_PORT_NULL, dead = MACH_PORT_NULL;
	mach_port_status_t st;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_RECEIVE, &rcv), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(rcv));
	CHECK_EQ(testlib_type(rcv), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(testlib_refs(rcv, MACH_PORT_RIGHT_RECEIVE), 1);
	CHECK_EQ(testlib_refs(rcv, MACH_PORT_RIGHT_SEND), 0);

	/* 4.3.1: a new port has no set, seqno 0, mscount 0, the default qlimit,
	 * no messages and no send or send-once rights. */
	CHECK_KR(mach_port_get_receive_status(TASK, rcv, &st), KERN_SUCCESS);
	CHECK_EQ(st.mps_pset, MACH_PORT_NULL);
	CHECK_EQ(st.mps_seqno, 0);
	CHECK_EQ(st.mps_mscount, 0);
	CHECK_EQ(st.mps_qlimit, MACH_PORT_QLIMIT_DEFAULT);
	CHECK_EQ(st.mps_msgcount, 0);
	CHECK_EQ(st.mps_sorights, 0);
	CHECK_EQ(st.mps_srights, 0);
	CHECK_EQ(st.mps_pdrequest, 0);
	CHECK_EQ(st.mps_nsrequest, 0);

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(set));
	CHECK(set != rcv);
	CHECK_EQ(testlib_type(set), MACH_PORT_TYPE_PORT_SET);
	CHECK_EQ(testlib_refs(set, MACH_PORT_RIGHT_PORT_SET), 1);

	/* A new dead name has one user reference. */
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(dead));
	CHECK(dead != rcv && dead != set);
	CHECK_EQ(testlib_type(dead), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(dead, MACH_PORT_RIGHT_DEAD_NAME), 1);

	CHECK_KR(mach_port_destroy(TASK, rcv), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, dead), KERN_SUCCESS);
	CHECK(!name_exists(rcv));
	CHECK(!name_exists(set));
	CHECK(!name_exists(dead));
}

static void
test_allocate_bad_right(void)
{
	mach_port_t name;
	static const mach_port_right_t bad[] = {
		MACH_PORT_RIGHT_SEND, MACH_PORT_RIGHT_SEND_ONCE,
		MACH_PORT_RIGHT_NUMBER, 77, (mach_port_right_t) -1,
	};
	unsigned i;

	/* mach_port_allocate: only RECEIVE, PORT_SET and DEAD_NAME. */
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		name = MACH_PORT_NULL;
		CHECK_KR(mach_port_allocate(TASK, bad[i], &name), KERN_INVALID_VALUE);
	}
}

static void
test_allocate_distinct(void)
{
	enum { N = 64 };
	mach_port_t names[N];
	int i, j;

	for (i = 0; i < N; i++) {
		CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_RECEIVE, &names[i]),
			 KERN_SUCCESS);
		CHECK(MACH_PORT_VALID(names[i]));
	}
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++)
			CHECK(names[i] != names[j]);
	for (i = 0; i < N; i++)
		CHECK_KR(mach_port_mod_refs(TASK, names[i], MACH_PORT_RIGHT_RECEIVE, -1),
			 KERN_SUCCESS);
}

static void
test_allocate_name(void)
{
	mach_port_t r = unused_name(0x4000);
	mach_port_t s, d, x;

	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_RECEIVE, r), KERN_SUCCESS);
	CHECK_EQ(testlib_type(r), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(port_status(r).mps_qlimit, MACH_PORT_QLIMIT_DEFAULT);
	s = unused_name(r + 1);
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_PORT_SET, s), KERN_SUCCESS);
	CHECK_EQ(testlib_type(s), MACH_PORT_TYPE_PORT_SET);
	d = unused_name(s + 1);
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_DEAD_NAME, d), KERN_SUCCESS);
	CHECK_EQ(testlib_type(d), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), 1);

	/* A name in use, whatever it denotes, gives KERN_NAME_EXISTS and
	 * leaves the name as it was. */
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_RECEIVE, r), KERN_NAME_EXISTS);
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_PORT_SET, r), KERN_NAME_EXISTS);
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_DEAD_NAME, r), KERN_NAME_EXISTS);
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_RECEIVE, s), KERN_NAME_EXISTS);
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_RECEIVE, d), KERN_NAME_EXISTS);
	CHECK_EQ(testlib_type(r), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(testlib_type(s), MACH_PORT_TYPE_PORT_SET);
	CHECK_EQ(testlib_type(d), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), 1);

	/* The reserved names. */
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_NULL),
		 KERN_INVALID_VALUE);
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_DEAD),
		 KERN_INVALID_VALUE);
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_DEAD_NAME, MACH_PORT_DEAD),
		 KERN_INVALID_VALUE);

	/* A bad kind of right, at a free name: nothing is created. */
	x = unused_name(d + 1);
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_SEND, x), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_SEND_ONCE, x), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_allocate_name(TASK, 9, x), KERN_INVALID_VALUE);
	CHECK(!name_exists(x));

	/* A high name works too: the name space is all 32-bit values but
	 * MACH_PORT_NULL and MACH_PORT_DEAD (manual 4.2.3). */
	x = unused_name(0xfffffff0u);
	CHECK_KR(mach_port_allocate_name(TASK, MACH_PORT_RIGHT_RECEIVE, x), KERN_SUCCESS);
	CHECK_EQ(testlib_type(x), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(mach_port_destroy(TASK, x), KERN_SUCCESS);

	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, s), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, d), KERN_SUCCESS);
}

static void
test_reply_port(void)
{
	mach_port_t r1 = mach_reply_port();
	mach_port_t r2 = mach_reply_port();

	CHECK(MACH_PORT_VALID(r1));
	CHECK(MACH_PORT_VALID(r2));
	CHECK(r1 != r2);
	CHECK_EQ(testlib_type(r1), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(testlib_refs(r1, MACH_PORT_RIGHT_SEND), 0);
	CHECK_KR(mach_port_mod_refs(TASK, r1, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, r2, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
}

static int
find_name(mach_port_name_t *names, mach_port_type_t *types,
	  mach_msg_type_number_t n, mach_port_t name, mach_port_type_t *type)
{
	mach_msg_type_number_t i;
	int found = 0;

	for (i = 0; i < n; i++)
		if (names[i] == name) {
			*type = types[i];
			found++;
		}
	return found;
}

static void
test_names(void)
{
	mach_port_t r = testlib_port();
	mach_port_t sr = testlib_port_with_send();
	mach_port_t set = MACH_PORT_NULL, dead = MACH_PORT_NULL, so;
	mach_port_name_t *names = NULL;
	mach_port_type_t *types = NULL, t = 0;
	mach_msg_type_number_t nn = 0, nt = 0;
	mach_msg_type_number_t i;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);
	so = make_send_once(r);

	CHECK_KR(mach_port_names(TASK, &names, &nn, &types, &nt), KERN_SUCCESS);
	CHECK_EQ(nn, nt);
	CHECK(nn >= 5);
	/* Each of our names appears exactly once, with its type. */
	CHECK_EQ(find_name(names, types, nn, r, &t), 1);
	CHECK_EQ(t, MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(find_name(names, types, nn, sr, &t), 1);
	CHECK_EQ(t, MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(find_name(names, types, nn, set, &t), 1);
	CHECK_EQ(t, MACH_PORT_TYPE_PORT_SET);
	CHECK_EQ(find_name(names, types, nn, dead, &t), 1);
	CHECK_EQ(t, MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(find_name(names, types, nn, so, &t), 1);
	CHECK_EQ(t, MACH_PORT_TYPE_SEND_ONCE);
	/* The task's own port is there as a send right. */
	CHECK_EQ(find_name(names, types, nn, TASK, &t), 1);
	CHECK(t & MACH_PORT_TYPE_SEND);
	for (i = 0; i < nn; i++) {
		CHECK(MACH_PORT_VALID(names[i]));
		/* mach_port_names gives the same types as mach_port_type. */
		CHECK_EQ(types[i], testlib_type(names[i]));
	}
	CHECK_KR(vm_deallocate(TASK, (vm_address_t) names, nn * sizeof *names), KERN_SUCCESS);
	CHECK_KR(vm_deallocate(TASK, (vm_address_t) types, nt * sizeof *types), KERN_SUCCESS);

	/* Destroying the send-once right sends a send-once notification. */
	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	CHECK_EQ(drain(r), 1);

	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, sr), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, dead), KERN_SUCCESS);

	/* The destroyed names are gone from the list. */
	CHECK_KR(mach_port_names(TASK, &names, &nn, &types, &nt), KERN_SUCCESS);
	CHECK_EQ(find_name(names, types, nn, r, &t), 0);
	CHECK_EQ(find_name(names, types, nn, sr, &t), 0);
	CHECK_EQ(find_name(names, types, nn, set, &t), 0);
	CHECK_EQ(find_name(names, types, nn, dead, &t), 0);
	CHECK_KR(vm_deallocate(TASK, (vm_address_t) names, nn * sizeof *names), KERN_SUCCESS);
	CHECK_KR(vm_deallocate(TASK, (vm_address_t) types, nt * sizeof *types), KERN_SUCCESS);
}

static void
test_type(void)
{
	mach_port_t p = testlib_port();
	mach_port_t free_name = unused_name(0x5000);
	mach_port_type_t type;

	CHECK_KR(mach_port_type(TASK, free_name, &type), KERN_INVALID_NAME);
	CHECK_KR(mach_port_type(TASK, MACH_PORT_NULL, &type), KERN_INVALID_NAME);
	CHECK_KR(mach_port_type(TASK, MACH_PORT_DEAD, &type), KERN_INVALID_NAME);

	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_type(TASK, p, &type), KERN_INVALID_NAME);
}

static void
test_rename(void)
{
	mach_port_t p = testlib_port_with_send();
	mach_port_t q = testlib_port();
	mach_port_t set = MACH_PORT_NULL, dead = MACH_PORT_NULL;
	mach_port_t n1, n2, n3;
	msgbuf_t buf;

	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 2), KERN_SUCCESS);

	/* Rename a send/receive name: rights and urefs follow the name. */
	n1 = unused_name(0x6000);
	CHECK_KR(mach_port_rename(TASK, p, n1), KERN_SUCCESS);
	CHECK(!name_exists(p));
	CHECK_EQ(testlib_type(n1), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_refs(n1, MACH_PORT_RIGHT_SEND), 3);

	/* Messages to the port now arrive under the new name. */
	CHECK_KR(send_int(n1, MACH_MSG_TYPE_COPY_SEND, 7, 1000), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(n1, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_local_port, n1);

	/* A new send right made from the receive right joins the new name
	 * (the reverse mapping moved with the name). */
	CHECK_KR(mach_port_insert_right(TASK, n1, n1, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(n1, MACH_PORT_RIGHT_SEND), 4);
	CHECK_KR(mach_port_insert_right(TASK, p, n1, MACH_MSG_TYPE_MAKE_SEND), KERN_RIGHT_EXISTS);

	/* Errors. */
	CHECK_KR(mach_port_rename(TASK, n1, q), KERN_NAME_EXISTS);
	CHECK_KR(mach_port_rename(TASK, n1, MACH_PORT_NULL), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_rename(TASK, n1, MACH_PORT_DEAD), KERN_INVALID_VALUE);
	CHECK_KR(mach_port_rename(TASK, unused_name(0x6100), unused_name(0x6200)),
		 KERN_INVALID_NAME);
	/* ipc_object_rename checks the new name first: renaming a name to
	 * itself finds it in use. */
	CHECK_KR(mach_port_rename(TASK, n1, n1), KERN_NAME_EXISTS);
	CHECK_EQ(testlib_type(n1), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_type(q), MACH_PORT_TYPE_RECEIVE);

	/* Port sets and dead names can be renamed too. */
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_move_member(TASK, q, set), KERN_SUCCESS);
	n2 = unused_name(0x6300);
	CHECK_KR(mach_port_rename(TASK, set, n2), KERN_SUCCESS);
	CHECK_EQ(testlib_type(n2), MACH_PORT_TYPE_PORT_SET);
	CHECK_EQ(port_status(q).mps_pset, n2);

	/* Renaming a member keeps its membership, under the new name. */
	n3 = unused_name(0x6400);
	CHECK_KR(mach_port_rename(TASK, q, n3), KERN_SUCCESS);
	CHECK_EQ(port_status(n3).mps_pset, n2);
	{
		mach_port_name_t *members = NULL;
		mach_msg_type_number_t count = 0;

		CHECK_KR(mach_port_get_set_status(TASK, n2, &members, &count), KERN_SUCCESS);
		CHECK_EQ(count, 1);
		if (count == 1)
			CHECK_EQ(members[0], n3);
		if (count)
			vm_deallocate(TASK, (vm_address_t) members, count * sizeof *members);
	}
	q = n3;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, dead, MACH_PORT_RIGHT_DEAD_NAME, 4), KERN_SUCCESS);
	n3 = unused_name(0x6500);
	CHECK_KR(mach_port_rename(TASK, dead, n3), KERN_SUCCESS);
	CHECK_EQ(testlib_type(n3), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(n3, MACH_PORT_RIGHT_DEAD_NAME), 5);
	dead = n3;

	CHECK_KR(mach_port_destroy(TASK, n1), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, n2), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, dead), KERN_SUCCESS);
}

static void
test_destroy_errors(void)
{
	CHECK_KR(mach_port_destroy(TASK, unused_name(0x7000)), KERN_INVALID_NAME);
	CHECK_KR(mach_port_destroy(TASK, MACH_PORT_NULL), KERN_INVALID_NAME);
	CHECK_KR(mach_port_destroy(TASK, MACH_PORT_DEAD), KERN_INVALID_NAME);
}

static void
test_invalid_task(void)
{
	mach_port_t name = MACH_PORT_NULL, host = mach_host_self();
	mach_port_t dead = MACH_PORT_NULL;

	/* The call is an RPC to TASK: a null or dead task port fails at send. */
	CHECK_KR(mach_port_allocate(MACH_PORT_NULL, MACH_PORT_RIGHT_RECEIVE, &name),
		 MACH_SEND_INVALID_DEST);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(dead, MACH_PORT_RIGHT_RECEIVE, &name),
		 MACH_SEND_INVALID_DEST);
	CHECK_KR(mach_port_deallocate(TASK, dead), KERN_SUCCESS);
	/* A kernel port that is not a task (mach_port.c: space == IS_NULL). */
	CHECK_KR(mach_port_allocate(host, MACH_PORT_RIGHT_RECEIVE, &name), KERN_INVALID_TASK);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
}

int
main(void)
{
	test_allocate_kinds();
	test_allocate_bad_right();
	test_allocate_distinct();
	test_allocate_name();
	test_reply_port();
	test_names();
	test_type();
	test_rename();
	test_destroy_errors();
	test_invalid_task();
	return TEST_DONE();
}

/* Conformance: hell_port_allocate_served (defs/hell/hell.defs,
 * <hell/hell_rpc.h>): a receive right made in one call as a server serves
 * it, in a port set, with a protected payload and a no-senders request to
 * itself.  It must leave the port exactly as mach_port_allocate followed by
 * mach_port_move_member, mach_port_set_protected_payload and
 * mach_port_request_notification would (each case below runs both ways
 * and compares), and a failure must leave nothing behind. */
#include <stdbool.h>
#include <hell/hell.h>
#include "conformance.h"

#define NS	MACH_NOTIFY_NO_SENDERS
#define ID_PING	4242

/* Names of TARGET's space, to compare before and after. */
static mach_msg_type_number_t
count_names(mach_port_t target)
{
	mach_port_name_t *names = NULL;
	mach_port_type_t *types = NULL;
	mach_msg_type_number_t nn = 0, nt = 0;

	if (mach_port_names(target, &names, &nn, &types, &nt) != KERN_SUCCESS)
		return (mach_msg_type_number_t) -1;
	if (nn)
		(void) vm_deallocate(TASK, (vm_address_t) names, nn * sizeof *names);
	if (nt)
		(void) vm_deallocate(TASK, (vm_address_t) types, nt * sizeof *types);
	return nn;
}

/* The same port made the four-call way. */
static mach_port_t
allocate_by_parts(mach_port_t pset, rpc_uintptr_t payload, mach_port_mscount_t ns_sync)
{
	mach_port_t p = MACH_PORT_NULL, prev = MACH_PORT_NULL;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_RECEIVE, &p), KERN_SUCCESS);
	if (pset != MACH_PORT_NULL)
		CHECK_KR(mach_port_move_member(TASK, p, pset), KERN_SUCCESS);
	if (payload != 0)
		CHECK_KR(mach_port_set_protected_payload(TASK, p, payload), KERN_SUCCESS);
	if (ns_sync != 0) {
		CHECK_KR(mach_port_request_notification(TASK, p, NS, ns_sync, p,
							MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
			 KERN_SUCCESS);
		CHECK_EQ(prev, MACH_PORT_NULL);
	}
	return p;
}

static mach_port_t
allocate_served(mach_port_t pset, rpc_uintptr_t payload, mach_port_mscount_t ns_sync)
{
	mach_port_t p = MACH_PORT_NULL;

	CHECK_KR(hell_port_allocate_served(TASK, pset, payload, ns_sync, &p), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(p));
	return p;
}

static void
check_same_status(mach_port_t a, mach_port_t b)
{
	mach_port_status_t sa = port_status(a), sb = port_status(b);

	CHECK_EQ(sa.mps_pset, sb.mps_pset);
	CHECK_EQ(sa.mps_seqno, sb.mps_seqno);
	CHECK_EQ(sa.mps_mscount, sb.mps_mscount);
	CHECK_EQ(sa.mps_qlimit, sb.mps_qlimit);
	CHECK_EQ(sa.mps_msgcount, sb.mps_msgcount);
	CHECK_EQ(sa.mps_sorights, sb.mps_sorights);
	CHECK_EQ(sa.mps_srights, sb.mps_srights);
	CHECK_EQ(sa.mps_pdrequest, sb.mps_pdrequest);
	CHECK_EQ(sa.mps_nsrequest, sb.mps_nsrequest);
	CHECK_EQ(testlib_type(a), testlib_type(b));
}

/* A message sent to PORT arrives (received from FROM) as it should:
 * with the payload if there is one, else with PORT's name. */
static void
check_delivery(mach_port_t port, mach_port_t from, rpc_uintptr_t payload)
{
	msgbuf_t buf;

	CHECK_KR(send_empty(port, MACH_MSG_TYPE_MAKE_SEND_ONCE, MACH_PORT_NULL, 0, ID_PING),
		 MACH_MSG_SUCCESS);
	EXPECT_MSG(from, &buf, ID_PING);
	if (payload != 0) {
		CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PROTECTED_PAYLOAD);
		CHECK(buf.head.msgh_protected_payload == payload);
	} else {
		CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
		CHECK_EQ(buf.head.msgh_local_port, port);
	}
}

/* Make a send right to PORT and drop it: with a request, the port gets its
 * no-senders notification (count 1), carrying the payload if any. */
static void
check_no_senders(mach_port_t port, mach_port_t from, rpc_uintptr_t payload, bool requested)
{
	msgbuf_t buf;

	CHECK_KR(mach_port_insert_right(TASK, port, port, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	EXPECT_NO_MSG(from);
	CHECK_KR(mach_port_deallocate(TASK, port), KERN_SUCCESS);
	if (!requested) {
		EXPECT_NO_MSG(from);
		return;
	}
	EXPECT_MSG(from, &buf, NS);
	CHECK_EQ(MACH_MSGH_BITS_REMOTE(buf.head.msgh_bits), 0);
	CHECK_EQ(buf.head.msgh_size, sizeof(mach_no_senders_notification_t));
	CHECK_EQ(buf.no_senders.not_count, 1);
	if (payload != 0) {
		CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PROTECTED_PAYLOAD);
		CHECK(buf.head.msgh_protected_payload == payload);
	} else {
		CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
		CHECK_EQ(buf.head.msgh_local_port, port);
	}
	/* Spent: a second send right comes and goes unannounced. */
	CHECK_EQ(port_status(port).mps_nsrequest, 0);
	CHECK_KR(mach_port_insert_right(TASK, port, port, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, port), KERN_SUCCESS);
	EXPECT_NO_MSG(from);
}

/* Every combination, both ways, compared. */
static void
test_same_as_parts(void)
{
	mach_port_t set;
	static const rpc_uintptr_t payloads[] = { 0, 0x1234, ~(rpc_uintptr_t) 0 };
	static const mach_port_mscount_t syncs[] = { 0, 1, 3 };

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	for (int in_set = 0; in_set < 2; in_set++)
		for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++)
			for (size_t j = 0; j < sizeof syncs / sizeof syncs[0]; j++) {
				mach_port_t pset = in_set ? set : MACH_PORT_NULL;
				mach_port_t a = allocate_served(pset, payloads[i], syncs[j]);
				mach_port_t b = allocate_by_parts(pset, payloads[i], syncs[j]);

				CHECK_EQ(testlib_type(a), MACH_PORT_TYPE_RECEIVE);
				CHECK_EQ(port_status(a).mps_pset, pset);
				CHECK_EQ(port_status(a).mps_nsrequest, syncs[j] != 0);
				/* The request's send-once right is counted. */
				CHECK_EQ(port_status(a).mps_sorights, syncs[j] != 0);
				check_same_status(a, b);

				check_delivery(a, in_set ? set : a, payloads[i]);
				check_delivery(b, in_set ? set : b, payloads[i]);
				/* An armed request fires whatever its sync, once a
				 * send right was made (GNU Mach ipc_port.c). */
				check_no_senders(a, in_set ? set : a, payloads[i], syncs[j] != 0);
				check_no_senders(b, in_set ? set : b, payloads[i], syncs[j] != 0);
				check_same_status(a, b);

				CHECK_KR(mach_port_mod_refs(TASK, a, MACH_PORT_RIGHT_RECEIVE, -1),
					 KERN_SUCCESS);
				CHECK_KR(mach_port_mod_refs(TASK, b, MACH_PORT_RIGHT_RECEIVE, -1),
					 KERN_SUCCESS);
				CHECK(!name_exists(a));
				CHECK(!name_exists(b));
			}
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
}

/* The request is an ordinary one: replacing it gives its send-once right
 * back (a right to the port itself), cancelling it leaves none; a port
 * destroyed with it armed sends nothing anywhere. */
static void
test_request_is_ordinary(void)
{
	mach_port_t p = allocate_served(MACH_PORT_NULL, 0, 1), prev = MACH_PORT_NULL, other;
	msgbuf_t buf;

	CHECK_KR(mach_port_request_notification(TASK, p, NS, 0, MACH_PORT_NULL,
						MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
		 KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(prev));
	CHECK_EQ(testlib_type(prev), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_EQ(port_status(p).mps_nsrequest, 0);
	CHECK_EQ(port_status(p).mps_sorights, 1);
	/* It is a right to P: a message on it arrives on P. */
	CHECK_KR(send_empty(prev, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, ID_PING),
		 MACH_MSG_SUCCESS);
	EXPECT_MSG(p, &buf, ID_PING);
	CHECK_EQ(port_status(p).mps_sorights, 0);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);

	/* Destroyed while armed, with a sender elsewhere: the sender gets a
	 * dead name, and no notification is left anywhere. */
	other = testlib_port();
	p = allocate_served(MACH_PORT_NULL, 77, 1);
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	CHECK(!name_exists(p));
	EXPECT_NO_MSG(other);
	CHECK_KR(mach_port_destroy(TASK, other), KERN_SUCCESS);
}

static void
test_errors(void)
{
	mach_port_t p = MACH_PORT_NULL, set, rcv = testlib_port_with_send(), so, dead;
	mach_port_t free_name = unused_name(0x52000000);
	mach_port_t host = mach_host_self(), thread = mach_thread_self();
	mach_msg_type_number_t before;
	msgbuf_t buf;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &dead), KERN_SUCCESS);
	so = make_send_once(rcv);
	before = count_names(TASK);

	/* Not a task. */
	CHECK_KR(hell_port_allocate_served(host, MACH_PORT_NULL, 0, 1, &p), KERN_INVALID_TASK);
	CHECK_KR(hell_port_allocate_served(thread, set, 1, 1, &p), KERN_INVALID_TASK);
	CHECK_KR(hell_port_allocate_served(MACH_PORT_NULL, MACH_PORT_NULL, 0, 0, &p),
		 MACH_SEND_INVALID_DEST);
	CHECK_KR(hell_port_allocate_served(free_name, MACH_PORT_NULL, 0, 0, &p),
		 MACH_SEND_INVALID_DEST);

	/* The set: nothing by that name, or no set. */
	CHECK_KR(hell_port_allocate_served(TASK, free_name, 5, 1, &p), KERN_INVALID_NAME);
	CHECK_KR(hell_port_allocate_served(TASK, MACH_PORT_DEAD, 5, 1, &p), KERN_INVALID_NAME);
	CHECK_KR(hell_port_allocate_served(TASK, rcv, 5, 1, &p), KERN_INVALID_RIGHT);
	CHECK_KR(hell_port_allocate_served(TASK, so, 5, 1, &p), KERN_INVALID_RIGHT);
	CHECK_KR(hell_port_allocate_served(TASK, dead, 5, 1, &p), KERN_INVALID_RIGHT);
	/* ... as mach_port_move_member answers. */
	CHECK_KR(mach_port_move_member(TASK, rcv, free_name), KERN_INVALID_NAME);
	CHECK_KR(mach_port_move_member(TASK, rcv, dead), KERN_INVALID_RIGHT);

	/* Each failure left the space as it was, the set empty, RCV as it was. */
	CHECK_EQ(count_names(TASK), before);
	CHECK_EQ(port_status(rcv).mps_pset, MACH_PORT_NULL);
	CHECK_EQ(port_status(rcv).mps_nsrequest, 0);
	CHECK_EQ(port_status(rcv).mps_sorights, 1);
	CHECK_KR(mach_port_move_member(TASK, rcv, set), KERN_SUCCESS);
	EXPECT_NO_MSG(set);

	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	EXPECT_MSG(set, &buf, MACH_NOTIFY_SEND_ONCE);
	CHECK_KR(mach_port_destroy(TASK, rcv), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, dead), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, thread), KERN_SUCCESS);
}

/* The right is made in TASK's space, not the caller's: names there. */
static void
test_other_space(void)
{
	mach_port_t child = MACH_PORT_NULL, set = MACH_PORT_NULL, p = MACH_PORT_NULL, mine;
	mach_port_type_t type = 0;
	mach_port_status_t st;
	mach_msg_type_number_t before;

	CHECK_KR(task_create(TASK, FALSE, &child), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(child, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	mine = testlib_port();
	before = count_names(TASK);

	CHECK_KR(hell_port_allocate_served(child, set, 9, 1, &p), KERN_SUCCESS);
	CHECK_KR(mach_port_type(child, p, &type), KERN_SUCCESS);
	CHECK_EQ(type, MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(mach_port_get_receive_status(child, p, &st), KERN_SUCCESS);
	CHECK_EQ(st.mps_pset, set);
	CHECK_EQ(st.mps_nsrequest, 1);
	CHECK_EQ(count_names(TASK), before);
	/* Our names mean nothing there. */
	CHECK_KR(mach_port_type(child, mine, &type), KERN_INVALID_NAME);
	CHECK_KR(hell_port_allocate_served(child, mine, 0, 0, &p), KERN_INVALID_NAME);

	CHECK_KR(task_terminate(child), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, child), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, mine), KERN_SUCCESS);
}

/* Requests the stub would never build: the server checks them. */
static void
test_hostile(void)
{
	/* mach_msg sends from and receives into the same buffer. */
	union {
		struct {
			mach_msg_header_t head;
			mach_msg_type_t type;
			uint64_t words[8];
		} req;
		mig_reply_header_t rep;
		char bytes[512];
	} m;
	mach_port_t reply = mig_get_reply_port();
	mach_msg_type_number_t before = count_names(TASK);
	static const mach_msg_size_t sizes[] = { 32, 40, 48, 56, 64, 72, 80, 96 };

	/* Every size, with a type that is never right. */
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		memset(&m, 0, sizeof m);
		mhead(&m.req.head,
		      MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE),
		      sizes[i], TASK, reply, 6004);
		m.req.type = mtype(MACH_MSG_TYPE_STRING, 8, 3, 1, 0);
		memset(m.req.words, 0xff, sizeof m.req.words);
		CHECK_KR(mach_msg(&m.req.head, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
				  sizes[i], sizeof m, reply, WAIT_MS, MACH_PORT_NULL),
			 MACH_MSG_SUCCESS);
		CHECK_EQ(m.rep.Head.msgh_id, 6104);
		CHECK_EQ(m.rep.RetCode, MIG_BAD_ARGUMENTS);
	}
	CHECK_EQ(count_names(TASK), before);

	/* Extreme values that are legal: any payload, any sync. */
	mach_port_t p = allocate_served(MACH_PORT_NULL, ~(rpc_uintptr_t) 0, ~0u);

	CHECK_EQ(port_status(p).mps_nsrequest, 1);
	check_no_senders(p, p, ~(rpc_uintptr_t) 0, true);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	CHECK_EQ(count_names(TASK), before);
}

/* Many ports, all distinct, all destroyed: nothing leaks (hell run
 * --leak-check checks machd at the end). */
static void
test_many(void)
{
	enum { N = 256 };
	mach_port_t set, names[N];
	mach_msg_type_number_t before = count_names(TASK);

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	for (int i = 0; i < N; i++) {
		names[i] = allocate_served(set, (rpc_uintptr_t) i + 1, 1);
		for (int j = 0; j < i; j++)
			if (names[j] == names[i])
				CHECK(!"names are distinct");
	}
	CHECK_EQ(count_names(TASK), before + N + 1);
	for (int i = 0; i < N; i += 2)
		CHECK_KR(mach_port_mod_refs(TASK, names[i], MACH_PORT_RIGHT_RECEIVE, -1),
			 KERN_SUCCESS);
	/* Destroying the set leaves its members, out of it, requests armed. */
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	for (int i = 1; i < N; i += 2) {
		CHECK_EQ(port_status(names[i]).mps_pset, MACH_PORT_NULL);
		CHECK_EQ(port_status(names[i]).mps_nsrequest, 1);
		CHECK_KR(mach_port_destroy(TASK, names[i]), KERN_SUCCESS);
	}
	CHECK_EQ(count_names(TASK), before);
}

int
main(void)
{
	test_same_as_parts();
	test_request_is_ordinary();
	test_errors();
	test_other_space();
	test_hostile();
	test_many();
	return TEST_DONE();
}

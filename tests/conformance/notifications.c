/* Conformance: mach_port_request_notification and the notifications it
 * produces: dead-name, port-deleted, no-senders, send-once and
 * port-destroyed (manual 4.3.2, 4.3.8; GNU Mach ipc/mach_port.c,
 * ipc/ipc_right.c, ipc/ipc_port.c, ipc/ipc_notify.c).
 *
 * A notification is sent to a send-once right, so it arrives with local
 * bits MACH_MSG_TYPE_PORT_SEND_ONCE and no reply port. */
#include <unistd.h>
#include <sys/wait.h>
#include "conformance.h"

#define DN	MACH_NOTIFY_DEAD_NAME
#define NS	MACH_NOTIFY_NO_SENDERS
#define PD	MACH_NOTIFY_PORT_DESTROYED
#define SO	MACH_MSG_TYPE_MAKE_SEND_ONCE

static kern_return_t
request(mach_port_t name, mach_msg_id_t id, mach_port_mscount_t sync,
	mach_port_t notify, mach_port_t *previous)
{
	*previous = (mach_port_t) 12345;
	return mach_port_request_notification(TASK, name, id, sync, notify, SO, previous);
}

/* Check the common header of a notification received on NOTIFY. */
static void
check_header(msgbuf_t *buf, mach_port_t notify, mach_msg_size_t size)
{
	CHECK_EQ(MACH_MSGH_BITS_LOCAL(buf->head.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
	CHECK_EQ(MACH_MSGH_BITS_REMOTE(buf->head.msgh_bits), 0);
	CHECK_EQ(buf->head.msgh_local_port, notify);
	CHECK_EQ(buf->head.msgh_remote_port, MACH_PORT_NULL);
	CHECK_EQ(buf->head.msgh_size, size);
}

/* A dead-name or port-deleted notification on NOTIFY naming NAME. */
static void
expect_name_notification(mach_port_t notify, mach_msg_id_t id, mach_port_t name)
{
	msgbuf_t buf;

	EXPECT_MSG(notify, &buf, id);
	check_header(&buf, notify, sizeof(mach_dead_name_notification_t));
	CHECK(!(buf.head.msgh_bits & MACH_MSGH_BITS_COMPLEX));
	CHECK_EQ(buf.dead_name.not_type.msgt_name, MACH_MSG_TYPE_PORT_NAME);
	CHECK_EQ(buf.dead_name.not_type.msgt_size, 32);
	CHECK_EQ(buf.dead_name.not_type.msgt_number, 1);
	CHECK_EQ(buf.dead_name.not_type.msgt_inline, 1);
	CHECK_EQ(buf.dead_name.not_port, name);
}

static void
expect_no_senders(mach_port_t notify, mach_port_mscount_t count)
{
	msgbuf_t buf;

	EXPECT_MSG(notify, &buf, NS);
	check_header(&buf, notify, sizeof(mach_no_senders_notification_t));
	CHECK_EQ(buf.no_senders.not_type.msgt_name, MACH_MSG_TYPE_INTEGER_32);
	CHECK_EQ(buf.no_senders.not_type.msgt_size, 32);
	CHECK_EQ(buf.no_senders.not_type.msgt_number, 1);
	CHECK_EQ(buf.no_senders.not_count, count);
}

static void
expect_send_once(mach_port_t port)
{
	msgbuf_t buf;

	EXPECT_MSG(port, &buf, MACH_NOTIFY_SEND_ONCE);
	check_header(&buf, port, sizeof(mach_send_once_notification_t));
}

static void
test_dead_name_send_once(void)
{
	mach_port_t p = testlib_port(), n = testlib_port();
	mach_port_t so = make_send_once(p), prev;

	CHECK_KR(request(so, DN, 0, n, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);
	CHECK_EQ(testlib_type(so), MACH_PORT_TYPE_SEND_ONCE | MACH_PORT_TYPE_DNREQUEST);
	CHECK_EQ(port_status(n).mps_sorights, 1);
	EXPECT_NO_MSG(n);

	/* The port dies: the right becomes a dead name and the notification
	 * adds a user reference to it (manual 4.3.8). */
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	expect_name_notification(n, DN, so);
	CHECK_EQ(testlib_type(so), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(so, MACH_PORT_RIGHT_DEAD_NAME), 2);
	CHECK_EQ(port_status(n).mps_sorights, 0);
	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	CHECK(!name_exists(so));
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_destroy(TASK, n), KERN_SUCCESS);
}

static void
test_dead_name_send_receive(void)
{
	mach_port_t p = testlib_port_with_send(), n = testlib_port(), prev;

	/* A dead-name request may name a receive right too.  Destroying only
	 * the receive right leaves a dead name: urefs 1 + 1. */
	CHECK_KR(request(p, DN, 0, n, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND_RECEIVE | MACH_PORT_TYPE_DNREQUEST);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	expect_name_notification(n, DN, p);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_DEAD_NAME), 2);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_DEAD_NAME, -2), KERN_SUCCESS);

	/* mach_port_destroy frees the name: a port-deleted notification
	 * instead (manual 4.3.2). */
	p = testlib_port_with_send();
	CHECK_KR(request(p, DN, 0, n, &prev), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	expect_name_notification(n, MACH_NOTIFY_PORT_DELETED, p);
	CHECK(!name_exists(p));

	/* The same for a receive-only name destroyed with mod_refs. */
	p = testlib_port();
	CHECK_KR(request(p, DN, 0, n, &prev), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	expect_name_notification(n, MACH_NOTIFY_PORT_DELETED, p);
	EXPECT_NO_MSG(n);

	CHECK_KR(mach_port_destroy(TASK, n), KERN_SUCCESS);
}

static void
test_port_deleted(void)
{
	mach_port_t p = testlib_port(), n = testlib_port(), carrier = testlib_port_with_send();
	mach_port_t so, prev;
	msgbuf_t buf;
	port_msg_t *pm = (port_msg_t *) &buf;

	/* Deallocating a send-once right: a send-once notification to its
	 * port, a port-deleted notification for its name. */
	so = make_send_once(p);
	CHECK_KR(request(so, DN, 0, n, &prev), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	expect_send_once(p);
	expect_name_notification(n, MACH_NOTIFY_PORT_DELETED, so);

	/* Sending a message to the send-once right frees its name too. */
	so = make_send_once(p);
	CHECK_KR(request(so, DN, 0, n, &prev), KERN_SUCCESS);
	CHECK_KR(send_empty(so, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 900), MACH_MSG_SUCCESS);
	expect_name_notification(n, MACH_NOTIFY_PORT_DELETED, so);
	EXPECT_MSG(p, &buf, 900);

	/* The last reference of a plain send right.  Make P's name a plain
	 * send right by parking its receive right in a message. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(send_port(carrier, MACH_MSG_TYPE_COPY_SEND, p, MACH_MSG_TYPE_MOVE_RECEIVE, 901),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 1), KERN_SUCCESS);
	CHECK_KR(request(p, DN, 0, n, &prev), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	expect_name_notification(n, MACH_NOTIFY_PORT_DELETED, p);
	CHECK(!name_exists(p));
	/* Moving the last send right away in a message also deletes the name. */
	CHECK_KR(msg_recv(carrier, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 901);
	p = pm->port.name;
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(send_port(carrier, MACH_MSG_TYPE_COPY_SEND, p, MACH_MSG_TYPE_MOVE_RECEIVE, 903),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND);
	CHECK_KR(request(p, DN, 0, n, &prev), KERN_SUCCESS);
	CHECK_KR(send_port(carrier, MACH_MSG_TYPE_COPY_SEND, p, MACH_MSG_TYPE_MOVE_SEND, 904),
		 MACH_MSG_SUCCESS);
	expect_name_notification(n, MACH_NOTIFY_PORT_DELETED, p);
	CHECK(!name_exists(p));
	EXPECT_NO_MSG(n);

	/* Destroying the carrier destroys the parked rights: nothing more. */
	CHECK_KR(mach_port_destroy(TASK, carrier), KERN_SUCCESS);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_destroy(TASK, n), KERN_SUCCESS);
}

static void
test_dead_name_on_dead_name(void)
{
	mach_port_t d = MACH_PORT_NULL, n = testlib_port(), prev;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_DEAD_NAME, &d), KERN_SUCCESS);

	/* On a dead name, a request needs SYNC != 0 and a notify port. */
	CHECK_KR(request(d, DN, 1, MACH_PORT_NULL, &prev), KERN_INVALID_ARGUMENT);
	CHECK_KR(request(d, DN, 0, MACH_PORT_NULL, &prev), KERN_INVALID_ARGUMENT);
	/* A failed request is destroyed with the send-once right it carried:
	 * the notify port gets a send-once notification (ipc_kobject_server). */
	CHECK_KR(request(d, DN, 0, n, &prev), KERN_INVALID_ARGUMENT);
	expect_send_once(n);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), 1);

	/* With SYNC, the notification is immediate and adds a reference. */
	CHECK_KR(request(d, DN, 1, n, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);
	expect_name_notification(n, DN, d);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), 2);
	CHECK_EQ(testlib_type(d), MACH_PORT_TYPE_DEAD_NAME);

	/* ... unless that would overflow the count. */
	CHECK_KR(mach_port_mod_refs(TASK, d, MACH_PORT_RIGHT_DEAD_NAME, (int) UREFS_MAX - 2),
		 KERN_SUCCESS);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), UREFS_MAX);
	CHECK_KR(request(d, DN, 1, n, &prev), KERN_UREFS_OVERFLOW);
	expect_send_once(n);
	CHECK_EQ(testlib_refs(d, MACH_PORT_RIGHT_DEAD_NAME), UREFS_MAX);

	CHECK_KR(mach_port_destroy(TASK, d), KERN_SUCCESS);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_destroy(TASK, n), KERN_SUCCESS);
}

static void
test_previous(void)
{
	mach_port_t p = testlib_port_with_send(), n1 = testlib_port(), n2 = testlib_port();
	mach_port_t prev;

	/* The request is an atomic swap: the previous send-once right comes
	 * back to the caller. */
	CHECK_KR(request(p, DN, 0, n1, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);
	CHECK_KR(request(p, DN, 0, n2, &prev), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(prev));
	CHECK_EQ(testlib_type(prev), MACH_PORT_TYPE_SEND_ONCE);
	/* It is a send-once right to N1: using it up notifies N1. */
	CHECK_KR(mach_port_deallocate(TASK, prev), KERN_SUCCESS);
	expect_send_once(n1);
	/* MACH_PORT_NULL cancels and returns the registered right. */
	CHECK_KR(request(p, DN, 0, MACH_PORT_NULL, &prev), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(prev));
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_KR(mach_port_deallocate(TASK, prev), KERN_SUCCESS);
	expect_send_once(n2);
	/* Cancelling when nothing is registered returns MACH_PORT_NULL. */
	CHECK_KR(request(p, DN, 0, MACH_PORT_NULL, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);

	/* The same for no-senders and port-destroyed requests. */
	CHECK_KR(request(p, NS, 100, n1, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);
	CHECK_KR(request(p, NS, 100, n2, &prev), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(prev));
	CHECK_KR(mach_port_deallocate(TASK, prev), KERN_SUCCESS);
	expect_send_once(n1);
	CHECK_KR(request(p, NS, 100, MACH_PORT_NULL, &prev), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(prev));
	CHECK_KR(mach_port_deallocate(TASK, prev), KERN_SUCCESS);
	expect_send_once(n2);
	CHECK_EQ(port_status(p).mps_nsrequest, 0);

	CHECK_KR(request(p, PD, 0, n1, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);
	CHECK_EQ(port_status(p).mps_pdrequest, 1);
	CHECK_KR(request(p, PD, 0, n2, &prev), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(prev));
	CHECK_KR(mach_port_deallocate(TASK, prev), KERN_SUCCESS);
	expect_send_once(n1);
	CHECK_KR(request(p, PD, 0, MACH_PORT_NULL, &prev), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(prev));
	CHECK_KR(mach_port_deallocate(TASK, prev), KERN_SUCCESS);
	expect_send_once(n2);
	CHECK_EQ(port_status(p).mps_pdrequest, 0);

	EXPECT_NO_MSG(n1);
	EXPECT_NO_MSG(n2);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, n1), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, n2), KERN_SUCCESS);
}

static void
test_errors(void)
{
	mach_port_t p = testlib_port(), n = testlib_port(), set = MACH_PORT_NULL;
	mach_port_t host = mach_host_self(), free_name = unused_name(0x8000), prev;
	mach_port_t so = make_send_once(p);

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);

	/* Unknown variants. */
	CHECK_KR(request(p, 0, 0, MACH_PORT_NULL, &prev), KERN_INVALID_VALUE);
	CHECK_KR(request(p, MACH_NOTIFY_SEND_ONCE, 0, MACH_PORT_NULL, &prev), KERN_INVALID_VALUE);
	CHECK_KR(request(p, MACH_NOTIFY_PORT_DELETED, 0, MACH_PORT_NULL, &prev), KERN_INVALID_VALUE);
	CHECK_KR(request(p, MACH_NOTIFY_MSG_ACCEPTED, 0, MACH_PORT_NULL, &prev), KERN_INVALID_VALUE);
	CHECK_KR(request(p, 12345, 0, MACH_PORT_NULL, &prev), KERN_INVALID_VALUE);

	/* Dead-name requests: send, send-once or receive rights only. */
	CHECK_KR(request(free_name, DN, 0, MACH_PORT_NULL, &prev), KERN_INVALID_NAME);
	CHECK_KR(request(set, DN, 0, MACH_PORT_NULL, &prev), KERN_INVALID_RIGHT);

	/* No-senders and port-destroyed requests: receive rights only. */
	CHECK_KR(request(free_name, NS, 0, MACH_PORT_NULL, &prev), KERN_INVALID_NAME);
	CHECK_KR(request(host, NS, 0, MACH_PORT_NULL, &prev), KERN_INVALID_RIGHT);
	CHECK_KR(request(so, NS, 0, MACH_PORT_NULL, &prev), KERN_INVALID_RIGHT);
	CHECK_KR(request(set, NS, 0, MACH_PORT_NULL, &prev), KERN_INVALID_RIGHT);
	CHECK_KR(request(free_name, PD, 0, MACH_PORT_NULL, &prev), KERN_INVALID_NAME);
	CHECK_KR(request(host, PD, 0, MACH_PORT_NULL, &prev), KERN_INVALID_RIGHT);
	CHECK_KR(request(set, PD, 0, MACH_PORT_NULL, &prev), KERN_INVALID_RIGHT);
	/* Port-destroyed requests take SYNC 0 only (checked first). */
	CHECK_KR(request(p, PD, 1, MACH_PORT_NULL, &prev), KERN_INVALID_VALUE);
	CHECK_KR(request(host, PD, 1, MACH_PORT_NULL, &prev), KERN_INVALID_VALUE);

	/* A dead notify port (checked before anything else). */
	CHECK_KR(request(p, NS, 0, MACH_PORT_DEAD, &prev), KERN_INVALID_CAPABILITY);
	CHECK_KR(request(free_name, 0, 0, MACH_PORT_DEAD, &prev), KERN_INVALID_CAPABILITY);

	/* A notify right the caller does not hold: the request can not be sent. */
	CHECK_KR(request(p, NS, 0, host, &prev), MACH_SEND_INVALID_RIGHT);
	CHECK_KR(request(p, NS, 0, free_name, &prev), MACH_SEND_INVALID_RIGHT);

	/* A failing request with a real notify right: the right is destroyed
	 * with the request, so N gets a send-once notification. */
	CHECK_KR(request(free_name, DN, 0, n, &prev), KERN_INVALID_NAME);
	expect_send_once(n);
	CHECK_KR(request(host, NS, 0, n, &prev), KERN_INVALID_RIGHT);
	expect_send_once(n);
	CHECK_KR(request(p, 999, 0, n, &prev), KERN_INVALID_VALUE);
	expect_send_once(n);
	CHECK_EQ(port_status(n).mps_sorights, 0);

	/* Nothing got registered. */
	CHECK_EQ(port_status(p).mps_nsrequest, 0);
	CHECK_EQ(port_status(p).mps_pdrequest, 0);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_EQ(testlib_type(host), MACH_PORT_TYPE_SEND);

	CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
	expect_send_once(p);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, set), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, n), KERN_SUCCESS);
}

static void
test_no_senders(void)
{
	mach_port_t p = testlib_port(), n = testlib_port(), prev;

	/* Armed while a send right exists; fires when the last one goes,
	 * carrying the make-send count. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, p, MACH_PORT_RIGHT_SEND, 1), KERN_SUCCESS);
	CHECK_KR(request(p, NS, 0, n, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);
	CHECK_EQ(port_status(p).mps_nsrequest, 1);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	expect_no_senders(n, 1);
	/* The request is used up. */
	CHECK_EQ(port_status(p).mps_nsrequest, 0);

	/* No send rights and SYNC <= make-send count: immediate. */
	CHECK_KR(request(p, NS, 1, n, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);
	expect_no_senders(n, 1);
	CHECK_EQ(port_status(p).mps_nsrequest, 0);
	CHECK_KR(request(p, NS, 0, n, &prev), KERN_SUCCESS);
	expect_no_senders(n, 1);

	/* SYNC above the make-send count: armed until the count gets there. */
	CHECK_KR(request(p, NS, 2, n, &prev), KERN_SUCCESS);
	EXPECT_NO_MSG(n);
	CHECK_EQ(port_status(p).mps_nsrequest, 1);
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	expect_no_senders(n, 2);

	/* The count follows mach_port_set_mscount. */
	CHECK_KR(mach_port_set_mscount(TASK, p, 40), KERN_SUCCESS);
	CHECK_KR(request(p, NS, 40, n, &prev), KERN_SUCCESS);
	expect_no_senders(n, 40);

	/* A send-once right is not a sender. */
	{
		mach_port_t so = make_send_once(p);

		CHECK_KR(request(p, NS, 0, n, &prev), KERN_SUCCESS);
		expect_no_senders(n, 40);
		CHECK_KR(mach_port_deallocate(TASK, so), KERN_SUCCESS);
		expect_send_once(p);
	}

	/* mach_port_destroy on a send/receive name releases the send right
	 * before the port dies, so an armed request fires (ipc_right_destroy). */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(request(p, NS, 0, n, &prev), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	expect_no_senders(n, 41);

	/* A port that dies with a request still armed: the request's send-once
	 * right is destroyed, a send-once notification (ipc_port_destroy). */
	p = testlib_port();
	CHECK_KR(request(p, NS, 1, n, &prev), KERN_SUCCESS);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	expect_send_once(n);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_destroy(TASK, n), KERN_SUCCESS);
}

static void
test_no_senders_in_messages(void)
{
	mach_port_t p = testlib_port(), n = testlib_port(), q = testlib_port_with_send(), prev;
	msgbuf_t buf;
	port_msg_t *pm = (port_msg_t *) &buf;

	/* A send right carried in a queued message is still a sender. */
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(request(p, NS, 0, n, &prev), KERN_SUCCESS);
	CHECK_KR(send_port(q, MACH_MSG_TYPE_COPY_SEND, p, MACH_MSG_TYPE_MOVE_SEND, 1), MACH_MSG_SUCCESS);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	EXPECT_NO_MSG(n);
	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(pm->port.name, p);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	expect_no_senders(n, 1);

	/* ... until the message is destroyed. */
	CHECK_KR(request(p, NS, 2, n, &prev), KERN_SUCCESS);
	CHECK_KR(send_port(q, MACH_MSG_TYPE_COPY_SEND, p, MACH_MSG_TYPE_MAKE_SEND, 2), MACH_MSG_SUCCESS);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
	expect_no_senders(n, 2);

	/* A message sent to P with MAKE_SEND holds a send right until it is
	 * received. */
	CHECK_KR(request(p, NS, 3, n, &prev), KERN_SUCCESS);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_MAKE_SEND, 0, 3), MACH_MSG_SUCCESS);
	EXPECT_NO_MSG(n);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	expect_no_senders(n, 3);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, n), KERN_SUCCESS);
}

static void
test_port_destroyed(void)
{
	mach_port_t p = testlib_port_with_send(), n = testlib_port(), r, prev;
	mach_port_status_t st;
	msgbuf_t buf;

	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 5, 1000), MACH_MSG_SUCCESS);
	CHECK_KR(mach_port_set_seqno(TASK, p, 7), KERN_SUCCESS);
	CHECK_KR(mach_port_set_mscount(TASK, p, 9), KERN_SUCCESS);
	CHECK_KR(request(p, PD, 0, n, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);
	CHECK_EQ(port_status(p).mps_pdrequest, 1);

	/* Instead of dying, the port's receive right goes to N. */
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK(!name_exists(p));
	EXPECT_MSG(n, &buf, PD);
	check_header(&buf, n, sizeof(mach_port_destroyed_notification_t));
	CHECK(buf.head.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	CHECK_EQ(buf.port_destroyed.not_type.msgt_name, MACH_MSG_TYPE_PORT_RECEIVE);
	CHECK_EQ(buf.port_destroyed.not_type.msgt_size, 64);
	CHECK_EQ(buf.port_destroyed.not_type.msgt_number, 1);
	CHECK_EQ(buf.port_destroyed.not_type.msgt_inline, 1);
	r = buf.port_destroyed.not_port;
	CHECK(MACH_PORT_VALID(r));
	CHECK_EQ(testlib_type(r), MACH_PORT_TYPE_RECEIVE);
	/* It kept its messages; the request is used up, the make-send count
	 * and seqno start again (ipc_port_clear_receiver). */
	st = port_status(r);
	CHECK_EQ(st.mps_msgcount, 1);
	CHECK_EQ(st.mps_pdrequest, 0);
	CHECK_EQ(st.mps_mscount, 0);
	CHECK_EQ(st.mps_seqno, 0);
	CHECK_EQ(st.mps_srights, 1);	/* the queued message's */
	CHECK_KR(msg_recv(r, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, 1000);
	CHECK_EQ(buf.head.msgh_local_port, r);
	CHECK_EQ(buf.head.msgh_seqno, 0);

	/* Removing the receive right with mod_refs does the same. */
	CHECK_KR(request(r, PD, 0, n, &prev), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, r, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	EXPECT_MSG(n, &buf, PD);
	r = buf.port_destroyed.not_port;
	CHECK_EQ(testlib_type(r), MACH_PORT_TYPE_RECEIVE);

	/* Without a request, it dies. */
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
	EXPECT_NO_MSG(n);
	CHECK_KR(mach_port_destroy(TASK, n), KERN_SUCCESS);
}

/* Multi-task: a fork child holds copies of our send rights. */
static void
test_no_senders_after_child_exit(void)
{
	mach_port_t p = testlib_port(), n = testlib_port(), prev;
	int fds[2], status = -1;
	pid_t pid;
	msgbuf_t buf;

	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(request(p, NS, 0, n, &prev), KERN_SUCCESS);
	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		char c;

		close(fds[1]);
		/* Prove we hold the send right, then wait for the parent. */
		if (send_empty(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1100) != MACH_MSG_SUCCESS)
			_exit(3);
		if (read(fds[0], &c, 1) < 0)
			_exit(5);
		_exit(0);
	}
	CHECK(pid > 0);
	close(fds[0]);
	EXPECT_MSG(p, &buf, 1100);
	/* Our own send right goes; the child's keeps the port alive. */
	CHECK_KR(mach_port_deallocate(TASK, p), KERN_SUCCESS);
	EXPECT_NO_MSG(n);
	CHECK_EQ(port_status(p).mps_srights, 1);
	/* The child exits: its space is destroyed with its send right. */
	close(fds[1]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	expect_no_senders(n, 1);
	CHECK_EQ(port_status(p).mps_srights, 0);

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, n), KERN_SUCCESS);
}

static void
test_dead_name_after_child_exit(void)
{
	mach_port_t p = testlib_port_with_send(), n = testlib_port();
	mach_port_t x, xo, prev;
	int fds[2], status = -1;
	pid_t pid;
	msgbuf_t buf;
	port_msg_t *pm = (port_msg_t *) &buf;

	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		mach_port_t c;
		char ch;

		close(fds[1]);
		if (mach_port_allocate(TASK, MACH_PORT_RIGHT_RECEIVE, &c) != KERN_SUCCESS)
			_exit(3);
		/* A send right to the child's port in the body, and a send-once
		 * right to it as the reply port. */
		{
			port_msg_t m;

			make_port_msg(&m, p, MACH_MSG_TYPE_COPY_SEND, c, MACH_MSG_TYPE_MAKE_SEND, 1200);
			m.head.msgh_local_port = c;
			m.head.msgh_bits |= MACH_MSGH_BITS(0, MACH_MSG_TYPE_MAKE_SEND_ONCE);
			if (msg_send(&m, 0, 0) != MACH_MSG_SUCCESS)
				_exit(4);
		}
		if (read(fds[0], &ch, 1) < 0)
			_exit(5);
		_exit(0);
	}
	CHECK(pid > 0);
	close(fds[0]);

	EXPECT_MSG(p, &buf, 1200);
	x = pm->port.name;
	xo = buf.head.msgh_remote_port;
	CHECK_EQ(testlib_type(x), MACH_PORT_TYPE_SEND);
	CHECK_EQ(testlib_type(xo), MACH_PORT_TYPE_SEND_ONCE);
	CHECK_KR(request(x, DN, 0, n, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);
	EXPECT_NO_MSG(n);

	/* The child exits: its port dies with its space. */
	close(fds[1]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	expect_name_notification(n, DN, x);
	CHECK_EQ(testlib_type(x), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(x, MACH_PORT_RIGHT_DEAD_NAME), 2);
	CHECK_EQ(testlib_type(xo), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(xo, MACH_PORT_RIGHT_DEAD_NAME), 1);
	/* A dead name is no destination. */
	CHECK_KR(send_empty(xo, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 1201),
		 MACH_SEND_INVALID_DEST);
	CHECK_KR(mach_port_mod_refs(TASK, x, MACH_PORT_RIGHT_DEAD_NAME, -2), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, xo), KERN_SUCCESS);
	CHECK(!name_exists(x));
	CHECK(!name_exists(xo));

	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, n), KERN_SUCCESS);
}

/* A port whose port-destroyed request names the port itself: handing the
 * receive right to it would queue the port on itself, a circle nothing
 * could free.  GNU Mach (ipc_port_destroy's circularity check) drops the
 * request and the port dies.  machd once leaked the port here: the leak
 * check of this test's machd catches it (found by the fuzzer). */
static void
test_port_destroyed_to_itself(void)
{
	mach_port_t p = testlib_port(), prev;

	CHECK_KR(request(p, PD, 0, p, &prev), KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_EQ(testlib_type(p), 0);
}

int
main(void)
{
	test_dead_name_send_once();
	test_dead_name_send_receive();
	test_port_deleted();
	test_dead_name_on_dead_name();
	test_previous();
	test_errors();
	test_no_senders();
	test_no_senders_in_messages();
	test_port_destroyed();
	test_port_destroyed_to_itself();
	test_no_senders_after_child_exit();
	test_dead_name_after_child_exit();
	return TEST_DONE();
}

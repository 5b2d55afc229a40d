/* conformance.h: small helpers shared by the Mach conformance tests.
 *
 * The tests are written from the GNU Mach Reference Manual (info mach,
 * chapter 4) and, where the manual is silent, from what GNU Mach's ipc/
 * code returns.  Messages are built by hand in today's x86_64 layout:
 * a 32-byte mach_msg_header_t, 8-byte mach_msg_type_t descriptors, every
 * item padded to 8 bytes, inline port names in 8-byte slots
 * (mach_port_name_inlined_t, msgt_size 64), out-of-line port arrays of
 * 4-byte names (msgt_size 32).
 *
 * Everything here is static inline so that a test uses what it needs. */
#ifndef HELL_CONFORMANCE_H
#define HELL_CONFORMANCE_H

#include <stdint.h>
#include <string.h>
#include <time.h>
#include <mach.h>
#include <mach/notify.h>
#include <mach/mach_error.h>
#include "testlib.h"

_Static_assert(sizeof(mach_msg_header_t) == 32, "x86_64 header");
_Static_assert(sizeof(mach_msg_type_t) == 8, "x86_64 type descriptor");
_Static_assert(sizeof(mach_port_name_inlined_t) == 8, "x86_64 inline port name");

/* GNU Mach's user-reference limit (ipc/port.h: MACH_PORT_UREFS_MAX); it is
 * not in the public headers.  Dead names may reach it, send rights stop
 * one below it (ipc_right_delta checks MACH_PORT_UREFS_OVERFLOW(urefs+1)). */
#define UREFS_MAX ((mach_port_urefs_t) 0xffff)

/* How long to wait for a message that must come (ms). */
#define WAIT_MS 3000

#define TASK mach_task_self()

/* A receive buffer big enough for every message the tests exchange. */
typedef union {
	mach_msg_header_t head;
	mach_dead_name_notification_t dead_name;
	mach_port_deleted_notification_t port_deleted;
	mach_no_senders_notification_t no_senders;
	mach_port_destroyed_notification_t port_destroyed;
	char bytes[8192];
} msgbuf_t;

/* One inline int32: 32 + 8 + 4, padded to 48. */
typedef struct {
	mach_msg_header_t head;
	mach_msg_type_t type;
	int32_t value;
	int32_t pad;
} int_msg_t;
_Static_assert(sizeof(int_msg_t) == 48, "int_msg_t layout");

/* One inline port right in its 8-byte slot. */
typedef struct {
	mach_msg_header_t head;
	mach_msg_type_t type;
	mach_port_name_inlined_t port;
} port_msg_t;
_Static_assert(sizeof(port_msg_t) == 48, "port_msg_t layout");

/* One out-of-line region: the descriptor and the 8-byte address. */
typedef struct {
	mach_msg_header_t head;
	mach_msg_type_t type;
	vm_address_t addr;
} ool_msg_t;
_Static_assert(sizeof(ool_msg_t) == 48, "ool_msg_t layout");

static inline mach_msg_type_t
mtype(mach_msg_type_name_t name, unsigned size, mach_msg_type_number_t number,
      int is_inline, int dealloc)
{
	mach_msg_type_t t;

	memset(&t, 0, sizeof t);
	t.msgt_name = name;
	t.msgt_size = size;
	t.msgt_number = number;
	t.msgt_inline = is_inline ? 1 : 0;
	t.msgt_longform = 0;
	t.msgt_deallocate = dealloc ? 1 : 0;
	t.msgt_unused = 0;
	return t;
}

static inline void
mhead(mach_msg_header_t *h, mach_msg_bits_t bits, mach_msg_size_t size,
      mach_port_t remote, mach_port_t local, mach_msg_id_t id)
{
	memset(h, 0, sizeof *h);
	h->msgh_bits = bits;
	h->msgh_size = size;
	h->msgh_remote_port = remote;
	h->msgh_local_port = local;
	h->msgh_seqno = 0;
	h->msgh_id = id;
}

static inline mach_port_name_inlined_t
inl(mach_port_t name)
{
	mach_port_name_inlined_t n;

	memset(&n, 0, sizeof n);
	n.name = name;
	return n;
}

/* Send MSG (its msgh_size is the send size). */
static inline mach_msg_return_t
msg_send(void *msg, mach_msg_option_t extra, mach_msg_timeout_t timeout)
{
	mach_msg_header_t *h = msg;

	return mach_msg(h, MACH_SEND_MSG | extra, h->msgh_size, 0,
			MACH_PORT_NULL, timeout, MACH_PORT_NULL);
}

/* Receive from FROM into BUF with a timeout in ms. */
static inline mach_msg_return_t
msg_recv(mach_port_t from, void *buf, mach_msg_size_t size, mach_msg_timeout_t timeout)
{
	return mach_msg(buf, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, size, from,
			timeout, MACH_PORT_NULL);
}

/* A header-only message. */
static inline mach_msg_return_t
send_empty(mach_port_t dest, mach_msg_type_name_t dest_disp,
	   mach_port_t reply, mach_msg_type_name_t reply_disp, mach_msg_id_t id)
{
	mach_msg_header_t h;

	mhead(&h, MACH_MSGH_BITS(dest_disp, reply_disp), sizeof h, dest, reply, id);
	return msg_send(&h, 0, 0);
}

static inline void
make_int_msg(int_msg_t *m, mach_port_t dest, mach_msg_type_name_t dest_disp,
	     int32_t value, mach_msg_id_t id)
{
	mhead(&m->head, MACH_MSGH_BITS(dest_disp, 0), sizeof *m, dest,
	      MACH_PORT_NULL, id);
	m->type = mtype(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1, 0);
	m->value = value;
	m->pad = 0;
}

static inline mach_msg_return_t
send_int(mach_port_t dest, mach_msg_type_name_t dest_disp, int32_t value, mach_msg_id_t id)
{
	int_msg_t m;

	make_int_msg(&m, dest, dest_disp, value, id);
	return msg_send(&m, 0, 0);
}

/* A complex message carrying RIGHT with disposition RIGHT_DISP. */
static inline void
make_port_msg(port_msg_t *m, mach_port_t dest, mach_msg_type_name_t dest_disp,
	      mach_port_t right, mach_msg_type_name_t right_disp, mach_msg_id_t id)
{
	mhead(&m->head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(dest_disp, 0),
	      sizeof *m, dest, MACH_PORT_NULL, id);
	m->type = mtype(right_disp, 64, 1, 1, 0);
	m->port = inl(right);
}

static inline mach_msg_return_t
send_port(mach_port_t dest, mach_msg_type_name_t dest_disp,
	  mach_port_t right, mach_msg_type_name_t right_disp, mach_msg_id_t id)
{
	port_msg_t m;

	make_port_msg(&m, dest, dest_disp, right, right_disp, id);
	return msg_send(&m, 0, 0);
}

static inline mach_port_status_t
port_status(mach_port_t name)
{
	mach_port_status_t st;

	memset(&st, 0xff, sizeof st);
	if (mach_port_get_receive_status(TASK, name, &st) != KERN_SUCCESS)
		memset(&st, 0xff, sizeof st);
	return st;
}

/* Messages queued on receive right NAME (~0 if NAME is no receive right). */
static inline mach_port_msgcount_t
queued(mach_port_t name)
{
	return port_status(name).mps_msgcount;
}

static inline int
name_exists(mach_port_t name)
{
	mach_port_type_t type;

	return mach_port_type(TASK, name, &type) == KERN_SUCCESS;
}

/* A name that denotes nothing in this task, near HINT. */
static inline mach_port_t
unused_name(mach_port_t hint)
{
	mach_port_t name = hint;

	while (!MACH_PORT_VALID(name) || name_exists(name))
		name++;
	return name;
}

/* A new send-once right for the receive right RECV, under a new name. */
static inline mach_port_t
make_send_once(mach_port_t recv)
{
	mach_port_t so = MACH_PORT_NULL;
	mach_msg_type_name_t got = 0;
	kern_return_t kr;

	kr = mach_port_extract_right(TASK, recv, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &got);
	if (kr != KERN_SUCCESS || got != MACH_MSG_TYPE_PORT_SEND_ONCE) {
		fprintf(stderr, "conformance: make_send_once: %s\n", mach_error_string(kr));
		exit(2);
	}
	return so;
}

/* Give up one received right NAME of received type TYPE. */
static inline void
dispose_right(mach_port_t name, mach_msg_type_name_t type)
{
	if (!MACH_PORT_VALID(name))
		return;
	if (type == MACH_MSG_TYPE_PORT_RECEIVE)
		(void) mach_port_mod_refs(TASK, name, MACH_PORT_RIGHT_RECEIVE, -1);
	else
		(void) mach_port_deallocate(TASK, name);
}

/* Destroy what a received message holds: its reply right, and the rights
 * and memory of its body (like mach_msg_destroy). */
static inline void
destroy_received(mach_msg_header_t *h)
{
	char *p, *end;

	dispose_right(h->msgh_remote_port, MACH_MSGH_BITS_REMOTE(h->msgh_bits));
	if (!(h->msgh_bits & MACH_MSGH_BITS_COMPLEX))
		return;
	p = (char *) (h + 1);
	end = (char *) h + h->msgh_size;
	while (p + sizeof(mach_msg_type_t) <= end) {
		mach_msg_type_t *t = (mach_msg_type_t *) p;
		mach_msg_type_name_t name = t->msgt_name;
		mach_msg_type_number_t number = t->msgt_number;
		uint64_t len = ((uint64_t) number * t->msgt_size + 7) / 8;
		mach_msg_type_number_t i;

		p += sizeof *t;
		if (t->msgt_inline) {
			if (MACH_MSG_TYPE_PORT_ANY(name))
				for (i = 0; i < number; i++)
					dispose_right(((mach_port_name_inlined_t *) p)[i].name, name);
			p += len;
		} else {
			vm_address_t addr = *(vm_address_t *) p;

			if (MACH_MSG_TYPE_PORT_ANY(name) && addr != 0) {
				for (i = 0; i < number; i++)
					dispose_right(((mach_port_name_t *) addr)[i], name);
				len = (uint64_t) number * sizeof(mach_port_name_t);
			}
			if (addr != 0 && len != 0)
				(void) vm_deallocate(TASK, addr, len);
			p += sizeof(vm_address_t);
		}
		p = (char *) (((uintptr_t) p + 7) & ~(uintptr_t) 7);
	}
}

/* Receive and destroy every message queued on NAME; return how many. */
static inline int
drain(mach_port_t name)
{
	msgbuf_t buf;
	int n = 0;

	while (msg_recv(name, &buf, sizeof buf, 0) == MACH_MSG_SUCCESS) {
		destroy_received(&buf.head);
		n++;
	}
	return n;
}

/* A message with id ID must arrive on PORT within WAIT_MS (into *BUF). */
#define EXPECT_MSG(port, buf, id) do {					\
	memset((buf), 0, sizeof(mach_msg_header_t));			\
	CHECK_KR(msg_recv((port), (buf), sizeof *(buf), WAIT_MS), MACH_MSG_SUCCESS); \
	CHECK_EQ((buf)->head.msgh_id, (id));				\
} while (0)

/* No message is queued on PORT. */
#define EXPECT_NO_MSG(port) do {					\
	msgbuf_t _nb;							\
	mach_msg_return_t _mr = msg_recv((port), &_nb, sizeof _nb, 0);	\
	CHECK_KR(_mr, MACH_RCV_TIMED_OUT);				\
	if (_mr == MACH_MSG_SUCCESS)					\
		destroy_received(&_nb.head);				\
} while (0)

static inline struct timespec
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

static inline long
ms_since(struct timespec start)
{
	struct timespec end = now_mono();

	return (end.tv_sec - start.tv_sec) * 1000L
		+ (end.tv_nsec - start.tv_nsec) / 1000000L;
}

#endif

/* libports' objects, in one task:
 *   - creating ports; lookups by name and by payload, restricted to a
 *     bucket or class; the payload really travels in messages;
 *   - hard and weak references: the clean routine runs once, when both
 *     are gone; dropweak is asked when only weak ones remain;
 *   - ports_get_send_right and the no-senders notification ending a port
 *     (served by a one-thread manager); an early notification (a send
 *     right made after it was asked for) does not;
 *   - a new port as the kernel sees it (in its set, the no-senders request
 *     armed), and the machd calls a port's life costs, seen by tracing
 *     ourselves; a notification that comes after a new send right was made,
 *     or a forged one, leaves the port watched (served by hand, on a bucket
 *     no manager serves);
 *   - class and bucket iteration (the notify port never shows), also with
 *     a function that destroys what it visits;
 *   - ports_count_class blocking creation until ports_enable_class;
 *   - destroying, claiming, transferring and reallocating rights;
 *     importing a right that already has senders;
 *   - hurd_thread_cancel: a condition wait and a blocked mach_msg end,
 *     hurd_check_cancel reports it once, unknown threads are refused;
 *   - machd's port and name counts back where they were. */
#include "proto.h"

#include <hell/hell.h>
#include <hell/trace.h>
#include <unistd.h>

static struct port_bucket *bucket;
static struct port_class *weak_class;
static int dropweak_calls;
static void *weak_holder;	/* a cache holding one weak reference */

static void
drop_weak(void *port)
{
	dropweak_calls++;
	if (weak_holder == port) {
		weak_holder = NULL;
		ports_port_deref_weak(port);
	}
}

static void *
serve(void *arg)
{
	ports_manage_port_operations_one_thread(arg, pt_demuxer, 0);
	return NULL;
}

static struct references
refs(void *port)
{
	struct references r;

	refcounts_references(&((struct port_info *) port)->refcounts, &r);
	return r;
}

/* Classes and buckets live as long as the task (the Hurd has no call to
 * destroy them): kept here, so that a leak checker sees them in use. */
static struct port_bucket *other;
static struct port_class *other_class;

static void
test_lookup(void)
{
	struct pt_obj *obj, *found;
	int cleaned = pt_cleaned;

	other = ports_create_bucket();
	other_class = ports_create_class(NULL, NULL);
	obj = pt_new(bucket, 1, NULL);
	CHECK(other && other_class && obj);
	CHECK_EQ(refs(obj).hard, 1);
	found = ports_lookup_port(bucket, obj->pi.port_right, pt_class);
	CHECK(found == obj);
	CHECK_EQ(refs(obj).hard, 2);
	ports_port_deref(found);
	CHECK(ports_lookup_port(NULL, obj->pi.port_right, NULL) == obj);
	ports_port_deref(obj);
	CHECK(ports_lookup_port(other, obj->pi.port_right, NULL) == NULL);
	CHECK(ports_lookup_port(NULL, obj->pi.port_right, other_class) == NULL);
	CHECK(ports_lookup_port(NULL, MACH_PORT_NULL, NULL) == NULL);
	CHECK(ports_lookup_port(NULL, 0x7fffff00, NULL) == NULL);

	CHECK(ports_lookup_payload(bucket, (uintptr_t) obj, pt_class) == obj);
	ports_port_deref(obj);
	CHECK(ports_lookup_payload(other, (uintptr_t) obj, NULL) == NULL);
	CHECK(ports_lookup_payload(NULL, (uintptr_t) obj, other_class) == NULL);
	CHECK(ports_lookup_payload(NULL, 0, NULL) == NULL);
	CHECK_EQ(ports_payload_get_name((uintptr_t) obj), obj->pi.port_right);
	CHECK_EQ(ports_payload_get_name(0), MACH_PORT_NULL);
	CHECK_EQ(refs(obj).hard, 1);

	/* A message to the port carries the object as payload. */
	{
		struct pt_obj *quiet;
		mach_port_t send;
		union { mach_msg_header_t h; char buf[128]; } m;

		CHECK_KR(ports_create_port_noinstall(pt_class, bucket, sizeof *quiet, &quiet), 0);
		send = ports_get_send_right(quiet);
		CHECK(MACH_PORT_VALID(send));
		CHECK_KR(testlib_send_right(send, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, 77, 0),
			 MACH_MSG_SUCCESS);
		CHECK_KR(mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof m,
				  quiet->pi.port_right, 1000, MACH_PORT_NULL), MACH_MSG_SUCCESS);
		CHECK_EQ(MACH_MSGH_BITS_LOCAL(m.h.msgh_bits), MACH_MSG_TYPE_PROTECTED_PAYLOAD);
		CHECK(m.h.msgh_protected_payload == (uintptr_t) quiet);
		CHECK_EQ(m.h.msgh_id, 77);
		mach_msg_destroy(&m.h);
		/* Now into the bucket's port set, as the caller of _noinstall
		 * does once the object is complete. */
		CHECK_KR(mach_port_move_member(mach_task_self(), quiet->pi.port_right,
					       bucket->portset), KERN_SUCCESS);
		CHECK_KR(pt_call(send, PT_ADD, 1, MACH_PORT_NULL, NULL), 0);
		ports_port_deref(quiet);
		CHECK_KR(mach_port_deallocate(mach_task_self(), send), KERN_SUCCESS);
		CHECK(pt_wait_cleaned(cleaned + 1));	/* by no-senders */
	}

	ports_port_deref(obj);
	CHECK(pt_wait_cleaned(cleaned + 2));
	CHECK(ports_count_bucket(other) == 1);	/* its notify port */
	ports_enable_bucket(other);
}

static void
test_weak(void)
{
	struct pt_obj *obj;
	int cleaned = pt_cleaned;

	CHECK_KR(ports_create_port(weak_class, bucket, sizeof *obj, &obj), 0);
	ports_port_ref_weak(obj);
	weak_holder = obj;
	ports_port_ref(obj);
	ports_port_deref(obj);		/* a hard one is left: no dropweak */
	CHECK_EQ(dropweak_calls, 0);
	CHECK_EQ(refs(obj).weak, 1);
	ports_port_deref(obj);		/* only the weak one left: dropweak */
	CHECK_EQ(dropweak_calls, 1);
	CHECK(weak_holder == NULL);
	CHECK(pt_wait_cleaned(cleaned + 1));
	CHECK_EQ(pt_cleaned, cleaned + 1);
}

static void
test_no_senders(void)
{
	struct pt_obj *obj = pt_new(bucket, 0, NULL);
	mach_port_t right, send;
	int cleaned = pt_cleaned;

	CHECK(obj != NULL);
	send = ports_get_send_right(obj);
	CHECK(obj->pi.flags & PORT_HAS_SENDRIGHTS);
	CHECK_EQ(refs(obj).hard, 2);	/* ours and the senders' */
	/* A second send right counted, not yet made: an early no-senders
	 * notification must not end the port. */
	right = ports_get_right(obj);
	CHECK_EQ(right, send);
	CHECK_EQ(obj->pi.mscount, 2);
	CHECK_KR(mach_port_deallocate(mach_task_self(), send), KERN_SUCCESS);
	usleep(100000);
	CHECK(obj->pi.flags & PORT_HAS_SENDRIGHTS);
	CHECK_KR(mach_port_insert_right(mach_task_self(), right, right, MACH_MSG_TYPE_MAKE_SEND),
		 KERN_SUCCESS);
	ports_port_deref(obj);
	CHECK_EQ(pt_cleaned, cleaned);
	CHECK_KR(mach_port_deallocate(mach_task_self(), right), KERN_SUCCESS);
	CHECK(pt_wait_cleaned(cleaned + 1));
}

/* Serve one message of bucket B by hand (B has no manager): its id, or 0
 * if none came within WAIT ms. */
static mach_msg_id_t
serve_within(struct port_bucket *b, mach_msg_timeout_t wait)
{
	union { mach_msg_header_t h; char buf[512]; } in, out;

	memset(&in, 0, sizeof in);
	if (mach_msg(&in.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof in, b->portset, wait,
		     MACH_PORT_NULL) != MACH_MSG_SUCCESS)
		return 0;
	memset(&out, 0, sizeof out);
	CHECK(pt_demuxer(&in.h, &out.h));
	return in.h.msgh_id;
}

/* One that must come. */
static mach_msg_id_t
serve_one(struct port_bucket *b)
{
	return serve_within(b, 3000);
}

static mach_port_status_t
status_of(struct pt_obj *obj)
{
	mach_port_status_t st;

	memset(&st, 0xff, sizeof st);
	CHECK_KR(mach_port_get_receive_status(mach_task_self(), obj->pi.port_right, &st),
		 KERN_SUCCESS);
	return st;
}

/* A new port is ready to serve as it comes: in its bucket's set (none
 * with _noinstall), with the no-senders request that its first send right
 * needs armed already (one send-once right, to itself), which
 * ports_get_right keeps. */
static void
test_created(void)
{
	struct pt_obj *a = pt_new(other, 0, NULL), *b = NULL;
	mach_port_status_t st;
	mach_port_t right;
	int cleaned = pt_cleaned;

	CHECK(a != NULL);
	st = status_of(a);
	CHECK_EQ(st.mps_pset, other->portset);
	CHECK_EQ(st.mps_nsrequest, 1);
	CHECK_EQ(st.mps_sorights, 1);
	CHECK_EQ(st.mps_srights, 0);
	CHECK_EQ(st.mps_mscount, 0);
	CHECK_KR(ports_create_port_noinstall(pt_class, other, sizeof *b, &b), 0);
	st = status_of(b);
	CHECK_EQ(st.mps_pset, MACH_PORT_NULL);
	CHECK_EQ(st.mps_nsrequest, 1);
	ports_port_deref(b);
	CHECK_EQ(pt_cleaned, cleaned + 1);

	/* The first send right counts on the request made at creation: no
	 * second one (which would hand back the first's send-once right). */
	right = ports_get_right(a);
	st = status_of(a);
	CHECK_EQ(st.mps_nsrequest, 1);
	CHECK_EQ(st.mps_sorights, 1);
	CHECK_KR(mach_port_insert_right(mach_task_self(), right, right, MACH_MSG_TYPE_MAKE_SEND),
		 KERN_SUCCESS);
	ports_port_deref(a);
	CHECK_KR(mach_port_deallocate(mach_task_self(), right), KERN_SUCCESS);
	CHECK_EQ(serve_one(other), MACH_NOTIFY_NO_SENDERS);
	CHECK_EQ(pt_cleaned, cleaned + 2);
	CHECK_EQ(serve_within(other, 0), 0);	/* nothing else came */
}

/* A no-senders notification read after a new send right was made (the
 * kernel sent it, then ports_get_send_right gave another): the port stays
 * and its senders are watched again, so that the second right going ends
 * it.  Then a forged notification, while a sender holds on: the port stays,
 * still watched. */
static void
test_no_senders_late(void)
{
	struct pt_obj *obj = pt_new(other, 0, NULL);
	mach_port_t send, send2;
	int cleaned = pt_cleaned;

	CHECK(obj != NULL);
	send = ports_get_send_right(obj);
	ports_port_deref(obj);			/* only the senders hold it */
	CHECK_KR(mach_port_deallocate(mach_task_self(), send), KERN_SUCCESS);
	send2 = ports_get_send_right(obj);	/* before the notification is read */
	CHECK_EQ(obj->pi.mscount, 2);
	CHECK_EQ(serve_one(other), MACH_NOTIFY_NO_SENDERS);
	CHECK_EQ(pt_cleaned, cleaned);
	CHECK(obj->pi.flags & PORT_HAS_SENDRIGHTS);
	CHECK_EQ(status_of(obj).mps_nsrequest, 1);
	CHECK_KR(mach_port_deallocate(mach_task_self(), send2), KERN_SUCCESS);
	CHECK_EQ(serve_one(other), MACH_NOTIFY_NO_SENDERS);
	CHECK_EQ(pt_cleaned, cleaned + 1);

	/* Forged, by a sender, with a count that would end the port. */
	obj = pt_new(other, 0, &send);
	CHECK(obj != NULL);
	ports_port_deref(obj);
	{
		mach_no_senders_notification_t n;

		memset(&n, 0, sizeof n);
		n.not_header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
		n.not_header.msgh_size = sizeof n;
		n.not_header.msgh_remote_port = send;
		n.not_header.msgh_id = MACH_NOTIFY_NO_SENDERS;
		n.not_type = (mach_msg_type_t) { .msgt_name = MACH_MSG_TYPE_INTEGER_32,
						 .msgt_size = 32, .msgt_number = 1,
						 .msgt_inline = TRUE };
		n.not_count = 1000;
		CHECK_KR(mach_msg(&n.not_header, MACH_SEND_MSG, sizeof n, 0, MACH_PORT_NULL, 0,
				  MACH_PORT_NULL), MACH_MSG_SUCCESS);
	}
	CHECK_EQ(serve_one(other), MACH_NOTIFY_NO_SENDERS);
	CHECK_EQ(pt_cleaned, cleaned + 1);
	CHECK(obj->pi.flags & PORT_HAS_SENDRIGHTS);
	CHECK_EQ(status_of(obj).mps_nsrequest, 1);
	/* Asking again handed back the request's send-once right, which
	 * went: the kernel says so to the port. */
	CHECK_EQ(serve_one(other), MACH_NOTIFY_SEND_ONCE);
	CHECK_KR(mach_port_deallocate(mach_task_self(), send), KERN_SUCCESS);
	CHECK_EQ(serve_one(other), MACH_NOTIFY_NO_SENDERS);
	CHECK_EQ(pt_cleaned, cleaned + 2);
	CHECK_EQ(serve_within(other, 0), 0);
}

#define MAX_RECORDS 256
#define ID_MACH_PORT_DEALLOCATE 3206	/* mach_port.defs: 3200 + place */
#define ID_MACH_PORT_MOD_REFS 3208
#define ID_MACH_PORT_INSERT_RIGHT 3215
#define ID_MACH_PORT_GET_RECEIVE_STATUS 3217
#define ID_HELL_PORT_ALLOCATE_SERVED 6004	/* hell.defs: 6000 + place */

/* The ids of the calls to machd (on our task port) recorded on TRACE
 * since the last time, into IDS; their number. */
static int
kernel_calls(mach_port_t trace, mach_msg_id_t *ids, int max)
{
	union {
		struct hell_trace_msg m;
		char buf[1024];
	} u;
	int n = 0;

	while (mach_msg(&u.m.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof u, trace, 0,
			MACH_PORT_NULL) == MACH_MSG_SUCCESS) {
		CHECK_EQ(u.m.head.msgh_id, HELL_TRACE_MSGH_ID);
		if (u.m.rec.direction == HELL_TRACE_SEND &&
		    u.m.rec.dest.kind == HELL_TRACE_PORT_TASK && n < max)
			ids[n++] = u.m.rec.msgh_id;
	}
	return n;
}

/* What a port's life costs in calls to machd: one to make it, none for
 * its first send right, and two when its last sender goes (the check of
 * the notification, and the end of the right).  We trace ourselves. */
static void
test_calls(void)
{
	mach_port_t trace = testlib_port(), right;
	mach_msg_id_t ids[MAX_RECORDS];
	struct pt_obj *obj;
	int cleaned = pt_cleaned;

	CHECK_KR(hell_task_trace(mach_task_self(), trace, 0), KERN_SUCCESS);
	kernel_calls(trace, ids, MAX_RECORDS);

	obj = pt_new(other, 0, NULL);
	CHECK(obj != NULL);
	CHECK_EQ(kernel_calls(trace, ids, MAX_RECORDS), 1);
	CHECK_EQ(ids[0], ID_HELL_PORT_ALLOCATE_SERVED);

	right = ports_get_right(obj);
	CHECK_EQ(kernel_calls(trace, ids, MAX_RECORDS), 0);

	/* The send right a reply would make, and its holder dropping it. */
	CHECK_KR(mach_port_insert_right(mach_task_self(), right, right, MACH_MSG_TYPE_MAKE_SEND),
		 KERN_SUCCESS);
	ports_port_deref(obj);
	CHECK_KR(mach_port_deallocate(mach_task_self(), right), KERN_SUCCESS);
	CHECK_EQ(kernel_calls(trace, ids, MAX_RECORDS), 2);
	CHECK_EQ(ids[0], ID_MACH_PORT_INSERT_RIGHT);
	CHECK_EQ(ids[1], ID_MACH_PORT_DEALLOCATE);

	CHECK_EQ(serve_one(other), MACH_NOTIFY_NO_SENDERS);
	CHECK_EQ(pt_cleaned, cleaned + 1);
	CHECK_EQ(kernel_calls(trace, ids, MAX_RECORDS), 2);
	CHECK_EQ(ids[0], ID_MACH_PORT_GET_RECEIVE_STATUS);
	CHECK_EQ(ids[1], ID_MACH_PORT_MOD_REFS);

	CHECK_KR(hell_task_trace(mach_task_self(), MACH_PORT_NULL, 0), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(mach_task_self(), trace), KERN_SUCCESS);
}

static int visited;

static error_t
count_one(void *port)
{
	visited++;
	return 0;
}

static error_t
destroy_one(void *port)
{
	visited++;
	return ports_destroy_right(port);
}

static error_t
stop_at_two(void *port)
{
	return ++visited == 2 ? EIO : 0;
}

static void
test_iterate(void)
{
	struct port_bucket *b = ports_create_bucket();
	struct pt_obj *objs[5];
	int cleaned = pt_cleaned;

	CHECK(b != NULL);
	for (int i = 0; i < 5; i++) {
		objs[i] = pt_new(b, i, NULL);
		CHECK(objs[i] != NULL);
	}
	visited = 0;
	CHECK_EQ(ports_bucket_iterate(b, count_one), 0);
	CHECK_EQ(visited, 5);		/* not the notify port */
	visited = 0;
	CHECK_EQ(ports_bucket_iterate(b, stop_at_two), EIO);
	CHECK_EQ(visited, 2);
	CHECK_EQ(ports_count_bucket(b), 6);	/* the notify port counts */
	ports_enable_bucket(b);
	CHECK(ports_count_class(pt_class) >= 5);
	ports_enable_class(pt_class);
	for (int i = 0; i < 5; i++)
		ports_port_deref(objs[i]);
	CHECK(pt_wait_cleaned(cleaned + 5));

	/* Iterating over a class, destroying as it goes. */
	for (int i = 0; i < 5; i++) {
		objs[i] = pt_new(b, i, NULL);
		CHECK(objs[i] != NULL);
		ports_get_right(objs[i]);	/* so that destroying drops a reference */
	}
	for (int i = 0; i < 5; i++)
		ports_port_deref(objs[i]);
	visited = 0;
	CHECK_EQ(ports_class_iterate(pt_class, destroy_one), 0);
	CHECK_EQ(visited, 5);
	CHECK(pt_wait_cleaned(cleaned + 10));
	CHECK_EQ(ports_count_bucket(b), 1);
	ports_enable_bucket(b);
}

static void *
create_blocked(void *arg)
{
	struct pt_obj **out = arg;

	CHECK_KR(ports_create_port(pt_class, bucket, sizeof **out, out), 0);
	return NULL;
}

static void
test_count_blocks(void)
{
	struct pt_obj *obj = NULL;
	pthread_t t;
	int cleaned = pt_cleaned;

	ports_count_class(pt_class);
	CHECK(pthread_create(&t, NULL, create_blocked, &obj) == 0);
	usleep(100000);
	CHECK(__atomic_load_n(&obj, __ATOMIC_ACQUIRE) == NULL);	/* still waiting */
	ports_enable_class(pt_class);
	pthread_join(t, NULL);
	CHECK(obj != NULL);
	ports_port_deref(obj);
	CHECK(pt_wait_cleaned(cleaned + 1));
}

static void
test_rights(void)
{
	struct pt_obj *a = pt_new(bucket, 0, NULL), *b = pt_new(bucket, 0, NULL), *c;
	mach_port_t send_a, name_a, claimed, old, fresh;
	int cleaned = pt_cleaned;

	CHECK(a && b);
	/* Destroy: the right goes, the object stays until its references go. */
	send_a = ports_get_send_right(a);
	name_a = a->pi.port_right;
	CHECK_EQ(ports_destroy_right(a), 0);
	CHECK_EQ(a->pi.port_right, MACH_PORT_NULL);
	CHECK(!(a->pi.flags & PORT_HAS_SENDRIGHTS));
	CHECK(ports_lookup_port(NULL, name_a, NULL) == NULL);
	CHECK(ports_lookup_payload(NULL, (uintptr_t) a, NULL) == NULL);
	CHECK_EQ(ports_get_right(a), MACH_PORT_NULL);
	CHECK_EQ(testlib_type(send_a), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(ports_destroy_right(a), 0);	/* twice is harmless */
	CHECK_KR(mach_port_deallocate(mach_task_self(), send_a), KERN_SUCCESS);
	CHECK_EQ(pt_cleaned, cleaned);
	ports_port_deref(a);
	CHECK(pt_wait_cleaned(cleaned + 1));

	/* Claim: the right leaves the library, alive. */
	ports_get_right(b);
	claimed = ports_claim_right(b);
	CHECK(MACH_PORT_VALID(claimed));
	CHECK_EQ(testlib_type(claimed) & MACH_PORT_TYPE_RECEIVE, MACH_PORT_TYPE_RECEIVE);
	CHECK(ports_lookup_port(NULL, claimed, NULL) == NULL);
	CHECK_EQ(b->pi.port_right, MACH_PORT_NULL);
	CHECK_EQ(ports_claim_right(b), MACH_PORT_NULL);

	/* Import it into a new object: it works as any port. */
	CHECK_KR(ports_import_port(pt_class, bucket, claimed, sizeof *c, &c), 0);
	c->base = 30;
	CHECK(ports_lookup_port(bucket, claimed, pt_class) == c);
	ports_port_deref(c);
	ports_port_deref(b);

	/* Transfer C's right to a new object D. */
	{
		struct pt_obj *d = pt_new(bucket, 40, NULL);
		mach_port_t d_old, send;
		int out = 0;

		CHECK(d != NULL);
		d_old = d->pi.port_right;
		send = ports_get_send_right(c);
		CHECK_EQ(ports_transfer_right(d, c), 0);
		CHECK_EQ(c->pi.port_right, MACH_PORT_NULL);
		CHECK_EQ(d->pi.port_right, claimed);
		CHECK(d->pi.flags & PORT_HAS_SENDRIGHTS);
		CHECK(ports_lookup_port(NULL, d_old, NULL) == NULL);
		CHECK(ports_lookup_port(NULL, claimed, NULL) == d);
		ports_port_deref(d);
		CHECK_KR(pt_call(send, PT_ADD, 2, MACH_PORT_NULL, &out), 0);
		CHECK_EQ(out, 42);	/* D answers on C's old right */
		ports_port_deref(c);
		CHECK(pt_wait_cleaned(cleaned + 3));	/* B and C */

		/* Reallocate: senders of the old right see it dead. */
		old = d->pi.port_right;
		ports_reallocate_port(d);
		fresh = d->pi.port_right;
		CHECK(MACH_PORT_VALID(fresh) && fresh != old);
		CHECK(!(d->pi.flags & PORT_HAS_SENDRIGHTS));
		CHECK_EQ(testlib_type(send), MACH_PORT_TYPE_DEAD_NAME);
		CHECK_KR(mach_port_deallocate(mach_task_self(), send), KERN_SUCCESS);
		CHECK(ports_lookup_port(NULL, fresh, NULL) == d);
		ports_port_deref(d);
		send = ports_get_send_right(d);
		CHECK_KR(pt_call(send, PT_ADD, 3, MACH_PORT_NULL, &out), 0);
		CHECK_EQ(out, 43);

		/* Reallocate from an external right that already has senders. */
		{
			mach_port_t ext = testlib_port_with_send();

			ports_reallocate_from_external(d, ext);
			CHECK_EQ(d->pi.port_right, ext);
			CHECK(d->pi.flags & PORT_HAS_SENDRIGHTS);
			CHECK_EQ(testlib_type(send), MACH_PORT_TYPE_DEAD_NAME);
			CHECK_KR(mach_port_deallocate(mach_task_self(), send), KERN_SUCCESS);
			CHECK_KR(pt_call(ext, PT_ADD, 4, MACH_PORT_NULL, &out), 0);
			CHECK_EQ(out, 44);
			ports_port_deref(d);
			CHECK_EQ(pt_cleaned, cleaned + 3);
			/* Its last send right goes: no-senders ends D. */
			CHECK_KR(mach_port_deallocate(mach_task_self(), ext), KERN_SUCCESS);
			CHECK(pt_wait_cleaned(cleaned + 4));
		}
	}
}

/* A thread waiting to be cancelled: on a condition or in mach_msg. */
struct victim {
	pthread_t thread;
	bool in_msg;
	thread_t self;
	bool ready;
	int result;
	int checked_after;
};

static pthread_mutex_t v_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t v_cond = PTHREAD_COND_INITIALIZER;

static void *
victim_main(void *arg)
{
	struct victim *v = arg;
	struct timespec end = pt_deadline(10000);

	/* hurd_thread_cancel finds a thread by the port ports_begin_rpc
	 * records; ports_self_interrupted makes the thread known. */
	(void) ports_self_interrupted();
	v->self = mach_thread_self();
	pthread_mutex_lock(&v_lock);
	v->ready = true;
	pthread_cond_broadcast(&v_cond);
	if (!v->in_msg) {
		v->result = pthread_hurd_cond_timedwait_np(&v_cond, &v_lock, &end);
		while (v->result == 0)	/* woken by someone else */
			v->result = pthread_hurd_cond_timedwait_np(&v_cond, &v_lock, &end);
		pthread_mutex_unlock(&v_lock);
	} else {
		mach_port_t quiet = testlib_port();
		union { mach_msg_header_t h; char buf[64]; } m;

		pthread_mutex_unlock(&v_lock);
		v->result = mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_INTERRUPT | MACH_RCV_TIMEOUT, 0,
				     sizeof m, quiet, 10000, MACH_PORT_NULL);
		while (v->result == MACH_RCV_INTERRUPTED && !hurd_check_cancel())
			v->result = mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_INTERRUPT |
					     MACH_RCV_TIMEOUT, 0, sizeof m, quiet, 10000,
					     MACH_PORT_NULL);
		mach_port_mod_refs(mach_task_self(), quiet, MACH_PORT_RIGHT_RECEIVE, -1);
	}
	v->checked_after = hurd_check_cancel();	/* the flag was consumed */
	mach_port_deallocate(mach_task_self(), v->self);
	return NULL;
}

static void
test_cancel(void)
{
	for (int round = 0; round < 10; round++) {
		struct victim v = { .in_msg = round % 2 };

		CHECK(pthread_create(&v.thread, NULL, victim_main, &v) == 0);
		pthread_mutex_lock(&v_lock);
		while (!v.ready)
			pthread_cond_wait(&v_cond, &v_lock);
		pthread_mutex_unlock(&v_lock);
		CHECK_KR(hurd_thread_cancel(v.self), 0);
		pthread_join(v.thread, NULL);
		if (v.in_msg)
			CHECK_KR(v.result, MACH_RCV_INTERRUPTED);
		else
			CHECK_EQ(v.result, EINTR);
		CHECK_EQ(v.checked_after, 0);
	}
	CHECK_EQ(hurd_thread_cancel(MACH_PORT_NULL), ESRCH);
	CHECK_EQ(hurd_thread_cancel(0x7fffff00), ESRCH);
	/* A thread cancelling itself only sets its flag. */
	(void) ports_self_interrupted();
	{
		thread_t self = mach_thread_self();

		CHECK_EQ(hurd_thread_cancel(self), 0);
		CHECK_EQ(hurd_check_cancel(), 1);
		CHECK_EQ(hurd_check_cancel(), 0);
		mach_port_deallocate(mach_task_self(), self);
	}
}

/* A thread that exits in the middle of an RPC (a server calling exit or
 * pthread_exit from a routine) leaves its rpc_info on the port; its cancel
 * state is freed at its exit.  Interrupting the port's RPCs afterwards
 * must not touch that state (it did: a use after free, under ASan), nor
 * cancel a new thread that got the same memory.  */
struct quitter {
	struct pt_obj *obj;
	struct rpc_info info;
};

static void *
quitter_main(void *arg)
{
	struct quitter *q = arg;

	CHECK_EQ(ports_begin_rpc(q->obj, 0, &q->info), 0);
	pthread_exit(NULL);
}

static void *
bystander_main(void *arg)
{
	/* Take a cancel state (perhaps the quitter's memory) and stay
	 * uncancelled through the interruption below. */
	(void) hurd_check_cancel();
	pthread_barrier_wait(arg);
	pthread_barrier_wait(arg);
	return (void *) (intptr_t) hurd_check_cancel();
}

static void
test_exit_in_rpc(void)
{
	struct quitter q = { .obj = pt_new(bucket, 0, NULL) };
	pthread_t t, bystander;
	pthread_barrier_t barrier;
	void *bystander_cancelled;

	CHECK(q.obj != NULL);
	CHECK(pthread_create(&t, NULL, quitter_main, &q) == 0);
	pthread_join(t, NULL);
	pthread_barrier_init(&barrier, NULL, 2);
	CHECK(pthread_create(&bystander, NULL, bystander_main, &barrier) == 0);
	pthread_barrier_wait(&barrier);
	ports_interrupt_rpcs(q.obj);
	pthread_barrier_wait(&barrier);
	pthread_join(bystander, &bystander_cancelled);
	CHECK_EQ((intptr_t) bystander_cancelled, 0);
	/* The dead thread's RPC ends on its behalf, so the port can go. */
	ports_end_rpc(q.obj, &q.info);
	ports_port_deref(q.obj);
	pthread_barrier_destroy(&barrier);
}

int
main(void)
{
	struct hell_machd_stats before, after;
	pthread_t server;

	(void) mig_get_reply_port();
	(void) ports_self_interrupted();
	pt_class = ports_create_class(pt_clean, NULL);
	weak_class = ports_create_class(pt_clean, drop_weak);
	bucket = ports_create_bucket();
	CHECK(pt_class && weak_class && bucket);
	CHECK(pthread_create(&server, NULL, serve, bucket) == 0);
	pthread_detach(server);
	{
		/* The server thread's own reply port and thread port, up front. */
		struct pt_obj *warm = pt_new(bucket, 0, NULL);
		mach_port_t send = ports_get_send_right(warm);

		CHECK_KR(pt_call(send, PT_ADD, 0, MACH_PORT_NULL, NULL), 0);
		ports_port_deref(warm);
		mach_port_deallocate(mach_task_self(), send);
		CHECK(pt_wait_cleaned(1));
	}
	CHECK_KR(hell_machd_stats(&before), KERN_SUCCESS);

	test_lookup();
	test_weak();
	test_no_senders();
	test_created();
	test_no_senders_late();
	test_calls();
	test_iterate();
	test_count_blocks();
	test_rights();
	test_cancel();
	test_exit_in_rpc();

	CHECK_KR(hell_machd_stats(&after), KERN_SUCCESS);
	/* Two buckets made on the way stay (a bucket lives as long as the
	 * task): a port set and a notify port each. */
	CHECK_EQ(after.ports, before.ports + 2);
	CHECK_EQ(after.port_sets, before.port_sets + 2);
	CHECK_EQ(after.entries, before.entries + 4);
	CHECK_EQ(after.messages, before.messages);
	return TEST_DONE();
}

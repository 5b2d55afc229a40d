/* The small RPC protocol the libports tests serve and call, with
 * hand-made messages (no MIG), and the server side built on libports.
 *
 *   PT_ADD    v -> v + the object's base
 *   PT_WAIT   waits in pthread_hurd_cond_wait_np until pt_release() or a
 *             cancellation (EINTR)
 *   PT_BLOCK  waits in mach_msg (MACH_RCV_INTERRUPT) on a port nobody
 *             sends to, as an RPC to a dead-slow server would, until a
 *             cancellation (EINTR); with a port in the request, first asks
 *             to be interrupted when that port dies
 *   PT_MEET   waits until v handlers are inside at once (0), or 10 s
 *             (ETIMEDOUT): only a server with enough threads passes
 *   PT_RPC_OUT  calls io_read (libhurduser's MIG stub, not interruptible
 *             by its options) on a port nobody serves, until a
 *             cancellation (EINTR)
 *
 * Every wait in here is bounded, so a broken library fails the test
 * instead of hanging it. */
#ifndef HELL_TESTS_PORTS_PROTO_H
#define HELL_TESTS_PORTS_PROTO_H

#include "testlib.h"

#include <errno.h>
#include <hurd/io.h>
#include <hurd/ports.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

enum { PT_ADD = 5000, PT_WAIT, PT_BLOCK, PT_MEET, PT_RPC_OUT };

#define PT_CALL_TIMEOUT_MS 20000

struct pt_req {
	mach_msg_header_t h;
	mach_msg_type_t t;
	int32_t v;
	int32_t pad;
	mach_msg_type_t pt;		/* only in a complex request */
	mach_port_name_inlined_t port;
};
#define PT_REQ_SIMPLE_SIZE offsetof(struct pt_req, pt)

struct pt_rep {
	mig_reply_header_t hdr;
	mach_msg_type_t t;
	int32_t v;
	int32_t pad;
};

struct pt_obj {
	struct port_info pi;
	int base;
};

/* Server state shared with the tests. */
static struct port_class *pt_class;
static pthread_mutex_t pt_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pt_cond = PTHREAD_COND_INITIALIZER;
static int pt_inside;			/* handlers of PT_WAIT / PT_BLOCK / PT_MEET now */
static int pt_meeting;			/* handlers inside PT_MEET */
static int pt_max_meeting;
static bool pt_released;
static int pt_cleaned;			/* pt_clean calls */

static __attribute__((unused)) void
pt_clean(void *port)
{
	pthread_mutex_lock(&pt_lock);
	pt_cleaned++;
	pthread_cond_broadcast(&pt_cond);
	pthread_mutex_unlock(&pt_lock);
}

static const mach_msg_type_t pt_int_type = {
	.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 1,
	.msgt_inline = TRUE,
};

static __attribute__((unused)) struct timespec
pt_deadline(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long) (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

static __attribute__((unused)) void
pt_enter(void)
{
	pthread_mutex_lock(&pt_lock);
	pt_inside++;
	pthread_cond_broadcast(&pt_cond);
	pthread_mutex_unlock(&pt_lock);
}

static __attribute__((unused)) void
pt_leave(void)
{
	pthread_mutex_lock(&pt_lock);
	pt_inside--;
	pthread_cond_broadcast(&pt_cond);
	pthread_mutex_unlock(&pt_lock);
}

static __attribute__((unused)) kern_return_t
pt_do_wait(void)
{
	struct timespec end = pt_deadline(PT_CALL_TIMEOUT_MS);
	kern_return_t ret = 0;

	pt_enter();
	pthread_mutex_lock(&pt_lock);
	while (!pt_released) {
		int err = pthread_hurd_cond_timedwait_np(&pt_cond, &pt_lock, &end);

		if (err) {
			ret = err;	/* EINTR when cancelled */
			break;
		}
	}
	pthread_mutex_unlock(&pt_lock);
	pt_leave();
	return ret;
}

static __attribute__((unused)) kern_return_t
pt_do_block(struct pt_obj *obj, mach_port_t watch)
{
	mach_port_t quiet;
	kern_return_t ret;
	union { mach_msg_header_t h; char buf[256]; } m;

	if (MACH_PORT_VALID(watch)) {
		ret = ports_interrupt_self_on_port_death(obj, watch);
		if (ret)
			return ret;
	}
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &quiet))
		return ENOMEM;
	pt_enter();
	for (;;) {
		mach_msg_return_t mr;

		if (hurd_check_cancel()) {	/* cancelled before it blocked */
			ret = EINTR;
			break;
		}
		mr = mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_INTERRUPT | MACH_RCV_TIMEOUT, 0,
			      sizeof m, quiet, PT_CALL_TIMEOUT_MS, MACH_PORT_NULL);
		if (mr != MACH_RCV_INTERRUPTED) {
			ret = mr;
			break;
		}
	}
	pt_leave();
	mach_port_mod_refs(mach_task_self(), quiet, MACH_PORT_RIGHT_RECEIVE, -1);
	return ret;
}

static __attribute__((unused)) kern_return_t
pt_do_rpc_out(void)
{
	mach_port_t nobody;
	char buf[16], *data = buf;
	mach_msg_type_number_t n = sizeof buf;
	kern_return_t ret;

	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &nobody))
		return ENOMEM;
	mach_port_insert_right(mach_task_self(), nobody, nobody, MACH_MSG_TYPE_MAKE_SEND);
	pt_enter();
	ret = io_read(nobody, &data, &n, 0, sizeof buf);
	if (ret == MACH_RCV_INTERRUPTED && hurd_check_cancel())
		ret = EINTR;
	pt_leave();
	/* The request still queued goes with the port. */
	mach_port_mod_refs(mach_task_self(), nobody, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_deallocate(mach_task_self(), nobody);
	return ret;
}

static __attribute__((unused)) kern_return_t
pt_do_meet(int want, int *seen)
{
	struct timespec end = pt_deadline(10000);
	kern_return_t ret = 0;

	pthread_mutex_lock(&pt_lock);
	pt_meeting++;
	if (pt_meeting > pt_max_meeting)
		pt_max_meeting = pt_meeting;
	pthread_cond_broadcast(&pt_cond);
	while (pt_max_meeting < want && !ret)
		ret = pthread_cond_timedwait(&pt_cond, &pt_lock, &end);
	*seen = pt_max_meeting;
	pt_meeting--;
	pthread_mutex_unlock(&pt_lock);
	return ret;
}

/* The demuxer a manager runs: libports' own servers, then ours. */
static __attribute__((unused)) int
pt_demuxer(mach_msg_header_t *in, mach_msg_header_t *out)
{
	struct pt_req *req = (struct pt_req *) in;
	struct pt_rep *rep = (struct pt_rep *) out;
	struct pt_obj *obj;
	mach_port_t watch = MACH_PORT_NULL;
	int v = 0;

	if (ports_notify_server(in, out) || ports_interrupt_server(in, out))
		return 1;
	if (in->msgh_id < PT_ADD || in->msgh_id > PT_RPC_OUT)
		return 0;
	/* A hostile or broken message is answered, never trusted. */
	if (in->msgh_size < PT_REQ_SIMPLE_SIZE ||
	    req->t.msgt_name != MACH_MSG_TYPE_INTEGER_32 || req->t.msgt_number != 1) {
		rep->hdr.RetCode = MIG_BAD_ARGUMENTS;
		return 1;
	}
	if (in->msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		if (in->msgh_size < sizeof *req || req->pt.msgt_name != MACH_MSG_TYPE_PORT_SEND) {
			rep->hdr.RetCode = MIG_BAD_ARGUMENTS;
			return 1;
		}
		watch = req->port.name;
	}
	obj = ports_lookup_payload(NULL, in->msgh_protected_payload, pt_class);
	if (!obj) {
		rep->hdr.RetCode = EOPNOTSUPP;
		return 1;
	}
	switch (in->msgh_id) {
	case PT_ADD:
		v = req->v + obj->base;
		rep->hdr.RetCode = 0;
		break;
	case PT_WAIT:
		rep->hdr.RetCode = pt_do_wait();
		break;
	case PT_BLOCK:
		rep->hdr.RetCode = pt_do_block(obj, watch);
		break;
	case PT_MEET:
		rep->hdr.RetCode = pt_do_meet(req->v, &v);
		break;
	case PT_RPC_OUT:
		rep->hdr.RetCode = pt_do_rpc_out();
		break;
	}
	if (MACH_PORT_VALID(watch))
		mach_port_deallocate(mach_task_self(), watch);
	/* The request's port was taken (and dropped) whatever the answer. */
	if (rep->hdr.RetCode && (in->msgh_bits & MACH_MSGH_BITS_COMPLEX))
		in->msgh_bits &= ~MACH_MSGH_BITS_COMPLEX;
	ports_port_deref(obj);
	rep->hdr.Head.msgh_size = sizeof *rep;
	rep->t = pt_int_type;
	rep->v = v;
	return 1;
}

/* One RPC: ID with V (and WATCH as a made send right, if valid) to SERVER.
 * Returns the RetCode, or the mach_msg error; *OUT gets the value. */
static __attribute__((unused)) kern_return_t
pt_call(mach_port_t server, mach_msg_id_t id, int v, mach_port_t watch, int *out)
{
	union { struct pt_req req; struct pt_rep rep; } m;
	mach_port_t reply = mig_get_reply_port();
	mach_msg_return_t mr;

	memset(&m, 0, sizeof m);
	m.req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.req.h.msgh_size = PT_REQ_SIMPLE_SIZE;
	m.req.h.msgh_remote_port = server;
	m.req.h.msgh_local_port = reply;
	m.req.h.msgh_id = id;
	m.req.t = pt_int_type;
	m.req.v = v;
	if (MACH_PORT_VALID(watch)) {
		m.req.h.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
		m.req.h.msgh_size = sizeof m.req;
		m.req.pt = (mach_msg_type_t) { .msgt_name = MACH_MSG_TYPE_MAKE_SEND,
					       .msgt_size = 64, .msgt_number = 1,
					       .msgt_inline = TRUE };
		m.req.port.name = watch;
	}
	mr = mach_msg(&m.req.h, MACH_SEND_MSG | MACH_RCV_MSG | MACH_RCV_TIMEOUT,
		      m.req.h.msgh_size, sizeof m, reply, PT_CALL_TIMEOUT_MS, MACH_PORT_NULL);
	if (mr != MACH_MSG_SUCCESS) {
		mig_dealloc_reply_port(reply);
		return mr;
	}
	if (m.rep.hdr.Head.msgh_id != id + 100)
		return MIG_REPLY_MISMATCH;
	if (out && m.rep.hdr.Head.msgh_size >= sizeof m.rep)
		*out = m.rep.v;
	return m.rep.hdr.RetCode;
}

/* Wait until at least N handlers are inside PT_WAIT / PT_BLOCK (false
 * after 10 s). */
static __attribute__((unused)) bool
pt_wait_inside(int n)
{
	struct timespec end = pt_deadline(10000);
	int err = 0;

	pthread_mutex_lock(&pt_lock);
	while (pt_inside < n && !err)
		err = pthread_cond_timedwait(&pt_cond, &pt_lock, &end);
	pthread_mutex_unlock(&pt_lock);
	return !err;
}

/* Wait until pt_cleaned reaches N (false after 10 s). */
static __attribute__((unused)) bool
pt_wait_cleaned(int n)
{
	struct timespec end = pt_deadline(10000);
	int err = 0;

	pthread_mutex_lock(&pt_lock);
	while (pt_cleaned < n && !err)
		err = pthread_cond_timedwait(&pt_cond, &pt_lock, &end);
	pthread_mutex_unlock(&pt_lock);
	return !err;
}

/* A new object of pt_class in BUCKET with BASE, and a send right to it. */
static __attribute__((unused)) struct pt_obj *
pt_new(struct port_bucket *bucket, int base, mach_port_t *send)
{
	struct pt_obj *obj = NULL;

	if (ports_create_port(pt_class, bucket, sizeof *obj, &obj))
		return NULL;
	obj->base = base;
	if (send)
		*send = ports_get_send_right(obj);
	return obj;
}

#endif

/* The manager loops: receive on a bucket's port set, find the port a
 * message is for, run the server's demuxer inside ports_begin_rpc /
 * ports_end_rpc, send the reply.
 *
 * One thread, or many: the multithread manager starts a new thread
 * whenever a message arrives and no other thread is left listening, so a
 * slow RPC never holds back the others; a thread other than the first
 * ends after THREAD_TIMEOUT ms without a message, unless it is the last
 * one listening.
 *
 * As in today's Hurd, neither loop returns on inactivity: the Hurd found
 * that a server ending on a timer can drop a request that arrives while it
 * shuts down, and ignores the one-thread TIMEOUT and the multithread
 * GLOBAL_TIMEOUT.  A loop returns only when the bucket's port set fails
 * (it was destroyed).
 *
 * Every thread waits in receive at most IDLE_TICK_MS at a time, and then
 * passes a quiescent point of the bucket's thread pool, so that the memory
 * of dead ports is freed even when no message comes (reclaim.c). */
#include "ports_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define IDLE_TICK_MS 10000
#define FIRST_BUFFER 8192

static const mach_msg_type_t ret_code_type = {
	.msgt_name = MACH_MSG_TYPE_INTEGER_32,
	.msgt_size = 32,
	.msgt_number = 1,
	.msgt_inline = TRUE,
	.msgt_longform = FALSE,
	.msgt_deallocate = FALSE,
	.msgt_unused = 0,
};

/* One call of a manager, shared by its threads; the last thread out frees
 * it.  total and idle are the Hurd's totalthreads / nreqthreads. */
struct manager {
	struct port_bucket *bucket;
	ports_demuxer_type demuxer;
	bool multithread;
	int thread_timeout;		/* ms; 0: threads never end */
	void (*hook)(void);
	unsigned total;			/* threads serving (atomic) */
	unsigned idle;			/* threads not busy with a message (atomic) */
	unsigned refs;			/* threads using this struct (atomic) */
};

static void serve_thread(struct manager *m, int timeout);

static void
manager_unref(struct manager *m)
{
	if (__atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(m);
}

static void *
worker_main(void *arg)
{
	struct manager *m = arg;

	serve_thread(m, m->thread_timeout);
	manager_unref(m);
	return NULL;
}

/* Start one more thread for M.  total and idle already count it. */
static void
spawn(struct manager *m)
{
	pthread_attr_t attr;
	pthread_t t;
	int err;

	__atomic_add_fetch(&m->refs, 1, __ATOMIC_ACQ_REL);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&t, &attr, worker_main, m);
	pthread_attr_destroy(&attr);
	if (err) {
		__atomic_sub_fetch(&m->total, 1, __ATOMIC_ACQ_REL);
		__atomic_sub_fetch(&m->idle, 1, __ATOMIC_ACQ_REL);
		manager_unref(m);
		fprintf(stderr, "libports: cannot start a server thread: %s\n", strerror(err));
	}
}

/* Serve the message IN, filling OUT: the demuxer's answer, or an error
 * reply (EOPNOTSUPP: not one of the bucket's ports; what ports_begin_rpc
 * refused with; MIG_BAD_ID: the demuxer did not know the message). */
static void
handle(struct manager *m, mach_msg_header_t *in, mach_msg_header_t *out_head)
{
	mig_reply_header_t *out = (mig_reply_header_t *) out_head;
	struct port_info *pi;
	struct rpc_info link;

	if (m->multithread && __atomic_sub_fetch(&m->idle, 1, __ATOMIC_ACQ_REL) == 0) {
		__atomic_add_fetch(&m->total, 1, __ATOMIC_ACQ_REL);
		__atomic_add_fetch(&m->idle, 1, __ATOMIC_ACQ_REL);
		spawn(m);
	}

	out->Head.msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(in->msgh_bits), 0);
	out->Head.msgh_size = sizeof *out;
	out->Head.msgh_remote_port = in->msgh_remote_port;
	out->Head.msgh_local_port = MACH_PORT_NULL;
	out->Head.msgh_seqno = 0;
	out->Head.msgh_id = in->msgh_id + 100;
	out->RetCodeType = ret_code_type;
	out->RetCode = MIG_BAD_ID;

	if (MACH_MSGH_BITS_LOCAL(in->msgh_bits) == MACH_MSG_TYPE_PROTECTED_PAYLOAD) {
		pi = ports_lookup_payload(m->bucket, in->msgh_protected_payload, NULL);
	} else {
		pi = ports_lookup_port(m->bucket, in->msgh_local_port, NULL);
		if (pi) {
			/* Hand the demuxer the port as payload, as the kernel
			 * would have: MIG's intranpayload then needs no lookup. */
			in->msgh_bits = MACH_MSGH_BITS_OTHER(in->msgh_bits) |
				MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(in->msgh_bits),
					       MACH_MSG_TYPE_PROTECTED_PAYLOAD);
			in->msgh_protected_payload = (unsigned long) pi;
		}
	}

	if (pi) {
		error_t err = ports_begin_rpc(pi, in->msgh_id, &link);

		if (err) {
			out->RetCode = err;
		} else {
			if (m->multithread &&
			    in->msgh_seqno < __atomic_load_n(&pi->cancel_threshold, __ATOMIC_SEQ_CST))
				/* interrupt_operation came for it while queued */
				_ports_cancel(link.cancel);
			m->demuxer(in, out_head);
			ports_end_rpc(pi, &link);
		}
		ports_port_deref(pi);
	} else {
		out->RetCode = EOPNOTSUPP;
	}

	if (m->multithread)
		__atomic_add_fetch(&m->idle, 1, __ATOMIC_ACQ_REL);
}

/* Receive and reply buffers of one thread, the same size. */
struct buffers {
	mach_msg_header_t *req, *rep;
	mach_msg_size_t size;
};

static bool
buffers_grow(struct buffers *b, mach_msg_size_t need)
{
	mach_msg_header_t *req, *rep;

	if (need <= b->size)
		return true;
	req = malloc(need);
	rep = malloc(need);
	if (!req || !rep) {
		free(req);
		free(rep);
		return false;
	}
	free(b->req);
	free(b->rep);
	b->req = req;
	b->rep = rep;
	b->size = need;
	return true;
}

static inline bool
is_send_error(mach_msg_return_t mr)
{
	return mr >= MACH_SEND_IN_PROGRESS && mr < MACH_RCV_IN_PROGRESS;
}

/* After handle(): drop what the request carried if the server refused it,
 * and say whether a reply is to be sent. */
static bool
settle(mach_msg_header_t *req, mig_reply_header_t *rep)
{
	kern_return_t rc = rep->RetCode;

	if (rc == MIG_NO_REPLY)
		return false;	/* the server took the reply port, or there is none */
	if (rc == MIG_DESTROY_REQUEST) {
		mach_msg_destroy(req);
		return false;
	}
	if (rc != KERN_SUCCESS && (req->msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
		/* The server took nothing; keep the reply port for the error. */
		req->msgh_remote_port = MACH_PORT_NULL;
		mach_msg_destroy(req);
	}
	return MACH_PORT_VALID(rep->Head.msgh_remote_port);
}

/* Serve M's bucket on the calling thread until TIMEOUT ms pass without a
 * message (0: forever) or the port set fails.  Returns MACH_RCV_TIMED_OUT
 * or the failure. */
static mach_msg_return_t
serve(struct manager *m, struct ports_thread *thread, int timeout)
{
	struct ports_threadpool *pool = &m->bucket->threadpool;
	struct buffers b = { NULL, NULL, 0 };
	mach_msg_timeout_t wait = timeout > 0 && timeout < IDLE_TICK_MS ? (mach_msg_timeout_t) timeout
									 : IDLE_TICK_MS;
	uint64_t idle_ms = 0;
	bool reply = false;
	mach_msg_return_t mr;

	if (!buffers_grow(&b, FIRST_BUFFER))
		return MACH_RCV_TOO_LARGE;
	for (;;) {
		mach_msg_option_t rcv = MACH_RCV_MSG | MACH_RCV_TIMEOUT | MACH_RCV_LARGE;
		mach_msg_header_t *tmp;

		if (reply && MACH_MSGH_BITS_REMOTE(b.rep->msgh_bits) != MACH_MSG_TYPE_MOVE_SEND_ONCE) {
			/* A send right as reply port may be full: never wait on it. */
			mr = mach_msg(b.rep, MACH_SEND_MSG | MACH_SEND_TIMEOUT, b.rep->msgh_size, 0,
				      MACH_PORT_NULL, 0, MACH_PORT_NULL);
			if (mr != MACH_MSG_SUCCESS)
				mach_msg_destroy(b.rep);
			reply = false;
		}
		if (reply) {
			/* Reply and wait for the next request in one call; a
			 * send-once reply never waits for queue room. */
			mr = mach_msg(b.rep, MACH_SEND_MSG | rcv, b.rep->msgh_size, b.size,
				      m->bucket->portset, wait, MACH_PORT_NULL);
			if (is_send_error(mr)) {
				mach_msg_destroy(b.rep);
				reply = false;
				continue;
			}
			/* The reply buffer now holds the request. */
			tmp = b.req;
			b.req = b.rep;
			b.rep = tmp;
			reply = false;
		} else {
			mr = mach_msg(b.req, rcv, 0, b.size, m->bucket->portset, wait, MACH_PORT_NULL);
		}

		if (mr == MACH_RCV_TIMED_OUT) {
			_ports_thread_quiescent(pool, thread);
			idle_ms += wait;
			if (timeout > 0 && idle_ms >= (uint64_t) timeout)
				break;
			continue;
		}
		if (mr == MACH_RCV_INTERRUPTED || mr == MACH_SEND_INTERRUPTED) {
			/* A late cancellation signal (the RPC it was for is
			 * over): wait again.  An interrupted send was dropped. */
			continue;
		}
		if (mr == MACH_RCV_TOO_LARGE) {
			/* Still queued (MACH_RCV_LARGE); msgh_size says how big. */
			if (!buffers_grow(&b, b.req->msgh_size + 64)) {
				/* No memory for it: receive it too small, so the
				 * kernel destroys it, rather than spin. */
				mach_msg(b.req, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, b.size,
					 m->bucket->portset, 0, MACH_PORT_NULL);
			}
			continue;
		}
		if (mr != MACH_MSG_SUCCESS)
			break;

		idle_ms = 0;
		memset(b.rep, 0, sizeof (mig_reply_header_t));
		handle(m, b.req, b.rep);
		reply = settle(b.req, (mig_reply_header_t *) b.rep);
		_ports_thread_quiescent(pool, thread);
	}
	if (reply)
		mach_msg_destroy(b.rep);
	free(b.req);
	free(b.rep);
	return mr;
}

/* A thread's whole service: the hook, then serving, then leaving. */
static void
serve_thread(struct manager *m, int timeout)
{
	struct ports_threadpool *pool = &m->bucket->threadpool;
	struct ports_thread thread;
	mach_msg_return_t mr;

	if (m->hook)
		m->hook();
	_ports_thread_online(pool, &thread);
	for (;;) {
		mr = serve(m, &thread, timeout);
		if (mr != MACH_RCV_TIMED_OUT)
			break;	/* the port set failed */
		if (!m->multithread)
			continue;
		/* Idle for TIMEOUT: end, unless no one else would listen. */
		if (__atomic_sub_fetch(&m->idle, 1, __ATOMIC_ACQ_REL) == 0) {
			__atomic_add_fetch(&m->idle, 1, __ATOMIC_ACQ_REL);
			continue;
		}
		break;
	}
	if (mr != MACH_RCV_TIMED_OUT)
		__atomic_sub_fetch(&m->idle, 1, __ATOMIC_ACQ_REL);
	__atomic_sub_fetch(&m->total, 1, __ATOMIC_ACQ_REL);
	_ports_thread_offline(pool, &thread);
}

static void
manage(struct port_bucket *bucket, ports_demuxer_type demuxer, bool multithread,
       int thread_timeout, void (*hook)(void))
{
	struct manager *m = calloc(1, sizeof *m);

	if (!m) {
		fprintf(stderr, "libports: no memory to serve a bucket\n");
		return;
	}
	m->bucket = bucket;
	m->demuxer = demuxer;
	m->multithread = multithread;
	m->thread_timeout = thread_timeout;
	m->hook = hook;
	m->total = 1;
	m->idle = 1;
	m->refs = 1;
	/* The first thread never ends on inactivity (see the top). */
	serve_thread(m, 0);
	manager_unref(m);
}

void
ports_manage_port_operations_one_thread(struct port_bucket *bucket,
					ports_demuxer_type demuxer, int timeout)
{
	(void) timeout;
	manage(bucket, demuxer, false, 0, NULL);
}

void
ports_manage_port_operations_multithread(struct port_bucket *bucket,
					 ports_demuxer_type demuxer,
					 int thread_timeout, int global_timeout,
					 void (*hook)(void))
{
	(void) global_timeout;
	manage(bucket, demuxer, true, thread_timeout, hook);
}

/* Signals and blocked mach_msg calls.
 *
 * A thread waits in mach_msg; another thread sends it SIGUSR1, whose
 * handler was installed without SA_RESTART (so the signal interrupts a
 * system call, as on the Hurd it interrupts a Mach call):
 *   A. a receive with MACH_RCV_INTERRUPT returns MACH_RCV_INTERRUPTED;
 *   B. a receive without it keeps waiting (glibc's mach_msg retries) and
 *      then gets a message sent afterwards;
 *   C. a send blocked on a full queue (qlimit 1) with MACH_SEND_INTERRUPT
 *      returns MACH_SEND_INTERRUPTED, and the queue is as it was;
 *   D. the same send without MACH_SEND_INTERRUPT keeps waiting and
 *      completes when the queue has room.
 * GNU Mach: ipc_mqueue_receive and ipc_mqueue_send answer
 * MACH_RCV_INTERRUPTED / MACH_SEND_INTERRUPTED when the wait ends with
 * THREAD_INTERRUPTED; glibc's mach_msg retries unless the *_INTERRUPT
 * option is given.  No wait here is unbounded: a call that does not return
 * is failed after 10 s and released. */
#include "testlib.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 10000

struct int_msg {
	mach_msg_header_t h;
	mach_msg_type_t t;
	int32_t v;
	int32_t pad;
};

static atomic_int signals;

static void
on_signal(int sig)
{
	atomic_fetch_add(&signals, 1);
}

/* One mach_msg call on its own thread. */
struct call {
	pthread_t thread;
	mach_msg_option_t option;
	mach_port_t port;		/* receive from, or send to */
	mach_msg_id_t id;		/* of the message sent */
	union { mach_msg_header_t h; struct int_msg m; char buf[256]; } msg;
	atomic_int tid;
	atomic_int done;
	mach_msg_return_t mr;
};

static void
make_int_msg(struct int_msg *m, mach_port_t dest, mach_msg_id_t id)
{
	memset(m, 0, sizeof *m);
	m->h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m->h.msgh_size = sizeof *m;
	m->h.msgh_remote_port = dest;
	m->h.msgh_id = id;
	m->t = (mach_msg_type_t) { .msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32,
				   .msgt_number = 1, .msgt_inline = 1 };
	m->v = id * 10;
}

static void *
run_call(void *arg)
{
	struct call *c = arg;

	atomic_store(&c->tid, gettid());
	if (c->option & MACH_SEND_MSG) {
		make_int_msg(&c->msg.m, c->port, c->id);
		c->mr = mach_msg(&c->msg.h, c->option, sizeof c->msg.m, 0, MACH_PORT_NULL,
				 MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	} else {
		memset(&c->msg, 0, sizeof c->msg);
		c->mr = mach_msg(&c->msg.h, c->option, 0, sizeof c->msg, c->port,
				 MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	}
	atomic_store(&c->done, 1);
	return NULL;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Start C and return once it sleeps in its call (and machd has had time
 * to take the request). */
static void
start(struct call *c, mach_msg_option_t option, mach_port_t port, mach_msg_id_t id)
{
	long long deadline = now_ms() + WAIT_MS;

	c->option = option;
	c->port = port;
	c->id = id;
	atomic_store(&c->tid, 0);
	atomic_store(&c->done, 0);
	c->mr = -1;
	CHECK(pthread_create(&c->thread, NULL, run_call, c) == 0);
	while ((atomic_load(&c->tid) == 0 || testlib_thread_state(atomic_load(&c->tid)) != 'S') &&
	       !atomic_load(&c->done) && now_ms() < deadline)
		usleep(1000);
	usleep(100 * 1000);
	CHECK(!atomic_load(&c->done));
}

/* Wait up to 10 s for C to return; true if it did. */
static int
finish(struct call *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT_MS / 1000;
	return pthread_timedjoin_np(c->thread, NULL, &ts) == 0;
}

static mach_msg_return_t
send_now(mach_port_t dest, mach_msg_id_t id, mach_msg_timeout_t timeout)
{
	struct int_msg m;

	make_int_msg(&m, dest, id);
	return mach_msg(&m.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof m, 0, MACH_PORT_NULL,
			timeout, MACH_PORT_NULL);
}

static mach_msg_return_t
recv_now(mach_port_t from, struct int_msg *m, mach_msg_size_t size)
{
	memset(m, 0, size);
	return mach_msg(&m->h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, size, from, WAIT_MS,
			MACH_PORT_NULL);
}

static mach_port_msgcount_t
queued(mach_port_t name)
{
	mach_port_status_t st;

	memset(&st, 0xff, sizeof st);
	if (mach_port_get_receive_status(mach_task_self(), name, &st) != KERN_SUCCESS)
		return (mach_port_msgcount_t) -1;
	return st.mps_msgcount;
}

int
main(void)
{
	struct sigaction sa;
	mach_port_t port = testlib_port_with_send(), full = testlib_port_with_send();
	struct call c;
	union { struct int_msg m; char buf[256]; } r;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = 0;	/* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

	/* A. MACH_RCV_INTERRUPT: the signal ends the receive. */
	start(&c, MACH_RCV_MSG | MACH_RCV_INTERRUPT, port, 0);
	CHECK(pthread_kill(c.thread, SIGUSR1) == 0);
	if (!finish(&c)) {
		CHECK(!"receive with MACH_RCV_INTERRUPT was not interrupted");
		CHECK_KR(send_now(port, 499, 0), MACH_MSG_SUCCESS);	/* release it */
		pthread_join(c.thread, NULL);
	}
	CHECK_EQ(atomic_load(&signals), 1);
	CHECK_KR(c.mr, MACH_RCV_INTERRUPTED);
	CHECK_EQ(queued(port), 0);

	/* B. Without it, mach_msg waits on and takes the next message. */
	start(&c, MACH_RCV_MSG, port, 0);
	CHECK(pthread_kill(c.thread, SIGUSR1) == 0);
	for (long long deadline = now_ms() + WAIT_MS;
	     atomic_load(&signals) < 2 && now_ms() < deadline;)
		usleep(1000);
	CHECK_EQ(atomic_load(&signals), 2);
	usleep(300 * 1000);
	CHECK(!atomic_load(&c.done));	/* still waiting */
	CHECK_KR(send_now(port, 401, 0), MACH_MSG_SUCCESS);
	if (!finish(&c)) {
		CHECK(!"receive did not take the message");
		CHECK_KR(send_now(port, 499, 0), MACH_MSG_SUCCESS);
		pthread_join(c.thread, NULL);
	}
	CHECK_KR(c.mr, MACH_MSG_SUCCESS);
	CHECK_EQ(c.msg.h.msgh_id, 401);
	CHECK_EQ(c.msg.m.v, 4010);
	CHECK_EQ(queued(port), 0);

	/* C. A full queue: qlimit 1 and one message. */
	CHECK_KR(mach_port_set_qlimit(mach_task_self(), full, 1), KERN_SUCCESS);
	CHECK_KR(send_now(full, 500, 0), MACH_MSG_SUCCESS);
	CHECK_KR(send_now(full, 599, 0), MACH_SEND_TIMED_OUT);	/* it is full */
	CHECK_EQ(queued(full), 1);
	start(&c, MACH_SEND_MSG | MACH_SEND_INTERRUPT, full, 501);
	CHECK(pthread_kill(c.thread, SIGUSR1) == 0);
	if (!finish(&c)) {
		CHECK(!"send with MACH_SEND_INTERRUPT was not interrupted");
		CHECK_KR(recv_now(full, &r.m, sizeof r), MACH_MSG_SUCCESS);	/* make room */
		pthread_join(c.thread, NULL);
	}
	CHECK_EQ(atomic_load(&signals), 3);
	CHECK_KR(c.mr, MACH_SEND_INTERRUPTED);
	CHECK_EQ(queued(full), 1);

	/* D. Without it, the send waits on and completes when room comes. */
	start(&c, MACH_SEND_MSG, full, 502);
	CHECK(pthread_kill(c.thread, SIGUSR1) == 0);
	for (long long deadline = now_ms() + WAIT_MS;
	     atomic_load(&signals) < 4 && now_ms() < deadline;)
		usleep(1000);
	CHECK_EQ(atomic_load(&signals), 4);
	usleep(300 * 1000);
	CHECK(!atomic_load(&c.done));	/* still waiting */
	CHECK_EQ(queued(full), 1);
	CHECK_KR(recv_now(full, &r.m, sizeof r), MACH_MSG_SUCCESS);
	CHECK_EQ(r.m.h.msgh_id, 500);
	if (!finish(&c)) {
		CHECK(!"blocked send did not complete");
		CHECK_KR(recv_now(full, &r.m, sizeof r), MACH_MSG_SUCCESS);
		pthread_join(c.thread, NULL);
	}
	CHECK_KR(c.mr, MACH_MSG_SUCCESS);
	CHECK_KR(recv_now(full, &r.m, sizeof r), MACH_MSG_SUCCESS);
	CHECK_EQ(r.m.h.msgh_id, 502);
	CHECK_EQ(r.m.v, 5020);
	CHECK_EQ(queued(full), 0);

	CHECK_KR(mach_port_destroy(mach_task_self(), port), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(mach_task_self(), full), KERN_SUCCESS);
	return TEST_DONE();
}

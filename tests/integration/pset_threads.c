/* A port set served by two threads, fed by two client tasks.
 *
 * The server (this task) puts four ports in a port set; two pthreads loop
 * on mach_msg receive from the set.  Two forked clients send 500 messages
 * each, spread over the four ports.  Checked:
 *   - every message is received exactly once, from the port it was sent to;
 *   - each port's sequence numbers are 0..249, each once, and a client's
 *     messages to one port come in the order sent (a port's queue is FIFO);
 *   - both threads got work;
 *   - destroying the set while both threads wait on it ends their receives
 *     with MACH_RCV_PORT_DIED (GNU Mach: ipc_pset_destroy calls
 *     ipc_mqueue_changed(&pset->ips_messages, MACH_RCV_PORT_DIED)), and
 *     leaves the member ports alive and in no set. */
#include "testlib.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NPORTS 4
#define NCLIENTS 2
#define PER_CLIENT 500
#define TOTAL (NCLIENTS * PER_CLIENT)
#define WAIT_MS 15000

struct int_msg {
	mach_msg_header_t h;
	mach_msg_type_t t;
	int32_t v;
	int32_t pad;
};

static mach_port_t set, ports[NPORTS];

static atomic_int received[TOTAL];	/* times each message came */
static int seqno_of[TOTAL];
static atomic_int total;
static atomic_int bad_msgs;

struct server {
	pthread_t thread;
	atomic_int tid;
	atomic_int in_receive;
	int handled;
	mach_msg_return_t last;	/* what ended the loop */
};
static struct server servers[2];

static void *
serve(void *arg)
{
	struct server *s = arg;
	union { mach_msg_header_t h; struct int_msg m; char buf[256]; } m;

	atomic_store(&s->tid, gettid());
	for (;;) {
		mach_msg_return_t mr;

		atomic_store(&s->in_receive, 1);
		mr = mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof m, set, WAIT_MS,
			      MACH_PORT_NULL);
		atomic_store(&s->in_receive, 0);
		if (mr != MACH_MSG_SUCCESS) {
			s->last = mr;
			return NULL;
		}
		int v = m.m.v, k = m.h.msgh_id - 500;
		if (m.h.msgh_size != sizeof m.m || v < 0 || v >= TOTAL || k < 0 || k >= NPORTS ||
		    m.h.msgh_local_port != ports[k] || (v % PER_CLIENT + v / PER_CLIENT) % NPORTS != k) {
			atomic_fetch_add(&bad_msgs, 1);
			continue;
		}
		seqno_of[v] = (int) m.h.msgh_seqno;
		atomic_fetch_add(&received[v], 1);
		s->handled++;
		atomic_fetch_add(&total, 1);
		usleep(20);	/* leave the other thread a chance */
	}
}

static void
client(int c)
{
	struct int_msg m;

	testlib_failures = 0;	/* the exit status tells this task's checks */
	for (int i = 0; i < PER_CLIENT; i++) {
		int k = (i + c) % NPORTS;

		memset(&m, 0, sizeof m);
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
		m.h.msgh_size = sizeof m;
		m.h.msgh_remote_port = ports[k];
		m.h.msgh_id = 500 + k;
		m.t = (mach_msg_type_t) { .msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32,
					  .msgt_number = 1, .msgt_inline = 1 };
		m.v = c * PER_CLIENT + i;
		CHECK_KR(mach_msg(&m.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof m, 0,
				  MACH_PORT_NULL, WAIT_MS, MACH_PORT_NULL), MACH_MSG_SUCCESS);
		if (testlib_failures)
			break;
	}
	_exit(testlib_failures ? 1 : 0);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int
main(void)
{
	pid_t pids[NCLIENTS];
	int status;
	long long deadline;

	CHECK_KR(mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
	for (int k = 0; k < NPORTS; k++) {
		ports[k] = testlib_port_with_send();
		CHECK_KR(mach_port_move_member(mach_task_self(), ports[k], set), KERN_SUCCESS);
	}
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&servers[i].thread, NULL, serve, &servers[i]) == 0);

	fflush(stdout);
	for (int c = 0; c < NCLIENTS; c++) {
		pids[c] = fork();
		CHECK(pids[c] >= 0);
		if (pids[c] == 0)
			client(c);
	}
	/* The clients need no more send rights from us. */
	for (int k = 0; k < NPORTS; k++)
		CHECK_KR(mach_port_mod_refs(mach_task_self(), ports[k], MACH_PORT_RIGHT_SEND, -1),
			 KERN_SUCCESS);

	for (int c = 0; c < NCLIENTS; c++) {
		CHECK(waitpid(pids[c], &status, 0) == pids[c]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	deadline = now_ms() + WAIT_MS;
	while (atomic_load(&total) + atomic_load(&bad_msgs) < TOTAL && now_ms() < deadline)
		usleep(1000);
	CHECK_EQ(atomic_load(&total), TOTAL);
	CHECK_EQ(atomic_load(&bad_msgs), 0);

	/* Both threads wait on the set now; then destroy it. */
	deadline = now_ms() + WAIT_MS;
	for (int i = 0; i < 2; i++)
		while (!(atomic_load(&servers[i].in_receive) && testlib_thread_state(servers[i].tid) == 'S') &&
		       now_ms() < deadline)
			usleep(1000);
	usleep(200 * 1000);	/* and machd has their requests */
	CHECK_KR(mach_port_destroy(mach_task_self(), set), KERN_SUCCESS);
	for (int i = 0; i < 2; i++) {
		CHECK(pthread_join(servers[i].thread, NULL) == 0);
		CHECK_KR(servers[i].last, MACH_RCV_PORT_DIED);
		CHECK(servers[i].handled > 0);
	}
	CHECK_EQ(servers[0].handled + servers[1].handled, TOTAL);

	/* Exactly once each; per port, sequence numbers 0..249 each once and
	 * increasing along each client's sends. */
	int once = 0;
	for (int v = 0; v < TOTAL; v++)
		once += atomic_load(&received[v]) == 1;
	CHECK_EQ(once, TOTAL);
	for (int k = 0; k < NPORTS; k++) {
		int seen[TOTAL] = { 0 }, n = 0, dup = 0, ordered = 1;

		for (int c = 0; c < NCLIENTS; c++) {
			int prev = -1;

			for (int i = 0; i < PER_CLIENT; i++) {
				int v = c * PER_CLIENT + i, s = seqno_of[v];

				if ((i + c) % NPORTS != k)
					continue;
				n++;
				if (s < 0 || s >= TOTAL || seen[s]++)
					dup++;
				if (s <= prev)
					ordered = 0;
				prev = s;
			}
		}
		CHECK_EQ(n, TOTAL / NPORTS);
		CHECK_EQ(dup, 0);
		CHECK(ordered);
		int missing = 0;
		for (int s = 0; s < n; s++)
			missing += seen[s] != 1;
		CHECK_EQ(missing, 0);

		/* The member outlived the set, in no set, with nothing queued. */
		mach_port_status_t st;
		memset(&st, 0xff, sizeof st);
		CHECK_KR(mach_port_get_receive_status(mach_task_self(), ports[k], &st), KERN_SUCCESS);
		CHECK_EQ(st.mps_pset, MACH_PORT_NULL);
		CHECK_EQ(st.mps_seqno, n);
		CHECK_EQ(st.mps_msgcount, 0);
		CHECK_EQ(testlib_type(ports[k]), MACH_PORT_TYPE_RECEIVE);
		CHECK_KR(mach_port_destroy(mach_task_self(), ports[k]), KERN_SUCCESS);
	}
	CHECK_EQ(testlib_type(set), 0);
	return TEST_DONE();
}

/* libports serving RPCs (proto.h) with its managers:
 *   - RPCs reach their object through the protected payload;
 *   - the multithread manager grows a thread per concurrent RPC (clients
 *     in this task and in a forked task) and shrinks back after
 *     thread_timeout;
 *   - interrupt_operation interrupts an RPC waiting on a condition, one
 *     blocked in mach_msg with MACH_RCV_INTERRUPT, and one blocked in an
 *     RPC to another server through a MIG stub (io_read);
 *   - the last send right going (no-senders) interrupts the RPCs on the
 *     object and ends it; so does a client task's death;
 *   - a watched port dying interrupts the RPC that asked
 *     (ports_interrupt_self_on_port_death), through a dead-name
 *     notification to the bucket's notify port;
 *   - inhibiting a class / bucket / port / everything interrupts and waits
 *     for RPCs, holds new ones until resumed, but not interrupt_operation;
 *   - a destroyed object answers no more;
 *   - machd's port and name counts are back where they were. */
#include "proto.h"

#include <dirent.h>
#include <hell/hell.h>
#include <hurd/interrupt.h>
#include <sys/wait.h>
#include <unistd.h>

static struct port_bucket *bucket;

/* A thread's own Mach resources (its MIG reply port, libports' hold on
 * its thread port) live as long as it does; made up front in the threads
 * that outlive the test's phases, they do not show in the counts. */
static void
warm_up(void)
{
	(void) mig_get_reply_port();
	(void) ports_self_interrupted();
}

static void *
serve_bucket(void *arg)
{
	ports_manage_port_operations_multithread(arg, pt_demuxer, 300, 0, warm_up);
	return NULL;
}

static void *
serve_one(void *arg)
{
	ports_manage_port_operations_one_thread(arg, pt_demuxer, 0);
	return NULL;
}

static int
thread_count(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Wait up to 10 s for the task's thread count to drop to N. */
static bool
threads_back_to(int n)
{
	for (int i = 0; i < 1000; i++) {
		if (thread_count() <= n)
			return true;
		usleep(10000);
	}
	return false;
}

/* A call on its own thread. */
struct call {
	pthread_t thread;
	mach_port_t server;
	mach_msg_id_t id;
	int v;
	mach_port_t watch;
	int out;
	kern_return_t ret;
	bool done;
};

static void *
call_main(void *arg)
{
	struct call *c = arg;

	c->ret = pt_call(c->server, c->id, c->v, c->watch, &c->out);
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void
call_start(struct call *c, mach_port_t server, mach_msg_id_t id, int v, mach_port_t watch)
{
	memset(c, 0, sizeof *c);
	c->server = server;
	c->id = id;
	c->v = v;
	c->watch = watch;
	CHECK(pthread_create(&c->thread, NULL, call_main, c) == 0);
}

static kern_return_t
call_join(struct call *c)
{
	pthread_join(c->thread, NULL);
	return c->ret;
}

static void
test_add(mach_port_t send)
{
	int out = 0;

	CHECK_KR(pt_call(send, PT_ADD, 5, MACH_PORT_NULL, &out), 0);
	CHECK_EQ(out, 5 + 1000);
	/* An id the demuxer does not know: MIG_BAD_ID. */
	CHECK_KR(pt_call(send, 4999, 0, MACH_PORT_NULL, NULL), MIG_BAD_ID);
}

/* NCLIENTS threads meet inside the server at once: one server thread each. */
#define NCLIENTS 6

static void
test_concurrency(mach_port_t send, int threads_before)
{
	struct call calls[NCLIENTS];
	pid_t pid;
	int status = -1;

	pt_max_meeting = 0;
	for (int i = 0; i < NCLIENTS; i++)
		call_start(&calls[i], send, PT_MEET, NCLIENTS, MACH_PORT_NULL);
	for (int i = 0; i < NCLIENTS; i++) {
		CHECK_KR(call_join(&calls[i]), 0);
		CHECK(calls[i].out >= NCLIENTS);
	}

	/* Clients in another task: a forked child with three threads. */
	pt_max_meeting = 0;
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct call c[3];
		int bad = 0, out = 0;

		for (int i = 0; i < 3; i++)
			call_start(&c[i], send, PT_MEET, 3, MACH_PORT_NULL);
		for (int i = 0; i < 3; i++)
			bad += call_join(&c[i]) != 0;
		for (int i = 0; i < 50; i++)
			bad += pt_call(send, PT_ADD, i, MACH_PORT_NULL, &out) != 0 || out != i + 1000;
		_exit(bad ? 1 : 0);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* The extra server threads end after thread_timeout (300 ms). */
	CHECK(threads_back_to(threads_before));
}

static void
test_interrupt_operation(mach_port_t send)
{
	static const mach_msg_id_t ids[] = { PT_WAIT, PT_BLOCK, PT_RPC_OUT };

	for (int round = 0; round < 30; round++) {
		struct call c;
		mach_msg_id_t id = ids[round % 3];

		call_start(&c, send, id, 0, MACH_PORT_NULL);
		CHECK(pt_wait_inside(1));
		CHECK_KR(interrupt_operation(send, PT_CALL_TIMEOUT_MS), 0);
		CHECK_KR(call_join(&c), EINTR);
	}
	/* Nothing in progress: interrupt_operation is harmless. */
	CHECK_KR(interrupt_operation(send, PT_CALL_TIMEOUT_MS), 0);
	test_add(send);
}

static void
test_no_senders(void)
{
	mach_port_t send;
	struct pt_obj *obj = pt_new(bucket, 7, &send);
	int cleaned = pt_cleaned;
	struct call c;

	CHECK(obj != NULL);
	ports_port_deref(obj);		/* only the send rights hold it now */
	call_start(&c, send, PT_BLOCK, 0, MACH_PORT_NULL);
	CHECK(pt_wait_inside(1));
	/* The last send right goes while the RPC is blocked. */
	CHECK_KR(mach_port_deallocate(mach_task_self(), send), KERN_SUCCESS);
	CHECK_KR(call_join(&c), EINTR);
	CHECK(pt_wait_cleaned(cleaned + 1));

	/* A client task that dies takes its send rights with it. */
	obj = pt_new(bucket, 8, NULL);
	CHECK(obj != NULL);
	{
		mach_port_t right = ports_get_right(obj);
		pid_t pid;
		int status = -1, out = 0;

		CHECK_KR(mach_port_insert_right(mach_task_self(), right, right,
						MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
		ports_port_deref(obj);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			_exit(pt_call(right, PT_ADD, 1, MACH_PORT_NULL, &out) == 0 && out == 9 ? 0 : 1);
		/* The parent's copy goes; the child's keeps the object until it
		 * exits. */
		CHECK_KR(mach_port_deallocate(mach_task_self(), right), KERN_SUCCESS);
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		CHECK(pt_wait_cleaned(cleaned + 2));
	}
}

static void
test_port_death(mach_port_t send)
{
	mach_port_t watched;
	struct call c;

	CHECK_KR(mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &watched),
		 KERN_SUCCESS);
	call_start(&c, send, PT_BLOCK, 0, watched);
	CHECK(pt_wait_inside(1));
	CHECK_KR(mach_port_mod_refs(mach_task_self(), watched, MACH_PORT_RIGHT_RECEIVE, -1),
		 KERN_SUCCESS);
	CHECK_KR(call_join(&c), EINTR);
}

/* INHIBIT interrupts the RPC in progress and waits for it; while
 * inhibited, a new RPC waits and interrupt_operation does not; RESUME lets
 * the RPC through. */
static void
check_inhibition(mach_port_t send, error_t (*inhibit)(void *), void (*resume)(void *),
		 void *what)
{
	struct call waiting, held;

	call_start(&waiting, send, PT_WAIT, 0, MACH_PORT_NULL);
	CHECK(pt_wait_inside(1));
	CHECK_KR(inhibit(what), 0);
	CHECK_KR(call_join(&waiting), EINTR);
	CHECK_KR(inhibit(what), EBUSY);

	call_start(&held, send, PT_ADD, 1, MACH_PORT_NULL);
	CHECK_KR(interrupt_operation(send, PT_CALL_TIMEOUT_MS), 0);	/* uninhibitable */
	usleep(100000);
	CHECK(!__atomic_load_n(&held.done, __ATOMIC_ACQUIRE));
	resume(what);
	CHECK_KR(call_join(&held), 0);
	CHECK_EQ(held.out, 1 + 1000);
}

static error_t inhibit_class(void *c) { return ports_inhibit_class_rpcs(c); }
static void resume_class(void *c) { ports_resume_class_rpcs(c); }
static error_t inhibit_bucket(void *b) { return ports_inhibit_bucket_rpcs(b); }
static void resume_bucket(void *b) { ports_resume_bucket_rpcs(b); }
static error_t inhibit_port(void *p) { return ports_inhibit_port_rpcs(p); }
static void resume_port(void *p) { ports_resume_port_rpcs(p); }
static error_t inhibit_all(void *x) { return ports_inhibit_all_rpcs(); }
static void resume_all(void *x) { ports_resume_all_rpcs(); }

static void
test_inhibit(struct pt_obj *obj, mach_port_t send)
{
	check_inhibition(send, inhibit_class, resume_class, pt_class);
	check_inhibition(send, inhibit_bucket, resume_bucket, bucket);
	check_inhibition(send, inhibit_port, resume_port, obj);
	check_inhibition(send, inhibit_all, resume_all, NULL);
	test_add(send);
}

static void
test_destroyed(void)
{
	mach_port_t send;
	struct pt_obj *obj = pt_new(bucket, 3, &send);
	int cleaned = pt_cleaned;

	CHECK(obj != NULL);
	CHECK_KR(pt_call(send, PT_ADD, 0, MACH_PORT_NULL, NULL), 0);
	CHECK_EQ(ports_destroy_right(obj), 0);
	CHECK_KR(pt_call(send, PT_ADD, 0, MACH_PORT_NULL, NULL), MACH_SEND_INVALID_DEST);
	ports_port_deref(obj);
	CHECK(pt_wait_cleaned(cleaned + 1));
	CHECK_KR(mach_port_deallocate(mach_task_self(), send), KERN_SUCCESS);
}

/* A bucket served by the one-thread manager, and its no-senders cleanup. */
static void
test_one_thread(void)
{
	struct port_bucket *one = ports_create_bucket();
	mach_port_t send;
	struct pt_obj *obj;
	pthread_t t;
	int out = 0, cleaned = pt_cleaned;

	CHECK(one != NULL);
	obj = pt_new(one, 2000, &send);
	CHECK(obj != NULL);
	ports_port_deref(obj);
	CHECK(pthread_create(&t, NULL, serve_one, one) == 0);
	pthread_detach(t);
	for (int i = 0; i < 100; i++)
		CHECK_KR(pt_call(send, PT_ADD, i, MACH_PORT_NULL, &out), 0);
	CHECK_EQ(out, 99 + 2000);
	CHECK_KR(mach_port_deallocate(mach_task_self(), send), KERN_SUCCESS);
	CHECK(pt_wait_cleaned(cleaned + 1));
}

int
main(void)
{
	struct hell_machd_stats before, after;
	struct pt_obj *obj;
	mach_port_t send;
	pthread_t server;
	int threads = thread_count() + 1;	/* and the manager's first thread */

	pt_class = ports_create_class(pt_clean, NULL);
	bucket = ports_create_bucket();
	CHECK(pt_class && bucket);
	obj = pt_new(bucket, 1000, &send);
	CHECK(obj != NULL);
	CHECK(pthread_create(&server, NULL, serve_bucket, bucket) == 0);
	pthread_detach(server);
	test_add(send);
	warm_up();
	CHECK(threads_back_to(threads));	/* the threads test_add started have ended */
	CHECK_KR(hell_machd_stats(&before), KERN_SUCCESS);

	test_concurrency(send, threads);
	test_interrupt_operation(send);
	test_no_senders();
	test_port_death(send);
	test_inhibit(obj, send);
	test_destroyed();

	CHECK(threads_back_to(threads));
	CHECK_KR(hell_machd_stats(&after), KERN_SUCCESS);
	CHECK_EQ(after.ports, before.ports);
	CHECK_EQ(after.entries, before.entries);
	CHECK_EQ(after.port_sets, before.port_sets);
	CHECK_EQ(after.messages, before.messages);

	test_one_thread();
	return TEST_DONE();
}

/* Conformance: what ps, vminfo and the Hurd's proc read about a task
 * (GNU Mach vm/vm_map.c vm_region, kern/task.c task_info and task_threads,
 * kern/thread.c thread_info), on the task itself, on another task and on
 * a task without a process.
 *
 * On HELL the regions are Linux's mappings, the threads those that have
 * made a trap, the figures Linux's (docs/differences.md). */
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hell/hell.h>
#include <mach/policy.h>
#include <mach/task_info.h>
#include <mach/thread_info.h>
#include <mach/vm_inherit.h>
#include <mach/vm_prot.h>
#include "conformance.h"

#define PAGE 4096ul
/* Where the child maps its marker region. */
#define CHILD_ADDR 0x200000000000ul

struct region {
	vm_address_t addr;
	vm_size_t size;
	vm_prot_t prot, max_prot;
	vm_inherit_t inherit;
	boolean_t shared;
	mach_port_t name;
	vm_offset_t offset;
};

static kern_return_t
region(mach_port_t task, vm_address_t at, struct region *r)
{
	memset(r, 0x55, sizeof *r);
	r->addr = at;
	return vm_region(task, &r->addr, &r->size, &r->prot, &r->max_prot, &r->inherit,
			 &r->shared, &r->name, &r->offset);
}

static void
test_region_self(void)
{
	uint8_t *p = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *s = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	uint8_t *f = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
	vm_address_t at, last_end = 0;
	struct region r;
	int n = 0;

	CHECK(p != MAP_FAILED && s != MAP_FAILED && f != MAP_FAILED);
	/* Pages 1-3 read-only: a region of their own. */
	CHECK_EQ(mprotect(p + PAGE, 3 * PAGE, PROT_READ), 0);
	CHECK_KR(region(TASK, (vm_address_t) p + PAGE + 100, &r), KERN_SUCCESS);
	CHECK_EQ(r.addr, (vm_address_t) p + PAGE);
	CHECK_EQ(r.size, 3 * PAGE);
	CHECK_EQ(r.prot, VM_PROT_READ);
	CHECK_EQ(r.max_prot, VM_PROT_ALL);
	CHECK_EQ(r.inherit, VM_INHERIT_COPY);
	CHECK_EQ(r.shared, FALSE);
	CHECK_EQ(r.name, MACH_PORT_NULL);
	CHECK_EQ(r.offset, 0);

	/* An address in a hole: the next region up. */
	CHECK_EQ(munmap(p + 4 * PAGE, PAGE), 0);
	CHECK_EQ(munmap(p, PAGE), 0);
	CHECK_KR(region(TASK, (vm_address_t) p, &r), KERN_SUCCESS);
	CHECK_EQ(r.addr, (vm_address_t) p + PAGE);

	CHECK_KR(region(TASK, (vm_address_t) s, &r), KERN_SUCCESS);
	CHECK_EQ(r.addr, (vm_address_t) s);
	CHECK_EQ(r.size, 2 * PAGE);
	CHECK_EQ(r.prot, VM_PROT_READ | VM_PROT_WRITE);
	CHECK_EQ(r.shared, TRUE);
	CHECK_EQ(r.inherit, VM_INHERIT_SHARE);

	CHECK_KR(region(TASK, (vm_address_t) f, &r), KERN_SUCCESS);
	CHECK_EQ(r.addr, (vm_address_t) f);
	CHECK_EQ(r.offset, PAGE);
	CHECK_EQ(r.prot, VM_PROT_READ);

	/* A walk from 0 (as vminfo does) finds them all, in order, and ends
	 * with KERN_NO_SPACE below the kernel's half. */
	for (at = 0; n < 100000; n++) {
		kern_return_t kr = region(TASK, at, &r);

		if (kr == KERN_NO_SPACE)
			break;
		CHECK_KR(kr, KERN_SUCCESS);
		if (kr != KERN_SUCCESS)
			break;
		CHECK(r.addr >= last_end);
		CHECK(r.size > 0 && (r.size & (PAGE - 1)) == 0);
		CHECK(r.addr + r.size <= 0x800000000000ul);
		last_end = r.addr + r.size;
		at = last_end;
	}
	CHECK(n > 5);
	CHECK_KR(region(TASK, 0x7ffffffff000ul, &r), KERN_NO_SPACE);
	CHECK_KR(region(TASK, ~(vm_address_t) 0 - PAGE, &r), KERN_NO_SPACE);

	munmap(p + PAGE, 3 * PAGE);
	munmap(s, 2 * PAGE);
	munmap(f, PAGE);
	close(fd);
}

static void
test_region_errors(void)
{
	mach_port_t host = mach_host_self(), child = MACH_PORT_NULL;
	struct region r;

	CHECK_KR(region(host, 0, &r), KERN_INVALID_ARGUMENT);
	CHECK_KR(region(MACH_PORT_NULL, 0, &r), MACH_SEND_INVALID_DEST);
	/* A task without a process has no region at all. */
	CHECK_KR(task_create(TASK, FALSE, &child), KERN_SUCCESS);
	CHECK_KR(region(child, 0, &r), KERN_NO_SPACE);
	CHECK_KR(mach_port_deallocate(TASK, child), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
}

/* The other task: maps its marker region, says so, waits for the end of
 * its standard input. */
static int
child_main(void)
{
	/* A trap first: a thread is machd's once it has made one. */
	mach_port_t self = mach_task_self();
	void *m = mmap((void *) CHILD_ADDR, 2 * PAGE, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	char c = m == (void *) CHILD_ADDR && MACH_PORT_VALID(self) ? 'y' : 'n';

	if (write(1, &c, 1) != 1)
		return 1;
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

static void
test_other_task(void)
{
	int in[2], out[2], stdfds[3] = { -1, -1, 2 };
	char *argv[] = { "task_inspect-child", "--child", NULL };
	mach_port_t child = MACH_PORT_NULL, *threads = NULL;
	mach_msg_type_number_t n = 0;
	task_basic_info_data_t bi;
	mach_msg_type_number_t count = TASK_BASIC_INFO_COUNT;
	struct region r;
	kern_return_t kr;
	pid_t pid = 0;
	int status;
	char c = 0;

	CHECK_EQ(pipe2(in, O_CLOEXEC), 0);
	CHECK_EQ(pipe2(out, O_CLOEXEC), 0);
	stdfds[0] = in[0];
	stdfds[1] = out[1];
	CHECK_KR(task_create(TASK, FALSE, &child), KERN_SUCCESS);
	CHECK_KR(task_threads(child, &threads, &n), KERN_SUCCESS);
	CHECK_EQ(n, 0);
	CHECK_KR(hell_task_exec(child, "/proc/self/exe", -1, argv, NULL, stdfds, &pid), KERN_SUCCESS);
	close(in[0]);
	close(out[1]);
	CHECK_EQ(read(out[0], &c, 1), 1);
	CHECK_EQ(c, 'y');

	CHECK_KR(region(child, CHILD_ADDR, &r), KERN_SUCCESS);
	CHECK_EQ(r.addr, CHILD_ADDR);
	CHECK_EQ(r.size, 2 * PAGE);
	CHECK_EQ(r.prot, VM_PROT_READ);
	/* Our own map has nothing there. */
	kr = region(TASK, CHILD_ADDR, &r);
	CHECK(kr == KERN_NO_SPACE || (kr == KERN_SUCCESS && r.addr > CHILD_ADDR));

	memset(&bi, 0, sizeof bi);
	CHECK_KR(task_info(child, TASK_BASIC_INFO, (task_info_t) &bi, &count), KERN_SUCCESS);
	CHECK(bi.virtual_size >= 2 * PAGE);
	/* Its main thread made traps (task_threads lists it). */
	CHECK_KR(task_threads(child, &threads, &n), KERN_SUCCESS);
	CHECK_EQ(n, 1);
	for (mach_msg_type_number_t i = 0; i < n; i++)
		CHECK_KR(mach_port_deallocate(TASK, threads[i]), KERN_SUCCESS);
	if (n)
		CHECK_KR(vm_deallocate(TASK, (vm_address_t) threads, n * sizeof *threads), KERN_SUCCESS);

	close(in[1]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(out[0]);
	CHECK_KR(mach_port_deallocate(TASK, child), KERN_SUCCESS);
}

/* Threads: each makes a trap, then waits in mach_msg on its own port. */
struct waiter {
	pthread_t thread;
	mach_port_t port, self;
};

static void *
waiter_main(void *arg)
{
	struct waiter *w = arg;
	msgbuf_t buf;

	w->self = mach_thread_self();
	(void) msg_recv(w->port, &buf, sizeof buf, 10000);
	CHECK_KR(mach_port_deallocate(TASK, w->self), KERN_SUCCESS);
	return NULL;
}

static mach_port_t spin_port;
static bool spin_stop;

static void *
spin_main(void *arg)
{
	__atomic_store_n(&spin_port, mach_thread_self(), __ATOMIC_RELEASE);
	while (!__atomic_load_n(&spin_stop, __ATOMIC_ACQUIRE))
		;
	return NULL;
}

static bool
in_list(mach_port_t *v, mach_msg_type_number_t n, mach_port_t name)
{
	for (mach_msg_type_number_t i = 0; i < n; i++)
		if (v[i] == name)
			return true;
	return false;
}

static void
test_threads(void)
{
	struct waiter w[2];
	mach_port_t me = mach_thread_self(), *v = NULL;
	mach_msg_type_number_t n = 0, count;
	thread_basic_info_data_t bi;
	thread_sched_info_data_t si;
	mach_port_t host = mach_host_self();
	const mach_msg_type_number_t old_count =
		THREAD_BASIC_INFO_COUNT - 3 * sizeof(time_value64_t) / sizeof(natural_t);
	time_t now = time(NULL);

	for (int i = 0; i < 2; i++) {
		w[i].port = testlib_port();
		w[i].self = MACH_PORT_NULL;
		CHECK_EQ(pthread_create(&w[i].thread, NULL, waiter_main, &w[i]), 0);
	}
	/* Both wait in machd. */
	for (int tries = 0; tries < 500; tries++) {
		struct hell_machd_stats s;

		if (hell_machd_stats(&s) == KERN_SUCCESS && s.threads >= 3 &&
		    MACH_PORT_VALID(w[0].self) && MACH_PORT_VALID(w[1].self)) {
			thread_basic_info_data_t b0, b1;

			count = THREAD_BASIC_INFO_COUNT;
			if (thread_info(w[0].self, THREAD_BASIC_INFO, (thread_info_t) &b0, &count) ==
				    KERN_SUCCESS && b0.run_state == TH_STATE_WAITING &&
			    thread_info(w[1].self, THREAD_BASIC_INFO, (thread_info_t) &b1, &count) ==
				    KERN_SUCCESS && b1.run_state == TH_STATE_WAITING)
				break;
		}
		usleep(10000);
	}

	CHECK_KR(task_threads(TASK, &v, &n), KERN_SUCCESS);
	CHECK_EQ(n, 3);
	CHECK(in_list(v, n, me));
	CHECK(in_list(v, n, w[0].self));
	CHECK(in_list(v, n, w[1].self));

	memset(&bi, 0, sizeof bi);
	count = THREAD_BASIC_INFO_COUNT;
	CHECK_KR(thread_info(w[0].self, THREAD_BASIC_INFO, (thread_info_t) &bi, &count), KERN_SUCCESS);
	CHECK_EQ(count, THREAD_BASIC_INFO_COUNT);
	CHECK_EQ(bi.run_state, TH_STATE_WAITING);
	CHECK_EQ(bi.suspend_count, 0);
	CHECK(bi.creation_time64.seconds <= now + 1 && bi.creation_time64.seconds >= now - 600);
	CHECK(bi.creation_time.seconds == bi.creation_time64.seconds);
	CHECK(bi.user_time.microseconds >= 0 && bi.user_time.microseconds < 1000000);
	CHECK(bi.cpu_usage >= 0 && bi.cpu_usage <= TH_USAGE_SCALE * 2);
	/* A thread that computes runs. */
	{
		pthread_t spinner;

		spin_port = MACH_PORT_NULL;
		spin_stop = false;
		CHECK_EQ(pthread_create(&spinner, NULL, spin_main, NULL), 0);
		while (!__atomic_load_n(&spin_port, __ATOMIC_ACQUIRE))
			usleep(1000);
		count = THREAD_BASIC_INFO_COUNT;
		CHECK_KR(thread_info(spin_port, THREAD_BASIC_INFO, (thread_info_t) &bi, &count),
			 KERN_SUCCESS);
		CHECK_EQ(bi.run_state, TH_STATE_RUNNING);
		__atomic_store_n(&spin_stop, true, __ATOMIC_RELEASE);
		CHECK_EQ(pthread_join(spinner, NULL), 0);
		CHECK_KR(mach_port_deallocate(TASK, spin_port), KERN_SUCCESS);
	}
	/* The shorter, older structure; too short; too long. */
	count = old_count;
	CHECK_KR(thread_info(me, THREAD_BASIC_INFO, (thread_info_t) &bi, &count), KERN_SUCCESS);
	CHECK_EQ(count, old_count);
	count = old_count - 1;
	CHECK_KR(thread_info(me, THREAD_BASIC_INFO, (thread_info_t) &bi, &count), KERN_INVALID_ARGUMENT);

	memset(&si, 0, sizeof si);
	count = THREAD_SCHED_INFO_COUNT;
	CHECK_KR(thread_info(me, THREAD_SCHED_INFO, (thread_info_t) &si, &count), KERN_SUCCESS);
	CHECK_EQ(count, THREAD_SCHED_INFO_COUNT);
	CHECK_EQ(si.policy, POLICY_TIMESHARE);
	CHECK_EQ(si.depressed, FALSE);
	CHECK(si.last_processor >= 0);
	count = THREAD_SCHED_INFO_COUNT - 2;
	CHECK_KR(thread_info(me, THREAD_SCHED_INFO, (thread_info_t) &si, &count), KERN_INVALID_ARGUMENT);

	count = THREAD_BASIC_INFO_COUNT;
	CHECK_KR(thread_info(me, 99, (thread_info_t) &bi, &count), KERN_INVALID_ARGUMENT);
	CHECK_KR(thread_info(TASK, THREAD_BASIC_INFO, (thread_info_t) &bi, &count), KERN_INVALID_ARGUMENT);
	CHECK_KR(thread_info(host, THREAD_BASIC_INFO, (thread_info_t) &bi, &count), KERN_INVALID_ARGUMENT);
	{
		mach_port_t *none = NULL;
		mach_msg_type_number_t zero = 0;

		CHECK_KR(task_threads(host, &none, &zero), KERN_INVALID_ARGUMENT);
	}

	/* Wake them; once a thread has ended, its channel closes and the
	 * list is shorter. */
	for (int i = 0; i < 2; i++) {
		CHECK_KR(send_int(w[i].port, MACH_MSG_TYPE_MAKE_SEND, 1, 1), MACH_MSG_SUCCESS);
		CHECK_EQ(pthread_join(w[i].thread, NULL), 0);
	}
	for (mach_msg_type_number_t i = 0; i < 3; i++)
		(void) mach_port_deallocate(TASK, v[i]);
	CHECK_KR(vm_deallocate(TASK, (vm_address_t) v, 3 * sizeof *v), KERN_SUCCESS);
	for (int tries = 0; tries < 500; tries++) {
		CHECK_KR(task_threads(TASK, &v, &n), KERN_SUCCESS);
		for (mach_msg_type_number_t i = 0; i < n; i++)
			CHECK_KR(mach_port_deallocate(TASK, v[i]), KERN_SUCCESS);
		CHECK_KR(vm_deallocate(TASK, (vm_address_t) v, n * sizeof *v), KERN_SUCCESS);
		if (n == 1)
			break;
		usleep(10000);
	}
	CHECK_EQ(n, 1);
	for (int i = 0; i < 2; i++)
		CHECK_KR(mach_port_destroy(TASK, w[i].port), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, me), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
}

static void
test_task_info_flavors(void)
{
	task_events_info_data_t ev, ev2;
	task_thread_times_info_data_t tt;
	mach_msg_type_number_t count;
	mach_port_t p = testlib_port();
	msgbuf_t buf;
	const mach_msg_type_number_t tt_old =
		TASK_THREAD_TIMES_INFO_COUNT - 2 * sizeof(time_value64_t) / sizeof(integer_t);

	count = TASK_EVENTS_INFO_COUNT;
	CHECK_KR(task_info(TASK, TASK_EVENTS_INFO, (task_info_t) &ev, &count), KERN_SUCCESS);
	CHECK_EQ(count, TASK_EVENTS_INFO_COUNT);
	CHECK(ev.faults > 0);
	CHECK(ev.messages_sent > 0);
	CHECK(ev.messages_received > 0);
	/* One message to ourselves: one more sent, one more received; the
	 * task_info RPCs themselves count too (a request and its reply). */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_MAKE_SEND, 7, 7), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(p, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	count = TASK_EVENTS_INFO_COUNT;
	CHECK_KR(task_info(TASK, TASK_EVENTS_INFO, (task_info_t) &ev2, &count), KERN_SUCCESS);
	CHECK_EQ(ev2.messages_sent, ev.messages_sent + 2);
	CHECK_EQ(ev2.messages_received, ev.messages_received + 2);
	count = TASK_EVENTS_INFO_COUNT - 1;
	CHECK_KR(task_info(TASK, TASK_EVENTS_INFO, (task_info_t) &ev, &count), KERN_INVALID_ARGUMENT);

	count = TASK_THREAD_TIMES_INFO_COUNT;
	CHECK_KR(task_info(TASK, TASK_THREAD_TIMES_INFO, (task_info_t) &tt, &count), KERN_SUCCESS);
	CHECK_EQ(count, TASK_THREAD_TIMES_INFO_COUNT);
	CHECK(tt.user_time64.nanoseconds >= 0 && tt.user_time64.nanoseconds < 1000000000);
	count = tt_old;
	CHECK_KR(task_info(TASK, TASK_THREAD_TIMES_INFO, (task_info_t) &tt, &count), KERN_SUCCESS);
	CHECK_EQ(count, tt_old);
	count = tt_old - 1;
	CHECK_KR(task_info(TASK, TASK_THREAD_TIMES_INFO, (task_info_t) &tt, &count), KERN_INVALID_ARGUMENT);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		return child_main();
	test_region_self();
	test_region_errors();
	test_other_task();
	test_threads();
	test_task_info_flavors();
	return TEST_DONE();
}

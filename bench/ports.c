/* bench-ports: what ports and tasks cost machd, in time and memory, beside
 * raw Linux figures measured in the same run.  Run it as a task:
 *
 *     hell run --private build/bench/bench-ports [--quick] [--pinned|--free]
 *
 * Contract.  For each CPU mode (pinned: this process, its tasks and machd on
 * one CPU; free: no pinning; see hellbench.h) it prints, in this order:
 *
 *   task fork         fork() of this task to the moment the child, a new
 *                     task (its HELLO is made inside fork), writes one byte
 *                     to a pipe: median and p99 over 50 children (10 with
 *                     --quick), forked one after the other while this
 *                     task's space is small, beside a raw fork
 *                     (syscall(SYS_fork), which skips libmach's fork
 *                     handlers) whose child does the same.
 *   machd per task    growth of machd's accounted heap (hell_machd_stats
 *                     heap_bytes: malloc_usable_size of what it holds) and
 *                     of its resident size with those children alive, each
 *                     holding copies of this task's send rights (4 ports
 *                     made for this, plus its own task and thread ports),
 *                     divided by their number; and what is left once they
 *                     have exited and machd has destroyed their spaces.
 *
 *   Then, in a child task (so that the large space it makes dies with it):
 *
 *   port create       mach_port_allocate(RECEIVE) of 100 000 ports (20 000
 *                     with --quick), all alive at the end: median and p99
 *                     of single calls, beside (1) raw eventfd(), one Linux
 *                     object created per call, in batches of 10 000 live
 *                     fds (RLIMIT_NOFILE is too low for 100 000), and (2)
 *                     the raw 64 B seqpacket round trip, the floor of any
 *                     trap to machd.
 *   port destroy      mach_port_mod_refs(RECEIVE, -1) of each of them (a
 *                     MIG RPC to the task's kernel port), beside (1) close()
 *                     of those eventfds and (2) the same round trip.
 *   ports total       the whole create + destroy of all ports, beside
 *                     eventfd() + close() of as many fds.
 *   machd per port    growth of machd's heap and resident size over the live
 *                     ports, divided by their number; and what is left after
 *                     they are destroyed.  No raw baseline (the kernel's
 *                     memory per fd is not visible to a user).
 *   task fork, Nk alive  task fork (10 children) from the space while it
 *                     holds the N thousand ports (receive rights only),
 *                     beside raw fork(): machd walks the parent's names.
 *   task fork after Nk  the same once they are destroyed: whether the
 *                     space's tables gave their room back.
 *
 * Everything allocated is destroyed and every child is reaped with a time
 * limit; children die with this process (PR_SET_PDEATHSIG); a section that
 * hangs is ended by alarm().  Any failure prints "bench: ..." and exits with
 * status 2.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "hellbench.h"

#include <mach/mach_error.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

struct config {
	int ports;		/* ports alive at once */
	int tasks;		/* tasks alive at once */
	int rtt_iters;		/* round trips of the raw floor */
};

static const struct config full = { 100000, 50, 20000 };
static const struct config quick = { 20000, 10, 2000 };

#define SECTION_LIMIT_S 120
#define REAP_MS 10000
/* Live eventfds at once in the raw baseline. */
#define RAW_BATCH 10000
/* Ports each task child gets from its parent. */
#define INHERITED 4
/* Task forks timed after the ports section. */
#define AFTER_FORKS 10

/* Signed difference of two counters, for printing. */
static long long
delta(uint64_t after, uint64_t before)
{
	return (long long) after - (long long) before;
}

/* name  mode  total N ms | base N ms | ratio R */
static void
print_total(const char *name, bool pinned, uint64_t ns, const char *base_name, uint64_t base_ns)
{
	printf("%-22s %-6s  total %9.1f ms | %s %.1f ms | ratio %.2f\n", name,
	       bench_mode_name(pinned), (double) ns / 1e6, base_name, (double) base_ns / 1e6,
	       base_ns ? (double) ns / (double) base_ns : 0);
	fflush(stdout);
}

/* ---- Ports: time and memory ---- */

struct task_mem;
static void fork_tasks(int n, struct bench_stats *fork_st, struct task_mem *mem);
static void fork_raw(int n, struct bench_stats *raw_st);

static void
ports_section(bool pinned, const struct config *c)
{
	const int n = c->ports;
	mach_port_t *names = malloc((size_t) n * sizeof *names);
	int *fds = malloc(RAW_BATCH * sizeof *fds);
	struct bench_samples cs, ds, rc, rd;
	struct bench_stats create, destroy, raw_create, raw_destroy, rtt, alive_fork, alive_raw;
	struct hell_machd_stats s0, s1, s2;
	uint64_t rss0, rss1, rss2, total = 0, raw_total = 0;
	pid_t machd = hb_machd_pid();
	char label[64];

	if (!names || !fds)
		bench_fail(false, "out of memory");
	/* Warm-up: the first mod_refs makes this thread's MIG reply port. */
	for (int i = 0; i < 1000; i++) {
		hb_check(mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &names[i]),
			 "mach_port_allocate (warm-up)");
		hb_check(mach_port_mod_refs(mach_task_self(), names[i], MACH_PORT_RIGHT_RECEIVE, -1),
			 "mach_port_mod_refs (warm-up)");
	}

	bench_samples_init(&cs, (size_t) n);
	bench_samples_init(&ds, (size_t) n);
	hb_stats(&s0);
	rss0 = hb_rss_bytes(machd);
	for (int i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns(), t1;
		kern_return_t kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE,
						      &names[i]);

		t1 = bench_now_ns();
		hb_check(kr, "mach_port_allocate");
		bench_samples_add(&cs, t1 - t0);
		total += t1 - t0;
	}
	hb_stats(&s1);
	rss1 = hb_rss_bytes(machd);
	/* Task forks from this space while it holds them all. */
	fork_tasks(AFTER_FORKS, &alive_fork, NULL);
	fork_raw(AFTER_FORKS, &alive_raw);
	for (int i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns(), t1;
		kern_return_t kr = mach_port_mod_refs(mach_task_self(), names[i],
						      MACH_PORT_RIGHT_RECEIVE, -1);

		t1 = bench_now_ns();
		hb_check(kr, "mach_port_mod_refs");
		bench_samples_add(&ds, t1 - t0);
		total += t1 - t0;
	}
	hb_stats(&s2);
	rss2 = hb_rss_bytes(machd);

	/* Raw: as many eventfds, created and closed in batches. */
	bench_samples_init(&rc, (size_t) n);
	bench_samples_init(&rd, (size_t) n);
	for (int done = 0; done < n;) {
		int b = n - done < RAW_BATCH ? n - done : RAW_BATCH;

		for (int i = 0; i < b; i++) {
			uint64_t t0 = bench_now_ns(), t1;

			fds[i] = eventfd(0, EFD_CLOEXEC);
			t1 = bench_now_ns();
			if (fds[i] < 0)
				bench_fail(true, "eventfd");
			bench_samples_add(&rc, t1 - t0);
			raw_total += t1 - t0;
		}
		for (int i = 0; i < b; i++) {
			uint64_t t0 = bench_now_ns(), t1;
			int r = close(fds[i]);

			t1 = bench_now_ns();
			if (r != 0)
				bench_fail(true, "close(eventfd)");
			bench_samples_add(&rd, t1 - t0);
			raw_total += t1 - t0;
		}
		done += b;
	}
	bench_raw_pingpong(64, c->rtt_iters, pinned, &rtt);

	bench_stats_compute(&cs, &create);
	bench_stats_compute(&ds, &destroy);
	bench_stats_compute(&rc, &raw_create);
	bench_stats_compute(&rd, &raw_destroy);
	bench_print_latency("port create", pinned, &create, "raw eventfd()", &raw_create);
	bench_print_latency("port create", pinned, &create, "raw seqpacket 64 B", &rtt);
	bench_print_latency("port destroy", pinned, &destroy, "raw close(eventfd)", &raw_destroy);
	bench_print_latency("port destroy", pinned, &destroy, "raw seqpacket 64 B", &rtt);
	snprintf(label, sizeof label, "raw eventfd+close x%d", n);
	print_total("ports total", pinned, total, label, raw_total);
	printf("%-22s %-6s  heap %6.1f B  rss %6.1f B | %d ports: +%lld names +%lld ports, "
	       "heap %+lld B, rss %+lld KiB; destroyed: heap %+lld B, rss %+lld KiB from start\n",
	       "machd per port", bench_mode_name(pinned),
	       (double) delta(s1.heap_bytes, s0.heap_bytes) / n,
	       (double) delta(rss1, rss0) / n, n,
	       delta(s1.entries, s0.entries), delta(s1.ports, s0.ports),
	       delta(s1.heap_bytes, s0.heap_bytes), delta(rss1, rss0) / 1024,
	       delta(s2.heap_bytes, s0.heap_bytes), delta(rss2, rss0) / 1024);
	if (s2.ports != s0.ports || s2.entries != s0.entries)
		printf("  NOTE: after destroying them machd holds %+lld ports, %+lld names\n",
		       delta(s2.ports, s0.ports), delta(s2.entries, s0.entries));
	snprintf(label, sizeof label, "task fork, %dk alive", n / 1000);
	bench_print_latency(label, pinned, &alive_fork, "raw fork()", &alive_raw);

	bench_samples_free(&cs);
	bench_samples_free(&ds);
	bench_samples_free(&rc);
	bench_samples_free(&rd);
	free(names);
	free(fds);
}

/* ---- Tasks: fork time and memory ---- */

/* Waits for one byte on fd, at most 30 s. */
static void
wait_byte(int fd, const char *what)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;
	int k;

	do
		k = poll(&p, 1, 30000);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		bench_fail(true, "poll(%s)", what);
	if (k == 0)
		bench_fail(false, "%s: no word from a child in 30 s", what);
	if (read(fd, &c, 1) != 1)
		bench_fail(true, "%s: a child died before answering", what);
}

/* A task child (its HELLO was made in libmach's fork handler, so it is a
 * task already, holding copies of the parent's send rights): says so, then
 * waits until the parent closes the release pipe. */
static void __attribute__((noreturn))
task_child(int ready_fd, int release_fd)
{
	char c = 'r';

	if (write(ready_fd, &c, 1) != 1)
		hb_child_fail(0, "task child: ready");
	while (read(release_fd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);	/* machd destroys the space */
}

/* A raw child (no libmach fork handlers ran): writes one byte, waits. */
static void __attribute__((noreturn))
raw_child(pid_t parent, int ready_fd, int release_fd)
{
	char c = 'r';

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(2);
	if (write(ready_fd, &c, 1) != 1)
		_exit(2);
	while (read(release_fd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* Forks n task children one after the other; *fork_st gets the time from
 * each fork() to the child's first byte.  If mem, machd's statistics and
 * resident size before, with all n alive,
 * and after they have exited and machd has destroyed their spaces. */
struct task_mem {
	struct hell_machd_stats s0, s1, s2;
	uint64_t rss0, rss1, rss2;
};

static void
fork_tasks(int n, struct bench_stats *fork_st, struct task_mem *mem)
{
	pid_t *pids = malloc((size_t) n * sizeof *pids);
	pid_t machd = hb_machd_pid();
	struct bench_samples fs;
	int ready[2], release[2];

	if (!pids)
		bench_fail(false, "out of memory");
	if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(release, O_CLOEXEC) != 0)
		bench_fail(true, "pipe2");
	bench_samples_init(&fs, (size_t) n);
	if (mem) {
		hb_stats(&mem->s0);
		mem->rss0 = hb_rss_bytes(machd);
	}
	for (int i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns();

		pids[i] = hb_fork();
		if (pids[i] == 0) {
			close(ready[0]);
			close(release[1]);
			task_child(ready[1], release[0]);
		}
		wait_byte(ready[0], "task fork");
		bench_samples_add(&fs, bench_now_ns() - t0);
	}
	if (mem) {
		hb_stats(&mem->s1);
		mem->rss1 = hb_rss_bytes(machd);
	}
	close(release[1]);
	for (int i = 0; i < n; i++)
		bench_reap(pids[i], "task child", REAP_MS);
	close(ready[0]);
	close(ready[1]);
	close(release[0]);
	if (mem) {
		/* machd learns of the exits from pidfds: wait until it has
		 * handled them all (at most 10 s). */
		for (int tries = 0;; tries++) {
			hb_stats(&mem->s2);
			if (mem->s2.tasks <= mem->s0.tasks || tries == 1000)
				break;
			usleep(10000);
		}
		mem->rss2 = hb_rss_bytes(machd);
	}
	bench_stats_compute(&fs, fork_st);
	bench_samples_free(&fs);
	free(pids);
}

/* The raw baseline of fork_tasks: n children forked with syscall(SYS_fork),
 * which skips libmach's fork handlers, so they are no tasks. */
static void
fork_raw(int n, struct bench_stats *raw_st)
{
	pid_t *pids = malloc((size_t) n * sizeof *pids);
	struct bench_samples rs;
	int ready[2], release[2];

	if (!pids)
		bench_fail(false, "out of memory");
	if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(release, O_CLOEXEC) != 0)
		bench_fail(true, "pipe2");
	bench_samples_init(&rs, (size_t) n);
	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < n; i++) {
		pid_t parent = getpid();
		uint64_t t0 = bench_now_ns();

		pids[i] = (pid_t) syscall(SYS_fork);
		if (pids[i] < 0)
			bench_fail(true, "fork (raw)");
		if (pids[i] == 0) {
			close(ready[0]);
			close(release[1]);
			raw_child(parent, ready[1], release[0]);
		}
		wait_byte(ready[0], "raw fork");
		bench_samples_add(&rs, bench_now_ns() - t0);
	}
	close(release[1]);
	for (int i = 0; i < n; i++)
		bench_reap(pids[i], "raw child", REAP_MS);
	close(ready[0]);
	close(ready[1]);
	close(release[0]);
	bench_stats_compute(&rs, raw_st);
	bench_samples_free(&rs);
	free(pids);
}

static void
tasks_section(bool pinned, const struct config *c)
{
	const int n = c->tasks;
	mach_port_t shared[INHERITED];
	struct bench_stats fork_st, raw_st;
	struct task_mem m;

	for (int i = 0; i < INHERITED; i++) {
		hb_check(mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &shared[i]),
			 "mach_port_allocate");
		hb_check(mach_port_insert_right(mach_task_self(), shared[i], shared[i],
						MACH_MSG_TYPE_MAKE_SEND), "mach_port_insert_right");
	}
	fork_tasks(n, &fork_st, &m);
	fork_raw(n, &raw_st);
	bench_print_latency("task fork", pinned, &fork_st, "raw fork()", &raw_st);
	printf("%-22s %-6s  heap %6.0f B  rss %6.0f B | %d tasks: +%lld tasks +%lld threads "
	       "+%lld names +%lld ports, heap %+lld B, rss %+lld KiB; exited: heap %+lld B, "
	       "rss %+lld KiB from start\n",
	       "machd per task", bench_mode_name(pinned),
	       (double) delta(m.s1.heap_bytes, m.s0.heap_bytes) / n,
	       (double) delta(m.rss1, m.rss0) / n, n,
	       delta(m.s1.tasks, m.s0.tasks), delta(m.s1.threads, m.s0.threads),
	       delta(m.s1.entries, m.s0.entries), delta(m.s1.ports, m.s0.ports),
	       delta(m.s1.heap_bytes, m.s0.heap_bytes), delta(m.rss1, m.rss0) / 1024,
	       delta(m.s2.heap_bytes, m.s0.heap_bytes), delta(m.rss2, m.rss0) / 1024);
	if (m.s2.tasks != m.s0.tasks || m.s2.ports != m.s0.ports || m.s2.entries != m.s0.entries)
		printf("  NOTE: after the children exited machd holds %+lld tasks, %+lld ports, "
		       "%+lld names\n", delta(m.s2.tasks, m.s0.tasks), delta(m.s2.ports, m.s0.ports),
		       delta(m.s2.entries, m.s0.entries));
	fflush(stdout);
	for (int i = 0; i < INHERITED; i++)
		hb_check(mach_port_destroy(mach_task_self(), shared[i]), "mach_port_destroy");
}

/* In a task child, so that the big name space it makes goes with it and
 * leaves this task's space as it was: the ports section, then task forks
 * from the space that held them all. */
static void __attribute__((noreturn))
ports_child(bool pinned, const struct config *c)
{
	struct bench_stats fork_st, raw_st;
	char name[32];

	ports_section(pinned, c);
	fork_tasks(AFTER_FORKS, &fork_st, NULL);
	fork_raw(AFTER_FORKS, &raw_st);
	snprintf(name, sizeof name, "task fork after %dk", c->ports / 1000);
	bench_print_latency(name, pinned, &fork_st, "raw fork()", &raw_st);
	fflush(stdout);
	_exit(0);
}

static void
body(bool pinned, void *arg)
{
	const struct config *c = arg;
	pid_t pid;

	alarm(SECTION_LIMIT_S);
	tasks_section(pinned, c);
	alarm(SECTION_LIMIT_S);
	pid = hb_fork();
	if (pid == 0)
		ports_child(pinned, c);
	bench_reap(pid, "ports task", SECTION_LIMIT_S * 1000);
	alarm(0);
}

int
main(int argc, char **argv)
{
	struct hb_options o;

	hb_parse_args(argc, argv,
		      "What ports and tasks cost machd: time to create and destroy ports beside\n"
		      "eventfd() and close(), machd's memory per port and per task, task fork\n"
		      "time beside a raw fork.\n", &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	hb_header("bench-ports", &o);
	hb_run_modes(&o, body, (void *) (o.quick ? &quick : &full));
	return 0;
}

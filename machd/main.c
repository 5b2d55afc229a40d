/* machd: the Mach kernel personality of HELL.
 *
 * One thread runs everything: an epoll loop over the listening socket, one
 * channel per task thread, one pidfd per task, and a timerfd for mach_msg
 * timeouts.  Each event is served to completion, then the deliveries it made
 * possible run (ipc_mqueue_run_pending).  Objects that die during a batch of
 * events are freed after the batch (machd_defer_free), so a later event of
 * the same batch never touches freed memory.
 */
#include "ipc/ipc.h"
#include "ipc/mqueue.h"
#include "ipc/space.h"
#include "kern/boot.h"
#include "kern/host.h"
#include "kern/kobject.h"
#include "kern/task.h"
#include "kern/thread.h"
#include "kern/timer.h"
#include "kern/traps.h"
#include "linux/chan.h"
#include "linux/sys.h"
#include "util/alloc.h"
#include "util/assert.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

/* epoll data: a pointer tagged in its low bits with what it is. */
enum { EV_LISTEN = 1, EV_TIMER = 2, EV_SIGNAL = 3, EV_CHAN = 4, EV_TASK = 5 };
#define EV_TAG_BITS 7u
#define EV_MAKE(p, tag) ((uint64_t) (uintptr_t) (p) | (tag))

static int epfd, listen_fd, timer_fd, signal_fd;
static uint64_t armed_deadline;
static const char *socket_path;
static bool leak_check, verbose;
int machd_cpu = -1;

/* Keep machd to one CPU (WANT, or the last it may use): tasks move their
 * threads there for each trap, so the three parties of an RPC share a CPU
 * instead of waking each other across CPUs (docs/performance.md). */
static void
choose_cpu(int want)
{
	cpu_set_t cpus, one;
	int cpu = -1;

	if (sched_getaffinity(0, sizeof cpus, &cpus) < 0)
		return;
	if (want >= 0) {
		if (want >= CPU_SETSIZE || !CPU_ISSET(want, &cpus)) {
			fprintf(stderr, "machd: --cpu %d is not one this process may run on\n", want);
			exit(2);
		}
		cpu = want;
	} else {
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &cpus))
				cpu = i;
	}
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof one, &one) == 0)
		machd_cpu = cpu;
}

/* machd with no task: the leak check's zero.  The kernel space then holds
 * the host ports alone. */
static uint64_t heap_baseline;
static uint64_t ports_baseline, entries_baseline;
static size_t kernel_baseline;
static void **deferred;
static size_t deferred_count, deferred_cap;

void
machd_defer_free(void *p)
{
	if (deferred_count == deferred_cap) {
		deferred_cap = deferred_cap ? deferred_cap * 2 : 32;
		deferred = machd_realloc(deferred, deferred_cap * sizeof *deferred);
	}
	deferred[deferred_count++] = p;
}

static void
watch(int fd, uint64_t data)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = data };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		perror("machd: epoll_ctl");
		abort();
	}
}

void
machd_watch_task(struct task *task)
{
	watch(task->pidfd, EV_MAKE(task, EV_TASK));
}

void
machd_unwatch_task(struct task *task)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, task->pidfd, NULL);
}

/* The thread's channel is closed for good. */
void
machd_thread_gone(struct thread *thread)
{
	struct chan *chan = thread->chan;

	thread_destroy(thread);
	epoll_ctl(epfd, EPOLL_CTL_DEL, chan->fd, NULL);
	chan->thread = NULL;
	chan_close(chan);
	machd_defer_free(chan);
}

static void
chan_gone(struct chan *chan)
{
	if (chan->thread) {
		machd_thread_gone(chan->thread);
		return;
	}
	epoll_ctl(epfd, EPOLL_CTL_DEL, chan->fd, NULL);
	chan_close(chan);
	machd_defer_free(chan);
}

static void
on_channel(struct chan *chan)
{
	struct chan_request r;
	int got;

	if (chan->fd < 0)
		return;		/* closed earlier in this batch */
	/* One request per readiness: a thread has at most one in flight (and
	 * a CANCEL behind a blocked call is reported again, level-triggered).
	 * Reading until EAGAIN would cost a system call per trap. */
	got = chan_recv(chan, &r);
	if (got == 0)
		return;
	if (got < 0 || !machd_request(chan, &r)) {
		if (got > 0)
			chan_request_done(&r);
		chan_gone(chan);
		return;
	}
	chan_request_done(&r);
	ipc_mqueue_run_pending();
	if (chan->broken && chan->fd >= 0)
		chan_gone(chan);
}

/* Keep the timerfd armed no later than the earliest deadline.  It is only
 * ever moved earlier here: a wait that ends before its deadline leaves the
 * timer where it is, and costs at most one early wake-up later
 * (timer_expire then finds nothing due and the timer is re-armed).  A server
 * that receives with a timeout would otherwise pay a timerfd_settime per
 * message. */
static void
arm_timer(void)
{
	uint64_t next = timer_next_deadline();
	struct itimerspec its = { 0 };

	if (next == 0 || (armed_deadline != 0 && armed_deadline <= next))
		return;
	armed_deadline = next;
	its.it_value.tv_sec = (time_t) (next / 1000000000ull);
	its.it_value.tv_nsec = (long) (next % 1000000000ull);
	timerfd_settime(timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void
report_counts(FILE *f)
{
	fprintf(f, "machd: ports %llu (kernel %zu), port sets %llu, names %llu, messages %llu "
		"(%llu bytes, %llu memfds), tasks %llu, threads %llu, heap %llu bytes\n",
		(unsigned long long) ipc_counts.ports, ipc_space_size(ipc_space_kernel),
		(unsigned long long) ipc_counts.psets, (unsigned long long) ipc_counts.entries,
		(unsigned long long) ipc_counts.kmsgs, (unsigned long long) ipc_counts.kmsg_bytes,
		(unsigned long long) ipc_counts.ool_fds, (unsigned long long) task_count,
		(unsigned long long) thread_count, (unsigned long long) machd_heap_bytes());
}

/* Give back what machd keeps for reuse, so its heap can be compared with
 * the baseline. */
static void
free_caches(void)
{
	ipc_mqueue_shutdown();
	timer_shutdown();
	thread_shutdown();
	kobject_shutdown();
	for (size_t i = 0; i < deferred_count; i++)
		machd_free(deferred[i]);
	machd_free(deferred);
	deferred = NULL;
	deferred_count = deferred_cap = 0;
}

/* Terminate every task; with --leak-check, say whether machd went back to
 * exactly what it was before the first task: the host ports alone, no
 * message, no memfd, and not one byte more of heap. */
static int
shutdown_all(void)
{
	while (!list_empty(&task_all))
		task_terminate(list_first_entry(&task_all, struct task, all_link));
	/* Connections that never said HELLO belong to no task. */
	while (!list_empty(&chan_all))
		chan_gone(list_first_entry(&chan_all, struct chan, link));
	/* The rights machd itself holds for the tasks to come. */
	host_release_init_ports();
	task_notify_shutdown();
	ipc_mqueue_run_pending();
	free_caches();
	if (verbose)
		report_counts(stderr);
	if (leak_check) {
		bool clean = ipc_counts.ports == ports_baseline &&
			     ipc_space_size(ipc_space_kernel) == kernel_baseline &&
			     ipc_counts.entries == entries_baseline && ipc_counts.psets == 0 &&
			     ipc_counts.kmsgs == 0 && ipc_counts.kmsg_bytes == 0 &&
			     ipc_counts.ool_fds == 0 && thread_count == 0 &&
			     machd_heap_bytes() == heap_baseline;

		if (!clean) {
			fprintf(stderr, "machd: LEAK: objects remain after every task ended "
				"(heap %+lld bytes from the start):\n",
				(long long) (machd_heap_bytes() - heap_baseline));
			report_counts(stderr);
			return 3;
		}
	}
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: machd --socket PATH [--leak-check] [--verbose] [--cpu N | --no-cpu]\n"
		"             [--boot PROGRAM [ARGS...]]\n"
		"\n"
		"machd is HELL's Mach kernel personality: it owns every port, right,\n"
		"message and task of the GNU Mach interface, and serves tasks (Linux\n"
		"processes linked with libmach) on the AF_UNIX socket PATH.  Normally\n"
		"started by `hell up` or `hell run`, not by hand.\n"
		"\n"
		"  --socket PATH   where to listen (created mode 0600; the user only)\n"
		"  --leak-check    at exit, fail (status 3) unless every port, name,\n"
		"                  message and memfd is gone with the tasks\n"
		"  --verbose       report object counts at exit\n"
		"  --cpu N         keep to CPU N (default: the last CPU machd may use);\n"
		"                  tasks meet machd there for their traps\n"
		"  --no-cpu        do not keep to one CPU (tasks do not move either)\n"
		"  --boot PROGRAM [ARGS...]\n"
		"                  once listening, start PROGRAM as the first task, its\n"
		"                  bootstrap port a send right to the privileged host\n"
		"                  port; it inherits machd's standard streams and\n"
		"                  environment, plus HELL_SOCKET.  Must be the last\n"
		"                  option.  Its exit is logged; machd goes on serving.\n"
		"  --help          this text\n"
		"\n"
		"SIGTERM or SIGINT end machd: every task's space is destroyed first.\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "leak-check", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "no-cpu", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct rlimit rl;
	sigset_t sigs;
	int c, want_cpu = -1;
	bool pin = true;
	char **boot_argv = NULL;

	/* Everything after --boot PROGRAM belongs to PROGRAM. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--boot") == 0) {
			if (i + 1 >= argc) {
				usage(stderr);
				return 2;
			}
			boot_argv = &argv[i + 1];
			argc = i;
			break;
		}
	}

	while ((c = getopt_long(argc, argv, "s:lvhc:n", opts, NULL)) != -1) {
		switch (c) {
		case 'c': want_cpu = atoi(optarg); break;
		case 'n': pin = false; break;
		case 's': socket_path = optarg; break;
		case 'l': leak_check = true; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!socket_path || optind != argc) {
		usage(stderr);
		return 2;
	}

	linux_save_inherited_state();
	/* Out-of-line regions and channels are file descriptors. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	if (pin)
		choose_cpu(want_cpu);

	ipc_space_kernel = ipc_space_create(NULL);
	ipc_space_kernel->is_kernel = true;
	ipc_kobject_server = kobject_server;
	host_init();
	heap_baseline = machd_heap_bytes();
	ports_baseline = ipc_counts.ports;
	entries_baseline = ipc_counts.entries;
	kernel_baseline = ipc_space_size(ipc_space_kernel);

	epfd = epoll_create1(EPOLL_CLOEXEC);
	listen_fd = chan_listen(socket_path);
	if (listen_fd < 0) {
		fprintf(stderr, "machd: cannot listen on %s: %s\n", socket_path, strerror(errno));
		return 1;
	}
	timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	signal_fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (epfd < 0 || timer_fd < 0 || signal_fd < 0) {
		perror("machd: setup");
		return 1;
	}
	watch(listen_fd, EV_LISTEN);
	watch(timer_fd, EV_TIMER);
	watch(signal_fd, EV_SIGNAL);
	if (boot_argv && !boot_start(boot_argv, socket_path)) {
		unlink(socket_path);
		return 1;
	}

	for (;;) {
		struct epoll_event evs[64];
		int n = epoll_wait(epfd, evs, 64, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("machd: epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			uint64_t d = evs[i].data.u64;
			void *p = (void *) (uintptr_t) (d & ~(uint64_t) EV_TAG_BITS);

			switch (d & EV_TAG_BITS) {
			case EV_LISTEN:
				for (;;) {
					struct chan *chan = chan_accept(listen_fd);

					if (!chan)
						break;
					watch(chan->fd, EV_MAKE(chan, EV_CHAN));
				}
				break;
			case EV_TIMER: {
				uint64_t ticks;

				if (read(timer_fd, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
					perror("machd: timerfd");
				armed_deadline = 0;
				timer_expire();
				break;
			}
			case EV_SIGNAL: {
				int status;

				unlink(socket_path);
				status = shutdown_all();
				return status;
			}
			case EV_CHAN:
				on_channel(p);
				break;
			case EV_TASK: {
				struct task *task = p;

				if (!task->dead) {
					pid_t pid = task->pid;

					task_terminate(task);
					boot_task_ended(pid);
				}
				break;
			}
			}
			ipc_mqueue_run_pending();
		}
		for (size_t i = 0; i < deferred_count; i++)
			machd_free(deferred[i]);
		deferred_count = 0;
		arm_timer();
	}
}

/* benchlib: see benchlib.h.  Clock, statistics, CPU placement, the output
 * format, and the raw Linux IPC baselines that HELL's figures are printed
 * beside. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "benchlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* No blocking call of a raw baseline waits longer than this: a peer that
 * stops answering makes the benchmark fail instead of hang. */
#define IO_TIMEOUT_S 30
/* How long a finished baseline waits for a child to exit. */
#define REAP_TIMEOUT_MS 10000

/* ---- Failure ---- */

/* Set in the children that the raw baselines fork: they leave with _exit, so
 * that the parent's atexit handlers and stdio buffers are not run twice. */
static bool in_child;

void
bench_fail(bool errno_too, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	fputs("bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (errno_too)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
	fflush(stderr);
	if (in_child)
		_exit(2);
	exit(2);
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		bench_fail(false, "out of memory (%zu bytes)", n);
	return p;
}

/* ---- Clock ---- */

uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		bench_fail(true, "clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- Samples and statistics ---- */

void
bench_samples_init(struct bench_samples *s, size_t cap)
{
	s->ns = xmalloc(cap * sizeof *s->ns);
	s->n = 0;
	s->cap = cap;
}

void
bench_samples_add(struct bench_samples *s, uint64_t ns)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		uint64_t *p = realloc(s->ns, cap * sizeof *p);

		if (!p)
			bench_fail(false, "out of memory (%zu samples)", cap);
		s->ns = p;
		s->cap = cap;
	}
	s->ns[s->n++] = ns;
}

void
bench_samples_reset(struct bench_samples *s)
{
	s->n = 0;
}

void
bench_samples_free(struct bench_samples *s)
{
	free(s->ns);
	s->ns = NULL;
	s->n = s->cap = 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void
bench_stats_compute(const struct bench_samples *s, struct bench_stats *out)
{
	size_t n = s->n;
	uint64_t *v;
	double sum = 0;

	memset(out, 0, sizeof *out);
	if (n == 0)
		return;
	v = xmalloc(n * sizeof *v);
	memcpy(v, s->ns, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_u64);
	for (size_t i = 0; i < n; i++)
		sum += (double)v[i];
	out->n = n;
	out->min = v[0];
	out->max = v[n - 1];
	out->mean = sum / (double)n;
	if (n % 2)
		out->median = v[n / 2];
	else
		out->median = v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
	/* Nearest rank: the ceil(0.99 n)-th smallest sample. */
	out->p99 = v[(n * 99 + 99) / 100 - 1];
	free(v);
}

/* ---- CPU placement ---- */

static cpu_set_t startup_cpus;
static int home_cpu = -1;

/* Records the CPUs allowed at start-up, before anything here changes them. */
__attribute__((constructor)) static void
placement_init(void)
{
	if (sched_getaffinity(0, sizeof startup_cpus, &startup_cpus) != 0)
		bench_fail(true, "sched_getaffinity");
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (CPU_ISSET(c, &startup_cpus)) {
			home_cpu = c;
			break;
		}
	}
	if (home_cpu < 0)
		bench_fail(false, "no CPU in the start-up affinity mask");
}

int
bench_home_cpu(void)
{
	return home_cpu;
}

int
bench_ncpus(void)
{
	return CPU_COUNT(&startup_cpus);
}

static void
cpu_mask(int cpu, cpu_set_t *set)
{
	if (cpu == BENCH_CPU_ALL) {
		*set = startup_cpus;
		return;
	}
	if (cpu < 0 || cpu >= CPU_SETSIZE)
		bench_fail(false, "no such CPU: %d", cpu);
	CPU_ZERO(set);
	CPU_SET(cpu, set);
}

void
bench_pin_self(int cpu)
{
	cpu_set_t set;

	cpu_mask(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set) != 0)
		bench_fail(true, "sched_setaffinity(self, cpu %d)", cpu);
}

void
bench_pin_process(pid_t pid, int cpu)
{
	char path[64];
	cpu_set_t set;
	struct dirent *de;
	DIR *dir;
	int pinned = 0;

	cpu_mask(cpu, &set);
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		bench_fail(true, "opendir %s", path);
	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		char *end;
		long tid = strtol(de->d_name, &end, 10);

		if (*end != '\0' || tid <= 0)
			continue;
		if (sched_setaffinity((pid_t)tid, sizeof set, &set) == 0)
			pinned++;
		else if (errno != ESRCH)	/* ESRCH: the thread has exited */
			bench_fail(true, "sched_setaffinity(thread %ld, cpu %d)", tid, cpu);
		errno = 0;
	}
	if (errno != 0)
		bench_fail(true, "readdir %s", path);
	closedir(dir);
	if (pinned == 0)
		bench_fail(false, "process %d has no threads to pin", (int)pid);
}

void
bench_set_mode(bool pinned)
{
	bench_pin_process(getpid(), pinned ? home_cpu : BENCH_CPU_ALL);
}

const char *
bench_mode_name(bool pinned)
{
	return pinned ? "pinned" : "free";
}

void
bench_run_modes(void (*body)(bool pinned, void *arg), void *arg)
{
	bench_set_mode(true);
	body(true, arg);
	bench_set_mode(false);
	body(false, arg);
}

/* ---- Output ---- */

/* Width of the name column, so that figures line up across lines. */
#define NAME_W 22

static void
print_ratio(double ratio)
{
	printf(" | ratio %.2f\n", ratio);
}

void
bench_print_latency(const char *name, bool pinned, const struct bench_stats *s,
		    const char *base_name, const struct bench_stats *base)
{
	printf("%-*s %-6s  median %7llu ns  p99 %7llu ns", NAME_W, name,
	       bench_mode_name(pinned), (unsigned long long)s->median,
	       (unsigned long long)s->p99);
	if (!base) {
		printf("  mean %7.0f ns  min %7llu ns\n", s->mean,
		       (unsigned long long)s->min);
	} else {
		printf(" | %s median %llu ns p99 %llu ns", base_name,
		       (unsigned long long)base->median,
		       (unsigned long long)base->p99);
		print_ratio(base->median ? (double)s->median / (double)base->median : 0);
	}
	fflush(stdout);
}

void
bench_print_rate(const char *name, bool pinned, double per_sec,
		 const char *base_name, double base_per_sec)
{
	printf("%-*s %-6s  %9.0f rpc/s", NAME_W, name, bench_mode_name(pinned),
	       per_sec);
	if (base_per_sec <= 0) {
		putchar('\n');
	} else {
		printf(" | %s %.0f rpc/s", base_name, base_per_sec);
		print_ratio(per_sec > 0 ? base_per_sec / per_sec : 0);
	}
	fflush(stdout);
}

/* MiB per second for bytes moved in ns nanoseconds. */
static double
mib_per_s(size_t bytes, uint64_t ns)
{
	return ns ? (double)bytes / (1024.0 * 1024.0) / ((double)ns / 1e9) : 0;
}

void
bench_print_bulk(const char *name, bool pinned, size_t bytes,
		 const struct bench_stats *s,
		 const char *base_name, const struct bench_stats *base)
{
	printf("%-*s %-6s  median %9.1f us (%6.0f MiB/s)", NAME_W, name,
	       bench_mode_name(pinned), (double)s->median / 1e3,
	       mib_per_s(bytes, s->median));
	if (!base) {
		printf("  min %.1f us  max %.1f us\n", (double)s->min / 1e3,
		       (double)s->max / 1e3);
	} else {
		printf(" | %s median %.1f us (%.0f MiB/s)", base_name,
		       (double)base->median / 1e3, mib_per_s(bytes, base->median));
		print_ratio(base->median ? (double)s->median / (double)base->median : 0);
	}
	fflush(stdout);
}

/* ---- Plumbing of the raw baselines ---- */

static void
xclose(int fd)
{
	if (close(fd) != 0)
		bench_fail(true, "close");
}

/* Forks a peer.  The child dies with its parent (PR_SET_PDEATHSIG), so a
 * benchmark that fails never leaves processes behind. */
static pid_t
fork_peer(void)
{
	pid_t parent = getpid();
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		bench_fail(true, "fork");
	if (pid == 0) {
		in_child = true;
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
			bench_fail(true, "prctl(PR_SET_PDEATHSIG)");
		if (getppid() != parent)	/* the parent died before prctl */
			_exit(2);
	}
	return pid;
}

void
bench_reap(pid_t pid, const char *what, int timeout_ms)
{
	struct pollfd p = { .events = POLLIN };
	int status, r;

	p.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (p.fd < 0)
		bench_fail(true, "pidfd_open(%s)", what);
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		bench_fail(true, "poll(%s)", what);
	if (r == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		bench_fail(false, "%s did not exit within %d ms", what, timeout_ms);
	}
	xclose(p.fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			bench_fail(true, "waitpid(%s)", what);
	if (WIFSIGNALED(status))
		bench_fail(false, "%s killed by signal %d", what, WTERMSIG(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		bench_fail(false, "%s exited with status %d", what,
			   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void
xsocketpair(int type, int sv[2])
{
	const struct timeval tv = { IO_TIMEOUT_S, 0 };

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) != 0)
		bench_fail(true, "socketpair");
	for (int i = 0; i < 2; i++) {
		if (setsockopt(sv[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
		    setsockopt(sv[i], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
			bench_fail(true, "setsockopt(SO_RCVTIMEO/SO_SNDTIMEO)");
	}
}

/* Lets a SOCK_SEQPACKET socket send datagrams of msg_bytes: a datagram must
 * fit in the send buffer (the default, net.core.wmem_default, is ~208 KiB). */
static void
size_sndbuf(int fd, size_t msg_bytes)
{
	int want = (int)(2 * msg_bytes + 4096), have;
	socklen_t len = sizeof have;

	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &have, &len) != 0)
		bench_fail(true, "getsockopt(SO_SNDBUF)");
	if (have >= want)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof want) != 0)
		bench_fail(true, "setsockopt(SO_SNDBUF)");
}

static const char *
io_error(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : "failed";
}

/* Sends one whole datagram. */
static void
send_msg(int fd, const void *buf, size_t len, const char *who)
{
	ssize_t r;

	do
		r = send(fd, buf, len, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		bench_fail(true, "%s: send %s", who, io_error());
	if ((size_t)r != len)
		bench_fail(false, "%s: short send (%zd of %zu)", who, r, len);
}

/* Receives one datagram of at most cap bytes; returns its length, 0 at end
 * of stream. */
static size_t
recv_msg(int fd, void *buf, size_t cap, const char *who)
{
	ssize_t r;

	do
		r = recv(fd, buf, cap, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		bench_fail(true, "%s: recv %s", who, io_error());
	return (size_t)r;
}

/* Writes all of buf to a stream socket. */
static void
write_all(int fd, const void *buf, size_t len, const char *who)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t r = send(fd, p, len, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			bench_fail(true, "%s: write %s", who, io_error());
		p += r;
		len -= (size_t)r;
	}
}

/* Saves the calling thread's affinity and applies the mode's to it (only to
 * it: the peers forked next are copies of this thread alone). */
static void
enter_mode(bool pinned, cpu_set_t *saved)
{
	if (sched_getaffinity(0, sizeof *saved, saved) != 0)
		bench_fail(true, "sched_getaffinity");
	bench_pin_self(pinned ? home_cpu : BENCH_CPU_ALL);
}

static void
leave_mode(const cpu_set_t *saved)
{
	if (sched_setaffinity(0, sizeof *saved, saved) != 0)
		bench_fail(true, "sched_setaffinity(restore)");
}

static void
check_msg_bytes(size_t msg_bytes, const char *fn)
{
	if (msg_bytes < 1 || msg_bytes > BENCH_RAW_MSG_MAX)
		bench_fail(false, "%s: msg_bytes %zu outside 1..%u", fn, msg_bytes,
			   BENCH_RAW_MSG_MAX);
}

/* ---- Raw baseline: ping-pong latency ---- */

/* The echo side: returns every datagram until the other end closes. */
static void __attribute__((noreturn))
echo_peer(int fd, size_t msg_bytes)
{
	char *buf = xmalloc(msg_bytes);
	size_t n;

	while ((n = recv_msg(fd, buf, msg_bytes, "echo")) > 0)
		send_msg(fd, buf, n, "echo");
	_exit(0);
}

/* One round trip of message number seq; checks the echo. */
static void
round_trip(int fd, char *out, char *in, size_t msg_bytes, uint32_t seq,
	   const char *who)
{
	size_t n;

	if (msg_bytes >= sizeof seq)
		memcpy(out, &seq, sizeof seq);
	send_msg(fd, out, msg_bytes, who);
	n = recv_msg(fd, in, msg_bytes, who);
	if (n != msg_bytes)
		bench_fail(false, "%s: reply of %zu bytes, expected %zu", who, n,
			   msg_bytes);
	if (msg_bytes >= sizeof seq && memcmp(in, &seq, sizeof seq) != 0)
		bench_fail(false, "%s: reply out of sequence", who);
}

void
bench_raw_pingpong(size_t msg_bytes, int iters, bool pinned,
		   struct bench_stats *out)
{
	static const char who[] = "raw pingpong";
	struct bench_samples s;
	cpu_set_t saved;
	char *out_buf, *in_buf;
	int sv[2], warm;
	pid_t pid;

	check_msg_bytes(msg_bytes, who);
	if (iters < 1)
		bench_fail(false, "%s: iters %d < 1", who, iters);
	warm = iters / 10 > 100 ? iters / 10 : 100;

	xsocketpair(SOCK_SEQPACKET, sv);
	size_sndbuf(sv[0], msg_bytes);
	size_sndbuf(sv[1], msg_bytes);
	enter_mode(pinned, &saved);
	pid = fork_peer();
	if (pid == 0) {
		xclose(sv[0]);
		echo_peer(sv[1], msg_bytes);
	}
	xclose(sv[1]);

	out_buf = xmalloc(msg_bytes);
	in_buf = xmalloc(msg_bytes);
	memset(out_buf, 0x5a, msg_bytes);
	memset(in_buf, 0, msg_bytes);
	bench_samples_init(&s, (size_t)iters);
	for (int i = 0; i < warm; i++)
		round_trip(sv[0], out_buf, in_buf, msg_bytes, (uint32_t)i, who);
	for (int i = 0; i < iters; i++) {
		uint64_t t0 = bench_now_ns();

		round_trip(sv[0], out_buf, in_buf, msg_bytes,
			   (uint32_t)(warm + i), who);
		bench_samples_add(&s, bench_now_ns() - t0);
	}

	xclose(sv[0]);			/* the echo process sees EOF and exits */
	bench_reap(pid, "raw pingpong echo process", REAP_TIMEOUT_MS);
	leave_mode(&saved);
	bench_stats_compute(&s, out);
	bench_samples_free(&s);
	free(out_buf);
	free(in_buf);
}

/* ---- Raw baseline: throughput with N clients ---- */

/* What each client reports back, in a shared mapping. */
struct client_result {
	uint64_t round_trips;
	uint64_t end_ns;
};

/* What the parent publishes before releasing the clients. */
struct run_clock {
	uint64_t start_ns;
	uint64_t deadline_ns;
};

/* The server: echoes on every socket until all clients have closed. */
static void __attribute__((noreturn))
throughput_server(const int *fds, int n, size_t msg_bytes)
{
	static const char who[] = "raw throughput server";
	struct epoll_event evs[64];
	char *buf = xmalloc(msg_bytes);
	int ep, open_fds = n;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		bench_fail(true, "%s: epoll_create1", who);
	for (int i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = fds[i] };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) != 0)
			bench_fail(true, "%s: epoll_ctl(ADD)", who);
	}
	while (open_fds > 0) {
		int k = epoll_wait(ep, evs, 64, IO_TIMEOUT_S * 1000);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			bench_fail(true, "%s: epoll_wait", who);
		if (k == 0)
			bench_fail(false, "%s: no request for %d s", who, IO_TIMEOUT_S);
		for (int i = 0; i < k; i++) {
			int fd = evs[i].data.fd;
			size_t len;

			if (evs[i].events & EPOLLERR)
				bench_fail(false, "%s: error on a client socket", who);
			len = recv_msg(fd, buf, msg_bytes, who);
			if (len == 0) {
				if (epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL) != 0)
					bench_fail(true, "%s: epoll_ctl(DEL)", who);
				xclose(fd);
				open_fds--;
				continue;
			}
			send_msg(fd, buf, len, who);
		}
	}
	_exit(0);
}

/* A client: waits for the start, ping-pongs until the deadline, reports. */
static void __attribute__((noreturn))
throughput_client(int fd, int go_fd, size_t msg_bytes,
		  const volatile struct run_clock *clk,
		  volatile struct client_result *res)
{
	static const char who[] = "raw throughput client";
	char *out = xmalloc(msg_bytes), *in = xmalloc(msg_bytes);
	uint64_t count = 0, deadline, now;
	char c;
	ssize_t r;

	memset(out, 0x3c, msg_bytes);
	do
		r = read(go_fd, &c, 1);	/* returns 0 when the parent closes it */
	while (r < 0 && errno == EINTR);
	if (r != 0)
		bench_fail(r < 0, "%s: start signal", who);
	deadline = clk->deadline_ns;
	do {
		round_trip(fd, out, in, msg_bytes, (uint32_t)count, who);
		count++;
		now = bench_now_ns();
	} while (now < deadline);
	res->round_trips = count;
	res->end_ns = now;
	_exit(0);
}

double
bench_raw_throughput(int nclients, size_t msg_bytes, double seconds,
		     bool pinned)
{
	static const char who[] = "raw throughput";
	struct client_result *res;
	struct run_clock *clk;
	size_t shared_len;
	int (*sv)[2], go[2];
	pid_t server, *clients;
	cpu_set_t saved;
	uint64_t total = 0, end = 0;
	void *shared;

	check_msg_bytes(msg_bytes, who);
	if (nclients < 1 || nclients > 1000)
		bench_fail(false, "%s: nclients %d outside 1..1000", who, nclients);
	if (!(seconds > 0 && seconds <= 600))
		bench_fail(false, "%s: seconds %g outside (0, 600]", who, seconds);

	shared_len = sizeof *clk + (size_t)nclients * sizeof *res;
	shared = mmap(NULL, shared_len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		bench_fail(true, "%s: mmap", who);
	clk = shared;
	res = (struct client_result *)(clk + 1);

	sv = xmalloc((size_t)nclients * sizeof *sv);
	clients = xmalloc((size_t)nclients * sizeof *clients);
	for (int i = 0; i < nclients; i++) {
		xsocketpair(SOCK_SEQPACKET, sv[i]);
		size_sndbuf(sv[i][0], msg_bytes);
		size_sndbuf(sv[i][1], msg_bytes);
	}
	if (pipe2(go, O_CLOEXEC) != 0)
		bench_fail(true, "%s: pipe2", who);

	enter_mode(pinned, &saved);
	server = fork_peer();
	if (server == 0) {
		int *fds = xmalloc((size_t)nclients * sizeof *fds);

		xclose(go[0]);
		xclose(go[1]);
		for (int i = 0; i < nclients; i++) {
			xclose(sv[i][0]);
			fds[i] = sv[i][1];
		}
		throughput_server(fds, nclients, msg_bytes);
	}
	for (int i = 0; i < nclients; i++)
		xclose(sv[i][1]);
	for (int i = 0; i < nclients; i++) {
		clients[i] = fork_peer();
		if (clients[i] == 0) {
			xclose(go[1]);
			for (int j = 0; j < nclients; j++)
				if (j != i)
					xclose(sv[j][0]);
			throughput_client(sv[i][0], go[0], msg_bytes, clk, &res[i]);
		}
	}
	for (int i = 0; i < nclients; i++)
		xclose(sv[i][0]);
	xclose(go[0]);

	clk->start_ns = bench_now_ns();
	clk->deadline_ns = clk->start_ns + (uint64_t)(seconds * 1e9);
	xclose(go[1]);			/* releases every client at once */

	for (int i = 0; i < nclients; i++)
		bench_reap(clients[i], "raw throughput client",
		     (int)(seconds * 1000) + REAP_TIMEOUT_MS);
	bench_reap(server, "raw throughput server", REAP_TIMEOUT_MS);
	leave_mode(&saved);

	for (int i = 0; i < nclients; i++) {
		total += res[i].round_trips;
		if (res[i].end_ns > end)
			end = res[i].end_ns;
	}
	if (end <= clk->start_ns)
		bench_fail(false, "%s: clients reported no time", who);
	double rate = (double)total / ((double)(end - clk->start_ns) / 1e9);

	if (munmap(shared, shared_len) != 0)
		bench_fail(true, "%s: munmap", who);
	free(sv);
	free(clients);
	return rate;
}

/* ---- Raw baseline: bulk transfer ---- */

void
bench_bulk_stamp(unsigned char *buf, size_t bytes, int rep)
{
	for (size_t i = 0; i < bytes; i += 4096)
		buf[i] = bench_bulk_byte(i, rep);
	buf[bytes - 1] = bench_bulk_byte(bytes - 1, rep);
}

static void
bulk_check(const unsigned char *buf, size_t bytes, int rep)
{
	for (size_t i = 0; i < bytes; i += 4096)
		if (buf[i] != bench_bulk_byte(i, rep))
			bench_fail(false, "raw bulk: byte %zu of transfer %d is wrong", i, rep);
	if (buf[bytes - 1] != bench_bulk_byte(bytes - 1, rep))
		bench_fail(false, "raw bulk: last byte of transfer %d is wrong", rep);
}

/* The reader: for each transfer, reads all bytes into its buffer, answers
 * 'k' (the end of the timed part), then checks what arrived and answers 'c',
 * so that the check never overlaps the writer's next transfer. */
static void __attribute__((noreturn))
bulk_reader(int fd, size_t bytes, int transfers)
{
	static const char who[] = "raw bulk reader";
	unsigned char *buf = xmalloc(bytes);

	memset(buf, 0, bytes);		/* fault the pages in before timing */
	for (int t = 0; t < transfers; t++) {
		size_t got = 0;

		while (got < bytes) {
			ssize_t r = recv(fd, buf + got, bytes - got, 0);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				bench_fail(true, "%s: read %s", who, io_error());
			if (r == 0)
				bench_fail(false, "%s: end of stream after %zu bytes", who, got);
			got += (size_t)r;
		}
		write_all(fd, "k", 1, who);
		bulk_check(buf, bytes, t);
		write_all(fd, "c", 1, who);
	}
	_exit(0);
}

void
bench_raw_bulk(size_t bytes, int reps, bool pinned, struct bench_stats *out)
{
	static const char who[] = "raw bulk writer";
	struct bench_samples s;
	unsigned char *buf;
	cpu_set_t saved;
	int sv[2];
	pid_t pid;

	if (bytes < 1)
		bench_fail(false, "raw bulk: bytes must be >= 1");
	if (reps < 1)
		bench_fail(false, "raw bulk: reps %d < 1", reps);

	buf = xmalloc(bytes);
	for (size_t i = 0; i < bytes; i++)
		buf[i] = bench_bulk_byte(i, 0);
	xsocketpair(SOCK_STREAM, sv);
	enter_mode(pinned, &saved);
	pid = fork_peer();
	if (pid == 0) {
		xclose(sv[0]);
		free(buf);
		bulk_reader(sv[1], bytes, reps + 1);
	}
	xclose(sv[1]);

	bench_samples_init(&s, (size_t)reps);
	for (int t = 0; t <= reps; t++) {	/* transfer 0 is the warm-up */
		uint64_t t0, t1;
		char ack;

		bench_bulk_stamp(buf, bytes, t);
		t0 = bench_now_ns();
		for (size_t off = 0; off < bytes; off += BENCH_RAW_BULK_CHUNK) {
			size_t len = bytes - off < BENCH_RAW_BULK_CHUNK ?
				     bytes - off : BENCH_RAW_BULK_CHUNK;

			write_all(sv[0], buf + off, len, who);
		}
		if (recv_msg(sv[0], &ack, 1, who) != 1 || ack != 'k')
			bench_fail(false, "%s: no answer from the reader", who);
		t1 = bench_now_ns();
		if (t > 0)
			bench_samples_add(&s, t1 - t0);
		if (recv_msg(sv[0], &ack, 1, who) != 1 || ack != 'c')
			bench_fail(false, "%s: the reader did not confirm the data", who);
	}

	xclose(sv[0]);
	bench_reap(pid, "raw bulk reader", REAP_TIMEOUT_MS);
	leave_mode(&saved);
	bench_stats_compute(&s, out);
	bench_samples_free(&s);
	free(buf);
}

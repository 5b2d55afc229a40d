/* hellbench: see hellbench.h.  Options, machd's placement, task children,
 * machd's statistics for HELL's Mach benchmarks. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "hellbench.h"

#include <mach/mach_error.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>

void
hb_parse_args(int argc, char **argv, const char *what, struct hb_options *o)
{
	*o = (struct hb_options) { 0 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			o->quick = true;
		} else if (strcmp(argv[i], "--pinned") == 0) {
			o->pinned = true;
		} else if (strcmp(argv[i], "--free") == 0) {
			o->free = true;
		} else {
			bool help = strcmp(argv[i], "--help") == 0;

			if (!help)
				fprintf(stderr, "%s: unknown argument '%s'\n", argv[0], argv[i]);
			fprintf(help ? stdout : stderr,
				"usage: hell run --private %s [--quick] [--pinned] [--free] [--help]\n"
				"%s"
				"  --quick   fewer iterations\n"
				"  --pinned  only the pinned mode (this process, its tasks and machd on one CPU)\n"
				"  --free    only the free mode (no pinning); both modes when neither is given\n"
				"  --help    this text\n",
				argv[0], what);
			exit(help ? 0 : 2);
		}
	}
	if (!o->pinned && !o->free)
		o->pinned = o->free = true;
}

pid_t
hb_machd_pid(void)
{
	static pid_t pid;
	const char *path = getenv("HELL_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cred;
	socklen_t len = sizeof cred;
	char comm[64] = "", file[64];
	FILE *f;
	int fd;

	if (pid > 0)
		return pid;
	if (!path || !*path || strlen(path) >= sizeof sa.sun_path)
		bench_fail(false, "HELL_SOCKET is not set: run this with `hell run --private`");
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		bench_fail(true, "socket");
	if (connect(fd, (struct sockaddr *) &sa, sizeof sa) != 0)
		bench_fail(true, "connect %s", path);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		bench_fail(true, "getsockopt(SO_PEERCRED)");
	close(fd);
	snprintf(file, sizeof file, "/proc/%d/comm", (int) cred.pid);
	f = fopen(file, "r");
	if (!f || !fgets(comm, sizeof comm, f))
		bench_fail(true, "reading %s", file);
	fclose(f);
	if (strncmp(comm, "machd", 5) != 0)
		bench_fail(false, "the process behind %s (pid %d) is \"%.*s\", not machd", path,
			   (int) cred.pid, (int) strcspn(comm, "\n"), comm);
	pid = cred.pid;
	return pid;
}

void
hb_header(const char *prog, const struct hb_options *o)
{
	struct utsname u;

	if (uname(&u) != 0)
		bench_fail(true, "uname");
	printf("%s: Linux %s, %d CPUs allowed, pinned = CPU %d, machd pid %d, %s run\n",
	       prog, u.release, bench_ncpus(), bench_home_cpu(), (int) hb_machd_pid(),
	       o->quick ? "quick" : "full");
	fflush(stdout);
}

void
hb_place(bool pinned)
{
	/* machd's own placement (it keeps to one CPU, which tasks meet for
	 * their traps) is part of what is measured: the free mode gives it
	 * back rather than letting machd run anywhere. */
	static cpu_set_t machd_own;
	static bool saved;
	pid_t machd = hb_machd_pid();

	if (!saved) {
		if (sched_getaffinity(machd, sizeof machd_own, &machd_own) != 0)
			bench_fail(true, "sched_getaffinity(machd)");
		saved = true;
	}
	bench_set_mode(pinned);
	if (pinned) {
		bench_pin_process(machd, bench_home_cpu());
	} else {
		char path[64];
		DIR *d;
		struct dirent *e;

		snprintf(path, sizeof path, "/proc/%d/task", (int) machd);
		d = opendir(path);
		if (!d)
			bench_fail(true, "%s", path);
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				sched_setaffinity(atoi(e->d_name), sizeof machd_own, &machd_own);
		closedir(d);
	}
}

void
hb_run_modes(const struct hb_options *o, void (*body)(bool pinned, void *arg), void *arg)
{
	if (o->pinned) {
		hb_place(true);
		body(true, arg);
	}
	if (o->free) {
		hb_place(false);
		body(false, arg);
	}
	hb_place(false);
}

pid_t
hb_fork(void)
{
	pid_t parent = getpid(), pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		bench_fail(true, "fork");
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
			hb_child_fail(0, "prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
		if (getppid() != parent)
			_exit(2);
	}
	return pid;
}

void
hb_child_fail(kern_return_t kr, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench: [pid %d] ", (int) getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (kr != 0)
		fprintf(stderr, ": %s (%#x)", mach_error_string(kr), (unsigned) kr);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(2);
}

void
hb_check(kern_return_t kr, const char *what)
{
	if (kr != KERN_SUCCESS)
		bench_fail(false, "%s: %s (%#x)", what, mach_error_string(kr), (unsigned) kr);
}

void *
hb_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bench_fail(true, "mmap(shared, %zu)", len);
	return p;
}

void
hb_shared_free(void *p, size_t len)
{
	if (munmap(p, len) != 0)
		bench_fail(true, "munmap");
}

void
hb_stats(struct hell_machd_stats *st)
{
	hb_check(hell_machd_stats(st), "hell_machd_stats");
}

uint64_t
hb_rss_bytes(pid_t pid)
{
	char file[64], line[256];
	unsigned long long kb = 0;
	bool found = false;
	FILE *f;

	snprintf(file, sizeof file, "/proc/%d/status", (int) pid);
	f = fopen(file, "r");
	if (!f)
		bench_fail(true, "open %s", file);
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %llu kB", &kb) == 1) {
			found = true;
			break;
		}
	fclose(f);
	if (!found)
		bench_fail(false, "no VmRSS in %s", file);
	return (uint64_t) kb * 1024;
}

/* ---- Raw relay ---- */

static void
relay_socketpair(int sv[2], size_t msg_bytes)
{
	const struct timeval tv = { 30, 0 };
	int buf = (int) (2 * msg_bytes + 4096);

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		bench_fail(true, "relay: socketpair");
	for (int i = 0; i < 2; i++)
		if (setsockopt(sv[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
		    setsockopt(sv[i], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0 ||
		    setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf) != 0)
			bench_fail(true, "relay: setsockopt");
}

/* Receives one datagram into buf (cap bytes) and sends it on to `to`;
 * returns false at end of stream.  For the children: failures _exit. */
static bool
relay_pass(int from, int to, char *buf, size_t cap, const char *who)
{
	ssize_t n, w;

	do
		n = recv(from, buf, cap, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		hb_child_fail(0, "%s: recv: %s", who, strerror(errno));
	if (n == 0)
		return false;
	do
		w = send(to, buf, (size_t) n, MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	if (w != n)
		hb_child_fail(0, "%s: send: %s", who, w < 0 ? strerror(errno) : "short");
	return true;
}

/* The relay: one epoll loop over its two sockets, as machd's. */
static void __attribute__((noreturn))
relay_main(int client, int server, size_t msg_bytes)
{
	char *buf = malloc(msg_bytes);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev[2];

	if (!buf || ep < 0)
		hb_child_fail(0, "relay: set-up");
	ev[0] = (struct epoll_event) { .events = EPOLLIN, .data.fd = client };
	ev[1] = (struct epoll_event) { .events = EPOLLIN, .data.fd = server };
	if (epoll_ctl(ep, EPOLL_CTL_ADD, client, &ev[0]) != 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, server, &ev[1]) != 0)
		hb_child_fail(0, "relay: epoll_ctl: %s", strerror(errno));
	for (;;) {
		int k = epoll_wait(ep, ev, 2, 30000);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			hb_child_fail(0, "relay: epoll_wait: %s", k ? strerror(errno) : "timed out");
		for (int i = 0; i < k; i++) {
			int from = ev[i].data.fd, to = from == client ? server : client;

			if (!relay_pass(from, to, buf, msg_bytes, "relay"))
				_exit(0);	/* the client closed: the echo sees EOF too */
		}
	}
}

void
hb_raw_relay(size_t msg_bytes, int iters, struct bench_stats *out)
{
	int a[2], b[2], warm = iters / 10 > 100 ? iters / 10 : 100;
	char *o = malloc(msg_bytes), *in = malloc(msg_bytes);
	struct bench_samples s;
	pid_t relay, echo;

	if (msg_bytes < 1 || msg_bytes > BENCH_RAW_MSG_MAX || iters < 1 || !o || !in)
		bench_fail(false, "raw relay: bad arguments or out of memory");
	relay_socketpair(a, msg_bytes);
	relay_socketpair(b, msg_bytes);
	echo = hb_fork();
	if (echo == 0) {
		close(a[0]);
		close(a[1]);
		close(b[0]);
		while (relay_pass(b[1], b[1], o, msg_bytes, "relay echo"))
			;
		_exit(0);
	}
	relay = hb_fork();
	if (relay == 0) {
		close(a[0]);
		close(b[1]);
		relay_main(a[1], b[0], msg_bytes);
	}
	close(a[1]);
	close(b[0]);
	close(b[1]);

	memset(o, 0x5a, msg_bytes);
	bench_samples_init(&s, (size_t) iters);
	for (int i = 0; i < warm + iters; i++) {
		uint32_t seq = (uint32_t) i;
		uint64_t t0, t1;
		ssize_t n;

		if (msg_bytes >= sizeof seq)
			memcpy(o, &seq, sizeof seq);
		t0 = bench_now_ns();
		if (send(a[0], o, msg_bytes, MSG_NOSIGNAL) != (ssize_t) msg_bytes)
			bench_fail(true, "raw relay: send");
		do
			n = recv(a[0], in, msg_bytes, 0);
		while (n < 0 && errno == EINTR);
		t1 = bench_now_ns();
		if (n != (ssize_t) msg_bytes ||
		    (msg_bytes >= sizeof seq && memcmp(in, &seq, sizeof seq) != 0))
			bench_fail(n < 0, "raw relay: bad or no echo");
		if (i >= warm)
			bench_samples_add(&s, t1 - t0);
	}
	close(a[0]);
	bench_reap(relay, "raw relay", 10000);
	bench_reap(echo, "raw relay echo", 10000);
	bench_stats_compute(&s, out);
	bench_samples_free(&s);
	free(o);
	free(in);
}

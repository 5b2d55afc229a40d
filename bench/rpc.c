/* bench-rpc: Mach RPC between two tasks under HELL, beside raw Linux IPC
 * measured in the same run.  Run it as a task:
 *
 *     hell run --private build/bench/bench-rpc [--quick] [--pinned|--free]
 *
 * Contract.  For each CPU mode (pinned: this process, every task it forks
 * and machd on one CPU; free: no pinning; see hellbench.h), it forks one
 * server task that serves echo.defs and bench.defs with mach_msg_server, and
 * prints one line per figure, each beside its raw baseline and the ratio
 * (HELL's cost over the raw cost; README.md):
 *
 *   null-rpc          echo_null through GNU MIG's stubs, this task to the
 *                     server: median and p99 of single round trips, beside
 *                     bench_raw_pingpong of 64 B, and on a second line
 *                     beside hb_raw_relay of 64 B (the same four datagrams
 *                     through an epoll relay process that a HELL RPC makes
 *                     through machd: HELL's architectural floor).
 *   null-rpc xN       RPCs per second summed over N = 1, 2, 8 client tasks
 *                     (forked, each with a copy of the send right) calling
 *                     echo_null for a fixed time, against the one server,
 *                     beside bench_raw_throughput with the same N.
 *   inline-4k-rpc     bench_inline: 4096 bytes inline in the request and the
 *                     same 4096 bytes back in the reply, beside
 *                     bench_raw_pingpong of 4096 B, then beside
 *                     hb_raw_relay of 4096 B.  The echo is checked.
 *   ool N MiB         bench_ool: N MiB (1 and 64) out-of-line (pointer_t)
 *                     from this task to the server, which deallocates the
 *                     region unread and replies with its return code only;
 *                     time from the call to the reply, beside
 *                     bench_raw_bulk of the same size.
 *   ool N MiB, read   the same, but the server first reads the first byte of
 *                     every page (and the last byte) and checks them against
 *                     the transfer's pattern: the cost of actually reaching
 *                     the data, which the raw reader has in its buffer.
 *
 * Every section warms up before it records.  Tasks end cleanly: the clients
 * exit, this task drops its send right last, and the server, on the
 * no-senders notification that follows, destroys its port and exits; every
 * child is reaped with a time limit, and a section that hangs is ended by
 * alarm() (the children die with this process, PR_SET_PDEATHSIG).  Any
 * failure prints "bench: ..." and exits with status 2.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "hellbench.h"

#include "echo.h"
#include "echo_S.h"
#include "bench_defs.h"
#include "bench_defs_S.h"

#include <mach/mach_error.h>
#include <mach/notify.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

/* The demultiplexers GNU MIG generated from echo.defs and bench.defs. */
extern boolean_t echo_server(mach_msg_header_t *in, mach_msg_header_t *out);
extern boolean_t bench_server(mach_msg_header_t *in, mach_msg_header_t *out);

struct config {
	int rpc_iters;		/* round trips per latency figure */
	double seconds;		/* length of each throughput run */
	int ool_reps_small;	/* transfers per 1 MiB figure */
	int ool_reps_large;	/* transfers per 64 MiB figure */
};

static const struct config full = { 20000, 1.0, 50, 7 };
static const struct config quick = { 2000, 0.2, 10, 3 };

/* No section may take longer than this (a hang ends the program). */
#define SECTION_LIMIT_S 120
/* How long a task child may take to exit once asked to. */
#define REAP_MS 10000
/* Largest message the server takes (the 4 KiB RPC is about 4.2 KiB). */
#define SERVER_MAX_MSG 8192

/* ---- The server task ---- */

static mach_port_t server_port;		/* in the server: its receive right */


kern_return_t
S_echo_null(mach_port_t server)
{
	(void) server;
	return KERN_SUCCESS;
}

kern_return_t
S_echo_bytes(mach_port_t server, pointer_t data, mach_msg_type_number_t n,
	     pointer_t *echoed, mach_msg_type_number_t *echoedCnt)
{
	/* Not used by the benchmarks: give the region straight back (the
	 * reply deallocates nothing, so it is copied out to the client). */
	(void) server;
	*echoed = data;
	*echoedCnt = n;
	return KERN_SUCCESS;
}

kern_return_t
S_echo_shout(mach_port_t server, const_echo_string_t message, echo_string_t shouted, int *pid)
{
	size_t i;

	(void) server;
	for (i = 0; message[i] && i < sizeof(echo_string_t) - 1; i++)
		shouted[i] = (char) toupper((unsigned char) message[i]);
	shouted[i] = 0;
	*pid = getpid();
	return KERN_SUCCESS;
}

kern_return_t
S_bench_inline(mach_port_t server, const bench_page_t data, bench_page_t echoed)
{
	(void) server;
	memcpy(echoed, data, sizeof(bench_page_t));
	return KERN_SUCCESS;
}

kern_return_t
S_bench_ool(mach_port_t server, vm_offset_t data, mach_msg_type_number_t n, int check)
{
	const unsigned char *p = (const unsigned char *) data;

	(void) server;
	if (n == 0)
		return KERN_INVALID_ARGUMENT;
	if (check >= 0) {
		for (size_t i = 0; i < n; i += 4096)
			if (p[i] != bench_bulk_byte(i, check))
				return KERN_FAILURE;	/* mach_msg_server destroys it */
		if (p[n - 1] != bench_bulk_byte(n - 1, check))
			return KERN_FAILURE;
	}
	vm_deallocate(mach_task_self(), data, n);
	return KERN_SUCCESS;
}

/* Requests to the MIG stubs; the no-senders notification (every client and
 * the driver have dropped their send rights) ends the server. */
static boolean_t
demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	if (in->msgh_id == MACH_NOTIFY_NO_SENDERS) {
		kern_return_t kr = mach_port_mod_refs(mach_task_self(), server_port,
						      MACH_PORT_RIGHT_RECEIVE, -1);
		if (kr != KERN_SUCCESS)
			hb_child_fail(kr, "server: destroying its port");
		_exit(0);
	}
	return echo_server(in, out) || bench_server(in, out);
}

/* In the server task: make the port, arm the no-senders notification, send
 * a send right to the driver through RENDEZVOUS, serve forever. */
static void __attribute__((noreturn))
server_main(mach_port_t rendezvous)
{
	struct {
		mach_msg_header_t h;
		mach_msg_type_t t;
		mach_port_name_inlined_t p;
	} give = { 0 };
	mach_port_t prev;
	kern_return_t kr;

	kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &server_port);
	if (kr != KERN_SUCCESS)
		hb_child_fail(kr, "server: mach_port_allocate");
	/* sync 1: armed now (no send right was ever made), fires once the
	 * send rights made below are all gone. */
	kr = mach_port_request_notification(mach_task_self(), server_port,
					    MACH_NOTIFY_NO_SENDERS, 1, server_port,
					    MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev);
	if (kr != KERN_SUCCESS)
		hb_child_fail(kr, "server: requesting no-senders");
	give.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	give.h.msgh_size = sizeof give;
	give.h.msgh_remote_port = rendezvous;
	give.t = (mach_msg_type_t) { .msgt_name = MACH_MSG_TYPE_MAKE_SEND, .msgt_size = 64,
				     .msgt_number = 1, .msgt_inline = 1 };
	give.p.name = server_port;
	kr = mach_msg(&give.h, MACH_SEND_MSG, sizeof give, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
	if (kr != MACH_MSG_SUCCESS)
		hb_child_fail(kr, "server: sending its port");
	kr = mach_port_deallocate(mach_task_self(), rendezvous);
	if (kr != KERN_SUCCESS)
		hb_child_fail(kr, "server: dropping the rendezvous right");
	kr = mach_msg_server(demux, SERVER_MAX_MSG, server_port);
	hb_child_fail(kr, "server: mach_msg_server returned");
}

/* In the driver: fork the server task and get a send right to its port. */
static mach_port_t
start_server(pid_t *pid)
{
	mach_port_t rendezvous;
	struct {
		mach_msg_header_t h;
		mach_msg_type_t t;
		mach_port_name_inlined_t p;
		char room[64];
	} got;

	hb_check(mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &rendezvous),
		 "mach_port_allocate(rendezvous)");
	hb_check(mach_port_insert_right(mach_task_self(), rendezvous, rendezvous,
					MACH_MSG_TYPE_MAKE_SEND), "mach_port_insert_right");
	*pid = hb_fork();
	if (*pid == 0)
		server_main(rendezvous);
	memset(&got, 0, sizeof got);
	hb_check(mach_msg(&got.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof got, rendezvous,
			  10000, MACH_PORT_NULL), "receiving the server's port");
	if (!(got.h.msgh_bits & MACH_MSGH_BITS_COMPLEX) || !MACH_PORT_VALID(got.p.name))
		bench_fail(false, "the server's first message carries no port");
	hb_check(mach_port_destroy(mach_task_self(), rendezvous), "mach_port_destroy(rendezvous)");
	return got.p.name;
}

static void
stop_server(mach_port_t service, pid_t pid)
{
	hb_check(mach_port_deallocate(mach_task_self(), service), "dropping the service right");
	bench_reap(pid, "server task", REAP_MS);
}

/* ---- Null RPC latency ---- */

static void
null_latency(bool pinned, const struct config *c, mach_port_t service)
{
	int warm = c->rpc_iters / 10 > 100 ? c->rpc_iters / 10 : 100;
	struct bench_samples s;
	struct bench_stats mine, raw;
	kern_return_t kr;

	for (int i = 0; i < warm; i++)
		hb_check(echo_null(service), "echo_null (warm-up)");
	bench_samples_init(&s, (size_t) c->rpc_iters);
	for (int i = 0; i < c->rpc_iters; i++) {
		uint64_t t0 = bench_now_ns();

		kr = echo_null(service);
		bench_samples_add(&s, bench_now_ns() - t0);
		if (kr != KERN_SUCCESS)
			hb_check(kr, "echo_null");
	}
	bench_stats_compute(&s, &mine);
	bench_samples_free(&s);
	bench_raw_pingpong(64, c->rpc_iters, pinned, &raw);
	bench_print_latency("null-rpc", pinned, &mine, "raw seqpacket 64 B", &raw);
	hb_raw_relay(64, c->rpc_iters, &raw);
	bench_print_latency("null-rpc", pinned, &mine, "raw relay 64 B", &raw);
}

/* ---- Null RPC throughput with N client tasks ---- */

#define MAX_CLIENTS 8

struct tp_shared {
	uint64_t start_ns;
	uint64_t deadline_ns;
	struct {
		uint64_t rpcs;
		uint64_t end_ns;
	} res[MAX_CLIENTS];
};

static void __attribute__((noreturn))
tp_client(mach_port_t service, int ready_fd, int go_fd, volatile struct tp_shared *sh, int i)
{
	uint64_t count = 0, deadline, now;
	kern_return_t kr;
	ssize_t r;
	char c = 'r';

	/* Warm up (the first RPC also makes this task's MIG reply port). */
	for (int k = 0; k < 100; k++)
		if ((kr = echo_null(service)) != KERN_SUCCESS)
			hb_child_fail(kr, "client: echo_null (warm-up)");
	if (write(ready_fd, &c, 1) != 1)
		hb_child_fail(0, "client: ready: %s", strerror(errno));
	do
		r = read(go_fd, &c, 1);	/* 0 when the driver closes it */
	while (r < 0 && errno == EINTR);
	if (r != 0)
		hb_child_fail(0, "client: start signal");
	deadline = sh->deadline_ns;
	do {
		if ((kr = echo_null(service)) != KERN_SUCCESS)
			hb_child_fail(kr, "client: echo_null");
		count++;
		now = bench_now_ns();
	} while (now < deadline);
	sh->res[i].rpcs = count;
	sh->res[i].end_ns = now;
	_exit(0);
}

static double
null_throughput(int n, double seconds, mach_port_t service)
{
	struct tp_shared *sh = hb_shared(sizeof *sh);
	pid_t pids[MAX_CLIENTS];
	int ready[2], go[2];
	uint64_t total = 0, end = 0;
	double rate;

	if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0)
		bench_fail(true, "pipe2");
	for (int i = 0; i < n; i++) {
		pids[i] = hb_fork();
		if (pids[i] == 0) {
			close(ready[0]);
			close(go[1]);
			tp_client(service, ready[1], go[0], sh, i);
		}
	}
	close(ready[1]);
	close(go[0]);
	/* Every client has warmed up before the clock starts. */
	for (int got = 0; got < n;) {
		struct pollfd p = { .fd = ready[0], .events = POLLIN };
		char buf[MAX_CLIENTS];
		ssize_t r;

		int k = poll(&p, 1, 30000);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			bench_fail(true, "throughput: poll");
		if (k == 0)
			bench_fail(false, "throughput: clients not ready after 30 s");
		r = read(ready[0], buf, sizeof buf);
		if (r <= 0)
			bench_fail(r < 0, "throughput: a client died before starting");
		got += (int) r;
	}
	sh->start_ns = bench_now_ns();
	sh->deadline_ns = sh->start_ns + (uint64_t) (seconds * 1e9);
	close(go[1]);			/* releases every client at once */
	for (int i = 0; i < n; i++)
		bench_reap(pids[i], "throughput client", (int) (seconds * 1000) + REAP_MS);
	close(ready[0]);
	for (int i = 0; i < n; i++) {
		total += sh->res[i].rpcs;
		if (sh->res[i].end_ns > end)
			end = sh->res[i].end_ns;
	}
	if (end <= sh->start_ns)
		bench_fail(false, "throughput: clients reported no time");
	rate = (double) total / ((double) (end - sh->start_ns) / 1e9);
	hb_shared_free(sh, sizeof *sh);
	return rate;
}

/* ---- 4 KiB inline RPC ---- */

static void
inline_latency(bool pinned, const struct config *c, mach_port_t service)
{
	int warm = c->rpc_iters / 10 > 100 ? c->rpc_iters / 10 : 100;
	static bench_page_t out, in;
	struct bench_samples s;
	struct bench_stats mine, raw;

	memset(out, 0x5a, sizeof out);
	bench_samples_init(&s, (size_t) c->rpc_iters);
	for (int i = 0; i < warm + c->rpc_iters; i++) {
		uint32_t seq = (uint32_t) i;
		uint64_t t0, t1;
		kern_return_t kr;

		memcpy(out, &seq, sizeof seq);
		out[sizeof out - 1] = (char) i;
		t0 = bench_now_ns();
		kr = bench_inline(service, out, in);
		t1 = bench_now_ns();
		hb_check(kr, "bench_inline");
		if (memcmp(in, out, sizeof in) != 0)
			bench_fail(false, "bench_inline: the echo differs (call %d)", i);
		if (i >= warm)
			bench_samples_add(&s, t1 - t0);
	}
	bench_stats_compute(&s, &mine);
	bench_samples_free(&s);
	bench_raw_pingpong(4096, c->rpc_iters, pinned, &raw);
	bench_print_latency("inline-4k-rpc", pinned, &mine, "raw seqpacket 4096 B", &raw);
	hb_raw_relay(4096, c->rpc_iters, &raw);
	bench_print_latency("inline-4k-rpc", pinned, &mine, "raw relay 4096 B", &raw);
}

/* ---- Out-of-line transfers ---- */

static void
ool_transfers(bool pinned, size_t bytes, int reps, mach_port_t service)
{
	unsigned char *buf;
	struct bench_samples s[2];
	struct bench_stats mine[2], raw;
	char name[64], base[64];

	buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		bench_fail(true, "mmap(%zu)", bytes);
	for (size_t i = 0; i < bytes; i++)	/* faults every page in */
		buf[i] = bench_bulk_byte(i, 0);
	for (int read = 0; read < 2; read++) {
		bench_samples_init(&s[read], (size_t) reps);
		for (int t = 0; t <= reps; t++) {	/* transfer 0 is the warm-up */
			uint64_t t0, t1;
			kern_return_t kr;

			bench_bulk_stamp(buf, bytes, t);
			t0 = bench_now_ns();
			kr = bench_ool(service, (vm_offset_t) buf, (mach_msg_type_number_t) bytes,
				       read ? t : -1);
			t1 = bench_now_ns();
			if (kr == KERN_FAILURE)
				bench_fail(false, "bench_ool: the server saw other bytes than sent "
					   "(%zu bytes, transfer %d)", bytes, t);
			hb_check(kr, "bench_ool");
			if (t > 0)
				bench_samples_add(&s[read], t1 - t0);
		}
		bench_stats_compute(&s[read], &mine[read]);
		bench_samples_free(&s[read]);
	}
	munmap(buf, bytes);
	bench_raw_bulk(bytes, reps, pinned, &raw);
	snprintf(base, sizeof base, "raw stream %zu MiB", bytes >> 20);
	snprintf(name, sizeof name, "ool %zu MiB", bytes >> 20);
	bench_print_bulk(name, pinned, bytes, &mine[0], base, &raw);
	snprintf(name, sizeof name, "ool %zu MiB, read", bytes >> 20);
	bench_print_bulk(name, pinned, bytes, &mine[1], base, &raw);
}

/* ---- Both modes ---- */

static void
body(bool pinned, void *arg)
{
	const struct config *c = arg;
	static const int clients[] = { 1, 2, 8 };
	mach_port_t service;
	pid_t server;

	alarm(SECTION_LIMIT_S);
	service = start_server(&server);

	null_latency(pinned, c, service);
	alarm(SECTION_LIMIT_S);
	for (size_t i = 0; i < sizeof clients / sizeof *clients; i++) {
		char name[32], base[32];
		double mine = null_throughput(clients[i], c->seconds, service);
		double raw = bench_raw_throughput(clients[i], 64, c->seconds, pinned);

		snprintf(name, sizeof name, "null-rpc x%d", clients[i]);
		snprintf(base, sizeof base, "raw rtt x%d 64 B", clients[i]);
		bench_print_rate(name, pinned, mine, base, raw);
	}
	alarm(SECTION_LIMIT_S);
	inline_latency(pinned, c, service);
	alarm(SECTION_LIMIT_S);
	ool_transfers(pinned, 1u << 20, c->ool_reps_small, service);
	alarm(SECTION_LIMIT_S);
	ool_transfers(pinned, 64u << 20, c->ool_reps_large, service);

	stop_server(service, server);
	alarm(0);
}

int
main(int argc, char **argv)
{
	struct hb_options o;

	hb_parse_args(argc, argv,
		      "Mach RPC between two tasks beside raw AF_UNIX IPC: null RPC latency,\n"
		      "null RPCs per second with 1, 2 and 8 client tasks, 4 KiB inline RPC,\n"
		      "1 MiB and 64 MiB out-of-line transfers.\n", &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	hb_header("bench-rpc", &o);
	hb_run_modes(&o, body, (void *) (o.quick ? &quick : &full));
	return 0;
}

/* raw-baselines: prints the raw Linux IPC figures that HELL's Mach
 * benchmarks are compared with (round-trip latency, round trips per second
 * with several clients, bulk transfer time), each pinned to one CPU and free.
 * Useful on its own to see what a machine can do before reading any ratio;
 * see README.md in this directory. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "benchlib.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

struct config {
	int pingpong_iters;	/* round trips per latency figure */
	double seconds;		/* length of each throughput run */
	int bulk_reps_small;	/* transfers per 1 MiB figure */
	int bulk_reps_large;	/* transfers per 64 MiB figure */
};

static const struct config full = { 20000, 1.0, 50, 7 };
static const struct config quick = { 2000, 0.2, 10, 3 };

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [--quick] [--help]\n"
		"Prints raw Linux IPC baselines between processes over AF_UNIX sockets,\n"
		"first with every process pinned to one CPU, then free:\n"
		"  round-trip latency, SOCK_SEQPACKET, 64 B and 4 KiB messages;\n"
		"  round trips per second, 1, 2 and 4 clients against one server;\n"
		"  time to move 1 MiB and 64 MiB over SOCK_STREAM.\n"
		"  --quick  fewer iterations (%d round trips, %.1f s runs, %d/%d transfers)\n"
		"  --help   this text\n",
		prog, quick.pingpong_iters, quick.seconds, quick.bulk_reps_small,
		quick.bulk_reps_large);
}

static void
run(bool pinned, void *arg)
{
	const struct config *c = arg;
	static const size_t msg_sizes[] = { 64, 4096 };
	static const int clients[] = { 1, 2, 4 };
	static const size_t bulk_sizes[] = { 1u << 20, 64u << 20 };
	struct bench_stats st;
	char name[64];

	for (size_t i = 0; i < sizeof msg_sizes / sizeof *msg_sizes; i++) {
		bench_raw_pingpong(msg_sizes[i], c->pingpong_iters, pinned, &st);
		snprintf(name, sizeof name, "raw seqpacket %zu B", msg_sizes[i]);
		bench_print_latency(name, pinned, &st, NULL, NULL);
	}
	for (size_t i = 0; i < sizeof clients / sizeof *clients; i++) {
		double rate = bench_raw_throughput(clients[i], 64, c->seconds, pinned);

		snprintf(name, sizeof name, "raw rtt x%d 64 B", clients[i]);
		bench_print_rate(name, pinned, rate, NULL, 0);
	}
	for (size_t i = 0; i < sizeof bulk_sizes / sizeof *bulk_sizes; i++) {
		int reps = i == 0 ? c->bulk_reps_small : c->bulk_reps_large;

		bench_raw_bulk(bulk_sizes[i], reps, pinned, &st);
		snprintf(name, sizeof name, "raw stream %zu MiB", bulk_sizes[i] >> 20);
		bench_print_bulk(name, pinned, bulk_sizes[i], &st, NULL, NULL);
	}
}

int
main(int argc, char **argv)
{
	const struct config *c = &full;
	struct utsname u;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			c = &quick;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout, argv[0]);
			return 0;
		} else {
			fprintf(stderr, "%s: unknown argument '%s'\n", argv[0], argv[i]);
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (uname(&u) != 0)
		bench_fail(true, "uname");
	printf("raw-baselines: Linux %s, %d CPUs allowed, pinned = CPU %d, %s run\n",
	       u.release, bench_ncpus(), bench_home_cpu(),
	       c == &quick ? "quick" : "full");
	bench_run_modes(run, (void *)c);
	return 0;
}

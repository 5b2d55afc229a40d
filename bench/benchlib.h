/* benchlib: the support library of HELL's benchmarks.
 *
 * A benchmark here is never a timed test.  It prints its figure beside a raw
 * Linux baseline measured in the same run, and the ratio of the two is what
 * is read: on a noisy 2-vCPU machine absolute numbers drift from run to run,
 * the ratio much less.  This header offers
 *
 *   - a monotonic nanosecond clock and a sample recorder with summary
 *     statistics (median, p99, mean, min, max);
 *   - CPU placement: "pinned" (every process of the benchmark on one CPU)
 *     and "free" (the scheduler chooses), and a runner for both;
 *   - one output format: a line per figure, HELL's figure | the baseline |
 *     the ratio;
 *   - the raw baselines themselves, between Linux processes over AF_UNIX
 *     sockets: round-trip latency, round trips per second with N clients,
 *     and bulk transfer time.
 *
 * Every function here fails loudly: on any unexpected syscall result it
 * prints what failed to stderr and exits with status 2.  The raw baselines
 * fork their peers, bound every blocking call with a timeout, and reap every
 * child before they return.
 */
#ifndef HELL_BENCHLIB_H
#define HELL_BENCHLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- Clock ---- */

/* CLOCK_MONOTONIC now, in nanoseconds. */
uint64_t bench_now_ns(void);

/* ---- Samples and statistics ---- */

/* A growable array of durations in nanoseconds.  Size it with
 * bench_samples_init() for the expected count so that recording inside a
 * timed loop never reallocates. */
struct bench_samples {
	uint64_t *ns;
	size_t n;
	size_t cap;
};

/* Summary of a set of samples.  All values in nanoseconds; zero when n == 0.
 * median is the mean of the two middle samples when n is even; p99 is the
 * nearest-rank 99th percentile (the smallest sample >= 99% of them). */
struct bench_stats {
	size_t n;
	uint64_t min;
	uint64_t median;
	uint64_t p99;
	uint64_t max;
	double mean;
};

/* Prepares an empty recorder with room for cap samples (cap may be 0). */
void bench_samples_init(struct bench_samples *s, size_t cap);

/* Appends one sample, growing the array if it is full. */
void bench_samples_add(struct bench_samples *s, uint64_t ns);

/* Forgets every sample but keeps the memory. */
void bench_samples_reset(struct bench_samples *s);

/* Frees the array; s may be initialised again afterwards. */
void bench_samples_free(struct bench_samples *s);

/* Computes the statistics of s into *out.  s is left as it was (a copy is
 * sorted). */
void bench_stats_compute(const struct bench_samples *s, struct bench_stats *out);

/* ---- CPU placement ----
 *
 * "pinned": every process of the benchmark on one CPU, the home CPU (the
 * lowest CPU this process was allowed to run on at start-up: CPU 0 unless
 * the program was started under taskset or a cpuset).  A sleep/wake then
 * never crosses CPUs.
 * "free": every CPU allowed at start-up; the scheduler chooses, and on two
 * vCPUs it often places the peers on different CPUs, where each wake-up costs
 * tens of microseconds.
 * Affinity is per thread and inherited by fork() and by new threads, so
 * setting it before forking the peers (or starting threads) places them all. */

/* Pass as cpu to the functions below: every CPU allowed at start-up. */
#define BENCH_CPU_ALL (-1)

/* The CPU used by "pinned". */
int bench_home_cpu(void);

/* Number of CPUs allowed at start-up. */
int bench_ncpus(void);

/* Binds the calling thread to cpu, or to all start-up CPUs for
 * BENCH_CPU_ALL.  Threads and processes it creates afterwards inherit this. */
void bench_pin_self(int cpu);

/* Binds every thread of process pid (as listed in /proc/PID/task) to cpu or
 * to BENCH_CPU_ALL.  For placing a process the benchmark did not fork, such
 * as a running machd.  Threads that pid starts later inherit the affinity of
 * the thread starting them. */
void bench_pin_process(pid_t pid, int cpu);

/* Applies a configuration to every thread of the calling process (libmach's
 * agent thread included): pinned -> home CPU, free -> BENCH_CPU_ALL. */
void bench_set_mode(bool pinned);

/* "pinned" or "free". */
const char *bench_mode_name(bool pinned);

/* Runs body(true, arg) with the calling process pinned (bench_set_mode),
 * then body(false, arg) free, and returns with the process free.  body forks
 * its peers (or starts its threads) itself, so they inherit the placement;
 * a process it did not start is placed with bench_pin_process. */
void bench_run_modes(void (*body)(bool pinned, void *arg), void *arg);

/* ---- Output ----
 *
 * One line per figure.  The ratio is always HELL's cost over the raw cost,
 * so 1.00 is parity and larger is slower: time over time for latencies and
 * transfers, raw rate over HELL's rate for throughput.  Pass base == NULL
 * (or base_rate <= 0) to print a figure alone, as raw-baselines does. */

/* name  mode  median N ns  p99 N ns | base_name median N ns p99 N ns | ratio R */
void bench_print_latency(const char *name, bool pinned,
			 const struct bench_stats *s,
			 const char *base_name, const struct bench_stats *base);

/* name  mode  N rpc/s | base_name N rpc/s | ratio R */
void bench_print_rate(const char *name, bool pinned, double per_sec,
		      const char *base_name, double base_per_sec);

/* name  mode  median N us (N MiB/s) | base_name median N us (N MiB/s) | ratio R
 * for transfers of bytes bytes; medians of the two stats are compared. */
void bench_print_bulk(const char *name, bool pinned, size_t bytes,
		      const struct bench_stats *s,
		      const char *base_name, const struct bench_stats *base);

/* ---- Raw Linux baselines ----
 *
 * Each sets the calling thread's affinity for the mode (pinned: home CPU;
 * free: all CPUs), forks its peers, measures, reaps them, and restores the
 * thread's affinity as it was; other threads are left alone.  Sockets are
 * AF_UNIX socketpairs. */

/* Largest msg_bytes bench_raw_pingpong and bench_raw_throughput accept. */
#define BENCH_RAW_MSG_MAX (128u * 1024u)

/* Round-trip latency over SOCK_SEQPACKET: this process sends msg_bytes
 * (1 .. BENCH_RAW_MSG_MAX) to a forked echo process, which sends the same
 * bytes back.  After max(100, iters / 10) warm-up round trips, each of iters
 * round trips is one sample in *out. */
void bench_raw_pingpong(size_t msg_bytes, int iters, bool pinned,
			struct bench_stats *out);

/* Round trips per second, summed over nclients (>= 1) client processes that
 * each ping-pong msg_bytes (1 .. BENCH_RAW_MSG_MAX) requests against one
 * server process for `seconds`.  The server holds one SOCK_SEQPACKET
 * socketpair per client and waits on them with epoll, echoing each request. */
double bench_raw_throughput(int nclients, size_t msg_bytes, double seconds,
			    bool pinned);

/* Chunk size of bench_raw_bulk's writes. */
#define BENCH_RAW_BULK_CHUNK (64u * 1024u)

/* Time to move `bytes` (>= 1) from this process into a buffer of a forked
 * process over a SOCK_STREAM socketpair: this process writes the bytes in
 * BENCH_RAW_BULK_CHUNK writes, the reader reads them all into its buffer and
 * answers one byte; a sample runs from the first write to the arrival of the
 * answer.  One warm-up transfer, then reps (>= 1) samples in *out; the reader
 * checks the data after each answer. */
void bench_raw_bulk(size_t bytes, int reps, bool pinned, struct bench_stats *out);

/* ---- Failure ---- */

/* Prints "bench: " and the message to stderr, with strerror(errno) appended
 * if errno_too, and exits with status 2 (_exit in a child of the raw
 * baselines). */
/* Wait for child PID to exit with status 0; kill it and fail (exit 2) if
 * it takes longer than TIMEOUT_MS or exits otherwise.  Waits on a pidfd,
 * so the parent does not wake while its children are being measured. */
void bench_reap(pid_t pid, const char *what, int timeout_ms);

/* The pattern of bulk transfer number REP: the byte at offset I.  Only the
 * first byte of each 4 KiB page and the last byte depend on REP, which is
 * what readers check (bench_bulk_stamp writes just those). */
static inline unsigned char
bench_bulk_byte(size_t i, int rep)
{
	return (unsigned char) ((i >> 12) * 31 + (i & 0xfff) + (size_t) rep);
}
void bench_bulk_stamp(unsigned char *buf, size_t bytes, int rep);

__attribute__((noreturn, format(printf, 2, 3)))
void bench_fail(bool errno_too, const char *fmt, ...);

#endif /* HELL_BENCHLIB_H */

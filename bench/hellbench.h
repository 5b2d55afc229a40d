/* hellbench: what HELL's Mach benchmarks (rpc.c, ports.c) share on top of
 * benchlib.
 *
 *   - their command line: --quick, --pinned, --free (both modes when
 *     neither is given), --help;
 *   - CPU placement of machd: a benchmark runs under `hell run`, whose machd
 *     it did not start; hb_run_modes() finds machd's pid (SO_PEERCRED on
 *     $HELL_SOCKET) and, for each mode, places this process
 *     (bench_set_mode) and machd (bench_pin_process) on the home CPU or on
 *     every start-up CPU.  Tasks the body forks afterwards inherit the
 *     placement.  Under `taskset -c 0 hell run ...` (bench/run-all) machd
 *     is already on CPU 0 and this changes nothing;
 *   - task children: hb_fork() forks a task (libmach's fork handler makes
 *     the child a new task with copies of our send rights) that is killed
 *     if this process dies, and bench_reap() waits for one with a time limit;
 *   - machd's statistics and resident size.
 *
 * As in benchlib, everything here fails loudly: a failure prints
 * "bench: ..." and exits with status 2; in a child forked by hb_fork, use
 * hb_child_fail, which leaves with _exit.
 */
#ifndef HELL_HELLBENCH_H
#define HELL_HELLBENCH_H

#include "benchlib.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <hell/hell.h>

struct hb_options {
	bool quick;		/* fewer iterations */
	bool pinned;		/* run the pinned mode */
	bool free;		/* run the free mode */
};

/* Parses --quick, --pinned, --free, --help.  what is printed under the usage
 * line by --help (a few lines saying what the program measures).  Exits on
 * --help (0) and on an unknown argument (2). */
void hb_parse_args(int argc, char **argv, const char *what, struct hb_options *o);

/* machd's pid, found once with SO_PEERCRED on a connection to
 * $HELL_SOCKET (the connection is closed at once, before any HELLO, so
 * machd never sees a task). */
pid_t hb_machd_pid(void);

/* Prints the first line of a benchmark's output: program, kernel, CPUs,
 * the home CPU, machd's pid, quick or full. */
void hb_header(const char *prog, const struct hb_options *o);

/* Places this process and machd for the mode: pinned -> both on the home
 * CPU; free -> both on every start-up CPU. */
void hb_place(bool pinned);

/* Runs body(true, arg) pinned and/or body(false, arg) free, as the options
 * say, each after hb_place(). */
void hb_run_modes(const struct hb_options *o, void (*body)(bool pinned, void *arg), void *arg);

/* Forks a task child.  The child gets SIGKILL when this process dies, so a
 * failed benchmark leaves no task behind (machd then destroys its space). */
pid_t hb_fork(void);

/* Waits at most timeout_ms for child pid to exit with status 0; kills it
 * and fails otherwise. */

/* For a child forked by hb_fork: prints "bench: " and the message (with
 * the kern_return_t's text if kr != 0) and leaves with _exit(2). */
__attribute__((noreturn, format(printf, 2, 3)))
void hb_child_fail(kern_return_t kr, const char *fmt, ...);

/* Fails loudly (exit 2) with the message and kr's text unless kr is
 * KERN_SUCCESS. */
void hb_check(kern_return_t kr, const char *what);

/* Zeroed memory shared with the children forked afterwards. */
void *hb_shared(size_t len);
void hb_shared_free(void *p, size_t len);

/* The architectural floor of a Mach RPC under HELL, in raw Linux: the round
 * trip of a msg_bytes (1 .. BENCH_RAW_MSG_MAX) SOCK_SEQPACKET datagram from
 * this process through a relay process (one thread, epoll, like machd) to an
 * echo process and back through the relay: four datagrams and two passes
 * through the relay per sample, as a HELL RPC between two tasks makes.
 * After max(100, iters / 10) warm-up round trips, iters samples in *out.
 * The relay and the echo process are forked with the calling thread's
 * current affinity (place the process first, with hb_place); every blocking
 * call times out after 30 s. */
void hb_raw_relay(size_t msg_bytes, int iters, struct bench_stats *out);

/* machd's statistics (hell_machd_stats), or fail. */
void hb_stats(struct hell_machd_stats *st);

/* Resident set size of process pid in bytes (VmRSS), or fail. */
uint64_t hb_rss_bytes(pid_t pid);

#endif /* HELL_HELLBENCH_H */

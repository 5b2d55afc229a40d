/* The one narrow layer through which machd uses Linux process and memory
 * services; errno becomes kern_return_t here and nowhere else. */
#ifndef MACHD_LINUX_SYS_H
#define MACHD_LINUX_SYS_H

#include <mach/kern_return.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

kern_return_t linux_errno_to_kr(int err);

/* Is FD a memfd sealed against writes, growing and shrinking, holding at
 * least LEN bytes?  (What an out-of-line region must be.) */
bool linux_memfd_sealed_and_large_enough(int fd, uint64_t len);
/* Read LEN bytes from offset 0 of FD into BUF; zero-fills what is short. */
void linux_read_fully(int fd, void *buf, uint64_t len);
/* A sealed memfd holding LEN bytes of DATA, or -1. */
int linux_memfd_from(const void *data, uint64_t len);

int linux_pidfd_open(pid_t pid);
/* Send SIG through PIDFD. */
kern_return_t linux_pidfd_kill(int pidfd, int sig);
/* The parent pid of PID (from /proc), or -1. */
pid_t linux_proc_ppid(pid_t pid);
/* The command name of PID into BUF (at most LEN bytes, NUL-terminated). */
void linux_proc_comm(pid_t pid, char *buf, size_t len);
/* Resident and virtual size (bytes), CPU times and start (µs since boot),
 * page faults, scheduling of process PID, or of its thread TID
 * (linux_thread_usage; the sizes are the process's). */
struct linux_proc_usage {
	uint64_t vsize, rss, utime_us, stime_us, start_us;
	uint64_t minflt, majflt;
	char state;		/* R, S, D, T, t, Z, X ... */
	int nice;		/* -20 .. 19 */
	int processor;		/* the CPU it last ran on */
};
bool linux_proc_usage(pid_t pid, struct linux_proc_usage *u);
bool linux_thread_usage(pid_t pid, pid_t tid, struct linux_proc_usage *u);
/* Is TID a thread of process PID? */
bool linux_thread_of(pid_t pid, pid_t tid);
/* The first mapping of PID that ends above ADDR (/proc/PID/maps), in the
 * user half of the address space.  KERN_SUCCESS, KERN_NO_SPACE if there
 * is none, or the error of reading the map. */
struct linux_region {
	uint64_t start, end, offset;
	bool read, write, execute, shared;
};
kern_return_t linux_proc_region(pid_t pid, uint64_t addr, struct linux_region *r);
/* What a process machd starts must not inherit from machd: its CPU
 * affinity (machd keeps to one CPU) and its raised limit of open files.
 * Called once at start, before machd changes them. */
void linux_save_inherited_state(void);
/* Start PATH (searched in $PATH if it has no '/') with ARGV and ENVP as a
 * child of machd, with posix_spawn (machd's heap is never forked), the
 * CPUs, file limit, signal mask and signal dispositions machd started
 * with, and machd's standard input, output and error.  Returns its pid, or
 * -1 with errno. */
pid_t linux_spawn(const char *path, char *const argv[], char *const envp[]);
/* Collect the exit of machd's child PID, if it has ended: true with its
 * wait status in *STATUS. */
bool linux_reap(pid_t pid, int *status);

/* A good random 64-bit value (for tokens). */
uint64_t linux_random64(void);

#endif

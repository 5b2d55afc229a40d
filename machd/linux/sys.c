/* machd's Linux services: see sys.h. */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mach/kern_return.h>

kern_return_t
linux_errno_to_kr(int err)
{
	switch (err) {
	case 0: return KERN_SUCCESS;
	case ENOMEM: return KERN_RESOURCE_SHORTAGE;
	case EINVAL: return KERN_INVALID_ARGUMENT;
	case EPERM:
	case EACCES: return KERN_PROTECTION_FAILURE;
	case ESRCH: return KERN_INVALID_TASK;
	case EFAULT: return KERN_INVALID_ADDRESS;
	case EINTR: return KERN_ABORTED;
	default: return KERN_FAILURE;
	}
}

bool
linux_memfd_sealed_and_large_enough(int fd, uint64_t len)
{
	struct stat st;
	int seals = fcntl(fd, F_GET_SEALS);
	const int need = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW;

	if (seals < 0 || (seals & need) != need)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	return (uint64_t) st.st_size >= len;
}

void
linux_read_fully(int fd, void *buf, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *) buf + done, len - done, (off_t) done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (uint64_t) n;
	}
	if (done < len)
		memset((char *) buf + done, 0, len - done);
}

int
linux_memfd_from(const void *data, uint64_t len)
{
	int fd = memfd_create("hell-bulk", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	uint64_t done = 0;

	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t n = write(fd, (const char *) data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (uint64_t) n;
	}
	fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	return fd;
}

int
linux_pidfd_open(pid_t pid)
{
	return (int) syscall(SYS_pidfd_open, pid, 0);
}

kern_return_t
linux_pidfd_kill(int pidfd, int sig)
{
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return linux_errno_to_kr(errno);
	return KERN_SUCCESS;
}

/* Read /proc/PID/stat and return the text after the command's ")". */
static bool
proc_stat(pid_t pid, char *buf, size_t len, char **rest, char *comm, size_t commlen)
{
	char path[64];
	int fd;
	ssize_t n;
	char *open_paren, *close_paren;

	snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return false;
	if (comm) {
		size_t cl = (size_t) (close_paren - open_paren - 1);

		if (cl >= commlen)
			cl = commlen - 1;
		memcpy(comm, open_paren + 1, cl);
		comm[cl] = 0;
	}
	*rest = close_paren + 2;
	return true;
}

pid_t
linux_proc_ppid(pid_t pid)
{
	char buf[1024], *rest;
	char state;
	int ppid;

	if (!proc_stat(pid, buf, sizeof buf, &rest, NULL, 0))
		return -1;
	if (sscanf(rest, "%c %d", &state, &ppid) != 2)
		return -1;
	return ppid;
}

void
linux_proc_comm(pid_t pid, char *comm, size_t len)
{
	char buf[1024], *rest;

	if (!proc_stat(pid, buf, sizeof buf, &rest, comm, len))
		snprintf(comm, len, "pid %d", (int) pid);
}

bool
linux_proc_usage(pid_t pid, struct linux_proc_usage *u)
{
	char buf[2048], *rest;
	unsigned long utime, stime, vsize;
	unsigned long long start;
	long rss, tick = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);

	if (!proc_stat(pid, buf, sizeof buf, &rest, NULL, 0))
		return false;
	/* Fields 3.. after the command: state ppid pgrp session tty tpgid
	 * flags minflt cminflt majflt cmajflt utime stime cutime cstime
	 * priority nice threads itrealvalue starttime vsize rss */
	if (sscanf(rest, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d %*d %*d %*d %*d %llu %lu %ld",
		   &utime, &stime, &start, &vsize, &rss) != 5)
		return false;
	u->utime_us = (uint64_t) utime * 1000000u / (uint64_t) tick;
	u->stime_us = (uint64_t) stime * 1000000u / (uint64_t) tick;
	u->start_us = (uint64_t) start * 1000000u / (uint64_t) tick;
	u->vsize = vsize;
	u->rss = (uint64_t) rss * (uint64_t) page;
	return true;
}

static cpu_set_t start_cpus;
static bool start_cpus_known;
static struct rlimit start_nofile;
static bool start_nofile_known;

void
linux_save_inherited_state(void)
{
	start_cpus_known = sched_getaffinity(0, sizeof start_cpus, &start_cpus) == 0;
	start_nofile_known = getrlimit(RLIMIT_NOFILE, &start_nofile) == 0;
}

pid_t
linux_spawn(const char *path, char *const argv[], char *const envp[])
{
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	cpu_set_t now_cpus;
	struct rlimit now_nofile;
	bool cpus_moved = false, nofile_moved = false;
	pid_t pid = -1;
	int err;

	/* The child takes machd's signal mask and ignored signals with it
	 * across exec: give it a clean set. */
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGINT);
	err = posix_spawnattr_init(&attr);
	if (err) {
		errno = err;
		return -1;
	}
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

	/* posix_spawn has no attribute for these: machd (one thread) takes
	 * back what it started with for the moment of the spawn. */
	if (start_cpus_known && sched_getaffinity(0, sizeof now_cpus, &now_cpus) == 0 &&
	    !CPU_EQUAL(&now_cpus, &start_cpus))
		cpus_moved = sched_setaffinity(0, sizeof start_cpus, &start_cpus) == 0;
	if (start_nofile_known && getrlimit(RLIMIT_NOFILE, &now_nofile) == 0 &&
	    now_nofile.rlim_cur != start_nofile.rlim_cur)
		nofile_moved = setrlimit(RLIMIT_NOFILE, &start_nofile) == 0;

	err = strchr(path, '/') ? posix_spawn(&pid, path, NULL, &attr, argv, envp)
				: posix_spawnp(&pid, path, NULL, &attr, argv, envp);

	if (cpus_moved)
		sched_setaffinity(0, sizeof now_cpus, &now_cpus);
	if (nofile_moved)
		setrlimit(RLIMIT_NOFILE, &now_nofile);
	posix_spawnattr_destroy(&attr);
	if (err) {
		errno = err;
		return -1;
	}
	return pid;
}

bool
linux_reap(pid_t pid, int *status)
{
	pid_t got;

	do
		got = waitpid(pid, status, WNOHANG);
	while (got < 0 && errno == EINTR);
	return got == pid;
}

uint64_t
linux_random64(void)
{
	uint64_t v = 0;

	while (getrandom(&v, sizeof v, 0) != sizeof v)
		;
	return v;
}

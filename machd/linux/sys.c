/* machd's Linux services: see sys.h. */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Read PATH (a /proc/.../stat file) and return the text after the
 * command's ")", the command itself into COMM (if not NULL). */
static bool
read_stat(const char *path, char *buf, size_t len, char **rest, char *comm, size_t commlen)
{
	int fd;
	ssize_t n;
	char *open_paren, *close_paren;

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
	if (!open_paren || !close_paren || close_paren < open_paren || close_paren[1] != ' ')
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

static bool
proc_stat(pid_t pid, char *buf, size_t len, char **rest, char *comm, size_t commlen)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
	return read_stat(path, buf, len, rest, comm, commlen);
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

/* The fields of a stat line after the command: field 3 (state) is
 * f[0], field N is f[N - 3] (proc(5)). */
#define STAT_FIELDS 37
static bool
parse_stat(char *rest, char *state, long long f[STAT_FIELDS])
{
	char *p = rest, *end;

	*state = *p;
	if (!*p || p[1] != ' ')
		return false;
	p += 2;
	f[0] = 0;
	for (int i = 1; i < STAT_FIELDS; i++) {
		f[i] = strtoll(p, &end, 10);
		if (end == p)
			return false;
		p = end;
	}
	return true;
}

static bool
usage_from(char *rest, struct linux_proc_usage *u)
{
	long long f[STAT_FIELDS];
	uint64_t tick = (uint64_t) sysconf(_SC_CLK_TCK), page = (uint64_t) sysconf(_SC_PAGESIZE);

	if (!parse_stat(rest, &u->state, f))
		return false;
	u->minflt = (uint64_t) f[10 - 3];
	u->majflt = (uint64_t) f[12 - 3];
	u->utime_us = (uint64_t) f[14 - 3] * 1000000u / tick;
	u->stime_us = (uint64_t) f[15 - 3] * 1000000u / tick;
	u->nice = (int) f[19 - 3];
	u->start_us = (uint64_t) f[22 - 3] * 1000000u / tick;
	u->vsize = (uint64_t) f[23 - 3];
	u->rss = (uint64_t) f[24 - 3] * page;
	u->processor = (int) f[39 - 3];
	return true;
}

bool
linux_proc_usage(pid_t pid, struct linux_proc_usage *u)
{
	char buf[2048], *rest;

	return proc_stat(pid, buf, sizeof buf, &rest, NULL, 0) && usage_from(rest, u);
}

bool
linux_thread_usage(pid_t pid, pid_t tid, struct linux_proc_usage *u)
{
	char buf[2048], path[64], *rest;

	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int) pid, (int) tid);
	return read_stat(path, buf, sizeof buf, &rest, NULL, 0) && usage_from(rest, u);
}

bool
linux_thread_of(pid_t pid, pid_t tid)
{
	char path[64];

	if (pid <= 0 || tid <= 0)
		return false;
	snprintf(path, sizeof path, "/proc/%d/task/%d", (int) pid, (int) tid);
	return access(path, F_OK) == 0;
}

/* Addresses from here up are the kernel's ([vsyscall]): not the task's. */
#define USER_ADDRESS_END 0x800000000000ull

kern_return_t
linux_proc_region(pid_t pid, uint64_t addr, struct linux_region *r)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	kern_return_t kr = KERN_NO_SPACE;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/maps", (int) pid);
	f = fopen(path, "re");
	if (!f)
		return linux_errno_to_kr(errno);
	/* Lines are "start-end perms offset dev inode [path]", in address
	 * order.  Whole lines (getline): a file name is the task's to choose
	 * and must never read as a mapping. */
	while (getline(&line, &cap, f) > 0) {
		unsigned long long start, end, offset;
		char perms[5];

		if (sscanf(line, "%llx-%llx %4s %llx", &start, &end, perms, &offset) != 4 ||
		    strlen(perms) != 4)
			continue;
		if (start >= USER_ADDRESS_END)
			break;
		if (end <= addr)
			continue;
		r->start = start;
		r->end = end;
		r->offset = offset;
		r->read = perms[0] == 'r';
		r->write = perms[1] == 'w';
		r->execute = perms[2] == 'x';
		r->shared = perms[3] == 's';
		kr = KERN_SUCCESS;
		break;
	}
	free(line);
	fclose(f);
	return kr;
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

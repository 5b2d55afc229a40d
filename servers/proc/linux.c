/* What Linux's /proc says about a process: the one place proc reads
 * /proc.  proc runs as the same Linux user as every task of its
 * environment, so Linux lets it read them all (a refusal is EPERM).  */
#include "proc.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

error_t
linux_errno(int err)
{
	switch (err) {
	case ENOENT:
	case ESRCH:
		return ESRCH;
	case EACCES:
	case EPERM:
		return EPERM;
	default:
		return err;
	}
}

/* Read a whole small file into BUF (SIZE bytes, NUL-terminated).  */
static error_t
read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return linux_errno(errno);
	size_t got = 0;
	while (got + 1 < size) {
		ssize_t n = read(fd, buf + got, size - 1 - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error_t err = linux_errno(errno);
			close(fd);
			return err;
		}
		if (n == 0)
			break;
		got += (size_t) n;
	}
	close(fd);
	buf[got] = '\0';
	return 0;
}

error_t
linux_read_stat(pid_t pid, pid_t tid, struct linux_stat *st)
{
	char path[64], buf[2048];
	if (tid)
		snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int) pid, (int) tid);
	else
		snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
	error_t err = read_small(path, buf, sizeof buf);
	if (err)
		return err;

	/* "pid (comm) state ppid ...": comm may hold spaces and parentheses,
	 * so the fields start after the last ')'.  */
	char *p = strrchr(buf, ')');
	if (!p)
		return EIO;
	p++;
	char *field[64];
	int n = 0;
	for (char *save, *tok = strtok_r(p, " \n", &save); tok && n < 64;
	     tok = strtok_r(NULL, " \n", &save))
		field[n++] = tok;
	/* field[0] is stat's third field (state); field[k] is field k + 3.  */
#define F(k) ((k) - 3 < n ? field[(k) - 3] : "0")
	if (n < 22)
		return EIO;
	memset(st, 0, sizeof *st);
	st->state = F(3)[0];
	st->ppid = atoi(F(4));
	st->pgrp = atoi(F(5));
	st->session = atoi(F(6));
	st->minflt = strtoul(F(10), NULL, 10);
	st->majflt = strtoul(F(12), NULL, 10);
	st->utime = strtoull(F(14), NULL, 10);
	st->stime = strtoull(F(15), NULL, 10);
	st->priority = strtol(F(18), NULL, 10);
	st->nice = strtol(F(19), NULL, 10);
	st->num_threads = strtol(F(20), NULL, 10);
	st->starttime = strtoull(F(22), NULL, 10);
	st->vsize = strtoul(F(23), NULL, 10);
	st->rss = strtol(F(24), NULL, 10);
	st->processor = atoi(F(39));
	st->policy = (unsigned) strtoul(F(41), NULL, 10);
	st->exit_code = atoi(F(52));
#undef F
	return 0;
}

error_t
linux_read_uids(pid_t pid, uid_t uids[4])
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
	error_t err = read_small(path, buf, sizeof buf);
	if (err)
		return err;
	char *line = strstr(buf, "\nUid:");
	if (!line)
		return EIO;
	unsigned long r, e, s, f;
	if (sscanf(line + 5, "%lu %lu %lu %lu", &r, &e, &s, &f) != 4)
		return EIO;
	uids[0] = (uid_t) r;
	uids[1] = (uid_t) e;
	uids[2] = (uid_t) s;
	uids[3] = (uid_t) f;
	return 0;
}

error_t
linux_read_file(pid_t pid, const char *name, char **data, size_t *len)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int) pid, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return linux_errno(errno);
	size_t size = 4096, got = 0;
	char *buf = malloc(size);
	error_t err = 0;
	if (!buf) {
		close(fd);
		return ENOMEM;
	}
	for (;;) {
		if (got == size) {
			char *bigger = realloc(buf, size * 2);
			if (!bigger) {
				err = ENOMEM;
				break;
			}
			buf = bigger;
			size *= 2;
		}
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = linux_errno(errno);
			break;
		}
		if (n == 0)
			break;
		got += (size_t) n;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*data = buf;
	*len = got;
	return 0;
}

error_t
linux_read_exe(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/exe", (int) pid);
	ssize_t n = readlink(path, buf, size - 1);
	if (n < 0)
		return linux_errno(errno);
	buf[n] = '\0';
	return 0;
}

error_t
linux_thread_ids(pid_t pid, pid_t **tids, size_t *count)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int) pid);
	DIR *d = opendir(path);
	if (!d)
		return linux_errno(errno);
	size_t n = 0, cap = 16;
	pid_t *ids = malloc(cap * sizeof *ids);
	struct dirent *e;
	while (ids && (e = readdir(d))) {
		if (!isdigit((unsigned char) e->d_name[0]))
			continue;
		if (n == cap) {
			pid_t *more = realloc(ids, 2 * cap * sizeof *ids);
			if (!more) {
				free(ids);
				ids = NULL;
				break;
			}
			ids = more;
			cap *= 2;
		}
		ids[n++] = atoi(e->d_name);
	}
	closedir(d);
	if (!ids)
		return ENOMEM;
	*tids = ids;
	*count = n;
	return 0;
}

bool
linux_pgrp_orphaned(pid_t pgrp, pid_t sid)
{
	DIR *d = opendir("/proc");
	if (!d)
		return false;
	bool orphaned = true;
	struct dirent *e;
	while (orphaned && (e = readdir(d))) {
		if (!isdigit((unsigned char) e->d_name[0]))
			continue;
		struct linux_stat member, parent;
		if (linux_read_stat(atoi(e->d_name), 0, &member) || member.pgrp != pgrp)
			continue;
		if (member.ppid > 0 && linux_read_stat(member.ppid, 0, &parent) == 0 &&
		    parent.pgrp != pgrp && parent.session == sid)
			orphaned = false;
	}
	closedir(d);
	return orphaned;
}

long long
linux_boot_time(void)
{
	static long long btime = -1;
	if (btime >= 0)
		return btime;
	FILE *f = fopen("/proc/stat", "re");
	char line[256];
	long long value = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "btime %lld", &value) == 1)
			break;
	if (f)
		fclose(f);
	btime = value;
	return btime;
}

long
linux_clock_ticks(void)
{
	long ticks = sysconf(_SC_CLK_TCK);
	return ticks > 0 ? ticks : 100;
}

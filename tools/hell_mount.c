/* hell mount, hell umount: the environment's name space on Linux, through
 * hellfs (servers/hellfs, docs/hellfs.md).
 *
 * hell mount starts hellfs as a task of the running environment, in the
 * background (its own session; its output goes to $HELL_HOME/hellfs.log),
 * and waits for its word on a pipe, a line: "ok" once the mount is live, or
 * why it could not mount.  Each live mount has a record, $HELL_HOME/mounts/PID,
 * holding its mount point, so that hell status can list the mounts and
 * hell down can stop them before the servers they use go.
 *
 * Stopping a mount: hell umount unmounts with fusermount3 -u (which, like
 * umount, refuses a busy mount) and hellfs then ends; hell down sends
 * hellfs SIGTERM, on which it unmounts lazily, so a busy mount never keeps
 * the environment up.  A record whose hellfs is gone is removed wherever
 * it is met.  */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hell.h"

#define STOP_WAIT_MS 10000	/* how long hellfs may take to end */

static void
sleep_ms(long ms)
{
	nanosleep(&(struct timespec) { ms / 1000, (ms % 1000) * 1000000 }, NULL);
}

/* MNT as an absolute path without symlinks (the mount point need not
 * exist yet: then its directory is resolved).  */
static char *
absolute(const char *mnt)
{
	char buf[PATH_MAX], *copy, *slash, *s;

	if (realpath(mnt, buf))
		return strdup(buf);
	copy = strdup(mnt);
	if (!copy)
		die("out of memory");
	slash = strrchr(copy, '/');
	if (slash && slash[1] == '\0')
		die("%s: %s", mnt, strerror(errno));
	if (!slash) {
		if (!getcwd(buf, sizeof buf))
			die("getcwd: %s", strerror(errno));
		if (asprintf(&s, "%s/%s", buf, copy) < 0)
			die("out of memory");
	} else {
		*slash = '\0';
		if (!realpath(copy[0] ? copy : "/", buf))
			die("%s: %s", copy[0] ? copy : "/", strerror(errno));
		if (asprintf(&s, "%s/%s", strcmp(buf, "/") ? buf : "", slash + 1) < 0)
			die("out of memory");
	}
	free(copy);
	return s;
}

/* Whether PID is gone: no such process, or a zombie nobody reaped yet
 * (hellfs's parent, hell mount, exits at once; whoever inherits it may
 * be slow to reap).  */
static bool
gone(pid_t pid)
{
	char path[64], buf[512], *paren;
	FILE *f;
	bool zombie = false;

	if (kill(pid, 0) != 0 && errno == ESRCH)
		return true;
	snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
	if ((f = fopen(path, "r"))) {
		if (fgets(buf, sizeof buf, f) && (paren = strrchr(buf, ')')) && paren[1] == ' ')
			zombie = paren[2] == 'Z';
		fclose(f);
	}
	return zombie;
}

static bool
wait_gone(pid_t pid, long ms)
{
	for (long waited = 0; waited < ms; waited += 20) {
		if (gone(pid))
			return true;
		sleep_ms(20);
	}
	return gone(pid);
}

/* Each record of the environment: CB(pid, mountpoint, record path, arg);
 * stale records (their hellfs gone) are removed first.  */
static void
each_mount(const struct env *e, void (*cb)(pid_t, const char *, const char *, void *), void *arg)
{
	DIR *d = opendir(e->mounts);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char *rec, mnt[PATH_MAX];
		FILE *f;
		pid_t pid;
		char *end;

		pid = (pid_t) strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		rec = path_in(e->mounts, de->d_name);
		mnt[0] = '\0';
		if ((f = fopen(rec, "r"))) {
			if (!fgets(mnt, sizeof mnt, f))
				mnt[0] = '\0';
			fclose(f);
		}
		mnt[strcspn(mnt, "\n")] = '\0';
		if (gone(pid))
			unlink(rec);
		else
			cb(pid, mnt, rec, arg);
		free(rec);
	}
	closedir(d);
}


static int
run_fusermount(const char *opt, const char *mnt)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execlp("fusermount3", "fusermount3", opt, mnt, (char *) NULL);
		fprintf(stderr, "%s: cannot run fusermount3: %s (Debian package fuse3)\n", prog,
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Stop hellfs PID serving MNT (SIGTERM: it unmounts, lazily if busy); if
 * it does not end, kill it and detach the mount.  */
static void
stop_mount(pid_t pid, const char *mnt, const char *rec, void *unused)
{
	(void) unused;
	kill(pid, SIGTERM);
	if (!wait_gone(pid, STOP_WAIT_MS)) {
		fprintf(stderr, "%s: hellfs (pid %d) on %s did not stop; killing it\n", prog,
			(int) pid, mnt);
		kill(pid, SIGKILL);
		wait_gone(pid, 1000);
		if (mnt[0])
			run_fusermount("-uz", mnt);
	}
	unlink(rec);
	printf("unmounted %s\n", mnt);
}

void
mounts_stop_all(const struct env *e)
{
	each_mount(e, stop_mount, NULL);
}

static void
print_mount(pid_t pid, const char *mnt, const char *rec, void *unused)
{
	(void) rec, (void) unused;
	printf("mount: %s (hellfs pid %d)\n", mnt, (int) pid);
}

void
mounts_print(const struct env *e)
{
	each_mount(e, print_mount, NULL);
}

struct find_mount {
	const char *mnt;
	pid_t pid;
	char *rec;
};

static void
match_mount(pid_t pid, const char *mnt, const char *rec, void *arg)
{
	struct find_mount *fm = arg;

	if (!strcmp(mnt, fm->mnt) && !fm->rec) {
		fm->pid = pid;
		fm->rec = strdup(rec);
	}
}

/* Record that hellfs PID serves MNT; returns the record's path.  */
static char *
write_record(const struct env *e, pid_t pid, const char *mnt)
{
	char *rec;
	FILE *f;

	if (asprintf(&rec, "%s/%d", e->mounts, (int) pid) < 0)
		die("out of memory");
	if ((f = fopen(rec, "w"))) {
		fprintf(f, "%s\n", mnt);
		fclose(f);
	}
	return rec;
}

int
cmd_mount(int argc, char **argv)
{
	struct env e;
	const char *node = NULL, *mnt = NULL;
	char *opts = NULL, *hellfs, *abs, *log, *rec, msg[1100];
	char *args[12];
	bool foreground = false;
	int n = 0, fds[2], status;
	ssize_t got = 0, r;
	pid_t pid;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--node") && i + 1 < argc) {
			node = argv[++i];
		} else if (!strncmp(argv[i], "--node=", 7)) {
			node = argv[i] + 7;
		} else if ((!strcmp(argv[i], "-o") && i + 1 < argc) ||
			   (!strncmp(argv[i], "-o", 2) && argv[i][2])) {
			const char *o = argv[i][2] ? argv[i] + 2 : argv[++i];
			char *more;

			if (asprintf(&more, "%s%s%s", opts ? opts : "", opts ? "," : "", o) < 0)
				die("out of memory");
			free(opts);
			opts = more;
		} else if (!strcmp(argv[i], "--foreground") || !strcmp(argv[i], "-f")) {
			foreground = true;
		} else if (argv[i][0] == '-' || mnt) {
			die("mount: unexpected %s (hell mount [--node PATH] [-o OPTS] "
			    "[--foreground] MOUNTPOINT)", argv[i]);
		} else {
			mnt = argv[i];
		}
	}
	if (!mnt)
		die("mount: where? (hell mount [--node PATH] [-o OPTS] MOUNTPOINT)");

	env_open(&e);
	if (!socket_alive(e.sock))
		die("HELL is not up in %s: start it with hell up", e.home);
	if (access(e.ready, F_OK) != 0)
		die("the environment in %s has no Hurd servers (hell up --bare): "
		    "hell down, then hell up", e.home);
	abs = absolute(mnt);
	setenv("HELL_SOCKET", e.sock, 1);
	add_library_path();
	hellfs = piece_path("../servers/hellfs/hellfs", "hellfs");
	if (access(hellfs, X_OK) != 0)
		die("%s is missing: HELL was built without libfuse3 (Debian package "
		    "libfuse3-dev)", hellfs);

	args[n++] = hellfs;
	if (node) {
		args[n++] = "--node";
		args[n++] = (char *) node;
	}
	if (opts) {
		args[n++] = "-o";
		args[n++] = opts;
	}
	if (mkdir(e.mounts, 0700) < 0 && errno != EEXIST)
		die("cannot create %s: %s", e.mounts, strerror(errno));

	if (foreground) {
		/* The record names this process, which becomes hellfs.  */
		rec = write_record(&e, getpid(), abs);
		args[n++] = abs;
		args[n] = NULL;
		execv(hellfs, args);
		unlink(rec);
		die("cannot run %s: %s", hellfs, strerror(errno));
	}

	if (pipe2(fds, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	char fdarg[16];

	snprintf(fdarg, sizeof fdarg, "%d", fds[1]);
	args[n++] = "--ready-fd";
	args[n++] = fdarg;
	args[n++] = abs;
	args[n] = NULL;
	log = path_in(e.home, "hellfs.log");
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY), out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		/* Its own session: the terminal's signals are not its. */
		setsid();
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		if (out >= 0) {
			dup2(out, STDOUT_FILENO);
			dup2(out, STDERR_FILENO);
		}
		fcntl(fds[1], F_SETFD, 0);	/* the ready descriptor stays open */
		execv(hellfs, args);
		fprintf(stderr, "%s: cannot run %s: %s\n", prog, hellfs, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	while ((r = read(fds[0], msg + got, sizeof msg - 1 - (size_t) got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += r;
		if ((size_t) got >= sizeof msg - 1 || memchr(msg, '\n', (size_t) got))
			break;
	}
	msg[got] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	close(fds[0]);
	if (strcmp(msg, "ok") != 0) {
		waitpid(pid, &status, 0);
		if (got > 0)
			fprintf(stderr, "%s: mount: %s\n", prog, msg);
		else
			fprintf(stderr, "%s: mount: hellfs ended without a word\n", prog);
		fprintf(stderr, "%s: hellfs's output is in %s\n", prog, log);
		return 1;
	}
	rec = write_record(&e, pid, abs);
	printf("%s mounted on %s (hellfs pid %d; hell umount %s to unmount)\n",
	       node ? node : "the HELL name space", abs, (int) pid, abs);
	free(rec);
	free(log);
	free(abs);
	free(hellfs);
	free(opts);
	env_close(&e);
	return 0;
}

int
cmd_umount(int argc, char **argv)
{
	struct env e;
	struct find_mount fm = { 0 };
	char *abs;
	int rc;

	if (argc != 2 || argv[1][0] == '-')
		die("umount: which mount point? (hell umount MOUNTPOINT)");
	abs = absolute(argv[1]);
	env_open(&e);
	fm.mnt = abs;
	each_mount(&e, match_mount, &fm);
	rc = run_fusermount("-u", abs);
	if (rc != 0) {
		fprintf(stderr, "%s: umount: fusermount3 -u %s failed (is it busy? hell down "
			"unmounts lazily)\n", prog, abs);
		return 1;
	}
	if (fm.rec) {
		if (!wait_gone(fm.pid, STOP_WAIT_MS)) {
			kill(fm.pid, SIGTERM);
			wait_gone(fm.pid, 1000);
		}
		unlink(fm.rec);
		free(fm.rec);
	}
	printf("unmounted %s\n", abs);
	free(abs);
	env_close(&e);
	return 0;
}

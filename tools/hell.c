/* hell: the one command-line entry of HELL.
 *
 *   hell up [--foreground]   start the user's environment (machd) in $HELL_HOME
 *   hell down                stop it
 *   hell status              say whether it runs, with machd's counts
 *   hell run [--private] [--leak-check] PROGRAM [ARGS...]
 *                            run PROGRAM as a task: in the user's running
 *                            environment, or else in a private machd that
 *                            lives as long as the program
 *
 * $HELL_HOME (default $XDG_RUNTIME_DIR/hell, or /tmp/hell-UID) holds an
 * environment's socket (machd.sock), pid file and log.  Several
 * environments run side by side with different HELL_HOMEs.
 */
#include <hell/hell.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef HELL_LIBEXECDIR
#define HELL_LIBEXECDIR "/usr/local/libexec/hell"
#endif
#ifndef HELL_LIBDIR
#define HELL_LIBDIR "/usr/local/lib"
#endif

static const char *prog = "hell";

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: hell COMMAND [OPTIONS]\n"
		"\n"
		"HELL runs the GNU Mach interface (and, later, the Hurd) on Linux.\n"
		"\n"
		"commands:\n"
		"  up [--foreground]     start your environment (machd) in $HELL_HOME\n"
		"  down                  stop it; every task's ports are destroyed\n"
		"  status                whether it runs, and machd's object counts\n"
		"  run [--private] [--leak-check] PROGRAM [ARGS...]\n"
		"                        run PROGRAM as a Mach task.  Uses your running\n"
		"                        environment if there is one, else (or with\n"
		"                        --private) a private machd that lives as long\n"
		"                        as the program.  The exit status is PROGRAM's.\n"
		"                        --leak-check (private machd only): if PROGRAM\n"
		"                        succeeded but machd still holds ports, names,\n"
		"                        messages or memory after every task ended,\n"
		"                        exit with status 3.\n"
		"  help                  this text\n"
		"\n"
		"environment:\n"
		"  HELL_HOME    where an environment keeps its socket, pid file and log\n"
		"               (default $XDG_RUNTIME_DIR/hell, or /tmp/hell-UID)\n"
		"  HELL_MACHD   the machd program to start (default: next to hell)\n"
		"  HELL_SOCKET  set by hell for the programs it runs: machd's socket\n");
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static char *
hell_home(void)
{
	const char *h = getenv("HELL_HOME"), *rt = getenv("XDG_RUNTIME_DIR");
	char *s;

	if (h && *h)
		return strdup(h);
	if (rt && *rt) {
		if (asprintf(&s, "%s/hell", rt) < 0)
			die("out of memory");
	} else if (asprintf(&s, "/tmp/hell-%u", (unsigned) getuid()) < 0) {
		die("out of memory");
	}
	return s;
}

static char *
path_in(const char *dir, const char *file)
{
	char *s;

	if (asprintf(&s, "%s/%s", dir, file) < 0)
		die("out of memory");
	return s;
}

/* machd: $HELL_MACHD, next to this program in a build tree, or installed. */
static char *
machd_path(void)
{
	const char *env = getenv("HELL_MACHD");
	char self[PATH_MAX], *slash, *cand;
	ssize_t n;

	if (env && *env)
		return strdup(env);
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			cand = path_in(self, "../machd/machd");	/* build tree */
			if (access(cand, X_OK) == 0)
				return cand;
			free(cand);
			cand = path_in(self, "machd");
			if (access(cand, X_OK) == 0)
				return cand;
			free(cand);
		}
	}
	return strdup(HELL_LIBEXECDIR "/machd");
}

/* Where this hell's libmach is: the build tree's, or the installed one. */
static char *
libmach_dir(void)
{
	char self[PATH_MAX], *slash, *cand;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			cand = path_in(self, "../libmach");
			if (access(cand, F_OK) == 0)
				return cand;
			free(cand);
		}
	}
	return strdup(HELL_LIBDIR);
}

/* Let PROGRAM find this hell's libmach without an rpath of its own (built
 * with just `pkg-config --cflags --libs hell`). */
static void
add_library_path(void)
{
	char *dir = libmach_dir(), *val;
	const char *old = getenv("LD_LIBRARY_PATH");

	if (old && *old) {
		if (asprintf(&val, "%s:%s", dir, old) < 0)
			die("out of memory");
	} else {
		val = strdup(dir);
	}
	setenv("LD_LIBRARY_PATH", val, 1);
	free(val);
	free(dir);
}

static bool
socket_alive(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;
	bool ok;

	if (strlen(path) >= sizeof sa.sun_path)
		return false;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	ok = connect(fd, (struct sockaddr *) &sa, sizeof sa) == 0;
	close(fd);
	return ok;
}

/* Start machd on SOCK; LOG (or NULL: inherit stderr).  Waits until it
 * accepts connections.  Returns its pid. */
static pid_t
start_machd(const char *sock, const char *log, bool leak_check, bool detach)
{
	char *machd = machd_path();
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		char *argv[] = { machd, "--socket", (char *) sock, leak_check ? "--leak-check" : NULL, NULL };

		if (detach)
			setsid();
		if (log) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		unsetenv("HELL_SOCKET");
		execv(machd, argv);
		fprintf(stderr, "%s: cannot start %s: %s\n", prog, machd, strerror(errno));
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {
		if (socket_alive(sock)) {
			free(machd);
			return pid;
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			die("machd (%s) exited at start%s", machd, log ? "; see the log" : "");
		nanosleep(&(struct timespec) { 0, 10000000 }, NULL);
	}
	kill(pid, SIGKILL);
	die("machd did not start listening on %s", sock);
	return -1;
}

static int
exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

static pid_t run_child;

static void
forward_signal(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

static int
cmd_run(int argc, char **argv)
{
	bool private = false, leak_check = false;
	char *home = hell_home(), *sock = path_in(home, "machd.sock");
	char tmpl[] = "/tmp/hell-run-XXXXXX";
	char *dir = NULL;
	pid_t machd = -1;
	int i, status, result;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--private"))
			private = true;
		else if (!strcmp(argv[i], "--leak-check"))
			leak_check = private = true;
		else if (!strcmp(argv[i], "--"))
			{ i++; break; }
		else
			die("run: unknown option %s (see hell help)", argv[i]);
	}
	if (i >= argc)
		die("run: which program? (hell run PROGRAM [ARGS...])");

	if (private || !socket_alive(sock)) {
		dir = mkdtemp(tmpl);
		if (!dir)
			die("mkdtemp: %s", strerror(errno));
		free(sock);
		sock = path_in(dir, "machd.sock");
		machd = start_machd(sock, NULL, leak_check, false);
	}
	setenv("HELL_SOCKET", sock, 1);
	add_library_path();

	run_child = fork();
	if (run_child < 0)
		die("fork: %s", strerror(errno));
	if (run_child == 0) {
		execvp(argv[i], argv + i);
		fprintf(stderr, "%s: cannot run %s: %s\n", prog, argv[i], strerror(errno));
		_exit(127);
	}
	signal(SIGINT, forward_signal);
	signal(SIGTERM, forward_signal);
	signal(SIGHUP, forward_signal);
	while (waitpid(run_child, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	result = exit_status(status);

	free(home);
	if (machd > 0) {
		int mstatus;

		kill(machd, SIGTERM);
		while (waitpid(machd, &mstatus, 0) < 0 && errno == EINTR)
			;
		unlink(sock);
		rmdir(dir);
		if (!WIFEXITED(mstatus) || WEXITSTATUS(mstatus) != 0) {
			fprintf(stderr, "%s: machd ended badly (%s %d)\n", prog,
				WIFEXITED(mstatus) ? "status" : "signal",
				WIFEXITED(mstatus) ? WEXITSTATUS(mstatus) : WTERMSIG(mstatus));
			if (result == 0)
				result = 3;
		}
	}
	free(sock);
	return result;
}

static pid_t
read_pid(const char *file)
{
	FILE *f = fopen(file, "r");
	int pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid;
}

/* The files of the environment in $HELL_HOME. */
struct env {
	char *home, *sock, *pidf, *log;
};

static void
env_open(struct env *e)
{
	e->home = hell_home();
	e->sock = path_in(e->home, "machd.sock");
	e->pidf = path_in(e->home, "machd.pid");
	e->log = path_in(e->home, "machd.log");
}

static void
env_close(struct env *e)
{
	free(e->home);
	free(e->sock);
	free(e->pidf);
	free(e->log);
}

static int
up(const struct env *e, bool foreground)
{
	pid_t pid;
	FILE *f;

	if (mkdir(e->home, 0700) < 0 && errno != EEXIST)
		die("cannot create %s: %s", e->home, strerror(errno));
	if (socket_alive(e->sock)) {
		printf("HELL is already up in %s\n", e->home);
		return 0;
	}
	if (foreground) {
		char *machd = machd_path();
		char *args[] = { machd, "--socket", e->sock, NULL };

		execv(machd, args);
		die("cannot start %s: %s", machd, strerror(errno));
	}
	pid = start_machd(e->sock, e->log, false, true);
	f = fopen(e->pidf, "w");
	if (f) {
		fprintf(f, "%d\n", (int) pid);
		fclose(f);
	}
	printf("HELL is up in %s (machd pid %d; log %s)\n", e->home, (int) pid, e->log);
	return 0;
}

static int
down(const struct env *e)
{
	pid_t pid = read_pid(e->pidf);

	if (!pid || kill(pid, 0) < 0) {
		unlink(e->pidf);
		printf("HELL is not running in %s\n", e->home);
		return 0;
	}
	kill(pid, SIGTERM);
	for (int i = 0; i < 500 && kill(pid, 0) == 0; i++)
		nanosleep(&(struct timespec) { 0, 10000000 }, NULL);
	if (kill(pid, 0) == 0) {
		fprintf(stderr, "%s: machd (pid %d) did not stop; killing it\n", prog, (int) pid);
		kill(pid, SIGKILL);
	}
	unlink(e->pidf);
	unlink(e->sock);
	printf("HELL is down\n");
	return 0;
}

static int
status(const struct env *e)
{
	struct hell_machd_stats s;

	if (!socket_alive(e->sock)) {
		printf("HELL is not running (HELL_HOME=%s)\n", e->home);
		return 1;
	}
	setenv("HELL_SOCKET", e->sock, 1);
	if (hell_machd_stats(&s) != KERN_SUCCESS) {
		printf("HELL is running in %s, but machd did not answer\n", e->home);
		return 1;
	}
	printf("HELL is running in %s\n"
	       "machd (this query counts as a task): %llu tasks, %llu threads,\n"
	       "       %llu ports (%llu kernel), %llu port sets,\n"
	       "       %llu names, %llu queued messages (%llu bytes), %llu bytes of heap\n",
	       e->home, (unsigned long long) s.tasks, (unsigned long long) s.threads,
	       (unsigned long long) s.ports, (unsigned long long) s.kernel_ports,
	       (unsigned long long) s.port_sets, (unsigned long long) s.entries,
	       (unsigned long long) s.messages, (unsigned long long) s.message_bytes,
	       (unsigned long long) s.heap_bytes);
	return 0;
}

/* up, down and status: the environment in $HELL_HOME. */
static int
cmd_env(const char *cmd, int argc, char **argv)
{
	struct env e;
	int result;

	env_open(&e);
	if (!strcmp(cmd, "up"))
		result = up(&e, argc > 1 && !strcmp(argv[1], "--foreground"));
	else if (!strcmp(cmd, "down"))
		result = down(&e);
	else
		result = status(&e);
	env_close(&e);
	return result;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "up") || !strcmp(argv[1], "down") || !strcmp(argv[1], "status"))
		return cmd_env(argv[1], argc - 1, argv + 1);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "%s: unknown command %s\n\n", prog, argv[1]);
	usage(stderr);
	return 2;
}

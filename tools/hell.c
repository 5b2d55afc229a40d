/* hell: the one command-line entry of HELL.
 *
 *   hell up [--root DIR] [--bare] [--foreground]
 *                            start the user's environment in $HELL_HOME:
 *                            machd, and (unless --bare) the Hurd's servers
 *                            with a root file system exporting DIR
 *   hell down                stop it
 *   hell status              say whether it runs: servers, machd's counts
 *   hell mount [--node PATH] [-o OPTS] MOUNTPOINT, hell umount MOUNTPOINT
 *                            the name space on Linux (hell_mount.c)
 *   hell run [--private] [--leak-check] PROGRAM [ARGS...]
 *                            run PROGRAM as a task: in the user's running
 *                            environment, or else in a private machd that
 *                            lives as long as the program
 *
 * $HELL_HOME (default $XDG_RUNTIME_DIR/hell, or /tmp/hell-UID) holds an
 * environment's socket (machd.sock), pid files and log.  Several
 * environments run side by side with different HELL_HOMEs.
 *
 * The pieces are found next to this program in a build tree (../machd,
 * ../servers ...) or under HELL_LIBEXECDIR once installed.
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

#include "hell.h"

#ifndef HELL_LIBEXECDIR
#define HELL_LIBEXECDIR "/usr/local/libexec/hell"
#endif
#ifndef HELL_LIBDIR
#define HELL_LIBDIR "/usr/local/lib"
#endif

const char *prog = "hell";

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: hell COMMAND [OPTIONS]\n"
		"\n"
		"HELL runs the GNU Mach interface and the Hurd on Linux.\n"
		"\n"
		"commands:\n"
		"  up [--root DIR] [--bare] [--foreground]\n"
		"                        start your environment in $HELL_HOME: machd, the\n"
		"                        auth, proc and exec servers, and a root file\n"
		"                        system that exports the Linux directory DIR\n"
		"                        (default $XDG_DATA_HOME/hell/root, created;\n"
		"                        its hurd/ gets HELL's translators).  --bare: machd\n"
		"                        alone.  --foreground: machd stays in the\n"
		"                        foreground (implies --bare).\n"
		"  down                  stop it: its mounts, the servers, then machd\n"
		"  status                whether it runs: its servers, machd's counts\n"
		"  run [--private] [--leak-check] PROGRAM [ARGS...]\n"
		"                        run PROGRAM as a Mach task.  Uses your running\n"
		"                        environment if there is one, else (or with\n"
		"                        --private) a private machd that lives as long\n"
		"                        as the program.  The exit status is PROGRAM's.\n"
		"                        --leak-check (private machd only): if PROGRAM\n"
		"                        succeeded but machd still holds ports, names,\n"
		"                        messages or memory after every task ended,\n"
		"                        exit with status 3.\n"
		"                        The Hurd's tools (settrans, showtrans, fsysopts,\n"
		"                        ps, portinfo, vminfo, rpctrace, cat, ls) come\n"
		"                        first on PROGRAM's PATH.\n"
		"  mount [--node PATH] [-o OPTS] [--foreground] MOUNTPOINT\n"
		"                        mount the environment's name space (or the\n"
		"                        Hurd node PATH alone) on the Linux MOUNTPOINT\n"
		"                        through FUSE, so Linux programs use Hurd\n"
		"                        translators.  OPTS: timeout=SECS (cache, default\n"
		"                        1), rpc_timeout=SECS (default 30), max_ports=N\n"
		"                        (default 1024), ro, allow_other, FUSE's own\n"
		"  umount MOUNTPOINT     unmount it (fusermount3 -u works too)\n"
		"  help                  this text\n"
		"\n"
		"environment:\n"
		"  HELL_HOME    where an environment keeps its socket, pid file and log\n"
		"               (default $XDG_RUNTIME_DIR/hell, or /tmp/hell-UID)\n"
		"  HELL_MACHD   the machd program to start (default: next to hell)\n"
		"  XDG_DATA_HOME  the default root directory is $XDG_DATA_HOME/hell/root\n"
		"               (default ~/.local/share/hell/root)\n"
		"  HELL_SOCKET  set by hell for the programs it runs: machd's socket\n");
}

void __attribute__((noreturn, format(printf, 1, 2)))
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

char *
path_in(const char *dir, const char *file)
{
	char *s;

	if (asprintf(&s, "%s/%s", dir, file) < 0)
		die("out of memory");
	return s;
}

/* The directory this program is in.  */
static char *
self_dir(void)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n <= 0)
		return NULL;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	return strdup(self);
}

/* A piece of HELL: BUILD_REL relative to this program in a build tree,
 * else INSTALLED under HELL_LIBEXECDIR.  */
char *
piece_path(const char *build_rel, const char *installed)
{
	char *dir = self_dir(), *cand;

	if (dir) {
		char resolved[PATH_MAX];

		cand = path_in(dir, build_rel);
		free(dir);
		if (access(cand, F_OK) == 0) {
			/* Named without "tools/..", for ps and the logs. */
			if (realpath(cand, resolved)) {
				free(cand);
				return strdup(resolved);
			}
			return cand;
		}
		free(cand);
	}
	return path_in(HELL_LIBEXECDIR, installed);
}

/* machd: $HELL_MACHD, next to this program in a build tree, or installed. */
static char *
machd_path(void)
{
	const char *env = getenv("HELL_MACHD");

	if (env && *env)
		return strdup(env);
	return piece_path("../machd/machd", "machd");
}

/* Where this hell's libraries are: libmach and the Hurd's libraries of the
 * build tree (a colon-separated list), or the installed library directory. */
static char *
library_dirs(void)
{
	static const char *const build_dirs[] = {
		"../libmach", "../lib", "../lib/ports", "../lib/iohelp", "../lib/fshelp",
		"../lib/trivfs", "../lib/netfs", "../lib/hurd",
	};
	char *dir = self_dir(), *list = NULL;

	if (dir) {
		char *first = path_in(dir, build_dirs[0]);

		if (access(first, F_OK) == 0) {
			for (size_t i = 0; i < sizeof build_dirs / sizeof build_dirs[0]; i++) {
				char *d = path_in(dir, build_dirs[i]), *longer;

				if (asprintf(&longer, "%s%s%s", list ? list : "", list ? ":" : "", d) < 0)
					die("out of memory");
				free(list);
				free(d);
				list = longer;
			}
		}
		free(first);
		free(dir);
	}
	return list ? list : strdup(HELL_LIBDIR);
}

/* Let programs find this hell's libraries without an rpath of their own
 * (built with just `pkg-config --cflags --libs hell'), and so that a
 * translator exec starts from a copy in the root's hurd/ finds them too:
 * machd passes its environment to startup, and from there it reaches every
 * server and translator. */
void
add_library_path(void)
{
	char *dirs = library_dirs(), *val;
	const char *old = getenv("LD_LIBRARY_PATH");

	if (old && *old) {
		if (asprintf(&val, "%s:%s", dirs, old) < 0)
			die("out of memory");
	} else {
		val = strdup(dirs);
	}
	setenv("LD_LIBRARY_PATH", val, 1);
	free(val);
	free(dirs);
}

/* Put the Hurd's tools first on PROGRAM's PATH: in a build tree they are
 * next to this program, installed they are in HELL_LIBEXECDIR/bin (not on
 * the user's PATH, since cat, ls and ps share Linux tools' names).  */
static void
add_tool_path(void)
{
	char *dir = piece_path("settrans", "bin/settrans"), *slash, *val;
	const char *old = getenv("PATH");

	slash = strrchr(dir, '/');
	*slash = 0;
	if (asprintf(&val, "%s:%s", dir, old && *old ? old : "/usr/bin:/bin") < 0)
		die("out of memory");
	setenv("PATH", val, 1);
	free(val);
	free(dir);
}

bool
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

/* Start machd on SOCK; LOG (or NULL: inherit stderr); BOOT (or NULL) is
 * the boot task's command line, given to machd --boot.  Waits until it
 * accepts connections.  Returns its pid. */
static pid_t
start_machd(const char *sock, const char *log, bool leak_check, bool detach,
	    char *const boot[])
{
	char *machd = machd_path();
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		char *argv[32] = { machd, "--socket", (char *) sock };
		int argc = 3;

		if (leak_check)
			argv[argc++] = "--leak-check";
		if (boot) {
			argv[argc++] = "--boot";
			for (int i = 0; boot[i] && argc < 31; i++)
				argv[argc++] = boot[i];
		}
		argv[argc] = NULL;

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
		machd = start_machd(sock, NULL, leak_check, false, NULL);
	}
	setenv("HELL_SOCKET", sock, 1);
	add_library_path();
	add_tool_path();

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

pid_t
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

void
env_open(struct env *e)
{
	e->home = hell_home();
	e->sock = path_in(e->home, "machd.sock");
	e->pidf = path_in(e->home, "machd.pid");
	e->log = path_in(e->home, "machd.log");
	e->ready = path_in(e->home, "ready");
	e->failed = path_in(e->home, "failed");
	e->servers = path_in(e->home, "servers");
	e->mounts = path_in(e->home, "mounts");
}

void
env_close(struct env *e)
{
	free(e->home);
	free(e->sock);
	free(e->pidf);
	free(e->log);
	free(e->ready);
	free(e->failed);
	free(e->servers);
	free(e->mounts);
}

/* The default root directory: $XDG_DATA_HOME/hell/root.  */
static char *
default_root(void)
{
	const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char *s;

	if (data && *data) {
		if (asprintf(&s, "%s/hell/root", data) < 0)
			die("out of memory");
	} else if (home && *home) {
		if (asprintf(&s, "%s/.local/share/hell/root", home) < 0)
			die("out of memory");
	} else {
		die("neither XDG_DATA_HOME nor HOME is set: say where the root is (hell up --root DIR)");
	}
	return s;
}

/* mkdir -p DIR (mode 0755).  */
static void
make_dirs(const char *dir)
{
	char *copy = strdup(dir);

	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			die("cannot create %s: %s", copy, strerror(errno));
		*p = '/';
	}
	if (mkdir(copy, 0755) < 0 && errno != EEXIST)
		die("cannot create %s: %s", copy, strerror(errno));
	free(copy);
}

/* Copy SRC to DST unless DST already has SRC's size and modification
 * time (then it is this HELL's copy).  Written beside and renamed, so a
 * running translator's program is never changed under it.  */
static void
install_file(const char *src, const char *dst)
{
	struct stat ss, ds;
	char *tmp;
	int in, out;
	char buf[65536];
	ssize_t n;

	if (stat(src, &ss) < 0)
		die("%s: %s", src, strerror(errno));
	if (stat(dst, &ds) == 0 && ds.st_size == ss.st_size &&
	    ds.st_mtim.tv_sec == ss.st_mtim.tv_sec && ds.st_mtim.tv_nsec == ss.st_mtim.tv_nsec)
		return;
	if (asprintf(&tmp, "%s.new", dst) < 0)
		die("out of memory");
	in = open(src, O_RDONLY | O_CLOEXEC);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0)
		die("installing %s in %s: %s", src, dst, strerror(errno));
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t) n) != n)
			die("writing %s: %s", tmp, strerror(errno));
	if (n < 0)
		die("reading %s: %s", src, strerror(errno));
	close(in);
	futimens(out, (struct timespec[2]) { ss.st_atim, ss.st_mtim });
	if (close(out) < 0 || rename(tmp, dst) < 0)
		die("installing %s: %s", dst, strerror(errno));
	free(tmp);
}

/* The translators HELL brings, installed in ROOT/hurd so that /hurd/NAME
 * names them inside the environment.  */
static const char *const translators[] = { "hello", "hello-mt", "null", "symlink", "firmlink" };

static void
prepare_root(const char *root)
{
	char *hurd = path_in(root, "hurd"), *servers = path_in(root, "servers");

	make_dirs(root);
	make_dirs(hurd);
	make_dirs(servers);
	for (size_t i = 0; i < sizeof translators / sizeof translators[0]; i++) {
		char *rel, *inst, *src, *dst;

		if (asprintf(&rel, "../servers/trans/%s", translators[i]) < 0 ||
		    asprintf(&inst, "hurd/%s", translators[i]) < 0)
			die("out of memory");
		src = piece_path(rel, inst);
		dst = path_in(hurd, translators[i]);
		if (access(src, X_OK) == 0)
			install_file(src, dst);
		free(rel);
		free(inst);
		free(src);
		free(dst);
	}
	free(hurd);
	free(servers);
}

/* Print FILE's contents to F (a reason from startup).  */
static void
print_file(FILE *f, const char *file)
{
	char buf[1024];
	FILE *in = fopen(file, "r");

	if (!in)
		return;
	while (fgets(buf, sizeof buf, in))
		fputs(buf, f);
	fclose(in);
}

/* Stop machd (pid file PIDF), SIGKILL after 5 s.  */
static void
stop_machd(const struct env *e, pid_t pid)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 500 && kill(pid, 0) == 0; i++)
		nanosleep(&(struct timespec) { 0, 10000000 }, NULL);
	if (kill(pid, 0) == 0) {
		fprintf(stderr, "%s: machd (pid %d) did not stop; killing it\n", prog, (int) pid);
		kill(pid, SIGKILL);
	}
	unlink(e->pidf);
	unlink(e->sock);
}

static int
up(const struct env *e, const char *root_opt, bool bare, bool foreground)
{
	pid_t pid;
	FILE *f;
	char *root = NULL;
	char *boot[20];
	char *owned[5] = { NULL };	/* the strings of boot[] to free */
	int result = 1;

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
	unlink(e->ready);
	unlink(e->failed);
	unlink(e->servers);
	if (!bare) {
		char resolved[PATH_MAX];

		root = root_opt ? strdup(root_opt) : default_root();
		prepare_root(root);
		if (!realpath(root, resolved))
			die("%s: %s", root, strerror(errno));
		free(root);
		root = strdup(resolved);
		int n = 0;
		boot[n++] = owned[0] = piece_path("../servers/startup/startup", "startup");
		boot[n++] = "--home";
		boot[n++] = e->home;
		boot[n++] = "--root";
		boot[n++] = root;
		boot[n++] = "--auth";
		boot[n++] = owned[1] = piece_path("../servers/auth/auth", "auth");
		boot[n++] = "--proc";
		boot[n++] = owned[2] = piece_path("../servers/proc/proc", "proc");
		boot[n++] = "--rootfs";
		boot[n++] = owned[3] = piece_path("../servers/rootfs/rootfs", "rootfs");
		boot[n++] = "--exec";
		boot[n++] = owned[4] = piece_path("../servers/exec/exec", "exec");
		if (getenv("HELL_VERBOSE"))
			boot[n++] = "--verbose";
		boot[n] = NULL;
		for (int i = 0; i < n; i++)
			if (boot[i][0] == '/' && access(boot[i], X_OK) != 0)
				die("%s is missing: build or install HELL first", boot[i]);
	}
	add_library_path();
	pid = start_machd(e->sock, e->log, false, true, bare ? NULL : boot);
	for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
		free(owned[i]);
	f = fopen(e->pidf, "w");
	if (f) {
		fprintf(f, "%d\n", (int) pid);
		fclose(f);
	}
	if (bare) {
		printf("HELL is up in %s (machd pid %d, no servers; log %s)\n", e->home, (int) pid,
		       e->log);
		return 0;
	}
	/* startup writes ready or failed; each of its steps has its own
	 * deadline, so this one only guards against startup itself hanging. */
	for (int i = 0; i < 600; i++) {
		if (access(e->ready, F_OK) == 0) {
			printf("HELL is up in %s (machd pid %d; root %s; log %s)\n", e->home,
			       (int) pid, root, e->log);
			result = 0;
			break;
		}
		if (access(e->failed, F_OK) == 0 || kill(pid, 0) != 0)
			break;
		nanosleep(&(struct timespec) { 0, 100000000 }, NULL);
	}
	if (result == 0) {
		free(root);
		return 0;
	}
	fprintf(stderr, "%s: the environment did not start: ", prog);
	if (access(e->failed, F_OK) == 0)
		print_file(stderr, e->failed);
	else
		fprintf(stderr, "%s\n", kill(pid, 0) != 0 ? "machd exited" : "startup did not answer");
	fprintf(stderr, "%s: see %s\n", prog, e->log);
	stop_machd(e, pid);
	free(root);
	return 1;
}

/* startup's pid, from the servers file ("startup PID" is its first line). */
static pid_t
startup_pid(const struct env *e)
{
	FILE *f = fopen(e->servers, "r");
	char name[64];
	int pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%63s %d", name, &pid) != 2 || strcmp(name, "startup") != 0)
		pid = 0;
	fclose(f);
	return pid;
}

static int
down(const struct env *e)
{
	pid_t pid = read_pid(e->pidf), spid = startup_pid(e);

	if (!pid || kill(pid, 0) < 0) {
		mounts_stop_all(e);	/* left from a machd that died */
		unlink(e->pidf);
		printf("HELL is not running in %s\n", e->home);
		return 0;
	}
	/* The mounts first: hellfs is a client of the servers.  Then
	 * startup: it stops the servers (rootfs makes its translators go)
	 * while machd still carries their messages.  */
	mounts_stop_all(e);
	if (spid > 0 && kill(spid, SIGTERM) == 0) {
		for (int i = 0; i < 1000 && kill(spid, 0) == 0; i++)
			nanosleep(&(struct timespec) { 0, 10000000 }, NULL);
		if (kill(spid, 0) == 0)
			fprintf(stderr, "%s: startup (pid %d) did not stop in 10 s; stopping machd\n",
				prog, (int) spid);
	}
	stop_machd(e, pid);
	unlink(e->ready);
	unlink(e->servers);
	printf("HELL is down\n");
	return 0;
}

static int
status(const struct env *e)
{
	struct hell_machd_stats s;
	FILE *f;

	if (!socket_alive(e->sock)) {
		printf("HELL is not running (HELL_HOME=%s)\n", e->home);
		return 1;
	}
	setenv("HELL_SOCKET", e->sock, 1);
	if (hell_machd_stats(&s) != KERN_SUCCESS) {
		printf("HELL is running in %s, but machd did not answer\n", e->home);
		return 1;
	}
	printf("HELL is running in %s (machd pid %d)\n", e->home, (int) read_pid(e->pidf));
	if ((f = fopen(e->ready, "r"))) {
		char root[PATH_MAX];

		if (fgets(root, sizeof root, f))
			printf("root: %s", root);
		fclose(f);
	}
	if ((f = fopen(e->servers, "r"))) {
		char name[64];
		int pid;

		while (fscanf(f, "%63s %d", name, &pid) == 2)
			printf("  %-8s pid %-8d %s\n", name, pid,
			       kill(pid, 0) == 0 ? "running" : "NOT RUNNING");
		fclose(f);
	} else {
		printf("  no servers (hell up --bare)\n");
	}
	mounts_print(e);
	printf("machd (this query counts as a task): %llu tasks, %llu threads,\n"
	       "       %llu ports (%llu kernel), %llu port sets,\n"
	       "       %llu names, %llu queued messages (%llu bytes), %llu bytes of heap\n",
	       (unsigned long long) s.tasks, (unsigned long long) s.threads,
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
	if (!strcmp(cmd, "up")) {
		const char *root = NULL;
		bool bare = false, foreground = false;

		for (int i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "--root") && i + 1 < argc)
				root = argv[++i];
			else if (!strncmp(argv[i], "--root=", 7))
				root = argv[i] + 7;
			else if (!strcmp(argv[i], "--bare"))
				bare = true;
			else if (!strcmp(argv[i], "--foreground"))
				foreground = bare = true;
			else
				die("up: unknown option %s (see hell help)", argv[i]);
		}
		result = up(&e, root, bare, foreground);
	}
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
	if (!strcmp(argv[1], "mount"))
		return cmd_mount(argc - 1, argv + 1);
	if (!strcmp(argv[1], "umount") || !strcmp(argv[1], "unmount"))
		return cmd_umount(argc - 1, argv + 1);
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

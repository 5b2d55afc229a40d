/* startup: the first task of a HELL environment.  machd --boot starts it
 * with the privileged host port as its bootstrap port; it starts the core
 * servers (boot.c), hands every task its initial ports (init_port.c), and
 * on SIGTERM stops the servers again.
 *
 * Files under --home: `ready' once the environment serves (with the root
 * directory's Linux path), or `failed' with the reason; `servers' with one
 * "NAME PID" line per server, for `hell status'.  */
#include "startup.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <hell/hell_rpc.h>
#include <mach/mach_error.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct startup_env startup_env = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.servers = {
		[SERVER_AUTH] = { .name = "auth" },
		[SERVER_PROC] = { .name = "proc" },
		[SERVER_ROOTFS] = { .name = "rootfs" },
		[SERVER_EXEC] = { .name = "exec" },
	},
};

void
startup_log(const char *fmt, ...)
{
	if (!startup_env.verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "startup: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: startup --home DIR --root DIR --auth PROG --proc PROG --rootfs PROG --exec PROG\n"
		"\n"
		"The first task of a HELL environment; `hell up' runs it as machd --boot.\n"
		"It starts auth, proc, rootfs (exporting the Linux directory --root) and\n"
		"exec, gives every task of the environment its initial ports, and stops the\n"
		"servers again on SIGTERM.\n"
		"\n"
		"  --home DIR     where to write ready, failed and servers\n"
		"  --root DIR     the Linux directory the root file system exports\n"
		"  --auth PROG, --proc PROG, --rootfs PROG, --exec PROG   the servers\n"
		"  --verbose      log each step to standard error\n"
		"  --help         this text\n");
}

/* Write TEXT to HOME/NAME atomically (via a temporary file).  */
static void
write_home_file(const char *name, const char *text)
{
	char path[4096], tmp[4096];
	snprintf(path, sizeof path, "%s/%s", startup_env.home, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", startup_env.home, name);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "startup: %s: %s\n", tmp, strerror(errno));
		return;
	}
	fputs(text, f);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		fprintf(stderr, "startup: %s: %s\n", path, strerror(errno));
}

static void
write_servers_file(void)
{
	char text[1024];
	size_t n = 0;
	n += (size_t) snprintf(text + n, sizeof text - n, "startup %d\n", (int) getpid());
	for (int i = 0; i < SERVER_COUNT; i++)
		if (startup_env.servers[i].pid > 0 && n < sizeof text)
			n += (size_t) snprintf(text + n, sizeof text - n, "%s %d\n",
					       startup_env.servers[i].name,
					       (int) startup_env.servers[i].pid);
	write_home_file("servers", text);
}

/* Collect the servers that exited (startup is their Linux parent).  */
static void
reap_servers(bool log)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		const char *name = "a child";
		for (int i = 0; i < SERVER_COUNT; i++)
			if (startup_env.servers[i].pid == pid) {
				name = startup_env.servers[i].name;
				startup_env.servers[i].pid = 0;
			}
		if (log) {
			if (WIFSIGNALED(status))
				fprintf(stderr, "startup: %s (pid %d) was killed by signal %d\n",
					name, (int) pid, WTERMSIG(status));
			else
				fprintf(stderr, "startup: %s (pid %d) exited with status %d\n",
					name, (int) pid, WEXITSTATUS(status));
		}
	}
}

static int
parse_args(int argc, char **argv)
{
	enum { OPT_HOME = 1, OPT_ROOT, OPT_AUTH, OPT_PROC, OPT_ROOTFS, OPT_EXEC, OPT_VERBOSE,
	       OPT_HELP };
	static const struct option options[] = {
		{ "home", required_argument, NULL, OPT_HOME },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "auth", required_argument, NULL, OPT_AUTH },
		{ "proc", required_argument, NULL, OPT_PROC },
		{ "rootfs", required_argument, NULL, OPT_ROOTFS },
		{ "exec", required_argument, NULL, OPT_EXEC },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case OPT_HOME: startup_env.home = optarg; break;
		case OPT_ROOT: startup_env.rootdir = optarg; break;
		case OPT_AUTH: startup_env.servers[SERVER_AUTH].path = optarg; break;
		case OPT_PROC: startup_env.servers[SERVER_PROC].path = optarg; break;
		case OPT_ROOTFS: startup_env.servers[SERVER_ROOTFS].path = optarg; break;
		case OPT_EXEC: startup_env.servers[SERVER_EXEC].path = optarg; break;
		case OPT_VERBOSE: startup_env.verbose = true; break;
		case OPT_HELP: usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc || !startup_env.home || !startup_env.rootdir) {
		usage(stderr);
		return -1;
	}
	for (int i = 0; i < SERVER_COUNT; i++)
		if (!startup_env.servers[i].path) {
			fprintf(stderr, "startup: --%s is required\n", startup_env.servers[i].name);
			return -1;
		}
	return 0;
}

/* Make a receive right with a send right of the same name.  */
static kern_return_t
make_port(mach_port_t *port)
{
	kern_return_t kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, port);
	if (kr == KERN_SUCCESS)
		kr = mach_port_insert_right(mach_task_self(), *port, *port,
					    MACH_MSG_TYPE_MAKE_SEND);
	return kr;
}

int
main(int argc, char **argv)
{
	if (parse_args(argc, argv) != 0)
		return 2;

	kern_return_t kr = task_get_bootstrap_port(mach_task_self(), &startup_env.host_priv);
	if (kr != KERN_SUCCESS || startup_env.host_priv == MACH_PORT_NULL) {
		fprintf(stderr, "startup: no privileged host port: run me with machd --boot "
			"(hell up does)\n");
		return 1;
	}
	mode_t mask = umask(022);
	umask(mask);
	startup_env.umask = mask;

	/* SIGTERM, SIGINT and SIGCHLD are taken with sigwait by the main
	 * thread once the environment runs; blocked before any thread starts
	 * so that no other thread gets them.  */
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);

	if ((kr = make_port(&startup_env.boot_port)) != KERN_SUCCESS ||
	    (kr = make_port(&startup_env.init_port)) != KERN_SUCCESS) {
		fprintf(stderr, "startup: cannot make its ports: %s\n", mach_error_string(kr));
		return 1;
	}
	int err = init_port_start(&startup_env);
	if (err) {
		fprintf(stderr, "startup: cannot start the init port's thread: %s\n",
			strerror(err));
		return 1;
	}
	/* Every server startup starts inherits its registered ports, and every
	 * task that connects to machd on its own gets machd's default: both
	 * are the init port.  */
	mach_port_t init_ports[1] = { startup_env.init_port };
	kr = mach_ports_register(mach_task_self(), init_ports, 1);
	if (kr == KERN_SUCCESS)
		kr = hell_host_set_init_ports(startup_env.host_priv, init_ports, 1);
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "startup: cannot register the init port: %s\n",
			mach_error_string(kr));
		return 1;
	}

	char reason[1024];
	bool ok = boot_environment(&startup_env, reason, sizeof reason);
	write_servers_file();
	if (!ok) {
		fprintf(stderr, "startup: %s\n", reason);
		strncat(reason, "\n", sizeof reason - strlen(reason) - 1);
		write_home_file("failed", reason);
		shutdown_environment(&startup_env);
		reap_servers(false);
		return 1;
	}
	char ready[4200];
	snprintf(ready, sizeof ready, "%s\n", startup_env.rootdir);
	write_home_file("ready", ready);
	startup_log("the environment is up");

	for (;;) {
		int sig;
		if (sigwait(&signals, &sig) != 0)
			continue;
		if (sig == SIGCHLD) {
			reap_servers(true);
			write_servers_file();
			continue;
		}
		break;
	}
	startup_log("shutting down");
	shutdown_environment(&startup_env);
	/* Give the servers a moment to go, so `hell down' finds nothing left. */
	for (int i = 0; i < 50; i++) {
		reap_servers(false);
		bool any = false;
		for (int j = 0; j < SERVER_COUNT; j++)
			any |= startup_env.servers[j].pid > 0;
		if (!any)
			break;
		usleep(100000);
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/ready", startup_env.home);
	unlink(path);
	return 0;
}

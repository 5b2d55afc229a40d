/* rpctrace -p PID: attach to a running task.  Runs as machd's boot task
 * (boot_run.sh), so that the rpctrace it starts, its child task, inherits
 * the privileged host port as bootstrap port, which -p needs.
 *
 *   rpctrace_attach RPCTRACE
 * The target is this program again (--target): it makes an RPC every few
 * milliseconds until its standard input closes.  Once rpctrace's output
 * shows one, the target is let go; rpctrace ends with it. */
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "conformance.h"

extern char **environ;

static int
target(void)
{
	char c;

	fcntl(0, F_SETFL, O_NONBLOCK);
	for (;;) {
		mach_port_t p = MACH_PORT_NULL;

		if (mach_port_allocate(TASK, MACH_PORT_RIGHT_RECEIVE, &p) != KERN_SUCCESS ||
		    mach_port_destroy(TASK, p) != KERN_SUCCESS)
			return 1;
		if (read(0, &c, 1) == 0)
			return 0;
		usleep(5000);
	}
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--target") == 0)
		return target();
	CHECK(argc == 2);
	if (argc != 2)
		return TEST_DONE();

	char dir[] = "/tmp/rpctrace-attach-XXXXXX", file[64], pidarg[16], line[256];
	char *targs[] = { "/proc/self/exe", "--target", NULL };
	posix_spawn_file_actions_t fa;
	int in[2], status = -1, found = 0;
	pid_t tpid, rpid;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(file, sizeof file, "%s/trace", dir);
	CHECK_EQ(pipe2(in, O_CLOEXEC), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	CHECK_EQ(posix_spawn(&tpid, targs[0], &fa, NULL, targs, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);

	snprintf(pidarg, sizeof pidarg, "%d", (int) tpid);
	{
		char *rargs[] = { argv[1], "-o", file, "-p", pidarg, NULL };

		CHECK_EQ(posix_spawn(&rpid, argv[1], NULL, NULL, rargs, environ), 0);
	}
	/* Until a line of the target's shows. */
	for (int tries = 0; tries < 500 && !found; tries++) {
		usleep(10000);
		f = fopen(file, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof line, f))
			if (strstr(line, "->mach_port_allocate") && atoi(line) == tpid)
				found = 1;
		fclose(f);
	}
	CHECK(found);
	close(in[1]);
	CHECK_EQ(waitpid(tpid, &status, 0), tpid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* rpctrace ends with the task. */
	CHECK_EQ(waitpid(rpid, &status, 0), rpid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	unlink(file);
	rmdir(dir);
	return TEST_DONE();
}

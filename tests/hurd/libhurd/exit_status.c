/* A process's exit status reaches proc even after Linux reaped it: libhurd
 * tells proc (proc_mark_exit) when the process exits, as glibc's exit does
 * on the Hurd.  Before, proc could only read the status from /proc while
 * the process was a zombie, and reported a reaped one as killed.
 *
 * In an environment (auth_env.sh runs it after hell up): this task spawns
 * itself as a child task, becomes its parent at proc (proc_child), lets it
 * exit with status 7 and asks proc_wait.  Linux reaps the child at once
 * (SIGCHLD ignored, as the exec server does for the programs it starts),
 * so the status never shows in /proc.  */
#include <hell/hell.h>
#include <hurd.h>
#include <hurd/process.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"

static int
child(int go_fd)
{
	char c;

	if (hurd_init() != 0 || !MACH_PORT_VALID(getproc()))
		return 2;
	if (read(go_fd, &c, 1) != 1)	/* the parent has adopted us */
		return 3;
	exit(7);
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--child") == 0)
		return child(atoi(argv[2]));

	error_t err = hurd_init();
	if (err) {
		fprintf(stderr, "exit_status: %s\n", hurd_init_error());
		return 1;
	}
	signal(SIGCHLD, SIG_IGN);	/* no zombie: Linux reaps at once */
	int go[2];
	CHECK(pipe(go) == 0);
	char fdarg[16];
	snprintf(fdarg, sizeof fdarg, "%d", go[0]);
	char *child_argv[] = { argv[0], "--child", fdarg, NULL };
	task_t task;
	pid_t pid;
	CHECK_KR(hell_task_spawn("/proc/self/exe", child_argv, NULL, NULL, &task, &pid), 0);

	process_t proc = getproc();
	CHECK(MACH_PORT_VALID(proc));
	CHECK_KR(proc_child(proc, task), 0);
	CHECK(write(go[1], "g", 1) == 1);

	for (int i = 0; i < 500 && kill(pid, 0) == 0; i++)
		usleep(10000);
	CHECK(kill(pid, 0) != 0);	/* gone, and never a zombie */

	int status = 0, sigcode = 0;
	pid_t got = 0;
	struct rusage ru;
	CHECK_KR(proc_wait(proc, pid, 0, &status, &sigcode, &ru, &got), 0);
	CHECK_EQ(got, pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 7);

	mach_port_deallocate(mach_task_self(), proc);
	mach_port_deallocate(mach_task_self(), task);
	return TEST_DONE();
}

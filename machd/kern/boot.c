/* The boot task: machd --boot PROGRAM [ARGS...].
 *
 * Once machd listens, it starts PROGRAM as its first task, as GNU Mach
 * starts its boot tasks: a Linux child of machd (posix_spawn: machd's heap
 * is never forked) whose task is made and bound to its pid before machd
 * reads another event, so the process's first HELLO finds its task by pid
 * and needs no token.  The task's bootstrap port is a send right to the
 * privileged host port; its registered ports are machd's defaults for new
 * tasks (none, this early).  The program gets machd's standard streams and
 * environment, with HELL_SOCKET naming machd's socket.
 *
 * When the process ends, its task dies like any other (main.c watches its
 * pidfd); boot_task_ended then collects the process (machd is its parent)
 * and logs how it ended.  machd goes on serving the tasks that remain.
 */
#include "boot.h"
#include "host.h"
#include "task.h"
#include "../ipc/port.h"
#include "../linux/sys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static pid_t boot_pid;		/* the boot process while it runs, else 0 */
static char boot_name[64];	/* its program, for the log */

/* machd's environment without HELL_SOCKET and HELL_TASK_TOKEN, plus
 * HELL_SOCKET=SOCKET (made absolute).  NULL on no memory.  Plain malloc:
 * freed before boot_start returns, never part of machd's accounted heap. */
static char **
boot_env(const char *socket)
{
	size_t n = 0, k = 0, len;
	char cwd[4096] = "";
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof *env);
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "HELL_SOCKET=", 12) != 0 &&
		    strncmp(environ[i], "HELL_TASK_TOKEN=", 16) != 0)
			env[k++] = environ[i];
	if (socket[0] != '/' && !getcwd(cwd, sizeof cwd - 1)) {
		free(env);
		return NULL;
	}
	if (cwd[0])
		strcat(cwd, "/");
	len = strlen("HELL_SOCKET=") + strlen(cwd) + strlen(socket) + 1;
	env[k] = malloc(len);
	if (!env[k]) {
		free(env);
		return NULL;
	}
	snprintf(env[k], len, "HELL_SOCKET=%s%s", cwd, socket);
	return env;
}

bool
boot_start(char *const argv[], const char *socket)
{
	char **env = boot_env(socket);
	struct task *task;
	size_t n = 0;
	pid_t pid;
	int err;

	if (!env) {
		fprintf(stderr, "machd: --boot: no memory for the environment\n");
		return false;
	}
	pid = linux_spawn(argv[0], argv, env);
	err = errno;
	while (env[n])
		n++;
	free(env[n - 1]);
	free(env);
	if (pid < 0) {
		fprintf(stderr, "machd: --boot: cannot start %s: %s\n", argv[0], strerror(err));
		return false;
	}

	snprintf(boot_name, sizeof boot_name, "%s", argv[0]);
	boot_pid = pid;
	task = task_new(NULL);
	task->bootstrap = ipc_port_make_send(host_priv_port);
	task_set_default_registered(task);
	if (!task_bind(task, pid)) {
		/* Our own child cannot be gone before it is collected. */
		fprintf(stderr, "machd: --boot: cannot watch %s (pid %d)\n", boot_name, (int) pid);
		task_terminate(task);
	}
	return true;
}

void
boot_task_ended(pid_t pid)
{
	int status;

	if (boot_pid == 0 || pid != boot_pid)
		return;
	boot_pid = 0;
	if (!linux_reap(pid, &status)) {
		fprintf(stderr, "machd: boot task %s (pid %d) ended\n", boot_name, (int) pid);
		return;
	}
	if (WIFEXITED(status))
		fprintf(stderr, "machd: boot task %s (pid %d) exited with status %d\n",
			boot_name, (int) pid, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "machd: boot task %s (pid %d) was killed by signal %d (%s)\n",
			boot_name, (int) pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
}

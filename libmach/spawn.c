/* Starting a Linux process for a task: hell_task_exec, and hell_task_spawn
 * on top of the same steps.
 *
 * A task without a process (made by task_create, or by SPAWN_PREPARE for
 * hell_task_spawn) gets one in three steps: machd gives a token for it
 * (HELL_OP_EXEC_PREPARE; SPAWN_PREPARE gives one with the task); the
 * process is started with posix_spawn, the token in its environment
 * (HELL_TASK_TOKEN=<our pid>:<token>), which libmach presents on the
 * process's first HELLO; and we tell machd the child's pid
 * (HELL_OP_SPAWN_BIND), so that the task is the process's from then on
 * even if the program never makes a trap, and dies with it.  Whichever of
 * the HELLO and the BIND comes first binds the task; the other finds it
 * done.  If the process cannot be started, the token is dropped
 * (HELL_OP_EXEC_ABORT) and the task stays as it was. */
#include "channel.h"
#include "libmach.h"
#include <hell/hell.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* ENVP without HELL_TASK_TOKEN, plus the new token; NULL on no memory.
 * Free with free_env. */
static char **
child_env(char *const envp[], uint64_t token)
{
	size_t n = 0, k = 0;
	char **env;

	while (envp[n])
		n++;
	env = calloc(n + 2, sizeof *env);
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(envp[i], "HELL_TASK_TOKEN=", 16) != 0)
			env[k++] = envp[i];
	env[k] = malloc(64);
	if (!env[k]) {
		free(env);
		return NULL;
	}
	/* Our pid: only our child takes the token (channel.c), not a
	 * grandchild that inherits the environment. */
	snprintf(env[k], 64, "HELL_TASK_TOKEN=%d:%016llx", (int) getpid(),
		 (unsigned long long) token);
	return env;
}

static void
free_env(char **env)
{
	size_t n = 0;

	while (env[n])
		n++;
	free(env[n - 1]);
	free(env);
}

/* A close-on-exec copy of FD above the standard streams (so that moving
 * the streams into place in the child cannot overwrite it), or -1. */
static int
high_copy(int fd)
{
	return fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* Start the process for TOKEN and bind it: the common part of
 * hell_task_exec and hell_task_spawn.  On failure, errno says why. */
static kern_return_t
start_process(uint64_t token, const char *path, int exec_fd, char *const argv[],
	      char *const envp[], const int stdfds[3], pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	int copies[3] = { -1, -1, -1 }, exec_copy = -1, err = 0;
	char fd_path[32];
	char **env;
	pid_t child;

	env = child_env(envp ? envp : environ, token);
	if (!env)
		return errno = ENOMEM, KERN_RESOURCE_SHORTAGE;
	err = posix_spawn_file_actions_init(&fa);
	if (err) {
		free_env(env);
		return errno = err, KERN_RESOURCE_SHORTAGE;
	}
	if (stdfds) {
		for (int i = 0; i < 3 && !err; i++) {
			if (stdfds[i] < 0) {
				err = posix_spawn_file_actions_addclose(&fa, i);
				continue;
			}
			copies[i] = high_copy(stdfds[i]);
			err = copies[i] < 0 ? errno
					    : posix_spawn_file_actions_adddup2(&fa, copies[i], i);
		}
	}
	if (!err && exec_fd >= 0) {
		/* The kernel opens /proc/self/fd/N before it closes the
		 * close-on-exec descriptors, so the copy need not stay open
		 * in the program (an ELF program; a script's interpreter
		 * would find it closed). */
		exec_copy = high_copy(exec_fd);
		if (exec_copy < 0)
			err = errno;
		snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", exec_copy);
		path = fd_path;
	}
	if (!err)
		err = strchr(path, '/') ? posix_spawn(&child, path, &fa, NULL, argv, env)
					: posix_spawnp(&child, path, &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free_env(env);
	for (int i = 0; i < 3; i++)
		if (copies[i] >= 0)
			close(copies[i]);
	if (exec_copy >= 0)
		close(exec_copy);
	if (err) {
		hell_chan_trap(HELL_OP_EXEC_ABORT, token, 0, 0, 0, NULL);
		errno = err;
		return KERN_FAILURE;
	}

	/* KERN_INVALID_ARGUMENT here means the child bound itself first (its
	 * HELLO came before): fine. */
	(void) hell_chan_trap(HELL_OP_SPAWN_BIND, token, (uint64_t) child, 0, 0, NULL);
	if (pid)
		*pid = child;
	return KERN_SUCCESS;
}

kern_return_t
hell_task_exec(task_t task, const char *path, int exec_fd, char *const argv[],
	       char *const envp[], const int stdfds[3], pid_t *pid)
{
	uint64_t vals[4];
	kern_return_t kr;

	if ((!path && exec_fd < 0) || !argv)
		return KERN_INVALID_ARGUMENT;
	kr = hell_chan_trap(HELL_OP_EXEC_PREPARE, task, 0, 0, 0, vals);
	if (kr != KERN_SUCCESS)
		return kr;
	return start_process(vals[0], path, exec_fd, argv, envp, stdfds, pid);
}

kern_return_t
hell_task_spawn(const char *path, char *const argv[], char *const envp[],
		const struct hell_spawn_ports *ports, task_t *task, pid_t *pid)
{
	struct hell_spawn_ports none = { MACH_PORT_NULL, MACH_PORT_NULL, MACH_PORT_NULL };
	uint64_t vals[4];
	kern_return_t kr;
	int err;

	if (!ports)
		ports = &none;
	kr = hell_chan_trap(HELL_OP_SPAWN_PREPARE, ports->bootstrap, ports->exception,
			    ports->kernel, 0, vals);
	if (kr != KERN_SUCCESS)
		return kr;
	kr = start_process(vals[0], path, -1, argv, envp, NULL, pid);
	if (kr != KERN_SUCCESS) {
		/* The task goes with our one send right to it. */
		err = errno;
		task_terminate((task_t) vals[1]);
		mach_port_deallocate(mach_task_self(), (mach_port_t) vals[1]);
		errno = err;
		return kr;
	}
	if (task)
		*task = (task_t) vals[1];
	else
		mach_port_deallocate(mach_task_self(), (mach_port_t) vals[1]);
	return KERN_SUCCESS;
}

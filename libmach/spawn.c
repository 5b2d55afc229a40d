/* hell_task_spawn: start a program as a new task with chosen special ports.
 *
 * machd makes the task first (HELL_OP_SPAWN_PREPARE), with its special
 * ports set and a token; the child gets the token in HELL_TASK_TOKEN and
 * presents it on its first HELLO; the parent also tells machd the child's
 * pid (HELL_OP_SPAWN_BIND), so the task dies with the process even if the
 * program never makes a trap. */
#include "channel.h"
#include "libmach.h"
#include <hell/hell.h>

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

/* ENVP without HELL_TASK_TOKEN, plus the new token; NULL on no memory. */
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
	env[k] = malloc(40);
	if (!env[k]) {
		free(env);
		return NULL;
	}
	snprintf(env[k], 40, "HELL_TASK_TOKEN=%016llx", (unsigned long long) token);
	return env;
}

kern_return_t
hell_task_spawn(const char *path, char *const argv[], char *const envp[],
		const struct hell_spawn_ports *ports, task_t *task, pid_t *pid)
{
	struct hell_spawn_ports none = { MACH_PORT_NULL, MACH_PORT_NULL, MACH_PORT_NULL };
	uint64_t vals[4];
	kern_return_t kr;
	char **env;
	pid_t child;
	int err;

	if (!ports)
		ports = &none;
	kr = hell_chan_trap(HELL_OP_SPAWN_PREPARE, ports->bootstrap, ports->exception,
			    ports->kernel, 0, vals);
	if (kr != KERN_SUCCESS)
		return kr;

	env = child_env(envp ? envp : environ, vals[0]);
	if (!env) {
		err = ENOMEM;
		goto abort;
	}
	err = strchr(path, '/') ? posix_spawn(&child, path, NULL, NULL, argv, env)
				: posix_spawnp(&child, path, NULL, NULL, argv, env);
	{
		size_t n = 0;

		while (env[n])
			n++;
		free(env[n - 1]);
		free(env);
	}
	if (err)
		goto abort;

	kr = hell_chan_trap(HELL_OP_SPAWN_BIND, vals[0], (uint64_t) child, 0, 0, NULL);
	/* KERN_INVALID_ARGUMENT here means the child bound itself first (its
	 * HELLO came before): fine. */
	(void) kr;
	if (pid)
		*pid = child;
	if (task)
		*task = (task_t) vals[1];
	else
		mach_port_deallocate(mach_task_self(), (mach_port_t) vals[1]);
	return KERN_SUCCESS;

abort:
	hell_chan_trap(HELL_OP_FORK_ABORT, vals[0], 0, 0, 0, NULL);
	mach_port_deallocate(mach_task_self(), (mach_port_t) vals[1]);
	errno = err;
	return KERN_FAILURE;
}

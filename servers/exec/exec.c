/* exec_exec and exec_exec_paths: start a program in an embryo task.
 *
 * The caller (a file system starting a translator, with file_exec_paths)
 * made the task with task_create and set its bootstrap port.  exec:
 *   1. checks the request (sizes, flags, the vectors' termination);
 *   2. reads the program through FILE into a memfd (load.c);
 *   3. makes the program's startup port with what exec_startup_get_info
 *      will answer, and registers it in the task's slot 0;
 *   4. applies deallocnames and destroynames to the task's space;
 *   5. starts the Linux process with hell_task_exec, and from then on the
 *      startup port lives until the task dies (bootinfo.c).
 * On success exec owns (and keeps or drops) FILE, the task and the ports
 * of DTABLE and PORTARRAY; on an error it has taken none of them, and the
 * request's rights go back with it.
 *
 * Meaningless on HELL: EXEC_NEWTASK (a task's program is started once,
 * into the embryo the caller made) answers EOPNOTSUPP; EXEC_SIGTRAP and
 * EXEC_STACK_ARGS are ignored (Linux loads and starts the program).  The
 * program's descriptors are exec's own standard streams: the io ports of
 * DTABLE reach it only through exec_startup_get_info. */
#include "exec.h"

#include <hell/hell.h>
#include <hurd/port.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec_S.h"

extern char **environ;

/* Whether the argz vector ARGZ of LEN bytes is well formed: empty, or
 * ending with a NUL. */
static int
argz_ok(const char *argz, size_t len)
{
	return len == 0 || argz[len - 1] == '\0';
}

/* The NULL-terminated vector of the strings of argz ARGZ (LEN bytes,
 * well formed), with EXTRA more NULL slots at the end; NULL on no
 * memory.  The strings are ARGZ's own. */
static char **
argz_vector(const char *argz, size_t len, size_t extra)
{
	size_t n = 0, i;
	char **v;

	for (i = 0; i < len; i++)
		n += argz[i] == '\0';
	v = calloc(n + extra + 1, sizeof *v);
	if (!v)
		return NULL;
	for (i = 0, n = 0; i < len; i += strlen(argz + i) + 1)
		v[n++] = (char *) argz + i;
	return v;
}

/* Whether exec passes its own value of the environment variable ENTRY
 * (NAME=VALUE) to programs whose environment lacks NAME: the HELL_*
 * variables are how libmach reaches machd, and LD_LIBRARY_PATH is where
 * the dynamic loader finds HELL's libraries when they are not installed
 * (a program run from a memfd has no $ORIGIN to find them by). */
static int
inherited(const char *entry)
{
	return (strncmp(entry, "HELL_", 5) == 0 && strncmp(entry, "HELL_TASK_TOKEN=", 16) != 0) ||
	       strncmp(entry, "LD_LIBRARY_PATH=", 16) == 0;
}

/* The environment the program runs with: ENVP, plus exec's own values of
 * the inherited variables that ENVP lacks (a caller that gives no
 * environment must not cut its program off from the kernel).  NULL on no
 * memory. */
static char **
program_environment(const char *envp, size_t envplen)
{
	size_t extra = 0, n;
	char **env, **e;

	for (e = environ; *e; e++)
		extra += inherited(*e);
	env = argz_vector(envp, envplen, extra);
	if (!env)
		return NULL;
	for (n = 0; env[n]; n++)
		continue;
	for (e = environ; *e; e++) {
		size_t name = strcspn(*e, "=");
		size_t i;
		int present = 0;

		if (!inherited(*e))
			continue;
		for (i = 0; i < n && !present; i++)
			present = strncmp(env[i], *e, name + 1) == 0;
		if (!present)
			env[n++] = *e;
	}
	return env;
}

/* How many registered ports a task has (GNU Mach's REGISTERED_PORTS_MAX,
 * which its headers keep to the kernel). */
#define REGISTERED_PORTS_MAX 4

/* TASK's registered ports, as mach_ports_lookup gave them. */
struct registered {
	mach_port_t *ports;
	mach_msg_type_number_t count;
};

/* Drop SAVED's rights and memory. */
static void
registered_free(struct registered *saved)
{
	mach_msg_type_number_t i;

	for (i = 0; i < saved->count; i++)
		if (MACH_PORT_VALID(saved->ports[i]))
			mach_port_deallocate(mach_task_self(), saved->ports[i]);
	vm_deallocate(mach_task_self(), (vm_address_t) saved->ports,
		      saved->count * sizeof *saved->ports);
	saved->ports = NULL;
	saved->count = 0;
}

/* Register BOOT's port as TASK's slot 0, keeping its other registered
 * ports; what was registered before goes in *SAVED (for
 * registered_restore if the program does not start).  0 or a Mach
 * error. */
static error_t
register_startup_port(task_t task, struct bootinfo *boot, struct registered *saved)
{
	mach_port_t ports[REGISTERED_PORTS_MAX];
	mach_msg_type_number_t n, i;
	error_t err;

	saved->ports = NULL;
	saved->count = 0;
	err = mach_ports_lookup(task, &saved->ports, &saved->count);
	if (err)
		return err;
	n = saved->count > REGISTERED_PORTS_MAX ? REGISTERED_PORTS_MAX : saved->count;
	if (n == 0)
		n = 1;
	/* A registered port that died is dropped, not registered again. */
	for (i = 0; i < n; i++)
		ports[i] = i < saved->count && MACH_PORT_VALID(saved->ports[i]) ?
			   saved->ports[i] : MACH_PORT_NULL;
	ports[0] = ports_get_send_right(boot);
	err = mach_ports_register(task, ports, n);
	mach_port_deallocate(mach_task_self(), ports[0]);
	if (err)
		registered_free(saved);
	return err;
}

/* Put back the registered ports of SAVED in TASK (the program did not
 * start: the embryo stays as the caller made it), and free SAVED. */
static void
registered_restore(task_t task, struct registered *saved)
{
	mach_port_t ports[REGISTERED_PORTS_MAX];
	mach_msg_type_number_t n, i;

	n = saved->count > REGISTERED_PORTS_MAX ? REGISTERED_PORTS_MAX : saved->count;
	for (i = 0; i < n; i++)
		ports[i] = MACH_PORT_VALID(saved->ports[i]) ? saved->ports[i] : MACH_PORT_NULL;
	mach_ports_register(task, ports, n);
	registered_free(saved);
}

/* An error of hell_task_exec in errno terms. */
static error_t
start_error(kern_return_t kr, int saved_errno)
{
	switch (kr) {
	case KERN_INVALID_ARGUMENT:
		return EINVAL;	/* not a task, or not an embryo */
	case KERN_FAILURE:
		return saved_errno ? saved_errno : ENOEXEC;
	default:
		return kr;
	}
}

kern_return_t
S_exec_exec_paths(struct trivfs_protid *cred, mach_port_t file, mach_port_t task, int flags,
		  const_string_t path, const_string_t abspath,
		  const_data_t argv, mach_msg_type_number_t argvlen,
		  const_data_t envp, mach_msg_type_number_t envplen,
		  const_portarray_t dtable, mach_msg_type_number_t dtablesize,
		  const_portarray_t portarray, mach_msg_type_number_t nports,
		  const_intarray_t intarray, mach_msg_type_number_t nints,
		  const_mach_port_name_array_t deallocnames, mach_msg_type_number_t ndealloc,
		  const_mach_port_name_array_t destroynames, mach_msg_type_number_t ndestroy)
{
	struct execdata_filled defaults = { 0 };
	struct registered saved;
	struct bootinfo *boot;
	char **args = NULL, **env = NULL;
	mach_msg_type_number_t i;
	kern_return_t kr;
	pid_t pid;
	error_t err;
	int fd = -1;

	if (!cred)
		return EOPNOTSUPP;
	if (flags & EXEC_NEWTASK)
		return EOPNOTSUPP;
	if (!MACH_PORT_VALID(task))
		return EINVAL;
	if ((size_t) argvlen + envplen > EXEC_MAX_ARGS)
		return E2BIG;
	if (!argz_ok(argv, argvlen) || !argz_ok(envp, envplen))
		return EINVAL;
	if (dtablesize > EXEC_MAX_ARRAY || nports > EXEC_MAX_ARRAY || nints > EXEC_MAX_ARRAY ||
	    ndealloc > EXEC_MAX_ARRAY || ndestroy > EXEC_MAX_ARRAY)
		return E2BIG;

	/* The standard ports and ints the caller left out, with
	 * EXEC_DEFAULTS (exec_setexecdata's). */
	if (flags & EXEC_DEFAULTS) {
		err = execdata_fill(portarray, nports, intarray, nints, &defaults);
		if (err)
			return err;
		portarray = defaults.ports;
		nports = defaults.nports;
		intarray = defaults.ints;
		nints = defaults.nints;
	}

	err = exec_load_program(file, &fd);
	if (err)
		goto out_defaults;
	args = argz_vector(argv, argvlen, 0);
	env = program_environment(envp, envplen);
	if (!args || !env) {
		err = ENOMEM;
		goto out_fd;
	}

	err = bootinfo_create(task, flags, argv, argvlen, envp, envplen, dtable, dtablesize,
			      portarray, nports, intarray, nints, &boot);
	if (err)
		goto out_fd;
	err = register_startup_port(task, boot, &saved);
	if (err)
		goto out_boot;

	kr = hell_task_exec(task, abspath[0] ? abspath : path, fd, args, env, NULL, &pid);
	if (kr) {
		err = start_error(kr, errno);
		registered_restore(task, &saved);
		goto out_boot;
	}
	registered_free(&saved);
	close(fd);

	/* The program runs.  The names the caller wanted gone from its
	 * space go (a name it already dropped is no error of the exec). */
	for (i = 0; i < ndealloc; i++)
		mach_port_deallocate(task, deallocnames[i]);
	for (i = 0; i < ndestroy; i++)
		mach_port_destroy(task, destroynames[i]);
	bootinfo_track(boot);
	mach_port_deallocate(mach_task_self(), file);
	execdata_release(&defaults, 1);
	free(args);
	free(env);
	return 0;

out_boot:
	ports_destroy_right(boot);
	ports_port_deref(boot);
out_fd:
	free(args);
	free(env);
	if (fd >= 0)
		close(fd);
out_defaults:
	execdata_release(&defaults, 0);
	return err;
}

kern_return_t
S_exec_exec(struct trivfs_protid *cred, mach_port_t file, mach_port_t task, int flags,
	    const_data_t argv, mach_msg_type_number_t argvlen,
	    const_data_t envp, mach_msg_type_number_t envplen,
	    const_portarray_t dtable, mach_msg_type_number_t dtablesize,
	    const_portarray_t portarray, mach_msg_type_number_t nports,
	    const_intarray_t intarray, mach_msg_type_number_t nints,
	    const_mach_port_name_array_t deallocnames, mach_msg_type_number_t ndealloc,
	    const_mach_port_name_array_t destroynames, mach_msg_type_number_t ndestroy)
{
	return S_exec_exec_paths(cred, file, task, flags, "", "", argv, argvlen, envp, envplen,
				 dtable, dtablesize, portarray, nports, intarray, nints,
				 deallocnames, ndealloc, destroynames, ndestroy);
}

/* <hell/hell.h>: what HELL adds to the GNU Mach interface for programs on
 * Linux.  Link with libmach (pkg-config hell). */
#ifndef HELL_HELL_H
#define HELL_HELL_H

#include <mach.h>
#include <sys/types.h>
#include <hell/channel.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Special ports a new task starts with.  Each is a send right name in the
 * caller's space (copied, not moved), or MACH_PORT_NULL.  kernel, when set,
 * replaces what the child's mach_task_self() names (TASK_KERNEL_PORT). */
struct hell_spawn_ports {
	mach_port_t bootstrap;
	mach_port_t exception;
	mach_port_t kernel;
};

/* Start the program PATH (searched in $PATH if it has no '/') with ARGV and
 * ENVP (NULL: the caller's environment) as a new task, posix_spawn style.
 * The child's special ports are set from PORTS (NULL: none) before it runs,
 * so task_get_bootstrap_port() in the child returns what the caller gave.
 * The child's space is otherwise empty: no rights are inherited.
 *
 * On success *TASK (if not NULL) receives a send right to the child's task
 * port and *PID (if not NULL) its Linux pid, which the caller may wait for
 * with waitpid().  Returns KERN_SUCCESS; KERN_INVALID_CAPABILITY if a port
 * in PORTS is not a send right of the caller; KERN_FAILURE if the program
 * could not be started (errno says why); MACH_SEND_INVALID_DEST if machd
 * cannot be reached.  The child must be linked with libmach to be a task
 * that runs Mach code; any program can be started. */
kern_return_t hell_task_spawn(const char *path, char *const argv[], char *const envp[],
			      const struct hell_spawn_ports *ports,
			      task_t *task, pid_t *pid);

/* machd's counts of its objects (ports, names, messages, memory ...), for
 * leak checks and benchmarks. */
kern_return_t hell_machd_stats(struct hell_machd_stats *stats);

#ifdef __cplusplus
}
#endif

#endif

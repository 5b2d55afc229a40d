/* <hell/hell.h>: what HELL adds to the GNU Mach interface for programs on
 * Linux.  Link with libmach (pkg-config hell). */
#ifndef HELL_HELL_H
#define HELL_HELL_H

#include <mach.h>
#include <sys/types.h>
#include <hell/channel.h>
#include <hell/hell_rpc.h>
#include <hell/trace.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The exit status of a task whose machd went away while it ran (hell down,
 * or machd killed): libmach ends the process, as GNU Mach destroys its
 * tasks with it, rather than retrying for ever.  128 + SIGKILL, as if the
 * task had been killed.  */
#define HELL_EXIT_MACHD_GONE 137

/* Special ports a new task starts with.  Each is a send right name in the
 * caller's space (copied, not moved), or MACH_PORT_NULL.  kernel, when set,
 * replaces what the child's mach_task_self() names (TASK_KERNEL_PORT). */
struct hell_spawn_ports {
	mach_port_t bootstrap;
	mach_port_t exception;
	mach_port_t kernel;
};

/* Start the program PATH (searched in $PATH if it has no '/') with ARGV and
 * ENVP (NULL: the caller's environment) as a new task, posix_spawn style:
 * task_create(mach_task_self()) and hell_task_exec in one.  The child's
 * special ports are set from PORTS (NULL: none) before it runs, so
 * task_get_bootstrap_port() in the child returns what the caller gave; its
 * registered ports are the caller's (mach_ports_lookup), as task_create
 * passes them.  Its space is otherwise empty: no rights are inherited.
 *
 * On success *TASK (if not NULL) receives a send right to the child's task
 * port and *PID (if not NULL) its Linux pid, which the caller may wait for
 * with waitpid().  Returns KERN_SUCCESS; KERN_INVALID_CAPABILITY if a port
 * in PORTS is not a send right of the caller; KERN_FAILURE if the program
 * could not be started (errno says why; the task is gone);
 * MACH_SEND_INVALID_DEST if machd cannot be reached.  The child must be
 * linked with libmach to be a task that runs Mach code; any program can be
 * started. */
kern_return_t hell_task_spawn(const char *path, char *const argv[], char *const envp[],
			      const struct hell_spawn_ports *ports,
			      task_t *task, pid_t *pid);

/* Start a Linux process for TASK, a task made by task_create that has none
 * yet (an embryo): the process becomes TASK when it connects, so its
 * mach_task_self() names TASK, and its special and registered ports, and
 * every right put into TASK's space before, are TASK's.  The program is
 * EXEC_FD if it is >= 0 (an open file holding an ELF program, such as a
 * memfd; it is executed through /proc/self/fd, so a script would not
 * work), else PATH (searched in $PATH if it has no '/').  ARGV and ENVP
 * (NULL: the caller's environment) as for execve.  STDFDS, if not NULL,
 * are the descriptors of the caller that become the process's standard
 * input, output and error (a negative one: closed in the process); NULL:
 * the caller's.  Other descriptors are inherited as by posix_spawn.
 *
 * The process is a child of the caller: *PID (if not NULL) receives its
 * pid, for waitpid().  TASK ends when its process does.  Returns
 * KERN_SUCCESS; KERN_INVALID_ARGUMENT if TASK is not a send right to a
 * task without a process (one that has or had a process, a fork child,
 * or one whose process another hell_task_exec is starting), or PATH and
 * EXEC_FD are both missing; KERN_FAILURE if the program could not be
 * started (errno says why; TASK stays without a process and may be
 * exec'd again); MACH_SEND_INVALID_DEST if machd cannot be reached. */
kern_return_t hell_task_exec(task_t task, const char *path, int exec_fd, char *const argv[],
			     char *const envp[], const int stdfds[3], pid_t *pid);

/* machd's counts of its objects (ports, names, messages, memory ...), for
 * leak checks and benchmarks. */
kern_return_t hell_machd_stats(struct hell_machd_stats *stats);

/* Whether the calling thread is cancelled: libmach asks this when a
 * thread's mach_msg wait is interrupted by a Linux signal.  If it answers
 * non-zero the call returns MACH_SEND_INTERRUPTED / MACH_RCV_INTERRUPTED
 * even without MACH_*_INTERRUPT, and a MIG stub gives that up as its
 * result; otherwise the wait goes on, as glibc's mach_msg retries.  A
 * program sets it once (with an atomic store) to abort its own blocked
 * RPCs: libports does (hurd_thread_cancel), and so does hellfs (an RPC
 * past its deadline).  NULL: never cancelled.  */
extern int (*hell_mach_msg_cancelled)(void);

#ifdef __cplusplus
}
#endif

#endif

/* The routines of <hurd/process.defs> that HELL's proc does not serve.
 * Each answers EOPNOTSUPP (and says so with --verbose); docs/hurd.md lists
 * them with the reason.  Rights in a refused request are destroyed by the
 * message loop.  */
#include "proc.h"

#include "process_S.h"

static kern_return_t
unsupported(const char *routine)
{
	boot_server_log("%s: not supported on HELL", routine);
	return EOPNOTSUPP;
}

/* Exec's default ports and ints: HELL's exec takes them from its caller. */
kern_return_t
S_proc_setexecdata(struct proc *p, const_portarray_t ports, mach_msg_type_number_t nports,
		   const_intarray_t ints, mach_msg_type_number_t nints)
{
	return unsupported("proc_setexecdata");
}

kern_return_t
S_proc_getexecdata(struct proc *p, portarray_t *ports, mach_msg_type_name_t *ports_type,
		   mach_msg_type_number_t *nports, intarray_t *ints,
		   mach_msg_type_number_t *nints)
{
	return unsupported("proc_getexecdata");
}

kern_return_t
S_proc_execdata_notify(struct proc *p, mach_port_t notify)
{
	return unsupported("proc_execdata_notify");
}

/* A process cannot move to another task: its pid is its Linux process's. */
kern_return_t
S_proc_reassign(struct proc *p, mach_port_t newtask)
{
	return unsupported("proc_reassign");
}

kern_return_t
S_proc_reauthenticate_reassign(struct proc *p, mach_port_t rendezvous, mach_port_t new_task)
{
	return unsupported("proc_reauthenticate_reassign");
}

/* Only meaningful on the port proc_reauthenticate makes, where proc
 * itself receives it (owner.c); on a process's port it always fails, as
 * on the Hurd.  */
kern_return_t
S_proc_reauthenticate_complete(struct proc *p)
{
	return EOPNOTSUPP;
}

/* Retired on the Hurd too: the owner is the first uid from
 * proc_reauthenticate.  */
kern_return_t
S_proc_setowner(struct proc *p, uid_t owner, int clear)
{
	return EOPNOTSUPP;
}

/* Thread ports and exceptions: HELL's machd gives proc no thread ports.  */
kern_return_t
S_proc_dostop(struct proc *p, mach_port_t contthread)
{
	return unsupported("proc_dostop");
}

kern_return_t
S_proc_handle_exceptions(struct proc *p, mach_port_t msgport, mach_port_t forwardport,
			 int flavor, const thread_state_t new_state,
			 mach_msg_type_number_t new_state_count)
{
	return unsupported("proc_handle_exceptions");
}

/* Sessions and process groups are Linux's: a program changes them with
 * Linux's setsid and setpgid (hierarchy.c).  */
kern_return_t
S_proc_setsid(struct proc *p)
{
	return unsupported("proc_setsid");
}

kern_return_t
S_proc_setpgrp(struct proc *p, pid_t pid, pid_t pgrp)
{
	return unsupported("proc_setpgrp");
}

kern_return_t
S_proc_getsidport(struct proc *p, mach_port_t *port, mach_msg_type_name_t *port_type)
{
	return unsupported("proc_getsidport");
}

/* Not implemented on the Hurd either.  */
kern_return_t
S_proc_get_tty(struct proc *p, pid_t pid, mach_port_t *tty, mach_msg_type_name_t *tty_type)
{
	return unsupported("proc_get_tty");
}

/* HELL has no init process (pid 1 is Linux's) and no subhurds.  */
kern_return_t
S_proc_set_init_task(struct proc *p, mach_port_t task)
{
	return unsupported("proc_set_init_task");
}

kern_return_t
S_proc_make_task_namespace(struct proc *p, mach_port_t notify)
{
	return unsupported("proc_make_task_namespace");
}

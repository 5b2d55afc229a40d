/* What a process tells proc about itself, and gets back: its message
 * port, where its arguments and code are, its executable, and flags
 * (exec'd, traced, important ...).  proc keeps these for the process
 * and hands them out; it does not act on them.
 *
 * proc_lock is held throughout.  */
#include "proc.h"

#include <stdlib.h>
#include <string.h>

#include "process_S.h"

/* Implement proc_setmsgport as described in <hurd/process.defs>: the
 * old message port (MACH_PORT_NULL if none) is given back.  */
kern_return_t
S_proc_setmsgport(struct proc *p, mach_port_t reply, mach_msg_type_name_t reply_type,
		  mach_port_t msgport, mach_port_t *old, mach_msg_type_name_t *old_type)
{
	if (!p)
		return EOPNOTSUPP;
	*old = p->msgport;
	*old_type = MACH_MSG_TYPE_MOVE_SEND;
	p->msgport = msgport;
	return 0;
}

/* Implement proc_getmsgport as described in <hurd/process.defs>: the
 * message port of PID, MACH_PORT_NULL if it has none (or it died).  proc
 * does not wait for one to be set, as the Hurd does for a process that
 * is being exec'd into a new task: HELL's pids stay with their task.
 * EOPNOTSUPP when not sent to a process; ESRCH for an unknown PID.  */
kern_return_t
S_proc_getmsgport(struct proc *caller, mach_port_t reply, mach_msg_type_name_t reply_type,
		  pid_t pid, mach_port_t *msgport, mach_msg_type_name_t *msgport_type)
{
	if (!caller)
		return EOPNOTSUPP;
	struct proc *p = proc_for_pid(pid);
	if (!p)
		return ESRCH;
	mach_port_type_t type;
	if (MACH_PORT_VALID(p->msgport) &&
	    (mach_port_type(mach_task_self(), p->msgport, &type) != KERN_SUCCESS ||
	     (type & MACH_PORT_TYPE_DEAD_NAME))) {
		mach_port_deallocate(mach_task_self(), p->msgport);
		p->msgport = MACH_PORT_NULL;
	}
	*msgport = p->msgport;
	*msgport_type = MACH_MSG_TYPE_COPY_SEND;
	return 0;
}

/* Implement proc_set_arg_locations as described in <hurd/process.defs>.
 * Kept and given back; proc_getprocargs reads Linux's /proc instead.  */
kern_return_t
S_proc_set_arg_locations(struct proc *p, vm_address_t argv, vm_address_t envp)
{
	if (!p)
		return EOPNOTSUPP;
	p->argv = argv;
	p->envp = envp;
	return 0;
}

kern_return_t
S_proc_get_arg_locations(struct proc *p, vm_address_t *argv, vm_address_t *envp)
{
	if (!p)
		return EOPNOTSUPP;
	*argv = p->argv;
	*envp = p->envp;
	return 0;
}

kern_return_t
S_proc_set_code(struct proc *p, vm_address_t start_code, vm_address_t end_code)
{
	if (!p)
		return EOPNOTSUPP;
	p->start_code = start_code;
	p->end_code = end_code;
	return 0;
}

kern_return_t
S_proc_get_code(struct proc *p, vm_address_t *start_code, vm_address_t *end_code)
{
	if (!p)
		return EOPNOTSUPP;
	*start_code = p->start_code;
	*end_code = p->end_code;
	return 0;
}

kern_return_t
S_proc_set_entry(struct proc *p, vm_address_t entry)
{
	if (!p)
		return EOPNOTSUPP;
	p->entry = entry;
	return 0;
}

kern_return_t
S_proc_get_entry(struct proc *p, vm_address_t *entry)
{
	if (!p)
		return EOPNOTSUPP;
	*entry = p->entry;
	return 0;
}

/* Implement proc_set_exe as described in <hurd/process.defs>.  */
kern_return_t
S_proc_set_exe(struct proc *p, const_string_t path)
{
	if (!p)
		return EOPNOTSUPP;
	char *copy = strndup(path, sizeof(string_t) - 1);
	if (!copy)
		return ENOMEM;
	free(p->exe);
	p->exe = copy;
	return 0;
}

kern_return_t
S_proc_mark_exec(struct proc *p)
{
	if (!p)
		return EOPNOTSUPP;
	p->execed = true;
	return 0;
}

kern_return_t
S_proc_mark_traced(struct proc *p)
{
	if (!p)
		return EOPNOTSUPP;
	p->traced = true;
	return 0;
}

/* Implement proc_mod_stopchild as described in <hurd/process.defs>: kept
 * for proc_getprocinfo's sake; proc sends no SIGCHLD (Linux does).  */
kern_return_t
S_proc_mod_stopchild(struct proc *p, int doit)
{
	if (!p)
		return EOPNOTSUPP;
	p->nostopchild = !doit;
	return 0;
}

/* Implement proc_mark_important as described in <hurd/process.defs>:
 * only a process with uid 0, or a child of startup.  EPERM otherwise.  */
kern_return_t
S_proc_mark_important(struct proc *p)
{
	if (!p)
		return EOPNOTSUPP;
	if (!proc_has_uid(p, 0) && (!startup_proc || proc_parent(p) != startup_proc))
		return EPERM;
	p->important = true;
	return 0;
}

kern_return_t
S_proc_is_important(struct proc *p, boolean_t *essential)
{
	if (!p)
		return EOPNOTSUPP;
	*essential = p->important;
	return 0;
}

/* Parents, login collections, process groups and sessions.
 *
 * A process's parent is the one proc_child named, else its Linux parent
 * (table.c, proc_parent).  Process groups and sessions are Linux's: a
 * HELL program joins them with Linux's setpgid and setsid, so proc
 * reports what /proc says and does not change them (proc_setpgrp and
 * proc_setsid are refused, unsupported.c).  Login collections are the
 * Hurd's alone: a process is in the collection of its nearest ancestor
 * that called proc_make_login_coll, or is its own collection's root when
 * it has none.
 *
 * proc_lock is held throughout.  */
#include "proc.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "process_S.h"

/* The longest parent chain walked: more than any real one, and an end to
 * a loop should one ever form.  */
#define MAX_ANCESTRY 4096

/* Implement proc_child as described in <hurd/process.defs>: CHILD's task
 * becomes a child of P, with P's ids and login name (and its executable
 * and code range, if it set none).  EOPNOTSUPP when not sent to a
 * process; ESRCH when CHILD is not a task; EBUSY when CHILD already has
 * a parent from proc_child; EINVAL when CHILD is P or one of P's
 * ancestors.  */
kern_return_t
S_proc_child(struct proc *p, mach_port_t child_task)
{
	if (!p)
		return EOPNOTSUPP;
	struct proc *child = proc_for_task(child_task, true);
	if (!child)
		return ESRCH;
	if (child->parentset)
		return EBUSY;
	struct proc *q = p;
	for (int i = 0; q && i < MAX_ANCESTRY; i++, q = proc_parent(q))
		if (q == child)
			return EINVAL;

	char *login = NULL;
	if (p->login && !(login = strdup(p->login)))
		return ENOMEM;
	error_t err = proc_set_ids(child, p->uids, p->nuids);
	if (err) {
		free(login);
		return err;
	}
	free(child->login);
	child->login = login;
	child->parent = p;
	child->parentset = true;
	if (!child->start_code && !child->end_code) {
		child->start_code = p->start_code;
		child->end_code = p->end_code;
	}
	if (!child->exe && p->exe)
		child->exe = strdup(p->exe);
	mach_port_deallocate(mach_task_self(), child_task);
	return 0;
}

/* Implement proc_getpids as described in <hurd/process.defs>: ORPHANED
 * tells whether P's (Linux) process group is orphaned.  */
kern_return_t
S_proc_getpids(struct proc *p, pid_t *pid, pid_t *ppid, int *orphaned)
{
	if (!p)
		return EOPNOTSUPP;
	*pid = p->pid;
	*ppid = proc_ppid(p);
	struct linux_stat st;
	*orphaned = p->pid > 0 && linux_read_stat(p->pid, 0, &st) == 0 &&
		    linux_pgrp_orphaned(st.pgrp, st.session);
	return 0;
}

struct proc *
proc_login_leader(struct proc *p)
{
	struct proc *last = p;
	for (int i = 0; p && i < MAX_ANCESTRY; i++) {
		if (p->loginleader)
			return p;
		last = p;
		p = proc_parent(p);
	}
	return last;
}

/* Implement proc_make_login_coll as described in <hurd/process.defs>.  */
kern_return_t
S_proc_make_login_coll(struct proc *p)
{
	if (!p)
		return EOPNOTSUPP;
	p->loginleader = true;
	return 0;
}

/* Implement proc_getloginid as described in <hurd/process.defs>.  ESRCH
 * for an unknown PID.  */
kern_return_t
S_proc_getloginid(struct proc *caller, pid_t pid, pid_t *leader)
{
	struct proc *p = proc_for_pid(pid);
	if (!p)
		return ESRCH;
	*leader = proc_login_leader(p)->pid;
	return 0;
}

/* Implement proc_getloginpids as described in <hurd/process.defs>: the
 * leader ID and its descendants that lead no collection of their own.
 * ESRCH when ID is no login collection's leader.  */
kern_return_t
S_proc_getloginpids(struct proc *caller, pid_t id, pid_t **pids, mach_msg_type_number_t *npids)
{
	struct proc *leader = proc_for_pid(id);
	if (!leader || !leader->loginleader)
		return ESRCH;

	size_t n = 0, cap = 16;
	struct proc **found = malloc(cap * sizeof *found);
	if (!found)
		return ENOMEM;
	found[n++] = leader;
	for (size_t i = 0; i < n; i++)
		for (struct proc *q = proc_list; q; q = q->next) {
			if (q->dead || q->pid <= 0 || q->loginleader || proc_parent(q) != found[i])
				continue;
			if (n == cap) {
				struct proc **more = realloc(found, 2 * cap * sizeof *found);
				if (!more) {
					free(found);
					return ENOMEM;
				}
				found = more;
				cap *= 2;
			}
			found[n++] = q;
		}

	pid_t *list = malloc(n * sizeof *list);
	error_t err = ENOMEM;
	if (list) {
		for (size_t i = 0; i < n; i++)
			list[i] = found[i]->pid;
		err = proc_give_pids(list, n, pids, npids);
	}
	free(list);
	free(found);
	return err;
}

/* Implement proc_setlogin as described in <hurd/process.defs>.
 * EOPNOTSUPP when not sent to a process; EPERM without uid 0.  */
kern_return_t
S_proc_setlogin(struct proc *p, const_string_t name)
{
	if (!p)
		return EOPNOTSUPP;
	if (!proc_has_uid(p, 0))
		return EPERM;
	char *copy = strndup(name, sizeof(string_t) - 1);
	if (!copy)
		return ENOMEM;
	free(p->login);
	p->login = copy;
	return 0;
}

/* Implement proc_getlogin as described in <hurd/process.defs>; "<none>"
 * for a process that has none, as on the Hurd.  */
kern_return_t
S_proc_getlogin(struct proc *p, string_t name)
{
	if (!p)
		return EOPNOTSUPP;
	snprintf(name, sizeof(string_t), "%s", p->login ? p->login : "<none>");
	return 0;
}

/* Linux's process group or session of the process PID.  */
static error_t
linux_ids_of(pid_t pid, struct linux_stat *st)
{
	struct proc *p = proc_for_pid(pid);
	if (!p)
		return ESRCH;
	return linux_read_stat(p->pid, 0, st);
}

/* Implement proc_getsid as described in <hurd/process.defs>: Linux's
 * session of PID.  ESRCH for a pid that is no process of proc's.  */
kern_return_t
S_proc_getsid(struct proc *caller, pid_t pid, pid_t *sid)
{
	struct linux_stat st;
	error_t err = linux_ids_of(pid, &st);
	if (!err)
		*sid = st.session;
	return err;
}

/* Implement proc_getpgrp as described in <hurd/process.defs>: Linux's
 * process group of PID.  ESRCH for a pid that is no process of proc's.  */
kern_return_t
S_proc_getpgrp(struct proc *caller, pid_t pid, pid_t *pgrp)
{
	struct linux_stat st;
	error_t err = linux_ids_of(pid, &st);
	if (!err)
		*pgrp = st.pgrp;
	return err;
}

enum select_by { BY_SESSION, BY_PGRP };

/* The pids (or, with DISTINCT_PGRPS, the distinct process groups) of the
 * live processes whose Linux session or process group is ID.  ESRCH when
 * there is none.  */
static error_t
select_pids(enum select_by by, pid_t id, bool distinct_pgrps, pid_t **out,
	    mach_msg_type_number_t *count)
{
	proc_resolve_embryos();
	size_t n = 0, cap = 16;
	pid_t *list = malloc(cap * sizeof *list);
	if (!list)
		return ENOMEM;
	for (struct proc *q = proc_list; q; q = q->next) {
		struct linux_stat st;
		if (q->dead || q->pid <= 0 || linux_read_stat(q->pid, 0, &st) != 0)
			continue;
		if ((by == BY_SESSION ? st.session : st.pgrp) != id)
			continue;
		pid_t value = distinct_pgrps ? st.pgrp : q->pid;
		bool seen = false;
		for (size_t i = 0; distinct_pgrps && i < n; i++)
			seen |= list[i] == value;
		if (seen)
			continue;
		if (n == cap) {
			pid_t *more = realloc(list, 2 * cap * sizeof *list);
			if (!more) {
				free(list);
				return ENOMEM;
			}
			list = more;
			cap *= 2;
		}
		list[n++] = value;
	}
	error_t err = n ? proc_give_pids(list, n, out, count) : ESRCH;
	free(list);
	return err;
}

/* Implement proc_getsessionpids as described in <hurd/process.defs>.  */
kern_return_t
S_proc_getsessionpids(struct proc *caller, pid_t sid, pid_t **pids,
		      mach_msg_type_number_t *npids)
{
	return select_pids(BY_SESSION, sid, false, pids, npids);
}

/* Implement proc_getsessionpgids as described in <hurd/process.defs>.  */
kern_return_t
S_proc_getsessionpgids(struct proc *caller, pid_t sid, pid_t **pgids,
		       mach_msg_type_number_t *npgids)
{
	return select_pids(BY_SESSION, sid, true, pgids, npgids);
}

/* Implement proc_getpgrppids as described in <hurd/process.defs>; PGRP 0
 * is the caller's own.  EOPNOTSUPP for PGRP 0 when not sent to a
 * process.  */
kern_return_t
S_proc_getpgrppids(struct proc *caller, pid_t pgrp, pid_t **pids,
		   mach_msg_type_number_t *npids)
{
	if (pgrp == 0) {
		struct linux_stat st;
		if (!caller)
			return EOPNOTSUPP;
		if (caller->pid <= 0 || linux_read_stat(caller->pid, 0, &st) != 0)
			return ESRCH;
		pgrp = st.pgrp;
	}
	return select_pids(BY_PGRP, pgrp, false, pids, npids);
}

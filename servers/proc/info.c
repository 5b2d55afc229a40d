/* Finding processes and reading about them: pids, tasks and process
 * ports (proc_pid2task ... proc_task2proc), the process list, and what ps
 * shows (proc_getprocinfo, proc_getprocargs, proc_getprocenv ...).  What
 * Linux knows comes from /proc (linux.c), read at each call.
 *
 * proc_lock is held throughout.  */
#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "process_S.h"

/* A dead process not yet reaped with pid PID, if any.  */
static struct proc *
zombie_for_pid(pid_t pid)
{
	for (struct proc *p = proc_list; p; p = p->next)
		if (p->dead && !p->reaped && p->pid == pid)
			return p;
	return NULL;
}

/* The process PID, for CALLER to act on: ESRCH for an unknown PID,
 * EPERM when CALLER does not own it (proc_owns); 0 with *RESULT NULL for
 * a process that has ended.  */
static error_t
owned_pid(struct proc *caller, pid_t pid, struct proc **result)
{
	struct proc *p = proc_for_pid(pid);
	*result = NULL;
	if (!p)
		return zombie_for_pid(pid) ? 0 : ESRCH;
	if (!proc_owns(caller, p))
		return EPERM;
	*result = p;
	return 0;
}

/* Implement proc_pid2task as described in <hurd/process.defs>: the task
 * of PID, if the caller owns it (proc_owns); MACH_PORT_NULL for a process
 * that has ended.  EOPNOTSUPP when not sent to a process; ESRCH for an
 * unknown PID; EPERM.  */
kern_return_t
S_proc_pid2task(struct proc *caller, pid_t pid, mach_port_t *task)
{
	if (!caller)
		return EOPNOTSUPP;
	struct proc *p;
	error_t err = owned_pid(caller, pid, &p);
	if (err)
		return err;
	*task = p ? p->task : MACH_PORT_NULL;
	return 0;
}

/* Implement proc_task2pid as described in <hurd/process.defs>.  ESRCH
 * when TASK is no task, or a task without a process yet.  */
kern_return_t
S_proc_task2pid(struct proc *caller, mach_port_t task, pid_t *pid)
{
	struct proc *p = proc_for_task(task, true);
	if (!p || p->pid <= 0)
		return ESRCH;
	*pid = p->pid;
	mach_port_deallocate(mach_task_self(), task);
	return 0;
}

/* Implement proc_task2proc as described in <hurd/process.defs>.  HELL's
 * addition: for MACH_PORT_NULL, the generic proc port, which is no
 * process (what startup gives to tasks that have no proc port of their
 * own; libhurd turns it into theirs with proc_task2proc).  ESRCH when
 * TASK is no task.  */
kern_return_t
S_proc_task2proc(struct proc *caller, mach_port_t task, mach_port_t *proc,
		 mach_msg_type_name_t *proc_type)
{
	if (task == MACH_PORT_NULL) {
		*proc = proc_generic_right();
		*proc_type = MACH_MSG_TYPE_MAKE_SEND;
		return 0;
	}
	struct proc *p = proc_for_task(task, true);
	if (!p)
		return ESRCH;
	*proc = ports_get_right(p);
	*proc_type = MACH_MSG_TYPE_MAKE_SEND;
	mach_port_deallocate(mach_task_self(), task);
	return 0;
}

/* Implement proc_proc2task as described in <hurd/process.defs>.  */
kern_return_t
S_proc_proc2task(struct proc *p, mach_port_t *task)
{
	if (!p)
		return EOPNOTSUPP;
	*task = p->task;
	return 0;
}

/* Implement proc_pid2proc as described in <hurd/process.defs>, with
 * proc_pid2task's rules.  */
kern_return_t
S_proc_pid2proc(struct proc *caller, pid_t pid, mach_port_t *proc,
		mach_msg_type_name_t *proc_type)
{
	if (!caller)
		return EOPNOTSUPP;
	struct proc *p;
	error_t err = owned_pid(caller, pid, &p);
	if (err)
		return err;
	*proc = p ? ports_get_right(p) : MACH_PORT_NULL;
	*proc_type = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

/* Implement proc_getallpids as described in <hurd/process.defs>: every
 * live process (not the tasks without a process yet, nor those that
 * ended).  */
kern_return_t
S_proc_getallpids(struct proc *caller, pid_t **pids, mach_msg_type_number_t *npids)
{
	proc_resolve_embryos();
	size_t n = 0;
	for (struct proc *p = proc_list; p; p = p->next)
		n += !p->dead && p->pid > 0;
	pid_t *list = malloc((n ? n : 1) * sizeof *list);
	if (!list)
		return ENOMEM;
	size_t i = 0;
	for (struct proc *p = proc_list; p; p = p->next)
		if (!p->dead && p->pid > 0)
			list[i++] = p->pid;
	error_t err = proc_give_pids(list, n, pids, npids);
	free(list);
	return err;
}

static void
ticks_to_times(unsigned long long ticks, rpc_time_value_t *tv, time_value64_t *tv64)
{
	long hz = linux_clock_ticks();
	tv->seconds = (long) (ticks / hz);
	tv->microseconds = (integer_t) (ticks % hz * 1000000 / hz);
	tv64->seconds = (int64_t) (ticks / hz);
	tv64->nanoseconds = (int64_t) (ticks % hz * 1000000000 / hz);
}

static integer_t
run_state(char state)
{
	switch (state) {
	case 'R':
		return TH_STATE_RUNNING;
	case 'D':
		return TH_STATE_UNINTERRUPTIBLE;
	case 'T':
	case 't':
		return TH_STATE_STOPPED;
	case 'Z':
	case 'X':
		return TH_STATE_HALTED;
	default:
		return TH_STATE_WAITING;	/* S, I, W ... */
	}
}

/* One thread's entry of procinfo.threadinfos, from Linux's stat of TID.  */
static void
fill_thread(pid_t pid, pid_t tid, int flags, __typeof__(((struct procinfo *) 0)->threadinfos[0]) *ti)
{
	struct linux_stat ts;
	if (linux_read_stat(pid, tid, &ts) != 0) {
		ti->died = 1;
		return;
	}
	if (flags & PI_FETCH_THREAD_BASIC) {
		struct thread_basic_info *bi = &ti->pis_bi;
		ticks_to_times(ts.utime, &bi->user_time, &bi->user_time64);
		ticks_to_times(ts.stime, &bi->system_time, &bi->system_time64);
		time_value64_t created64;
		rpc_time_value_t created;
		ticks_to_times(ts.starttime, &created, &created64);
		created.seconds += linux_boot_time();
		created64.seconds += linux_boot_time();
		bi->creation_time = created;
		bi->creation_time64 = created64;
		bi->base_priority = bi->cur_priority = (integer_t) ts.priority;
		bi->run_state = run_state(ts.state);
		bi->suspend_count = ts.state == 'T';
	}
	if (flags & PI_FETCH_THREAD_SCHED) {
		struct thread_sched_info *si = &ti->pis_si;
		si->policy = ts.policy == SCHED_FIFO || ts.policy == SCHED_RR ? POLICY_FIXEDPRI
									     : POLICY_TIMESHARE;
		si->base_priority = si->max_priority = si->cur_priority = (integer_t) ts.priority;
		si->last_processor = ts.processor;
	}
}

/* Implement proc_getprocinfo as described in <hurd/process.defs>, from
 * proc's record and Linux's /proc: state bits (PI_*), owner (the first
 * uid from auth; Linux's effective uid when not owned), parent, Linux's
 * process group and session, login collection; with PI_FETCH_TASKINFO
 * sizes, times and priority; with PI_FETCH_TASKEVENTS page faults; with
 * PI_FETCH_THREADS the thread count, and with PI_FETCH_THREAD_BASIC /
 * _SCHED each thread's times, state and priority.  PI_FETCH_THREAD_WAITS
 * is cleared from FLAGS: proc has no thread ports to ask a process's
 * message port about (THREADWAITS is empty).  ESRCH for an unknown
 * WHICH; Linux's refusal.  */
kern_return_t
S_proc_getprocinfo(struct proc *caller, pid_t which, int *flags, procinfo_t *piarray,
		   mach_msg_type_number_t *picount, data_t *waits,
		   mach_msg_type_number_t *nwaits)
{
	struct proc *p = proc_for_pid(which);
	if (!p)
		return ESRCH;
	struct linux_stat st;
	error_t err = linux_read_stat(p->pid, 0, &st);
	if (err)
		return err;

	const int details = PI_FETCH_THREAD_BASIC | PI_FETCH_THREAD_SCHED | PI_FETCH_THREAD_WAITS;
	*flags &= ~PI_FETCH_THREAD_WAITS;
	if (*flags & details)
		*flags |= PI_FETCH_THREADS;
	pid_t *tids = NULL;
	size_t nthreads = 0;
	if (*flags & PI_FETCH_THREADS) {
		err = linux_thread_ids(p->pid, &tids, &nthreads);
		if (err)
			return err;
	}

	struct procinfo *pi;
	size_t size = sizeof *pi + ((*flags & details) ? nthreads * sizeof pi->threadinfos[0] : 0);
	/* Built in memory of our own, aligned for its 8-byte members, then
	 * copied into MIG's int array.  */
	pi = calloc(1, size);
	if (!pi) {
		free(tids);
		return ENOMEM;
	}

	uid_t luids[4] = { 0, 0, 0, 0 };
	linux_read_uids(p->pid, luids);
	bool owned = p->nuids > 0;
	pi->state = ((p->stopped || st.state == 'T') ? PI_STOPPED : 0) |
		    (p->execed ? PI_EXECED : 0) |
		    (p->waits ? PI_WAITING : 0) |
		    (linux_pgrp_orphaned(st.pgrp, st.session) ? PI_ORPHAN : 0) |
		    (!MACH_PORT_VALID(p->msgport) ? PI_NOMSG : 0) |
		    (st.session == p->pid ? PI_SESSLD : 0) |
		    (owned ? 0 : PI_NOTOWNED) |
		    (!p->parentset ? PI_NOPARENT : 0) |
		    (st.state == 'Z' ? PI_ZOMBIE : 0) |
		    ((p->traced || st.state == 't') ? PI_TRACED : 0) |
		    (p->loginleader ? PI_LOGINLD : 0);
	pi->owner = owned ? p->uids[0] : luids[1];
	pi->ppid = proc_ppid(p);
	pi->pgrp = st.pgrp;
	pi->session = st.session;
	pi->logincollection = proc_login_leader(p)->pid;
	if (p->stopped) {
		pi->exitstatus = p->status;
		pi->sigcode = p->sigcode;
	}
	pi->nthreads = (int) nthreads;

	if (*flags & PI_FETCH_TASKINFO) {
		struct task_basic_info *ti = &pi->taskinfo;
		ti->suspend_count = st.state == 'T';
		ti->base_priority = (integer_t) st.priority;
		ti->virtual_size = st.vsize;
		ti->resident_size = (rpc_vm_size_t) st.rss * (rpc_vm_size_t) sysconf(_SC_PAGESIZE);
		ticks_to_times(st.utime, &ti->user_time, &ti->user_time64);
		ticks_to_times(st.stime, &ti->system_time, &ti->system_time64);
		ticks_to_times(st.starttime, &ti->creation_time, &ti->creation_time64);
		ti->creation_time.seconds += linux_boot_time();
		ti->creation_time64.seconds += linux_boot_time();
	}
	if (*flags & PI_FETCH_TASKEVENTS) {
		pi->taskevents.faults = st.minflt + st.majflt;
		pi->taskevents.pageins = st.majflt;
	}
	if (*flags & details)
		for (size_t i = 0; i < nthreads; i++)
			fill_thread(p->pid, tids[i], *flags, &pi->threadinfos[i]);
	free(tids);

	/* SIZE is a multiple of the struct's alignment (8), so of int's.  */
	err = proc_give_array(pi, size / sizeof(int), sizeof(int), piarray, picount);
	free(pi);
	*nwaits = 0;
	return err;
}

/* /proc/PID/NAME of process WHICH as an out-array.  */
static error_t
give_proc_file(pid_t which, const char *name, char **out, mach_msg_type_number_t *count)
{
	struct proc *p = proc_for_pid(which);
	if (!p)
		return ESRCH;
	char *data;
	size_t len;
	error_t err = linux_read_file(p->pid, name, &data, &len);
	if (err)
		return err;
	err = proc_give_array(data, len, 1, out, count);
	free(data);
	return err;
}

/* Implement proc_getprocargs as described in <hurd/process.defs>: the
 * arguments, each ending in a NUL, as Linux's /proc/PID/cmdline gives
 * them (not read through proc_set_arg_locations).  ESRCH for an unknown
 * WHICH; EPERM when Linux refuses.  */
kern_return_t
S_proc_getprocargs(struct proc *caller, pid_t which, data_t *args, mach_msg_type_number_t *len)
{
	return give_proc_file(which, "cmdline", args, len);
}

/* Implement proc_getprocenv as described in <hurd/process.defs>, from
 * /proc/PID/environ (the environment the process started with).  */
kern_return_t
S_proc_getprocenv(struct proc *caller, pid_t which, data_t *env, mach_msg_type_number_t *len)
{
	return give_proc_file(which, "environ", env, len);
}

/* Implement proc_getnports as described in <hurd/process.defs>.  ESRCH
 * for an unknown WHICH.  */
kern_return_t
S_proc_getnports(struct proc *caller, pid_t which, mach_msg_type_number_t *nports)
{
	struct proc *p = proc_for_pid(which);
	if (!p)
		return ESRCH;
	mach_port_name_array_t names;
	mach_port_type_array_t types;
	mach_msg_type_number_t nnames, ntypes;
	kern_return_t kr = mach_port_names(p->task, &names, &nnames, &types, &ntypes);
	if (kr == KERN_INVALID_TASK || kr == KERN_INVALID_ARGUMENT || kr == MACH_SEND_INVALID_DEST)
		return ESRCH;
	if (kr)
		return kr;
	*nports = nnames;
	vm_deallocate(mach_task_self(), (vm_address_t) names, nnames * sizeof *names);
	vm_deallocate(mach_task_self(), (vm_address_t) types, ntypes * sizeof *types);
	return 0;
}

/* Implement proc_get_exe as described in <hurd/process.defs>: what the
 * process gave proc_set_exe, else Linux's /proc/PID/exe.  */
kern_return_t
S_proc_get_exe(struct proc *caller, pid_t which, string_t path)
{
	struct proc *p = proc_for_pid(which);
	if (!p)
		return ESRCH;
	if (p->exe) {
		snprintf(path, sizeof(string_t), "%s", p->exe);
		return 0;
	}
	if (linux_read_exe(p->pid, path, sizeof(string_t)) != 0)
		path[0] = '\0';
	return 0;
}

/* What servers told proc_register_version.  */
#define MAX_VERSIONS 32
static struct {
	char *name, *version;
} versions[MAX_VERSIONS];

/* Implement proc_uname as described in <hurd/process.defs>: the GNU
 * system of HELL on this Linux machine.  sysname "GNU"; release HELL's
 * version; version names Linux's release and the servers that
 * registered; nodename and machine are Linux's.  */
kern_return_t
S_proc_uname(struct proc *p, utsname_t *uts)
{
	struct utsname u;
	if (uname(&u) != 0)
		return errno;
	memset(uts, 0, sizeof *uts);
	snprintf(uts->sysname, sizeof uts->sysname, "GNU");
	snprintf(uts->nodename, sizeof uts->nodename, "%s", u.nodename);
	snprintf(uts->release, sizeof uts->release, "%s", HELL_VERSION);
	size_t off = (size_t) snprintf(uts->version, sizeof uts->version, "HELL %s on Linux %s",
				       HELL_VERSION, u.release);
	for (int i = 0; i < MAX_VERSIONS && versions[i].name; i++)
		if (off < sizeof uts->version)
			off += (size_t) snprintf(uts->version + off, sizeof uts->version - off,
						 "; %s %s", versions[i].name, versions[i].version);
	snprintf(uts->machine, sizeof uts->machine, "%s", u.machine);
	return 0;
}

/* Implement proc_register_version as described in <hurd/process.defs>.
 * EPERM unless CREDENTIAL is the privileged host port; ENOMEM when
 * MAX_VERSIONS servers registered already.  */
kern_return_t
S_proc_register_version(struct proc *p, mach_port_t credential, const_string_t name,
			const_string_t release, const_string_t version)
{
	if (credential != proc_host_priv)
		return EPERM;
	int i;
	for (i = 0; i < MAX_VERSIONS && versions[i].name; i++)
		if (!strcmp(versions[i].name, name))
			break;
	if (i == MAX_VERSIONS)
		return ENOMEM;
	char *n = strndup(name, sizeof(string_t) - 1), *v = strndup(version, sizeof(string_t) - 1);
	if (!n || !v) {
		free(n);
		free(v);
		return ENOMEM;
	}
	free(versions[i].name);
	free(versions[i].version);
	versions[i].name = n;
	versions[i].version = v;
	mach_port_deallocate(mach_task_self(), credential);
	return 0;
}

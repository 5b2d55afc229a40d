/* The process table: making, finding, ending and freeing struct procs
 * (their states are described in proc.h).
 *
 * References: each struct proc holds the reference libports gave at its
 * creation for as long as it is in proc_list; proc_free drops it.  The
 * pointers in the tables, in proc_list and in `parent' hold none: a
 * process is taken out of all of them (and its children's `parent'
 * cleared) before it is freed.
 *
 * Rights: `task' is one user reference to a send right (or the dead name
 * it became); the task table holds no extra reference.  A dead-name
 * notification is requested on every task, and cancelled when the
 * process ends by other means.
 *
 * Nothing is freed in the middle of an event: a process that ended, or
 * that its parent reaped, stays in proc_list (dead, maybe `reaped') until
 * proc_sweep_zombies runs at the end of the RPC, notification or pidfd
 * event (main.c, watch.c), so a caller walking proc_list or holding a
 * pointer never sees it go.
 *
 * proc_lock is held by every caller of every function here.  */
#include "proc.h"

#include <hell/hell_rpc.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

pthread_mutex_t proc_lock = PTHREAD_MUTEX_INITIALIZER;
struct proc *proc_list;

/* Live processes by Linux pid.  */
static struct hurd_ihash proc_by_pid =
	HURD_IHASH_INITIALIZER(offsetof(struct proc, pid_loc));
/* Processes by the name of their task port in our space.  */
static struct hurd_ihash proc_by_task =
	HURD_IHASH_INITIALIZER(offsetof(struct proc, task_loc));

struct proc *
proc_begin_using(mach_port_t port)
{
	return ports_lookup_port(proc_bucket, port, proc_class);
}

struct proc *
proc_begin_using_payload(uintptr_t payload)
{
	return ports_lookup_payload(proc_bucket, payload, proc_class);
}

void
proc_end_using(struct proc *p)
{
	if (p)
		ports_port_deref(p);
}

/* Give P the Linux pid PID and watch its process.  A live record that
 * still has PID is from before: its process has ended unnoticed (and the
 * pid was reused), or one Linux process became a second task; either
 * way the pid now belongs to P.  */
static void
set_pid(struct proc *p, pid_t pid)
{
	struct proc *old = hurd_ihash_find(&proc_by_pid, (hurd_ihash_key_t) pid);
	if (old && old != p) {
		if (proc_linux_reaped(old)) {
			proc_exited(old);
		} else {
			boot_server_log("pid %d: task %lu replaces task %lu", (int) pid,
					(unsigned long) p->task, (unsigned long) old->task);
			hurd_ihash_locp_remove(&proc_by_pid, old->pid_loc);
			old->pid_loc = NULL;
			proc_unwatch_pid(old);
		}
	}
	if (hurd_ihash_add(&proc_by_pid, (hurd_ihash_key_t) pid, p) != 0) {
		boot_server_log("pid %d: out of memory for the pid table", (int) pid);
		return;
	}
	p->pid = pid;
	struct linux_stat st;
	if (linux_read_stat(pid, 0, &st) == 0) {
		p->linux_ppid = st.ppid;
		p->linux_pgrp = st.pgrp;
	}
	proc_watch_pid(p);
}

struct proc *
proc_create(task_t task, pid_t pid)
{
	struct proc *p;
	if (ports_create_port(proc_class, proc_bucket, sizeof *p, &p) != 0) {
		if (MACH_PORT_VALID(task))
			mach_port_deallocate(mach_task_self(), task);
		return NULL;
	}
	memset((char *) p + sizeof p->pi, 0, sizeof *p - sizeof p->pi);
	p->task = MACH_PORT_NULL;
	p->pidfd = -1;
	p->msgport = MACH_PORT_NULL;

	p->next = proc_list;
	p->prevp = &proc_list;
	if (proc_list)
		proc_list->prevp = &p->next;
	proc_list = p;

	if (pid > 0)
		set_pid(p, pid);
	if (MACH_PORT_VALID(task) && proc_set_task(p, task) != 0) {
		proc_free(p);
		return NULL;
	}
	return p;
}

error_t
proc_set_task(struct proc *p, task_t task)
{
	error_t err = hurd_ihash_add(&proc_by_task, task, p);
	if (err) {
		mach_port_deallocate(mach_task_self(), task);
		return err;
	}
	p->task = task;
	/* Already dead: the notification comes at once.  */
	if (ports_request_dead_name_notification(p, task, NULL) != 0)
		boot_server_log("task %lu: no dead-name notification", (unsigned long) task);
	if (p->pid == 0) {
		int pid = 0;
		if (hell_task_pid(task, &pid) == KERN_SUCCESS && pid > 0)
			set_pid(p, pid);
	}
	return 0;
}

struct proc *
proc_for_task(task_t task, bool register_it)
{
	if (!MACH_PORT_VALID(task))
		return NULL;
	struct proc *p = hurd_ihash_find(&proc_by_task, task);
	if (!p && register_it) {
		/* TASK came from a client: it may be any port, and asking it
		 * anything (hell_task_pid) could wait for ever on a port whose
		 * receiver never answers.  Whether it is a task is learnt as
		 * the Hurd learns it: list every task, and see whether TASK is
		 * among them (one port has one name in our space).  */
		proc_add_all_tasks();
		p = hurd_ihash_find(&proc_by_task, task);
	}
	if (p && p->pid == 0 && !p->dead) {
		/* A name in the task table is a task port from machd.  */
		int pid = 0;
		if (hell_task_pid(task, &pid) == KERN_SUCCESS && pid > 0)
			set_pid(p, pid);
	}
	return p;
}

void
proc_resolve_embryos(void)
{
	for (struct proc *p = proc_list; p; p = p->next) {
		if (p->dead || p->pid != 0 || !MACH_PORT_VALID(p->task))
			continue;
		int pid = 0;
		if (hell_task_pid(p->task, &pid) == KERN_SUCCESS && pid > 0)
			set_pid(p, pid);
	}
}

struct proc *
proc_for_pid(pid_t pid)
{
	if (pid <= 0)
		return NULL;
	struct proc *p = hurd_ihash_find(&proc_by_pid, (hurd_ihash_key_t) pid);
	if (!p) {
		proc_resolve_embryos();
		p = hurd_ihash_find(&proc_by_pid, (hurd_ihash_key_t) pid);
	}
	return p;
}

struct proc *
proc_parent(struct proc *p)
{
	if (p->parentset && p->parent)
		return p->parent;
	if (!p->dead && p->pid > 0) {
		struct linux_stat st;
		if (linux_read_stat(p->pid, 0, &st) == 0) {
			p->linux_ppid = st.ppid;
			p->linux_pgrp = st.pgrp;
		}
	}
	if (p->linux_ppid <= 0)
		return NULL;
	struct proc *q = hurd_ihash_find(&proc_by_pid, (hurd_ihash_key_t) p->linux_ppid);
	return q == p ? NULL : q;
}

pid_t
proc_ppid(struct proc *p)
{
	struct proc *q = proc_parent(p);
	return q ? q->pid : p->linux_ppid;
}

/* Let go of P's task right and its dead-name request.  */
static void
drop_task(struct proc *p)
{
	if (!MACH_PORT_VALID(p->task))
		return;
	if (p->task_loc)
		hurd_ihash_locp_remove(&proc_by_task, p->task_loc);
	p->task_loc = NULL;
	mach_port_t previous = MACH_PORT_NULL;
	if (ports_request_dead_name_notification(NULL, p->task, &previous) == 0 &&
	    MACH_PORT_VALID(previous))
		mach_port_deallocate(mach_task_self(), previous);
	mach_port_deallocate(mach_task_self(), p->task);
	p->task = MACH_PORT_NULL;
}

void
proc_exited(struct proc *p)
{
	if (p->dead)
		return;

	/* The status: what the process said (proc_mark_exit), else what
	 * Linux says while it is a zombie, else -- its Linux parent reaped it
	 * first, or it had no process -- killed, as the Hurd reports a task
	 * that died without proc_mark_exit.  A stat read is trusted only if
	 * the process was still unreaped after it (the pid may be reused).  */
	struct linux_stat st;
	bool zombie = p->pid > 0 && p->pidfd >= 0 && linux_read_stat(p->pid, 0, &st) == 0 &&
		      st.state == 'Z' && !proc_linux_reaped(p);
	if (zombie) {
		long hz = linux_clock_ticks();
		memset(&p->rusage, 0, sizeof p->rusage);
		p->rusage.ru_utime.tv_sec = (time_t) (st.utime / hz);
		p->rusage.ru_utime.tv_usec = (suseconds_t) (st.utime % hz * 1000000 / hz);
		p->rusage.ru_stime.tv_sec = (time_t) (st.stime / hz);
		p->rusage.ru_stime.tv_usec = (suseconds_t) (st.stime % hz * 1000000 / hz);
		p->rusage.ru_minflt = (long) st.minflt;
		p->rusage.ru_majflt = (long) st.majflt;
	}
	if (!p->exiting) {
		if (zombie) {
			p->status = st.exit_code;
			p->sigcode = 0;
		} else {
			p->status = W_EXITCODE(0, SIGKILL);
			p->sigcode = -1;
		}
	}
	p->dead = true;
	p->stopped = p->continued = false;
	p->waited = false;
	boot_server_log("pid %d ended, status %#x", (int) p->pid, (unsigned) p->status);

	if (p->pid_loc)
		hurd_ihash_locp_remove(&proc_by_pid, p->pid_loc);
	p->pid_loc = NULL;
	proc_unwatch_pid(p);
	drop_task(p);
	if (MACH_PORT_VALID(p->msgport))
		mach_port_deallocate(mach_task_self(), p->msgport);
	p->msgport = MACH_PORT_NULL;
	/* No more RPCs on its port; its send rights become dead names.  */
	ports_destroy_right(p);
	proc_wait_cancel_all(p);

	for (struct proc *q = proc_list; q; q = q->next)
		if (q->parent == p)
			q->parent = NULL;

	struct proc *parent = proc_parent(p);
	if (parent && !parent->dead)
		proc_child_ended(parent, p);
}

bool
proc_task_died(mach_port_t task)
{
	struct proc *p = hurd_ihash_find(&proc_by_task, task);
	if (!p)
		return false;
	/* machd ends a task's process when the task ends (SIGKILL), and a
	 * process's task when the process ends; whichever proc hears of
	 * first ends the record.  */
	proc_exited(p);
	return true;
}

void
proc_sweep_zombies(void)
{
	struct proc *p = proc_list;
	while (p) {
		struct proc *next = p->next;
		if (p->dead) {
			struct proc *parent = p->reaped ? NULL : proc_parent(p);
			bool keep = parent && !parent->dead &&
				    ((p->parentset && p->parent) || !proc_linux_reaped(p));
			if (!keep)
				proc_free(p);
		}
		p = next;
	}
}

void
proc_free(struct proc *p)
{
	if (p->pid_loc)
		hurd_ihash_locp_remove(&proc_by_pid, p->pid_loc);
	p->pid_loc = NULL;
	proc_unwatch_pid(p);
	proc_unwatch_close(p);
	drop_task(p);
	if (MACH_PORT_VALID(p->msgport))
		mach_port_deallocate(mach_task_self(), p->msgport);
	p->msgport = MACH_PORT_NULL;
	proc_wait_cancel_all(p);
	for (struct proc *q = proc_list; q; q = q->next)
		if (q->parent == p)
			q->parent = NULL;

	if (p == startup_proc)
		startup_proc = NULL;
	*p->prevp = p->next;
	if (p->next)
		p->next->prevp = p->prevp;
	free(p->uids);
	free(p->login);
	free(p->exe);
	p->uids = NULL;
	p->login = p->exe = NULL;
	if (p->pi.port_right != MACH_PORT_NULL)
		ports_destroy_right(p);
	ports_port_deref(p);
}

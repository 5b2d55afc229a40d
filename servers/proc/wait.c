/* proc_wait and proc_waitid, and the state changes they report
 * (proc_mark_stop, proc_mark_cont, proc_mark_exit, and a process's end).
 *
 * A wait that no child can answer yet is not answered: its request
 * returns MIG_NO_REPLY and becomes a `struct wait_request' on the calling
 * process (its reply right, the pid it waits for, its options).  Each
 * time one of that process's children changes state (proc_child_ended,
 * mark_stop, mark_cont) its waiting requests are looked at again, and
 * answered with the process_reply messages (process_reply.defs).  A
 * request ends with EINTR when its caller interrupts it
 * (interrupt_operation on the process's port, main.c), and without an
 * answer when its reply port dies (the caller died, or gave up its RPC);
 * proc asks for a dead-name notification on every waiting reply port.
 *
 * Options and the status are Linux's <sys/wait.h> values (WNOHANG,
 * WUNTRACED, WEXITED, WCONTINUED, WNOWAIT; W_EXITCODE ...): HELL's
 * programs are Linux programs, as with errno values (docs/hurd.md).
 *
 * proc is not the Linux parent of the processes it waits for, so it
 * cannot reap them: a process's exit status is what it reported with
 * proc_mark_exit, or what Linux shows in /proc/PID/stat while the
 * process is a zombie (table.c, proc_exited).  Waiting through proc does
 * not reap the Linux zombie; its Linux parent still must.
 *
 * proc_lock is held throughout.  */
#include "proc.h"

#include <mach/mig_errors.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "process_S.h"
#include "process_reply_U.h"

struct wait_request {
	struct wait_request *next;	/* in parent->waits */
	struct proc *parent;		/* the waiting process */
	mach_port_t reply;		/* its reply right */
	mach_msg_type_name_t reply_type;
	pid_t pid;			/* as waitpid's */
	int options;
	bool waitid;			/* answer as proc_waitid, not proc_wait */
	mach_port_seqno_t seqno;	/* its request's, for interrupt_operation */
	hurd_ihash_locp_t reply_loc;
};

/* Waiting requests by reply port name (for dead-name notifications).  */
static struct hurd_ihash waits_by_reply =
	HURD_IHASH_INITIALIZER(offsetof(struct wait_request, reply_loc));

/* What a wait reports.  */
struct wait_result {
	int status, sigcode;
	struct rusage rusage;
	pid_t pid;
};

static void
rusage_add(struct rusage *acc, const struct rusage *b)
{
	timeradd(&acc->ru_utime, &b->ru_utime, &acc->ru_utime);
	timeradd(&acc->ru_stime, &b->ru_stime, &acc->ru_stime);
	acc->ru_maxrss += b->ru_maxrss;
	acc->ru_ixrss += b->ru_ixrss;
	acc->ru_idrss += b->ru_idrss;
	acc->ru_isrss += b->ru_isrss;
	acc->ru_minflt += b->ru_minflt;
	acc->ru_majflt += b->ru_majflt;
	acc->ru_nswap += b->ru_nswap;
	acc->ru_inblock += b->ru_inblock;
	acc->ru_oublock += b->ru_oublock;
	acc->ru_msgsnd += b->ru_msgsnd;
	acc->ru_msgrcv += b->ru_msgrcv;
	acc->ru_nsignals += b->ru_nsignals;
	acc->ru_nvcsw += b->ru_nvcsw;
	acc->ru_nivcsw += b->ru_nivcsw;
}

void
proc_sample_rusage(struct proc *p)
{
	struct linux_stat st;
	if (p->pid <= 0 || linux_read_stat(p->pid, 0, &st) != 0)
		return;
	long hz = linux_clock_ticks();
	memset(&p->rusage, 0, sizeof p->rusage);
	p->rusage.ru_utime.tv_sec = (time_t) (st.utime / hz);
	p->rusage.ru_utime.tv_usec = (suseconds_t) (st.utime % hz * 1000000 / hz);
	p->rusage.ru_stime.tv_sec = (time_t) (st.stime / hz);
	p->rusage.ru_stime.tv_usec = (suseconds_t) (st.stime % hz * 1000000 / hz);
	p->rusage.ru_minflt = (long) st.minflt;
	p->rusage.ru_majflt = (long) st.majflt;
}

/* The process group a wait compares with: Linux's, for a live process;
 * the last one read, for a dead one.  */
static pid_t
pgrp_of(struct proc *p)
{
	struct linux_stat st;
	if (!p->dead && p->pid > 0 && linux_read_stat(p->pid, 0, &st) == 0)
		p->linux_pgrp = st.pgrp;
	return p->linux_pgrp;
}

static bool
pid_matches(pid_t want, pid_t mypgrp, struct proc *child)
{
	if (want > 0)
		return child->pid == want;
	if (want == -1)
		return true;
	pid_t pgrp = pgrp_of(child);
	return want == 0 ? pgrp == mypgrp : pgrp == -want;
}

static bool
reportable(const struct proc *child, int options)
{
	if (child->reaped || child->waited)
		return false;
	if (child->dead)
		return options & WEXITED;
	if (child->stopped)
		return child->traced || (options & WUNTRACED);
	if (child->continued)
		return options & WCONTINUED;
	return false;
}

/* Look for a child of P that a wait for PID with OPTIONS reports; take it
 * (unless WNOWAIT: a dead one is reaped, freed at the next sweep).
 * ECHILD when P has no such child at all; EWOULDBLOCK when none has
 * anything to report yet.  */
static error_t
wait_find(struct proc *p, pid_t pid, int options, struct wait_result *res)
{
	pid_t mypgrp = pid == 0 ? pgrp_of(p) : 0;
	bool had_child = false;
	for (struct proc *q = proc_list; q; q = q->next) {
		if (q == p || q->reaped || proc_parent(q) != p || !pid_matches(pid, mypgrp, q))
			continue;
		if (q->dead && !(q->parentset && q->parent) && proc_linux_reaped(q)) {
			/* Its Linux parent has reaped it with Linux's wait:
			 * there is nothing left to wait for.  */
			q->reaped = true;
			continue;
		}
		had_child = true;
		if (!reportable(q, options))
			continue;
		res->status = q->status;
		res->sigcode = q->sigcode;
		if (q->dead)
			res->rusage = q->rusage;
		else
			memset(&res->rusage, 0, sizeof res->rusage);
		res->pid = q->pid;
		if (!(options & WNOWAIT)) {
			q->waited = true;
			if (q->dead)
				q->reaped = true;
		}
		return 0;
	}
	return had_child ? EWOULDBLOCK : ECHILD;
}

/* Take R out of its parent's list and the table, and cancel the
 * dead-name request on its reply port.  */
static void
take_out(struct wait_request *r)
{
	for (struct wait_request **rp = &r->parent->waits; *rp; rp = &(*rp)->next)
		if (*rp == r) {
			*rp = r->next;
			break;
		}
	hurd_ihash_locp_remove(&waits_by_reply, r->reply_loc);
	mach_port_t previous = MACH_PORT_NULL;
	if (ports_request_dead_name_notification(NULL, r->reply, &previous) == 0 &&
	    MACH_PORT_VALID(previous))
		mach_port_deallocate(mach_task_self(), previous);
}

/* Answer R (already taken out) with ERR and RES, and free it.  */
static void
answer(struct wait_request *r, error_t err, const struct wait_result *res)
{
	static const struct wait_result none;
	if (!res)
		res = &none;
	rusage_t ru = res->rusage;
	kern_return_t kr = r->waitid
		? proc_waitid_reply(r->reply, r->reply_type, err, res->status, res->sigcode, ru,
				    res->pid)
		: proc_wait_reply(r->reply, r->reply_type, err, res->status, res->sigcode, ru,
				  res->pid);
	if (kr == MACH_SEND_INVALID_DEST)
		mach_port_deallocate(mach_task_self(), r->reply);
	free(r);
}

void
proc_wait_wakeup(struct proc *p)
{
	struct wait_request *r = p->waits;
	while (r) {
		struct wait_request *next = r->next;
		struct wait_result res;
		error_t err = wait_find(p, r->pid, r->options, &res);
		if (err != EWOULDBLOCK) {
			take_out(r);
			answer(r, err, err ? NULL : &res);
		}
		r = next;
	}
}

void
proc_child_ended(struct proc *parent, struct proc *child)
{
	rusage_add(&parent->child_rusage, &child->rusage);
	rusage_add(&parent->child_rusage, &child->child_rusage);
	proc_wait_wakeup(parent);
}

void
proc_wait_cancel_all(struct proc *p)
{
	while (p->waits) {
		struct wait_request *r = p->waits;
		take_out(r);
		answer(r, EOPNOTSUPP, NULL);
	}
}

void
proc_wait_interrupt(struct proc *p, mach_port_seqno_t seqno)
{
	struct wait_request *r = p->waits;
	while (r) {
		struct wait_request *next = r->next;
		if (r->seqno < seqno) {
			take_out(r);
			answer(r, EINTR, NULL);
		}
		r = next;
	}
}

bool
proc_wait_reply_died(mach_port_t name)
{
	struct wait_request *r = hurd_ihash_find(&waits_by_reply, name);
	if (!r)
		return false;
	take_out(r);
	mach_port_deallocate(mach_task_self(), r->reply);	/* a dead name now */
	free(r);
	return true;
}

/* Both waits: answer now if a child has something to report, else keep
 * the request (MIG_NO_REPLY) unless WNOHANG.  */
static kern_return_t
wait_common(struct proc *p, mach_port_t reply, mach_msg_type_name_t reply_type, pid_t pid,
	    int options, bool waitid, int *status, int *sigcode, rusage_t *ru, pid_t *pid_status)
{
	if (!p)
		return EOPNOTSUPP;
	struct wait_result res;
	error_t err = wait_find(p, pid, options, &res);
	if (!err) {
		*status = res.status;
		*sigcode = res.sigcode;
		*ru = res.rusage;
		*pid_status = res.pid;
		return 0;
	}
	if (err != EWOULDBLOCK || (options & WNOHANG))
		return err;
	if (!MACH_PORT_VALID(reply))
		return EINVAL;

	struct wait_request *r = calloc(1, sizeof *r);
	if (!r)
		return ENOMEM;
	*r = (struct wait_request) {
		.parent = p, .reply = reply, .reply_type = reply_type,
		.pid = pid, .options = options, .waitid = waitid,
		.seqno = proc_request_seqno,
	};
	if (hurd_ihash_add(&waits_by_reply, reply, r) != 0) {
		free(r);
		return ENOMEM;
	}
	/* A reply port that is dead already is notified at once.  */
	err = ports_request_dead_name_notification(p, reply, NULL);
	if (err) {
		hurd_ihash_locp_remove(&waits_by_reply, r->reply_loc);
		free(r);
		return err;
	}
	r->next = p->waits;
	p->waits = r;
	return MIG_NO_REPLY;
}

/* Implement proc_waitid as described in <hurd/process.defs>, with
 * Linux's option bits.  EOPNOTSUPP when not sent to a process; ECHILD
 * when it has no child PID matches; EWOULDBLOCK with WNOHANG when none
 * has changed state; EINVAL when it would wait without a reply port.  */
kern_return_t
S_proc_waitid(struct proc *p, mach_port_t reply, mach_msg_type_name_t reply_type, pid_t pid,
	      int options, int *status, int *sigcode, rusage_t *ru, pid_t *pid_status)
{
	return wait_common(p, reply, reply_type, pid, options, true, status, sigcode, ru,
			   pid_status);
}

/* Implement proc_wait: proc_waitid for exits and, with WUNTRACED or
 * WCONTINUED, stops and continues.  */
kern_return_t
S_proc_wait(struct proc *p, mach_port_t reply, mach_msg_type_name_t reply_type, pid_t pid,
	    int options, int *status, int *sigcode, rusage_t *ru, pid_t *pid_status)
{
	return wait_common(p, reply, reply_type, pid, options | WEXITED, false, status, sigcode,
			   ru, pid_status);
}

static void
wake_parent(struct proc *p)
{
	struct proc *parent = proc_parent(p);
	if (parent && !parent->dead)
		proc_wait_wakeup(parent);
}

/* Implement proc_mark_stop as described in <hurd/process.defs>.  No
 * SIGCHLD is sent: Linux sends its own to the Linux parent.  */
kern_return_t
S_proc_mark_stop(struct proc *p, int signo, int sigcode)
{
	if (!p)
		return EOPNOTSUPP;
	p->stopped = true;
	p->continued = false;
	p->status = W_STOPCODE(signo);
	p->sigcode = sigcode;
	p->waited = false;
	wake_parent(p);
	return 0;
}

/* Implement proc_mark_cont as described in <hurd/process.defs>.  */
kern_return_t
S_proc_mark_cont(struct proc *p)
{
	if (!p)
		return EOPNOTSUPP;
	p->stopped = false;
	p->continued = true;
	p->status = __W_CONTINUED;
	p->waited = false;
	wake_parent(p);
	return 0;
}

/* Implement proc_mark_exit as described in <hurd/process.defs>: STATUS
 * is what a wait for this process will report once it has ended.
 * EOPNOTSUPP when not sent to a process; EINVAL for a stop status; EBUSY
 * when it was already called.  */
kern_return_t
S_proc_mark_exit(struct proc *p, int status, int sigcode)
{
	if (!p)
		return EOPNOTSUPP;
	if (WIFSTOPPED(status))
		return EINVAL;
	if (p->exiting)
		return EBUSY;
	proc_sample_rusage(p);
	p->exiting = true;
	p->status = status;
	p->sigcode = sigcode;
	return 0;
}

/* Implement proc_getchildren_rusage as described in <hurd/process.defs>. */
kern_return_t
S_proc_getchildren_rusage(struct proc *p, rusage_t *ru)
{
	if (!p)
		return EOPNOTSUPP;
	*ru = p->child_rusage;
	return 0;
}

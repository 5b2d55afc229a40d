/* A process's ids and what they allow.
 *
 * A process's ids are the uids it proved to auth with
 * proc_reauthenticate (effective uids, then available uids), or its
 * parent's, copied by proc_child.  A process with none is not owned: it
 * may act only on itself.  proc_owns is the Hurd's check_owner: it
 * guards proc_pid2task and proc_pid2proc; uid 0 guards
 * proc_getprivports and proc_setlogin.  These are the Hurd's ids, not
 * Linux's: every task of an environment runs as the same Linux user.  */
#include "proc.h"

#include <hurd/auth.h>
#include <mach/mig_errors.h>
#include <stdlib.h>
#include <string.h>

#include "process_S.h"

/* How long proc waits for proc_reauthenticate_complete once auth has
 * matched the rendezvous: a caller that never sends it (nor drops the new
 * port) must not hold a proc thread for ever.  */
#define REAUTH_COMPLETE_TIMEOUT_MS 30000

/* The message id of proc_reauthenticate_complete.  */
#define PROC_REAUTHENTICATE_COMPLETE_ID 24064

bool
proc_has_uid(const struct proc *p, uid_t uid)
{
	for (size_t i = 0; i < p->nuids; i++)
		if (p->uids[i] == uid || p->uids[i] == 0)
			return true;
	return false;
}

bool
proc_owns(const struct proc *p1, const struct proc *p2)
{
	if (p1 == p2)
		return true;
	if (p1->nuids == 0)
		return false;
	if (proc_has_uid(p1, 0))
		return true;
	if (p2->nuids == 0)
		return false;
	for (size_t i = 0; i < p2->nuids; i++)
		if (!proc_has_uid(p1, p2->uids[i]))
			return false;
	return true;
}

error_t
proc_set_ids(struct proc *p, const uid_t *uids, size_t n)
{
	uid_t *copy = NULL;
	if (n) {
		copy = malloc(n * sizeof *copy);
		if (!copy)
			return ENOMEM;
		memcpy(copy, uids, n * sizeof *copy);
	}
	free(p->uids);
	p->uids = copy;
	p->nuids = n;
	return 0;
}

/* An id array MIG gave us: in our buffer BUF, or out of line.  */
static void
free_ids(uid_t *ids, mach_msg_type_number_t n, const uid_t *buf)
{
	if (ids != buf && n)
		vm_deallocate(mach_task_self(), (vm_address_t) ids, n * sizeof *ids);
}

/* Implement proc_reauthenticate as described in <hurd/process.defs>, as
 * the Hurd does today: proc makes a new port, passes it to the caller
 * through auth (auth_server_authenticate on RENDEZVOUS, answered with the
 * caller's ids), waits for the caller to send proc_reauthenticate_complete
 * on it, and then makes it the process's port (the old one dies) and the
 * ids its ids.  proc_lock is let go while waiting.  A simpleroutine: the
 * errors only decide whether the request's rights are destroyed.
 * EOPNOTSUPP when not sent to a process; EINVAL for a null RENDEZVOUS or
 * when something other than proc_reauthenticate_complete comes on the new
 * port (or it loses its senders); ETIMEDOUT when it does not come in
 * REAUTH_COMPLETE_TIMEOUT_MS; EAGAIN when the process ended meanwhile;
 * auth's error.  */
kern_return_t
S_proc_reauthenticate(struct proc *p, mach_port_t rendezvous)
{
	if (!p)
		return EOPNOTSUPP;
	if (!MACH_PORT_VALID(rendezvous))
		return EINVAL;

	mach_port_t newport;
	kern_return_t kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &newport);
	if (kr)
		return kr;
	/* If the caller drops its right to the new port, its no-senders
	 * notification ends the wait below: it is not the message we want. */
	mach_port_t previous;
	kr = mach_port_request_notification(mach_task_self(), newport, MACH_NOTIFY_NO_SENDERS, 1,
					    newport, MACH_MSG_TYPE_MAKE_SEND_ONCE, &previous);
	if (kr) {
		mach_port_mod_refs(mach_task_self(), newport, MACH_PORT_RIGHT_RECEIVE, -1);
		return kr;
	}

	ports_port_ref(p);
	pthread_mutex_unlock(&proc_lock);

	uid_t eubuf[64], aubuf[64], egbuf[64], agbuf[64];
	uid_t *eu = eubuf, *au = aubuf, *eg = egbuf, *ag = agbuf;
	mach_msg_type_number_t neu = 64, nau = 64, neg = 64, nag = 64;
	error_t err;
	do
		err = auth_server_authenticate(proc_authserver, rendezvous, MACH_MSG_TYPE_COPY_SEND,
					       newport, MACH_MSG_TYPE_MAKE_SEND,
					       &eu, &neu, &au, &nau, &eg, &neg, &ag, &nag);
	while (err == EINTR);

	if (!err) {
		union {
			mach_msg_header_t head;
			char buf[512];
		} msg;
		kr = mach_msg(&msg.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof msg, newport,
			      REAUTH_COMPLETE_TIMEOUT_MS, MACH_PORT_NULL);
		if (kr == MACH_RCV_TIMED_OUT)
			err = ETIMEDOUT;
		else if (kr != MACH_MSG_SUCCESS)
			err = EINVAL;	/* too large, or ... : not the call we want */
		else {
			if (msg.head.msgh_id != PROC_REAUTHENTICATE_COMPLETE_ID)
				err = EINVAL;
			mach_msg_destroy(&msg.head);
		}
	}

	pthread_mutex_lock(&proc_lock);
	if (!err && p->dead)
		err = EAGAIN;
	if (!err) {
		uid_t *ids = malloc(((size_t) neu + nau + 1) * sizeof *ids);
		if (!ids)
			err = ENOMEM;
		else {
			memcpy(ids, eu, neu * sizeof *ids);
			memcpy(ids + neu, au, nau * sizeof *ids);
			err = proc_set_ids(p, ids, (size_t) neu + nau);
			free(ids);
		}
	}
	if (!err) {
		mach_port_deallocate(mach_task_self(), rendezvous);
		ports_reallocate_from_external(p, newport);
		boot_server_log("pid %d reauthenticated: %zu uids, owner %d", (int) p->pid, p->nuids,
				p->nuids ? (int) p->uids[0] : -1);
	} else {
		mach_port_mod_refs(mach_task_self(), newport, MACH_PORT_RIGHT_RECEIVE, -1);
		boot_server_log("pid %d: reauthentication failed: %s", (int) p->pid,
				boot_server_error_string(err));
	}
	/* On an error from auth the pointers are still our buffers.  */
	free_ids(eu, neu, eubuf);
	free_ids(au, nau, aubuf);
	free_ids(eg, neg, egbuf);
	free_ids(ag, nag, agbuf);
	ports_port_deref(p);
	return err;
}

/* Implement proc_getprivports as described in <hurd/process.defs>: the
 * privileged host port to a process with uid 0; HELL has no device
 * master port (MACH_PORT_NULL).  EOPNOTSUPP when not sent to a process;
 * EPERM without uid 0.  */
kern_return_t
S_proc_getprivports(struct proc *p, mach_port_t *host_priv, mach_port_t *device_master)
{
	if (!p)
		return EOPNOTSUPP;
	if (!proc_has_uid(p, 0))
		return EPERM;
	*host_priv = proc_host_priv;
	*device_master = MACH_PORT_NULL;
	return 0;
}

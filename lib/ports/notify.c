/* Mach notifications for libports' ports, as ports_notify_server hands
 * them over (the port they came to, looked up by payload or name, or NULL
 * when that port is none of ours), and what they mean for a port.
 *
 * No-senders notifications come to the port itself (the request made at
 * creation or by ports_get_right asks for them that way); dead-name
 * notifications come to the bucket's notify port
 * (ports_request_dead_name_notification, ports_interrupt_*_on_
 * notification).  A notification is also a message anyone holding a send
 * right could forge, so each is checked against the kernel's state before
 * it is acted on.  The definitions are weak: a server may replace any. */
#include "ports_internal.h"
#include "notify_S.h"

#include <mach/notify.h>

void
ports_no_senders(void *port, mach_port_mscount_t mscount)
{
	struct port_info *pi = port;
	mach_port_t right;
	bool drop = false;

	pthread_mutex_lock(&_ports_lock);
	right = pi->port_right;
	/* This comes of a notification: our request is spent (or, if the
	 * message was forged, a new one only replaces it). */
	pi->flags &= ~_PORT_NS_REQUESTED;
	if (!(pi->flags & PORT_HAS_SENDRIGHTS)) {
		pthread_mutex_unlock(&_ports_lock);
		return;
	}
	if (mscount >= pi->mscount) {
		pi->flags &= ~PORT_HAS_SENDRIGHTS;
		drop = true;
	} else if (MACH_PORT_VALID(right)) {
		/* A send right was counted (ports_get_right) that the
		 * notification did not know of: wait for the next one. */
		_ports_request_no_senders(pi, right, pi->mscount);
	}
	pthread_mutex_unlock(&_ports_lock);

	if (drop) {
		ports_interrupt_notified_rpcs(pi, right, MACH_NOTIFY_NO_SENDERS);
		ports_interrupt_rpcs(pi);
		ports_port_deref(pi);
	}
}

void __attribute__((weak))
ports_dead_name(void *notify, mach_port_t dead_name)
{
	ports_interrupt_notified_rpcs(notify, dead_name, MACH_NOTIFY_DEAD_NAME);
}

kern_return_t __attribute__((weak))
ports_do_mach_notify_no_senders(struct port_info *pi, mach_port_mscount_t count)
{
	mach_port_status_t status;
	mach_port_t right;
	kern_return_t kr;

	if (!pi)
		return EOPNOTSUPP;
	pthread_mutex_lock(&_ports_lock);
	right = pi->port_right;
	/* Our request is spent, unless the message is forged (then a new
	 * request only replaces it). */
	pi->flags &= ~_PORT_NS_REQUESTED;
	pthread_mutex_unlock(&_ports_lock);
	if (!MACH_PORT_VALID(right))
		return EOPNOTSUPP;
	/* The count in the message may be forged or stale; the kernel's is not. */
	kr = mach_port_get_receive_status(mach_task_self(), right, &status);
	if (kr)
		return kr;
	if (status.mps_srights) {
		/* Stale (a send right was made since it was sent) or forged:
		 * either way the senders must be watched again, or the port
		 * would never hear that they went.  (The Hurd forgets to.) */
		pthread_mutex_lock(&_ports_lock);
		if ((pi->flags & PORT_HAS_SENDRIGHTS) && !(pi->flags & _PORT_NS_REQUESTED) &&
		    pi->port_right == right)
			_ports_request_no_senders(pi, right, pi->mscount);
		pthread_mutex_unlock(&_ports_lock);
		return EAGAIN;
	}
	ports_no_senders(pi, status.mps_mscount);
	return 0;
}

kern_return_t __attribute__((weak))
ports_do_mach_notify_dead_name(struct port_info *pi, mach_port_t deadport)
{
	if (!pi || !ports_port_is_notify(pi))
		return EOPNOTSUPP;
	ports_dead_name(pi, deadport);
	/* The notification gave us one more reference to the dead name. */
	mach_port_deallocate(mach_task_self(), deadport);
	return 0;
}

kern_return_t __attribute__((weak))
ports_do_mach_notify_port_deleted(struct port_info *pi, mach_port_t name)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
ports_do_mach_notify_msg_accepted(struct port_info *pi, mach_port_t name)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
ports_do_mach_notify_port_destroyed(struct port_info *pi, mach_port_t name)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
ports_do_mach_notify_send_once(struct port_info *pi)
{
	return EOPNOTSUPP;
}

error_t
ports_request_dead_name_notification(void *object, mach_port_t name, mach_port_t *previous)
{
	mach_port_t notify = object ? ports_port_notify_right(object) : MACH_PORT_NULL;
	mach_port_t prev = MACH_PORT_NULL;
	error_t err;

	err = mach_port_request_notification(mach_task_self(), name, MACH_NOTIFY_DEAD_NAME, 1,
					     notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev);
	if (err)
		return err;
	if (previous)
		*previous = prev;
	else if (MACH_PORT_VALID(prev))
		mach_port_deallocate(mach_task_self(), prev);
	return 0;
}

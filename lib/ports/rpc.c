/* RPCs in progress.  A manager thread brackets each message it serves with
 * ports_begin_rpc and ports_end_rpc; between them the RPC is on its port's
 * current_rpcs list and counted in the port's class, its bucket and the
 * library, which is what inhibition waits on and interruption walks.
 * Everything here is under _ports_lock. */
#include "ports_internal.h"

#define INHIBITED (PORTS_INHIBITED | PORTS_INHIBIT_WAIT)

/* Whether MSG_ID is in one of CLASS's uninhibitable ranges [start, end). */
static bool
uninhibitable(const struct port_class *class, mach_msg_id_t msg_id)
{
	for (const struct ports_msg_id_range *r = class->uninhibitable_rpcs; r; r = r->next)
		if (msg_id >= r->start && msg_id < r->end)
			return true;
	return false;
}

/* The flags word of the innermost inhibition that holds PI back, or NULL. */
static int *
inhibition(struct port_info *pi)
{
	if (_ports_flags & INHIBITED)
		return &_ports_flags;
	if (pi->bucket->flags & INHIBITED)
		return &pi->bucket->flags;
	if (pi->class->flags & INHIBITED)
		return &pi->class->flags;
	if (pi->flags & INHIBITED)
		return &pi->flags;
	return NULL;
}

error_t
ports_begin_rpc(void *port, mach_msg_id_t msg_id, struct rpc_info *info)
{
	struct port_info *pi = port;
	struct hell_cancel_state *self = _ports_cancel_self();

	pthread_mutex_lock(&_ports_lock);
	for (;;) {
		int *flags;

		if (!MACH_PORT_VALID(pi->port_right)) {
			/* The right went while the message waited: abandon. */
			pthread_mutex_unlock(&_ports_lock);
			return EOPNOTSUPP;
		}
		flags = inhibition(pi);
		if (!flags || (msg_id && uninhibitable(pi->class, msg_id)))
			break;
		*flags |= PORTS_BLOCKED;
		if (pthread_hurd_cond_wait_np(&_ports_block, &_ports_lock)) {
			pthread_mutex_unlock(&_ports_lock);
			return EINTR;
		}
	}

	info->thread = self ? _ports_thread_self() : MACH_PORT_NULL;
	info->cancel = self;
	info->cancel_serial = _ports_cancel_serial(self);
	info->notifies = NULL;
	info->interrupted_next = NULL;
	info->next = pi->current_rpcs;
	if (info->next)
		info->next->prevp = &info->next;
	info->prevp = &pi->current_rpcs;
	pi->current_rpcs = info;
	pi->class->rpcs++;
	pi->bucket->rpcs++;
	_ports_total_rpcs++;
	pthread_mutex_unlock(&_ports_lock);
	return 0;
}

void
ports_end_rpc(void *port, struct rpc_info *info)
{
	struct port_info *pi = port;

	pthread_mutex_lock(&_ports_lock);
	if (info->notifies)
		_ports_remove_notified_rpc(info);
	*info->prevp = info->next;
	if (info->next)
		info->next->prevp = info->prevp;
	pi->class->rpcs--;
	pi->bucket->rpcs--;
	_ports_total_rpcs--;
	if ((pi->flags & PORT_INHIBIT_WAIT) || (pi->bucket->flags & PORT_BUCKET_INHIBIT_WAIT) ||
	    (pi->class->flags & PORT_CLASS_INHIBIT_WAIT) || (_ports_flags & _PORTS_INHIBIT_WAIT))
		pthread_cond_broadcast(&_ports_block);
	/* Forget that this RPC was interrupted, and the thread's cancel flag:
	 * both were about this RPC, which is over. */
	ports_self_interrupted();
	hurd_check_cancel();
	pthread_mutex_unlock(&_ports_lock);
}

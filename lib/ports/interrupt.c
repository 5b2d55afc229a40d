/* Interrupting RPCs: ports_interrupt_rpcs (used on no-senders, by
 * interrupt_operation, and by servers), the record behind
 * ports_self_interrupted, and the interrupt_operation RPC itself.
 *
 * Interrupting an RPC cancels its thread (hurd_thread_cancel, cancel.c):
 * what the thread is blocked in returns (EINTR, MACH_RCV_INTERRUPTED ...)
 * and hurd_check_cancel reports it.  The interrupted list lets the thread
 * ask afterwards whether its RPC in particular was interrupted; an entry
 * lives from the interruption to the end of the RPC (ports_end_rpc calls
 * ports_self_interrupted, which takes it off), so its rpc_info is valid
 * while listed.  interrupted_lock guards the list; it nests inside
 * _ports_lock. */
#include "ports_internal.h"
#include "interrupt_S.h"

static pthread_mutex_t interrupted_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rpc_info *interrupted;

void
_ports_record_interruption(struct rpc_info *rpc)
{
	pthread_mutex_lock(&interrupted_lock);
	for (struct rpc_info *i = interrupted; i; i = i->interrupted_next) {
		if (i == rpc) {
			pthread_mutex_unlock(&interrupted_lock);
			return;
		}
	}
	rpc->interrupted_next = interrupted;
	interrupted = rpc;
	pthread_mutex_unlock(&interrupted_lock);
}

int
ports_self_interrupted(void)
{
	thread_t self = _ports_thread_self();

	if (!MACH_PORT_VALID(self))
		return 0;
	pthread_mutex_lock(&interrupted_lock);
	for (struct rpc_info **p = &interrupted; *p; p = &(*p)->interrupted_next) {
		struct rpc_info *rpc = *p;

		if (rpc->thread == self) {
			*p = rpc->interrupted_next;
			rpc->interrupted_next = NULL;
			pthread_mutex_unlock(&interrupted_lock);
			return 1;
		}
	}
	pthread_mutex_unlock(&interrupted_lock);
	return 0;
}

void
_ports_interrupt_rpc(struct rpc_info *rpc)
{
	if (rpc->cancel == _ports_cancel_self())
		return;
	_ports_cancel_rpc(rpc);
	_ports_record_interruption(rpc);
}

void
ports_interrupt_rpcs(void *port)
{
	struct port_info *pi = port;

	pthread_mutex_lock(&_ports_lock);
	for (struct rpc_info *rpc = pi->current_rpcs; rpc; rpc = rpc->next)
		_ports_interrupt_rpc(rpc);
	pthread_mutex_unlock(&_ports_lock);
}

/* interrupt_operation: the client's RPC on PI, whose request had a sequence
 * number below SEQNO, is to be interrupted.  The RPCs now in progress are
 * interrupted; one whose request is still queued is interrupted when it
 * begins (the multithread manager compares its seqno with
 * cancel_threshold). */
kern_return_t
ports_S_interrupt_operation(struct port_info *pi, mach_port_seqno_t seqno)
{
	mach_port_seqno_t old;

	if (!pi)
		return EOPNOTSUPP;
	old = __atomic_load_n(&pi->cancel_threshold, __ATOMIC_SEQ_CST);
	while (old < seqno &&
	       !__atomic_compare_exchange_n(&pi->cancel_threshold, &old, seqno, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	ports_interrupt_rpcs(pi);
	return 0;
}

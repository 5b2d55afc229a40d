/* Interrupting an RPC when a port it depends on changes: an RPC asks to be
 * interrupted when PORT gets notification WHAT (its client dying, say:
 * ports_interrupt_self_on_port_death), libports requests the notification
 * on the RPC's bucket's notify port, and ports_interrupt_notified_rpcs
 * (from ports_dead_name, ports_no_senders) cancels the RPCs that asked.
 *
 * Records: one struct ports_notify per (port, notification) pair asked
 * for, on _ports_notifications, with the struct rpc_notify of each RPC
 * that asked; an RPC's requests chain through rpc_notify.next.  They are
 * dropped when the RPC ends (_ports_remove_notified_rpc), and the
 * notification request is cancelled when no RPC waits on it.  Both kinds
 * of record are kept on free lists for reuse.  All under _ports_lock,
 * except that pn->lock serializes the request of a notification, which is
 * made without _ports_lock. */
#include "ports_internal.h"

struct ports_notify *_ports_notifications;
struct ports_notify *_ports_free_ports_notifies;
struct rpc_notify *_ports_free_rpc_notifies;

static struct rpc_notify *
take_rpc_notify(void)
{
	struct rpc_notify *r = _ports_free_rpc_notifies;

	if (r) {
		_ports_free_rpc_notifies = r->next;
		return r;
	}
	return malloc(sizeof *r);
}

static void
give_rpc_notify(struct rpc_notify *r)
{
	r->next = _ports_free_rpc_notifies;
	_ports_free_rpc_notifies = r;
}

/* The record for PORT/WHAT, made if needed.  NULL when memory is short. */
static struct ports_notify *
find_notify(mach_port_t port, mach_msg_id_t what)
{
	struct ports_notify *pn;

	for (pn = _ports_notifications; pn; pn = pn->next)
		if (pn->port == port && pn->what == what)
			return pn;
	pn = _ports_free_ports_notifies;
	if (pn) {
		_ports_free_ports_notifies = pn->next;
	} else {
		pn = malloc(sizeof *pn);
		if (!pn)
			return NULL;
		pthread_mutex_init(&pn->lock, NULL);
	}
	pn->port = port;
	pn->what = what;
	pn->pending = 0;
	pn->reqs = NULL;
	pn->next = _ports_notifications;
	pn->prevp = &_ports_notifications;
	if (_ports_notifications)
		_ports_notifications->prevp = &pn->next;
	_ports_notifications = pn;
	return pn;
}

error_t
ports_interrupt_rpc_on_notification(void *object, struct rpc_info *rpc,
				    mach_port_t port, mach_msg_id_t what)
{
	struct ports_notify *pn;
	struct rpc_notify *req;
	bool request;
	mach_port_t previous = MACH_PORT_NULL;
	error_t err;

	pthread_mutex_lock(&_ports_lock);
	if (!MACH_PORT_VALID(port)) {
		/* Already dead or bogus: interrupt now. */
		_ports_cancel_rpc(rpc);
		pthread_mutex_unlock(&_ports_lock);
		return 0;
	}
	pn = find_notify(port, what);
	if (!pn) {
		pthread_mutex_unlock(&_ports_lock);
		return ENOMEM;
	}
	for (req = rpc->notifies; req; req = req->next)
		if (req->notify == pn)
			break;
	if (!req) {
		req = take_rpc_notify();
		if (!req) {
			if (!pn->reqs) {	/* made for us: give it back */
				*pn->prevp = pn->next;
				if (pn->next)
					pn->next->prevp = pn->prevp;
				pn->next = _ports_free_ports_notifies;
				_ports_free_ports_notifies = pn;
			}
			pthread_mutex_unlock(&_ports_lock);
			return ENOMEM;
		}
		req->rpc = rpc;
		req->notify = pn;
		req->pending = 0;
		req->next_req = pn->reqs;
		req->prev_req_p = &pn->reqs;
		if (pn->reqs)
			pn->reqs->prev_req_p = &req->next_req;
		pn->reqs = req;
		req->next = rpc->notifies;
		rpc->notifies = req;
	}
	req->pending++;
	/* A new record, or one whose notification came already: ask (again). */
	request = !pn->pending;
	if (request)
		pthread_mutex_lock(&pn->lock);
	pthread_mutex_unlock(&_ports_lock);
	if (!request)
		return 0;

	err = mach_port_request_notification(mach_task_self(), port, what, 1,
					     ports_port_notify_right(object),
					     MACH_MSG_TYPE_MAKE_SEND_ONCE, &previous);
	if (!err && MACH_PORT_VALID(previous))
		mach_port_deallocate(mach_task_self(), previous);
	pn->pending = !err;
	pthread_mutex_unlock(&pn->lock);
	if (err == KERN_INVALID_NAME || err == KERN_INVALID_RIGHT) {
		/* PORT died meanwhile (or never was a right): interrupt now. */
		pthread_mutex_lock(&_ports_lock);
		_ports_cancel_rpc(rpc);
		pthread_mutex_unlock(&_ports_lock);
		return 0;
	}
	return err;
}

error_t
ports_interrupt_self_on_notification(void *object, mach_port_t port, mach_msg_id_t what)
{
	struct port_info *pi = object;
	thread_t self = _ports_thread_self();
	struct rpc_info *rpc;

	pthread_mutex_lock(&_ports_lock);
	for (rpc = pi->current_rpcs; rpc; rpc = rpc->next)
		if (rpc->thread == self)
			break;
	pthread_mutex_unlock(&_ports_lock);
	if (!rpc)
		return EINVAL;	/* not in an RPC on OBJECT */
	/* RPC stays valid: it is ours, and we are here. */
	return ports_interrupt_rpc_on_notification(object, rpc, port, what);
}

void
ports_interrupt_notified_rpcs(void *object, mach_port_t port, mach_msg_id_t what)
{
	pthread_mutex_lock(&_ports_lock);
	for (struct ports_notify *pn = _ports_notifications; pn; pn = pn->next) {
		if (pn->port != port || pn->what != what)
			continue;
		/* The notification is spent: the next request must ask again. */
		pn->pending = 0;
		for (struct rpc_notify *req = pn->reqs; req; req = req->next_req) {
			if (req->pending) {
				req->pending--;
				_ports_cancel_rpc(req->rpc);
			}
		}
		break;
	}
	pthread_mutex_unlock(&_ports_lock);
}

/* Take REQ off its notification's list; free the notification record (and
 * cancel its request) when no RPC is left on it.  _ports_lock held. */
static void
remove_req(struct rpc_notify *req)
{
	struct ports_notify *pn = req->notify;

	if (req->next_req)
		req->next_req->prev_req_p = req->prev_req_p;
	*req->prev_req_p = req->next_req;
	if (pn->reqs)
		return;
	*pn->prevp = pn->next;
	if (pn->next)
		pn->next->prevp = pn->prevp;
	pn->next = _ports_free_ports_notifies;
	_ports_free_ports_notifies = pn;
	if (pn->pending) {
		mach_port_t previous = MACH_PORT_NULL;

		if (mach_port_request_notification(mach_task_self(), pn->port, pn->what, 0,
						   MACH_PORT_NULL, MACH_MSG_TYPE_MAKE_SEND_ONCE,
						   &previous) == KERN_SUCCESS &&
		    MACH_PORT_VALID(previous))
			mach_port_deallocate(mach_task_self(), previous);
		pn->pending = 0;
	}
}

void
_ports_remove_notified_rpc(struct rpc_info *rpc)
{
	struct rpc_notify *req = rpc->notifies;

	while (req) {
		struct rpc_notify *next = req->next;

		remove_req(req);
		give_rpc_notify(req);
		req = next;
	}
	rpc->notifies = NULL;
}

/* libports internals shared between its files.
 *
 * Lock order: _ports_lock, then _ports_htable_lock, then a thread pool's
 * lock, then the cancellation registry's lock, then one thread's cancel
 * state lock.  Never the other way round.
 *
 * Invariant (a port's right): pi->port_right is a receive right of ours
 * exactly while pi is in _ports_htable and in its bucket's htable, and
 * while the right's protected payload is pi.  port_right changes only with
 * both _ports_lock and _ports_htable_lock held (written atomically, since
 * ports_lookup_payload reads it without locks).
 *
 * Invariant (references): a port whose hard and weak counts are both zero
 * is dead: nothing may take a reference again (lookups use
 * _ports_try_ref), and _ports_complete_deallocate is running or ran. */
#ifndef HELL_LIB_PORTS_INTERNAL_H
#define HELL_LIB_PORTS_INTERNAL_H

#include <hurd/ports.h>

#include <assert.h>
#include <stdbool.h>

static inline mach_port_t
_ports_right(const struct port_info *pi)
{
	return __atomic_load_n(&pi->port_right, __ATOMIC_ACQUIRE);
}

static inline void
_ports_set_right(struct port_info *pi, mach_port_t right)
{
	__atomic_store_n(&pi->port_right, right, __ATOMIC_RELEASE);
}

/* Take a hard reference on PI unless it is dead (both counts zero).  For
 * lookups, where PI's memory is known to be valid (a table entry, or a
 * payload whose port's memory the thread pool keeps) but its life is not. */
bool _ports_try_ref(struct port_info *pi);

/* Make RIGHT PI's right: put PI into the global and its bucket's tables
 * under RIGHT and set port_right (which was MACH_PORT_NULL).  _ports_lock
 * held; takes _ports_htable_lock.  ENOMEM, PI left without a right. */
error_t _ports_htable_add(struct port_info *pi, mach_port_t right);

/* Take PI out of both tables and clear its port_right; returns the right
 * it had (MACH_PORT_NULL if none).  _ports_lock held; takes
 * _ports_htable_lock.  The right itself is left to the caller. */
mach_port_t _ports_htable_remove(struct port_info *pi);

/* Tell the kernel that RIGHT's messages carry PI as payload.  A failure
 * only means the library looks PI up by name instead. */
void _ports_set_payload(struct port_info *pi, mach_port_t right);

/* port_info.flags, libports' own (<hurd/ports.h> uses 0x0001 and
 * 0x0100-0x1000): a no-senders request of ours is armed on the right, as
 * far as libports knows.  Set when one is made (at creation, or by
 * _ports_request_no_senders); cleared when a no-senders notification
 * comes (the kernel's request is then spent, unless the message was
 * forged, in which case asking again only replaces it) and when the right
 * leaves the port.  ports_get_right asks for none while it is set. */
#define _PORT_NS_REQUESTED	0x10000

/* Ask for a no-senders notification on RIGHT (PI's) once no send right is
 * left and the make-send count is at least SYNC, delivered to RIGHT itself
 * (so the port's own manager serves it, with the port as payload), and
 * note it in PI's flags.  The previous request's send-once right, if any,
 * is dropped.  _ports_lock held. */
void _ports_request_no_senders(struct port_info *pi, mach_port_t right,
			       mach_port_mscount_t sync);

/* ---- Deferred freeing (reclaim.c) ---- */

/* A manager thread's membership in its bucket's thread pool. */
struct ports_thread {
	uint64_t generation;	/* the pool generation it last confirmed */
};

void _ports_threadpool_init(struct ports_threadpool *pool);
/* The calling thread starts taking messages from the pool's bucket. */
void _ports_thread_online(struct ports_threadpool *pool, struct ports_thread *thread);
/* The calling thread holds no message and no port it did not reference. */
void _ports_thread_quiescent(struct ports_threadpool *pool, struct ports_thread *thread);
/* The calling thread stops taking messages. */
void _ports_thread_offline(struct ports_threadpool *pool, struct ports_thread *thread);
/* Free PI's memory once no manager thread of its bucket can still hold a
 * message that carries PI as payload.  PI is dead and out of the tables. */
void _ports_port_free_deferred(struct port_info *pi);

/* ---- Cancellation (cancel.c) ---- */

/* The calling thread's cancel state, made on first use; NULL only when
 * memory or the thread's Mach port could not be had. */
struct hell_cancel_state *_ports_cancel_self(void);

/* The calling thread's Mach thread port (hurd_thread_self on the Hurd):
 * kept by libports for the thread's life.  MACH_PORT_NULL as above. */
thread_t _ports_thread_self(void);

/* Cancel the thread of STATE, which the caller knows to be alive (it is
 * in an RPC the caller found under _ports_lock, or it is the caller). */
void _ports_cancel(struct hell_cancel_state *state);
/* Cancel the thread serving RPC, if that thread is still alive.  */
void _ports_cancel_rpc(const struct rpc_info *rpc);
/* STATE's serial, recorded in rpc_info.cancel_serial (0 for NULL).  */
unsigned long _ports_cancel_serial(const struct hell_cancel_state *state);

/* libmach's hook (mach_msg.c): whether the calling thread is cancelled,
 * so that mach_msg does not retry its interrupted calls.  cancel.c sets it
 * to a function that reads (and keeps) the thread's cancel flag. */
extern int (*hell_mach_msg_cancelled)(void);

/* Interrupt the RPC RPC (cancel its thread, record the interruption),
 * unless it is the calling thread's.  _ports_lock held. */
void _ports_interrupt_rpc(struct rpc_info *rpc);

#endif

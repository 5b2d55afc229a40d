/* <hurd/ports.h>: libports, the Hurd's library for building servers.
 *
 * The Hurd's API, on HELL: the same functions, types, struct fields and
 * semantics as the Hurd's libports, so that servers and translators written
 * for the Hurd build unchanged.  The implementation (lib/ports) is HELL's.
 *
 * The objects:
 *   - a *port bucket* holds a Mach port set; every port in the bucket is a
 *     member, and a manager loop (ports_manage_port_operations_*) receives
 *     from the set and hands each message to the server's demuxer;
 *   - a *port class* groups ports of one kind and names their clean and
 *     dropweak routines;
 *   - a *port* is a struct port_info placed at the start of a structure of
 *     the server's own size; it owns one receive right, whose protected
 *     payload is the structure's address, so messages arrive with the
 *     object in msgh_protected_payload (ports_lookup_payload).
 *
 * Lifecycle of a port: created with one hard reference (the caller's);
 * ports_get_right / ports_get_send_right hand out send rights, after which
 * the port holds a reference on itself until a no-senders notification
 * (with a make-send count not older than the last one handed out) says no
 * send right is left (ports_no_senders).  When hard and weak references
 * are all gone, the receive right is destroyed, the class's clean routine
 * runs and the memory is freed.  When only weak references remain, the
 * class's dropweak routine is asked to drop them.
 *
 * Memory: a port's memory is freed only once every manager thread has
 * passed a quiescent point after its last reference went (see
 * struct ports_threadpool): a message dequeued just before the right was
 * destroyed carries the object's address as payload, and that address
 * must stay valid (though dead: port_right is MACH_PORT_NULL) until the
 * thread that holds it has looked it up.
 *
 * RPCs: a server's demuxer brackets each RPC with ports_begin_rpc and
 * ports_end_rpc (libtrivfs, libnetfs and the MIG intran routines do this).
 * That is what lets ports_inhibit_*_rpcs wait for RPCs to finish and
 * ports_interrupt_rpcs interrupt them.
 *
 * Interruption on HELL (the Hurd uses hurd_thread_cancel, which suspends
 * and aborts the thread in the kernel).  Each thread has a cancel flag.
 * hurd_thread_cancel (THREAD) sets THREAD's flag and sends the thread the
 * signal HELL_CANCEL_SIGNAL (a real-time signal whose handler, installed by
 * libports without SA_RESTART, does nothing): a mach_msg the thread is
 * blocked in returns MACH_SEND_INTERRUPTED / MACH_RCV_INTERRUPTED (also
 * without the *_INTERRUPT options, which libmach otherwise retries: so an
 * RPC to another server through a MIG stub ends), and a blocking Linux
 * system call returns EINTR.  The signal is sent again, less and less
 * often, until the thread takes note of the cancellation (hurd_check_cancel,
 * or the end of its RPC), so a cancellation that lands just before the
 * thread blocks is not lost.  hurd_check_cancel () returns the calling
 * thread's flag and clears it.  Servers must leave HELL_CANCEL_SIGNAL to
 * libports (not block it in server threads, not install a handler).
 */
#ifndef _HURD_PORTS_
#define _HURD_PORTS_ 1

#include <errno.h>
#include <mach.h>
#include <mach/notify.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <hurd/ihash.h>
#include <refcount.h>
#if defined __has_include
# if __has_include(<hurd.h>)
#  include <hurd.h>
# endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Flags shared by ports, classes, buckets and the library as a whole
 * (not all are meaningful everywhere). */
#define PORTS_INHIBITED		0x0100	/* RPCs are blocked */
#define PORTS_BLOCKED		0x0200	/* an RPC waits for the inhibition to end */
#define PORTS_INHIBIT_WAIT	0x0400	/* an inhibitor waits for RPCs to end */
#define PORTS_NO_ALLOC		0x0800	/* port creation is blocked */
#define PORTS_ALLOC_WAIT	0x1000	/* a creator waits for PORTS_NO_ALLOC to go */

/* The library's per-bucket record of manager threads, for deferred frees
 * (HELL's own layout; no server uses its fields).  Each manager thread is
 * online in its bucket's pool between messages it handles; a port whose
 * last reference goes is put on the pool's list with the pool's current
 * generation and freed once every thread that was online then has gone
 * quiescent (finished the message it held) or offline. */
struct pi_list;
struct ports_threadpool {
	pthread_mutex_t lock;
	uint64_t generation;		/* bumped at each reclamation */
	size_t threads;			/* online threads */
	size_t busy_old;		/* online threads still in the previous generation */
	struct pi_list *pending;	/* ports waiting for busy_old to reach 0 */
	struct pi_list *next_pending;	/* ports retired in the current generation */
};

struct port_info {
#ifdef __cplusplus
	struct port_class *port_class;
#else
	struct port_class *class;
#endif
	refcounts_t refcounts;		/* hard and weak references */
	mach_port_mscount_t mscount;	/* make-send count of the last send right made */
	mach_msg_seqno_t cancel_threshold; /* RPCs with seqno below it are cancelled (atomic) */
	int flags;			/* PORT_*; under _ports_lock */
	mach_port_t port_right;		/* the receive right, or MACH_PORT_NULL once destroyed */
	struct rpc_info *current_rpcs;	/* RPCs in progress; under _ports_lock */
	struct port_bucket *bucket;
	hurd_ihash_locp_t hentry;	/* slot in bucket->htable */
	hurd_ihash_locp_t ports_htable_entry; /* slot in _ports_htable */
};
typedef struct port_info *port_info_t;

/* port_info.flags */
#define PORT_HAS_SENDRIGHTS	0x0001	/* send rights exist: the port holds a reference on itself */
#define PORT_INHIBITED		PORTS_INHIBITED
#define PORT_BLOCKED		PORTS_BLOCKED
#define PORT_INHIBIT_WAIT	PORTS_INHIBIT_WAIT

struct port_bucket {
	mach_port_t portset;		/* every port of the bucket is a member */
	struct hurd_ihash htable;	/* port name -> port; under _ports_htable_lock */
	int rpcs;			/* RPCs in progress; under _ports_lock */
	int flags;			/* PORT_BUCKET_*; under _ports_lock */
	int count;			/* ports in the bucket; under _ports_lock */
	struct ports_threadpool threadpool;
	struct port_info *notify_port;	/* receives the bucket's Mach notifications */
};
#define PORT_BUCKET_INHIBITED	 PORTS_INHIBITED
#define PORT_BUCKET_BLOCKED	 PORTS_BLOCKED
#define PORT_BUCKET_INHIBIT_WAIT PORTS_INHIBIT_WAIT
#define PORT_BUCKET_NO_ALLOC	 PORTS_NO_ALLOC
#define PORT_BUCKET_ALLOC_WAIT	 PORTS_ALLOC_WAIT

struct port_class {
	int flags;			/* PORT_CLASS_*; under _ports_lock */
	int rpcs;			/* RPCs in progress; under _ports_lock */
	int count;			/* ports in the class; under _ports_lock */
	void (*clean_routine)(void *);	/* called before a port's memory is freed */
	void (*dropweak_routine)(void *); /* asked to drop weak references */
	struct ports_msg_id_range *uninhibitable_rpcs; /* never blocked by inhibition */
};
#define PORT_CLASS_INHIBITED	PORTS_INHIBITED
#define PORT_CLASS_BLOCKED	PORTS_BLOCKED
#define PORT_CLASS_INHIBIT_WAIT	PORTS_INHIBIT_WAIT
#define PORT_CLASS_NO_ALLOC	PORTS_NO_ALLOC
#define PORT_CLASS_ALLOC_WAIT	PORTS_ALLOC_WAIT

/* One RPC in progress: the caller of ports_begin_rpc provides it (usually
 * on its stack) and keeps it until ports_end_rpc. */
struct hell_cancel_state;
struct rpc_info {
	thread_t thread;		/* the serving thread (its Mach thread port) */
	struct rpc_info *next, **prevp;	/* in port_info.current_rpcs */
	struct rpc_notify *notifies;	/* interrupt-on-notification requests */
	struct rpc_info *interrupted_next; /* in the list of interrupted RPCs */
	struct hell_cancel_state *cancel; /* HELL: the serving thread's cancel flag */
	unsigned long cancel_serial;	/* HELL: ... and which thread it was */
};

/* An RPC has asked to be interrupted on a notification about a port. */
struct rpc_notify {
	struct rpc_info *rpc;		/* the RPC to interrupt */
	struct ports_notify *notify;	/* the port and notification */
	struct rpc_notify *next;	/* the RPC's next request */
	unsigned pending;		/* how many requests this stands for */
	struct rpc_notify *next_req;	/* the notification's next RPC */
	struct rpc_notify **prev_req_p;
};

/* A notification requested on a port (not necessarily one of ours). */
struct ports_notify {
	mach_port_t port;
	mach_msg_id_t what;		/* MACH_NOTIFY_* */
	unsigned pending : 1;		/* a notification request is outstanding */
	pthread_mutex_t lock;
	struct rpc_notify *reqs;	/* the RPCs waiting on it */
	struct ports_notify *next, **prevp;
};

/* Every port with notification requests outstanding; under _ports_lock. */
extern struct ports_notify *_ports_notifications;

/* Free lists of the notification records; under _ports_lock. */
extern struct ports_notify *_ports_free_ports_notifies;
extern struct rpc_notify *_ports_free_rpc_notifies;

/* Drop RPC's notification requests.  _ports_lock held. */
void _ports_remove_notified_rpc(struct rpc_info *rpc);

/* A range of message ids, from START up to but not including END. */
struct ports_msg_id_range {
	mach_msg_id_t start, end;
	struct ports_msg_id_range *next;
};

/* The uninhibitable_rpcs of each new class.  A server may define this
 * variable itself; the library's default holds interrupt_operation. */
extern struct ports_msg_id_range *ports_default_uninhibitable_rpcs;

/* ---- Creating ports and handling their rights ---- */

/* A new bucket (with its port set), or NULL with errno set. */
struct port_bucket *ports_create_bucket(void);

/* A new class.  CLEAN_ROUTINE, if not NULL, is called on each port of the
 * class before its memory is freed.  DROPWEAK_ROUTINE, if not NULL, is
 * called when only weak references to a port remain, to ask their holders
 * to drop them (without one, weak references act as hard ones).  NULL
 * with errno set when memory is short. */
struct port_class *ports_create_class(void (*clean_routine)(void *),
				      void (*dropweak_routine)(void *));

/* Create a port of CLASS in BUCKET: allocate SIZE bytes (at least
 * sizeof (struct port_info)), give it a new receive right whose protected
 * payload is its address, put it in the bucket's port set, and store its
 * address in *(void **) RESULT with one hard reference for the caller.
 * Waits while the class or bucket blocks creation (ports_count_*).
 * ENOMEM, or the Mach error of the right's creation. */
error_t ports_create_port(struct port_class *port_class, struct port_bucket *bucket,
			  size_t size, void *result);

/* As ports_create_port, but the receive right is not put in the bucket's
 * port set: no RPC arrives on it until the caller does so (with
 * mach_port_move_member to bucket->portset).  For a port whose right must
 * be handed out before the object is complete. */
error_t ports_create_port_noinstall(struct port_class *port_class,
				    struct port_bucket *bucket,
				    size_t size, void *result);

/* As ports_create_port, for the existing receive right PORT (which the
 * library takes over). */
error_t ports_import_port(struct port_class *port_class, struct port_bucket *bucket,
			  mach_port_t port, size_t size, void *result);

/* Destroy PORT's receive right and give it a fresh one (send rights made
 * before become dead names). */
void ports_reallocate_port(void *port);

/* Destroy PORT's receive right and make RECEIVE its right. */
void ports_reallocate_from_external(void *port, mach_port_t receive);

/* Destroy PORT's receive right; PORT stays as an object without a right
 * (port_right MACH_PORT_NULL) until its references go.  Drops the
 * reference the send rights held.  Always 0, for use with the iterators. */
error_t ports_destroy_right(void *port);

/* Take PORT's receive right out of the library and return it: PORT ends
 * as after ports_destroy_right, but the right lives on with the caller.
 * A message already dequeued for PORT is answered EOPNOTSUPP. */
mach_port_t ports_claim_right(void *port);

/* Move FROMPT's receive right to TOPT: TOPT's own right is destroyed, and
 * FROMPT ends as after ports_destroy_right. */
error_t ports_transfer_right(void *topt, void *frompt);

/* The name of PORT's receive right, from which the caller is about to make
 * one send right (MACH_MSG_TYPE_MAKE_SEND); counts it (mscount) and, on
 * the first one, takes the self-reference and asks for a no-senders
 * notification. */
mach_port_t ports_get_right(void *port);

/* ports_get_right, and make the send right: the caller owns one send
 * right to PORT.  MACH_PORT_NULL if PORT has no right any more. */
mach_port_t ports_get_send_right(void *port);

/* ---- References ---- */

/* The port of receive right PORT, with a new hard reference, or NULL when
 * PORT is none of ours or not in BUCKET / CLASS (either may be NULL for
 * "any"). */
void *ports_lookup_port(struct port_bucket *bucket, mach_port_t port,
			struct port_class *port_class);

/* The port whose protected payload is PAYLOAD (its address), with a new
 * hard reference; NULL as for ports_lookup_port, or when the port no
 * longer has a right. */
void *ports_lookup_payload(struct port_bucket *bucket, uintptr_t payload,
			   struct port_class *port_class);

/* The receive right name of the port whose payload is PAYLOAD, for MIG's
 * intranpayload translation back to a name.  MACH_PORT_NULL for 0. */
mach_port_t ports_payload_get_name(uintptr_t payload);

/* Add a hard / weak reference to PORT (the caller holds one already). */
void ports_port_ref(void *port);
void ports_port_ref_weak(void *port);

/* Drop a hard / weak reference to PORT; the last one ends the port. */
void ports_port_deref(void *port);
void ports_port_deref_weak(void *port);

/* The send-once right to request notifications for PORT with: its
 * bucket's notify port (which serves them through ports_notify_server). */
#define ports_port_notify_right(port) \
	(((struct port_info *) (port))->bucket->notify_port->port_right)

/* Whether PORT is its bucket's notify port. */
#define ports_port_is_notify(port)                                    \
	({                                                            \
		struct port_info *__pi = (port);                      \
		__pi ? (__pi->bucket->notify_port == __pi) : 0;       \
	})

/* Ask for a dead-name notification on NAME for OBJECT, delivered to
 * OBJECT's bucket's notify port (ports_dead_name is then called with
 * OBJECT's bucket's notify port and NAME).  The previously registered
 * send-once right is returned in *PREVIOUS, or dropped if PREVIOUS is
 * NULL.  With OBJECT NULL, cancels the request.  */
error_t ports_request_dead_name_notification(void *object, mach_port_t name,
					     mach_port_t *previous);

/* A no-senders notification with make-send count MSCOUNT arrived for PORT:
 * if no send right was made since (mscount >= port's mscount), drop the
 * self-reference the send rights held.  Called by the default
 * ports_do_mach_notify_no_senders. */
void ports_no_senders(void *port, mach_port_mscount_t mscount);

/* DEAD_NAME died; NOTIFY is the port the notification came to.  Interrupts
 * the RPCs that asked for it (ports_interrupt_self_on_port_death). */
void ports_dead_name(void *notify, mach_port_t dead_name);

/* Block port creation in CLASS / BUCKET and return how many ports it has;
 * ports_enable_class / ports_enable_bucket lift the block. */
int ports_count_class(struct port_class *port_class);
int ports_count_bucket(struct port_bucket *bucket);
void ports_enable_class(struct port_class *port_class);
void ports_enable_bucket(struct port_bucket *bucket);

/* Call FUN on each port of BUCKET / CLASS (each held by a reference during
 * the call, so FUN may destroy it).  The ports are those present when the
 * iteration began.  Returns the first nonzero FUN result, after which no
 * more calls are made. */
error_t ports_bucket_iterate(struct port_bucket *bucket, error_t (*fun)(void *port));
error_t ports_class_iterate(struct port_class *port_class, error_t (*fun)(void *port));
error_t _ports_bucket_class_iterate(struct hurd_ihash *ht, struct port_class *port_class,
				    error_t (*fun)(void *port));

/* ---- Serving RPCs ---- */

/* A MIG demuxer: handles INP and fills OUTP; 0 when INP is not its. */
typedef int (*ports_demuxer_type)(mach_msg_header_t *inp, mach_msg_header_t *outp);

/* An RPC with message id MSG_ID begins on PORT.  Waits while the port, its class, its bucket or the library is inhibited
 * (unless MSG_ID is uninhibitable for the class); records INFO (owned by
 * the caller until ports_end_rpc) as the calling thread's RPC.
 * EOPNOTSUPP when PORT lost its right meanwhile (abandon the RPC); EINTR
 * when the thread was cancelled while waiting. */
error_t ports_begin_rpc(void *port, mach_msg_id_t msg_id, struct rpc_info *info);

/* The RPC of INFO on PORT ends: forget it, wake an inhibitor waiting for
 * it, and clear the thread's cancel flag. */
void ports_end_rpc(void *port, struct rpc_info *info);

/* Serve BUCKET with the calling thread alone: receive each message, hand
 * it to DEMUXER (after the library's notify and interrupt servers had
 * their chance), send the reply.  Never returns: TIMEOUT is accepted and
 * ignored, as by today's Hurd (a translator that wants to end calls exit
 * from its goaway routine). */
void ports_manage_port_operations_one_thread(struct port_bucket *bucket,
					     ports_demuxer_type demuxer, int timeout);

/* Serve BUCKET with as many threads as it needs: a new thread starts
 * whenever every thread is busy with a message, so no port waits for a
 * slow RPC on another.  A thread other than the first ends after
 * THREAD_TIMEOUT milliseconds without a message (0: never).  The call
 * never returns: GLOBAL_TIMEOUT is accepted and ignored, as by today's
 * Hurd.  HOOK, if not NULL, runs first in each new thread. */
void ports_manage_port_operations_multithread(struct port_bucket *bucket,
					      ports_demuxer_type demuxer,
					      int thread_timeout, int global_timeout,
					      void (*hook)(void));

/* Interrupt the RPCs in progress on PORT / CLASS / BUCKET / everywhere,
 * wait until they have ended, and block new ones until the matching
 * resume.  The calling thread's own RPC is neither interrupted nor waited
 * for.  EBUSY when an inhibition of the same object is under way; EINTR
 * when the calling thread was cancelled while waiting. */
error_t ports_inhibit_port_rpcs(void *port);
error_t ports_inhibit_class_rpcs(struct port_class *port_class);
error_t ports_inhibit_bucket_rpcs(struct port_bucket *bucket);
error_t ports_inhibit_all_rpcs(void);

/* Undo the matching ports_inhibit_*_rpcs: blocked RPCs proceed. */
void ports_resume_port_rpcs(void *port);
void ports_resume_class_rpcs(struct port_class *port_class);
void ports_resume_bucket_rpcs(struct port_bucket *bucket);
void ports_resume_all_rpcs(void);

/* Cancel (hurd_thread_cancel) every RPC in progress on PORT, except the
 * calling thread's own. */
void ports_interrupt_rpcs(void *port);

/* Whether the calling thread's RPC was interrupted by
 * ports_interrupt_rpcs or interrupt_operation; clears the record. */
int ports_self_interrupted(void);

/* Record RPC as interrupted (for ports_self_interrupted). _ports_lock held. */
void _ports_record_interruption(struct rpc_info *rpc);

/* Cancel RPC (an RPC on OBJECT) when PORT gets notification WHAT
 * (MACH_NOTIFY_DEAD_NAME ...), delivered to OBJECT's bucket's notify port. */
error_t ports_interrupt_rpc_on_notification(void *object, struct rpc_info *rpc,
					    mach_port_t port, mach_msg_id_t what);

/* The same for the calling thread's RPC on OBJECT. */
error_t ports_interrupt_self_on_notification(void *object, mach_port_t port,
					     mach_msg_id_t what);

#define ports_interrupt_self_on_port_death(obj, port) \
	ports_interrupt_self_on_notification(obj, port, MACH_NOTIFY_DEAD_NAME)

/* Cancel the RPCs on OBJECT that asked to be on notification WHAT about
 * PORT. */
void ports_interrupt_notified_rpcs(void *object, mach_port_t port, mach_msg_id_t what);

/* ---- The library's own servers ---- */

/* Mach notifications (mach/notify.defs), each routed to the
 * ports_do_mach_notify_* routine below with the port it came to (NULL
 * when that is not one of ours).  The library's definitions are weak: a
 * server may define any of the routines itself.  ports_notify_server
 * returns 0 for a message id that is not a notification. */
int ports_notify_server(mach_msg_header_t *inp, mach_msg_header_t *outp);

kern_return_t ports_do_mach_notify_dead_name(struct port_info *pi, mach_port_t deadport);
kern_return_t ports_do_mach_notify_msg_accepted(struct port_info *pi, mach_port_t name);
kern_return_t ports_do_mach_notify_no_senders(struct port_info *pi,
					      mach_port_mscount_t count);
kern_return_t ports_do_mach_notify_port_deleted(struct port_info *pi, mach_port_t name);
kern_return_t ports_do_mach_notify_port_destroyed(struct port_info *pi, mach_port_t name);
kern_return_t ports_do_mach_notify_send_once(struct port_info *pi);

/* interrupt_operation (<hurd/interrupt.defs>): cancel the RPCs on PI whose
 * requests came before SEQNO. */
boolean_t ports_interrupt_server(mach_msg_header_t *inp, mach_msg_header_t *outp);

/* ports_notify_server_routine and ports_interrupt_server_routine (the stub
 * for a message id, or NULL), which demuxers chain, are static inline
 * functions of MIG's server headers, as on the Hurd: include "notify_S.h"
 * and "interrupt_S.h" (the Hurd's "../libports/notify_S.h"), which the
 * build's ports_dep provides. */
kern_return_t ports_S_interrupt_operation(struct port_info *pi, mach_port_seqno_t seqno);

/* ---- Thread cancellation (glibc's <hurd/signal.h> calls, HELL's way) ---- */

/* The signal libports uses to interrupt a thread (see the top of this
 * file).  Its handler does nothing; it only interrupts what the thread is
 * blocked in. */
#define HELL_CANCEL_SIGNAL (SIGRTMIN + 7)

/* Cancel THREAD (a thread of this task, by its Mach thread port as
 * ports_begin_rpc recorded it): set its cancel flag and interrupt what it
 * is blocked in.  ESRCH when THREAD is not a thread that libports knows
 * (one that never began an RPC nor called hurd_check_cancel). */
error_t hurd_thread_cancel(thread_t thread);

/* Whether the calling thread was cancelled since the last call; clears
 * the flag. */
int hurd_check_cancel(void);

/* pthread_cond_wait / pthread_cond_timedwait that a cancellation ends
 * (declared in <pthread.h> on the Hurd).  The wait ends early when the
 * thread is cancelled before or while waiting; the cancel flag is then
 * cleared.  pthread_hurd_cond_wait_np returns nonzero if cancelled;
 * pthread_hurd_cond_timedwait_np returns EINTR if cancelled, ETIMEDOUT
 * when ABSTIME (on COND's clock; NULL: never) passed, else 0.  MUTEX is
 * held on return in every case. */
int pthread_hurd_cond_wait_np(pthread_cond_t *__restrict cond,
			      pthread_mutex_t *__restrict mutex);
int pthread_hurd_cond_timedwait_np(pthread_cond_t *__restrict cond,
				   pthread_mutex_t *__restrict mutex,
				   const struct timespec *abstime);

/* ---- Library internals (declared as the Hurd declares them) ---- */

/* Guards the flags, counts and RPC lists of ports, classes and buckets. */
extern pthread_mutex_t _ports_lock;
/* Signalled whenever an inhibition or a creation block may have ended. */
extern pthread_cond_t _ports_block;

/* Port name -> port, over every bucket.  An entry holds no reference:
 * lookups take one, and the last deref removes the entry under the write
 * lock after checking that no lookup took one meanwhile. */
extern struct hurd_ihash _ports_htable;
/* Guards _ports_htable and every bucket's htable. */
extern pthread_rwlock_t _ports_htable_lock;

extern int _ports_total_rpcs;	/* under _ports_lock */
extern int _ports_flags;	/* _PORTS_*; under _ports_lock */
#define _PORTS_INHIBITED	PORTS_INHIBITED
#define _PORTS_BLOCKED		PORTS_BLOCKED
#define _PORTS_INHIBIT_WAIT	PORTS_INHIBIT_WAIT

void _ports_complete_deallocate(struct port_info *pi);
error_t _ports_create_port_internal(struct port_class *port_class,
				    struct port_bucket *bucket,
				    size_t size, void *result, int install);

#ifdef __cplusplus
}
#endif

#endif /* _HURD_PORTS_ */

/* Message queues, waiting receivers and senders: see mqueue.c. */
#ifndef MACHD_IPC_MQUEUE_H
#define MACHD_IPC_MQUEUE_H

#include "ipc.h"

struct thread;

/* Internal codes: the thread now waits; its trap finishes later. */
#define MACH_MSG_IN_PROGRESS_SEND MACH_SEND_IN_PROGRESS
#define MACH_MSG_IN_PROGRESS_RCV MACH_RCV_IN_PROGRESS

/* Send KMSG (copied in) for THREAD with mach_msg's OPTION and TIMEOUT.
 * Returns MACH_MSG_SUCCESS (queued, or destroyed with a dead port),
 * MACH_SEND_TIMED_OUT (queue full, zero timeout; KMSG still the caller's) or
 * MACH_SEND_IN_PROGRESS (THREAD blocks until there is room). */
mach_msg_return_t ipc_mqueue_send(struct ipc_kmsg *kmsg, struct thread *thread,
				  mach_msg_option_t option, mach_msg_timeout_t timeout);
/* Send a message machd made (notifications, kernel replies): never
 * blocks, ignores the queue limit. */
void ipc_mqueue_send_always(struct ipc_kmsg *kmsg);

/* Receive for THREAD (its option, rcv_size, timeout set) from OBJECT, a port
 * or set in THREAD's space.  Delivers at once, or returns
 * MACH_RCV_IN_PROGRESS (THREAD waits), or an error code. */
mach_msg_return_t ipc_mqueue_receive(struct thread *thread, struct ipc_object *object);

/* PORT's queue limit went up: let waiting senders in. */
void ipc_mqueue_limit_raised(struct ipc_port *port);
/* Every thread waiting on LIST finishes with MR. */
void ipc_mqueue_wake_receivers(struct list *list, mach_msg_return_t mr);
/* PORT died: its blocked senders finish (their messages destroyed). */
void ipc_mqueue_wake_senders_dead(struct ipc_port *port);
/* Destroy PORT's queued messages. */
void ipc_mqueue_destroy_queue(struct ipc_port *port);
/* Messages queued on PSET's members may now go to its receivers. */
void ipc_mqueue_pset_feed(struct ipc_pset *pset);

/* Deliveries run here, outside any copyin or copyout: call at the end of
 * every event.  Returns when nothing more is pending. */
void ipc_mqueue_run_pending(void);

/* Free the buffers kept for reuse (at exit, for the leak check). */
void ipc_mqueue_shutdown(void);

/* The kernel's message server: handles a message queued on a port machd
 * receives on.  Set by kern/kobject.c. */
extern void (*ipc_kobject_server)(struct ipc_kmsg *kmsg);

#endif

/* Threads: one per channel.  See thread.c. */
#ifndef MACHD_KERN_THREAD_H
#define MACHD_KERN_THREAD_H

#include "../ipc/ipc.h"
#include <hell/channel.h>
#include <sys/types.h>

struct chan;

enum thread_wait { TW_NONE = 0, TW_RECEIVE, TW_SEND };

struct thread {
	struct task *task;
	struct chan *chan;
	struct ipc_port *port;		/* the thread port (kernel object) */
	pid_t tid;			/* its Linux thread, 0 if not known */
	struct list task_link;		/* on task->threads */

	/* What the thread is blocked in, if anything. */
	enum thread_wait wait;
	struct list wait_link;		/* on a receivers or senders list */
	struct ipc_object *wait_object;	/* port or set waited on (reference held) */
	uint64_t deadline_ns;		/* 0: none */
	size_t timer_index;		/* place in the timer heap, or SIZE_MAX */

	/* The trap in progress (valid while wait != TW_NONE, or while it is
	 * queued for resumption). */
	mach_msg_option_t option;
	mach_msg_size_t rcv_size;
	mach_port_name_t rcv_name;
	mach_msg_timeout_t timeout;
	struct ipc_kmsg *send_kmsg;	/* TW_SEND: the message waiting for room */

	bool resume_pending;		/* on the resume list */
	struct list resume_link;
	bool in_trap;			/* a MACH_MSG request is being served */
};

struct thread *thread_create(struct task *task, struct chan *chan);
/* The thread's channel closed or its task died: abandon any wait, free. */
void thread_destroy(struct thread *thread);

/* Finish the thread's pending mach_msg with code MR (no message). */
void thread_finish(struct thread *thread, mach_msg_return_t mr);
/* Stop waiting (list, timer) without replying. */
void thread_unwait(struct thread *thread);
/* Block in receive on OBJECT / in send on PORT, until DEADLINE (0: none). */
void thread_wait_receive(struct thread *thread, struct ipc_object *object, struct list *on);
void thread_wait_send(struct thread *thread, struct ipc_port *port, struct ipc_kmsg *kmsg);

/* Hand a received message to the thread: copy it out into the thread's
 * space and reply.  SEQNO is its sequence number. */
void thread_deliver(struct thread *thread, struct ipc_kmsg *kmsg, mach_port_seqno_t seqno);
/* A send that did not happen (MR: timed out, interrupted): the message and
 * everything it carries go back to the sender, as GNU Mach does. */
void thread_give_back(struct thread *thread, struct ipc_kmsg *kmsg, mach_msg_return_t mr);
/* Tell the thread (which asked with MACH_RCV_LARGE) how big the message is. */
void thread_too_large(struct thread *thread, mach_msg_size_t size);

/* A timer expired, or the task asked to interrupt (HELL_OP_CANCEL). */
void thread_timeout(struct thread *thread);
void thread_interrupt(struct thread *thread);

/* Free the buffers kept for reuse (at exit, for the leak check). */
void thread_shutdown(void);

/* Count of live threads. */
extern uint64_t thread_count;

#endif

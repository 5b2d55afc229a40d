/* The mach_msg trap: see mach_msg.c. */
#ifndef MACHD_IPC_MACH_MSG_H
#define MACHD_IPC_MACH_MSG_H

#include "ipc.h"

struct thread;
struct chan_request;

/* Serve THREAD's HELL_OP_MACH_MSG request R: send, then receive, replying
 * now or when the wait ends. */
void ipc_mach_msg_trap(struct thread *thread, struct chan_request *r);
/* A send that waited for queue room goes on (called from mqueue.c). */
void mach_msg_continue_after_send(struct thread *thread, struct ipc_kmsg *kmsg);

#endif

/* Tracing (hell_task_trace): see trace.c. */
#ifndef MACHD_KERN_TRACE_H
#define MACHD_KERN_TRACE_H

#include "../ipc/ipc.h"
#include <hell/trace.h>

struct task;

/* TASK sent KMSG (copied in, not yet queued): record it.  Call only if
 * task->trace_port. */
void trace_send(struct task *task, struct ipc_kmsg *kmsg);
/* TASK receives KMSG: describe it before copyout (into REC), send the
 * record after.  Call only if task->trace_port and !kmsg->trace_record. */
void trace_receive_begin(struct task *task, struct ipc_kmsg *kmsg, struct hell_trace_record *rec);
void trace_receive_end(struct task *task, struct ipc_kmsg *kmsg, struct hell_trace_record *rec);
/* CHILD, made by PARENT, is traced too if PARENT asked for its children. */
void trace_inherit(struct task *child, struct task *parent);
/* Stop tracing TASK (drop the trace port). */
void trace_stop(struct task *task);

#endif

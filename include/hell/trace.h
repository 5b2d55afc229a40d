/* <hell/trace.h>: the records machd sends to a tracer.
 *
 * machd sees every message.  hell_task_trace (<hell/hell_rpc.h>) asks it
 * to send the holder of a trace port one record for each message a task
 * sends (after machd accepted it: a send that fails is not recorded) and
 * each message it receives; rpctrace prints them.  A record is a message
 * of its own (struct hell_trace_msg, id HELL_TRACE_MSGH_ID) with one
 * inline array of bytes, the struct hell_trace_record below.
 *
 * Records never wait for room: when HELL_TRACE_QUEUE_MAX of them are
 * already queued on the trace port, machd drops the next ones and says in
 * the next record it queues how many it dropped.  Records are not
 * themselves recorded, so a task may trace itself.  Tracing stops when
 * the trace port dies, or with hell_task_trace (task, MACH_PORT_NULL, 0).
 *
 * Ports are named two ways: id, machd's number for the port, the same in
 * every record for as long as the port lives (so a request's reply port
 * matches the destination of its reply); and name, the traced task's own
 * name for it. */
#ifndef HELL_TRACE_H
#define HELL_TRACE_H

#include <stdint.h>
#include <mach/message.h>

#define HELL_TRACE_MSGH_ID 6500		/* id of the record messages */
#define HELL_TRACE_VERSION 1		/* struct hell_trace_record.version */
#define HELL_TRACE_QUEUE_MAX 4096	/* records queued at most, then dropped */

/* hell_task_trace flags. */
#define HELL_TRACE_CHILDREN 0x1u	/* tasks the task makes (fork, spawn,
					   task_create, processes it starts)
					   are traced to the same port, and
					   theirs in turn */

/* struct hell_trace_record.direction */
enum hell_trace_direction {
	HELL_TRACE_SEND = 1,		/* the task sent the message */
	HELL_TRACE_RECEIVE = 2,		/* the task received it */
};

/* struct hell_trace_port.kind: what the port stands for. */
enum hell_trace_port_kind {
	HELL_TRACE_PORT_NONE = 0,	/* no port (MACH_PORT_NULL) */
	HELL_TRACE_PORT_USER = 1,	/* a port a task receives on */
	HELL_TRACE_PORT_TASK = 2,	/* a task port (pid: the task's) */
	HELL_TRACE_PORT_THREAD = 3,	/* a thread port (pid: its task's) */
	HELL_TRACE_PORT_HOST = 4,	/* the host port */
	HELL_TRACE_PORT_HOST_PRIV = 5,	/* the privileged host port */
	HELL_TRACE_PORT_DEAD = 6,	/* a port that has died */
};

struct hell_trace_port {
	uint64_t id;		/* machd's number for the port; 0 for none */
	uint32_t name;		/* the traced task's name for it, or 0 (none:
				   a right it does not hold) */
	uint32_t kind;		/* enum hell_trace_port_kind */
	int32_t pid;		/* USER: pid of the task holding the receive
				   right (0: none, the right is in transit);
				   TASK, THREAD: the task's pid (0: none yet) */
	uint32_t reserved;
};

/* The record's flags. */
#define HELL_TRACE_HAS_RETCODE	0x1u	/* the body starts with one 32-bit
					   integer (a MIG reply's RetCode) */
#define HELL_TRACE_COMPLEX	0x2u	/* the message carries rights or
					   out-of-line memory */

struct hell_trace_record {
	uint32_t version;	/* HELL_TRACE_VERSION */
	uint32_t direction;	/* enum hell_trace_direction */
	uint64_t time_ns;	/* CLOCK_REALTIME when machd saw it */
	uint64_t task_id;	/* id of the traced task's port: which task,
				   when its children are traced too */
	int32_t task_pid;	/* the traced task's pid */
	int32_t peer_pid;	/* SEND: the receiver's pid; RECEIVE: the
				   sender's; 0: machd itself (a kernel port,
				   a notification, a kernel reply); -1: not
				   known (a receive right in transit) */
	int32_t msgh_id;
	uint32_t msgh_bits;	/* the header's bits as sent (dispositions) or
				   received (rights) */
	uint32_t size;		/* the message's size (msgh_size) */
	int32_t retcode;	/* with HELL_TRACE_HAS_RETCODE */
	uint32_t flags;		/* HELL_TRACE_* above */
	uint32_t dropped;	/* records machd dropped before this one
				   (trace queue full) */
	struct hell_trace_port dest;	/* where the message went */
	struct hell_trace_port reply;	/* its reply port */
};

/* The record as it arrives: its body one inline MACH_MSG_TYPE_CHAR array. */
struct hell_trace_msg {
	mach_msg_header_t head;
	mach_msg_type_t type;
	struct hell_trace_record rec;
};

#endif

/* The channel protocol between libmach and machd.
 *
 * Every thread that enters a trap owns one AF_UNIX SOCK_SEQPACKET connection
 * to machd, its channel.  A trap is one request datagram from the thread and
 * exactly one reply datagram from machd (plus, for a reply that carries
 * out-of-line memory or a very large message, one "bulk" datagram right after
 * it).  A thread never has two requests outstanding, except HELL_OP_CANCEL,
 * which may follow a blocked HELL_OP_MACH_MSG and has no reply of its own: it
 * makes machd finish the blocked request at once.
 *
 * Nothing a task sends is trusted: machd checks every field below.
 *
 * Request datagram:   struct hell_req, then the op's payload
 *   HELL_OP_MACH_MSG: payload = message (send_size bytes), then
 *                     ool_count struct hell_ool_in, then the OOL blob
 *                     (with HELL_REQ_OOL_GATHERED; see HELL_KR_NEED_OOL).
 *                     With HELL_REQ_PAYLOAD_IN_FD the payload instead fills
 *                     the first passed file descriptor (a memfd), for
 *                     payloads larger than HELL_CHAN_INLINE_MAX.
 *                     Large out-of-line regions come as memfds (SCM_RIGHTS).
 * Reply datagram:     struct hell_rep, then msg_size bytes of message unless
 *                     HELL_REP_BULK is set, in which case a second datagram
 *                     follows: bulk_size bytes of [message][fixups][blob],
 *                     or a memfd holding them (HELL_REP_BULK_IN_FD), with the
 *                     memfds of large out-of-line regions.
 */
#ifndef HELL_CHANNEL_H
#define HELL_CHANNEL_H

#include <stdint.h>

/* Version of this protocol; HELLO carries it and machd refuses others. */
#define HELL_CHAN_VERSION 1

/* Largest datagram either side sends inline; bigger payloads travel in a
 * memfd.  Both sides set their socket buffers to hold at least this. */
#define HELL_CHAN_INLINE_MAX (128u * 1024u)

/* Out-of-line regions up to this size travel as bytes in the datagram;
 * larger ones as a memfd that the receiver maps (one copy in all). */
#define HELL_OOL_INLINE_MAX (64u * 1024u)

/* Most file descriptors one datagram carries; a message with more large
 * out-of-line regions sends the extra ones as bytes in the payload memfd. */
#define HELL_CHAN_MAX_FDS 64

enum hell_op {
	HELL_OP_HELLO = 1,	/* arg0 = version, arg1 = token (fork/spawn, or 0),
				   arg2 = the thread's Linux tid, arg3 = an
				   ancestor's token (HELL_TASK_TOKEN not made
				   for this process), or 0 */
	HELL_OP_MACH_MSG,	/* mach_msg_trap: see struct hell_req */
	HELL_OP_REPLY_PORT,	/* mach_reply_port */
	HELL_OP_TASK_SELF,	/* mach_task_self: a new send right (uref) */
	HELL_OP_THREAD_SELF,
	HELL_OP_HOST_SELF,
	HELL_OP_CANCEL,		/* interrupt this channel's blocked mach_msg; no reply */
	HELL_OP_FORK_PREPARE,	/* snapshot this task's send rights for a fork child;
				   rep val0 = token */
	HELL_OP_FORK_ABORT,	/* arg0 = token: the fork failed, drop the snapshot */
	HELL_OP_SPAWN_PREPARE,	/* arg0..arg2 = bootstrap, exception, kernel-port
				   names (copy-send, or MACH_PORT_NULL): a new task
				   as task_create(caller) with those special ports;
				   rep val0 = token for its process, val1 = send
				   right to its port */
	HELL_OP_SPAWN_BIND,	/* arg0 = token, arg1 = pid of the caller's child
				   started for it: bind the task to it */
	HELL_OP_STATS,		/* rep carries struct hell_machd_stats as message */
	HELL_OP_EXEC_PREPARE,	/* arg0 = send right name of a task without a
				   process (task_create): rep val0 = token for the
				   process about to be started for it */
	HELL_OP_EXEC_ABORT,	/* arg0 = token: the process could not be started;
				   the task stays without one */
	HELL_OP_MAX
};

/* Request flags. */
#define HELL_REQ_PAYLOAD_IN_FD 0x1u
#define HELL_REQ_OOL_GATHERED 0x2u	/* MACH_MSG: the OOL table is there (maybe empty) */

/* machd's answer to a MACH_MSG request without HELL_REQ_OOL_GATHERED whose
 * message has out-of-line regions: nothing was done; send again with the
 * regions gathered.  libmach reads a message's memory only then, so a
 * message without regions is never touched by libmach at all. */
#define HELL_KR_NEED_OOL ((int32_t) 0x48454c4c)

struct hell_req {
	uint32_t op;		/* enum hell_op */
	uint32_t flags;		/* HELL_REQ_* */
	uint64_t arg[7];	/* op arguments; for MACH_MSG, mach_msg's own:
				   option, send_size, rcv_size, rcv_name,
				   timeout, notify, unused */
	uint32_t ool_count;	/* MACH_MSG: entries of struct hell_ool_in */
	uint32_t blob_size;	/* MACH_MSG: bytes of OOL blob after them */
};

/* One out-of-line region of a message being sent, in the order the regions
 * appear in the message.  Port arrays always come as bytes (names). */
enum hell_ool_kind { HELL_OOL_BLOB = 1, HELL_OOL_FD = 2 };
struct hell_ool_in {
	uint64_t size;		/* bytes; machd checks it against the type */
	uint32_t kind;		/* enum hell_ool_kind */
	uint32_t index;		/* BLOB: byte offset in blob; FD: fd index */
};

/* Reply flags. */
#define HELL_REP_BULK		0x1u	/* a bulk datagram follows */
#define HELL_REP_BULK_IN_FD	0x2u	/* the bulk is in the bulk datagram's first fd */

struct hell_rep {
	int32_t kr;		/* kern_return_t / mach_msg_return_t */
	uint32_t flags;		/* HELL_REP_* */
	uint32_t msg_size;	/* bytes of message */
	uint32_t fixup_count;	/* entries of struct hell_ool_out in the bulk */
	uint32_t bulk_size;	/* bytes of the bulk (message, fixups, blob) */
	uint32_t reserved;
	uint64_t val[4];	/* op results */
};

/* Where to put one out-of-line region of a received message: the receiver
 * maps or copies it and writes its address into the message at offset. */
struct hell_ool_out {
	uint32_t offset;	/* of the 8-byte address slot in the message */
	uint32_t kind;		/* enum hell_ool_kind */
	uint64_t size;		/* bytes */
	uint64_t index;		/* BLOB: offset in blob; FD: fd index */
};

/* machd's counts of its objects, for leak checks and benchmarks. */
struct hell_machd_stats {
	uint64_t ports;		/* live port objects, kernel ports included */
	uint64_t port_sets;
	uint64_t entries;	/* names in all spaces */
	uint64_t messages;	/* queued or in-flight messages */
	uint64_t message_bytes;	/* bytes held by them */
	uint64_t ool_fds;	/* memfds held for out-of-line regions */
	uint64_t tasks;
	uint64_t threads;
	uint64_t heap_bytes;	/* machd's malloc'd bytes in use */
	uint64_t kernel_ports;	/* ports machd itself receives on */
};

#endif /* HELL_CHANNEL_H */

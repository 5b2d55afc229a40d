/* machd's IPC objects: ports, port sets, name spaces and their entries, and
 * messages in kernel form.
 *
 * Concurrency: machd runs its whole kernel personality on one thread (the
 * event loop in main.c), so no object here has a lock.  Every invariant below
 * holds between two events.
 *
 * References: a port or port set is freed when its reference count drops to
 * zero.  References are held by: each space entry naming it, each message that
 * carries a right to it (header or body), each notification request's
 * send-once right, the kernel object it represents (a task holds its task
 * port) and the port-set membership (a member port holds no reference on the
 * set; the set unlinks its members when it dies).
 *
 * The receive right of a port is, at any time, in exactly one state
 * (ipc_port_state()):
 *   IN_SPACE    active, receiver != NULL: named receiver_name in receiver
 *               (the kernel space for ports machd serves itself)
 *   IN_TRANSIT  active, receiver == NULL: carried by a message
 *   DEAD        !active: destroyed; remaining holders of send and
 *               send-once rights see a dead name on their next use
 *
 * Right counts: srights counts send rights anywhere (entries count one per
 * entry whatever their urefs, messages one per carried right), sorights
 * counts send-once rights.  When srights falls to zero a registered
 * no-senders request fires.
 */
#ifndef MACHD_IPC_IPC_H
#define MACHD_IPC_IPC_H

#include <mach/port.h>
#include <mach/message.h>
#include <mach/kern_return.h>
#include <mach/mach_param.h>
#include <stdbool.h>
#include <stdint.h>

#include "../util/list.h"
#include "../util/hashmap.h"

/* GNU Mach's limits on user references (kernel-internal there): a dead
 * name reaches MACH_PORT_UREFS_MAX, a send right one less (ipc/port.h and
 * ipc_right_delta in GNU Mach). */
#define MACH_PORT_UREFS_MAX ((mach_port_urefs_t) 0xffff)
#define IPC_SEND_UREFS_MAX (MACH_PORT_UREFS_MAX - 1)

struct ipc_space;
struct ipc_kmsg;
struct thread;

enum ipc_object_type { IOT_PORT = 1, IOT_PSET = 2 };

struct ipc_object {
	uint32_t otype;		/* enum ipc_object_type */
	uint32_t refs;
};

/* What a port stands for when machd itself receives on it. */
enum ipc_kotype {
	IKOT_NONE = 0,
	IKOT_TASK,
	IKOT_THREAD,
	IKOT_HOST,
	IKOT_HOST_PRIV,
};

/* One registered dead-name request: when the port dies, NOTIFY (a
 * send-once right) receives a dead-name notification for NAME in SPACE. */
struct ipc_dnrequest {
	struct ipc_space *space;
	mach_port_name_t name;
	struct ipc_port *notify;
};

struct ipc_port {
	struct ipc_object obj;

	bool active;
	bool has_payload;	/* protected payload set */
	bool in_ready;		/* linked on pset->ready (has messages, in a set) */

	/* Receive right: see the states above. */
	struct ipc_space *receiver;
	mach_port_name_t receiver_name;
	struct ipc_port *destination;	/* IN_TRANSIT: where the message carrying
					   the receive right goes (no reference) */
	struct ipc_pset *pset;		/* set it is a member of, or NULL */
	struct list pset_link;		/* on pset->members */
	struct list ready_link;		/* on pset->ready */

	uint32_t srights;
	uint32_t sorights;
	mach_port_mscount_t mscount;
	mach_port_seqno_t seqno;
	mach_port_msgcount_t qlimit;

	struct list msgs;		/* queued struct ipc_kmsg, oldest first */
	mach_port_msgcount_t msgcount;
	struct list receivers;		/* threads waiting to receive on it */
	struct list senders;		/* threads waiting for queue room */

	/* Notification requests: send-once rights, or NULL. */
	struct ipc_port *nsrequest;
	mach_port_mscount_t nssync;
	struct ipc_port *pdrequest;
	struct ipc_dnrequest *dnrequests;
	uint32_t dnrequest_count, dnrequest_cap;

	uint64_t payload;		/* protected payload */
	uint64_t id;			/* machd's number for it, never reused
					   (trace records name ports by it) */

	enum ipc_kotype kotype;
	void *kobject;

	struct list all_link;		/* on the list of all ports */
};

struct ipc_pset {
	struct ipc_object obj;
	bool active;
	struct ipc_space *space;	/* holding space, and the name there */
	mach_port_name_t name;
	struct list members;		/* struct ipc_port.pset_link */
	struct list ready;		/* members with messages, in turn */
	struct list receivers;		/* threads waiting to receive on it */
};

/* An entry of a space: what a name denotes.  type holds the
 * MACH_PORT_TYPE_* bits of the rights (SEND and RECEIVE may be together;
 * the others stand alone).  urefs counts user references of send rights or
 * of a dead name; a send-once right has 1; a receive right alone has 0.
 * dnrequest says a dead-name request for this name is registered on the
 * port (it survives the port's death until the name is next looked at, and
 * then adds one uref to the dead name, as GNU Mach does). */
struct ipc_entry {
	mach_port_name_t name;
	mach_port_type_t type;
	mach_port_urefs_t urefs;
	bool dnrequest;
	struct ipc_object *object;	/* NULL only for a dead name */
};

struct task;

struct ipc_space {
	bool active;
	bool is_kernel;		/* machd's own space, where kernel ports live */
	struct task *task;	/* owner, or NULL for the kernel space */
	struct hashmap names;	/* name -> struct ipc_entry * */
	struct hashmap reverse;	/* struct ipc_port * -> entry holding send/receive */
	mach_port_name_t next_name;	/* where name allocation looks next */
};

/* An out-of-line region of a message in kernel form. */
struct ipc_ool {
	uint64_t size;		/* bytes, as the type says */
	int fd;			/* memfd with the bytes, or -1 */
	void *data;		/* or the bytes themselves (machd_alloc) */
	struct ipc_object **ports;	/* or, for a port array, the rights */
};

/* A message in kernel form.  The header's port fields hold no names:
 * remote and local are the ports the message carries (remote_type and
 * local_type give their right kinds: MACH_MSG_TYPE_PORT_*).  In the body,
 * every inline port slot holds a struct ipc_object * (or MACH_PORT_NULL /
 * MACH_PORT_DEAD), every out-of-line slot holds an index into ool[]. */
struct ipc_kmsg {
	struct list link;		/* on its port's queue */
	uint64_t stamp;			/* order of arrival */
	int32_t sender_pid;		/* the sending task's pid; 0: machd */
	bool trace_record;		/* a trace record (never traced itself) */
	struct ipc_port *remote;	/* destination (holds a right) */
	struct ipc_port *local;		/* reply (holds a right), or NULL / DEAD */
	mach_msg_type_name_t remote_type, local_type;
	uint32_t ool_count;
	struct ipc_ool *ool;
	mach_msg_size_t size;		/* bytes in msg */
	mach_msg_header_t *msg;		/* points to data */
	uint64_t data[];		/* the message, 8-byte aligned */
};

#define IPC_OBJECT_DEAD ((struct ipc_object *) (uintptr_t) ~0ULL)
#define IPC_PORT_DEAD ((struct ipc_port *) (uintptr_t) ~0ULL)
#define IPC_OBJECT_VALID(o) ((o) != NULL && (o) != IPC_OBJECT_DEAD)
#define IPC_PORT_VALID(p) ((p) != NULL && (p) != IPC_PORT_DEAD)

/* Counters for leak checks (struct hell_machd_stats). */
struct ipc_counts {
	uint64_t ports, psets, entries, kmsgs, kmsg_bytes, ool_fds;
};
extern struct ipc_counts ipc_counts;

#endif

/* Kernel objects: ports machd receives on itself, and the server that
 * answers the RPCs sent to them.  See kobject.c. */
#ifndef MACHD_KERN_KOBJECT_H
#define MACHD_KERN_KOBJECT_H

#include "../ipc/ipc.h"
#include <mach/mig_errors.h>

struct task;
struct thread;

/* A new port standing for OBJECT (of KOTYPE), its receive right held in the
 * kernel space.  The caller holds no reference: the kernel space's entry
 * keeps the port until kobject_port_destroy. */
struct ipc_port *kobject_port_alloc(enum ipc_kotype kotype, void *object);
/* The object is going away: the port dies (holders get dead names). */
void kobject_port_destroy(struct ipc_port *port);

/* Serve one message queued on a kernel port (installed as
 * ipc_kobject_server). */
void kobject_server(struct ipc_kmsg *kmsg);

/* For the S_ routines, which get names in the kernel space: */
struct task *kobject_task(mach_port_t name);		/* NULL if not a task port */
struct ipc_space *kobject_space(mach_port_t name);	/* the task's space, or NULL */
struct thread *kobject_thread(mach_port_t name);
/* A host port: the host or the privileged host (a host_t argument). */
bool kobject_is_host(mach_port_t name);
/* The privileged host port only (a host_priv_t argument). */
bool kobject_is_host_priv(mach_port_t name);
/* Move a right that arrived in a request out of the kernel space:
 * TYPE is the kind it arrived as (MACH_MSG_TYPE_PORT_*). */
kern_return_t kobject_take_right(mach_port_t name, mach_msg_type_name_t type,
				 struct ipc_object **object);
/* Put a right (kernel form, consumed) into the kernel space for a reply;
 * the reply names it with MOVE disposition of TYPE. */
mach_port_t kobject_give_right(struct ipc_object *object, mach_msg_type_name_t type);
/* Memory for out-of-line reply data; freed after the reply is sent. */
void *kobject_reply_alloc(size_t size);

/* Answer for a routine machd does not serve: reports once, MIG_BAD_ID. */
kern_return_t kobject_unserved(const char *routine);

/* Free the buffers kept for reuse (at exit, for the leak check). */
void kobject_shutdown(void);

/* Record that NAME in the kernel space got a right during the current
 * RPC (called by right.c); cleaned up after the RPC. */
void kobject_touch(mach_port_name_t name);

#endif

/* Ports: see port.c for the lifecycle. */
#ifndef MACHD_IPC_PORT_H
#define MACHD_IPC_PORT_H

#include "ipc.h"

struct ipc_port *ipc_port_alloc(void);
void ipc_port_reference(struct ipc_port *port);
void ipc_port_release(struct ipc_port *port);

/* Rights, in kernel form: each adds one reference and one right count. */
struct ipc_port *ipc_port_make_send(struct ipc_port *port);
struct ipc_port *ipc_port_copy_send(struct ipc_port *port);
struct ipc_port *ipc_port_make_sonce(struct ipc_port *port);
/* Drop a send right (firing no-senders at the last one) or a send-once
 * right (without a notification; see ipc_notify_send_once for that).
 * Accept NULL and DEAD. */
void ipc_port_release_send(struct ipc_port *port);
void ipc_port_release_sonce(struct ipc_port *port);
/* Drop a receive right that no space holds: destroys the port, or hands it
 * to its port-destroyed request. */
void ipc_port_release_receive(struct ipc_port *port);

/* Destroy the port: its receive right is gone.  The caller has taken the
 * receive right out of its holder (receiver is NULL).  Handles a
 * port-destroyed request, queued messages, waiting threads, the set, and
 * fires dead-name and send-once notifications.  Consumes the reference the
 * receive right held. */
void ipc_port_destroy(struct ipc_port *port);

/* Take the receive right out of its space (for moving it in a message):
 * clears the protected payload, leaves the set, wakes receivers with
 * MACH_RCV_PORT_DIED. */
void ipc_port_clear_receiver(struct ipc_port *port);

/* Dead-name requests. */
void ipc_port_dnrequest_add(struct ipc_port *port, struct ipc_space *space,
			    mach_port_name_t name, struct ipc_port *notify);
/* Remove and return the request for (SPACE, NAME), or NULL. */
struct ipc_port *ipc_port_dnrequest_cancel(struct ipc_port *port, struct ipc_space *space,
					   mach_port_name_t name);

/* Would RECEIVING the receive right of PORT into a message bound for DEST
 * make a cycle (DEST's receive right already inside PORT's queue)? */
bool ipc_port_check_circularity(struct ipc_port *port, struct ipc_port *dest);

/* Self-check of a port's invariants, for tests and debug builds. */
void ipc_port_check(const struct ipc_port *port);

/* Iterate over all ports (for stats). */
extern struct list ipc_port_all;
/* The last port id given (struct ipc_port.id). */
extern uint64_t ipc_port_next_id;

#endif

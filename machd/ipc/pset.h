/* Port sets: see pset.c. */
#ifndef MACHD_IPC_PSET_H
#define MACHD_IPC_PSET_H

#include "ipc.h"

struct ipc_pset *ipc_pset_alloc(void);
void ipc_pset_reference(struct ipc_pset *pset);
void ipc_pset_release(struct ipc_pset *pset);
/* Kill the set: members leave it, waiting receivers get
 * MACH_RCV_PORT_DIED.  Consumes one reference (its holder's). */
void ipc_pset_destroy(struct ipc_pset *pset);
void ipc_pset_add(struct ipc_pset *pset, struct ipc_port *port);
void ipc_pset_remove(struct ipc_pset *pset, struct ipc_port *port);
/* PORT (a member) has messages now / has none any more. */
void ipc_pset_port_ready(struct ipc_port *port);
void ipc_pset_port_drained(struct ipc_port *port);
/* The member whose turn it is to be received from, or NULL. */
struct ipc_port *ipc_pset_next_ready(struct ipc_pset *pset);

#endif

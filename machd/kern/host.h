/* The host: see host.c. */
#ifndef MACHD_KERN_HOST_H
#define MACHD_KERN_HOST_H

#include "../ipc/ipc.h"

extern struct ipc_port *host_port;	/* mach_host_self */
extern struct ipc_port *host_priv_port;	/* the privileged host port */
/* The registered ports of a task that connects on its own (send rights,
 * or NULL), set by hell_host_set_init_ports. */
extern struct ipc_port *host_init_ports[];
void host_init(void);
/* Drop the rights host_init_ports holds (at shutdown, before the leak
 * check: the ports' receivers are gone by then). */
void host_release_init_ports(void);
void host_shutdown(void);

#endif

/* The host: see host.c. */
#ifndef MACHD_KERN_HOST_H
#define MACHD_KERN_HOST_H

#include "../ipc/ipc.h"

extern struct ipc_port *host_port;	/* mach_host_self */
extern struct ipc_port *host_priv_port;	/* the privileged host port */
void host_init(void);
void host_shutdown(void);

#endif

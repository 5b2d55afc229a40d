/* Notifications machd sends: see notify.c.  Each consumes the send-once
 * right NOTIFY (kernel form). */
#ifndef MACHD_IPC_NOTIFY_H
#define MACHD_IPC_NOTIFY_H

#include "ipc.h"

void ipc_notify_port_deleted(struct ipc_port *notify, mach_port_name_t name);
void ipc_notify_dead_name(struct ipc_port *notify, mach_port_name_t name);
void ipc_notify_no_senders(struct ipc_port *notify, mach_port_mscount_t mscount);
/* Carries the receive right of PORT (kernel form, consumed). */
void ipc_notify_port_destroyed(struct ipc_port *notify, struct ipc_port *port);
/* The send-once right NOTIFY dies unused: its port hears of it. */
void ipc_notify_send_once(struct ipc_port *notify);

#endif

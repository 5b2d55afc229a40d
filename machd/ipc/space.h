/* IPC spaces: a task's port name space.  See space.c. */
#ifndef MACHD_IPC_SPACE_H
#define MACHD_IPC_SPACE_H

#include "ipc.h"

extern struct ipc_space *ipc_space_kernel;

struct ipc_space *ipc_space_create(struct task *task);
/* Destroy every right in SPACE, as GNU Mach does at task termination
 * (notifications follow), and free it. */
void ipc_space_destroy(struct ipc_space *space);

/* The entry for NAME, or NULL.  Converts an entry whose port has died to a
 * dead name first (ipc_right_check), so callers see current rights. */
struct ipc_entry *ipc_entry_lookup(struct ipc_space *space, mach_port_name_t name);
/* The entry holding a send or receive right to PORT, or NULL. */
struct ipc_entry *ipc_entry_reverse(struct ipc_space *space, struct ipc_port *port);
/* A new empty entry under a fresh name. */
struct ipc_entry *ipc_entry_alloc(struct ipc_space *space);
/* A new empty entry under NAME; NULL if NAME is taken. */
struct ipc_entry *ipc_entry_alloc_name(struct ipc_space *space, mach_port_name_t name);
/* Remove ENTRY (its rights are already gone: type NONE). */
void ipc_entry_dealloc(struct ipc_space *space, struct ipc_entry *entry);
/* Entries that are empty after a right operation go away. */
void ipc_entry_maybe_dealloc(struct ipc_space *space, struct ipc_entry *entry);

/* Keep the reverse map in step with an entry's send/receive rights. */
void ipc_entry_reverse_set(struct ipc_space *space, struct ipc_entry *entry);
void ipc_entry_reverse_clear(struct ipc_space *space, struct ipc_entry *entry);

/* Number of names in SPACE. */
size_t ipc_space_size(const struct ipc_space *space);

#endif

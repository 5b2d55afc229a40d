/* Rights in a space: see right.c. */
#ifndef MACHD_IPC_RIGHT_H
#define MACHD_IPC_RIGHT_H

#include "ipc.h"

/* Most names one space may hold; past it, allocation fails with
 * KERN_NO_SPACE and copyout with MACH_MSG_IPC_SPACE. */
#define IPC_SPACE_MAX_NAMES (1u << 22)

/* Turn ENTRY into a dead name if its port has died; true if it did. */
bool ipc_right_check(struct ipc_space *space, struct ipc_entry *entry);

/* Would copying in NAME's right with disposition MSGT_NAME succeed? */
bool ipc_right_copyin_check(struct ipc_space *space, mach_port_name_t name,
			    mach_msg_type_name_t msgt_name, bool deadok);
/* Take a right out of SPACE for a message: MSGT_NAME is a disposition
 * (MACH_MSG_TYPE_MOVE_RECEIVE .. MAKE_SEND_ONCE).  On success *OBJECT holds
 * the right in kernel form (IPC_OBJECT_DEAD for a dead name when DEADOK).
 * Returns KERN_INVALID_NAME, KERN_INVALID_RIGHT or KERN_SUCCESS. */
kern_return_t ipc_right_copyin(struct ipc_space *space, mach_port_name_t name,
			       mach_msg_type_name_t msgt_name, bool deadok,
			       struct ipc_object **object);
/* The kind of right a disposition gives (MACH_MSG_TYPE_PORT_*). */
mach_msg_type_name_t ipc_object_copyin_type(mach_msg_type_name_t msgt_name);

/* Put a right (kernel form, consumed) into SPACE; *NAME gets its name,
 * MACH_PORT_DEAD for a dead port, MACH_PORT_NULL for none.  Returns
 * KERN_SUCCESS, or KERN_NO_SPACE (the right is destroyed, *NAME is NULL). */
kern_return_t ipc_right_copyout(struct ipc_space *space, struct ipc_object *object,
				mach_msg_type_name_t type, mach_port_name_t *name);
/* Same, under a chosen NAME (mach_port_insert_right): KERN_NAME_EXISTS,
 * KERN_RIGHT_EXISTS, KERN_UREFS_OVERFLOW, KERN_INVALID_VALUE; on failure
 * the right is NOT consumed. */
kern_return_t ipc_right_copyout_name(struct ipc_space *space, struct ipc_object *object,
				     mach_msg_type_name_t type, mach_port_name_t name);

/* Drop a right in kernel form (from a destroyed message). */
void ipc_right_release(struct ipc_object *object, mach_msg_type_name_t type);

/* The user calls. */
kern_return_t ipc_right_dealloc(struct ipc_space *space, mach_port_name_t name);
kern_return_t ipc_right_destroy(struct ipc_space *space, mach_port_name_t name);
kern_return_t ipc_right_delta(struct ipc_space *space, mach_port_name_t name,
			      mach_port_right_t right, mach_port_delta_t delta);
/* Space destruction: drop every right of ENTRY, with notifications. */
void ipc_right_clean(struct ipc_space *space, struct ipc_entry *entry);

/* Remove the dead-name request registered for ENTRY, returning its
 * send-once right (or NULL). */
struct ipc_port *ipc_right_dncancel(struct ipc_space *space, struct ipc_entry *entry);

#endif

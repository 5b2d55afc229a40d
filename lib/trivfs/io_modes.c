/* io_get_openmodes and the io_*_openmodes that change an open's modes.
 *
 * The modes belong to the peropen, so they change for every port of the
 * open at once.  Only O_APPEND, O_ASYNC, O_FSYNC and O_NONBLOCK may
 * change (TRIVFS_OPEN_SETTABLE); the others are fixed at open and a
 * request for them is ignored, as on the Hurd's io servers.  Ports of one
 * open may be served by several threads at once: each change is one
 * atomic update of po->openmodes.  Bits travel in the Hurd's wire values. */
#include "priv.h"

/* Set po->openmodes to (old & ~CLEAR) | SET, SET and CLEAR limited to
 * the settable modes. */
static void
change_modes(struct trivfs_peropen *po, int clear, int set)
{
	int old = __atomic_load_n(&po->openmodes, __ATOMIC_RELAXED), new;

	clear &= TRIVFS_OPEN_SETTABLE;
	set &= TRIVFS_OPEN_SETTABLE;
	do
		new = (old & ~clear) | set;
	while (!__atomic_compare_exchange_n(&po->openmodes, &old, new, 0,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

kern_return_t __attribute__((weak))
trivfs_S_io_get_openmodes(struct trivfs_protid *cred, mach_port_t reply,
			  mach_msg_type_name_t reply_type, int *bits)
{
	if (!cred)
		return EOPNOTSUPP;
	*bits = hurd_openflags_to_wire(__atomic_load_n(&cred->po->openmodes, __ATOMIC_RELAXED));
	return 0;
}

kern_return_t __attribute__((weak))
trivfs_S_io_set_all_openmodes(struct trivfs_protid *cred, mach_port_t reply,
			      mach_msg_type_name_t reply_type, int mode)
{
	if (!cred)
		return EOPNOTSUPP;
	change_modes(cred->po, TRIVFS_OPEN_SETTABLE, hurd_openflags_from_wire(mode));
	return 0;
}

kern_return_t __attribute__((weak))
trivfs_S_io_set_some_openmodes(struct trivfs_protid *cred, mach_port_t reply,
			       mach_msg_type_name_t reply_type, int bits)
{
	if (!cred)
		return EOPNOTSUPP;
	change_modes(cred->po, 0, hurd_openflags_from_wire(bits));
	return 0;
}

kern_return_t __attribute__((weak))
trivfs_S_io_clear_some_openmodes(struct trivfs_protid *cred, mach_port_t reply,
				 mach_msg_type_name_t reply_type, int bits)
{
	if (!cred)
		return EOPNOTSUPP;
	change_modes(cred->po, hurd_openflags_from_wire(bits), 0);
	return 0;
}

/* Open modes and ownership of an open: io_get_openmodes,
 * io_set_all_openmodes, io_set_some_openmodes, io_clear_some_openmodes,
 * io_mod_owner, io_get_owner, and the asynchronous I/O routines a netfs
 * file does not offer.  Modes travel as the Hurd's wire values. */
#include "priv.h"
#include "io_S.h"

kern_return_t
netfs_S_io_get_openmodes(struct protid *cred, int *bits)
{
	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	*bits = hurd_openflags_to_wire(cred->po->openstat);
	pthread_mutex_unlock(&cred->po->np->lock);
	return 0;
}

kern_return_t
netfs_S_io_set_all_openmodes(struct protid *cred, int wire_bits)
{
	int bits = hurd_openflags_from_wire(wire_bits);

	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	cred->po->openstat = (cred->po->openstat & ~HONORED_STATE_MODES) |
			     (bits & HONORED_STATE_MODES);
	pthread_mutex_unlock(&cred->po->np->lock);
	return 0;
}

kern_return_t
netfs_S_io_set_some_openmodes(struct protid *cred, int wire_bits)
{
	int bits = hurd_openflags_from_wire(wire_bits);

	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	cred->po->openstat |= bits & HONORED_STATE_MODES;
	pthread_mutex_unlock(&cred->po->np->lock);
	return 0;
}

kern_return_t
netfs_S_io_clear_some_openmodes(struct protid *cred, int wire_bits)
{
	int bits = hurd_openflags_from_wire(wire_bits);

	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	cred->po->openstat &= ~(bits & HONORED_STATE_MODES);
	pthread_mutex_unlock(&cred->po->np->lock);
	return 0;
}

kern_return_t
netfs_S_io_mod_owner(struct protid *cred, pid_t owner)
{
	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	cred->po->np->owner = owner;
	pthread_mutex_unlock(&cred->po->np->lock);
	return 0;
}

kern_return_t
netfs_S_io_get_owner(struct protid *cred, pid_t *owner)
{
	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	*owner = cred->po->np->owner;
	pthread_mutex_unlock(&cred->po->np->lock);
	return 0;
}

kern_return_t __attribute__((weak))
netfs_S_io_async(struct protid *cred, mach_port_t notify, mach_port_t *id,
		 mach_msg_type_name_t *idtype)
{
	(void) cred, (void) notify, (void) id, (void) idtype;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_io_get_icky_async_id(struct protid *cred, mach_port_t *id, mach_msg_type_name_t *idtype)
{
	(void) cred, (void) id, (void) idtype;
	return EOPNOTSUPP;
}

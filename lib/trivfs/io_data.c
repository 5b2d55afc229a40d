/* The data routines' defaults: io_read, io_write, io_seek, io_readable,
 * io_select, io_select_timeout and file_set_size.
 *
 * A translator that serves data defines its own (trivfs_support_read /
 * _write say so).  These answer for one that does not: the Hurd's
 * library asserts there that the translator did not claim support; a
 * HELL server never aborts on a client's request, so a translator that
 * claims support without the routine simply answers EOPNOTSUPP too. */
#include "priv.h"

kern_return_t __attribute__((weak))
trivfs_S_io_read(struct trivfs_protid *cred, mach_port_t reply,
		 mach_msg_type_name_t reply_type, data_t *data,
		 mach_msg_type_number_t *data_len, loff_t offset, vm_size_t amount)
{
	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_READ))
		return EBADF;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_write(struct trivfs_protid *cred, mach_port_t reply,
		  mach_msg_type_name_t reply_type, const_data_t data,
		  mach_msg_type_number_t data_len, loff_t offset, vm_size_t *amount)
{
	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_WRITE) || !(trivfs_allow_open & O_WRITE))
		return EBADF;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_seek(struct trivfs_protid *cred, mach_port_t reply,
		 mach_msg_type_name_t reply_type, loff_t offset, int whence, loff_t *newp)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_readable(struct trivfs_protid *cred, mach_port_t reply,
		     mach_msg_type_name_t reply_type, vm_size_t *amount)
{
	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_READ))
		return EBADF;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_select(struct trivfs_protid *cred, mach_port_t reply,
		   mach_msg_type_name_t reply_type, int *select_type)
{
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
trivfs_S_io_select_timeout(struct trivfs_protid *cred, mach_port_t reply,
			   mach_msg_type_name_t reply_type, timespec_t timeout,
			   int *select_type)
{
	return trivfs_S_io_select(cred, reply, reply_type, select_type);
}

kern_return_t __attribute__((weak))
trivfs_S_file_set_size(struct trivfs_protid *cred, mach_port_t reply,
		       mach_msg_type_name_t reply_type, loff_t size)
{
	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_WRITE))
		return EBADF;
	return EOPNOTSUPP;
}

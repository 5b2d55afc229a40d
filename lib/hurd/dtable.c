/* The descriptors exec gave the program as io ports (getdport), and
 * changing a directory cell by name or descriptor.
 *
 * A HELL program's descriptors are Linux's; the Hurd io ports that exec
 * was given for them arrive in the exec startup answer and are kept in
 * _hurd_init_dtable (init.c).  Only those have an io port.  */

#include <hurd.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hurd_private.h"

io_t
__getdport(int fd)
{
	mach_port_t port;

	_hurd_init_failure();	/* the table comes with the init ports */
	if (fd < 0 || (unsigned int) fd >= _hurd_init_dtablesize ||
	    !MACH_PORT_VALID(_hurd_init_dtable[fd])) {
		errno = EBADF;
		return MACH_PORT_NULL;
	}
	port = _hurd_init_dtable[fd];
	if (mach_port_mod_refs(mach_task_self(), port, MACH_PORT_RIGHT_SEND, 1) != KERN_SUCCESS) {
		errno = EBADF;
		return MACH_PORT_NULL;
	}
	return port;
}

io_t
getdport(int fd)
{
	return __getdport(fd);
}

/* Install DIR (consumed) in PORTCELL if it is a directory we may search:
 * a lookup of "." in it needs search permission and a directory.  */
static int
change_to(struct hurd_port *portcell, file_t dir)
{
	file_t checked = file_name_lookup_under(dir, ".", 0, 0);

	mach_port_deallocate(mach_task_self(), dir);
	if (checked == MACH_PORT_NULL)
		return -1;
	_hurd_port_set(portcell, checked);
	return 0;
}

int
_hurd_change_directory_port_from_name(struct hurd_port *portcell, const char *name)
{
	file_t dir = file_name_lookup(name, O_DIRECTORY, 0);

	if (dir == MACH_PORT_NULL)
		return -1;
	return change_to(portcell, dir);
}

int
_hurd_change_directory_port_from_fd(struct hurd_port *portcell, int fd)
{
	file_t dir = getdport(fd);
	io_statbuf_t st;
	error_t err;

	if (dir == MACH_PORT_NULL)
		return -1;
	err = io_stat(dir, &st);
	if (!err && !S_ISDIR(st.st_mode))
		err = ENOTDIR;
	if (err) {
		mach_port_deallocate(mach_task_self(), dir);
		return __hurd_fail(err);
	}
	return change_to(portcell, dir);
}

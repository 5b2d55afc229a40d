/* The init ports, by number (_hurd_ports_use, _hurd_ports_get,
 * _hurd_ports_set) and by name (getauth, setcwdir ...).
 *
 * Every port handed out is a new reference; every port given in is
 * copied (the caller keeps its reference).  A cell that is empty because
 * libhurd found no environment answers ENOTCONN; the controlling
 * terminal's cell may be empty in any task, and answers MACH_PORT_NULL.  */

#include <hurd.h>

#include "hurd_private.h"

/* Why the cell WHICH, found empty, cannot be used: ENOTCONN without an
 * environment, otherwise 0 (the port is simply not set).  */
static error_t
empty_cell_error(int which)
{
	return which == INIT_PORT_CTTYID ? 0 : _hurd_init_failure();
}

error_t
_hurd_ports_use(int which, error_t (*operate)(mach_port_t))
{
	struct hurd_userlink link;
	mach_port_t port;
	error_t err;

	if (which < 0 || (unsigned int) which >= _hurd_nports)
		return EINVAL;
	port = _hurd_port_get(&_hurd_ports[which], &link);
	if (port == MACH_PORT_NULL && (err = empty_cell_error(which)))
		return err;
	err = (*operate)(port);
	_hurd_port_free(&_hurd_ports[which], &link, port);
	return err;
}

error_t
_hurd_ports_get(unsigned int which, mach_port_t *result)
{
	struct hurd_userlink link;
	mach_port_t port;
	error_t err = 0;

	*result = MACH_PORT_NULL;
	if (which >= _hurd_nports)
		return EINVAL;
	if (which == INIT_PORT_BOOTSTRAP)
		/* The task's own bootstrap port is the truth, as in glibc. */
		return task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, result);
	port = _hurd_port_get(&_hurd_ports[which], &link);
	if (port == MACH_PORT_NULL)
		err = empty_cell_error((int) which);
	else if (MACH_PORT_VALID(port))
		err = mach_port_mod_refs(mach_task_self(), port, MACH_PORT_RIGHT_SEND, 1);
	if (!err)
		*result = port;
	_hurd_port_free(&_hurd_ports[which], &link, port);
	return err;
}

error_t
_hurd_ports_set(unsigned int which, mach_port_t newport)
{
	error_t err;

	if (which >= _hurd_nports)
		return EINVAL;
	if (MACH_PORT_VALID(newport)) {
		err = mach_port_mod_refs(mach_task_self(), newport, MACH_PORT_RIGHT_SEND, 1);
		if (err)
			return err;
	}
	switch (which) {
	case INIT_PORT_AUTH:
		return _hurd_setauth_consume(newport);
	case INIT_PORT_BOOTSTRAP:
		err = task_set_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, newport);
		if (MACH_PORT_VALID(newport))
			mach_port_deallocate(mach_task_self(), newport);
		return err;
	default:
		_hurd_port_set(&_hurd_ports[which], newport);
		return 0;
	}
}

static mach_port_t
get_port(unsigned int which)
{
	mach_port_t port;
	error_t err = _hurd_ports_get(which, &port);

	if (err) {
		__hurd_fail(err);
		return MACH_PORT_NULL;
	}
	return port;
}

static int
set_port(unsigned int which, mach_port_t port)
{
	return __hurd_fail(_hurd_ports_set(which, port));
}

process_t getproc(void) { return get_port(INIT_PORT_PROC); }
file_t getcwdir(void) { return get_port(INIT_PORT_CWDIR); }
file_t getcrdir(void) { return get_port(INIT_PORT_CRDIR); }
auth_t getauth(void) { return get_port(INIT_PORT_AUTH); }

mach_port_t getcttyid(void) { return get_port(INIT_PORT_CTTYID); }

int setproc(process_t proc) { return set_port(INIT_PORT_PROC, proc); }
int setcwdir(file_t dir) { return set_port(INIT_PORT_CWDIR, dir); }
int setcrdir(file_t dir) { return set_port(INIT_PORT_CRDIR, dir); }
int setcttyid(mach_port_t cttyid) { return set_port(INIT_PORT_CTTYID, cttyid); }

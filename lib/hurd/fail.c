/* Errors as the caller sees them (__hurd_fail), and vpprintf.  */

#include <hurd.h>
#include <hurd/io.h>
#include <mach/mach_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hurd_private.h"

error_t
_hurd_error(error_t err)
{
	switch (err) {
	case MACH_SEND_INVALID_DEST:
	case MIG_SERVER_DIED:
		return EIO;	/* the server is gone: the Hurd's EIEIO */
	case KERN_NO_SPACE:
		return ENOMEM;
	case KERN_INVALID_ARGUMENT:
		return EINVAL;
	default:
		return err;
	}
}

int
__hurd_fail(error_t err)
{
	if (!err)
		return 0;
	errno = _hurd_error(err);
	return -1;
}

const char *
hurd_strerror(error_t err)
{
	if (err == ENOTCONN && hurd_init_error())
		return hurd_init_error();
	if (err > 0 && err < 4096)
		return strerror(err);
	return mach_error_string(err);
}

int
vpprintf(io_t port, const char *format, va_list arg)
{
	char *text = NULL;
	int len = vasprintf(&text, format, arg);
	size_t done = 0;
	error_t err = 0;

	if (len < 0)
		return -1;
	while (done < (size_t) len) {
		vm_size_t amount = 0;

		err = io_write(port, text + done, (mach_msg_type_number_t) (len - done), -1, &amount);
		if (err)
			break;
		if (amount == 0 || amount > (size_t) len - done) {
			err = EIO;	/* a server that takes nothing would loop forever */
			break;
		}
		done += amount;
	}
	free(text);
	return err ? __hurd_fail(err) : len;
}

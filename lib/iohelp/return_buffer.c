/* Returning a malloc'd buffer as an RPC's variable-length result. */
#include <hurd/iohelp.h>

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

error_t
iohelp_return_malloced_buffer(char *buf, size_t len, char **rbuf,
			      mach_msg_type_number_t *rlen)
{
	error_t err = 0;

	if (len > UINT32_MAX) {
		err = E2BIG;
	} else if (*rlen < len) {
		/* Too big for MIG's buffer: fresh pages, which MIG sends out
		 * of line and deallocates. */
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			err = errno;
		else
			*rbuf = p;
	}
	if (!err) {
		if (len)
			memcpy(*rbuf, buf, len);
		*rlen = (mach_msg_type_number_t) len;
	}
	if (len > 0)
		free(buf);
	return err;
}

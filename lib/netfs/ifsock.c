/* ifsock_getsockaddr: the address of a socket node.  A netfs translator
 * with sockets defines this routine itself; the library's answer is that
 * the node has none. */
#include "priv.h"
#include "ifsock_S.h"

kern_return_t __attribute__((weak))
netfs_S_ifsock_getsockaddr(struct protid *cred, mach_port_t *address)
{
	(void) address;
	if (cred == NULL)
		return EOPNOTSUPP;
	return EOPNOTSUPP;
}

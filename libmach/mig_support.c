/* What MIG-generated stubs need: one reply port per thread, memory for
 * out-of-line data, string copies. */
#include "libmach.h"

#include <string.h>

static __thread mach_port_t reply_port;
static __thread bool thread_exiting;	/* in __hell_mig_thread_exit */

mach_port_t
mig_get_reply_port(void)
{
	if (reply_port == MACH_PORT_NULL)
		reply_port = mach_reply_port();
	return reply_port;
}

void
mig_dealloc_reply_port(mach_port_t port)
{
	mach_port_t old = reply_port;

	/* After a failed RPC a late reply may still come to the old port:
	 * destroy it, and make a fresh one next time. */
	reply_port = MACH_PORT_NULL;
	if (old != MACH_PORT_NULL && !thread_exiting)
		mach_port_mod_refs(mach_task_self(), old, MACH_PORT_RIGHT_RECEIVE, -1);
}

void
mig_put_reply_port(mach_port_t port)
{
}

void
mig_init(void *first)
{
}

void
__hell_mig_thread_exit(void)
{
	/* Destroying the reply port is itself an RPC, which needs a reply
	 * port: let it use this one.  Its death ends that RPC's wait, and the
	 * stub's own mig_dealloc_reply_port must not make a new one (it would
	 * outlive the thread). */
	if (reply_port == MACH_PORT_NULL)
		return;
	thread_exiting = true;
	mach_port_mod_refs(mach_task_self(), reply_port, MACH_PORT_RIGHT_RECEIVE, -1);
	reply_port = MACH_PORT_NULL;
}

void
__hell_mig_fork_child(void)
{
	/* Receive rights are not inherited: the port is not ours any more. */
	reply_port = MACH_PORT_NULL;
}

void
mig_allocate(vm_address_t *addr, vm_size_t size)
{
	if (vm_allocate(mach_task_self(), addr, size, TRUE) != KERN_SUCCESS)
		*addr = 0;
}

void
mig_deallocate(vm_address_t addr, vm_size_t size)
{
	vm_deallocate(mach_task_self(), addr, size);
}

vm_size_t
mig_strncpy(char *dest, const char *src, vm_size_t len)
{
	/* As glibc's: stpncpy, returning the length copied (without the NUL,
	 * which is written when it fits). */
	return (vm_size_t) (stpncpy(dest, src, len) - dest);
}

void
mig_reply_setup(const mach_msg_header_t *in, mach_msg_header_t *out)
{
	mig_reply_header_t *r = (mig_reply_header_t *) out;

	out->msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(in->msgh_bits), 0);
	out->msgh_size = sizeof *r;
	out->msgh_remote_port = in->msgh_local_port;
	out->msgh_local_port = MACH_PORT_NULL;
	out->msgh_seqno = 0;
	out->msgh_id = in->msgh_id + 100;
	r->RetCode = MIG_BAD_ID;
}

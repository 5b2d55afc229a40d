/* <mach/mig_support.h>: what MIG-generated stubs need from the C library,
 * under the names glibc's Hurd port gives them.  libmach provides them. */
#ifndef _MACH_MIG_SUPPORT_H
#define _MACH_MIG_SUPPORT_H 1

#include <mach/std_types.h>
#include <mach/message.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The calling thread's reply port, allocated on first use and kept for the
 * life of the thread.  mig_dealloc_reply_port destroys it (after an RPC
 * that failed in a way that may leave a stale reply queued); the next call
 * to mig_get_reply_port makes a new one.  mig_put_reply_port is a no-op
 * kept for the stubs. */
extern mach_port_t mig_get_reply_port(void);
extern void mig_dealloc_reply_port(mach_port_t port);
extern void mig_put_reply_port(mach_port_t port);
extern void mig_init(void *first);

/* Memory for out-of-line data that stubs allocate and free. */
extern void mig_allocate(vm_address_t *addr, vm_size_t size);
extern void mig_deallocate(vm_address_t addr, vm_size_t size);

/* Copy at most LEN bytes of SRC to DEST as stpncpy does; returns the length
 * copied, not counting the NUL.  MIG uses it for string arguments. */
extern vm_size_t mig_strncpy(char *dest, const char *src, vm_size_t len);

/* Reply header setup for MIG servers. */
extern void mig_reply_setup(const mach_msg_header_t *in, mach_msg_header_t *out);

#ifdef __cplusplus
}
#endif

#endif

/* The MIG translations of the exec server's stubs: exec_exec and the
 * other exec routines come to trivfs protids (libtrivfs/mig-decls.h),
 * exec_startup_get_info to startup ports.  A port of another kind
 * translates to NULL, which every routine answers with EOPNOTSUPP. */
#ifndef EXEC_MIG_DECLS_H
#define EXEC_MIG_DECLS_H

#include "exec.h"

static inline struct bootinfo * __attribute__((unused))
begin_using_bootinfo(mach_port_t port)
{
	return ports_lookup_port(exec_bucket, port, execboot_class);
}

static inline struct bootinfo * __attribute__((unused))
begin_using_bootinfo_payload(uintptr_t payload)
{
	return ports_lookup_payload(exec_bucket, payload, execboot_class);
}

static inline void __attribute__((unused))
end_using_bootinfo(struct bootinfo *boot)
{
	if (boot)
		ports_port_deref(boot);
}

#endif

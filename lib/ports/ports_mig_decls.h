/* Translation functions for the MIG server stubs libports generates
 * (notify.defs, interrupt.defs; see mig_mutate.h): the port a message came
 * to, by name or by protected payload, with a reference that the
 * destructor drops after the call.  NULL when it is none of ours. */
#ifndef HELL_LIB_PORTS_MIG_DECLS_H
#define HELL_LIB_PORTS_MIG_DECLS_H

#include <hurd/ports.h>

static inline struct port_info * __attribute__((unused))
begin_using_port_info_port(mach_port_t port)
{
	return ports_lookup_port(NULL, port, NULL);
}

static inline struct port_info * __attribute__((unused))
begin_using_port_info_payload(uintptr_t payload)
{
	return ports_lookup_payload(NULL, payload, NULL);
}

static inline void __attribute__((unused))
end_using_port_info(struct port_info *pi)
{
	if (pi)
		ports_port_deref(pi);
}

#endif

/* The MIG translations of libtrivfs's server stubs (see meson.build in
 * this directory): a request's port, or its protected payload, becomes
 * the protid or control it names, with a reference held for the RPC and
 * dropped by the destructor after the server routine returns.  A port
 * that is not a trivfs object of the right kind translates to NULL, and
 * every trivfs_S_* routine answers EOPNOTSUPP for NULL.
 *
 * The Hurd's libtrivfs/mig-decls.h has the same role (and translators'
 * own MIG stubs may import this file the same way). */
#ifndef TRIVFS_MIG_DECLS_H
#define TRIVFS_MIG_DECLS_H

#include <hurd/trivfs.h>

/* Whether CLASS is a trivfs protid / control class (lib/trivfs/classes.c). */
int trivfs_is_protid_class(const struct port_class *class);
int trivfs_is_control_class(const struct port_class *class);

/* PI (with a reference) if its class passes IS_CLASS, else NULL with the
 * reference dropped. */
static inline void *
trivfs_keep_if(struct port_info *pi, int (*is_class)(const struct port_class *))
{
	if (pi && !is_class(pi->class)) {
		ports_port_deref(pi);
		pi = NULL;
	}
	return pi;
}

static inline struct trivfs_protid * __attribute__((unused))
trivfs_begin_using_protid(mach_port_t port)
{
	return trivfs_keep_if(ports_lookup_port(NULL, port, NULL), trivfs_is_protid_class);
}

static inline struct trivfs_protid * __attribute__((unused))
trivfs_begin_using_protid_payload(uintptr_t payload)
{
	return trivfs_keep_if(ports_lookup_payload(NULL, payload, NULL),
			      trivfs_is_protid_class);
}

static inline void __attribute__((unused))
trivfs_end_using_protid(struct trivfs_protid *cred)
{
	if (cred)
		ports_port_deref(cred);
}

static inline struct trivfs_control * __attribute__((unused))
trivfs_begin_using_control(mach_port_t port)
{
	return trivfs_keep_if(ports_lookup_port(NULL, port, NULL), trivfs_is_control_class);
}

static inline struct trivfs_control * __attribute__((unused))
trivfs_begin_using_control_payload(uintptr_t payload)
{
	return trivfs_keep_if(ports_lookup_payload(NULL, payload, NULL),
			      trivfs_is_control_class);
}

static inline void __attribute__((unused))
trivfs_end_using_control(struct trivfs_control *cntl)
{
	if (cntl)
		ports_port_deref(cntl);
}

static inline mach_port_t __attribute__((unused))
trivfs_convert_to_port(struct trivfs_protid *protid)
{
	return protid->pi.port_right;
}

#endif

/* libnetfs internals: what the MIG stubs and the library's files share. */
#ifndef LIBNETFS_PRIV_H
#define LIBNETFS_PRIV_H 1

#include <hurd/netfs.h>

/* Open flags that only matter during the open, never kept in openstat. */
#define OPENONLY_STATE_MODES (O_CREAT | O_EXCL | O_NOLINK | O_NOTRANS | O_TRUNC \
			      | O_SHLOCK | O_EXLOCK | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* Open flags io_set_*_openmodes may change. */
#define HONORED_STATE_MODES (O_APPEND | O_ASYNC | O_FSYNC | O_NONBLOCK | O_NOATIME)

/* A new protid for USER (taken over on success) on a new peropen of NP
 * (flags FLAGS, context CONTEXT).  The caller holds a reference to NP and
 * may hold its lock.  NULL with errno on error (USER is still the
 * caller's). */
struct protid *netfs_open_node(struct node *np, int flags, struct peropen *context,
			       struct iouser *user);

/* The intran / destructor routines of mutations.h: the object of a
 * request's port, with a reference held for the RPC, or NULL. */
static inline struct protid *
netfs_begin_using_protid_port(mach_port_t port)
{
	return ports_lookup_port(netfs_port_bucket, port, netfs_protid_class);
}

static inline struct protid *
netfs_begin_using_protid_payload(unsigned long payload)
{
	return ports_lookup_payload(netfs_port_bucket, payload, netfs_protid_class);
}

static inline void
netfs_end_using_protid_port(struct protid *cred)
{
	if (cred != NULL)
		ports_port_deref(cred);
}

static inline struct netfs_control *
netfs_begin_using_control_port(mach_port_t port)
{
	return ports_lookup_port(netfs_port_bucket, port, netfs_control_class);
}

static inline struct netfs_control *
netfs_begin_using_control_payload(unsigned long payload)
{
	return ports_lookup_payload(netfs_port_bucket, payload, netfs_control_class);
}

static inline void
netfs_end_using_control_port(struct netfs_control *control)
{
	if (control != NULL)
		ports_port_deref(control);
}

/* fshelp_fetch_root's callbacks for netfs nodes (translators.c): COOKIE1
 * is the node, COOKIE2 a struct fshelp_stat_cookie2 whose next is the
 * peropen the lookup came through. */
extern fshelp_fetch_root_callback1_t _netfs_translator_callback1;
extern fshelp_fetch_root_callback2_t _netfs_translator_callback2;

/* The exec server's port (/servers/exec), looked up on first use and
 * again when it died.  file_exec.c. */
mach_port_t netfs_exec_server(void);
void netfs_exec_server_died(mach_port_t dead);

/* Send a reply with only a return code to REPLY (of disposition
 * REPLY_TYPE) for request ID: for routines that answer before they act
 * (fsys_goaway). */
void netfs_send_simple_reply(mach_port_t reply, mach_msg_type_name_t reply_type,
			     mach_msg_id_t request_id, kern_return_t code);

/* The program name and netfs_append_args as an argz vector, returned
 * through an RPC's out-of-line buffer (fsys_get_options and
 * file_get_fs_options). */
error_t netfs_get_options_reply(data_t *data, mach_msg_type_number_t *datalen);

/* Whether NAME is a single, usable directory entry name: not empty, no
 * '/'.  ("." and ".." pass; the callbacks judge them.) */
int netfs_valid_name(const char *name);

#endif

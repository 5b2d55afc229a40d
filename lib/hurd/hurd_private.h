/* libhurd's internal interface between its files.  */
#ifndef LIBHURD_HURD_PRIVATE_H
#define LIBHURD_HURD_PRIVATE_H

#include <hurd.h>
#include <hurd/lookup.h>

/* The most links, translator crossings and magic restarts one lookup
 * follows before it fails with ELOOP (glibc's threshold).  */
#define HURD_LOOKUP_MAX_LOOPS 40

/* Before a cell is used: if CELL is one of _hurd_ports, make sure libhurd
 * is initialised, and that a fork child's proc cell holds its own proc
 * port.  Any other cell is left alone.  */
void _hurd_cell_prepare (struct hurd_port *cell);

/* Initialise if not done yet; 0, or why the init ports are missing
 * (ENOTCONN: no exec startup port).  */
error_t _hurd_init_failure (void);

/* Make NEW_AUTH (whose reference is consumed) the auth port and
 * reauthenticate everything with it.  */
error_t _hurd_setauth_consume (auth_t new_auth);

/* Prove AUTH's ids to proc through the process's proc port PROC (today's
 * protocol: proc_reauthenticate, the auth rendezvous, then
 * proc_reauthenticate_complete on the new port).  The process's new proc
 * port, or MACH_PORT_NULL if any step failed.  Neither argument is
 * consumed; no port cell is touched.  */
mach_port_t _hurd_proc_reauth (process_t proc, auth_t auth);

/* Call LOOKUP (dir_lookup, with FLAGS turned into wire flags, if NULL)
 * defensively: *RESULT is MACH_PORT_NULL unless it succeeded, RETRY_NAME
 * is always a terminated string, and a server that does not do
 * dir_lookup at all (EOPNOTSUPP, MIG_BAD_ID) gives ENOTDIR.  */
error_t _hurd_lookup_call (hurd_lookup_fn_t lookup, file_t dir, const char *name, int flags,
			   mode_t mode, retry_type *do_retry, char *retry_name,
			   mach_port_t *result);

/* Map ERR as __hurd_fail does, without touching errno.  */
error_t _hurd_error (error_t err);

#endif

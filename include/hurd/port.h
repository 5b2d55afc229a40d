/* <hurd/port.h>: port cells with light user references, as glibc has them
 * on the Hurd.
 *
 * A port cell (struct hurd_port) holds one send right that several
 * threads use while another may replace it.  A user takes the port with
 * _hurd_port_get, linking a struct hurd_userlink (on its own stack) into
 * the cell's chain of users, and gives it back with _hurd_port_free.
 * _hurd_port_set installs a new right (consuming the caller's reference);
 * the old right is deallocated at once if nobody uses it, otherwise by
 * the last user that frees it.  So a right taken from a cell stays valid
 * until it is freed, whatever happens to the cell meanwhile.
 *
 * Locking: LOCK guards USERS and PORT.  It is held only for a few
 * instructions and never across an RPC.
 *
 * HELL: the lock is a pthread mutex (glibc's is a spin lock); a cell that
 * is all zeros is a valid empty cell, as on the Hurd.  There are no Hurd
 * signals on HELL, so a user link has no cleanup for a non-local exit.
 * A cell of _hurd_ports (<hurd.h>) runs libhurd's initialisation first. */
#ifndef _HURD_PORT_H
#define _HURD_PORT_H 1

#include <pthread.h>
#include <mach.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One user of a cell's port.  It lives in the user's own storage between
 * _hurd_port_get and _hurd_port_free.  The thread link, cleanup and
 * predicament members that glibc's links carry are absent on HELL. */
struct hurd_userlink
{
  struct
  {
    struct hurd_userlink *next, **prevp;
  } resource;
};

/* Link LINK into the chain *CHAINP.  The chain's lock is held.  */
void _hurd_userlink_link (struct hurd_userlink **chainp, struct hurd_userlink *link);

/* Unlink LINK.  Returns nonzero if LINK was the last user of a resource
 * that was replaced while it was in use (_hurd_userlink_clear): the
 * caller must then release the resource.  The chain's lock is held.  */
int _hurd_userlink_unlink (struct hurd_userlink *link);

/* Forget every user of *CHAINP.  Returns nonzero if there were none, so
 * that the caller may release the old resource at once; otherwise the
 * last of those users releases it.  The chain's lock is held.  */
int _hurd_userlink_clear (struct hurd_userlink **chainp);

/* Move the user LINK to NEW_LINK (when the storage of a link moves).  */
void _hurd_userlink_move (struct hurd_userlink *new_link, struct hurd_userlink *link);

/* A cell holding one send right (or MACH_PORT_NULL).  */
struct hurd_port
{
  pthread_mutex_t lock;		/* guards the rest */
  struct hurd_userlink *users;	/* who uses PORT now */
  mach_port_t port;		/* the send right; one user reference belongs to the cell */
};

/* Evaluate EXPR with `port' bound to the port in PORTCELL; the port stays
 * valid while EXPR runs.  */
#define HURD_PORT_USE(portcell, expr)						\
  ({ struct hurd_port *const __p = (portcell);					\
     struct hurd_userlink __link;						\
     const mach_port_t port = _hurd_port_get (__p, &__link);			\
     __typeof (expr) __result = (expr);						\
     _hurd_port_free (__p, &__link, port);					\
     __result; })

/* Make *PORT an unused cell holding INIT (whose reference it takes).  */
void _hurd_port_init (struct hurd_port *port, mach_port_t init);

/* Take PORT's right, PORT->lock being held; the lock is released.  Give
 * the result and LINK back to _hurd_port_free.  An empty cell gives
 * MACH_PORT_NULL and does not link LINK.  */
mach_port_t _hurd_port_locked_get (struct hurd_port *port, struct hurd_userlink *link);

/* The same, locking PORT first.  */
mach_port_t _hurd_port_get (struct hurd_port *port, struct hurd_userlink *link);

/* Move the user LINK of PORT to NEW_LINK.  */
void _hurd_port_move (struct hurd_port *port, struct hurd_userlink *new_link,
		      struct hurd_userlink *link);

/* Give back USED_PORT, got from PORT with LINK; deallocates it if the cell
 * was changed meanwhile and this was its last user.  */
void _hurd_port_free (struct hurd_port *port, struct hurd_userlink *link,
		      mach_port_t used_port);

/* Put NEWPORT in PORT, PORT->lock being held (it is released).  NEWPORT's
 * reference goes to the cell; the old right is released as described
 * above.  */
void _hurd_port_locked_set (struct hurd_port *port, mach_port_t newport);

/* The same, locking PORT first.  */
void _hurd_port_set (struct hurd_port *port, mach_port_t newport);

#ifdef __cplusplus
}
#endif

#endif /* _HURD_PORT_H */

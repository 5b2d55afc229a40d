/* <hurd/iohelp.h>: libiohelp, the Hurd's helpers for I/O servers: who a
 * user is (struct iouser, with reauthentication through the auth server),
 * the conch of a shared I/O page, and returning malloc'd buffers from an
 * RPC.  The Hurd's API; HELL's implementation (lib/iohelp).
 *
 * An iouser is owned by one holder (usually one protid / open port):
 * iohelp_dup_iouser copies it, iohelp_free_iouser frees it.  Its idvecs are
 * its own.  The first uid and gid are the effective ones. */
#ifndef _HURD_IOHELP_
#define _HURD_IOHELP_ 1

#include <errno.h>
#include <pthread.h>
#include <mach.h>
#include <hurd/hurd_types.h>
#include <hurd/shared.h>
#include <idvec.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The conch of a shared I/O page ---- */

/* Who may touch the shared data: the server, or one user (HOLDER, with
 * the page HOLDER_SHARED_PAGE).  Every call below must be made with LOCK
 * (the server's lock given to iohelp_initialize_conch) held. */
struct conch {
	pthread_mutex_t *lock;
	pthread_cond_t wait;		/* signalled when the holder releases */
	void *holder;			/* the user holding it, or NULL for the server */
	struct shared_io *holder_shared_page;
};

/* Initialize CONCH, guarded by LOCK; the server holds it. */
void iohelp_initialize_conch(struct conch *conch, pthread_mutex_t *lock);

/* io_get_conch from USER, whose shared page is PAGE: take the conch back
 * (waiting for the current holder to release it if it is someone else)
 * and give it to USER. */
void iohelp_handle_io_get_conch(struct conch *conch, void *user, struct shared_io *page);

/* Take the conch for the server: ask the holder to release it and wait
 * until it does (LOCK is released while waiting); the holder's shared data
 * is fetched first (iohelp_fetch_shared_data). */
void iohelp_get_conch(struct conch *conch);

/* io_release_conch from USER: if USER holds the conch, the server takes
 * it back (after iohelp_fetch_shared_data) and waiters wake. */
void iohelp_handle_io_release_conch(struct conch *conch, void *user);

/* Whether USER may send a shared-data notification (io_*_notify): 0 if it
 * holds the conch, EPERM otherwise. */
error_t iohelp_verify_user_conch(struct conch *conch, void *user);

/* Defined by a server that uses the conch: copy the shared page of the
 * holder ARG into the server's own data, and the other way round. */
void iohelp_fetch_shared_data(void *arg);
void iohelp_put_shared_data(void *arg);

/* ---- Users ---- */

struct iouser {
	struct idvec *uids, *gids;
	void *hook;			/* the server's; iohelp never touches it */
};

/* A copy of IOUSER in *CLONE (its ids copied; the hook is not: NULL); on
 * error *CLONE is NULL.  ENOMEM. */
error_t iohelp_dup_iouser(struct iouser **clone, struct iouser *iouser);

/* Free IOUSER and its idvecs.  NULL is allowed. */
void iohelp_free_iouser(struct iouser *iouser);

/* A new iouser in *USER that takes UIDS and GIDS (made with make_idvec;
 * the iouser owns and frees them from then on); hook NULL.  On error *USER
 * is NULL and UIDS, GIDS stay the caller's.  ENOMEM. */
error_t iohelp_create_iouser(struct iouser **user, struct idvec *uids,
			     struct idvec *gids);

/* The same from arrays of NUIDS uids and NGIDS gids. */
error_t iohelp_create_complex_iouser(struct iouser **user, const uid_t *uids, int nuids,
				     const gid_t *gids, int ngids);

/* A new iouser with the single uid UID and gid GID. */
error_t iohelp_create_simple_iouser(struct iouser **user, uid_t uid, gid_t gid);

/* A new iouser with no ids at all (nobody). */
error_t iohelp_create_empty_iouser(struct iouser **user);

/* For io_restrict_auth: a new iouser holding the ids of OLD_USER that are
 * also in UIDS / GIDS, except that a user holding uid 0 keeps exactly the
 * ids asked for. */
error_t iohelp_restrict_iouser(struct iouser **new_user, const struct iouser *old_user,
			       const uid_t *uids, int nuids,
			       const gid_t *gids, int ngids);

/* io_reauthenticate: run the server's side of the auth protocol
 * (auth_server_authenticate on AUTHSERVER with the user's REND_PORT,
 * giving NEWRIGHT, the user's new port, a send right) and put the ids the
 * auth server vouched for in a new iouser in *USER.  If the transaction
 * fails: with PERMIT_FAILURE, *USER gets an iouser without ids and 0 is
 * returned; otherwise the error is returned and *USER is NULL. */
error_t iohelp_reauth(struct iouser **user, auth_t authserver, mach_port_t rend_port,
		      mach_port_t newright, int permit_failure);

/* ---- RPC results ---- */

/* Return the LEN bytes of the malloc'd BUF through an RPC's
 * variable-length result *RBUF (MIG's buffer of *RLEN bytes on entry):
 * copied into *RBUF if it fits, else into fresh pages (mmap) put in *RBUF,
 * which MIG sends out of line.  *RLEN is set to LEN.  BUF is freed in
 * every case when LEN > 0.  ENOMEM (or mmap's error). */
error_t iohelp_return_malloced_buffer(char *buf, size_t len, char **rbuf,
				      mach_msg_type_number_t *rlen);

#ifdef __cplusplus
}
#endif

#endif /* _HURD_IOHELP_ */

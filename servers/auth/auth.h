/* auth: the Hurd's credential authority on HELL (<hurd/auth.defs>).
 *
 * An *auth handle* is a port that stands for four id vectors: effective
 * uids, available uids, effective gids, available gids.  Whoever holds a
 * send right to a handle holds those ids.  Handles never change after
 * they are made: auth_makeauth makes new ones.
 *
 * Objects:
 *   struct authhandle  one libports port of authhandle_class in auth_bucket;
 *                      its ids live in the same allocation (handle.c), so
 *                      they last exactly as long as the port's memory.
 *   struct rendezvous  one side of an auth_user_authenticate /
 *                      auth_server_authenticate pair waiting for the other
 *                      (rendezvous.c).
 *
 * Threads: libports' multithreaded manager; handles are immutable, the
 * rendezvous tables have their own lock (rendezvous.c).  */
#ifndef HELL_AUTH_H
#define HELL_AUTH_H

#include <hurd/ports.h>
#include <mach/mach_error.h>
#include <hurd/hurd_types.h>
#include <stdbool.h>
#include <sys/types.h>

#include "boot_server.h"

/* The four id vectors of a handle, in the order of the RPCs' arguments.  */
enum auth_idvec {
	AUTH_EUIDS,
	AUTH_AUIDS,
	AUTH_EGIDS,
	AUTH_AGIDS,
	AUTH_NIDVECS
};

/* Most ids one vector may hold (Linux's NGROUPS_MAX); a request with more
 * is refused with EINVAL, as Linux's setgroups refuses them.  */
#define AUTH_IDS_MAX 65536

/* Most other handles auth_makeauth combines; more is EINVAL.  Bounds the
 * work one request can ask for.  */
#define AUTH_MAKEAUTH_HANDLES_MAX 256

struct authhandle {
	struct port_info pi;
	/* Immutable once made.  ids[v] points into storage.  */
	uid_t *ids[AUTH_NIDVECS];
	mach_msg_type_number_t nids[AUTH_NIDVECS];
	uid_t storage[];
};
typedef struct authhandle *authhandle_t;

extern struct port_bucket *auth_bucket;
extern struct port_class *authhandle_class;

/* handle.c */

/* Make a handle whose vector V holds the COUNTS[V] ids at IDS[V].  With
 * MERGE, a vector keeps only the first of equal ids, as the Hurd's
 * idvec_merge_ids does (auth_makeauth); without, the ids are taken as
 * they are (the first handle: available uids "real, saved" may be equal).
 * On success *RESULT holds the handle with one reference for the caller.
 * EINVAL if a vector is longer than AUTH_IDS_MAX, ENOMEM, or libports'
 * error.  */
error_t auth_handle_create(const uid_t *const ids[AUTH_NIDVECS],
			   const mach_msg_type_number_t counts[AUTH_NIDVECS],
			   bool merge, struct authhandle **result);

/* Whether HANDLE holds uid 0 (effective or available): such a handle may
 * make handles with any ids.  */
bool auth_handle_is_root(const struct authhandle *handle);

/* MIG translation of auth_t (mig-mutate.h): the handle a request names,
 * with a reference for the RPC, or NULL if it names no handle.  */
struct authhandle *auth_begin_using_handle(mach_port_t port);
struct authhandle *auth_begin_using_handle_payload(uintptr_t payload);
void auth_end_using_handle(struct authhandle *handle);

/* rendezvous.c */

/* The sequence number of the request the calling thread serves (set by
 * the demuxer, main.c).  */
extern __thread mach_port_seqno_t auth_request_seqno;

/* interrupt_operation came to H with sequence number SEQNO: answer EINTR
 * to the waiting sides whose requests came to H before it.  */
void auth_rendezvous_interrupt(struct authhandle *h, mach_port_seqno_t seqno);

/* A dead-name notification about NAME came (from libports'
 * ports_do_mach_notify_dead_name): if a waiting rendezvous side depends
 * on NAME, end it.  Returns whether NAME was one of the rendezvous'.  */
bool auth_rendezvous_dead_name(mach_port_t name);

/* Logging with --verbose (boot_server_log) and error texts
 * (boot_server_error_string) are servers/common/boot_server.h's.  */

#endif

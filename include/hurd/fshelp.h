/* <hurd/fshelp.h>: libfshelp, the Hurd's helpers for file system servers.
 *
 * The Hurd's API, on HELL: the same functions, types, struct fields and
 * semantics as the Hurd's libfshelp, so that translators written for the
 * Hurd build unchanged.  The implementation (lib/fshelp) is HELL's.
 *
 * The facilities, each usable alone:
 *   - permissions: fshelp_access, fshelp_isowner, fshelp_checkdirmod,
 *     fshelp_iscontroller decide from a node's stat and a user's ids;
 *   - translators: a *transbox* per node holds its active translator's
 *     control port; fshelp_fetch_root returns the translator's root,
 *     starting the passive translator first if none runs
 *     (fshelp_start_translator_long: task_create, file_exec_paths, and
 *     the fsys_startup handshake on the new task's bootstrap port);
 *   - the list of active translators below a file system
 *     (fshelp_set_active_translator ...), for fsys_get_children,
 *     fsys_goaway with FSYS_GOAWAY_RECURSE and the like;
 *   - locks: flock-style lock boxes and fcntl-style record locks;
 *   - io_identity ports (fshelp_get_identity), runtime options
 *     (fshelp_set_options), set-uid exec (fshelp_exec_reauth),
 *     time stamps (fshelp_touch).
 *
 * Differences from the Hurd (docs/hurd.md):
 *   - open flags given to and by the library (fshelp_open_fn_t,
 *     fshelp_fetch_root, the callbacks) are C values (O_READ ... from
 *     <hurd/hurd_types.h>); the library converts at the wire;
 *   - fshelp_fetch_root waits at most fshelp_fetch_root_timeout
 *     milliseconds for a passive translator to answer (the Hurd waits
 *     forever), so a translator that never calls fsys_startup cannot hang
 *     its file system;
 *   - fshelp_touch reads the clock (HELL has no mapped time page); its
 *     MAPTIME argument may be NULL and is not used;
 *   - fshelp_rlock_tweak takes Linux's struct flock64 and Linux's F_*
 *     values: a server converts the Hurd's wire values (flock_t,
 *     struct hurd_flock) itself, as libnetfs does;
 *   - EDIED, which Linux lacks, is EOWNERDEAD;
 *   - the transbox and lock waits are not cancellable
 *     (pthread_hurd_cond_wait_np does not exist on Linux): a wait for a
 *     starting translator ends when the start ends, within its timeout.
 */
#ifndef _HURD_FSHELP_
#define _HURD_FSHELP_ 1

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <mach.h>
#include <mach/time_value.h>
#include <hurd/hurd_types.h>
#include <hurd/iohelp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The Hurd's "translator died" error.  Linux has no EDIED; HELL answers
 * with EOWNERDEAD ("Owner died") in its place. */
#ifndef EDIED
# define EDIED EOWNERDEAD
#endif

/* ---- Active translators below this file system ---- */

struct port_info;
struct transbox;

/* Record that the translator of TRANSBOX (its current active port) sits
 * on NAME, a path relative to this file system's root.  PI is a port of
 * ours whose receive right gets the dead-name notification for the
 * translator's control port (usually the bucket's notify port), so that
 * the entry goes when the translator dies (ports_dead_name calls
 * fshelp_remove_active_translator).  When TRANSBOX has no active
 * translator, its entry (if any) is removed.  ENOMEM, or the error of the
 * notification request. */
error_t fshelp_set_active_translator(struct port_info *pi, const char *name,
				     const struct transbox *transbox);

/* Forget the translator whose control port is ACTIVE (nothing if none). */
error_t fshelp_remove_active_translator(mach_port_t active);

/* The names (an argz vector appended to *TRANSLATORS) and control ports
 * (*CONTROLS, malloc'd, *CONTROLS_COUNT entries, each a send right the
 * caller owns) of the recorded active translators. */
error_t fshelp_get_active_translators(char **translators, size_t *translators_len,
				      mach_port_t **controls, size_t *controls_count);

/* Call FUN (COOKIE, name, control) on each recorded active translator;
 * stop at and return the first nonzero result.  The list is locked
 * during the calls: FUN must not change it. */
error_t fshelp_map_active_translators(error_t (*fun)(void *cookie, const char *name,
						     mach_port_t control),
				      void *cookie);

/* ---- Starting a translator ---- */

/* Open the node a starting translator sits on, with open flags FLAGS (C
 * values; see <hurd/hurd_types.h>), for the translator in TASK: a port in
 * *NODE with disposition *NODE_TYPE (MACH_MSG_TYPE_MAKE_SEND,
 * MACH_MSG_TYPE_COPY_SEND or MACH_MSG_TYPE_MOVE_SEND).  COOKIE is the
 * cookie given to the start call. */
typedef error_t (*fshelp_open_fn_t)(int flags, file_t *node, mach_msg_type_name_t *node_type,
				    task_t task, void *cookie);

/* Start the translator program NAME (looked up with file_name_lookup, for
 * execution) with the argument vector ARGZ (ARGZ_LEN bytes; ARGZ's first
 * element is normally NAME) in a new task, and wait for its fsys_startup:
 * it is answered with the node UNDERLYING_OPEN_FN opens, and the
 * translator's control port comes back in *CONTROL (a send right the
 * caller owns).
 *
 * The new task gets FDS (FDS_LEN ports), PORTS (PORTS_LEN, indexed by
 * INIT_PORT_*; more than INIT_PORT_BOOTSTRAP) and INTS (INTS_LEN, by
 * INIT_*) as its exec startup data; FDS_TYPE and PORTS_TYPE must be
 * MACH_MSG_TYPE_COPY_SEND (the caller keeps its rights).
 * PORTS[INIT_PORT_BOOTSTRAP] is replaced by the port fsys_startup comes
 * on, which is also the task's bootstrap port.  With a proc port (in
 * PORTS[INIT_PORT_PROC], else getproc ()), the task is made our child
 * and owned by OWNER_UID ((uid_t) -1: no owner).
 *
 * TIMEOUT: milliseconds to wait for fsys_startup (0: no limit).  Errors:
 * those of the lookup (ENOENT ...), of task_create, of file_exec_paths
 * (an exec server's refusal); EDIED when the translator dies before
 * fsys_startup, ETIMEDOUT when it does not call it in time.  On every
 * error the new task is terminated.  May be called with no lock held
 * only: it waits for other servers, this one included. */
error_t fshelp_start_translator_long(fshelp_open_fn_t underlying_open_fn, void *cookie,
				     char *name, char *argz, mach_msg_type_number_t argz_len,
				     mach_port_t *fds, mach_msg_type_name_t fds_type,
				     mach_msg_type_number_t fds_len,
				     mach_port_t *ports, mach_msg_type_name_t ports_type,
				     mach_msg_type_number_t ports_len,
				     int *ints, mach_msg_type_number_t ints_len,
				     uid_t owner_uid, int timeout, fsys_t *control);

/* fshelp_start_translator_long with this task's own ports (working and
 * root directory, auth), no file descriptors, zero ints, and our
 * effective uid as the owner. */
error_t fshelp_start_translator(fshelp_open_fn_t underlying_open_fn, void *cookie,
				char *name, char *argz, mach_msg_type_number_t argz_len,
				int timeout, fsys_t *control);

/* ---- Transboxes: a node's active translator ---- */

/* One per node.  ACTIVE is the running translator's control port (a send
 * right), or MACH_PORT_NULL.  LOCK is the node's lock, which guards every
 * field.  TRANSBOX_STARTING is set while one thread starts the passive
 * translator (with LOCK released); others wait on WAKEUP, after setting
 * TRANSBOX_WANTED.  COOKIE is the node's, given to the callbacks. */
struct transbox {
	fsys_t active;
	pthread_mutex_t *lock;
	int flags;
	pthread_cond_t wakeup;
	void *cookie;
};
#define TRANSBOX_STARTING	1
#define TRANSBOX_WANTED		2

/* fshelp_fetch_root's question about the node: its owner and group in
 * *UID and *GID, and its passive translator (argz, malloc'd, which
 * fshelp frees) in *ARGZ and *ARGZ_LEN; ENOENT when it has none.  COOKIE1
 * is the transbox's cookie, COOKIE2 the one given to fshelp_fetch_root.
 * Called without the transbox lock. */
typedef error_t (*fshelp_fetch_root_callback1_t)(void *cookie1, void *cookie2,
						 uid_t *uid, gid_t *gid,
						 char **argz, mach_msg_type_number_t *argz_len);

/* fshelp_fetch_root's request for the node itself, unauthenticated,
 * opened with FLAGS (C values), for the translator's fsys_startup: a
 * port in *UNDERLYING with disposition *UNDERLYING_TYPE. */
typedef error_t (*fshelp_fetch_root_callback2_t)(void *cookie1, void *cookie2, int flags,
						 mach_port_t *underlying,
						 mach_msg_type_name_t *underlying_type);

/* COOKIE2 of fshelp_short_circuited_callback1: the node's stat and its
 * translated mode (*MODEP), plus whatever the server needs (NEXT). */
struct fshelp_stat_cookie2 {
	io_statbuf_t *statp;
	mode_t *modep;
	void *next;
};

/* A callback1 for nodes whose type implies a translator (character and
 * block devices: _HURD_CHRDEV / _HURD_BLKDEV with the major and minor;
 * fifos: _HURD_FIFO).  ENOENT for other types.  Symlinks and sockets are
 * the server's to handle. */
error_t fshelp_short_circuited_callback1(void *cookie1, void *cookie2, uid_t *uid, gid_t *gid,
					 char **argz, mach_msg_type_number_t *argz_len);

/* The root of the translator on the node of TRANSBOX, for USER, opened
 * with FLAGS (C open flags, as dir_lookup's after hurd_openflags_from_wire;
 * O_CREAT and O_EXCL mean nothing here): fsys_getroot on the active
 * translator, which is
 * started first from the node's passive translator (CALLBACK1, then
 * CALLBACK2 for the node it sits on) when none runs.  DOTDOT is an
 * unauthenticated port to the directory the node was found in (copied,
 * not consumed).  *RETRY, RETRYNAME and *ROOT are fsys_getroot's answer:
 * *ROOT is a send right the caller owns.
 *
 * The transbox lock must be held; it is held again on return, but is
 * released meanwhile.  A translator found dead is forgotten and the
 * passive one started again.  ENOENT when there is neither an active nor
 * a passive translator; otherwise the errors of
 * fshelp_start_translator_long (EDIED, ETIMEDOUT ...) and of
 * fsys_getroot.  The start uses the owner and group of the node (through
 * auth_makeauth when we have an auth port) and waits at most
 * fshelp_fetch_root_timeout. */
error_t fshelp_fetch_root(struct transbox *transbox, void *cookie, file_t dotdot,
			  struct iouser *user, int flags,
			  fshelp_fetch_root_callback1_t callback1,
			  fshelp_fetch_root_callback2_t callback2,
			  retry_type *retry, char *retryname, mach_port_t *root);

/* HELL: how long fshelp_fetch_root waits for a passive translator's
 * fsys_startup, in milliseconds (default 30000; 0: no limit).  A server
 * may change it before serving. */
extern int fshelp_fetch_root_timeout;

/* Initialize TRANSBOX: no active translator, guarded by LOCK. */
void fshelp_transbox_init(struct transbox *transbox, pthread_mutex_t *lock, void *cookie);

/* Whether an active translator is recorded on BOX. */
int fshelp_translated(struct transbox *box);

/* Replace BOX's active translator with NEWACTIVE (a send right the box
 * takes over; MACH_PORT_NULL clears it).  With EXCL, EBUSY if one is
 * starting or a live one is recorded.  Waits while one is starting.  The
 * transbox lock is held. */
error_t fshelp_set_active(struct transbox *box, fsys_t newactive, int excl);

/* BOX's active translator control port, as a new send right in *CONTROL
 * (MACH_PORT_NULL if none; a dead one is forgotten).  For requests on the
 * translator other than fsys_getroot (use fshelp_fetch_root for that).
 * The transbox lock is held. */
error_t fshelp_fetch_control(struct transbox *box, mach_port_t *control);

/* BOX's node is going: drop its active translator's control port. */
void fshelp_drop_transbox(struct transbox *box);

/* ---- flock locks: one lock box per node, one int per open ---- */

struct lock_box {
	int type;		/* LOCK_UN, LOCK_SH, LOCK_EX, or LOCK_SH|LOCK_EX while upgrading */
	pthread_cond_t wait;
	int waiting;
	int shcount;		/* shared holders */
};

/* Initialize BOX (each user's int starts as LOCK_UN). */
void fshelp_lock_init(struct lock_box *box);

/* file_lock from the open whose lock state is *USER: take, change or drop
 * its lock on BOX as FLAGS (LOCK_SH, LOCK_EX, LOCK_UN, LOCK_NB) say.  MUT
 * is held and guards BOX; it is released while waiting.  EWOULDBLOCK
 * (EAGAIN) with LOCK_NB, EINVAL for LOCK_UN with another lock type,
 * EDEADLK for two competing upgrades. */
error_t fshelp_acquire_lock(struct lock_box *box, int *user, pthread_mutex_t *mut, int flags);

/* ---- Record locks (fcntl F_GETLK/F_SETLK/F_SETLKW) ---- */

struct rlock_list;

/* One per node.  HELL adds WAIT, on which F_SETLKW requests sleep until
 * a lock of the node changes (the Hurd keeps one per lock). */
struct rlock_box {
	struct rlock_list *locks;	/* every lock on the node */
	pthread_cond_t wait;
};

/* One per open (peropen).  *LOCKS lists the open's locks; the address
 * LOCKS itself identifies the open as a lock owner. */
struct rlock_peropen {
	struct rlock_list **locks;
};

static inline error_t
fshelp_rlock_init(struct rlock_box *box)
{
	box->locks = NULL;
	pthread_cond_init(&box->wait, NULL);
	return 0;
}

static inline error_t
fshelp_rlock_po_init(struct rlock_peropen *po)
{
	po->locks = malloc(sizeof *po->locks);
	if (po->locks == NULL)
		return ENOMEM;
	*po->locks = NULL;
	return 0;
}

static inline error_t
fshelp_rlock_po_fini(struct rlock_peropen *po)
{
	free(po->locks);
	po->locks = NULL;
	return 0;
}

/* Drop every lock of PO (waking those who wait for them).  The node's
 * mutex (the one given to fshelp_rlock_tweak) is held. */
error_t fshelp_rlock_drop_peropen(struct rlock_peropen *po);

/* An fcntl lock request from the open PO on the node of BOX.  CMD is
 * F_GETLK64, F_SETLK64 or F_SETLKW64 (Linux's values; F_GETLK, F_SETLK,
 * F_SETLKW are the same on x86_64); LOCK is Linux's struct flock64, its
 * l_start relative to l_whence: SEEK_SET, SEEK_CUR (CURPOINTER) or
 * SEEK_END (SIZE).  OPEN_MODE (C open flags) must allow reading for a read
 * lock and writing for a write lock (EBADF).  MUTEX, the node's, is held;
 * F_SETLKW waits on it.  RENDEZVOUS is ignored (locks belong to opens).
 * EINVAL for a bad command, type, whence or range; EAGAIN when F_SETLK
 * meets a conflicting lock; ENOMEM. */
error_t fshelp_rlock_tweak(struct rlock_box *box, pthread_mutex_t *mutex,
			   struct rlock_peropen *po, int open_mode,
			   loff_t size, loff_t curpointer, int cmd,
			   struct flock64 *lock, mach_port_t rendezvous);

/* The strongest lock (LOCK_UN, LOCK_SH, LOCK_EX) held by PO, or by anyone
 * on BOX: file_lock_stat. */
int fshelp_rlock_peropen_status(struct rlock_peropen *po);
int fshelp_rlock_node_status(struct rlock_box *box);

/* ---- Identity ports ---- */

struct port_bucket;

/* The io_identity port of the file numbered FILENO (the same for every
 * open of that file while one is held), in *PT: the caller makes exactly
 * one send right from it (MACH_MSG_TYPE_MAKE_SEND).  The ports live in
 * BUCKET, whose server must handle their no-senders notifications
 * (libports' notify server does). */
error_t fshelp_get_identity(struct port_bucket *bucket, ino64_t fileno, mach_port_t *pt);

/* ---- Options ---- */

struct argp;

/* Parse the argz vector ARGZ (ARGZ_LEN bytes; its first element is the
 * program name) with ARGP and FLAGS, as fsys_set_options wants: errors
 * are returned, never printed. */
error_t fshelp_set_options(const struct argp *argp, int flags, const char *argz,
			   size_t argz_len, void *input);

/* ---- Delegation ---- */

/* Hand the translator request on REQUESTOR (a starting translator's
 * bootstrap port) to the server on SERVER_NAME (NULL: /servers/ARGV[0])
 * with fsys_forward, giving ARGV. */
error_t fshelp_delegate_translation(const char *server_name, mach_port_t requestor,
				    char **argv);

/* ---- Set-uid exec ---- */

struct idvec;

/* For a set-uid/set-gid exec: add UID (if SUID) and GID (if SGID) to the
 * ids of PORTS[INIT_PORT_AUTH] through AUTH (our auth port) and replace
 * it; then reauthenticate the other ports in PORTS and FDS with the new
 * auth port.  When PORTS[INIT_PORT_AUTH] gives no ids, GET_FILE_IDS (if
 * not NULL) provides them.  *SECURE (if not NULL) says whether the added
 * ids were new.  Ports that cannot be reauthenticated become
 * MACH_PORT_NULL. */
error_t fshelp_exec_reauth(int suid, uid_t uid, int sgid, gid_t gid, auth_t auth,
			   error_t (*get_file_ids)(struct idvec *uids, struct idvec *gids),
			   mach_port_t *ports, mach_msg_type_number_t num_ports,
			   mach_port_t *fds, mach_msg_type_number_t num_fds, int *secure);

/* ---- Permissions ---- */

/* Whether USER counts as the owner of the file of ST: it holds the owner
 * uid, or uid 0, or (the Hurd's rule) the file's group both as a gid and
 * as a uid.  0, or EPERM. */
error_t fshelp_isowner(io_statbuf_t *st, struct iouser *user);

/* Whether USER may have this file system's control port; ST is the root
 * node's stat: uid 0, the root's owner, or our own effective uid.  0, or
 * EPERM. */
error_t fshelp_iscontroller(io_statbuf_t *st, struct iouser *user);

/* Whether USER may do OP (S_IREAD, S_IWRITE or S_IEXEC) on the file of
 * ST: uid 0 may do anything but execute a regular file no one may
 * execute; a user with no uids gets the S_IUNKNOWN bits when S_IUSEUNK is
 * set; the owner gets the owner bits, a member of the group the group
 * bits, others the other bits.  0, or EACCES. */
error_t fshelp_access(io_statbuf_t *st, int op, struct iouser *user);

/* Whether USER may change the directory of DIR about its existing entry
 * for the file of ST (NULL when there is none): write access to DIR, and
 * for a sticky DIR ownership of DIR or of the file.  0, or EACCES. */
error_t fshelp_checkdirmod(io_statbuf_t *dir, io_statbuf_t *st, struct iouser *user);

/* ---- Time stamps ---- */

#define TOUCH_ATIME 0x1
#define TOUCH_MTIME 0x2
#define TOUCH_CTIME 0x4

/* Set the times of ST named by WHAT (TOUCH_*) to now.  MAPTIME is not
 * used on HELL (the clock is read); pass NULL. */
void fshelp_touch(io_statbuf_t *st, unsigned what, volatile struct mapped_time_value *maptime);

#ifdef __cplusplus
}
#endif

#endif /* _HURD_FSHELP_ */

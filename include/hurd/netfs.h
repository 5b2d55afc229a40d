/* <hurd/netfs.h>: libnetfs, the Hurd's library for file system translators
 * whose nodes live elsewhere (a remote server, a Linux directory ...).
 *
 * The Hurd's API, on HELL: the same structures, callbacks and semantics as
 * the Hurd's libnetfs, so that netfs translators written for the Hurd
 * build unchanged.  The implementation (lib/netfs) is HELL's.
 *
 * The objects:
 *   - a *node* (struct node) is one file of the translator, with the
 *     translator's own data in its netnode (struct netnode, defined by the
 *     translator).  Nodes are counted: hard references (netfs_nref,
 *     netfs_nrele, netfs_nput) keep a node in use; light references keep
 *     only its memory (a cache may hold one).  When the last hard reference
 *     goes, netfs_try_dropping_softrefs asks the translator to drop its
 *     light ones; when all are gone, netfs_node_norefs frees the node.  A
 *     node's lock (np->lock) guards its stat, its transbox and the
 *     translator's data unless the translator says otherwise;
 *   - a *peropen* is one open of a node: file pointer, open modes, record
 *     locks, the path it was opened by, and the parent of the translator's
 *     root (root_parent) for `..' at the root;
 *   - a *protid* is a port (libports) through which one user (struct
 *     iouser) uses a peropen: every io and fs RPC arrives on one;
 *   - a *control port* (struct netfs_control) receives fsys RPCs.
 *
 * Open flags: RPCs carry the Hurd's wire values; libnetfs converts them
 * (hurd_openflags_from_wire), so peropen.openstat and every flags argument
 * a callback sees hold C values (O_READ, O_WRITE, O_EXEC, O_APPEND ...;
 * see <hurd/hurd_types.h>).
 *
 * Differences from the Hurd (docs/hurd.md):
 *   - dir_lookup with O_TRUNC on a regular file opened for writing
 *     truncates it (netfs_attempt_set_size), as libdiskfs does; the Hurd's
 *     libnetfs leaves that to the translator;
 *   - file_record_lock converts the Hurd's F_* commands and lock types to
 *     Linux's before calling fshelp_rlock_tweak;
 *   - fsys_goaway with FSYS_GOAWAY_FORCE also stops the translators below
 *     (the Hurd does so for FSYS_GOAWAY_RECURSE only; both do here);
 *   - there is no mapped time: netfs_mtime stays NULL;
 *   - io_map answers EOPNOTSUPP unless the translator defines
 *     netfs_get_filemap (HELL has no memory objects yet).
 */
#ifndef _HURD_NETFS_H_
#define _HURD_NETFS_H_ 1

#include <assert.h>
#include <pthread.h>
#include <sys/stat.h>
#include <hurd/hurd_types.h>
#include <hurd/ports.h>
#include <hurd/fshelp.h>
#include <hurd/iohelp.h>
#include <refcount.h>

#ifdef __cplusplus
extern "C" {
#endif

struct argp;
struct netnode;
struct dirmod;

/* A user's use of an open: the port is the protid. */
struct protid {
	struct port_info pi;
	struct iouser *user;		/* who; owned by the protid */
	struct peropen *po;		/* what; one reference */
	memory_object_t shared_object;	/* unused on HELL */
	struct shared_io *mapped;	/* unused on HELL */
};

/* One open of a node.  openstat, filepointer and lock_status are guarded
 * by the node's lock; refcnt is atomic. */
struct peropen {
	loff_t filepointer;
	struct rlock_peropen lock_status;
	refcount_t refcnt;
	int openstat;			/* C open flags that stay after the open */
	struct node *np;		/* one hard reference */
	mach_port_t root_parent;	/* `..' of the translator's root, or MACH_PORT_NULL */
	mach_port_t shadow_root_parent;	/* `..' of the shadow root (file_reparent) */
	struct node *shadow_root;	/* the shadow tree's root here, or NULL */
	char *path;			/* the path from the root it was opened by, or NULL */
};

/* A file of the translator. */
struct node {
	struct node *next, **prevp;	/* the translator's to use */
	struct netnode *nn;		/* the translator's data */
	io_statbuf_t nn_stat;		/* kept current by netfs_validate_stat */
	/* Only S_IPTRANS and S_IFMT of nn_translated count: they decide
	 * whether a lookup starts a translator.  Most translators set it to
	 * nn_stat.st_mode. */
	mode_t nn_translated;
	pthread_mutex_t lock;
	refcounts_t refcounts;		/* hard and light references */
	mach_port_t sockaddr;		/* ifsock_getsockaddr's answer, or MACH_PORT_NULL */
	int owner;			/* io_mod_owner / io_get_owner */
	struct transbox transbox;	/* the active translator on this node */
	struct rlock_box userlock;	/* record locks */
	struct conch conch;
	struct dirmod *dirmod_reqs;	/* unused on HELL */
};

/* A control port. */
struct netfs_control {
	struct port_info pi;
};

/* ---- Defined by the translator ---- */

/* The server's name and version (io_server_version). */
extern char *netfs_server_name;
extern char *netfs_server_version;

/* How many symlinks a lookup follows before ELOOP.  The library defines
 * it (12) unless the translator does. */
extern int netfs_maxsymlinks;

/* Make NP->nn_stat current.  NP is locked; CRED is the user asking. */
error_t netfs_validate_stat(struct node *np, struct iouser *cred);

/* Change the owner of locked NP to UID and its group to GID ((uid_t) -1:
 * unchanged). */
error_t netfs_attempt_chown(struct iouser *cred, struct node *np, uid_t uid, uid_t gid);

/* Change the author of locked NP. */
error_t netfs_attempt_chauthor(struct iouser *cred, struct node *np, uid_t author);

/* Change the mode of locked NP to MODE; also used to change its type
 * (EOPNOTSUPP when that is impossible). */
error_t netfs_attempt_chmod(struct iouser *cred, struct node *np, mode_t mode);

/* Turn locked NP into a symlink to NAME (EOPNOTSUPP: store a passive
 * /hurd/symlink translator instead). */
error_t netfs_attempt_mksymlink(struct iouser *cred, struct node *np, const char *name);

/* Turn locked NP into a device of TYPE (S_IFBLK or S_IFCHR) and number
 * INDEXES. */
error_t netfs_attempt_mkdev(struct iouser *cred, struct node *np, mode_t type, dev_t indexes);

/* Optional (the library's answer EOPNOTSUPP): store ARGZ as the passive
 * translator of locked NP (ARGZLEN 0: remove it). */
error_t netfs_set_translator(struct iouser *cred, struct node *np, const char *argz,
			     mach_msg_type_number_t argzlen);

/* Optional, with netfs_set_translator: the passive translator of locked
 * NP (whose nn_translated has S_IPTRANS), malloc'd, in *ARGZ. */
error_t netfs_get_translator(struct node *node, char **argz, mach_msg_type_number_t *argz_len);

/* Change the flags of locked NP. */
error_t netfs_attempt_chflags(struct iouser *cred, struct node *np, int flags);

/* Change the times of locked NP (NULL: leave it). */
error_t netfs_attempt_utimes(struct iouser *cred, struct node *np, struct timespec *atime,
			     struct timespec *mtime);

/* Truncate or extend locked NP to SIZE bytes. */
error_t netfs_attempt_set_size(struct iouser *cred, struct node *np, loff_t size);

/* The file system's statistics, into *ST.  NP is locked. */
error_t netfs_attempt_statfs(struct iouser *cred, struct node *np, fsys_statfsbuf_t *st);

/* Write locked NP's data out (WAIT: before returning). */
error_t netfs_attempt_sync(struct iouser *cred, struct node *np, int wait);

/* Write everything out.  CRED may be NULL (at shutdown). */
error_t netfs_attempt_syncfs(struct iouser *cred, int wait);

/* Look NAME (one component, possibly "." or "..") up in DIR (locked) for
 * USER: *NP gets the node, locked and with a new hard reference; ENOENT
 * if there is no such entry; on error *NP is NULL.  DIR is unlocked on
 * return in every case. */
error_t netfs_attempt_lookup(struct iouser *user, struct node *dir, const char *name,
			     struct node **np);

/* Remove the entry NAME from DIR (locked). */
error_t netfs_attempt_unlink(struct iouser *user, struct node *dir, const char *name);

/* Rename FROMNAME in FROMDIR to TONAME in TODIR (neither locked); with
 * EXCL, fail if TONAME exists. */
error_t netfs_attempt_rename(struct iouser *user, struct node *fromdir, const char *fromname,
			     struct node *todir, const char *toname, int excl);

/* Make the directory NAME in DIR (locked) with MODE. */
error_t netfs_attempt_mkdir(struct iouser *user, struct node *dir, const char *name,
			    mode_t mode);

/* Remove the directory NAME from DIR (locked). */
error_t netfs_attempt_rmdir(struct iouser *user, struct node *dir, const char *name);

/* Make NAME in DIR a link to FILE (neither locked); with EXCL, EEXIST if
 * NAME exists, else replace it. */
error_t netfs_attempt_link(struct iouser *user, struct node *dir, struct node *file,
			   const char *name, int excl);

/* Make a file with no name related to DIR (locked) with MODE: *NP gets it,
 * locked, with a hard reference.  DIR is unlocked on return. */
error_t netfs_attempt_mkfile(struct iouser *user, struct node *dir, mode_t mode,
			     struct node **np);

/* Make the file NAME in DIR (locked) with MODE: *NP gets it, locked, with
 * a hard reference (NULL on error).  DIR is unlocked on return. */
error_t netfs_attempt_create_file(struct iouser *user, struct node *dir, const char *name,
				  mode_t mode, struct node **np);

/* The target of the symlink NP (locked) into BUF, which holds
 * nn_stat.st_size bytes (no terminating NUL is written). */
error_t netfs_attempt_readlink(struct iouser *user, struct node *np, char *buf);

/* May USER open NP (locked) with FLAGS (C open flags)?  NEWNODE: NP was
 * just created by this open. */
error_t netfs_check_open_permissions(struct iouser *user, struct node *np, int flags,
				     int newnode);

/* Read up to *LEN bytes at OFFSET from NP (locked) into DATA; *LEN gets
 * how many were read. */
error_t netfs_attempt_read(struct iouser *cred, struct node *np, loff_t offset, size_t *len,
			   void *data);

/* Write *LEN bytes of DATA at OFFSET to NP (locked); *LEN gets how many
 * were written. */
error_t netfs_attempt_write(struct iouser *cred, struct node *np, loff_t offset, size_t *len,
			    const void *data);

/* The accesses (O_READ | O_WRITE | O_EXEC, C values) CRED has to NP
 * (locked), in *TYPES. */
error_t netfs_report_access(struct iouser *cred, struct node *np, int *types);

/* A new iouser from the id arrays. */
struct iouser *netfs_make_user(uid_t *uids, int nuids, uid_t *gids, int ngids);

/* NP has no references left: free it and the translator's data. */
void netfs_node_norefs(struct node *np);

/* Up to NENTRIES (-1: all) directory entries of DIR (locked) from entry
 * ENTRY on, as the Hurd's struct dirent records, into *DATA (*DATACNT
 * bytes on entry; allocate a larger buffer with mmap if needed), at most
 * BUFSIZE bytes (0: no limit).  *DATACNT gets the bytes used, *AMT the
 * entries. */
error_t netfs_get_dirents(struct iouser *cred, struct node *dir, int entry, int nentries,
			  char **data, mach_msg_type_number_t *datacnt, vm_size_t bufsize,
			  int *amt);

/* Optional: a memory object for NP's contents with at most PROT access
 * (MACH_PORT_NULL and errno on error).  The library's answer: EOPNOTSUPP. */
mach_port_t netfs_get_filemap(struct node *np, vm_prot_t prot);

/* Optional: file_get_storage_info.  The library's answer: a network
 * store (STORAGE_NETWORK). */
error_t netfs_file_get_storage_info(struct iouser *cred, struct node *np,
				    mach_port_t **ports, mach_msg_type_name_t *ports_type,
				    mach_msg_type_number_t *num_ports,
				    int **ints, mach_msg_type_number_t *num_ints,
				    loff_t **offsets, mach_msg_type_number_t *num_offsets,
				    char **data, mach_msg_type_number_t *data_len);

/* Optional: what the translator is a view of, into SOURCE (SOURCE_LEN
 * bytes).  The library's answer: EOPNOTSUPP. */
error_t netfs_get_source(char *source, size_t source_len);

/* Optional: the last hard reference to NP (locked) went; drop the light
 * references the translator holds (a cache's).  The library's: nothing. */
void netfs_try_dropping_softrefs(struct node *np);

/* ---- Options ---- */

/* Apply the run-time options ARGZ (fsys_set_options).  The library's
 * definition parses them with netfs_runtime_argp; EINVAL for an unknown
 * option. */
error_t netfs_set_options(const char *argz, size_t argz_len);

/* Append the translator's arguments to *ARGZ (fsys_get_options).  The
 * library's definition appends netfs_append_std_options. */
error_t netfs_append_args(char **argz, size_t *argz_len);

/* The argp netfs_set_options uses (default: &netfs_std_runtime_argp). */
extern struct argp *netfs_runtime_argp;

/* The standard run-time and start-up options of netfs (none). */
extern const struct argp netfs_std_runtime_argp;
extern const struct argp netfs_std_startup_argp;

/* Append the standard options' state to *ARGZ (nothing). */
error_t netfs_append_std_options(char **argz, size_t *argz_len);

/* ---- Provided by the library ---- */

/* A new node for the translator's data NN, unlocked, with one hard
 * reference; NULL if memory is short. */
struct node *netfs_make_node(struct netnode *nn);

/* A new node with SIZE bytes for its netnode right after it
 * (netfs_node_netnode), unlocked, with one hard reference; NULL if memory
 * is short. */
struct node *netfs_make_node_alloc(size_t size);

extern const size_t _netfs_sizeof_struct_node;

static inline struct netnode *
netfs_node_netnode(struct node *node)
{
	return (struct netnode *) ((char *) node + _netfs_sizeof_struct_node);
}

static inline struct node *
netfs_netnode_node(struct netnode *netnode)
{
	return (struct node *) ((char *) netnode - _netfs_sizeof_struct_node);
}

/* Set the library up (classes, bucket, our auth port).  Call first. */
void netfs_init(void);

/* Call fsys_startup on BOOTSTRAP (our bootstrap port) with a new control
 * port and open flags FLAGS (C values), and return the node we sit on.
 * Exits with a message if it fails. */
mach_port_t netfs_startup(mach_port_t bootstrap, int flags);

/* Serve RPCs with as many threads as needed; never returns.  The
 * translator exits on fsys_goaway (as on today's Hurd, libports' loops do
 * not end on inactivity). */
void netfs_server_loop(void);

/* A new protid for USER (taken over; NULL: the port is not put in the
 * bucket until someone does, as io_reauthenticate needs) on PO (whose
 * reference it takes over).  NULL with errno on error. */
struct protid *netfs_make_protid(struct peropen *po, struct iouser *user);

/* A new peropen of NP (which gets a hard reference) with open flags FLAGS
 * (C values); root_parent, shadow_root, shadow_root_parent and path come
 * from CONTEXT when not NULL.  NULL on error. */
struct peropen *netfs_make_peropen(struct node *np, int flags, struct peropen *context);

/* References (see the top of this file).  netfs_nref needs NP locked
 * unless the caller holds a reference; netfs_nput releases the lock. */
void netfs_nref(struct node *np);
void netfs_nref_light(struct node *np);
void netfs_nrele(struct node *np);
void netfs_nrele_light(struct node *np);
void netfs_nput(struct node *np);

/* The last reference of NP went (NP locked): release it. */
void netfs_drop_node(struct node *np);

/* The last references of a protid / peropen went. */
void netfs_release_protid(void *protid);
void netfs_release_peropen(struct peropen *po);

/* The MIG demuxer of every netfs RPC (io, fs, fsys, ifsock, notify,
 * interrupt). */
int netfs_demuxer(mach_msg_header_t *inp, mach_msg_header_t *outp);

/* Prepare to go away (FLAGS as fsys_goaway's): EBUSY if in use and not
 * forced; stops the translators below with FSYS_GOAWAY_RECURSE or
 * FSYS_GOAWAY_FORCE; syncs unless FSYS_GOAWAY_NOSYNC.  0: exit now. */
error_t netfs_shutdown(int flags);

extern struct port_class *netfs_protid_class;
extern struct port_class *netfs_control_class;
extern struct port_bucket *netfs_port_bucket;
extern struct node *netfs_root_node;	/* set by the translator */
extern mach_port_t netfs_fsys_identity;
extern auth_t netfs_auth_server_port;
extern volatile struct mapped_time_value *netfs_mtime;	/* NULL on HELL */

/* MIG's names for the objects. */
typedef struct protid *protid_t;
typedef struct netfs_control *control_t;

#ifdef __cplusplus
}
#endif

#endif /* _HURD_NETFS_H_ */

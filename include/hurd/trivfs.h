/* <hurd/trivfs.h>: libtrivfs, the Hurd's library for translators that
 * serve a single node (hello, null, the exec server ...).
 *
 * The Hurd's API, on HELL: the same functions, types, struct fields,
 * global variables and hooks as the Hurd's libtrivfs, so translators
 * written for the Hurd build unchanged.  The implementation (lib/trivfs)
 * is HELL's.
 *
 * The objects:
 *   - a *control* (struct trivfs_control) is the translator's fsys port:
 *     the parent file system and fsysopts talk to it (fsys_getroot,
 *     fsys_set_options, fsys_goaway ...).  It holds the underlying node
 *     (the node the translator sits on, from fsys_startup);
 *   - a *peropen* (struct trivfs_peropen) is one open of the node: its
 *     open modes and the translator's per-open state (hook, for a file
 *     offset say), shared by every port that came from the same open
 *     (io_duplicate, io_restrict_auth, io_reauthenticate);
 *   - a *protid* (struct trivfs_protid) is one port to an open, with the
 *     identity of its user and its own restricted reference to the
 *     underlying node (realnode).  It is what the trivfs_S_* routines get
 *     as their first argument, or NULL when the message came to a port
 *     that is not a trivfs protid (they then answer EOPNOTSUPP).
 *
 * Lifecycle: a protid holds a reference on its peropen (refcnt), a
 * peropen holds a reference on its control (a libports reference).  The
 * last protid reference to go frees the peropen (after
 * trivfs_peropen_destroy_hook), which drops the control.
 *
 * What a translator defines: trivfs_fstype, trivfs_fsid,
 * trivfs_support_read/write/exec, trivfs_allow_open, trivfs_modify_stat
 * and trivfs_goaway (the link fails without them); it may define the
 * hooks below, trivfs_runtime_argp, trivfs_append_args,
 * trivfs_get_source, and any trivfs_S_* routine (io_read, io_write,
 * io_seek ... where it serves data), which replaces the library's.
 *
 * Differences from the Hurd (docs/writing-a-translator.md):
 *   - trivfs_modify_stat gets Linux's struct stat, as the Hurd's own
 *     translators declare it; the library converts from and to the
 *     Hurd's wire layout (io_statbuf_t, struct hurd_stat) around the
 *     call.  The Hurd-only fields (st_fstype, st_fsid, st_gen, st_author,
 *     st_flags) are set by the library and cannot be changed there.
 *   - Open flags in C are HELL's (<hurd/hurd_types.h>): O_READ, O_WRITE,
 *     O_EXEC ... and Linux's O_NONBLOCK, O_APPEND; the library converts
 *     the Hurd's wire values at the RPC boundary, so po->openmodes, the
 *     flags given to trivfs_check_open_hook and trivfs_allow_open are all
 *     C values.
 *   - The static class vectors (trivfs_protid_portclasses and friends)
 *     are gone, as in today's Hurd: use trivfs_add_*_port_class.
 */
#ifndef __TRIVFS_H__
#define __TRIVFS_H__

#include <errno.h>
#include <pthread.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <mach.h>
#include <hurd/hurd_types.h>
#include <hurd/ports.h>
#include <hurd/iohelp.h>
#include <hurd/fshelp.h>
#include <refcount.h>

#ifdef __cplusplus
extern "C" {
#endif

struct argp;

/* One port to an open of the node. */
struct trivfs_protid {
	struct port_info pi;
	struct iouser *user;		/* who uses this port */
	int isroot;			/* USER holds uid 0 or the translator's own uid */
	/* The underlying node, restricted to USER's ids.  MACH_PORT_NULL when
	 * the protid was never completed (trivfs_protid_create_hook failed):
	 * the destroy hook is then not called. */
	mach_port_t realnode;
	void *hook;			/* the translator's */
	struct trivfs_peropen *po;
};

/* One open of the node, shared by the protids made from it. */
struct trivfs_peropen {
	void *hook;			/* the translator's (a file offset ...) */
	int openmodes;			/* O_READ, O_WRITE, O_EXEC, O_NONBLOCK ... (C values) */
	refcount_t refcnt;		/* protids using this open */
	struct trivfs_control *cntl;	/* holds a reference */
	struct rlock_peropen lock_status; /* unused by the library (zero) */
	struct trivfs_node *tp;		/* unused by the library (NULL) */
};

/* Per-node state for translators that keep it (the library makes none). */
struct trivfs_node {
	pthread_mutex_t lock;
	int references;
	struct transbox transbox;
	struct rlock_box credlock;
};

/* The translator's control port. */
struct trivfs_control {
	struct port_info pi;
	struct port_class *protid_class; /* protids of this control are made here */
	struct port_bucket *protid_bucket;
	mach_port_t filesys_id;		/* receive right: io_identity's fsidport */
	mach_port_t file_id;		/* receive right: io_identity's idport */
	mach_port_t underlying;		/* the node the translator sits on (send right) */
	void *hook;			/* the translator's */
};

/* ---- What the translator defines ---- */

/* Optional: the server's name and version, for io_server_version. */
extern char *trivfs_server_name __attribute__((weak));
extern char *trivfs_server_version __attribute__((weak));

/* Required: io_stat's st_fstype (FSTYPE_*) and st_fsid (0: the pid). */
extern int trivfs_fstype;
extern int trivfs_fsid;

/* Required: whether the translator implements reading, writing,
 * executing (its own trivfs_S_io_read ...).  The library's defaults for
 * those routines answer EOPNOTSUPP. */
extern int trivfs_support_read;
extern int trivfs_support_write;
extern int trivfs_support_exec;

/* Required: the open modes allowed (O_READ, O_WRITE, O_EXEC, combined);
 * fsys_getroot refuses others (EROFS for writing, EACCES otherwise). */
extern int trivfs_allow_open;

/* Required: adjust ST (the underlying node's stat, with st_mode already
 * a character device that is the root of a translator) for io_stat. */
void trivfs_modify_stat(struct trivfs_protid *cred, struct stat *st);

/* Required: fsys_goaway on CNTL with FLAGS (FSYS_GOAWAY_*).  Usually
 * exits; returns an error (EBUSY) to refuse. */
error_t trivfs_goaway(struct trivfs_control *cntl, int flags);

/* ---- Hooks: NULL unless the translator sets them ---- */

/* Decide the access (O_READ | O_WRITE | O_EXEC in *ALLOWED) USER has,
 * instead of asking the underlying node (file_check_access). */
extern error_t (*trivfs_check_access_hook)(struct trivfs_control *cntl,
					   struct iouser *user,
					   mach_port_t realnode, int *allowed);

/* Called at each open (fsys_getroot, dir_lookup of ""), after the access
 * check, with the open's FLAGS; an error refuses the open. */
extern error_t (*trivfs_check_open_hook)(struct trivfs_control *cntl,
					 struct iouser *user, int flags);

/* Called instead of trivfs_open by fsys_getroot; it owns DOTDOT. */
extern error_t (*trivfs_open_hook)(struct trivfs_control *fsys,
				   struct iouser *user, mach_port_t dotdot,
				   int flags, mach_port_t realnode,
				   struct trivfs_protid **cred);

/* Called when a protid / peropen is made; an error undoes it. */
extern error_t (*trivfs_protid_create_hook)(struct trivfs_protid *);
extern error_t (*trivfs_peropen_create_hook)(struct trivfs_peropen *);

/* Called before a protid / peropen is freed. */
extern void (*trivfs_protid_destroy_hook)(struct trivfs_protid *);
extern void (*trivfs_peropen_destroy_hook)(struct trivfs_peropen *);

typedef error_t (*trivfs_getroot_hook_fun)(struct trivfs_control *cntl,
					   mach_port_t reply_port,
					   mach_msg_type_name_t reply_port_type,
					   mach_port_t dotdot,
					   const uid_t *uids, mach_msg_type_number_t nuids,
					   const uid_t *gids, mach_msg_type_number_t ngids,
					   int flags,
					   retry_type *do_retry, char *retry_name,
					   mach_port_t *node, mach_msg_type_name_t *node_type);

/* Called first by fsys_getroot (FLAGS in C values); EAGAIN continues
 * with the library's getroot, anything else is the answer. */
extern trivfs_getroot_hook_fun trivfs_getroot_hook;

/* ---- Starting ---- */

/* Create a control port (trivfs_create_control with no underlying node)
 * and send it to BOOTSTRAP with fsys_startup, opening the underlying node
 * with FLAGS (O_READ ...); the node received becomes the control's
 * underlying node.  Any class or bucket may be NULL: one is made (a
 * control and its protids share one new bucket).  On success *CONTROL
 * (if CONTROL is not NULL) is the control, whose reference now belongs
 * to its port; the task is then marked important with proc when it has
 * a proc server.  Returns fsys_startup's error, or the creation's. */
error_t trivfs_startup(mach_port_t bootstrap, int flags,
		       struct port_class *control_class,
		       struct port_bucket *control_bucket,
		       struct port_class *protid_class,
		       struct port_bucket *protid_bucket,
		       struct trivfs_control **control);

/* Start without a parent: set the translator on FILE_NAME ourselves
 * (file_set_translator) and make SIGTERM ask us to go away. */
error_t trivfs_startup_debug(const char *file_name,
			     struct port_class *control_class,
			     struct port_bucket *control_bucket,
			     struct port_class *protid_class,
			     struct port_bucket *protid_bucket,
			     struct trivfs_control **control);

/* A new control for UNDERLYING (a send right it takes over; may be
 * MACH_PORT_NULL) in *CONTROL with one reference for the caller; classes
 * and buckets as for trivfs_startup.  ENOMEM or a Mach error. */
error_t trivfs_create_control(mach_port_t underlying,
			      struct port_class *control_class,
			      struct port_bucket *control_bucket,
			      struct port_class *protid_class,
			      struct port_bucket *protid_bucket,
			      struct trivfs_control **control);

/* The clean routines of the classes trivfs makes (for classes a
 * translator makes itself with ports_create_class). */
void trivfs_clean_protid(void *);
void trivfs_clean_cntl(void *);

/* The demuxer of trivfs ports: io, fs, fsys, Mach notifications and
 * interrupt_operation.  0 when the message is for none of them. */
int trivfs_demuxer(mach_msg_header_t *inp, mach_msg_header_t *outp);

/* As in the Hurd: always NULL (no per-node state is kept). */
struct trivfs_node *trivfs_make_node(struct trivfs_peropen *po);
struct trivfs_peropen *trivfs_make_peropen(struct trivfs_protid *cred);

/* A new protid in *CRED on a new peropen of CNTL, for USER (which it
 * takes over on success), open modes FLAGS (C values), underlying node
 * REALNODE (a send right it takes over on success). */
error_t trivfs_open(struct trivfs_control *fsys, struct iouser *user,
		    unsigned flags, mach_port_t realnode,
		    struct trivfs_protid **cred);

/* A new protid in *DUP on CRED's peropen, with a copy of its user, a new
 * send right to its realnode and the same hook. */
error_t trivfs_protid_dup(struct trivfs_protid *cred, struct trivfs_protid **dup);

/* Set the underlying node's access / modification time to now. */
error_t trivfs_set_atime(struct trivfs_control *cntl);
error_t trivfs_set_mtime(struct trivfs_control *cntl);

/* ---- Options ---- */

/* The argp for fsys_set_options (the input field is the control); NULL:
 * fsys_set_options answers EOPNOTSUPP.  A translator sets its own. */
extern struct argp *trivfs_runtime_argp;

/* fsys_set_options: parse ARGZ (options only, no program name) with
 * trivfs_runtime_argp through fshelp_set_options.  A translator may
 * define its own. */
error_t trivfs_set_options(struct trivfs_control *fsys, const char *argz, size_t argz_len);

/* fsys_get_options / file_get_fs_options: append the translator's
 * options to *ARGZ (after the program name).  The library's answers
 * EOPNOTSUPP; a translator defines its own. */
error_t trivfs_append_args(struct trivfs_control *fsys, char **argz, size_t *argz_len);

/* fsys_get_source: the translator's source in SOURCE (SOURCE_LEN bytes).
 * The library's answers EOPNOTSUPP. */
error_t trivfs_get_source(char *source, size_t source_len);

/* ---- Classes and buckets trivfs recognizes ---- */

/* Add *CLASS (made when NULL) to the control / protid classes trivfs
 * serves; counted, so adding twice needs removing twice. */
error_t trivfs_add_control_port_class(struct port_class **class);
void trivfs_remove_control_port_class(struct port_class *class);
error_t trivfs_add_protid_port_class(struct port_class **class);
void trivfs_remove_protid_port_class(struct port_class *class);

/* The same for buckets. */
error_t trivfs_add_port_bucket(struct port_bucket **bucket);
void trivfs_remove_port_bucket(struct port_bucket *bucket);

/* MIG's names for the objects. */
typedef struct trivfs_protid *trivfs_protid_t;
typedef struct trivfs_control *trivfs_control_t;

/* ---- Server routines a translator commonly replaces ----
 * (all of them are declared in the MIG headers libtrivfs/trivfs_io_S.h,
 * trivfs_fs_S.h and trivfs_fsys_S.h). */

kern_return_t trivfs_S_io_write(trivfs_protid_t io_object, mach_port_t reply,
				mach_msg_type_name_t replyPoly,
				const_data_t data, mach_msg_type_number_t dataCnt,
				loff_t offset, vm_size_t *amount);

kern_return_t trivfs_S_io_read(trivfs_protid_t io_object, mach_port_t reply,
			       mach_msg_type_name_t replyPoly,
			       data_t *data, mach_msg_type_number_t *dataCnt,
			       loff_t offset, vm_size_t amount);

kern_return_t trivfs_S_io_seek(trivfs_protid_t io_object, mach_port_t reply,
			       mach_msg_type_name_t replyPoly,
			       loff_t offset, int whence, loff_t *newp);

kern_return_t trivfs_S_io_stat(trivfs_protid_t stat_object, mach_port_t reply,
			       mach_msg_type_name_t replyPoly, io_statbuf_t *stat_info);

kern_return_t trivfs_S_file_set_size(trivfs_protid_t trunc_file, mach_port_t reply,
				     mach_msg_type_name_t replyPoly, loff_t new_size);

kern_return_t trivfs_S_file_get_storage_info(trivfs_protid_t file, mach_port_t reply,
					     mach_msg_type_name_t replyPoly,
					     portarray_t *ports,
					     mach_msg_type_name_t *portsPoly,
					     mach_msg_type_number_t *portsCnt,
					     intarray_t *ints, mach_msg_type_number_t *intsCnt,
					     off_array_t *offsets,
					     mach_msg_type_number_t *offsetsCnt,
					     data_t *data, mach_msg_type_number_t *dataCnt);

kern_return_t trivfs_S_file_statfs(trivfs_protid_t file, mach_port_t reply,
				   mach_msg_type_name_t replyPoly, fsys_statfsbuf_t *info);

#ifdef __cplusplus
}
#endif

#endif /* __TRIVFS_H__ */

/* hellfs: the bridge through which Linux programs use Hurd translators.
 *
 * hellfs is at once a HELL task (a Hurd client: it holds ports on Hurd
 * nodes and speaks io and fs to them) and a FUSE file system (libfuse3's
 * low-level API, multithreaded).  Each FUSE request becomes the RPCs a
 * Hurd program would make on the node's port; hellfs never looks at the
 * Linux directory under rootfs, so Linux sees exactly what a Hurd client
 * sees (docs/hellfs.md).
 *
 * Pieces, a file each:
 *   main.c    options, the root port, mounting, the session loop
 *   node.c    FUSE inodes: identity, the ports they hold, eviction
 *   call.c    the deadline and interruption of an RPC; Hurd error -> errno
 *   attr.c    getattr, setattr, access, statfs; struct stat from the Hurd's
 *   lookup.c  lookup, forget, readlink
 *   dir.c     readdir(plus), releasedir, fsyncdir
 *   names.c   create, mknod, mkdir, symlink, link, unlink, rmdir, rename
 *   file.c    open, opendir, read, write, flush, release, fsync
 */
#ifndef HELLFS_H
#define HELLFS_H

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#include <hurd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

/* What the command line set; read-only once the session runs.  */
struct hellfs_options {
	double timeout;			/* the kernel's attr and entry cache, s */
	unsigned rpc_timeout;		/* an RPC taking longer gives EIO, s */
	unsigned max_ports;		/* node ports kept at once */
	bool read_only;
	bool allow_other;
};
extern struct hellfs_options hellfs_opt;

/* The st_fsid of the HELL root (rootfs): its nodes keep their inode
 * numbers and may use the page cache; every other translator's are
 * mixed into another range and always read afresh (direct_io).  */
extern uint64_t hellfs_rootfs_fsid;

/* ---- node.c ---------------------------------------------------------- */

/* A FUSE inode.  Identity is the Hurd node's (st_fsid, st_ino): looking
 * the same node up twice gives the same inode.  A node holds a send
 * right to a port on the Hurd node (opened with no access mode, and
 * O_NOLINK so that a symlink is itself) while it is in the port cache;
 * it may lose it (eviction, to bound the ports hellfs holds) and then
 * finds it again from its parent and name.
 *
 * Lifetime: NLOOKUP counts the kernel's lookups (FUSE forget ends them),
 * REFS the references of hellfs itself (an operation in progress, a
 * child naming it as parent).  The node is freed when both are zero.
 * Every field but the constants is under the table lock (node.c).  */
struct hellfs_node {
	uint64_t fsid, ino;		/* identity; constant */
	mode_t type;			/* S_IFMT bits; constant */
	mach_port_t port;		/* MACH_PORT_NULL when evicted */
	struct hellfs_node *parent;	/* a counted reference; NULL at the root */
	char *name;			/* in PARENT */
	uint64_t nlookup;
	unsigned refs;
	unsigned busy;			/* operations using PORT now */
	struct hellfs_node *hash_next;
	struct hellfs_node *lru_prev, *lru_next;	/* nodes holding a port */
};

error_t hellfs_node_init_root(mach_port_t port);
struct hellfs_node *hellfs_node_root(void);

/* The node of FUSE inode INO, with a reference; NULL if there is none.  */
struct hellfs_node *hellfs_node_get(fuse_ino_t ino);
void hellfs_node_put(struct hellfs_node *np);
fuse_ino_t hellfs_node_ino(const struct hellfs_node *np);

/* Make PORT (a port on the node NAME in PARENT, whose io_stat is ST)
 * known as a FUSE inode, counting one kernel lookup.  Consumes PORT (the
 * node keeps it, or it is released if the node already has one).
 * Returns the node with a reference, or NULL (ENOMEM).  */
struct hellfs_node *hellfs_node_enter(struct hellfs_node *parent, const char *name,
				      mach_port_t port, const io_statbuf_t *st);

/* Forget NLOOKUP kernel lookups of NP.  */
void hellfs_node_forget(struct hellfs_node *np, uint64_t nlookup);

/* The node's port, found again if it was evicted, for one operation:
 * until hellfs_node_release_port the port is not evicted.  */
error_t hellfs_node_port(struct hellfs_node *np, mach_port_t *port);
void hellfs_node_release_port(struct hellfs_node *np);

/* hellfs_node_get and hellfs_node_port at once: the node of INO with a
 * reference and its port in *PORT, or NULL and an errno in *ERR.  Undo
 * with hellfs_node_done.  */
struct hellfs_node *hellfs_node_use(fuse_ino_t ino, mach_port_t *port, int *err);
void hellfs_node_done(struct hellfs_node *np);

/* After a rename: the node NAME in NEWPARENT (looked up anew) is known
 * there from now on, if hellfs has it.  */
void hellfs_node_renamed(struct hellfs_node *newparent, const char *name, const io_statbuf_t *st);

/* The inode number Linux sees for (FSID, INO).  */
uint64_t hellfs_linux_ino(uint64_t fsid, uint64_t ino);


/* ---- call.c ---------------------------------------------------------- */

/* An RPC in progress on behalf of REQ (which may be NULL): it ends with
 * EIO once the rpc_timeout passes, or EINTR if the kernel interrupts the
 * request (the Linux caller got a signal).  Calls are per thread and do
 * not nest.  */
struct hellfs_call {
	fuse_req_t req;
	pid_t tid;
	uint64_t deadline_ns;
	int cancelled;			/* 0, EIO or EINTR; atomic */
	struct hellfs_call *prev, *next;
};
void hellfs_call_setup(void);
void hellfs_call_begin(struct hellfs_call *c, fuse_req_t req);
/* Ends the call; returns ERR made into an errno for Linux (see call.c).  */
int hellfs_call_end(struct hellfs_call *c, error_t err);
/* A Hurd error as a Linux errno, for a result that did not come through
 * a call (0 stays 0).  */
int hellfs_errno(error_t err);

/* ---- attr.c ---------------------------------------------------------- */

void hellfs_stat_to_linux(const io_statbuf_t *hst, struct stat *st);

void hellfs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hellfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		    struct fuse_file_info *fi);
void hellfs_access(fuse_req_t req, fuse_ino_t ino, int mask);
void hellfs_statfs(fuse_req_t req, fuse_ino_t ino);

/* ---- lookup.c -------------------------------------------------------- */

/* Look NAME up in PARENT (O_NOLINK, no access mode) and enter it: fills
 * *E for a FUSE entry reply.  Returns 0 or an errno.  */
int hellfs_lookup_entry(fuse_req_t req, struct hellfs_node *parent, const char *name,
			struct fuse_entry_param *e);
void hellfs_fill_entry(struct fuse_entry_param *e, struct hellfs_node *np,
		       const io_statbuf_t *st);
void hellfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void hellfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void hellfs_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets);
void hellfs_readlink(fuse_req_t req, fuse_ino_t ino);

/* ---- dir.c ----------------------------------------------------------- */

void hellfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi);
void hellfs_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi);
void hellfs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hellfs_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);

/* ---- names.c --------------------------------------------------------- */

void hellfs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev);
void hellfs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void hellfs_symlink(fuse_req_t req, const char *target, fuse_ino_t parent, const char *name);
void hellfs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname);
void hellfs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void hellfs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void hellfs_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
		   const char *newname, unsigned int flags);
void hellfs_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		   struct fuse_file_info *fi);

/* ---- file.c ---------------------------------------------------------- */

/* An open file: FUSE's fh.  */
struct hellfs_file {
	mach_port_t port;		/* opened with the file's access mode */
	int hurd_flags;			/* O_READ, O_WRITE, O_APPEND ... */
	bool direct_io;			/* a translator's: no page cache */
	uint64_t dir_fsid;		/* a directory's st_fsid, for d_ino */
};

/* A new port on the node PORT is on, opened with FLAGS (C values: O_READ,
 * O_WRITE ...): the Hurd's dir_lookup of the empty name.  */
error_t hellfs_reopen(mach_port_t port, int flags, mach_port_t *result);

/* Open the node INO for REQ with FLAGS (C values): a new file, or NULL
 * with the reason replied already.  *NP gets the node, with a reference.  */
struct hellfs_file *hellfs_open_node(fuse_req_t req, fuse_ino_t ino, int flags,
				     struct hellfs_node **np);

/* Linux open flags -> the Hurd's.  */
int hellfs_open_flags(int linux_flags);
/* Fill FI for the open file F of node NP (direct_io for translators).  */
void hellfs_file_fill(struct fuse_file_info *fi, struct hellfs_file *f,
		      const struct hellfs_node *np);

void hellfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hellfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hellfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		 struct fuse_file_info *fi);
void hellfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		  struct fuse_file_info *fi);
void hellfs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hellfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hellfs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);

#endif /* HELLFS_H */

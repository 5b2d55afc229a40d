/* rootfs: a netfs translator that serves a Linux directory (DIR) as a
 * Hurd file system; the root file system of a HELL environment.
 *
 * Each node is a Linux file, held by an O_PATH descriptor (never a name),
 * and known by its Linux identity (st_dev, st_ino): one node per Linux
 * file while anyone uses it.  Every Linux call is relative to a node's
 * descriptor (openat, fstatat, mkdirat ...) with O_NOFOLLOW, so renames
 * in the Linux tree cannot make rootfs name a file outside DIR; Linux
 * symlinks are served as Hurd symlinks, which netfs and the client
 * resolve within the Hurd's name space, never Linux's.  `..' of a
 * directory is checked to lie inside DIR.
 *
 * Access is decided twice: by rootfs, with the caller's Hurd ids (the
 * iouser of its port) against the Linux file's owner, group and mode
 * (fshelp_access ...), and then by Linux, for rootfs's own Linux user.
 *
 * Passive translators are stored in the extended attribute
 * gnu.translator (an argz vector), or user.gnu.translator where the Linux
 * file system refuses the gnu. namespace.
 *
 * Locking: a node's lock (np->lock, netfs's) guards its netnode's fields
 * but fd, dev and ino, which change only while the node is locked and in
 * the table's lock (nodes_lock, node.c).  Lock order: a node, then
 * nodes_lock; a directory before its entries' nodes only where netfs
 * says so (lookups unlock the directory before locking the entry). */
#ifndef ROOTFS_H
#define ROOTFS_H 1

#include <dirent.h>
#include <sys/stat.h>
#include <hurd/netfs.h>
#include <hurd/ihash.h>

/* The key of the node table: a Linux file's identity. */
struct rootfs_id {
	dev_t dev;
	ino_t ino;
};

struct netnode {
	struct rootfs_id id;		/* the table key */
	hurd_ihash_locp_t locp;		/* slot in the node table, or NULL once out */
	int fd;				/* O_PATH | O_NOFOLLOW descriptor of the file */
	int rfd, wfd;			/* opened for reading / writing on demand, or -1 */
	DIR *dir;			/* directory stream for readdir, or NULL */
	int dir_next;			/* the entry number dir will read next */
	/* A node dir_mkfile made, then turned into a symlink to this target
	 * (file_set_translator with /hurd/symlink): Linux files cannot change
	 * type, so the symlink is made when the node gets a name (dir_link). */
	char *symlink_target;
};

/* The Linux directory served, as an O_PATH descriptor, and its identity. */
extern int rootfs_dirfd;
extern struct rootfs_id rootfs_root_id;

/* node.c: the node of the Linux file open as FD (an O_PATH descriptor,
 * consumed), with a new hard reference, not locked.  ENOMEM, or the
 * error of fstat. */
error_t rootfs_node_for_fd(int fd, struct node **np);

/* node.c: the root node (one hard reference kept for ever). */
error_t rootfs_make_root(int dirfd, struct node **np);

/* node.c: NP (locked) now is the Linux file open as FD (consumed): used
 * when a node's file is replaced (a pending symlink gets its name). */
error_t rootfs_node_rebind(struct node *np, int fd);

/* node.c: "/proc/self/fd/N" for FD, into BUF (at least 32 bytes), to
 * reach a file by its descriptor where Linux has no *at call for it. */
const char *rootfs_fd_path(int fd, char *buf, size_t size);

/* stat.c: NP's Hurd stat from Linux's, with S_IPTRANS for a passive
 * translator.  NP locked. */
error_t rootfs_refresh_stat(struct node *np);

/* stat.c: the same for what an access check reads (type, owner, group,
 * mode), without asking Linux for the passive translator: S_IPTRANS stays
 * as rootfs_refresh_stat last found it.  That costs one call instead of
 * three, and lookups make one per component.  NP locked. */
error_t rootfs_refresh_access_stat(struct node *np);

/* translator.c: whether the file of FD has a passive translator. */
int rootfs_has_passive(int fd);

/* access.c: the effective Hurd uid / gid of USER (for new files), or -1. */
uid_t rootfs_user_uid(struct iouser *user);
gid_t rootfs_user_gid(struct iouser *user);

/* lookup.c: whether NAME can name a directory entry (not empty, no '/',
 * at most NAME_MAX bytes); the error to return otherwise. */
error_t rootfs_check_name(const char *name);

/* io.c: a descriptor open for reading (WRITE 0) or writing (WRITE 1) on
 * NP's regular file (locked), kept in the node. */
error_t rootfs_data_fd(struct node *np, int write, int *fd);

#endif

/* The rootfs tests' harness: a test plays startup for rootfs.
 *
 * rootfs_start makes a fresh Linux directory, spawns rootfs on it with a
 * bootstrap port of ours, answers its fsys_startup (as startup will) and
 * keeps its control port; rootfs_root then opens the root for any set of
 * ids with fsys_getroot, which is how the tests act as different users
 * before the auth server exists.  rootfs_stop asks rootfs to go away
 * (forced), waits for its process and removes the directory.
 *
 * Open flags given to the helpers are C values (O_READ ...); the helpers
 * put them on the wire (hurd_openflags_to_wire). */
#ifndef TEST_ROOTFS_HARNESS_H
#define TEST_ROOTFS_HARNESS_H

#include <limits.h>
#include <sys/types.h>
#include <mach.h>
#include <hurd/hurd_types.h>

struct rootfs {
	char dir[PATH_MAX];		/* the Linux directory served */
	mach_port_t control;		/* rootfs's control port */
	task_t task;
	pid_t pid;
};

/* A user, as fsys_getroot takes one. */
struct ids {
	uid_t uids[4];
	int nuids;
	gid_t gids[4];
	int ngids;
};

/* Start ROOTFS_PATH on a new directory, with EXTRA (NULL-terminated, may
 * be NULL) before the directory argument.  0 or an error (printed). */
error_t rootfs_start(struct rootfs *fs, const char *rootfs_path, char *const extra[]);

/* fsys_getroot for IDS with FLAGS, into *ROOT (FS_RETRY_NORMAL with no
 * name expected). */
error_t rootfs_root(struct rootfs *fs, const struct ids *ids, int flags, mach_port_t *root);

/* fsys_goaway (FSYS_GOAWAY_FORCE), wait for the process (its exit status
 * must be 0), remove the directory.  0, or what went wrong. */
error_t rootfs_stop(struct rootfs *fs);

/* dir_lookup of NAME in DIR with C FLAGS and MODE; the answer must be a
 * plain FS_RETRY_NORMAL with no name (else EAGAIN).  *FILE gets the
 * port. */
error_t lookup(mach_port_t dir, const char *name, int flags, mode_t mode, mach_port_t *file);

/* dir_lookup with the whole answer. */
error_t lookup_raw(mach_port_t dir, const char *name, int flags, mode_t mode,
		   retry_type *retry, char *retry_name, mach_port_t *file);

/* Write / read a whole buffer at OFFSET (-1: the file pointer). */
error_t write_all(mach_port_t file, const void *data, size_t len, loff_t offset);
error_t read_all(mach_port_t file, void *buf, size_t len, loff_t offset, size_t *got);

/* A path inside FS's Linux directory, into BUF. */
const char *linux_path(const struct rootfs *fs, const char *name, char *buf);

/* Write CONTENT into the Linux file NAME (created with MODE). */
void linux_write(const struct rootfs *fs, const char *name, const char *content, mode_t mode);

/* Drop a send right (MACH_PORT_NULL is fine). */
void drop(mach_port_t port);

/* The test's own Linux uid and gid, owner of the files it makes. */
extern uid_t test_uid;
extern gid_t test_gid;

#endif

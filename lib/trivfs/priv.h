/* libtrivfs internals shared by its files.
 *
 * Open flags: the wire carries the Hurd's values (HURD_O_*), the library
 * and the translator keep HELL's C values (O_READ ..., <hurd/hurd_types.h>);
 * every server routine that takes or returns open flags converts at its
 * edge, nowhere else. */
#ifndef TRIVFS_PRIV_H
#define TRIVFS_PRIV_H

#include <unistd.h>
#include <hurd/trivfs.h>
#include <hurd/io.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>
/* The server stubs' declarations, so that each routine's definition is
 * checked against its MIG prototype. */
#include "libtrivfs/trivfs_io_S.h"
#include "libtrivfs/trivfs_fs_S.h"
#include "libtrivfs/trivfs_fsys_S.h"

/* Whether UIDS holds uid 0 or the translator's own uid: such a user gets
 * all of the translator's rights (isroot). */
static inline int
trivfs_uids_privileged(const struct idvec *uids)
{
	return idvec_contains(uids, 0) || idvec_contains(uids, getuid());
}

/* The access bits (O_READ | O_WRITE | O_EXEC, C values) USER has to the
 * node: trivfs_check_access_hook's answer, or the underlying node's
 * (file_check_access on REALNODE); none when REALNODE cannot say. */
int trivfs_node_access(struct trivfs_control *cntl, struct iouser *user,
		       mach_port_t realnode);

/* Whether USER may open the node with FLAGS (C values, already limited
 * to TRIVFS_OPEN_KEPT): the modes must be in trivfs_allow_open (EROFS
 * for writing, else EACCES), allowed by the node (trivfs_node_access;
 * EACCES) and accepted by trivfs_check_open_hook (its error). */
error_t trivfs_check_open(struct trivfs_control *cntl, struct iouser *user,
			  mach_port_t realnode, int flags);

/* The open modes io servers keep for a port (O_HURD less the lookup-only
 * bits), as C values. */
#define TRIVFS_OPEN_KEPT (O_HURD & ~(O_CREAT | O_EXCL | O_NOLINK | O_NOTRANS))

/* The open modes io_set_*_openmodes may change (C values). */
#define TRIVFS_OPEN_SETTABLE (O_APPEND | O_ASYNC | O_SYNC | O_NONBLOCK)

/* Run trivfs_protid_create_hook, if any, on NEW, whose realnode (if
 * valid) is a send right of its own.  When the hook fails, that right is
 * released and realnode cleared, so that NEW's clean routine does not
 * call trivfs_protid_destroy_hook; NEW itself is still the caller's to
 * drop.  (trivfs_open's protids are different: their user and realnode
 * stay the caller's on failure.) */
error_t trivfs_protid_run_create_hook(struct trivfs_protid *new);

/* Whether CLASS / BUCKET is one trivfs serves (trivfs_add_*). */
int trivfs_is_protid_class(const struct port_class *class);
int trivfs_is_control_class(const struct port_class *class);

/* The stat answer of CRED: the underlying node's io_stat, turned into a
 * translator root (character device, S_IROOT, trivfs_fstype and
 * trivfs_fsid), and given to trivfs_modify_stat. */
error_t trivfs_stat(struct trivfs_protid *cred, io_statbuf_t *st);

/* The translator's command line (program name, then trivfs_append_args)
 * in *DATA for an RPC's reply (fsys_get_options, file_get_fs_options). */
error_t trivfs_options_argz(struct trivfs_control *cntl, data_t *data,
			    mach_msg_type_number_t *len);

/* Convert between the Hurd's stat layout and Linux's.  To Linux, st_dev
 * is st_fsid; back from Linux, only the fields Linux has are written. */
void trivfs_stat_to_linux(const io_statbuf_t *hst, struct stat *lst);
void trivfs_stat_from_linux(const struct stat *lst, io_statbuf_t *hst);

#endif

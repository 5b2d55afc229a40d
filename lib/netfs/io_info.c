/* What an open says about its node: io_stat, io_identity, io_pathconf,
 * io_server_version; io_revoke; and the memory-mapping and shared-page
 * routines, which a netfs file offers only through netfs_get_filemap. */
#include <stdio.h>
#include <unistd.h>
#include "priv.h"
#include "io_S.h"

kern_return_t
netfs_S_io_stat(struct protid *cred, io_statbuf_t *statbuf)
{
	struct node *np;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_validate_stat(np, cred->user);
	if (!err) {
		*statbuf = np->nn_stat;
		statbuf->st_mode &= ~(S_IATRANS | S_IROOT);
		if (fshelp_translated(&np->transbox))
			statbuf->st_mode |= S_IATRANS;
		if (np == netfs_root_node || np == cred->po->shadow_root)
			statbuf->st_mode |= S_IROOT;
	}
	pthread_mutex_unlock(&np->lock);
	return err;
}

kern_return_t
netfs_S_io_identity(struct protid *cred, mach_port_t *id, mach_msg_type_name_t *idtype,
		    mach_port_t *fsys, mach_msg_type_name_t *fsystype, ino64_t *fileno)
{
	struct node *np;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_validate_stat(np, cred->user);
	if (!err)
		err = fshelp_get_identity(netfs_port_bucket, np->nn_stat.st_ino, id);
	if (!err) {
		*idtype = MACH_MSG_TYPE_MAKE_SEND;
		*fsys = netfs_fsys_identity;
		*fsystype = MACH_MSG_TYPE_MAKE_SEND;
		*fileno = np->nn_stat.st_ino;
	}
	pthread_mutex_unlock(&np->lock);
	return err;
}

kern_return_t
netfs_S_io_pathconf(struct protid *cred, int name, int *value)
{
	if (cred == NULL)
		return EOPNOTSUPP;
	switch (name) {
	case _PC_LINK_MAX:
	case _PC_MAX_CANON:
	case _PC_MAX_INPUT:
	case _PC_PIPE_BUF:
	case _PC_VDISABLE:
	case _PC_SOCK_MAXBUF:
	case _PC_PATH_MAX:
	case _PC_REC_MAX_XFER_SIZE:
	case _PC_REC_INCR_XFER_SIZE:
	case _PC_SYMLINK_MAX:
		*value = -1;	/* no limit of ours */
		break;
	case _PC_NAME_MAX:
		*value = 1023;	/* a string_t, less its NUL */
		break;
	case _PC_CHOWN_RESTRICTED:
	case _PC_NO_TRUNC:
	case _PC_2_SYMLINKS:
		*value = 1;
		break;
	case _PC_PRIO_IO:
	case _PC_SYNC_IO:
	case _PC_ASYNC_IO:
		*value = 0;
		break;
	case _PC_FILESIZEBITS:
		*value = 64;
		break;
	case _PC_REC_MIN_XFER_SIZE:
	case _PC_REC_XFER_ALIGN:
	case _PC_ALLOC_SIZE_MIN:
		*value = (int) vm_page_size;
		break;
	default:
		return EINVAL;
	}
	return 0;
}

kern_return_t
netfs_S_io_server_version(struct protid *cred, string_t name, int *major, int *minor,
			  int *edit)
{
	if (cred == NULL)
		return EOPNOTSUPP;
	snprintf(name, sizeof(string_t), "%s %s", netfs_server_name, netfs_server_version);
	*major = *minor = *edit = 0;
	return 0;
}

/* io_revoke: every other port on the node dies. */
static struct node *revoked_node;
static struct protid *revoking_cred;

static error_t
revoke_one(void *port)
{
	struct protid *cred = port;

	if (cred != revoking_cred && cred->po->np == revoked_node)
		ports_destroy_right(cred);
	return 0;
}

kern_return_t
netfs_S_io_revoke(struct protid *cred)
{
	static pthread_mutex_t revoke_lock = PTHREAD_MUTEX_INITIALIZER;
	struct node *np;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_validate_stat(np, cred->user);
	if (!err)
		err = fshelp_isowner(&np->nn_stat, cred->user);
	pthread_mutex_unlock(&np->lock);
	if (err)
		return err;
	pthread_mutex_lock(&revoke_lock);
	revoked_node = np;
	revoking_cred = cred;
	ports_inhibit_bucket_rpcs(netfs_port_bucket);
	ports_class_iterate(netfs_protid_class, revoke_one);
	ports_resume_bucket_rpcs(netfs_port_bucket);
	pthread_mutex_unlock(&revoke_lock);
	return 0;
}

mach_port_t __attribute__((weak))
netfs_get_filemap(struct node *np, vm_prot_t prot)
{
	(void) np, (void) prot;
	errno = EOPNOTSUPP;
	return MACH_PORT_NULL;
}

kern_return_t __attribute__((weak))
netfs_S_io_map(struct protid *cred, mach_port_t *rdobj, mach_msg_type_name_t *rdtype,
	       mach_port_t *wrobj, mach_msg_type_name_t *wrtype)
{
	int modes;
	struct node *np;
	error_t err = 0;

	if (cred == NULL)
		return EOPNOTSUPP;
	*rdobj = *wrobj = MACH_PORT_NULL;
	*rdtype = *wrtype = MACH_MSG_TYPE_MOVE_SEND;
	modes = cred->po->openstat & (O_READ | O_WRITE);
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	if (modes == (O_READ | O_WRITE)) {
		*rdobj = netfs_get_filemap(np, VM_PROT_READ | VM_PROT_WRITE);
		if (*rdobj == MACH_PORT_NULL)
			err = errno;
		else {
			*wrobj = *rdobj;
			mach_port_mod_refs(mach_task_self(), *rdobj, MACH_PORT_RIGHT_SEND, 1);
		}
	} else if (modes == O_READ) {
		*rdobj = netfs_get_filemap(np, VM_PROT_READ);
		if (*rdobj == MACH_PORT_NULL)
			err = errno;
	} else if (modes == O_WRITE) {
		*wrobj = netfs_get_filemap(np, VM_PROT_WRITE);
		if (*wrobj == MACH_PORT_NULL)
			err = errno;
	}
	pthread_mutex_unlock(&np->lock);
	return err;
}

/* The shared-page protocol is not offered. */
kern_return_t __attribute__((weak))
netfs_S_io_map_cntl(struct protid *cred, mach_port_t *obj, mach_msg_type_name_t *objtype)
{
	(void) cred, (void) obj, (void) objtype;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_io_get_conch(struct protid *cred)
{
	(void) cred;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_io_release_conch(struct protid *cred)
{
	(void) cred;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_io_eofnotify(struct protid *cred)
{
	(void) cred;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_io_prenotify(struct protid *cred, vm_offset_t start, vm_offset_t end)
{
	(void) cred, (void) start, (void) end;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_io_postnotify(struct protid *cred, vm_offset_t start, vm_offset_t end)
{
	(void) cred, (void) start, (void) end;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_io_readnotify(struct protid *cred)
{
	(void) cred;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_io_readsleep(struct protid *cred)
{
	(void) cred;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_io_sigio(struct protid *cred)
{
	(void) cred;
	return EOPNOTSUPP;
}

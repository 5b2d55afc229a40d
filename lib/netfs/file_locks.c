/* file_lock, file_lock_stat and file_record_lock: flock and fcntl locks,
 * both kept as record locks by fshelp (a flock lock is a record lock on
 * the whole file).  file_record_lock carries the Hurd's F_* command and
 * lock type values, which differ from Linux's: they are converted here. */
#include <sys/file.h>
#include "priv.h"
#include "fs_S.h"

/* The Hurd's values in file_record_lock (glibc's sysdeps/mach/hurd). */
enum {
	HURD_F_GETLK = 7, HURD_F_SETLK = 8, HURD_F_SETLKW = 9,
	HURD_F_GETLK64 = 10, HURD_F_SETLK64 = 11, HURD_F_SETLKW64 = 12,
	HURD_F_RDLCK = 1, HURD_F_WRLCK = 2, HURD_F_UNLCK = 3,
};

static int
cmd_from_wire(int cmd)
{
	switch (cmd) {
	case HURD_F_GETLK: case HURD_F_GETLK64: return F_GETLK64;
	case HURD_F_SETLK: case HURD_F_SETLK64: return F_SETLK64;
	case HURD_F_SETLKW: case HURD_F_SETLKW64: return F_SETLKW64;
	default: return -1;
	}
}

static int
type_from_wire(int type)
{
	switch (type) {
	case HURD_F_RDLCK: return F_RDLCK;
	case HURD_F_WRLCK: return F_WRLCK;
	case HURD_F_UNLCK: return F_UNLCK;
	default: return -1;
	}
}

static int
type_to_wire(int type)
{
	switch (type) {
	case F_RDLCK: return HURD_F_RDLCK;
	case F_WRLCK: return HURD_F_WRLCK;
	default: return HURD_F_UNLCK;
	}
}

kern_return_t
netfs_S_file_lock(struct protid *cred, int flags)
{
	struct flock64 lock = { .l_whence = SEEK_SET };
	struct node *np;
	int openstat;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	if (flags & LOCK_UN)
		lock.l_type = F_UNLCK;
	else if (flags & LOCK_EX)
		lock.l_type = F_WRLCK;
	else if (flags & LOCK_SH)
		lock.l_type = F_RDLCK;
	else
		return EINVAL;
	/* flock locks whatever the open's access mode. */
	openstat = cred->po->openstat | O_READ | O_WRITE;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = fshelp_rlock_tweak(&np->userlock, &np->lock, &cred->po->lock_status, openstat, 0, 0,
				 (flags & LOCK_NB) ? F_SETLK64 : F_SETLKW64, &lock,
				 MACH_PORT_NULL);
	pthread_mutex_unlock(&np->lock);
	return err == EAGAIN ? EWOULDBLOCK : err;
}

kern_return_t
netfs_S_file_lock_stat(struct protid *cred, int *mystatus, int *otherstatus)
{
	struct node *np;

	if (cred == NULL)
		return EOPNOTSUPP;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	*mystatus = fshelp_rlock_peropen_status(&cred->po->lock_status);
	*otherstatus = fshelp_rlock_node_status(&np->userlock);
	pthread_mutex_unlock(&np->lock);
	return 0;
}

kern_return_t
netfs_S_file_record_lock(struct protid *cred, int cmd, flock_t *wire, mach_port_t rendezvous)
{
	struct flock64 lock;
	struct node *np;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	if (cmd_from_wire(cmd) < 0 || type_from_wire(wire->l_type) < 0)
		return EINVAL;
	lock.l_type = type_from_wire(wire->l_type);
	lock.l_whence = wire->l_whence;
	lock.l_start = wire->l_start;
	lock.l_len = wire->l_len;
	lock.l_pid = wire->l_pid;

	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_validate_stat(np, cred->user);
	if (!err)
		err = fshelp_rlock_tweak(&np->userlock, &np->lock, &cred->po->lock_status,
					 cred->po->openstat, np->nn_stat.st_size,
					 cred->po->filepointer, cmd_from_wire(cmd), &lock,
					 rendezvous);
	pthread_mutex_unlock(&np->lock);
	if (!err) {
		wire->l_type = type_to_wire(lock.l_type);
		wire->l_whence = lock.l_whence;
		wire->l_start = lock.l_start;
		wire->l_len = lock.l_len;
		wire->l_pid = lock.l_pid;
		/* The rendezvous port's send right is ours to drop. */
		if (MACH_PORT_VALID(rendezvous))
			mach_port_deallocate(mach_task_self(), rendezvous);
	}
	return err;
}

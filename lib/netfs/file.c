/* The file routines of fs.defs (those of a node, not of a directory):
 * ownership, mode, flags, times, size, access, statfs, sync, storage
 * info, link node, file handles, options, reparenting.  Each locks the
 * node and hands the request to the translator's callback, which checks
 * permissions. */
#include <argz.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <hurd/fsys.h>
#include "priv.h"
#include "fs_S.h"

kern_return_t
netfs_S_file_chown(struct protid *cred, uid_t owner, gid_t group)
{
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	err = netfs_attempt_chown(cred->user, cred->po->np, owner, group);
	pthread_mutex_unlock(&cred->po->np->lock);
	return err;
}

kern_return_t
netfs_S_file_chauthor(struct protid *cred, uid_t author)
{
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	err = netfs_attempt_chauthor(cred->user, cred->po->np, author);
	pthread_mutex_unlock(&cred->po->np->lock);
	return err;
}

kern_return_t
netfs_S_file_chmod(struct protid *cred, mode_t mode)
{
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	/* Only permission bits: types change through file_set_translator. */
	mode &= ~(S_IFMT | S_ISPARE | S_ITRANS);
	pthread_mutex_lock(&cred->po->np->lock);
	err = netfs_validate_stat(cred->po->np, cred->user);
	if (!err)
		err = netfs_attempt_chmod(cred->user, cred->po->np,
					  (cred->po->np->nn_stat.st_mode & S_IFMT) | mode);
	pthread_mutex_unlock(&cred->po->np->lock);
	return err;
}

kern_return_t
netfs_S_file_chflags(struct protid *cred, int flags)
{
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	err = netfs_attempt_chflags(cred->user, cred->po->np, flags);
	pthread_mutex_unlock(&cred->po->np->lock);
	return err;
}

/* Whether TS is a valid time or one of the Hurd's markers. */
static int
valid_time(const struct timespec *ts)
{
	return ts->tv_nsec == HURD_UTIME_NOW || ts->tv_nsec == HURD_UTIME_OMIT ||
	       (ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000L);
}

kern_return_t
netfs_S_file_utimens(struct protid *cred, struct timespec atime, struct timespec mtime)
{
	struct timespec now;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	if (!valid_time(&atime) || !valid_time(&mtime))
		return EINVAL;
	clock_gettime(CLOCK_REALTIME, &now);
	if (atime.tv_nsec == HURD_UTIME_NOW)
		atime = now;
	if (mtime.tv_nsec == HURD_UTIME_NOW)
		mtime = now;
	pthread_mutex_lock(&cred->po->np->lock);
	err = netfs_attempt_utimes(cred->user, cred->po->np,
				   atime.tv_nsec == HURD_UTIME_OMIT ? NULL : &atime,
				   mtime.tv_nsec == HURD_UTIME_OMIT ? NULL : &mtime);
	pthread_mutex_unlock(&cred->po->np->lock);
	return err;
}

kern_return_t
netfs_S_file_utimes(struct protid *cred, time_value_t atime, time_value_t mtime)
{
	/* microseconds == -1 asks for the current time. */
	struct timespec a = { .tv_sec = atime.seconds, .tv_nsec = atime.microseconds * 1000L };
	struct timespec m = { .tv_sec = mtime.seconds, .tv_nsec = mtime.microseconds * 1000L };

	if (atime.microseconds == -1)
		a.tv_nsec = HURD_UTIME_NOW;
	else if (atime.microseconds < 0 || atime.microseconds >= 1000000)
		return EINVAL;
	if (mtime.microseconds == -1)
		m.tv_nsec = HURD_UTIME_NOW;
	else if (mtime.microseconds < 0 || mtime.microseconds >= 1000000)
		return EINVAL;
	return netfs_S_file_utimens(cred, a, m);
}

kern_return_t
netfs_S_file_set_size(struct protid *cred, loff_t size)
{
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	if (size < 0)
		return EINVAL;
	if (!(cred->po->openstat & O_WRITE))
		return EBADF;
	pthread_mutex_lock(&cred->po->np->lock);
	err = netfs_attempt_set_size(cred->user, cred->po->np, size);
	pthread_mutex_unlock(&cred->po->np->lock);
	return err;
}

kern_return_t
netfs_S_file_check_access(struct protid *cred, int *allowed)
{
	int types = 0;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	err = netfs_report_access(cred->user, cred->po->np, &types);
	pthread_mutex_unlock(&cred->po->np->lock);
	if (!err)
		*allowed = hurd_openflags_to_wire(types) & (HURD_O_READ | HURD_O_WRITE | HURD_O_EXEC);
	return err;
}

kern_return_t
netfs_S_file_statfs(struct protid *cred, fsys_statfsbuf_t *st)
{
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	memset(st, 0, sizeof *st);
	pthread_mutex_lock(&cred->po->np->lock);
	err = netfs_attempt_statfs(cred->user, cred->po->np, st);
	pthread_mutex_unlock(&cred->po->np->lock);
	return err;
}

kern_return_t
netfs_S_file_sync(struct protid *cred, int wait, int omit_metadata)
{
	error_t err;

	(void) omit_metadata;
	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	err = netfs_attempt_sync(cred->user, cred->po->np, wait);
	pthread_mutex_unlock(&cred->po->np->lock);
	return err;
}

static error_t
sync_child(void *cookie, const char *name, mach_port_t control)
{
	(void) name;
	fsys_syncfs(control, *(int *) cookie, 1);
	return 0;
}

kern_return_t
netfs_S_file_syncfs(struct protid *cred, int wait, int do_children)
{
	if (cred == NULL)
		return EOPNOTSUPP;
	if (do_children)
		fshelp_map_active_translators(sync_child, &wait);
	return netfs_attempt_syncfs(cred->user, wait);
}

error_t __attribute__((weak))
netfs_file_get_storage_info(struct iouser *cred, struct node *np, mach_port_t **ports,
			    mach_msg_type_name_t *ports_type, mach_msg_type_number_t *num_ports,
			    int **ints, mach_msg_type_number_t *num_ints, loff_t **offsets,
			    mach_msg_type_number_t *num_offsets, char **data,
			    mach_msg_type_number_t *data_len)
{
	(void) cred, (void) np, (void) ports, (void) offsets, (void) data;
	*ports_type = MACH_MSG_TYPE_COPY_SEND;
	*num_ports = 0;
	*num_offsets = 0;
	*data_len = 0;
	if (*num_ints < 1) {
		void *fresh = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (fresh == MAP_FAILED)
			return ENOMEM;
		*ints = fresh;
	}
	(*ints)[0] = STORAGE_NETWORK;
	*num_ints = 1;
	return 0;
}

kern_return_t
netfs_S_file_get_storage_info(struct protid *cred, portarray_t *ports,
			      mach_msg_type_name_t *ports_type, mach_msg_type_number_t *num_ports,
			      intarray_t *ints, mach_msg_type_number_t *num_ints,
			      off_array_t *offsets, mach_msg_type_number_t *num_offsets,
			      data_t *data, mach_msg_type_number_t *data_len)
{
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	pthread_mutex_lock(&cred->po->np->lock);
	err = netfs_file_get_storage_info(cred->user, cred->po->np, ports, ports_type,
					  num_ports, ints, num_ints, offsets, num_offsets,
					  data, data_len);
	pthread_mutex_unlock(&cred->po->np->lock);
	return err;
}

kern_return_t
netfs_S_file_getlinknode(struct protid *cred, mach_port_t *port, mach_msg_type_name_t *porttype)
{
	if (cred == NULL)
		return EOPNOTSUPP;
	if (cred->po->np == netfs_root_node)
		return EBUSY;
	*port = ports_get_right(cred);
	*porttype = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

kern_return_t __attribute__((weak))
netfs_S_file_getfh(struct protid *cred, data_t *data, mach_msg_type_number_t *datalen)
{
	(void) cred, (void) data, (void) datalen;
	return EOPNOTSUPP;
}

kern_return_t __attribute__((weak))
netfs_S_file_notice_changes(struct protid *cred, mach_port_t notify)
{
	(void) cred, (void) notify;
	return EOPNOTSUPP;
}

/* The program name and netfs_append_args, as an argz vector returned
 * through *DATA. */
error_t
netfs_get_options_reply(data_t *data, mach_msg_type_number_t *datalen)
{
	char *argz = NULL;
	size_t argz_len = 0;
	error_t err;

	err = argz_add(&argz, &argz_len, program_invocation_name);
	if (!err)
		err = netfs_append_args(&argz, &argz_len);
	if (err) {
		free(argz);
		return err;
	}
	return iohelp_return_malloced_buffer(argz, argz_len, data, datalen);
}

kern_return_t
netfs_S_file_get_fs_options(struct protid *cred, data_t *data, mach_msg_type_number_t *datalen)
{
	if (cred == NULL)
		return EOPNOTSUPP;
	return netfs_get_options_reply(data, datalen);
}

kern_return_t
netfs_S_file_reparent(struct protid *cred, mach_port_t parent, mach_port_t *newfile,
		      mach_msg_type_name_t *newfiletype)
{
	struct node *np;
	struct iouser *user;
	struct protid *newpi;
	struct peropen *po;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	err = iohelp_dup_iouser(&user, cred->user);
	if (err)
		return err;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	newpi = netfs_open_node(np, cred->po->openstat, cred->po, user);
	if (newpi == NULL) {
		err = errno;
		pthread_mutex_unlock(&np->lock);
		iohelp_free_iouser(user);
		return err;
	}
	/* The new open is the root of a shadow tree whose `..' is PARENT. */
	po = newpi->po;
	if (po->shadow_root != NULL)
		netfs_nrele(po->shadow_root);
	if (MACH_PORT_VALID(po->shadow_root_parent))
		mach_port_deallocate(mach_task_self(), po->shadow_root_parent);
	netfs_nref(np);
	po->shadow_root = np;
	po->shadow_root_parent = parent;	/* the request's right, now ours */
	pthread_mutex_unlock(&np->lock);
	*newfile = ports_get_right(newpi);
	*newfiletype = MACH_MSG_TYPE_MAKE_SEND;
	ports_port_deref(newpi);
	return 0;
}

/* The data routines of io.defs: io_read, io_write, io_seek, io_readable,
 * io_select.  The file pointer lives in the peropen, under the node's
 * lock.  A read bigger than the reply's inline buffer gets an
 * out-of-line buffer (MIG sends it as such). */
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include "priv.h"
#include "io_S.h"

/* The largest read we serve at once; a client reads on for more. */
#define IO_READ_MAX (64UL << 20)

kern_return_t
netfs_S_io_read(struct protid *cred, data_t *data, mach_msg_type_number_t *datalen,
		loff_t offset, vm_size_t amount)
{
	struct node *np;
	char *buf = *data;
	size_t got = 0;
	loff_t start;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	if (!(cred->po->openstat & O_READ))
		return EBADF;
	if (offset < -1)
		return EINVAL;
	if (amount > IO_READ_MAX)
		amount = IO_READ_MAX;
	if (amount > *datalen) {
		buf = mmap(NULL, amount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			   0);
		if (buf == MAP_FAILED)
			return ENOMEM;
	}

	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	start = offset == -1 ? cred->po->filepointer : offset;
	/* A node's type never changes: as the Hurd's io_read, read the stat
	 * again only for a symlink (its size bounds the target), or for a
	 * node whose stat was never read.  A file read in small pieces then
	 * costs the translator one call per piece. */
	err = 0;
	if (S_ISLNK(np->nn_stat.st_mode) || (np->nn_stat.st_mode & S_IFMT) == 0)
		err = netfs_validate_stat(np, cred->user);
	if (!err && S_ISLNK(np->nn_stat.st_mode)) {
		/* A symlink reads as its target. */
		loff_t size = np->nn_stat.st_size;
		char *target = size > 0 ? malloc(size) : NULL;

		if (size > 0 && target == NULL)
			err = ENOMEM;
		else if (size > 0)
			err = netfs_attempt_readlink(cred->user, np, target);
		if (!err && start < size) {
			got = size - start < (loff_t) amount ? (size_t) (size - start) : amount;
			memcpy(buf, target + start, got);
		}
		free(target);
	} else if (!err) {
		got = amount;
		err = netfs_attempt_read(cred->user, np, start, &got, buf);
		if (got > amount)
			got = amount;	/* a translator must not say more */
	}
	if (!err && offset == -1)
		cred->po->filepointer += got;
	pthread_mutex_unlock(&np->lock);

	if (buf != *data) {
		if (err || got == 0) {
			munmap(buf, amount);
			if (!err)
				buf = *data;
		} else {
			/* Give back the pages the data does not use. */
			size_t used = (got + vm_page_size - 1) & ~(vm_page_size - 1);
			size_t mapped = (amount + vm_page_size - 1) & ~(vm_page_size - 1);

			if (used < mapped)
				munmap(buf + used, mapped - used);
		}
	}
	if (err)
		return err;
	*data = buf;
	*datalen = got;
	return 0;
}

kern_return_t
netfs_S_io_write(struct protid *cred, const_data_t data, mach_msg_type_number_t datalen,
		 loff_t offset, vm_size_t *amount)
{
	struct node *np;
	size_t done = datalen;
	loff_t start;
	error_t err = 0;

	if (cred == NULL)
		return EOPNOTSUPP;
	if (!(cred->po->openstat & O_WRITE))
		return EBADF;
	if (offset < -1)
		return EINVAL;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	if (offset == -1 && (cred->po->openstat & O_APPEND)) {
		err = netfs_validate_stat(np, cred->user);
		if (!err)
			cred->po->filepointer = np->nn_stat.st_size;
	}
	start = offset == -1 ? cred->po->filepointer : offset;
	if (!err && start > LLONG_MAX - (loff_t) datalen)
		err = EFBIG;
	if (!err)
		err = netfs_attempt_write(cred->user, np, start, &done, data);
	if (!err && done > datalen)
		done = datalen;
	if (!err && offset == -1)
		cred->po->filepointer += done;
	pthread_mutex_unlock(&np->lock);
	if (!err)
		*amount = done;
	return err;
}

kern_return_t
netfs_S_io_seek(struct protid *cred, loff_t offset, int whence, loff_t *newp)
{
	struct node *np;
	loff_t base, result;
	error_t err = 0;

	if (cred == NULL)
		return EOPNOTSUPP;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = cred->po->filepointer;
		break;
	case SEEK_END:
		err = netfs_validate_stat(np, cred->user);
		base = np->nn_stat.st_size;
		break;
	default:
		err = EINVAL;
		break;
	}
	if (!err && (__builtin_add_overflow(base, offset, &result) || result < 0))
		err = EINVAL;
	if (!err)
		*newp = cred->po->filepointer = result;
	pthread_mutex_unlock(&np->lock);
	return err;
}

kern_return_t
netfs_S_io_readable(struct protid *cred, vm_size_t *amount)
{
	struct node *np;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	if (!(cred->po->openstat & O_READ))
		return EBADF;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_validate_stat(np, cred->user);
	if (!err)
		*amount = np->nn_stat.st_size > cred->po->filepointer
				  ? (vm_size_t) (np->nn_stat.st_size - cred->po->filepointer) : 0;
	pthread_mutex_unlock(&np->lock);
	return err;
}

kern_return_t
netfs_S_io_select(struct protid *cred, mach_port_t reply, mach_msg_type_name_t reply_type,
		  int *type)
{
	(void) reply, (void) reply_type;
	if (cred == NULL)
		return EOPNOTSUPP;
	/* Files are always ready; there is no urgent data. */
	*type &= ~SELECT_URG;
	return 0;
}

kern_return_t
netfs_S_io_select_timeout(struct protid *cred, mach_port_t reply,
			  mach_msg_type_name_t reply_type, struct timespec timeout, int *type)
{
	(void) timeout;
	return netfs_S_io_select(cred, reply, reply_type, type);
}

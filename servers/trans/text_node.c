/* text_node: see text_node.h.
 *
 * Reads answer at most what is left from the offset; an answer larger
 * than the reply's in-line buffer goes out of line (MIG sends the region
 * given back and unmaps it after sending). */
#include "text_node.h"

#include <hurd/trivfs.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libtrivfs/trivfs_io_S.h"

pthread_rwlock_t node_text_lock = PTHREAD_RWLOCK_INITIALIZER;
const char *node_text = "";
size_t node_text_len;

/* One open's file pointer. */
struct open {
	pthread_mutex_t lock;
	loff_t offset;
};

static error_t
open_create(struct trivfs_peropen *po)
{
	struct open *op = malloc(sizeof *op);

	if (!op)
		return ENOMEM;
	pthread_mutex_init(&op->lock, NULL);
	op->offset = 0;
	po->hook = op;
	return 0;
}

static void
open_destroy(struct trivfs_peropen *po)
{
	struct open *op = po->hook;

	pthread_mutex_destroy(&op->lock);
	free(op);
}

error_t (*trivfs_peropen_create_hook)(struct trivfs_peropen *) = open_create;
void (*trivfs_peropen_destroy_hook)(struct trivfs_peropen *) = open_destroy;

kern_return_t
trivfs_S_io_read(struct trivfs_protid *cred, mach_port_t reply,
		 mach_msg_type_name_t reply_type, data_t *data,
		 mach_msg_type_number_t *data_len, loff_t offset, vm_size_t amount)
{
	struct open *op;
	size_t start, n;
	int at_pointer = offset == -1;
	error_t err = 0;

	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_READ))
		return EBADF;
	if (offset < -1)
		return EINVAL;

	op = cred->po->hook;
	pthread_mutex_lock(&op->lock);
	if (at_pointer)
		offset = op->offset;
	pthread_rwlock_rdlock(&node_text_lock);
	start = (uint64_t) offset < node_text_len ? (size_t) offset : node_text_len;
	n = node_text_len - start < amount ? node_text_len - start : amount;
	if (n > *data_len) {
		void *buf = mmap(NULL, n, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED) {
			err = ENOMEM;
			goto out;
		}
		*data = buf;
	}
	memcpy(*data, node_text + start, n);
	*data_len = n;
	if (at_pointer)
		op->offset = offset + n;
out:
	pthread_rwlock_unlock(&node_text_lock);
	pthread_mutex_unlock(&op->lock);
	return err;
}

kern_return_t
trivfs_S_io_seek(struct trivfs_protid *cred, mach_port_t reply,
		 mach_msg_type_name_t reply_type, loff_t offset, int whence, loff_t *newp)
{
	struct open *op;
	loff_t base;
	error_t err = 0;

	if (!cred)
		return EOPNOTSUPP;
	op = cred->po->hook;
	pthread_mutex_lock(&op->lock);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = op->offset;
		break;
	case SEEK_END:
		pthread_rwlock_rdlock(&node_text_lock);
		base = node_text_len;
		pthread_rwlock_unlock(&node_text_lock);
		break;
	default:
		err = EINVAL;
		goto out;
	}
	if (__builtin_add_overflow(base, offset, &base) || base < 0) {
		err = EINVAL;
		goto out;
	}
	*newp = op->offset = base;
out:
	pthread_mutex_unlock(&op->lock);
	return err;
}

kern_return_t
trivfs_S_io_readable(struct trivfs_protid *cred, mach_port_t reply,
		     mach_msg_type_name_t reply_type, vm_size_t *amount)
{
	struct open *op;

	if (!cred)
		return EOPNOTSUPP;
	if (!(cred->po->openmodes & O_READ))
		return EBADF;
	op = cred->po->hook;
	pthread_mutex_lock(&op->lock);
	pthread_rwlock_rdlock(&node_text_lock);
	*amount = (uint64_t) op->offset < node_text_len ? node_text_len - op->offset : 0;
	pthread_rwlock_unlock(&node_text_lock);
	pthread_mutex_unlock(&op->lock);
	return 0;
}

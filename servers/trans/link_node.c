/* link_node: see link_node.h.
 *
 * The target never changes once the translator serves, so only each
 * open's file pointer needs a lock (struct open.lock). */
#include "link_node.h"

#include <hurd/trivfs.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libtrivfs/trivfs_io_S.h"

const char *link_target = "";
size_t link_target_len;

struct open {
	pthread_mutex_t lock;
	loff_t offset;
};

int
link_node_set_target(const char *target)
{
	size_t len = strlen(target);

	if (len >= sizeof(string_t))
		return ENAMETOOLONG;
	link_target = target;
	link_target_len = len;
	return 0;
}

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

void
trivfs_modify_stat(struct trivfs_protid *cred, struct stat *st)
{
	st->st_mode = (st->st_mode & ~(S_IFMT | ALLPERMS)) | S_IFLNK | ACCESSPERMS;
	st->st_size = link_target_len;
	st->st_blocks = 0;
}

kern_return_t
trivfs_S_io_read(struct trivfs_protid *cred, mach_port_t reply,
		 mach_msg_type_name_t reply_type, data_t *data,
		 mach_msg_type_number_t *data_len, loff_t offset, vm_size_t amount)
{
	struct open *op;
	size_t start, n;
	int at_pointer = offset == -1;

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
	start = (uint64_t) offset < link_target_len ? (size_t) offset : link_target_len;
	n = link_target_len - start < amount ? link_target_len - start : amount;
	if (n > *data_len) {
		void *buf = mmap(NULL, n, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED) {
			pthread_mutex_unlock(&op->lock);
			return ENOMEM;
		}
		*data = buf;
	}
	memcpy(*data, link_target + start, n);
	*data_len = n;
	if (at_pointer)
		op->offset = offset + n;
	pthread_mutex_unlock(&op->lock);
	return 0;
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
		base = link_target_len;
		break;
	default:
		err = EINVAL;
		goto out;
	}
	if (__builtin_add_overflow(base, offset, &base) || base < 0)
		err = EINVAL;
	else
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
	*amount = (uint64_t) op->offset < link_target_len ? link_target_len - op->offset : 0;
	pthread_mutex_unlock(&op->lock);
	return 0;
}

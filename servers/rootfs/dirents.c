/* netfs_get_dirents: a directory's entries as the Hurd's struct dirent
 * records (dir_readdir).
 *
 * The Hurd's x86_64 struct dirent: d_ino (8 bytes), d_reclen (2), d_type
 * (1), d_namlen (1), then the name and its NUL, the record padded to 8
 * bytes; d_reclen leads from one record to the next.  Entries are numbered
 * in Linux's readdir order, "." and ".." included.  Each directory node
 * keeps its open stream and the number of the next entry, so reading on
 * where the last call stopped costs no rescan. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "rootfs.h"

/* The Hurd's record header (glibc's struct dirent on x86_64 GNU). */
struct hurd_dirent {
	uint64_t d_ino;
	uint16_t d_reclen;
	uint8_t d_type;
	uint8_t d_namlen;
	char d_name[];
};
_Static_assert(offsetof(struct hurd_dirent, d_name) == 12, "Hurd struct dirent");

#define DIRENT_ALIGN 8

static size_t
record_size(size_t namelen)
{
	return (offsetof(struct hurd_dirent, d_name) + namelen + 1 + DIRENT_ALIGN - 1) &
	       ~(size_t) (DIRENT_ALIGN - 1);
}

/* Position NP's stream (NP locked) before entry ENTRY. */
static error_t
seek_entry(struct netnode *nn, int entry)
{
	if (nn->dir == NULL) {
		int fd = openat(nn->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			return errno;
		nn->dir = fdopendir(fd);
		if (nn->dir == NULL) {
			error_t err = errno;

			close(fd);
			return err;
		}
		nn->dir_next = 0;
	}
	if (entry < nn->dir_next) {
		rewinddir(nn->dir);
		nn->dir_next = 0;
	}
	while (nn->dir_next < entry) {
		errno = 0;
		if (readdir(nn->dir) == NULL)
			return errno;	/* past the end: 0, no entries */
		nn->dir_next++;
	}
	return 0;
}

error_t
netfs_get_dirents(struct iouser *cred, struct node *dir, int entry, int nentries, char **data,
		  mach_msg_type_number_t *datacnt, vm_size_t bufsize, int *amt)
{
	struct netnode *nn = dir->nn;
	char *buf = NULL, *grown;
	size_t used = 0, allocated = 0;
	int count = 0;
	error_t err;

	(void) cred;
	err = seek_entry(nn, entry);
	if (err)
		return err;
	while (nentries < 0 || count < nentries) {
		struct dirent *d;
		struct hurd_dirent *h;
		size_t namelen, size;
		long position = telldir(nn->dir);

		errno = 0;
		d = readdir(nn->dir);
		if (d == NULL) {
			if (errno != 0 && count == 0) {
				free(buf);
				return errno;
			}
			break;
		}
		namelen = strlen(d->d_name);
		size = record_size(namelen);
		if (bufsize > 0 && used + size > bufsize) {
			/* Leave it for the next call. */
			seekdir(nn->dir, position);
			break;
		}
		if (used + size > allocated) {
			allocated = allocated ? allocated * 2 : 4096;
			while (allocated < used + size)
				allocated *= 2;
			grown = realloc(buf, allocated);
			if (grown == NULL) {
				free(buf);
				seekdir(nn->dir, position);
				return ENOMEM;
			}
			buf = grown;
		}
		h = (struct hurd_dirent *) (buf + used);
		memset(h, 0, size);
		h->d_ino = d->d_ino;
		if (dir == netfs_root_node && strcmp(d->d_name, "..") == 0)
			h->d_ino = dir->nn_stat.st_ino;	/* nothing above the root */
		h->d_reclen = size;
		h->d_type = d->d_type;
		h->d_namlen = namelen;
		memcpy(h->d_name, d->d_name, namelen + 1);
		used += size;
		count++;
		nn->dir_next++;
	}

	if (used > *datacnt) {
		char *out = mmap(NULL, used, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);

		if (out == MAP_FAILED) {
			free(buf);
			rewinddir(nn->dir);
			nn->dir_next = 0;
			return ENOMEM;
		}
		*data = out;
	}
	if (used > 0)
		memcpy(*data, buf, used);
	free(buf);
	*datacnt = used;
	*amt = count;
	return 0;
}

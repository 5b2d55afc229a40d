/* hurd_dirent_next: one record of a dir_readdir answer, checked.
 *
 * The record layout is the Hurd's x86_64 struct dirent (see
 * <hurd/dirent.h>).  The header is read with memcpy, since a hostile
 * server's d_reclen can leave the next record unaligned.  */
#include <hurd/dirent.h>

#include <string.h>

int
hurd_dirent_next(const char *data, size_t len, size_t *offset, struct hurd_dirent_view *entry)
{
	size_t off = *offset;
	uint64_t ino;
	uint16_t reclen;
	uint8_t type, namelen;

	if (off >= len)
		return 0;
	if (len - off < HURD_DIRENT_NAME_OFFSET)
		return -1;
	memcpy(&ino, data + off, sizeof ino);
	memcpy(&reclen, data + off + 8, sizeof reclen);
	type = (uint8_t) data[off + 10];
	namelen = (uint8_t) data[off + 11];
	/* The record holds the name and its NUL, and stays in the buffer. */
	if (namelen == 0 || reclen < HURD_DIRENT_NAME_OFFSET + (size_t) namelen + 1 ||
	    reclen > len - off)
		return -1;
	if (memchr(data + off + HURD_DIRENT_NAME_OFFSET, '/', namelen) ||
	    memchr(data + off + HURD_DIRENT_NAME_OFFSET, '\0', namelen))
		return -1;
	entry->ino = ino;
	entry->type = type;
	entry->name = data + off + HURD_DIRENT_NAME_OFFSET;
	entry->namelen = namelen;
	*offset = off + reclen;
	return 1;
}

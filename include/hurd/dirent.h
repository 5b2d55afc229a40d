/* <hurd/dirent.h>: reading the records dir_readdir returns.  (A HELL
 * addition: on the Hurd, glibc's readdir does this inside the C library.)
 *
 * dir_readdir answers with the Hurd's x86_64 struct dirent records laid end
 * to end: d_ino (8 bytes), d_reclen (2), d_type (1), d_namlen (1), then the
 * name, a NUL, and padding to d_reclen.  The bytes come from whatever
 * server answers for the directory, so they are checked before use:
 * hurd_dirent_next never reads outside the buffer it is given, whatever
 * the lengths in it say.  */
#ifndef _HURD_DIRENT_H
#define _HURD_DIRENT_H 1

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where the name starts in a record.  */
#define HURD_DIRENT_NAME_OFFSET 12

/* One record, as read from the buffer.  NAME points into the buffer and
 * is NAMELEN bytes long; it is not necessarily NUL-terminated.  */
struct hurd_dirent_view
{
  uint64_t ino;
  unsigned char type;		/* DT_* */
  const char *name;
  size_t namelen;
};

/* Read the record at *OFFSET of DATA (LEN bytes) into *ENTRY and advance
 * *OFFSET past it.  Returns 1 for a record, 0 at the end of the buffer,
 * -1 for a malformed record (a length that leads outside the buffer, a
 * record too short for its name, an empty name or one holding '/' or a
 * NUL); *OFFSET is then left alone.  */
int hurd_dirent_next (const char *data, size_t len, size_t *offset,
		      struct hurd_dirent_view *entry);

#ifdef __cplusplus
}
#endif

#endif /* _HURD_DIRENT_H */

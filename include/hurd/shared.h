/* <hurd/shared.h>: the page an I/O server may share with its users
 * (io_map_cntl), as the Hurd lays it out.  libiohelp's conch routines
 * (<hurd/iohelp.h>) pass its ownership between the server and one user at
 * a time.  No HELL server hands out a shared page yet; the layout is here
 * so that servers written for the Hurd build unchanged.
 *
 * Whoever holds the conch may read and change the page (except that the
 * server may move conch_status from USER_HAS_CONCH to USER_RELEASE_CONCH);
 * LOCK guards conch_status. */
#ifndef _HURD_SHARED_H
#define _HURD_SHARED_H 1

#include <pthread.h>
#include <sys/types.h>

struct shared_io {
	int shared_page_magic;		/* SHARED_PAGE_MAGIC, in the server's byte order */
	pthread_spinlock_t lock;	/* guards conch_status */
	enum {
		USER_HAS_CONCH,		/* the user holds the conch */
		USER_COULD_HAVE_CONCH,	/* the user may take it without asking */
		USER_RELEASE_CONCH,	/* the user holds it and is asked to release it */
		USER_HAS_NOT_CONCH,	/* the user must ask (io_get_conch) */
	} conch_status;

	/* Set by the server only. */
	int append_mode;		/* every write appends */
	int eof_notify;			/* tell the server when a read reaches the end */
	int do_sigio;			/* call io_sigio after each operation */
	int use_file_size;		/* file_size is meaningful */
	int use_read_size;		/* read_size is meaningful */
	loff_t read_size;
	blksize_t optimal_transfer_size; /* preferred multiple for prenotify and such */
	enum {
		RBR_NO_DATA,		/* nothing to read yet */
		RBR_BUFFER_FULL,	/* no room for more until the reader advances */
	} read_block_reason;
	int seekable;			/* the file pointer may move back */
	int use_prenotify_size;
	int use_postnotify_size;
	int use_readnotify_size;
	loff_t prenotify_size;
	loff_t postnotify_size;
	loff_t readnotify_size;

	/* Set by the server and the user.  One pointer for everything when
	 * io_map gave one object for reading and writing; otherwise separate
	 * read and write pointers (the unused ones are -1). */
	loff_t rd_file_pointer;
	loff_t wr_file_pointer;
	loff_t xx_file_pointer;
	loff_t file_size;
	int written;			/* the modification time needs updating */
	int accessed;			/* the access time needs updating */

	/* Records of structured, non-seekable read data (datagrams with their
	 * headers in auxil), consecutive in the file. */
	int indexes_changed;		/* records dropped from the front (users may clear) */
	int use_structure;		/* the records are in use */
	struct iomap_structure {
		int file_pointer_start;	/* file offset of the record's data */
		int object_start;	/* offset of its auxil in the memory object */
		int auxil_length;
		int data_length;
	} structure[];
};

/* shared_page_magic as the server writes it: a user reading it in another
 * byte order knows to swap. */
#define SHARED_PAGE_MAGIC 0xaabbccdd

#endif /* _HURD_SHARED_H */

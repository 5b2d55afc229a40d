/* Reading a program through its file port into a memfd.
 *
 * The program may come from any translator, so exec reads it with io_read
 * like any client (io_stat first, for its type and size), and Linux runs
 * it from the memfd.  A file server is not trusted: its size may be a lie
 * and its answers short, long or never ending; what is read is bounded by
 * EXEC_MAX_PROGRAM whatever the server says, and an answer longer than
 * asked for is refused. */
#include "exec.h"

#include <elf.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* What one io_read asks for. */
#define READ_CHUNK (1UL << 20)

/* An io error as exec reports it: a port that is no io object, or whose
 * server is gone, is a bad file (EBADF). */
static error_t
io_error(error_t err)
{
	switch (err) {
	case MACH_SEND_INVALID_DEST:
	case MACH_SEND_INVALID_RIGHT:
	case MACH_SEND_INVALID_HEADER:
	case MIG_BAD_ID:
	case MIG_SERVER_DIED:
	case EOPNOTSUPP:
		return EBADF;
	default:
		return err;
	}
}

/* Write LEN bytes of DATA to FD. */
static error_t
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		data += n;
		len -= n;
	}
	return 0;
}

/* Whether the first bytes of FD are an ELF header for this machine. */
static int
is_elf(int fd)
{
	Elf64_Ehdr eh;

	if (pread(fd, &eh, sizeof eh, 0) != (ssize_t) sizeof eh)
		return 0;
	return memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
	       eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_machine == EM_X86_64 &&
	       (eh.e_type == ET_EXEC || eh.e_type == ET_DYN);
}

error_t
exec_load_program(file_t file, int *result)
{
	io_statbuf_t st;
	uint64_t total = 0;
	error_t err;
	int fd;

	err = io_stat(file, &st);
	if (err)
		return io_error(err);
	if ((st.st_mode & S_IFMT) != S_IFREG)
		return EACCES;
	if (st.st_size < 0 || (uint64_t) st.st_size > EXEC_MAX_PROGRAM)
		return EFBIG;

	fd = memfd_create("hell-exec", MFD_CLOEXEC);
	if (fd < 0)
		return errno;
	for (;;) {
		char buf[4096];
		data_t data = buf;
		mach_msg_type_number_t len = sizeof buf;
		vm_size_t want = READ_CHUNK;

		if (total + want > EXEC_MAX_PROGRAM + 1)
			want = EXEC_MAX_PROGRAM + 1 - total;
		err = io_read(file, &data, &len, total, want);
		if (err) {
			err = io_error(err);
			break;
		}
		if (len > want)
			err = EIO;	/* more than asked for */
		else
			err = write_all(fd, data, len);
		if (data != buf)
			vm_deallocate(mach_task_self(), (vm_address_t) data, len);
		if (err)
			break;
		if (len == 0)
			break;		/* end of file */
		total += len;
		if (total > EXEC_MAX_PROGRAM) {
			err = EFBIG;	/* it grew, or its size was a lie */
			break;
		}
	}
	if (!err && !is_elf(fd))
		err = ENOEXEC;
	if (err) {
		close(fd);
		return err;
	}
	*result = fd;
	return 0;
}

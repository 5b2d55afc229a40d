/* libtrivfs through the null translator: a node that may be written.
 *
 * Reads give end of file, writes of any size (to 8 MiB, out of line) are
 * swallowed whole, --full makes them fail with ENOSPC (at startup and
 * through fsys_set_options), opening for execution is refused, and the
 * node is a character device. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <hurd/hurd_types.h>
#include <hurd/io.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>

#include "testlib.h"
#include "parent.h"

static void
check_null(struct parent_translator *t, error_t write_error)
{
	mach_port_t file, rdonly;
	char buf[16];
	data_t data = buf;
	mach_msg_type_number_t len = sizeof buf;
	vm_size_t amount = 12345, readable;
	io_statbuf_t st;
	loff_t pos;
	char *big;

	CHECK_KR(parent_open(t, HURD_O_READ | HURD_O_WRITE, &file), KERN_SUCCESS);
	CHECK_KR(parent_open(t, HURD_O_EXEC, &rdonly), EACCES);

	CHECK_KR(io_read(file, &data, &len, -1, 100), KERN_SUCCESS);
	CHECK_EQ(len, 0);
	CHECK(data == buf);
	CHECK_KR(io_readable(file, &readable), KERN_SUCCESS);
	CHECK_EQ(readable, 0);
	CHECK_KR(io_seek(file, 100, SEEK_SET, &pos), KERN_SUCCESS);
	CHECK_EQ(pos, 0);
	CHECK_KR(io_seek(file, 0, 7, &pos), EINVAL);

	CHECK_KR(io_write(file, "hello", 5, -1, &amount), write_error);
	if (!write_error)
		CHECK_EQ(amount, 5);
	big = malloc(8 << 20);
	memset(big, 'z', 8 << 20);
	amount = 0;
	CHECK_KR(io_write(file, big, 8 << 20, 0, &amount), write_error);
	if (!write_error)
		CHECK_EQ(amount, 8 << 20);
	free(big);
	CHECK_KR(io_write(file, "", 0, 1LL << 60, &amount), write_error);
	CHECK_KR(file_set_size(file, 0), KERN_SUCCESS);
	CHECK_KR(file_set_size(file, -1), EINVAL);

	CHECK_KR(io_stat(file, &st), KERN_SUCCESS);
	CHECK_EQ(st.st_mode & S_IFMT, S_IFCHR);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_fstype, FSTYPE_DEV);
	CHECK_EQ(st.st_blksize, 256 * 4096);

	/* A read-only open may not write, a write-only one not read. */
	CHECK_KR(parent_open(t, HURD_O_READ, &rdonly), KERN_SUCCESS);
	CHECK_KR(io_write(rdonly, "x", 1, -1, &amount), EBADF);
	CHECK_KR(file_set_size(rdonly, 0), EBADF);
	mach_port_deallocate(mach_task_self(), rdonly);
	CHECK_KR(parent_open(t, HURD_O_WRITE, &rdonly), KERN_SUCCESS);
	len = sizeof buf;
	CHECK_KR(io_read(rdonly, &data, &len, -1, 1), EBADF);
	CHECK_KR(io_readable(rdonly, &readable), EBADF);
	mach_port_deallocate(mach_task_self(), rdonly);

	mach_port_deallocate(mach_task_self(), file);
}

int
main(int argc, char **argv)
{
	struct parent_translator t;
	char *path = argc > 1 ? argv[1] : "null";
	char *plain[] = { path, NULL };
	char *full[] = { path, "--full", NULL };
	char buf[64];
	data_t data = buf;
	mach_msg_type_number_t len = sizeof buf;

	if (parent_start(plain, &t) != 0)
		return 2;
	check_null(&t, 0);
	/* fsysopts --full, and back. */
	CHECK_KR(fsys_set_options(t.control, "--full", 7, 0), KERN_SUCCESS);
	check_null(&t, ENOSPC);
	CHECK_KR(fsys_get_options(t.control, &data, &len), KERN_SUCCESS);
	CHECK(len == strlen(path) + 8 && memcmp(data + strlen(path) + 1, "--full", 7) == 0);
	if (data != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) data, len);
	CHECK_KR(fsys_set_options(t.control, "--no-full", 10, 0), KERN_SUCCESS);
	check_null(&t, 0);
	CHECK_KR(parent_stop(&t, 0), KERN_SUCCESS);

	if (parent_start(full, &t) != 0)
		return 2;
	check_null(&t, ENOSPC);
	CHECK_KR(parent_stop(&t, 0), KERN_SUCCESS);
	return TEST_DONE();
}

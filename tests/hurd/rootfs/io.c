/* rootfs: the io routines on files of a Linux directory.
 *   io_read, io_write (inline and out of line), io_seek, io_readable,
 *   io_stat (the Hurd's struct stat, from Linux's), io_get_openmodes and
 *   the set/clear calls, io_duplicate, io_restrict_auth, io_identity,
 *   io_pathconf, io_server_version; each with its documented errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hurd/fs.h>
#include <hurd/io.h>
#include "testlib.h"
#include "harness.h"

static struct rootfs fs;
static mach_port_t root;

static void
test_read_write(void)
{
	mach_port_t f, ro, wo;
	char buf[64];
	size_t got;
	vm_size_t amount;
	loff_t pos;

	linux_write(&fs, "hello", "hello, world\n", 0644);
	CHECK_EQ(lookup(root, "hello", O_READ, 0, &f), 0);
	CHECK_EQ(read_all(f, buf, sizeof buf, 0, &got), 0);
	CHECK_EQ(got, 13);
	CHECK(memcmp(buf, "hello, world\n", 13) == 0);

	/* The file pointer: offset -1 reads on from where the last stopped. */
	CHECK_EQ(read_all(f, buf, 5, -1, &got), 0);
	CHECK(got == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(read_all(f, buf, 3, -1, &got), 0);
	CHECK(got == 3 && memcmp(buf, ", w", 3) == 0);
	CHECK_EQ(io_seek(f, 0, SEEK_CUR, &pos), 0);
	CHECK_EQ(pos, 8);
	CHECK_EQ(io_seek(f, -2, SEEK_END, &pos), 0);
	CHECK_EQ(pos, 11);
	CHECK_EQ(io_seek(f, -100, SEEK_CUR, &pos), EINVAL);
	CHECK_EQ(io_seek(f, 0, 99, &pos), EINVAL);
	CHECK_EQ(io_readable(f, &amount), 0);
	CHECK_EQ(amount, 2);
	/* Reading past the end gives nothing, not an error. */
	CHECK_EQ(read_all(f, buf, 10, 1000, &got), 0);
	CHECK_EQ(got, 0);
	CHECK_EQ(read_all(f, buf, 1, -5, &got), EINVAL);
	/* Opened for reading only: no writing. */
	CHECK_EQ(io_write(f, "x", 1, 0, &amount), EBADF);
	drop(f);

	CHECK_EQ(lookup(root, "hello", O_WRITE, 0, &wo), 0);
	CHECK_EQ(write_all(wo, "HELLO", 5, 0), 0);
	CHECK_EQ(read_all(wo, buf, 5, 0, &got), EBADF);
	CHECK_EQ(io_write(wo, "x", 1, INT64_MAX, &amount), EFBIG);
	drop(wo);
	CHECK_EQ(lookup(root, "hello", O_READ, 0, &ro), 0);
	CHECK_EQ(read_all(ro, buf, 13, 0, &got), 0);
	CHECK(got == 13 && memcmp(buf, "HELLO, world\n", 13) == 0);
	drop(ro);

	/* O_APPEND writes at the end whatever the file pointer. */
	CHECK_EQ(lookup(root, "hello", O_WRITE | O_APPEND, 0, &wo), 0);
	CHECK_EQ(write_all(wo, "more\n", 5, -1), 0);
	drop(wo);
	CHECK_EQ(lookup(root, "hello", O_READ, 0, &ro), 0);
	CHECK_EQ(read_all(ro, buf, sizeof buf, 0, &got), 0);
	CHECK(got == 18 && memcmp(buf + 13, "more\n", 5) == 0);
	drop(ro);

	/* O_TRUNC empties a file opened for writing. */
	CHECK_EQ(lookup(root, "hello", O_WRITE | O_TRUNC, 0, &wo), 0);
	drop(wo);
	CHECK_EQ(lookup(root, "hello", O_READ, 0, &ro), 0);
	CHECK_EQ(read_all(ro, buf, sizeof buf, 0, &got), 0);
	CHECK_EQ(got, 0);
	drop(ro);
}

static void
test_big_data(void)
{
	const size_t size = 3 << 20;	/* out of line both ways */
	char *data = malloc(size), *back = malloc(size);
	mach_port_t f;
	size_t got;
	char *oob;
	mach_msg_type_number_t n;

	for (size_t i = 0; i < size; i++)
		data[i] = (char) (i * 7 + (i >> 12));
	CHECK_EQ(lookup(root, "big", O_WRITE | O_READ | O_CREAT, 0644, &f), 0);
	CHECK_EQ(write_all(f, data, size, 0), 0);
	CHECK_EQ(read_all(f, back, size, 0, &got), 0);
	CHECK_EQ(got, size);
	CHECK(memcmp(data, back, size) == 0);

	/* A read far larger than the file, or absurdly large: the file's
	 * bytes and no more. */
	oob = NULL;
	n = 0;
	CHECK_EQ(io_read(f, &oob, &n, size - 10, (vm_size_t) 1 << 62), 0);
	CHECK_EQ(n, 10);
	if (n > 0 && oob != NULL)
		CHECK(memcmp(oob, data + size - 10, 10) == 0);
	if (oob != NULL)
		vm_deallocate(mach_task_self(), (vm_address_t) oob, n);
	drop(f);
	free(data);
	free(back);
}

static void
test_stat(void)
{
	io_statbuf_t st;
	struct stat lst;
	char path[PATH_MAX];
	mach_port_t f;

	linux_write(&fs, "st", "12345", 0640);
	CHECK_EQ(lstat(linux_path(&fs, "st", path), &lst), 0);
	CHECK_EQ(lookup(root, "st", O_READ, 0, &f), 0);
	CHECK_EQ(io_stat(f, &st), 0);
	CHECK_EQ(st.st_size, 5);
	CHECK_EQ(st.st_mode, S_IFREG | 0640);
	CHECK_EQ(st.st_ino, lst.st_ino);
	CHECK_EQ(st.st_uid, lst.st_uid);
	CHECK_EQ(st.st_gid, lst.st_gid);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_author, lst.st_uid);
	CHECK_EQ(st.st_mtim.tv_sec, lst.st_mtim.tv_sec);
	CHECK_EQ(st.st_mtim.tv_nsec, lst.st_mtim.tv_nsec);
	CHECK_EQ(st.st_blksize, lst.st_blksize);
	drop(f);

	/* The root says it is one. */
	CHECK_EQ(io_stat(root, &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK(st.st_mode & S_IROOT);
}

static void
test_modes_and_ports(void)
{
	mach_port_t f, dup, restricted, id1, id2, fsid1, fsid2;
	mach_msg_type_name_t t;
	int modes, value;
	ino64_t ino1, ino2;
	uid_t nobody_uid = test_uid + 4242;
	string_t name;
	int major, minor, edit;

	linux_write(&fs, "m", "m", 0644);
	CHECK_EQ(lookup(root, "m", O_READ | O_NONBLOCK, 0, &f), 0);
	CHECK_EQ(io_get_openmodes(f, &modes), 0);
	CHECK_EQ(modes, HURD_O_READ | HURD_O_NONBLOCK);
	CHECK_EQ(io_set_some_openmodes(f, HURD_O_APPEND), 0);
	CHECK_EQ(io_get_openmodes(f, &modes), 0);
	CHECK_EQ(modes, HURD_O_READ | HURD_O_NONBLOCK | HURD_O_APPEND);
	CHECK_EQ(io_clear_some_openmodes(f, HURD_O_NONBLOCK | HURD_O_READ), 0);
	CHECK_EQ(io_get_openmodes(f, &modes), 0);
	CHECK_EQ(modes, HURD_O_READ | HURD_O_APPEND);	/* access modes stay */
	CHECK_EQ(io_set_all_openmodes(f, HURD_O_WRITE), 0);
	CHECK_EQ(io_get_openmodes(f, &modes), 0);
	CHECK_EQ(modes, HURD_O_READ);

	/* io_duplicate: another port, the same open (one file pointer). */
	CHECK_EQ(io_duplicate(f, &dup), 0);
	CHECK(dup != f);
	loff_t pos;
	CHECK_EQ(io_seek(f, 1, SEEK_SET, &pos), 0);
	CHECK_EQ(io_seek(dup, 0, SEEK_CUR, &pos), 0);
	CHECK_EQ(pos, 1);

	/* io_identity: the same identity port for every open of a file. */
	CHECK_EQ(io_identity(f, &id1, &fsid1, &ino1), 0);
	CHECK_EQ(io_identity(dup, &id2, &fsid2, &ino2), 0);
	CHECK(id1 == id2 && fsid1 == fsid2 && ino1 == ino2);
	drop(id1);
	drop(id2);
	drop(fsid1);
	drop(fsid2);

	/* io_restrict_auth: a port with fewer ids (none of ours here). */
	CHECK_EQ(io_restrict_auth(f, &restricted, &nobody_uid, 1, NULL, 0), 0);
	CHECK(restricted != f);
	drop(restricted);

	CHECK_EQ(io_pathconf(f, _PC_NAME_MAX, &value), 0);
	CHECK(value > 255);
	CHECK_EQ(io_pathconf(f, 12345, &value), EINVAL);
	CHECK_EQ(io_server_version(f, name, &major, &minor, &edit), 0);
	CHECK(strncmp(name, "rootfs", 6) == 0);
	(void) t;
	drop(dup);
	drop(f);
}

int
main(int argc, char **argv)
{
	struct ids me = { { 0 }, 1, { 0 }, 1 };

	if (argc < 2) {
		fprintf(stderr, "usage: %s ROOTFS\n", argv[0]);
		return 2;
	}
	if (rootfs_start(&fs, argv[1], NULL) != 0)
		return 1;
	me.uids[0] = test_uid;
	me.gids[0] = test_gid;
	CHECK_EQ(rootfs_root(&fs, &me, O_READ | O_EXEC, &root), 0);

	test_read_write();
	test_big_data();
	test_stat();
	test_modes_and_ports();

	drop(root);
	CHECK_EQ(rootfs_stop(&fs), 0);
	return TEST_DONE();
}

/* libnetfs routines that rootfs only passes through, checked through a
 * rootfs (the rootfs tests' harness plays startup for it):
 * file_reparent and its shadow root, io_revoke, file_getlinknode,
 * file_get_fs_options, file_statfs, file_sync, file_syncfs,
 * file_get_storage_info, dir_lookup with O_EXLOCK / O_SHLOCK, io_select,
 * file_check_access, file_getcontrol, fsys_syncfs, and the routines
 * libnetfs does not offer. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>
#include <hurd/io.h>
#include "testlib.h"
#include "harness.h"

static struct rootfs fs;
static mach_port_t root;

static void
test_reparent(void)
{
	char path[PATH_MAX];
	mach_port_t d, shadow, parent = testlib_port_with_send(), f;
	retry_type retry;
	string_t name;
	io_statbuf_t st;

	mkdir(linux_path(&fs, "sub", path), 0755);
	linux_write(&fs, "sub/file", "x", 0644);
	CHECK_EQ(lookup(root, "sub", O_READ, 0, &d), 0);
	CHECK_EQ(file_reparent(d, parent, &shadow), 0);
	mach_port_deallocate(mach_task_self(), parent);	/* rootfs has its own */
	/* The shadow root is a root: `..' leads to the parent we gave. */
	CHECK_EQ(io_stat(shadow, &st), 0);
	CHECK(st.st_mode & S_IROOT);
	CHECK_EQ(lookup_raw(shadow, "../elsewhere", O_READ, 0, &retry, name, &f), 0);
	CHECK_EQ(retry, FS_RETRY_REAUTH);
	CHECK(strcmp(name, "elsewhere") == 0);
	CHECK(f == parent);
	drop(f);
	/* Below it, `..' comes back up to it and stops there. */
	CHECK_EQ(lookup_raw(shadow, "file/../../x", O_READ, 0, &retry, name, &f), ENOTDIR);
	CHECK_EQ(lookup(shadow, "file", O_READ, 0, &f), 0);
	drop(f);
	drop(shadow);
	drop(d);
	mach_port_mod_refs(mach_task_self(), parent, MACH_PORT_RIGHT_RECEIVE, -1);
}

static void
test_revoke_and_links(void)
{
	mach_port_t a, b, link;
	io_statbuf_t st;

	linux_write(&fs, "rev", "r", 0644);
	CHECK_EQ(lookup(root, "rev", O_READ, 0, &a), 0);
	CHECK_EQ(lookup(root, "rev", O_READ, 0, &b), 0);
	CHECK_EQ(io_revoke(a), 0);
	CHECK_EQ(io_stat(a, &st), 0);			/* the revoker's port lives */
	CHECK_EQ(io_stat(b, &st), MACH_SEND_INVALID_DEST);	/* others died */
	drop(b);
	CHECK_EQ(file_getlinknode(a, &link), 0);
	CHECK_EQ(io_stat(link, &st), 0);
	drop(link);
	CHECK_EQ(file_getlinknode(root, &link), EBUSY);	/* not the root */
	drop(a);

	/* Only the owner may revoke. */
	struct ids other = { { test_uid + 1000 }, 1, { test_gid + 1000 }, 1 };
	mach_port_t oroot;
	CHECK_EQ(rootfs_root(&fs, &other, O_READ | O_EXEC, &oroot), 0);
	CHECK_EQ(lookup(oroot, "rev", O_READ, 0, &a), 0);
	if (test_uid != 0) {
		CHECK_EQ(io_revoke(a), EPERM);
	}
	drop(a);
	drop(oroot);
}

static void
test_fs_info(void)
{
	char *opts = NULL, *data = NULL;
	mach_msg_type_number_t len = 0, nports = 0, nints = 0, noffsets = 0, ndata = 0;
	mach_port_t *ports = NULL;
	int *ints = NULL;
	loff_t *offsets = NULL;
	fsys_statfsbuf_t sfs;
	mach_port_t f, control;
	int allowed, type;

	CHECK_EQ(file_get_fs_options(root, &opts, &len), 0);
	CHECK(len > 0 && opts != NULL && memchr(opts, '\0', len) != NULL);
	if (opts != NULL)
		vm_deallocate(mach_task_self(), (vm_address_t) opts, len);
	CHECK_EQ(file_statfs(root, &sfs), 0);
	CHECK(sfs.f_bsize > 0 && sfs.f_blocks > 0 && sfs.f_namelen >= 255);
	CHECK_EQ(sfs.f_type, FSTYPE_MISC);
	CHECK_EQ(file_syncfs(root, 1, 1), 0);
	CHECK_EQ(fsys_syncfs(fs.control, 1, 1), 0);

	linux_write(&fs, "info", "i", 0644);
	CHECK_EQ(lookup(root, "info", O_READ | O_WRITE, 0, &f), 0);
	CHECK_EQ(file_sync(f, 1, 0), 0);
	CHECK_EQ(file_get_storage_info(f, &ports, &nports, &ints, &nints, &offsets, &noffsets,
				       &data, &ndata), 0);
	CHECK_EQ(nports, 0);
	CHECK(nints >= 1 && ints != NULL && ints[0] == STORAGE_NETWORK);
	if (ints != NULL)
		vm_deallocate(mach_task_self(), (vm_address_t) ints, nints * sizeof *ints);
	CHECK_EQ(file_check_access(f, &allowed), 0);
	CHECK_EQ(allowed & (HURD_O_READ | HURD_O_WRITE), HURD_O_READ | HURD_O_WRITE);
	mach_port_t reply = mach_reply_port();

	type = SELECT_READ | SELECT_WRITE | SELECT_URG;
	CHECK_EQ(io_select(f, reply, 5000, &type), 0);
	mach_port_mod_refs(mach_task_self(), reply, MACH_PORT_RIGHT_RECEIVE, -1);
	CHECK_EQ(type, SELECT_READ | SELECT_WRITE);
	CHECK_EQ(file_getcontrol(f, &control), 0);	/* we are rootfs's owner */
	CHECK(MACH_PORT_VALID(control));
	drop(control);
	/* What libnetfs does not offer. */
	char *fh = NULL;
	mach_msg_type_number_t fhlen = 0;
	mach_port_t rd, wr;
	CHECK_EQ(file_getfh(f, &fh, &fhlen), EOPNOTSUPP);
	CHECK_EQ(io_map(f, &rd, &wr), EOPNOTSUPP);
	mach_port_t notify = testlib_port();

	CHECK_EQ(dir_notice_changes(root, notify, MACH_MSG_TYPE_MAKE_SEND), EOPNOTSUPP);
	mach_port_mod_refs(mach_task_self(), notify, MACH_PORT_RIGHT_RECEIVE, -1);
	CHECK_EQ(file_chflags(f, 1), EOPNOTSUPP);
	CHECK_EQ(file_chflags(f, 0), 0);
	drop(f);
}

static void
test_open_locks(void)
{
	mach_port_t a, b;
	int mine, others;

	linux_write(&fs, "lk", "l", 0644);
	CHECK_EQ(lookup(root, "lk", O_READ | O_EXLOCK, 0, &a), 0);
	CHECK_EQ(lookup(root, "lk", O_READ | O_SHLOCK, 0, &b), EAGAIN);
	CHECK_EQ(lookup(root, "lk", O_READ | O_EXLOCK, 0, &b), EAGAIN);
	CHECK_EQ(file_lock_stat(a, &mine, &others), 0);
	CHECK_EQ(mine, LOCK_EX);
	drop(a);
	/* The lock went with the open (once rootfs saw it go). */
	error_t err = EAGAIN;
	for (int i = 0; i < 200 && err == EAGAIN; i++) {
		err = lookup(root, "lk", O_READ | O_SHLOCK, 0, &a);
		if (err == EAGAIN)
			usleep(10000);
	}
	CHECK_EQ(err, 0);
	CHECK_EQ(lookup(root, "lk", O_READ | O_SHLOCK, 0, &b), 0);
	drop(a);
	drop(b);
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

	test_reparent();
	test_revoke_and_links();
	test_fs_info();
	test_open_locks();

	drop(root);
	CHECK_EQ(rootfs_stop(&fs), 0);
	return TEST_DONE();
}

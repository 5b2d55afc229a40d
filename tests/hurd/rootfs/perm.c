/* rootfs: access with the caller's Hurd ids.
 *
 * rootfs runs as the test's Linux user; whom it serves is given by the
 * ids of each port (here from fsys_getroot, as startup and the auth
 * server give them).  Files belong to OWNER (the test's uid, or uid 4242
 * when the test is Linux's root and can give files away), and callers are
 * the owner, a member of the file's group, another user, a user with no
 * ids at all, and the superuser (uid 0).  rootfs must refuse what the
 * caller's ids do not allow, whatever Linux would allow rootfs itself. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>
#include <hurd/io.h>
#include <hurd/paths.h>
#include "testlib.h"
#include "harness.h"

static struct rootfs fs;
static uid_t owner;
static gid_t group;
static mach_port_t as_owner, as_member, as_other, as_nobody, as_root;

/* Make the Linux file or directory NAME OWNER's with MODE. */
static void
own(const char *name, mode_t mode)
{
	char path[PATH_MAX];

	linux_path(&fs, name, path);
	if (getuid() == 0)
		CHECK_EQ(lchown(path, owner, group), 0);
	CHECK_EQ(chmod(path, mode), 0);
}

static void
make_file(const char *name, mode_t mode)
{
	linux_write(&fs, name, "data", 0600);
	own(name, mode);
}

static void
make_dir(const char *name, mode_t mode)
{
	char path[PATH_MAX];

	mkdir(linux_path(&fs, name, path), 0700);
	own(name, mode);
}

/* dir_lookup's error for NAME from DIR with FLAGS (the port dropped). */
static error_t
try_open(mach_port_t dir, const char *name, int flags)
{
	mach_port_t f;
	error_t err = lookup(dir, name, flags, 0644, &f);

	drop(f);
	return err;
}

static void
test_open(void)
{
	make_file("secret", 0600);
	CHECK_EQ(try_open(as_owner, "secret", O_READ | O_WRITE), 0);
	CHECK_EQ(try_open(as_other, "secret", O_READ), EACCES);
	CHECK_EQ(try_open(as_other, "secret", O_WRITE), EACCES);
	CHECK_EQ(try_open(as_member, "secret", O_READ), EACCES);
	CHECK_EQ(try_open(as_nobody, "secret", O_READ), EACCES);
	CHECK_EQ(try_open(as_root, "secret", O_READ | O_WRITE), 0);
	CHECK_EQ(try_open(as_other, "secret", 0), 0);	/* no access asked: fine */

	make_file("group", 0640);
	CHECK_EQ(try_open(as_member, "group", O_READ), 0);
	CHECK_EQ(try_open(as_member, "group", O_WRITE), EACCES);
	CHECK_EQ(try_open(as_other, "group", O_READ), EACCES);

	make_file("public", 0644);
	CHECK_EQ(try_open(as_other, "public", O_READ), 0);
	CHECK_EQ(try_open(as_nobody, "public", O_READ), 0);
	CHECK_EQ(try_open(as_other, "public", O_WRITE), EACCES);
	CHECK_EQ(try_open(as_other, "public", O_WRITE | O_TRUNC), EACCES);

	/* Execution needs an x bit, for the superuser too. */
	CHECK_EQ(try_open(as_owner, "public", O_EXEC), EACCES);
	CHECK_EQ(try_open(as_root, "public", O_EXEC), EACCES);
	make_file("prog", 0755);
	CHECK_EQ(try_open(as_other, "prog", O_EXEC), 0);
	CHECK_EQ(try_open(as_nobody, "prog", O_EXEC), 0);

	/* What file_check_access reports. */
	mach_port_t f;
	int allowed = 0;

	CHECK_EQ(lookup(as_other, "public", 0, 0, &f), 0);
	CHECK_EQ(file_check_access(f, &allowed), 0);
	CHECK_EQ(allowed, HURD_O_READ);
	drop(f);
	CHECK_EQ(lookup(as_owner, "prog", 0, 0, &f), 0);
	CHECK_EQ(file_check_access(f, &allowed), 0);
	CHECK_EQ(allowed, HURD_O_READ | HURD_O_WRITE | HURD_O_EXEC);
	drop(f);
}

static void
test_directories(void)
{
	mach_port_t d, f;

	make_dir("private", 0700);
	make_file("private/x", 0644);
	CHECK_EQ(try_open(as_owner, "private/x", O_READ), 0);
	CHECK_EQ(try_open(as_other, "private/x", O_READ), EACCES);
	CHECK_EQ(try_open(as_other, "private", O_READ), EACCES);
	CHECK_EQ(try_open(as_root, "private/x", O_READ), 0);

	/* Search only: through, but not listed. */
	make_dir("searchable", 0711);
	make_file("searchable/y", 0644);
	CHECK_EQ(try_open(as_other, "searchable/y", O_READ), 0);
	CHECK_EQ(try_open(as_other, "searchable", O_READ), EACCES);

	/* No write access: no new entries, no removals, no renames. */
	make_dir("readonly", 0755);
	make_file("readonly/z", 0644);
	CHECK_EQ(try_open(as_other, "readonly/new", O_WRITE | O_CREAT), EACCES);
	CHECK_EQ(lookup(as_other, "readonly", O_READ, 0, &d), 0);
	CHECK_EQ(dir_mkdir(d, "sub", 0755), EACCES);
	CHECK_EQ(dir_unlink(d, "z"), EACCES);
	CHECK_EQ(dir_rename(d, "z", d, "zz", 0), EACCES);
	mach_port_t node;
	CHECK_EQ(dir_mkfile(d, HURD_O_WRITE, 0644, &node), EACCES);
	CHECK_EQ(lookup(as_other, "public", O_READ, 0, &f), 0);
	CHECK_EQ(dir_link(d, f, "l", 1), EACCES);
	drop(f);
	drop(d);
	CHECK_EQ(lookup(as_owner, "readonly", O_READ, 0, &d), 0);
	CHECK_EQ(dir_mkdir(d, "sub", 0755), 0);
	CHECK_EQ(dir_rmdir(d, "sub"), 0);
	drop(d);

	/* Sticky: others may add, but remove only their own. */
	make_dir("tmp", 01777);
	make_file("tmp/owners", 0666);
	CHECK_EQ(lookup(as_other, "tmp", O_READ, 0, &d), 0);
	CHECK_EQ(dir_unlink(d, "owners"), EACCES);
	CHECK_EQ(dir_rename(d, "owners", d, "mine", 0), EACCES);
	CHECK_EQ(try_open(d, "others", O_WRITE | O_CREAT), 0);
	drop(d);
	CHECK_EQ(lookup(as_owner, "tmp", O_READ, 0, &d), 0);
	CHECK_EQ(dir_unlink(d, "owners"), 0);	/* the directory's owner */
	drop(d);
}

static void
test_attributes(void)
{
	mach_port_t f;
	time_value_t now = { .seconds = 0, .microseconds = -1 };
	time_value_t then = { .seconds = 1000000, .microseconds = 0 };
	make_file("attr", 0666);
	CHECK_EQ(lookup(as_other, "attr", O_READ | O_WRITE, 0, &f), 0);
	CHECK_EQ(file_chmod(f, 0777), EPERM);
	CHECK_EQ(file_chown(f, 12345, -1), EPERM);
	CHECK_EQ(file_utimes(f, now, now), 0);		/* a writer: now */
	CHECK_EQ(file_utimes(f, then, then), EPERM);	/* but not any time */
	CHECK_EQ(file_set_translator(f, FS_TRANS_SET, 0, 0, "/hurd/null", 11, MACH_PORT_NULL,
				     MACH_MSG_TYPE_COPY_SEND), EPERM);
	CHECK_EQ(file_set_size(f, 1), 0);		/* opened for writing */
	drop(f);
	CHECK_EQ(lookup(as_other, "attr", O_READ, 0, &f), 0);
	CHECK_EQ(file_set_size(f, 0), EBADF);		/* not opened for writing */
	drop(f);

	CHECK_EQ(lookup(as_owner, "attr", O_READ, 0, &f), 0);
	CHECK_EQ(file_chmod(f, 0640), 0);
	CHECK_EQ(file_utimes(f, then, then), 0);
	CHECK_EQ(file_chown(f, owner + 1, -1), EPERM);	/* only the superuser gives away */
	CHECK_EQ(file_chown(f, -1, group), 0);		/* to a group of the owner */
	io_statbuf_t st;
	CHECK_EQ(io_stat(f, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_EQ(st.st_mtim.tv_sec, 1000000);
	drop(f);

	if (getuid() == 0) {
		CHECK_EQ(lookup(as_root, "attr", O_READ, 0, &f), 0);
		CHECK_EQ(file_chown(f, owner + 1, group + 1), 0);
		CHECK_EQ(io_stat(f, &st), 0);
		CHECK_EQ(st.st_uid, owner + 1);
		CHECK_EQ(st.st_gid, group + 1);
		drop(f);
	}
}

static void
test_restrict_and_control(void)
{
	mach_port_t restricted, control, f;
	uid_t other_uid = owner + 1000;

	make_file("mine", 0600);
	/* A port restricted to ids its holder does not have gets none. */
	CHECK_EQ(io_restrict_auth(as_owner, &restricted, &other_uid, 1, NULL, 0), 0);
	CHECK_EQ(try_open(restricted, "mine", O_READ), EACCES);
	drop(restricted);
	CHECK_EQ(io_restrict_auth(as_owner, &restricted, &owner, 1, &group, 1), 0);
	CHECK_EQ(try_open(restricted, "mine", O_READ), 0);
	drop(restricted);
	/* The superuser may restrict to any ids. */
	CHECK_EQ(io_restrict_auth(as_root, &restricted, &other_uid, 1, NULL, 0), 0);
	CHECK_EQ(try_open(restricted, "mine", O_READ), EACCES);
	drop(restricted);

	/* The control port: for the superuser, the root's owner, or the
	 * user rootfs runs as. */
	CHECK_EQ(file_getcontrol(as_other, &control), EPERM);
	CHECK_EQ(file_getcontrol(as_nobody, &control), EPERM);
	CHECK_EQ(file_getcontrol(as_root, &control), 0);
	if (MACH_PORT_VALID(control)) {
		string_t source;

		CHECK_EQ(fsys_get_source(control, source), EOPNOTSUPP);
	}
	drop(control);
	CHECK_EQ(lookup(as_other, "mine", 0, 0, &f), 0);
	CHECK_EQ(file_get_translator_cntl(f, &control), EPERM);
	drop(f);
}

int
main(int argc, char **argv)
{
	struct ids ids;
	mode_t saved;

	if (argc < 2) {
		fprintf(stderr, "usage: %s ROOTFS\n", argv[0]);
		return 2;
	}
	if (rootfs_start(&fs, argv[1], NULL) != 0)
		return 1;
	owner = test_uid == 0 ? 4242 : test_uid;
	group = test_uid == 0 ? 4243 : test_gid;
	saved = umask(0);

	ids = (struct ids) { { owner }, 1, { group }, 1 };
	CHECK_EQ(rootfs_root(&fs, &ids, O_READ | O_EXEC, &as_owner), 0);
	ids = (struct ids) { { owner + 7 }, 1, { group }, 1 };
	CHECK_EQ(rootfs_root(&fs, &ids, O_READ | O_EXEC, &as_member), 0);
	ids = (struct ids) { { owner + 1000 }, 1, { group + 1000 }, 1 };
	CHECK_EQ(rootfs_root(&fs, &ids, O_READ | O_EXEC, &as_other), 0);
	ids = (struct ids) { { 0 }, 0, { 0 }, 0 };
	CHECK_EQ(rootfs_root(&fs, &ids, O_EXEC, &as_nobody), 0);
	ids = (struct ids) { { 0 }, 1, { 0 }, 1 };
	CHECK_EQ(rootfs_root(&fs, &ids, O_READ | O_EXEC, &as_root), 0);
	/* The root itself is open to whom its mode allows. */
	ids = (struct ids) { { owner + 1000 }, 1, { group + 1000 }, 1 };
	mach_port_t w;
	CHECK_EQ(rootfs_root(&fs, &ids, O_WRITE, &w), EISDIR);

	test_open();
	test_directories();
	test_attributes();
	test_restrict_and_control();

	drop(as_owner);
	drop(as_member);
	drop(as_other);
	drop(as_nobody);
	drop(as_root);
	umask(saved);
	CHECK_EQ(rootfs_stop(&fs), 0);
	return TEST_DONE();
}

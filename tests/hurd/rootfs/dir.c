/* rootfs: names and directories.
 *   dir_lookup's protocol (creation, O_EXCL, trailing slashes, `.', `..'
 *   at the root with and without a parent, symlinks followed inside,
 *   absolute ones handed back with FS_RETRY_MAGICAL, loops, O_NOLINK),
 *   names that try to leave DIR, dir_readdir's records (the Hurd's struct
 *   dirent), dir_mkdir, dir_rmdir, dir_unlink, dir_rename, dir_link,
 *   dir_mkfile and symlinks made the Hurd's way (dir_mkfile,
 *   file_set_translator with /hurd/symlink, dir_link). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
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
static mach_port_t root;

static int
linux_exists(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return lstat(linux_path(&fs, name, path), &st) == 0;
}

static void
test_lookup_protocol(void)
{
	mach_port_t f, d, parent;
	retry_type retry;
	string_t name;
	char path[PATH_MAX];
	char longname[300];
	char target[PATH_MAX + 16];
	ssize_t n;

	mkdir(linux_path(&fs, "d", path), 0755);
	linux_write(&fs, "d/f", "in d", 0644);

	CHECK_EQ(lookup(root, "nothing", O_READ, 0, &f), ENOENT);
	CHECK_EQ(lookup(root, "d/f", O_READ, 0, &f), 0);
	drop(f);
	CHECK_EQ(lookup(root, "//d///f", O_READ, 0, &f), 0);	/* extra slashes */
	drop(f);
	CHECK_EQ(lookup(root, "d/f/", O_READ, 0, &f), ENOTDIR);
	CHECK_EQ(lookup(root, "d/f/x", O_READ, 0, &f), ENOTDIR);
	CHECK_EQ(lookup(root, "d/", O_READ, 0, &d), 0);
	drop(d);
	CHECK_EQ(lookup(root, "d/f", O_READ | O_DIRECTORY, 0, &f), ENOTDIR);
	CHECK_EQ(lookup(root, "d/./../d/f", O_READ, 0, &f), 0);
	drop(f);
	CHECK_EQ(lookup(root, "", O_READ, 0, &d), 0);	/* the directory itself */
	drop(d);

	/* Creation. */
	CHECK_EQ(lookup(root, "d/new", O_WRITE | O_CREAT, 0600, &f), 0);
	drop(f);
	CHECK(linux_exists("d/new"));
	CHECK_EQ(lookup(root, "d/new", O_WRITE | O_CREAT | O_EXCL, 0600, &f), EEXIST);
	CHECK_EQ(lookup(root, "d/new", O_WRITE | O_CREAT, 0600, &f), 0);	/* opens it */
	drop(f);
	CHECK_EQ(lookup(root, "d/newdir/", O_WRITE | O_CREAT, 0600, &f), ENOENT);
	CHECK_EQ(lookup(root, "nodir/new", O_WRITE | O_CREAT, 0600, &f), ENOENT);

	/* Names longer than Linux allows. */
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	CHECK_EQ(lookup(root, longname, O_READ, 0, &f), ENAMETOOLONG);
	CHECK_EQ(lookup(root, longname, O_WRITE | O_CREAT, 0600, &f), ENAMETOOLONG);

	/* `..' of the global root (no parent) is the root. */
	CHECK_EQ(lookup(root, "../../d/f", O_READ, 0, &f), 0);
	drop(f);

	/* With a parent (the root of a translator mounted somewhere), `..'
	 * at the root sends the client back there to go on. */
	struct ids me = { { test_uid }, 1, { test_gid }, 1 };
	retry_type r;
	string_t rn;

	parent = testlib_port_with_send();
	CHECK_EQ(fsys_getroot(fs.control, parent, MACH_MSG_TYPE_COPY_SEND, me.uids, 1, me.gids, 1,
			      HURD_O_READ, &r, rn, &d), 0);
	CHECK_EQ(r, FS_RETRY_NORMAL);
	CHECK_EQ(lookup_raw(d, "../x/y", O_READ, 0, &retry, name, &f), 0);
	CHECK_EQ(retry, FS_RETRY_REAUTH);
	CHECK(strcmp(name, "x/y") == 0);
	CHECK(f == parent);	/* the same port, ours under the same name */
	drop(f);
	CHECK_EQ(lookup_raw(d, "d/../..", O_READ, 0, &retry, name, &f), 0);
	CHECK_EQ(retry, FS_RETRY_REAUTH);
	CHECK_EQ(name[0], '\0');
	drop(f);
	CHECK_EQ(lookup_raw(d, "../", O_READ, 0, &retry, name, &f), 0);
	CHECK_EQ(retry, FS_RETRY_REAUTH);
	CHECK(strcmp(name, "/") == 0);
	drop(f);
	drop(d);
	mach_port_deallocate(mach_task_self(), parent);
	mach_port_mod_refs(mach_task_self(), parent, MACH_PORT_RIGHT_RECEIVE, -1);

	/* Symlinks: relative ones are followed here, inside DIR. */
	symlink("d/f", linux_path(&fs, "rel", path));
	symlink("../d", linux_path(&fs, "d/up", path));
	symlink("/etc/passwd", linux_path(&fs, "abs", path));
	symlink("loop2", linux_path(&fs, "loop1", path));
	symlink("loop1", linux_path(&fs, "loop2", path));
	symlink("../../../../../../../../../../etc", linux_path(&fs, "escape", path));
	CHECK_EQ(lookup(root, "rel", O_READ, 0, &f), 0);
	drop(f);
	CHECK_EQ(lookup(root, "d/up/up/up/f", O_READ, 0, &f), 0);
	drop(f);
	/* Absolute: the client resolves it from its own root. */
	CHECK_EQ(lookup_raw(root, "abs", O_READ, 0, &retry, name, &f), 0);
	CHECK_EQ(retry, FS_RETRY_MAGICAL);
	CHECK(strcmp(name, "/etc/passwd") == 0);
	CHECK(f == MACH_PORT_NULL);
	CHECK_EQ(lookup_raw(root, "abs/x", O_READ, 0, &retry, name, &f), 0);
	CHECK(strcmp(name, "/etc/passwd/x") == 0);
	CHECK_EQ(lookup(root, "loop1", O_READ, 0, &f), ELOOP);
	/* A symlink up past the root stays in it: `..' of the root is the
	 * root, so this is "/etc" inside DIR, which does not exist. */
	CHECK_EQ(lookup(root, "escape/passwd", O_READ, 0, &f), ENOENT);
	mkdir(linux_path(&fs, "etc", path), 0755);
	linux_write(&fs, "etc/passwd", "ours", 0644);
	CHECK_EQ(lookup(root, "escape/passwd", O_READ, 0, &f), 0);
	if (f != MACH_PORT_NULL) {
		char buf[16];
		size_t got;

		CHECK_EQ(read_all(f, buf, sizeof buf, 0, &got), 0);
		CHECK(got == 4 && memcmp(buf, "ours", 4) == 0);
	}
	drop(f);
	/* O_NOLINK opens the link itself; reading it gives its target. */
	CHECK_EQ(lookup(root, "rel", O_READ | O_NOLINK, 0, &f), 0);
	if (f != MACH_PORT_NULL) {
		io_statbuf_t st;
		char buf[16];
		size_t got;

		CHECK_EQ(io_stat(f, &st), 0);
		CHECK(S_ISLNK(st.st_mode));
		CHECK_EQ(st.st_size, 3);
		CHECK_EQ(read_all(f, buf, sizeof buf, 0, &got), 0);
		CHECK(got == 3 && memcmp(buf, "d/f", 3) == 0);
	}
	drop(f);
	/* A dangling link creates nothing. */
	symlink("nowhere", linux_path(&fs, "dangling", path));
	CHECK_EQ(lookup(root, "dangling", O_WRITE | O_CREAT, 0644, &f), ENOENT);
	CHECK(!linux_exists("nowhere"));

	/* A directory moved out of DIR on Linux: its `..' is not followed
	 * outside. */
	mkdir(linux_path(&fs, "leaving", path), 0755);
	CHECK_EQ(lookup(root, "leaving", O_READ, 0, &d), 0);
	snprintf(target, sizeof target, "%s-outside", fs.dir);
	CHECK_EQ(rename(linux_path(&fs, "leaving", path), target), 0);
	CHECK_EQ(lookup(d, "..", O_READ, 0, &f), ENOENT);
	CHECK_EQ(lookup(d, "../d/f", O_READ, 0, &f), ENOENT);
	drop(d);
	rmdir(target);
	(void) n;
}

/* The Hurd's x86_64 struct dirent. */
struct hurd_dirent {
	uint64_t d_ino;
	uint16_t d_reclen;
	uint8_t d_type;
	uint8_t d_namlen;
	char d_name[];
};

/* Read DIR's entries from ENTRY on with dir_readdir's NENTRIES and
 * BUFSIZ; count them, check every record, and note whether NAME came. */
static int
read_entries(mach_port_t dir, int entry, int nentries, vm_size_t bufsiz, const char *name,
	     int *found, int *records_ok)
{
	char inline_buf[256], *data = inline_buf;
	mach_msg_type_number_t len = sizeof inline_buf;
	int amount = -1;
	size_t at = 0;
	int count = 0;

	if (dir_readdir(dir, &data, &len, entry, nentries, bufsiz, &amount) != 0)
		return -1;
	*records_ok = 1;
	while (at < len) {
		struct hurd_dirent *d = (struct hurd_dirent *) (data + at);

		if (d->d_reclen < 13 || d->d_reclen % 8 != 0 || at + d->d_reclen > len ||
		    d->d_namlen != strlen(d->d_name) || 12 + d->d_namlen + 1 > d->d_reclen)
			*records_ok = 0;
		if (d->d_reclen == 0)
			break;
		if (name != NULL && strcmp(d->d_name, name) == 0)
			*found = 1;
		at += d->d_reclen;
		count++;
	}
	if (count != amount)
		*records_ok = 0;
	if (data != inline_buf)
		vm_deallocate(mach_task_self(), (vm_address_t) data, len);
	return count;
}

static void
test_readdir(void)
{
	char path[PATH_MAX], name[64];
	mach_port_t d, f;
	int found = 0, ok = 0, total = 0, n, entry;

	mkdir(linux_path(&fs, "many", path), 0755);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "many/file-with-a-longish-name-%03d", i);
		linux_write(&fs, name, "", 0644);
	}
	CHECK_EQ(lookup(root, "many", O_READ, 0, &d), 0);
	/* Everything at once: 300 files plus . and .., out of line. */
	n = read_entries(d, 0, -1, 0, "file-with-a-longish-name-299", &found, &ok);
	CHECK_EQ(n, 302);
	CHECK(found);
	CHECK(ok);
	/* In pieces, as a client walks it; nothing lost, nothing twice. */
	for (entry = 0;; entry += n) {
		n = read_entries(d, entry, 7, 0, NULL, &found, &ok);
		CHECK(ok);
		if (n <= 0)
			break;
		total += n;
	}
	CHECK_EQ(total, 302);
	/* A buffer limit: whole records only. */
	n = read_entries(d, 0, -1, 200, NULL, &found, &ok);
	CHECK(n > 0 && n < 10);
	CHECK(ok);
	/* Past the end: nothing.  Before the start: refused. */
	CHECK_EQ(read_entries(d, 5000, -1, 0, NULL, &found, &ok), 0);
	CHECK_EQ(read_entries(d, -1, -1, 0, NULL, &found, &ok), -1);
	drop(d);

	/* Only directories, opened for reading. */
	CHECK_EQ(lookup(root, "many/file-with-a-longish-name-000", O_READ, 0, &f), 0);
	CHECK_EQ(read_entries(f, 0, -1, 0, NULL, &found, &ok), -1);
	drop(f);
	CHECK_EQ(lookup(root, "many", O_EXEC, 0, &d), 0);
	CHECK_EQ(read_entries(d, 0, -1, 0, NULL, &found, &ok), -1);
	drop(d);
}

static void
test_changes(void)
{
	char path[PATH_MAX], buf[PATH_MAX];
	mach_port_t d, f, other, node;
	mach_port_t d2;
	io_statbuf_t st;
	ssize_t n;

	CHECK_EQ(lookup(root, "", O_READ, 0, &d), 0);
	CHECK_EQ(dir_mkdir(d, "made", 0750), 0);
	CHECK(linux_exists("made"));
	CHECK_EQ(lstat(linux_path(&fs, "made", path), (struct stat *) buf), 0);
	CHECK_EQ(((struct stat *) buf)->st_mode & 07777, 0750);
	CHECK_EQ(dir_mkdir(d, "made", 0750), EEXIST);
	CHECK_EQ(dir_mkdir(d, "a/b", 0750), EINVAL);
	CHECK_EQ(dir_mkdir(d, "", 0750), ENOENT);
	CHECK_EQ(dir_mkdir(d, "nodir/x", 0750), EINVAL);

	linux_write(&fs, "made/inside", "x", 0644);
	CHECK_EQ(dir_rmdir(d, "made"), ENOTEMPTY);
	CHECK_EQ(dir_unlink(d, "made"), EISDIR);
	CHECK_EQ(lookup(root, "made", O_READ, 0, &d2), 0);
	CHECK_EQ(dir_unlink(d2, "inside"), 0);
	CHECK(!linux_exists("made/inside"));
	CHECK_EQ(dir_unlink(d2, "inside"), ENOENT);
	CHECK_EQ(dir_rmdir(d2, "."), EINVAL);
	CHECK_EQ(dir_rmdir(d2, ".."), ENOTEMPTY);
	CHECK_EQ(dir_rmdir(d, "made"), 0);
	CHECK(!linux_exists("made"));
	drop(d2);

	/* Rename, within and across directories, with and without EXCL. */
	linux_write(&fs, "r1", "one", 0644);
	linux_write(&fs, "r2", "two", 0644);
	mkdir(linux_path(&fs, "rd", path), 0755);
	CHECK_EQ(lookup(root, "rd", O_READ, 0, &d2), 0);
	CHECK_EQ(dir_rename(d, "r1", d, "r2", 1), EEXIST);
	CHECK_EQ(dir_rename(d, "r1", d, "r2", 0), 0);
	CHECK(!linux_exists("r1"));
	CHECK_EQ(dir_rename(d, "r2", d2, "moved", 1), 0);
	CHECK(linux_exists("rd/moved"));
	CHECK_EQ(dir_rename(d, "r2", d2, "again", 0), ENOENT);
	CHECK_EQ(dir_rename(d, "rd", d2, "inside-itself", 0), EINVAL);
	CHECK_EQ(dir_rename(d, "..", d2, "x", 0), EBUSY);
	CHECK_EQ(dir_rename(d, "a/b", d2, "x", 0), EINVAL);
	/* A port that is not rootfs's as the target directory. */
	other = testlib_port_with_send();
	CHECK_EQ(dir_rename(d2, "moved", other, "x", 0), EXDEV);

	/* Hard links: to a file, not over an existing name unless asked. */
	CHECK_EQ(lookup(root, "rd/moved", O_READ, 0, &f), 0);
	CHECK_EQ(dir_link(d, f, "hard", 1), 0);
	CHECK(linux_exists("hard"));
	CHECK_EQ(dir_link(d, f, "hard", 1), EEXIST);
	linux_write(&fs, "victim", "v", 0644);
	CHECK_EQ(dir_link(d, f, "victim", 0), 0);	/* replaced */
	CHECK_EQ(io_stat(f, &st), 0);
	CHECK_EQ(st.st_nlink, 3);
	CHECK_EQ(dir_link(d, other, "x", 1), EXDEV);
	CHECK_EQ(dir_link(d, d2, "dirlink", 1), EPERM);	/* no links to directories */
	drop(f);
	mach_port_deallocate(mach_task_self(), other);
	mach_port_mod_refs(mach_task_self(), other, MACH_PORT_RIGHT_RECEIVE, -1);

	/* dir_mkfile: a file with no name; dir_link names it. */
	CHECK_EQ(dir_mkfile(d, HURD_O_READ | HURD_O_WRITE, 0640, &node), 0);
	CHECK_EQ(write_all(node, "anonymous", 9, 0), 0);
	CHECK_EQ(io_stat(node, &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(dir_link(d2, node, "named", 1), 0);
	CHECK(linux_exists("rd/named"));
	drop(node);

	/* Symlinks the Hurd's way (glibc's symlink): dir_mkfile,
	 * file_set_translator with /hurd/symlink, dir_link. */
	const char trans[] = _HURD_SYMLINK "\0" "rd/named";
	CHECK_EQ(dir_mkfile(d, HURD_O_WRITE, 0777, &node), 0);
	CHECK_EQ(file_set_translator(node, FS_TRANS_EXCL | FS_TRANS_SET,
				     FS_TRANS_EXCL | FS_TRANS_SET, 0, trans, sizeof trans,
				     MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND), 0);
	CHECK_EQ(io_stat(node, &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(dir_link(d, node, "sym", 1), 0);
	n = readlink(linux_path(&fs, "sym", path), buf, sizeof buf - 1);
	CHECK_EQ(n, 8);
	if (n == 8)
		CHECK(memcmp(buf, "rd/named", 8) == 0);
	CHECK_EQ(io_stat(node, &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	drop(node);
	CHECK_EQ(lookup(root, "sym", O_READ, 0, &f), 0);	/* followed */
	if (f != MACH_PORT_NULL) {
		char data[16];
		size_t got;

		CHECK_EQ(read_all(f, data, sizeof data, 0, &got), 0);
		CHECK(got == 9 && memcmp(data, "anonymous", 9) == 0);
	}
	drop(f);

	/* Making a type the Linux file cannot have stores a passive
	 * translator instead: a fifo on an existing file. */
	linux_write(&fs, "notfifo", "", 0644);
	CHECK_EQ(lookup(root, "notfifo", O_READ | O_NOTRANS, 0, &f), 0);
	CHECK_EQ(file_set_translator(f, FS_TRANS_SET, 0, 0, _HURD_FIFO, sizeof _HURD_FIFO,
				     MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND), 0);
	CHECK_EQ(io_stat(f, &st), 0);
	CHECK(st.st_mode & S_IPTRANS);
	CHECK(S_ISREG(st.st_mode));
	drop(f);

	drop(d2);
	drop(d);
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

	test_lookup_protocol();
	test_readdir();
	test_changes();

	drop(root);
	CHECK_EQ(rootfs_stop(&fs), 0);
	return TEST_DONE();
}

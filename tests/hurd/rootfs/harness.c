/* The rootfs tests' harness (harness.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hell/hell.h>
#include <mach/mach_error.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>
#include <hurd/io.h>
#include "harness.h"
#include "startup_wait_S.h"

uid_t test_uid;
gid_t test_gid;

boolean_t test_fshelp_startup_wait_server(mach_msg_header_t *request, mach_msg_header_t *reply);

/* The control port the fsys_startup being served brought. */
static mach_port_t started_control;

kern_return_t
test_S_fsys_startup(mach_port_t bootstrap, int openflags, mach_port_t control,
			    mach_port_t *realnode, mach_msg_type_name_t *realnode_type)
{
	(void) bootstrap, (void) openflags;
	started_control = control;
	/* startup gives the root file system no node to sit on. */
	*realnode = MACH_PORT_NULL;
	*realnode_type = MACH_MSG_TYPE_COPY_SEND;
	return 0;
}

/* Serve one fsys_startup on BOOTSTRAP, waiting at most 20 s. */
static error_t
serve_startup(mach_port_t bootstrap)
{
	union {
		mach_msg_header_t head;
		char buf[4096];
	} request, reply;
	mach_msg_return_t mr;

	started_control = MACH_PORT_NULL;
	mr = mach_msg(&request.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof request,
		      bootstrap, 20000, MACH_PORT_NULL);
	if (mr != MACH_MSG_SUCCESS) {
		fprintf(stderr, "harness: no fsys_startup from rootfs: %s\n",
			mach_error_string(mr));
		return mr;
	}
	if (!test_fshelp_startup_wait_server(&request.head, &reply.head) || !MACH_PORT_VALID(started_control)) {
		fprintf(stderr, "harness: not an fsys_startup (id %d)\n", request.head.msgh_id);
		mach_msg_destroy(&request.head);
		return EPROTO;
	}
	mr = mach_msg(&reply.head, MACH_SEND_MSG, reply.head.msgh_size, 0, MACH_PORT_NULL,
		      MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	return mr;
}

error_t
rootfs_start(struct rootfs *fs, const char *rootfs_path, char *const extra[])
{
	struct hell_spawn_ports ports = { 0 };
	char *argv[16];
	mach_port_t bootstrap;
	int argc = 0;
	error_t err;

	test_uid = getuid();
	test_gid = getgid();
	memset(fs, 0, sizeof *fs);
	snprintf(fs->dir, sizeof fs->dir, "/tmp/hell-rootfs-test-XXXXXX");
	if (mkdtemp(fs->dir) == NULL) {
		perror("mkdtemp");
		return errno;
	}
	chmod(fs->dir, 0755);

	argv[argc++] = (char *) rootfs_path;
	for (int i = 0; extra != NULL && extra[i] != NULL && argc < 14; i++)
		argv[argc++] = extra[i];
	argv[argc++] = fs->dir;
	argv[argc] = NULL;

	err = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &bootstrap);
	if (!err)
		err = mach_port_insert_right(mach_task_self(), bootstrap, bootstrap,
					     MACH_MSG_TYPE_MAKE_SEND);
	if (err)
		return err;
	ports.bootstrap = bootstrap;
	err = hell_task_spawn(rootfs_path, argv, NULL, &ports, &fs->task, &fs->pid);
	mach_port_deallocate(mach_task_self(), bootstrap);
	if (err) {
		fprintf(stderr, "harness: cannot start %s: %s\n", rootfs_path,
			mach_error_string(err));
		mach_port_mod_refs(mach_task_self(), bootstrap, MACH_PORT_RIGHT_RECEIVE, -1);
		return err;
	}
	err = serve_startup(bootstrap);
	mach_port_mod_refs(mach_task_self(), bootstrap, MACH_PORT_RIGHT_RECEIVE, -1);
	if (err)
		return err;
	fs->control = started_control;
	return 0;
}

error_t
rootfs_root(struct rootfs *fs, const struct ids *ids, int flags, mach_port_t *root)
{
	retry_type retry;
	string_t retry_name;
	error_t err;

	*root = MACH_PORT_NULL;
	err = fsys_getroot(fs->control, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND,
			   ids->uids, ids->nuids, ids->gids, ids->ngids,
			   hurd_openflags_to_wire(flags), &retry, retry_name, root);
	if (!err && (retry != FS_RETRY_NORMAL || retry_name[0] != '\0')) {
		drop(*root);
		*root = MACH_PORT_NULL;
		return EAGAIN;
	}
	return err;
}

static int
remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void) st, (void) ftw;
	if (type == FTW_DP)
		chmod(path, 0700);
	return remove(path);
}

/* Let everything below PATH be removed (tests take permissions away). */
static int
open_up(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void) ftw;
	if (type == FTW_D || type == FTW_DNR)
		chmod(path, (st->st_mode & 07777) | 0700);
	return 0;
}

error_t
rootfs_stop(struct rootfs *fs)
{
	error_t err = 0;
	int status;

	if (MACH_PORT_VALID(fs->control)) {
		err = fsys_goaway(fs->control, FSYS_GOAWAY_FORCE);
		if (err)
			fprintf(stderr, "harness: fsys_goaway: %s\n", strerror(err));
		drop(fs->control);
		fs->control = MACH_PORT_NULL;
	}
	if (fs->pid > 0) {
		if (err)
			kill(fs->pid, SIGKILL);
		if (waitpid(fs->pid, &status, 0) != fs->pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "harness: rootfs ended badly (status %#x)\n", status);
			if (!err)
				err = EIO;
		}
		fs->pid = 0;
	}
	drop(fs->task);
	fs->task = MACH_PORT_NULL;
	nftw(fs->dir, open_up, 16, FTW_PHYS);
	nftw(fs->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return err;
}

error_t
lookup_raw(mach_port_t dir, const char *name, int flags, mode_t mode, retry_type *retry,
	   char *retry_name, mach_port_t *file)
{
	*file = MACH_PORT_NULL;
	return dir_lookup(dir, name, hurd_openflags_to_wire(flags), mode, retry, retry_name,
			  file);
}

error_t
lookup(mach_port_t dir, const char *name, int flags, mode_t mode, mach_port_t *file)
{
	retry_type retry;
	string_t retry_name;
	error_t err = lookup_raw(dir, name, flags, mode, &retry, retry_name, file);

	if (!err && (retry != FS_RETRY_NORMAL || retry_name[0] != '\0')) {
		drop(*file);
		*file = MACH_PORT_NULL;
		return EAGAIN;
	}
	return err;
}

error_t
write_all(mach_port_t file, const void *data, size_t len, loff_t offset)
{
	size_t done = 0;

	while (done < len) {
		vm_size_t amount = 0;
		error_t err = io_write(file, (const char *) data + done, len - done,
				       offset == -1 ? -1 : offset + (loff_t) done, &amount);

		if (err)
			return err;
		if (amount == 0)
			return EIO;
		done += amount;
	}
	return 0;
}

error_t
read_all(mach_port_t file, void *buf, size_t len, loff_t offset, size_t *got)
{
	*got = 0;
	while (*got < len) {
		char *data = (char *) buf + *got;
		mach_msg_type_number_t n = len - *got;
		error_t err = io_read(file, &data, &n, offset == -1 ? -1 : offset + (loff_t) *got,
				      len - *got);

		if (err)
			return err;
		if (data != (char *) buf + *got) {
			/* Came out of line. */
			memcpy((char *) buf + *got, data, n < len - *got ? n : len - *got);
			vm_deallocate(mach_task_self(), (vm_address_t) data, n);
		}
		if (n == 0)
			break;
		*got += n;
	}
	return 0;
}

const char *
linux_path(const struct rootfs *fs, const char *name, char *buf)
{
	if ((size_t) snprintf(buf, PATH_MAX, "%s/%s", fs->dir, name) >= PATH_MAX)
		buf[0] = '\0';
	return buf;
}

void
linux_write(const struct rootfs *fs, const char *name, const char *content, mode_t mode)
{
	char path[PATH_MAX];
	int fd = open(linux_path(fs, name, path), O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t) strlen(content))
		perror(path);
	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

void
drop(mach_port_t port)
{
	if (MACH_PORT_VALID(port))
		mach_port_deallocate(mach_task_self(), port);
}

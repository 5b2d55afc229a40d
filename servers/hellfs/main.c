/* hellfs: mount a Hurd node on Linux (docs/hellfs.md).
 *
 * usage: hellfs [--node PATH] [-o OPT[,OPT...]] [--ready-fd N] MOUNTPOINT
 *
 * Users start it with `hell mount`, which runs it as a task of their
 * environment (HELL_SOCKET), in the background, and waits for its word
 * on the ready descriptor: "ok", or the reason it could not mount, which
 * `hell mount` prints.  hellfs serves until it is unmounted (fusermount3
 * -u, hell umount) or told to stop (SIGTERM, SIGINT, SIGHUP: it then
 * unmounts, lazily if the mount is busy).  */
#include "hellfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct hellfs_options hellfs_opt = {
	.timeout = 1.0,
	.rpc_timeout = 30,
	.max_ports = 1024,
};
uint64_t hellfs_rootfs_fsid;

static int ready_fd = -1;

static const struct fuse_lowlevel_ops ops = {
	.lookup = hellfs_lookup,
	.forget = hellfs_forget,
	.forget_multi = hellfs_forget_multi,
	.getattr = hellfs_getattr,
	.setattr = hellfs_setattr,
	.readlink = hellfs_readlink,
	.mknod = hellfs_mknod,
	.mkdir = hellfs_mkdir,
	.unlink = hellfs_unlink,
	.rmdir = hellfs_rmdir,
	.symlink = hellfs_symlink,
	.rename = hellfs_rename,
	.link = hellfs_link,
	.open = hellfs_open,
	.read = hellfs_read,
	.write = hellfs_write,
	.flush = hellfs_flush,
	.release = hellfs_release,
	.fsync = hellfs_fsync,
	.opendir = hellfs_opendir,
	.readdir = hellfs_readdir,
	.readdirplus = hellfs_readdirplus,
	.releasedir = hellfs_releasedir,
	.fsyncdir = hellfs_fsyncdir,
	.statfs = hellfs_statfs,
	.access = hellfs_access,
	.create = hellfs_create,
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: hellfs [--node PATH] [-o OPT[,OPT...]] [--ready-fd N] MOUNTPOINT\n"
		"\n"
		"Mount the HELL name space (or, with --node, the Hurd node PATH alone) on\n"
		"the Linux directory MOUNTPOINT, so that Linux programs use Hurd\n"
		"translators.  Run it with `hell mount`, which starts it in your running\n"
		"environment.\n"
		"\n"
		"options (-o):\n"
		"  timeout=SECS       how long the kernel may cache names and attributes\n"
		"                     (default 1; 0: ask the Hurd every time)\n"
		"  rpc_timeout=SECS   a Hurd RPC that takes longer fails with EIO\n"
		"                     (default 30)\n"
		"  max_ports=N        node ports kept at once (default 1024, at least 16)\n"
		"  ro                 read-only\n"
		"  allow_other        let other users in (needs user_allow_other in\n"
		"                     /etc/fuse.conf); the kernel then checks permissions\n"
		"                     (default_permissions), since every request runs with\n"
		"                     the mounting user's Hurd identity\n"
		"  anything else      passed to FUSE (see fuse(8))\n"
		"  --ready-fd N       write \"ok\" or the error, a line, to descriptor N once mounted\n");
}

/* Say why hellfs cannot mount, to the ready descriptor (hell mount prints
 * it) and to standard error, and exit.  */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "hellfs: %s\n", msg);
	if (ready_fd >= 0) {
		(void) !write(ready_fd, msg, strlen(msg));
		(void) !write(ready_fd, "\n", 1);
		close(ready_fd);
	}
	exit(1);
}

static void
ready(void)
{
	if (ready_fd >= 0) {
		(void) !write(ready_fd, "ok\n", 3);
		close(ready_fd);
		ready_fd = -1;
	}
}

static unsigned
number(const char *opt, const char *val, unsigned min)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(val, &end, 10);
	if (errno || *end || end == val || n < min || n > UINT_MAX)
		fail("-o %s: want a whole number of at least %u", opt, min);
	return (unsigned) n;
}

/* Take hellfs's own options out of the -o list OPTS; the rest go to
 * FUSE (appended to *FUSE_OPTS).  */
static void
parse_o(char *opts, char **fuse_opts)
{
	for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '='), *more;

		if (eq && !strncmp(o, "timeout=", 8)) {
			char *end;

			hellfs_opt.timeout = strtod(eq + 1, &end);
			if (*end || end == eq + 1 || hellfs_opt.timeout < 0)
				fail("-o timeout: want a number of seconds");
			continue;
		}
		if (eq && !strncmp(o, "rpc_timeout=", 12)) {
			hellfs_opt.rpc_timeout = number("rpc_timeout", eq + 1, 1);
			continue;
		}
		if (eq && !strncmp(o, "max_ports=", 10)) {
			hellfs_opt.max_ports = number("max_ports", eq + 1, 16);
			continue;
		}
		if (!strcmp(o, "ro"))
			hellfs_opt.read_only = true;
		if (!strcmp(o, "allow_other"))
			hellfs_opt.allow_other = true;
		if (asprintf(&more, "%s%s%s", *fuse_opts ? *fuse_opts : "",
			     *fuse_opts ? "," : "", o) < 0)
			fail("out of memory");
		free(*fuse_opts);
		*fuse_opts = more;
	}
}

/* Whether FUSE can work here; if not, say what to do.  */
static void
check_fuse(void)
{
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return;
	}
	if (errno == ENOENT)
		fail("/dev/fuse is missing: load the fuse module (modprobe fuse), or in a "
		     "container start it with --device /dev/fuse");
	fail("cannot open /dev/fuse: %s (check its permissions, 0666 on most systems, "
	     "and that fusermount3 is installed: Debian package fuse3)", strerror(errno));
}

/* Make sure MOUNTPOINT suits a root of type TYPE: a directory for a
 * directory, a non-directory otherwise (FUSE's root takes the type of
 * what it covers).  A missing mount point is made.  */
static void
check_mountpoint(const char *mnt, mode_t type)
{
	struct stat st;

	if (stat(mnt, &st) < 0) {
		if (errno != ENOENT)
			fail("%s: %s", mnt, strerror(errno));
		if (type == S_IFDIR) {
			if (mkdir(mnt, 0755) < 0)
				fail("cannot make the mount point %s: %s", mnt, strerror(errno));
		} else {
			int fd = open(mnt, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

			if (fd < 0)
				fail("cannot make the mount point %s: %s", mnt, strerror(errno));
			close(fd);
		}
		return;
	}
	if (type == S_IFDIR && !S_ISDIR(st.st_mode))
		fail("%s is not a directory, but the node to mount is one", mnt);
	if (type != S_IFDIR && S_ISDIR(st.st_mode))
		fail("%s is a directory, but the node to mount is not: mount it on a file "
		     "(a missing MOUNTPOINT is made as one)", mnt);
}

/* The node to mount: the HELL root, or PATH in it.  Also learns rootfs's
 * file system id.  */
static mach_port_t
root_port(const char *path)
{
	mach_port_t crdir = getcrdir(), port;
	io_statbuf_t st;
	error_t err;

	if (crdir == MACH_PORT_NULL)
		fail("no Hurd root file system: is the environment up with its servers "
		     "(hell up, not hell up --bare)? (%s)", hurd_strerror(errno));
	err = io_stat(crdir, &st);
	if (err)
		fail("the root file system does not answer: %s", hurd_strerror(err));
	hellfs_rootfs_fsid = st.st_fsid;
	if (!path)
		return crdir;
	port = file_name_lookup(path, 0, 0);
	if (port == MACH_PORT_NULL)
		fail("%s: %s", path, hurd_strerror(errno));
	mach_port_deallocate(mach_task_self(), crdir);
	return port;
}

/* A thread that waits on a port nobody will send to, so that hellfs
 * learns at once when machd goes away (hell down after a crash, machd
 * killed): libmach then ends the process with HELL_EXIT_MACHD_GONE, and
 * FUSE's auto_unmount helper removes the mount.  Without it an idle
 * hellfs would notice only at its next request.  */
static void *
watch_machd(void *unused)
{
	mach_port_t port;
	struct {
		mach_msg_header_t head;
		char room[256];
	} msg;

	(void) unused;
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port) != KERN_SUCCESS)
		return NULL;
	for (;;)
		mach_msg(&msg.head, MACH_RCV_MSG, 0, sizeof msg, port, MACH_MSG_TIMEOUT_NONE,
			 MACH_PORT_NULL);
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *node = NULL, *mnt = NULL;
	char *fuse_opts = NULL;
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_session *se;
	struct fuse_loop_config *loop;
	mach_port_t root;
	int result;

	/* The ready descriptor first, so that any complaint about the
	 * other arguments reaches hell mount.  */
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--ready-fd")) {
			ready_fd = (int) number("--ready-fd", argv[i + 1], 0);
			/* Not for fusermount3 and the like to inherit: hell
			 * mount reads up to the end of the line.  */
			fcntl(ready_fd, F_SETFD, FD_CLOEXEC);
		}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--node") && i + 1 < argc) {
			node = argv[++i];
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			parse_o(argv[++i], &fuse_opts);
		} else if (!strncmp(argv[i], "-o", 2) && argv[i][2]) {
			parse_o(argv[i] + 2, &fuse_opts);
		} else if (!strcmp(argv[i], "--ready-fd") && i + 1 < argc) {
			i++;	/* taken above */
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' || mnt) {
			usage(stderr);
			fail("unexpected argument %s", argv[i]);
		} else {
			mnt = argv[i];
		}
	}
	if (!mnt) {
		usage(stderr);
		fail("which mount point?");
	}

	check_fuse();
	root = root_port(node);
	if (hellfs_node_init_root(root) != 0)
		fail("%s does not answer io_stat", node ? node : "the root");
	check_mountpoint(mnt, hellfs_node_root()->type);
	hellfs_call_setup();

	/* FUSE's options: a name Linux shows in /proc/mounts, and the mount
	 * goes away with hellfs even if hellfs is killed (auto_unmount).  */
	if (fuse_opt_add_arg(&args, "hellfs") != 0 ||
	    fuse_opt_add_arg(&args, "-o") != 0 ||
	    fuse_opt_add_arg(&args, "fsname=hellfs,subtype=hellfs,auto_unmount") != 0)
		fail("out of memory");
	if (hellfs_opt.allow_other &&
	    (fuse_opt_add_arg(&args, "-o") != 0 || fuse_opt_add_arg(&args, "default_permissions") != 0))
		fail("out of memory");
	if (fuse_opts && (fuse_opt_add_arg(&args, "-o") != 0 || fuse_opt_add_arg(&args, fuse_opts) != 0))
		fail("out of memory");
	se = fuse_session_new(&args, &ops, sizeof ops, NULL);
	if (!se)
		fail("FUSE refused the options (%s)", fuse_opts ? fuse_opts : "none");
	if (fuse_set_signal_handlers(se) != 0)
		fail("cannot set signal handlers");
	if (fuse_session_mount(se, mnt) != 0)
		fail("cannot mount on %s: FUSE refused (fusermount3's or libfuse's message "
		     "precedes this one in hellfs's output; is fusermount3 installed, is "
		     "/dev/fuse a working FUSE device, and is allow_other allowed in "
		     "/etc/fuse.conf if you asked for it?)", mnt);
	ready();
	{
		pthread_t watcher;

		if (pthread_create(&watcher, NULL, watch_machd, NULL) == 0)
			pthread_detach(watcher);
	}

	loop = fuse_loop_cfg_create();
	if (!loop)
		fail("out of memory");
	fuse_loop_cfg_set_clone_fd(loop, 0);
	fuse_loop_cfg_set_idle_threads(loop, 8);
	fuse_loop_cfg_set_max_threads(loop, 32);
	result = fuse_session_loop_mt(se, loop);
	fuse_loop_cfg_destroy(loop);

	fuse_session_unmount(se);
	fuse_remove_signal_handlers(se);
	fuse_session_destroy(se);
	fuse_opt_free_args(&args);
	free(fuse_opts);
	return result < 0 ? 1 : 0;
}

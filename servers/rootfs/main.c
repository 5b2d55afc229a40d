/* rootfs: serve a Linux directory as a Hurd file system (see rootfs.h).
 *
 *   rootfs [OPTIONS] DIR
 *
 * Started as a translator: it calls fsys_startup on its bootstrap port
 * (startup's, or a file system's that starts it as a passive translator)
 * and then serves until told to go away (fsys_goaway) or idle and unused.
 * As the root file system (its task has no root directory of its own) it
 * makes its root and working directories its own root, so that names it
 * looks up itself (/hurd/..., /servers/exec) resolve inside the HELL root
 * as they do for every other task. */
#include <argp.h>
#include <argz.h>
#include <error.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <hurd.h>
#include "rootfs.h"

char *netfs_server_name = "rootfs";
char *netfs_server_version = "HELL";

int rootfs_dirfd = -1;
struct rootfs_id rootfs_root_id;

enum own_root { OWN_ROOT_AUTO, OWN_ROOT_YES, OWN_ROOT_NO };

struct rootfs_options {
	const char *dir;
	enum own_root own_root;
};

static const struct argp_option options[] = {
	{ "timeout", 't', "MS", 0,
	  "How long a passive translator may take to start (default 30000)", 0 },
	{ "own-root", 'r', NULL, 0,
	  "Resolve our own absolute names in the directory we serve", 0 },
	{ "inherit-root", 'R', NULL, 0,
	  "Resolve our own absolute names in the root we were given", 0 },
	{ 0 }
};

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	struct rootfs_options *o = state->input;
	char *end;
	long ms;

	switch (key) {
	case 't':
		ms = strtol(arg, &end, 10);
		if (*end != '\0' || ms < 0 || ms > 24L * 3600 * 1000)
			argp_error(state, "bad timeout: %s", arg);
		fshelp_fetch_root_timeout = (int) ms;
		break;
	case 'r':
		o->own_root = OWN_ROOT_YES;
		break;
	case 'R':
		o->own_root = OWN_ROOT_NO;
		break;
	case ARGP_KEY_ARG:
		if (o->dir != NULL)
			argp_error(state, "only one directory");
		o->dir = arg;
		break;
	case ARGP_KEY_END:
		if (o->dir == NULL)
			argp_error(state, "no directory to serve");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	options, parse_opt, "DIR", "Serve the Linux directory DIR as a Hurd file system.",
	NULL, NULL, NULL
};

/* Run-time options (fsys_set_options, fsysopts): the timeout only. */
static const struct argp_option runtime_options[] = {
	{ "timeout", 't', "MS", 0,
	  "How long a passive translator may take to start", 0 },
	{ 0 }
};

static error_t
parse_runtime_opt(int key, char *arg, struct argp_state *state)
{
	char *end;
	long ms;

	switch (key) {
	case 't':
		ms = strtol(arg, &end, 10);
		if (*end != '\0' || ms < 0 || ms > 24L * 3600 * 1000)
			return EINVAL;
		fshelp_fetch_root_timeout = (int) ms;
		return 0;
	case ARGP_KEY_ARG:
		return EINVAL;	/* the directory is fixed */
	default:
		return ARGP_ERR_UNKNOWN;
	}
	(void) state;
}

static struct argp runtime_argp = {
	runtime_options, parse_runtime_opt, NULL, NULL, NULL, NULL, NULL
};
struct argp *netfs_runtime_argp = &runtime_argp;

static const char *served_dir;

/* fsys_get_options: our options, then the directory. */
error_t
netfs_append_args(char **argz, size_t *argz_len)
{
	char buf[64];
	error_t err;

	snprintf(buf, sizeof buf, "--timeout=%d", fshelp_fetch_root_timeout);
	err = argz_add(argz, argz_len, buf);
	if (!err)
		err = argz_add(argz, argz_len, served_dir);
	return err;
}

/* Fds: rootfs holds one per node in use; let it have all it may. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Make our root and working directories ports to our own root, for the
 * file system itself (uid 0 inside HELL). */
static void
use_own_root(void)
{
	struct iouser *user;
	struct protid *cred;
	mach_port_t right;

	if (iohelp_create_simple_iouser(&user, 0, 0) != 0)
		error(1, ENOMEM, "own root");
	pthread_mutex_lock(&netfs_root_node->lock);
	cred = netfs_make_protid(netfs_make_peropen(netfs_root_node, O_READ | O_EXEC, NULL),
				 user);
	pthread_mutex_unlock(&netfs_root_node->lock);
	if (cred == NULL)
		error(1, errno, "own root");
	right = ports_get_send_right(cred);
	ports_port_deref(cred);
	mach_port_mod_refs(mach_task_self(), right, MACH_PORT_RIGHT_SEND, 1);
	_hurd_port_set(&_hurd_ports[INIT_PORT_CRDIR], right);
	_hurd_port_set(&_hurd_ports[INIT_PORT_CWDIR], right);
}

int
main(int argc, char **argv)
{
	struct rootfs_options o = { .dir = NULL, .own_root = OWN_ROOT_AUTO };
	mach_port_t bootstrap, underlying, crdir;
	struct stat st;
	error_t err;
	int fd;

	argp_parse(&argp, argc, argv, 0, NULL, &o);
	served_dir = o.dir;

	rootfs_dirfd = open(o.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfs_dirfd < 0)
		error(1, errno, "%s", o.dir);
	if (fstat(rootfs_dirfd, &st) < 0)
		error(1, errno, "%s", o.dir);
	rootfs_root_id.dev = st.st_dev;
	rootfs_root_id.ino = st.st_ino;
	umask(0);		/* clients' modes come with their umask applied */
	raise_fd_limit();

	netfs_init();
	fd = dup(rootfs_dirfd);
	if (fd < 0)
		error(1, errno, "dup");
	/* The root node keeps the reference made here for ever. */
	err = rootfs_make_root(fd, &netfs_root_node);
	if (err)
		error(1, err, "%s", o.dir);
	pthread_mutex_lock(&netfs_root_node->lock);
	err = rootfs_refresh_stat(netfs_root_node);
	pthread_mutex_unlock(&netfs_root_node->lock);
	if (err)
		error(1, err, "%s", o.dir);

	if (task_get_bootstrap_port(mach_task_self(), &bootstrap) != KERN_SUCCESS ||
	    !MACH_PORT_VALID(bootstrap))
		error(1, 0, "no bootstrap port: rootfs runs as a translator "
			    "(startup, settrans or a file system start it)");
	underlying = netfs_startup(bootstrap, O_READ);
	if (MACH_PORT_VALID(underlying))
		mach_port_deallocate(mach_task_self(), underlying);

	if (o.own_root == OWN_ROOT_AUTO) {
		crdir = getcrdir();
		if (MACH_PORT_VALID(crdir))
			mach_port_deallocate(mach_task_self(), crdir);
		o.own_root = MACH_PORT_VALID(crdir) ? OWN_ROOT_NO : OWN_ROOT_YES;
	}
	if (o.own_root == OWN_ROOT_YES)
		use_own_root();

	netfs_server_loop();
	return 0;
}

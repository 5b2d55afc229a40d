/* fsysopts: show or change the runtime options of a running translator,
 * as the Hurd's.
 *
 * Without options: the options of the file system FILESYS belongs to
 * (file_get_fs_options), printed on one line.  With options: they go to
 * the file system's control port (file_getcontrol, fsys_set_options).  */

#include <argp.h>
#include <argz.h>
#include <error.h>
#include <hurd.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

static char *node_name;
static char *argz;
static size_t argz_len;
static int deref, recursive;

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	error_t err;

	switch (key) {
	case ARGP_KEY_ARG:
		node_name = arg;
		err = argz_create(state->argv + state->next, &argz, &argz_len);
		if (err)
			error(3, err, "Can't create options vector");
		state->next = state->argc;	/* the rest are options for FILESYS */
		break;
	case 'R': recursive = 1; break;
	case 'L': deref = 1; break;
	case ARGP_KEY_NO_ARGS:
		argp_usage(state);	/* exits */
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_option options[] = {
	{ "dereference", 'L', 0, 0, "If FILESYS is a symbolic link, follow it", 0 },
	{ "recursive", 'R', 0, 0, "Pass these options to any child translators", 0 },
	{ 0 }
};

static const struct argp argp = {
	options, parse_opt, "FILESYS [FS_OPTION...]",
	"Get or set command line options for running translator FILESYS."
	"\vThe legal values for FS_OPTION depend on FILESYS, but some common ones"
	" are: --readonly, --writable, --update, --sync[=INTERVAL], and --nosync."
	"\n\nIf no options are supplied, FILESYS's existing options are printed.",
	0, 0, 0
};

int
main(int argc, char *argv[])
{
	file_t node;
	error_t err;

	argp_parse(&argp, argc, argv, ARGP_IN_ORDER, 0, 0);

	node = file_name_lookup(node_name, deref ? 0 : O_NOLINK, 0666);
	if (node == MACH_PORT_NULL)
		error(1, 0, "%s: %s", node_name, hurd_strerror(errno));

	if (argz_len) {
		fsys_t fsys;

		err = file_getcontrol(node, &fsys);
		if (err)
			error(2, 0, "%s: %s", node_name, hurd_strerror(err));
		err = fsys_set_options(fsys, argz, (mach_msg_type_number_t) argz_len, recursive);
		mach_port_deallocate(mach_task_self(), fsys);
		if (err) {
			argz_stringify(argz, argz_len, ' ');
			error(5, 0, "%s: %s: %s", node_name, argz, hurd_strerror(err));
		}
	} else {
		char buf[1024];
		data_t opts = buf;
		mach_msg_type_number_t len = sizeof buf;

		err = file_get_fs_options(node, &opts, &len);
		if (err)
			error(5, 0, "%s: %s", node_name, hurd_strerror(err));
		argz_stringify(opts, len, ' ');
		printf("%.*s\n", (int) (len && opts[len - 1] == '\0' ? len - 1 : len), opts);
		if (opts != buf)
			vm_deallocate(mach_task_self(), (vm_address_t) opts, len);
	}
	mach_port_deallocate(mach_task_self(), node);
	free(argz);
	return 0;
}

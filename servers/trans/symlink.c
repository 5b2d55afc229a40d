/* symlink: a translator whose node is a symbolic link to TARGET.
 *
 *   settrans /link /hurd/symlink TARGET
 *
 * As on the Hurd, following the link is the client's work: a lookup that
 * reaches the node (fsys_getroot) is answered with a retry, so the client
 * looks TARGET up itself, in its own name space and with its own ids:
 *   - a relative TARGET: FS_RETRY_REAUTH with TARGET on the directory
 *     that holds the link (the dotdot node the lookup came through);
 *   - an absolute TARGET: FS_RETRY_MAGICAL with TARGET, which the client
 *     resolves from its root directory.
 * A lookup with O_NOLINK (lstat, readlink) opens the link itself
 * (link_node.c): a symbolic link of TARGET's length that reads as
 * TARGET. */
#include <hurd/trivfs.h>

#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "link_node.h"
#include "translator.h"

int trivfs_fstype = FSTYPE_MISC;
int trivfs_fsid = 0;
int trivfs_support_read = 1;
int trivfs_support_write = 0;
int trivfs_support_exec = 0;
int trivfs_allow_open = O_READ;

char *trivfs_server_name = "symlink";
char *trivfs_server_version = HELL_VERSION;

/* Send the client on to the target, unless it asked for the link itself. */
static error_t
symlink_getroot(struct trivfs_control *cntl, mach_port_t reply,
		mach_msg_type_name_t reply_type, mach_port_t dotdot,
		const uid_t *uids, mach_msg_type_number_t nuids,
		const uid_t *gids, mach_msg_type_number_t ngids,
		int flags, retry_type *do_retry, char *retry_name,
		mach_port_t *node, mach_msg_type_name_t *node_type)
{
	if (flags & O_NOLINK)
		return EAGAIN;	/* trivfs opens our node */
	memcpy(retry_name, node_text, node_text_len + 1);
	if (node_text[0] == '/') {
		*do_retry = FS_RETRY_MAGICAL;
		*node = MACH_PORT_NULL;
		*node_type = MACH_MSG_TYPE_COPY_SEND;
		/* The lookup does not go on through dotdot: ours to drop. */
		if (MACH_PORT_VALID(dotdot))
			mach_port_deallocate(mach_task_self(), dotdot);
	} else {
		*do_retry = FS_RETRY_REAUTH;
		*node = dotdot;
		*node_type = MACH_MSG_TYPE_MOVE_SEND;
	}
	return 0;
}

trivfs_getroot_hook_fun trivfs_getroot_hook = symlink_getroot;

error_t
trivfs_goaway(struct trivfs_control *cntl, int flags)
{
	exit(0);
}

static struct argp symlink_argp = {
	NULL, link_node_parse_opt, "TARGET",
	"A translator for symbolic links: the node is a link to TARGET, which the "
	"client looks up in its own name space."
};

int
main(int argc, char **argv)
{
	struct trivfs_control *fsys;

	argp_parse(&symlink_argp, argc, argv, 0, NULL, NULL);
	fsys = translator_startup();

	ports_manage_port_operations_multithread(fsys->pi.bucket, trivfs_demuxer,
						 2 * 60 * 1000, 0, NULL);
	return 0;
}

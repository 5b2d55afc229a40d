/* firmlink: a translator whose node leads to TARGET, looked up in the
 * translator's own name space.
 *
 *   settrans /link /hurd/firmlink TARGET
 *
 * Half-way between a symbolic and a hard link, as on the Hurd: like a
 * symbolic link it refers to TARGET by name, but the translator does the
 * lookup (file_name_lookup, with its own root and working directory and
 * the client's open flags), and the node it hands back is reparented
 * (file_reparent) under the directory the link is in, so that ".." from
 * the target leads back where the client came from.  The client gets it
 * with FS_RETRY_REAUTH and no ids (io_restrict_auth), so it reauthenticates
 * with its own.  When TARGET does not exist, the node opens as itself
 * (link_node.c): a symbolic link that reads as TARGET. */
#include <hurd/trivfs.h>
#include <hurd.h>

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

char *trivfs_server_name = "firmlink";
char *trivfs_server_version = HELL_VERSION;

/* The node TARGET names, opened with FLAGS, reparented under PARENT and
 * stripped of ids, in *LINK.  PARENT is consumed on success only. */
static error_t
firmlink_lookup(mach_port_t parent, int flags, mach_port_t *link)
{
	mach_port_t target, reparented;
	error_t err;

	target = file_name_lookup(node_text, flags & ~(O_CREAT | O_EXCL), 0);
	if (target == MACH_PORT_NULL)
		return errno;
	err = file_reparent(target, parent, &reparented);
	mach_port_deallocate(mach_task_self(), target);
	if (err)
		return err;
	err = io_restrict_auth(reparented, link, NULL, 0, NULL, 0);
	mach_port_deallocate(mach_task_self(), reparented);
	if (!err && MACH_PORT_VALID(parent))
		mach_port_deallocate(mach_task_self(), parent);
	return err;
}

static error_t
firmlink_getroot(struct trivfs_control *cntl, mach_port_t reply,
		 mach_msg_type_name_t reply_type, mach_port_t dotdot,
		 const uid_t *uids, mach_msg_type_number_t nuids,
		 const uid_t *gids, mach_msg_type_number_t ngids,
		 int flags, retry_type *do_retry, char *retry_name,
		 mach_port_t *node, mach_msg_type_name_t *node_type)
{
	error_t err = firmlink_lookup(dotdot, flags, node);

	if (err == ENOENT)
		return EAGAIN;	/* no target: trivfs opens our node */
	if (err)
		return err;
	*do_retry = FS_RETRY_REAUTH;
	retry_name[0] = '\0';
	*node_type = MACH_MSG_TYPE_MOVE_SEND;
	return 0;
}

trivfs_getroot_hook_fun trivfs_getroot_hook = firmlink_getroot;

/* Go when nobody has the link node open, or when forced. */
error_t
trivfs_goaway(struct trivfs_control *cntl, int flags)
{
	return translator_goaway_unless_open(cntl, flags);
}

static struct argp firmlink_argp = {
	NULL, link_node_parse_opt, "TARGET",
	"A translator for firmlinks: the node leads to TARGET, looked up in the "
	"translator's name space, with \"..\" leading back to the link's directory."
};

error_t
trivfs_get_source(char *source, size_t source_len)
{
	if (node_text_len >= source_len)
		return ENAMETOOLONG;
	memcpy(source, node_text, node_text_len + 1);
	return 0;
}

int
main(int argc, char **argv)
{
	struct trivfs_control *fsys;

	argp_parse(&firmlink_argp, argc, argv, 0, NULL, NULL);
	fsys = translator_startup();

	ports_manage_port_operations_multithread(fsys->pi.bucket, trivfs_demuxer,
						 2 * 60 * 1000, 0, NULL);
	return 0;
}

/* parent: see parent.h.
 *
 * Each underlying node is one receive right served by its own thread
 * (mach_msg_server on that right); the node is found by its port name
 * among the nodes the test started (nodes[], under nodes_lock).  A node
 * stops being served when parent_reap destroys its receive right: the
 * thread's receive fails and it ends. */
#include "parent.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hell/hell.h>
#include <mach/mach_error.h>
#include <hurd/fsys.h>

#include "parent_io_S.h"
#include "parent_fs_S.h"
#include "parent_fsys_S.h"

#define MAX_NODES 16

static struct parent_node *nodes[MAX_NODES];
static pthread_mutex_t nodes_lock = PTHREAD_MUTEX_INITIALIZER;

/* The translator being started (parent_start answers one fsys_startup
 * at a time, on the calling thread). */
static struct parent_translator *starting;

static struct parent_node *
node_of(mach_port_t port)
{
	struct parent_node *node = NULL;
	unsigned i;

	pthread_mutex_lock(&nodes_lock);
	for (i = 0; i < MAX_NODES && !node; i++)
		if (nodes[i] && nodes[i]->port == port)
			node = nodes[i];
	pthread_mutex_unlock(&nodes_lock);
	return node;
}

/* ---- The underlying node ---- */

kern_return_t
parent_S_io_stat(io_t object, io_statbuf_t *st)
{
	if (!node_of(object))
		return EOPNOTSUPP;
	memset(st, 0, sizeof *st);
	st->st_fstype = FSTYPE_UFS;
	st->st_fsid = 77;
	st->st_ino = 4242;
	st->st_mode = S_IFREG | 0644;
	st->st_nlink = 1;
	st->st_uid = getuid();
	st->st_gid = getgid();
	st->st_size = 0;
	st->st_blksize = 4096;
	st->st_mtim.tv_sec = 1000000000;
	return 0;
}

kern_return_t
parent_S_io_duplicate(io_t object, mach_port_t *newport, mach_msg_type_name_t *newport_type)
{
	struct parent_node *node = node_of(object);

	if (!node)
		return EOPNOTSUPP;
	__atomic_add_fetch(&node->duplicate_calls, 1, __ATOMIC_RELAXED);
	*newport = node->port;
	*newport_type = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

kern_return_t
parent_S_io_restrict_auth(io_t object, mach_port_t *newport, mach_msg_type_name_t *newport_type,
			  const_idarray_t uids, mach_msg_type_number_t nuids,
			  const_idarray_t gids, mach_msg_type_number_t ngids)
{
	struct parent_node *node = node_of(object);

	if (!node)
		return EOPNOTSUPP;
	__atomic_add_fetch(&node->restrict_calls, 1, __ATOMIC_RELAXED);
	node->last_restrict_uid = nuids ? (long) uids[0] : -1;
	*newport = node->port;
	*newport_type = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

kern_return_t
parent_S_file_check_access(file_t file, int *allowed)
{
	struct parent_node *node = node_of(file);

	if (!node)
		return EOPNOTSUPP;
	*allowed = node->access;
	return 0;
}

/* An answer the test can recognize as the node's own. */
kern_return_t
parent_S_io_pathconf(io_t object, int name, int *value)
{
	if (!node_of(object))
		return EOPNOTSUPP;
	*value = 1000 + name;
	return 0;
}

kern_return_t
parent_S_file_sync(file_t file, int wait, int omit_metadata)
{
	struct parent_node *node = node_of(file);

	if (!node)
		return EOPNOTSUPP;
	__atomic_add_fetch(&node->sync_calls, 1, __ATOMIC_RELAXED);
	return 0;
}

kern_return_t
parent_S_file_chmod(file_t file, mode_t mode)
{
	struct parent_node *node = node_of(file);

	if (!node)
		return EOPNOTSUPP;
	node->last_chmod = mode;
	return 0;
}

/* The whole MIG server functions, which also set up the reply header
 * (MIG's server headers declare only the *_server_routine parts). */
extern boolean_t parent_io_server(mach_msg_header_t *in, mach_msg_header_t *out);
extern boolean_t parent_fs_server(mach_msg_header_t *in, mach_msg_header_t *out);
extern boolean_t parent_fsys_server(mach_msg_header_t *in, mach_msg_header_t *out);

static boolean_t
node_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	return parent_io_server(in, out) || parent_fs_server(in, out);
}

static void *
node_serve(void *arg)
{
	struct parent_node *node = arg;

	/* Returns when the receive right is destroyed. */
	mach_msg_server(node_demux, 8192, node->port);
	return NULL;
}

/* ---- Starting and stopping ---- */

kern_return_t
parent_S_fsys_startup(mach_port_t bootstrap, int flags, mach_port_t control,
		      mach_port_t *realnode, mach_msg_type_name_t *realnode_type)
{
	if (!starting)
		return EOPNOTSUPP;
	starting->control = control;
	starting->startup_flags = flags;
	*realnode = starting->node.port;
	*realnode_type = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

/* Answer one message on PORT (within 20 s) with DEMUX. */
static mach_msg_return_t
serve_one(mach_port_t port, boolean_t (*demux)(mach_msg_header_t *, mach_msg_header_t *))
{
	union {
		mach_msg_header_t head;
		char space[8192];
	} in, out;
	mach_msg_return_t mr;

	mr = mach_msg(&in.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof in, port,
		      20000, MACH_PORT_NULL);
	if (mr != MACH_MSG_SUCCESS)
		return mr;
	if (!demux(&in.head, &out.head)) {
		mach_msg_destroy(&in.head);
		return MIG_BAD_ID;
	}
	if (((mig_reply_header_t *) &out)->RetCode != KERN_SUCCESS)
		mach_msg_destroy(&in.head);
	return mach_msg(&out.head, MACH_SEND_MSG, out.head.msgh_size, 0, MACH_PORT_NULL,
			MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
}

static boolean_t
startup_demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	return parent_fsys_server(in, out);
}

kern_return_t
parent_start_by(kern_return_t (*spawn)(mach_port_t bootstrap, struct parent_translator *t,
				       void *arg),
		void *arg, const char *name, struct parent_translator *t)
{
	mach_port_t bootstrap;
	kern_return_t kr;
	int i;

	memset(t, 0, sizeof *t);
	t->node.access = HURD_O_READ | HURD_O_WRITE;
	kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &t->node.port);
	if (kr)
		goto fail;
	pthread_mutex_lock(&nodes_lock);
	for (i = 0; i < MAX_NODES && nodes[i]; i++)
		continue;
	if (i < MAX_NODES)
		nodes[i] = &t->node;
	pthread_mutex_unlock(&nodes_lock);
	if (i == MAX_NODES) {
		kr = ENOSPC;
		goto fail;
	}
	if (pthread_create(&t->node.thread, NULL, node_serve, &t->node)) {
		kr = errno;
		goto fail;
	}

	kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &bootstrap);
	if (kr)
		goto fail;
	kr = mach_port_insert_right(mach_task_self(), bootstrap, bootstrap,
				    MACH_MSG_TYPE_MAKE_SEND);
	if (kr)
		goto fail;
	kr = spawn(bootstrap, t, arg);
	mach_port_deallocate(mach_task_self(), bootstrap);
	if (kr) {
		mach_port_mod_refs(mach_task_self(), bootstrap, MACH_PORT_RIGHT_RECEIVE, -1);
		goto fail;
	}
	starting = t;
	kr = serve_one(bootstrap, startup_demux);
	starting = NULL;
	mach_port_mod_refs(mach_task_self(), bootstrap, MACH_PORT_RIGHT_RECEIVE, -1);
	if (kr == MACH_MSG_SUCCESS && !MACH_PORT_VALID(t->control))
		kr = MIG_BAD_ID;
	if (kr)
		goto fail;
	return 0;

fail:
	fprintf(stderr, "parent_start %s: %s (%#x)\n", name,
		kr < 0x1000 ? strerror(kr) : (char *) mach_error_string(kr), kr);
	return kr;
}

static kern_return_t
spawn_child(mach_port_t bootstrap, struct parent_translator *t, void *arg)
{
	struct hell_spawn_ports ports = { bootstrap, MACH_PORT_NULL, MACH_PORT_NULL };
	char *const *argv = arg;

	return hell_task_spawn(argv[0], argv, NULL, &ports, &t->task, &t->pid);
}

kern_return_t
parent_start(char *const argv[], struct parent_translator *t)
{
	return parent_start_by(spawn_child, (void *) argv, argv[0], t);
}

kern_return_t
parent_open(struct parent_translator *t, int flags, mach_port_t *file)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	retry_type retry = 0;
	string_t retry_name = "x";
	kern_return_t kr;

	kr = fsys_getroot(t->control, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND,
			  &uid, 1, &gid, 1, flags, &retry, retry_name, file);
	if (kr == 0 && (retry != FS_RETRY_NORMAL || retry_name[0])) {
		fprintf(stderr, "parent_open: retry %d '%s'\n", retry, retry_name);
		mach_port_deallocate(mach_task_self(), *file);
		kr = EPROTO;
	}
	return kr;
}

int
parent_reap(struct parent_translator *t)
{
	int status = -1, i;

	if (t->pid > 0 && waitpid(t->pid, &status, 0) < 0)
		status = -1;
	t->pid = 0;
	if (MACH_PORT_VALID(t->task))
		mach_port_deallocate(mach_task_self(), t->task);
	if (MACH_PORT_VALID(t->control))
		mach_port_deallocate(mach_task_self(), t->control);
	t->task = t->control = MACH_PORT_NULL;
	if (MACH_PORT_VALID(t->node.port)) {
		mach_port_mod_refs(mach_task_self(), t->node.port, MACH_PORT_RIGHT_RECEIVE, -1);
		pthread_join(t->node.thread, NULL);
	}
	pthread_mutex_lock(&nodes_lock);
	for (i = 0; i < MAX_NODES; i++)
		if (nodes[i] == &t->node)
			nodes[i] = NULL;
	pthread_mutex_unlock(&nodes_lock);
	t->node.port = MACH_PORT_NULL;
	return status;
}

kern_return_t
parent_stop(struct parent_translator *t, int flags)
{
	kern_return_t kr = fsys_goaway(t->control, flags);
	int status;

	/* A translator that goes exits without answering. */
	if (kr != 0 && kr != MIG_SERVER_DIED && kr != MACH_SEND_INVALID_DEST &&
	    kr != MACH_RCV_PORT_DIED)
		return kr;
	if (t->pid == 0) {
		parent_reap(t);
		return 0;
	}
	status = parent_reap(t);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The test servers of fake_servers.h.  One thread serves a port set of
 * every node; the S_ routines below are the ones the tests need, every
 * other routine answers MIG_BAD_ID (weak_unserved.py).  */

#include "fake_servers.h"

#include <mach/mach_error.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs_S.h"
#include "io_S.h"
#include "auth_S.h"
#include "process_S.h"
#include "exec_startup_S.h"

extern boolean_t fs_server(mach_msg_header_t *, mach_msg_header_t *);
extern boolean_t io_server(mach_msg_header_t *, mach_msg_header_t *);
extern boolean_t auth_server(mach_msg_header_t *, mach_msg_header_t *);
extern boolean_t process_server(mach_msg_header_t *, mach_msg_header_t *);
extern boolean_t exec_startup_server(mach_msg_header_t *, mach_msg_header_t *);

#define MAX_NODES 64

static struct fake_node *nodes[MAX_NODES];
static int nnodes;
static mach_port_t portset;
static pthread_once_t started = PTHREAD_ONCE_INIT;
/* The rendezvous port the last io_reauthenticate brought.  */
static mach_port_t last_rendezvous;

static void
die(const char *what, kern_return_t kr)
{
	fprintf(stderr, "fake_servers: %s: %s\n", what, mach_error_string(kr));
	exit(2);
}

static struct fake_node *
find(mach_port_t port)
{
	for (int i = 0; i < nnodes; i++)
		if (nodes[i]->port == port)
			return nodes[i];
	return NULL;
}

static boolean_t
demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	return fs_server(in, out) || io_server(in, out) || auth_server(in, out) ||
	       process_server(in, out) || exec_startup_server(in, out);
}

static void *
serve(void *arg)
{
	mach_msg_server(demux, 8192, portset);
	return NULL;
}

static void
start_once(void)
{
	pthread_t thread;
	kern_return_t kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &portset);

	if (kr)
		die("port set", kr);
	if (pthread_create(&thread, NULL, serve, NULL))
		die("pthread_create", KERN_FAILURE);
	pthread_detach(thread);
}

void
fake_start(void)
{
	pthread_once(&started, start_once);
}

struct fake_node *
fake_node(const char *label)
{
	struct fake_node *node = calloc(1, sizeof *node);
	kern_return_t kr;

	fake_start();
	if (!node || nnodes == MAX_NODES)
		die("too many nodes", KERN_RESOURCE_SHORTAGE);
	kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &node->port);
	if (kr)
		die("mach_port_allocate", kr);
	kr = mach_port_move_member(mach_task_self(), node->port, portset);
	if (kr)
		die("mach_port_move_member", kr);
	node->label = label;
	node->st_mode = S_IFDIR | 0755;
	node->st_uid = 1000;
	nodes[nnodes++] = node;
	return node;
}

static void
add_rule(struct fake_node *node, struct fake_rule rule)
{
	if (node->nrules == FAKE_MAX_RULES)
		die("too many rules", KERN_RESOURCE_SHORTAGE);
	node->rules[node->nrules++] = rule;
}

void
fake_rule(struct fake_node *node, const char *name, retry_type kind, const char *retry,
	  enum fake_target to, struct fake_node *target)
{
	add_rule(node, (struct fake_rule) { .name = name, .kind = kind, .retry = retry, .to = to,
					    .target = target });
}

void
fake_rule_error(struct fake_node *node, const char *name, error_t err)
{
	add_rule(node, (struct fake_rule) { .name = name, .err = err });
}

mach_port_t
fake_send(struct fake_node *node)
{
	kern_return_t kr = mach_port_insert_right(mach_task_self(), node->port, node->port,
						  MACH_MSG_TYPE_MAKE_SEND);
	if (kr)
		die("mach_port_insert_right", kr);
	return node->port;
}

int
fake_send_refs(struct fake_node *node)
{
	mach_port_urefs_t refs = 0;

	if (mach_port_get_refs(mach_task_self(), node->port, MACH_PORT_RIGHT_SEND, &refs))
		return -1;
	return (int) refs;
}

/* A send right whose port is already dead, to move into a reply.  */
static mach_port_t
dead_name(void)
{
	mach_port_t port;

	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port) ||
	    mach_port_insert_right(mach_task_self(), port, port, MACH_MSG_TYPE_MAKE_SEND))
		die("dead_name", KERN_FAILURE);
	mach_port_mod_refs(mach_task_self(), port, MACH_PORT_RIGHT_RECEIVE, -1);
	return port;	/* now a dead name with one user reference */
}

kern_return_t
S_dir_lookup(file_t start_dir, const_string_t file_name, int flags, mode_t mode,
	     retry_type *do_retry, string_t retry_name, mach_port_t *result,
	     mach_msg_type_name_t *resultPoly)
{
	struct fake_node *node = find(start_dir);

	if (!node)
		return EOPNOTSUPP;
	node->lookups++;
	snprintf(node->last_name, sizeof node->last_name, "%s", file_name);
	node->last_flags = flags;
	node->last_mode = mode;
	for (int i = 0; i < node->nrules; i++) {
		struct fake_rule *r = &node->rules[i];

		if (r->name && strcmp(r->name, file_name) != 0)
			continue;
		if (r->err)
			return r->err;
		*do_retry = r->kind;
		if (r->retry)
			snprintf(retry_name, sizeof(string_t), "%s", r->retry);
		else
			memset(retry_name, 'a', sizeof(string_t));
		*resultPoly = MACH_MSG_TYPE_MAKE_SEND;
		switch (r->to) {
		case FAKE_TO_NODE:
			*result = r->target->port;
			break;
		case FAKE_TO_SELF:
			*result = node->port;
			break;
		case FAKE_TO_NULL:
			*result = MACH_PORT_NULL;
			*resultPoly = MACH_MSG_TYPE_COPY_SEND;
			break;
		case FAKE_TO_DEAD:
			*result = dead_name();
			*resultPoly = MACH_MSG_TYPE_MOVE_SEND;
			break;
		}
		return 0;
	}
	return ENOENT;
}

kern_return_t
S_io_stat(io_t stat_object, io_statbuf_t *stat_info)
{
	struct fake_node *node = find(stat_object);

	if (!node)
		return EOPNOTSUPP;
	memset(stat_info, 0, sizeof *stat_info);
	stat_info->st_mode = node->st_mode;
	stat_info->st_uid = node->st_uid;
	return 0;
}

kern_return_t
S_file_get_translator(file_t file, data_t *translator, mach_msg_type_number_t *translatorCnt)
{
	struct fake_node *node = find(file);
	size_t len;

	if (!node || !node->passive)
		return EINVAL;
	len = strlen(node->passive) + 1;
	if (len > *translatorCnt)
		return ENAMETOOLONG;
	memcpy(*translator, node->passive, len);
	*translatorCnt = (mach_msg_type_number_t) len;
	return 0;
}

kern_return_t
S_file_set_size(file_t trunc_file, loff_t new_size)
{
	struct fake_node *node = find(trunc_file);

	if (!node)
		return EOPNOTSUPP;
	if (new_size == 0)
		node->truncated++;
	return 0;
}

/* Reauthentication: remember the rendezvous; auth_user_authenticate
 * checks that it is the same port.  The send rights that arrive are ours
 * to drop; the client's receive right keeps the name alive meanwhile. */
kern_return_t
S_io_reauthenticate(io_t auth_object, mach_port_t rendezvous2)
{
	struct fake_node *node = find(auth_object);

	if (node)
		node->reauths++;
	last_rendezvous = rendezvous2;
	mach_port_deallocate(mach_task_self(), rendezvous2);
	return 0;
}

kern_return_t
S_proc_reauthenticate(process_t process, mach_port_t rendezvous)
{
	struct fake_node *node = find(process);

	if (node)
		node->reauths++;
	last_rendezvous = rendezvous;
	mach_port_deallocate(mach_task_self(), rendezvous);
	return 0;
}

kern_return_t
S_auth_user_authenticate(auth_t handle, mach_port_t reply, mach_msg_type_name_t replyPoly,
			 mach_port_t rendezvous, mach_port_t *newport,
			 mach_msg_type_name_t *newportPoly)
{
	struct fake_node *node = find(handle);
	int match = rendezvous == last_rendezvous;

	mach_port_deallocate(mach_task_self(), rendezvous);
	if (!node || !match || !node->reauth_to)
		return EACCES;
	node->authenticated++;
	*newport = node->reauth_to->port;
	*newportPoly = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

kern_return_t
S_proc_task2proc(process_t process, mach_port_t task, mach_port_t *proc,
		 mach_msg_type_name_t *procPoly)
{
	struct fake_node *node = find(process);

	mach_port_deallocate(mach_task_self(), task);
	if (!node)
		return EOPNOTSUPP;
	if (node->task2proc_calls >= node->ntask2proc)
		return ESRCH;
	*proc = node->task2proc[node->task2proc_calls++]->port;
	*procPoly = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

kern_return_t
S_proc_task2pid(process_t process, mach_port_t task, pid_t *pid)
{
	struct fake_node *node = find(process);

	mach_port_deallocate(mach_task_self(), task);
	if (!node || !node->pid)
		return ESRCH;
	*pid = node->pid;
	return 0;
}

kern_return_t
S_proc_setowner(process_t process, uid_t owner, int clear)
{
	return find(process) ? 0 : EOPNOTSUPP;
}

kern_return_t
S_exec_startup_get_info(exec_startup_t bootstrap, vm_address_t *user_entry,
			vm_address_t *phdr_data, vm_size_t *phdr_size, vm_address_t *stack_base,
			vm_size_t *stack_size, int *flags, data_t *argv,
			mach_msg_type_number_t *argvCnt, data_t *envp,
			mach_msg_type_number_t *envpCnt, portarray_t *dtable,
			mach_msg_type_name_t *dtablePoly, mach_msg_type_number_t *dtableCnt,
			portarray_t *portarray, mach_msg_type_name_t *portarrayPoly,
			mach_msg_type_number_t *portarrayCnt, intarray_t *intarray,
			mach_msg_type_number_t *intarrayCnt)
{
	struct fake_node *node = find(bootstrap);
	static const char args[] = "prog\0arg\0";

	if (!node)
		return EOPNOTSUPP;
	node->startup_calls++;
	if (node->startup_err)
		return node->startup_err;
	*user_entry = *phdr_data = *stack_base = 0;
	*phdr_size = *stack_size = 0;
	*flags = 0;
	if (*argvCnt < sizeof args)
		return ENOMEM;
	memcpy(*argv, args, sizeof args);
	*argvCnt = sizeof args;
	*envpCnt = 0;
	if ((int) *dtableCnt < node->ndtable || (int) *portarrayCnt < node->nports ||
	    (int) *intarrayCnt < node->nints)
		return ENOMEM;
	for (int i = 0; i < node->ndtable; i++)
		(*dtable)[i] = node->dtable[i] ? node->dtable[i]->port : MACH_PORT_NULL;
	*dtableCnt = (mach_msg_type_number_t) node->ndtable;
	*dtablePoly = MACH_MSG_TYPE_MAKE_SEND;
	for (int i = 0; i < node->nports; i++)
		(*portarray)[i] = node->ports[i] ? node->ports[i]->port : MACH_PORT_NULL;
	*portarrayCnt = (mach_msg_type_number_t) node->nports;
	*portarrayPoly = MACH_MSG_TYPE_MAKE_SEND;
	memcpy(*intarray, node->ints, (size_t) node->nints * sizeof(int));
	*intarrayCnt = (mach_msg_type_number_t) node->nints;
	return 0;
}

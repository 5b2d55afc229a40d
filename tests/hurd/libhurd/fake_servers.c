/* The test servers of fake_servers.h.  One thread serves a port set of
 * every node; the S_ routines below are the ones the tests need, every
 * other routine answers MIG_BAD_ID (weak_unserved.py).  */

#include "fake_servers.h"

#include <mach/mach_error.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_S.h"
#include "io_S.h"
#include "auth_S.h"
#include "process_S.h"
#include "exec_startup_S.h"
#include "fsys_S.h"

extern boolean_t fs_server(mach_msg_header_t *, mach_msg_header_t *);
extern boolean_t io_server(mach_msg_header_t *, mach_msg_header_t *);
extern boolean_t auth_server(mach_msg_header_t *, mach_msg_header_t *);
extern boolean_t process_server(mach_msg_header_t *, mach_msg_header_t *);
extern boolean_t exec_startup_server(mach_msg_header_t *, mach_msg_header_t *);
extern boolean_t fsys_server(mach_msg_header_t *, mach_msg_header_t *);

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
	       process_server(in, out) || exec_startup_server(in, out) || fsys_server(in, out);
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
	len = node->passive_len ? node->passive_len : strlen(node->passive) + 1;
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
	if (node->ntask2proc == 0) {
		*proc = node->port;	/* a proc that answers with itself */
		*procPoly = MACH_MSG_TYPE_MAKE_SEND;
		return 0;
	}
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

kern_return_t
S_io_read(io_t io_object, data_t *data, mach_msg_type_number_t *dataCnt, loff_t offset,
	  vm_size_t amount)
{
	struct fake_node *node = find(io_object);
	size_t len, pos;

	if (!node || !node->contents)
		return node ? EISDIR : EOPNOTSUPP;
	len = strlen(node->contents);
	pos = offset == -1 ? node->read_pos : (size_t) offset;
	if (pos > len)
		pos = len;
	len -= pos;
	if (len > amount)
		len = amount;
	if (len > *dataCnt)
		len = *dataCnt;
	memcpy(*data, node->contents + pos, len);
	*dataCnt = (mach_msg_type_number_t) len;
	if (offset == -1)
		node->read_pos = pos + len;
	return 0;
}

kern_return_t
S_dir_readdir(file_t dir, data_t *data, mach_msg_type_number_t *dataCnt, boolean_t *dataDealloc,
	      int entry, int nentries, vm_size_t bufsiz, int *amount)
{
	struct fake_node *node = find(dir);
	size_t off = 0;
	int n = 0;

	if (!node)
		return EOPNOTSUPP;
	if (!node->nentries)
		return ENOTDIR;
	*dataDealloc = FALSE;
	for (int i = entry; i < node->nentries && (nentries < 0 || n < nentries); i++) {
		size_t namelen = strlen(node->entries[i]);
		size_t reclen = (12 + namelen + 1 + 7) & ~(size_t) 7;
		char *rec = *data + off;

		if (off + reclen > *dataCnt)
			break;
		memset(rec, 0, reclen);
		uint64_t ino = (uint64_t) i + 2;
		uint16_t rl = (uint16_t) reclen;
		memcpy(rec, &ino, 8);
		memcpy(rec + 8, &rl, 2);
		rec[10] = 0;			/* DT_UNKNOWN */
		rec[11] = (char) namelen;
		memcpy(rec + 12, node->entries[i], namelen);
		off += reclen;
		n++;
	}
	*dataCnt = (mach_msg_type_number_t) off;
	*amount = n;
	return 0;
}

kern_return_t
S_file_get_fs_options(file_t file, data_t *options, mach_msg_type_number_t *optionsCnt)
{
	struct fake_node *node = find(file);

	if (!node || !node->fs_options)
		return EOPNOTSUPP;
	if (node->fs_options_len > *optionsCnt)
		return ENOMEM;
	memcpy(*options, node->fs_options, node->fs_options_len);
	*optionsCnt = (mach_msg_type_number_t) node->fs_options_len;
	return 0;
}

kern_return_t
S_file_getcontrol(file_t file, mach_port_t *control, mach_msg_type_name_t *controlPoly)
{
	struct fake_node *node = find(file);

	if (!node || !node->control)
		return EPERM;
	*control = node->control->port;
	*controlPoly = MACH_MSG_TYPE_MAKE_SEND;
	return 0;
}

kern_return_t
S_fsys_set_options(fsys_t fsys, const_data_t options, mach_msg_type_number_t optionsCnt,
		   int do_children)
{
	struct fake_node *node = find(fsys);

	if (!node)
		return EOPNOTSUPP;
	if (optionsCnt > sizeof node->set_options)
		return E2BIG;
	memcpy(node->set_options, options, optionsCnt);
	node->set_options_len = optionsCnt;
	return 0;
}

kern_return_t
S_file_set_translator(file_t file, int passive_flags, int active_flags, int oldtrans_flags,
		      const_data_t passive, mach_msg_type_number_t passiveCnt, mach_port_t active)
{
	struct fake_node *node = find(file);

	if (MACH_PORT_VALID(active))
		mach_port_deallocate(mach_task_self(), active);
	if (!node)
		return EOPNOTSUPP;
	if (passiveCnt > sizeof node->set_trans)
		return E2BIG;
	memcpy(node->set_trans, passive, passiveCnt);
	node->set_trans_len = passiveCnt;
	node->set_trans_flags[0] = passive_flags;
	node->set_trans_flags[1] = active_flags;
	node->set_trans_flags[2] = oldtrans_flags;
	node->set_trans_calls++;
	return 0;
}

kern_return_t
S_proc_getallpids(process_t process, pidarray_t *pidarray, mach_msg_type_number_t *pidarrayCnt)
{
	struct fake_node *node = find(process);

	if (!node)
		return EOPNOTSUPP;
	if ((int) *pidarrayCnt < node->npids)
		return ENOMEM;
	memcpy(*pidarray, node->pids, (size_t) node->npids * sizeof(pid_t));
	*pidarrayCnt = (mach_msg_type_number_t) node->npids;
	return 0;
}

static int
known_pid(struct fake_node *node, pid_t pid)
{
	for (int i = 0; i < node->npids; i++)
		if (node->pids[i] == pid)
			return 1;
	return 0;
}

kern_return_t
S_proc_getprocinfo(process_t process, pid_t which, int *flags, procinfo_t *procinfo,
		   mach_msg_type_number_t *procinfoCnt, data_t *threadwaits,
		   mach_msg_type_number_t *threadwaitsCnt)
{
	struct fake_node *node = find(process);
	struct procinfo *pi;
	size_t size = sizeof *pi + sizeof pi->threadinfos[0];
	mach_msg_type_number_t ints = (mach_msg_type_number_t) ((size + sizeof(int) - 1) /
								sizeof(int));

	if (!node)
		return EOPNOTSUPP;
	if (!known_pid(node, which))
		return ESRCH;
	if (*procinfoCnt < ints)
		return ENOMEM;
	pi = (struct procinfo *) *procinfo;
	memset(pi, 0, ints * sizeof(int));
	pi->owner = getuid();
	pi->ppid = 1;
	pi->nthreads = 1;
	pi->taskinfo.resident_size = 40960;
	pi->taskinfo.virtual_size = 3 * 1024 * 1024 + 512 * 1024;
	pi->threadinfos[0].pis_bi.run_state = TH_STATE_WAITING;
	*procinfoCnt = ints;
	*threadwaitsCnt = 0;
	return 0;
}

kern_return_t
S_proc_getprocargs(process_t process, pid_t which, data_t *procargs,
		   mach_msg_type_number_t *procargsCnt)
{
	struct fake_node *node = find(process);
	static const char args[] = "prog\0arg";

	if (!node)
		return EOPNOTSUPP;
	if (!known_pid(node, which))
		return ESRCH;
	memcpy(*procargs, args, sizeof args);
	*procargsCnt = sizeof args;
	return 0;
}

kern_return_t
S_proc_pid2task(process_t process, pid_t pid, mach_port_t *task)
{
	struct fake_node *node = find(process);

	if (!node)
		return EOPNOTSUPP;
	if (pid != node->task_pid)
		return ESRCH;
	*task = mach_task_self();
	return 0;
}

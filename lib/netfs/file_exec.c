/* file_exec and file_exec_paths: run a file of ours as a program.  As on
 * the Hurd, the file system checks that the caller may execute the file,
 * handles set-uid and set-gid (fshelp_exec_reauth), and passes the request
 * on to the exec server (/servers/exec, exec_exec_paths) with a fresh port
 * on the file for reading. */
#include <string.h>
#include <hurd.h>
#include <hurd/exec.h>
#include <hurd/paths.h>
#include "priv.h"
#include "fs_S.h"

/* The exec server's port; guarded by exec_lock. */
static mach_port_t exec_server = MACH_PORT_NULL;
static pthread_mutex_t exec_lock = PTHREAD_MUTEX_INITIALIZER;

mach_port_t
netfs_exec_server(void)
{
	mach_port_t port;

	pthread_mutex_lock(&exec_lock);
	if (exec_server == MACH_PORT_NULL)
		exec_server = file_name_lookup(_SERVERS_EXEC, 0, 0);
	port = exec_server;
	if (MACH_PORT_VALID(port) &&
	    mach_port_mod_refs(mach_task_self(), port, MACH_PORT_RIGHT_SEND, 1) != KERN_SUCCESS)
		port = MACH_PORT_NULL;
	pthread_mutex_unlock(&exec_lock);
	return port;
}

void
netfs_exec_server_died(mach_port_t dead)
{
	pthread_mutex_lock(&exec_lock);
	if (exec_server == dead) {
		mach_port_deallocate(mach_task_self(), exec_server);
		exec_server = MACH_PORT_NULL;
	}
	pthread_mutex_unlock(&exec_lock);
}

/* The ids of the caller, for fshelp_exec_reauth when the program's auth
 * port turns out not to be genuine. */
static __thread struct iouser *exec_caller;

static error_t
caller_ids(struct idvec *uids, struct idvec *gids)
{
	error_t err = idvec_merge(uids, exec_caller->uids);

	return err ? err : idvec_merge(gids, exec_caller->gids);
}

kern_return_t
netfs_S_file_exec_paths(struct protid *cred, task_t task, int flags, const_string_t path,
			const_string_t abspath, const_data_t argv, mach_msg_type_number_t argvlen,
			const_data_t envp, mach_msg_type_number_t envplen,
			const_portarray_t fds, mach_msg_type_number_t fdslen,
			const_portarray_t portarray, mach_msg_type_number_t portarraylen,
			const_intarray_t intarray, mach_msg_type_number_t intarraylen,
			const_mach_port_name_array_t deallocnames,
			mach_msg_type_number_t deallocnameslen,
			const_mach_port_name_array_t destroynames,
			mach_msg_type_number_t destroynameslen)
{
	struct node *np;
	struct iouser *user;
	struct protid *newpi;
	mach_port_t server, right;
	io_statbuf_t st;
	error_t err;

	if (cred == NULL)
		return EOPNOTSUPP;
	if (!(cred->po->openstat & O_EXEC))
		return EBADF;
	np = cred->po->np;
	pthread_mutex_lock(&np->lock);
	err = netfs_validate_stat(np, cred->user);
	st = np->nn_stat;
	pthread_mutex_unlock(&np->lock);
	if (err)
		return err;
	if (S_ISDIR(st.st_mode))
		return EACCES;
	if (!((st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) ||
	      ((st.st_mode & S_IUSEUNK) && (st.st_mode & (S_IEXEC << S_IUNKSHIFT)))))
		return EACCES;

	if (st.st_mode & (S_ISUID | S_ISGID)) {
		int secure = 0;

		exec_caller = cred->user;
		err = fshelp_exec_reauth(st.st_mode & S_ISUID, st.st_uid, st.st_mode & S_ISGID,
					 st.st_gid, netfs_auth_server_port, caller_ids,
					 (mach_port_t *) portarray, portarraylen,
					 (mach_port_t *) fds, fdslen, &secure);
		exec_caller = NULL;
		if (err)
			return err;
		if (secure)
			flags |= EXEC_SECURE | EXEC_NEWTASK;
	}

	server = netfs_exec_server();
	if (!MACH_PORT_VALID(server))
		return EOPNOTSUPP;	/* no exec server */

	err = iohelp_dup_iouser(&user, cred->user);
	if (err)
		goto out;
	pthread_mutex_lock(&np->lock);
	newpi = netfs_open_node(np, O_READ, cred->po, user);
	pthread_mutex_unlock(&np->lock);
	if (newpi == NULL) {
		err = errno;
		iohelp_free_iouser(user);
		goto out;
	}
	right = ports_get_send_right(newpi);
	ports_port_deref(newpi);
	err = exec_exec_paths(server, right, MACH_MSG_TYPE_COPY_SEND, task, flags, path, abspath,
			      argv, argvlen, envp, envplen, fds, MACH_MSG_TYPE_COPY_SEND, fdslen,
			      portarray, MACH_MSG_TYPE_COPY_SEND, portarraylen,
			      intarray, intarraylen, deallocnames, deallocnameslen,
			      destroynames, destroynameslen);
	if (err == MIG_BAD_ID)
		err = exec_exec(server, right, MACH_MSG_TYPE_COPY_SEND, task, flags, argv, argvlen,
				envp, envplen, fds, MACH_MSG_TYPE_COPY_SEND, fdslen,
				portarray, MACH_MSG_TYPE_COPY_SEND, portarraylen,
				intarray, intarraylen, deallocnames, deallocnameslen,
				destroynames, destroynameslen);
	mach_port_deallocate(mach_task_self(), right);
	if (err == MACH_SEND_INVALID_DEST || err == MIG_SERVER_DIED) {
		netfs_exec_server_died(server);
		err = EOPNOTSUPP;
	}
out:
	mach_port_deallocate(mach_task_self(), server);
	if (!err) {
		/* The request's rights were ours to consume. */
		mach_port_deallocate(mach_task_self(), task);
		for (mach_msg_type_number_t i = 0; i < fdslen; i++)
			if (MACH_PORT_VALID(fds[i]))
				mach_port_deallocate(mach_task_self(), fds[i]);
		for (mach_msg_type_number_t i = 0; i < portarraylen; i++)
			if (MACH_PORT_VALID(portarray[i]))
				mach_port_deallocate(mach_task_self(), portarray[i]);
	}
	return err;
}

kern_return_t
netfs_S_file_exec(struct protid *cred, task_t task, int flags, const_data_t argv,
		  mach_msg_type_number_t argvlen, const_data_t envp,
		  mach_msg_type_number_t envplen, const_portarray_t fds,
		  mach_msg_type_number_t fdslen, const_portarray_t portarray,
		  mach_msg_type_number_t portarraylen, const_intarray_t intarray,
		  mach_msg_type_number_t intarraylen, const_mach_port_name_array_t deallocnames,
		  mach_msg_type_number_t deallocnameslen,
		  const_mach_port_name_array_t destroynames,
		  mach_msg_type_number_t destroynameslen)
{
	return netfs_S_file_exec_paths(cred, task, flags, "", "", argv, argvlen, envp, envplen,
				       fds, fdslen, portarray, portarraylen, intarray,
				       intarraylen, deallocnames, deallocnameslen, destroynames,
				       destroynameslen);
}

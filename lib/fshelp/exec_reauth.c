/* fshelp_exec_reauth: the ids of a set-uid / set-gid exec.
 *
 * The program's auth port (PORTS[INIT_PORT_AUTH]) gets the file's owner
 * (or group) added as its effective id, made by our own auth port with
 * auth_makeauth; the program's other ports are then reauthenticated with
 * the new handle (io_reauthenticate + auth_user_authenticate for files,
 * proc_reauthenticate for proc), so each server sees the new ids. */
#include <hurd/auth.h>
#include <hurd/io.h>
#include <hurd/process.h>
#include <hurd/fshelp.h>

/* Reauthenticate the io port *PORT with AUTH, replacing it; a port that
 * cannot be becomes MACH_PORT_NULL (it must not keep the old ids). */
static void
reauth_io_port(auth_t auth, mach_port_t *port)
{
	mach_port_t rendezvous, fresh = MACH_PORT_NULL;
	error_t err;

	if (!MACH_PORT_VALID(*port))
		return;
	rendezvous = mach_reply_port();
	err = io_reauthenticate(*port, rendezvous, MACH_MSG_TYPE_MAKE_SEND);
	if (!err)
		err = auth_user_authenticate(auth, rendezvous, MACH_MSG_TYPE_MAKE_SEND, &fresh);
	mach_port_mod_refs(mach_task_self(), rendezvous, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_deallocate(mach_task_self(), *port);
	*port = err ? MACH_PORT_NULL : fresh;
}

/* The same for a proc port. */
static void
reauth_proc_port(auth_t auth, mach_port_t *port)
{
	mach_port_t rendezvous, fresh = MACH_PORT_NULL;
	error_t err;

	if (!MACH_PORT_VALID(*port))
		return;
	rendezvous = mach_reply_port();
	err = proc_reauthenticate(*port, rendezvous, MACH_MSG_TYPE_MAKE_SEND);
	if (!err)
		err = auth_user_authenticate(auth, rendezvous, MACH_MSG_TYPE_MAKE_SEND, &fresh);
	mach_port_mod_refs(mach_task_self(), rendezvous, MACH_PORT_RIGHT_RECEIVE, -1);
	if (!err)
		err = proc_reauthenticate_complete(fresh);
	if (err && fresh != MACH_PORT_NULL) {
		mach_port_deallocate(mach_task_self(), fresh);
		fresh = MACH_PORT_NULL;
	}
	mach_port_deallocate(mach_task_self(), *port);
	*port = fresh;
}

/* Add the set ids to the id sets (UID to the uids if SUID, GID to the gids
 * if SGID); *SECURE becomes nonzero when an added id is new. */
static error_t
add_setids(int suid, uid_t uid, int sgid, gid_t gid, struct idvec *eff_uids,
	   struct idvec *avail_uids, struct idvec *eff_gids, struct idvec *avail_gids,
	   int *secure)
{
	error_t err = 0;

	if (suid)
		err = idvec_setid(eff_uids, avail_uids, uid, secure);
	if (!err && sgid)
		err = idvec_setid(eff_gids, avail_gids, gid, secure);
	return err;
}

error_t
fshelp_exec_reauth(int suid, uid_t uid, int sgid, gid_t gid, auth_t auth,
		   error_t (*get_file_ids)(struct idvec *uids, struct idvec *gids),
		   mach_port_t *ports, mach_msg_type_number_t num_ports,
		   mach_port_t *fds, mach_msg_type_number_t num_fds, int *secure)
{
	struct idvec *eff_uids = make_idvec(), *avail_uids = make_idvec();
	struct idvec *eff_gids = make_idvec(), *avail_gids = make_idvec();
	mach_port_t newauth = MACH_PORT_NULL;
	int added_new = 0, was_root;
	error_t err = 0;

	if (!suid && !sgid)
		goto out;
	if (num_ports <= INIT_PORT_AUTH) {
		err = EINVAL;
		goto out;
	}
	if (!eff_uids || !avail_uids || !eff_gids || !avail_gids) {
		err = ENOMEM;
		goto out;
	}
	err = idvec_merge_auth(eff_uids, avail_uids, eff_gids, avail_gids, ports[INIT_PORT_AUTH]);
	if (err)
		goto out;
	was_root = idvec_contains(eff_uids, 0) || idvec_contains(avail_uids, 0);
	err = add_setids(suid, uid, sgid, gid, eff_uids, avail_uids, eff_gids, avail_gids,
			 &added_new);
	if (err)
		goto out;
	err = auth_makeauth(auth, &ports[INIT_PORT_AUTH], MACH_MSG_TYPE_COPY_SEND, 1,
			    eff_uids->ids, eff_uids->num, avail_uids->ids, avail_uids->num,
			    eff_gids->ids, eff_gids->num, avail_gids->ids, avail_gids->num,
			    &newauth);
	if (err == EINVAL && get_file_ids != NULL) {
		/* The program's auth port is not genuine: trust only the ids
		 * the file's opener has, with no available ids. */
		idvec_clear(eff_uids);
		idvec_clear(avail_uids);
		idvec_clear(eff_gids);
		idvec_clear(avail_gids);
		added_new = 0;
		err = get_file_ids(eff_uids, eff_gids);
		if (err)
			goto out;
		was_root = idvec_contains(eff_uids, 0);
		err = add_setids(suid, uid, sgid, gid, eff_uids, avail_uids, eff_gids,
				 avail_gids, &added_new);
		if (!err)
			err = auth_makeauth(auth, NULL, MACH_MSG_TYPE_COPY_SEND, 0,
					    eff_uids->ids, eff_uids->num,
					    avail_uids->ids, avail_uids->num,
					    eff_gids->ids, eff_gids->num,
					    avail_gids->ids, avail_gids->num, &newauth);
	}
	if (err)
		goto out;
	if (was_root)
		added_new = 0;	/* root gains nothing it did not have */

	/* The directories are io ports, proc has its own protocol; the
	 * others (auth, the ctty id, bootstrap) carry no ids. */
	reauth_io_port(newauth, &ports[INIT_PORT_CWDIR]);
	reauth_io_port(newauth, &ports[INIT_PORT_CRDIR]);
	if (num_ports > INIT_PORT_PROC)
		reauth_proc_port(newauth, &ports[INIT_PORT_PROC]);
	for (mach_msg_type_number_t i = 0; i < num_fds; i++)
		reauth_io_port(newauth, &fds[i]);
	if (MACH_PORT_VALID(ports[INIT_PORT_AUTH]))
		mach_port_deallocate(mach_task_self(), ports[INIT_PORT_AUTH]);
	ports[INIT_PORT_AUTH] = newauth;
	if (num_ports > INIT_PORT_PROC && MACH_PORT_VALID(ports[INIT_PORT_PROC])) {
		err = proc_setowner(ports[INIT_PORT_PROC],
				    eff_uids->num > 0 ? eff_uids->ids[0] : 0, eff_uids->num == 0);
		if (err == EOPNOTSUPP || err == MIG_BAD_ID)
			err = 0;
	}
out:
	if (eff_uids)
		idvec_free(eff_uids);
	if (avail_uids)
		idvec_free(avail_uids);
	if (eff_gids)
		idvec_free(eff_gids);
	if (avail_gids)
		idvec_free(avail_gids);
	if (secure)
		*secure = added_new;
	return err;
}

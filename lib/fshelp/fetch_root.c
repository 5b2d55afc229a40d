/* fshelp_fetch_root: the root of the translator on a node, starting the
 * node's passive translator first when no active one runs.
 *
 * Lock protocol (see transbox.c for the states): called and returning
 * with the transbox lock held.  The lock is released while the passive
 * translator starts (TRANSBOX_STARTING keeps other starters waiting) and
 * during fsys_getroot, so a slow or dead translator never blocks other
 * RPCs on the node.  A translator found dead during fsys_getroot is
 * forgotten and the passive one started again, a bounded number of
 * times. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/sysmacros.h>
#include <hurd.h>
#include <hurd/auth.h>
#include <hurd/fsys.h>
#include <hurd/io.h>
#include <hurd/paths.h>
#include <hurd/fshelp.h>

int fshelp_fetch_root_timeout = 30000;

/* How often a translator may die under us before we give up. */
#define FETCH_ROOT_ATTEMPTS 3

struct underlying_open {
	struct transbox *box;
	void *cookie;
	fshelp_fetch_root_callback2_t callback2;
};

static error_t
open_underlying(int flags, file_t *node, mach_msg_type_name_t *node_type, task_t task,
		void *cookie)
{
	struct underlying_open *u = cookie;

	(void) task;
	return u->callback2(u->box->cookie, u->cookie, flags, node, node_type);
}

/* PORT (consumed) reauthenticated with NEWAUTH, or MACH_PORT_NULL. */
static mach_port_t
reauth_port(mach_port_t port, auth_t newauth)
{
	mach_port_t rendezvous, fresh = MACH_PORT_NULL;
	error_t err;

	if (!MACH_PORT_VALID(port))
		return MACH_PORT_NULL;
	rendezvous = mach_reply_port();
	err = io_reauthenticate(port, rendezvous, MACH_MSG_TYPE_MAKE_SEND);
	if (!err)
		err = auth_user_authenticate(newauth, rendezvous, MACH_MSG_TYPE_MAKE_SEND, &fresh);
	mach_port_mod_refs(mach_task_self(), rendezvous, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_deallocate(mach_task_self(), port);
	return err ? MACH_PORT_NULL : fresh;
}

/* Start the passive translator of BOX's node (the lock is not held).  The
 * translator runs with the node's owner and group as its ids.  On success
 * *CONTROL is its control port. */
static error_t
start_passive(struct transbox *box, void *cookie, file_t dotdot, int flags,
	      fshelp_fetch_root_callback1_t callback1, fshelp_fetch_root_callback2_t callback2,
	      fsys_t *control)
{
	struct underlying_open u = { box, cookie, callback2 };
	mach_port_t ports[INIT_PORT_MAX] = { 0 };
	int ints[INIT_INT_MAX] = { 0 };
	char *argz = NULL;
	mach_msg_type_number_t argz_len = 0;
	auth_t ourauth, newauth = MACH_PORT_NULL;
	uid_t uid;
	gid_t gid;
	error_t err;

	(void) flags;
	err = callback1(box->cookie, cookie, &uid, &gid, &argz, &argz_len);
	if (err)
		return err;
	if (argz_len == 0 || argz[argz_len - 1] != '\0') {
		free(argz);
		return EINVAL;	/* not an argz vector */
	}

	ourauth = getauth();
	if (MACH_PORT_VALID(ourauth)) {
		uid_t uids[2] = { uid, uid };
		gid_t gids[2] = { gid, gid };

		err = auth_makeauth(ourauth, NULL, MACH_MSG_TYPE_COPY_SEND, 0, uids, 1, uids, 2,
				    gids, 1, gids, 2, &newauth);
		if (err)
			goto out;
		ports[INIT_PORT_CRDIR] = reauth_port(getcrdir(), newauth);
	} else {
		/* No auth server: the translator shares our ports. */
		ports[INIT_PORT_CRDIR] = getcrdir();
	}
	ports[INIT_PORT_CWDIR] = dotdot;
	ports[INIT_PORT_AUTH] = newauth;

	err = fshelp_start_translator_long(open_underlying, &u, argz, argz, argz_len,
					   NULL, MACH_MSG_TYPE_COPY_SEND, 0,
					   ports, MACH_MSG_TYPE_COPY_SEND, INIT_PORT_MAX,
					   ints, INIT_INT_MAX, uid, fshelp_fetch_root_timeout,
					   control);
	for (int i = 0; i < INIT_PORT_MAX; i++)
		if (i != INIT_PORT_CWDIR && MACH_PORT_VALID(ports[i]))
			mach_port_deallocate(mach_task_self(), ports[i]);
out:
	if (MACH_PORT_VALID(ourauth))
		mach_port_deallocate(mach_task_self(), ourauth);
	free(argz);
	return err;
}

error_t
fshelp_fetch_root(struct transbox *box, void *cookie, file_t dotdot, struct iouser *user,
		  int flags, fshelp_fetch_root_callback1_t callback1,
		  fshelp_fetch_root_callback2_t callback2, retry_type *retry, char *retryname,
		  mach_port_t *root)
{
	mach_port_t control;
	error_t err;

	for (int attempt = 0; attempt < FETCH_ROOT_ATTEMPTS; attempt++) {
		while (box->active == MACH_PORT_NULL) {
			if (box->flags & TRANSBOX_STARTING) {
				box->flags |= TRANSBOX_WANTED;
				pthread_cond_wait(&box->wakeup, box->lock);
				continue;
			}
			box->flags |= TRANSBOX_STARTING;
			pthread_mutex_unlock(box->lock);
			control = MACH_PORT_NULL;
			err = start_passive(box, cookie, dotdot, flags, callback1, callback2,
					    &control);
			pthread_mutex_lock(box->lock);
			box->flags &= ~TRANSBOX_STARTING;
			if (box->flags & TRANSBOX_WANTED) {
				box->flags &= ~TRANSBOX_WANTED;
				pthread_cond_broadcast(&box->wakeup);
			}
			if (err)
				return err;
			if (!MACH_PORT_VALID(control))
				return EDIED;
			if (box->active != MACH_PORT_NULL) {
				/* Someone set one meanwhile (file_set_translator
				 * waits for STARTING to clear, so this is rare);
				 * theirs wins. */
				mach_port_deallocate(mach_task_self(), control);
				break;
			}
			box->active = control;
		}

		control = box->active;
		if (mach_port_mod_refs(mach_task_self(), control, MACH_PORT_RIGHT_SEND, 1) !=
		    KERN_SUCCESS) {
			/* Already a dead name: forget it and start again. */
			fshelp_set_active(box, MACH_PORT_NULL, 0);
			continue;
		}
		pthread_mutex_unlock(box->lock);
		err = fsys_getroot(control, dotdot, MACH_MSG_TYPE_COPY_SEND,
				   user->uids->ids, user->uids->num,
				   user->gids->ids, user->gids->num,
				   hurd_openflags_to_wire(flags), retry, retryname, root);
		pthread_mutex_lock(box->lock);
		if (err == MACH_SEND_INVALID_DEST || err == MIG_SERVER_DIED) {
			/* The translator died: forget it (unless someone
			 * replaced it already) and try again. */
			if (box->active == control)
				fshelp_set_active(box, MACH_PORT_NULL, 0);
			mach_port_deallocate(mach_task_self(), control);
			continue;
		}
		mach_port_deallocate(mach_task_self(), control);
		return err;
	}
	return EDIED;
}

error_t
fshelp_short_circuited_callback1(void *cookie1, void *cookie2, uid_t *uid, gid_t *gid,
				 char **argz, mach_msg_type_number_t *argz_len)
{
	struct fshelp_stat_cookie2 *statc = cookie2;
	int len;

	(void) cookie1;
	switch (*statc->modep & S_IFMT) {
	case S_IFCHR:
	case S_IFBLK:
		len = asprintf(argz, "%s%c%u%c%u",
			       S_ISCHR(*statc->modep) ? _HURD_CHRDEV : _HURD_BLKDEV, 0,
			       major(statc->statp->st_rdev), 0, minor(statc->statp->st_rdev));
		break;
	case S_IFIFO:
		len = asprintf(argz, "%s", _HURD_FIFO);
		break;
	default:
		return ENOENT;
	}
	if (len < 0)
		return ENOMEM;
	*argz_len = (mach_msg_type_number_t) len + 1;
	*uid = statc->statp->st_uid;
	*gid = statc->statp->st_gid;
	return 0;
}

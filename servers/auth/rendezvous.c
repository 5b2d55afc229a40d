/* The authentication rendezvous: auth_user_authenticate and
 * auth_server_authenticate.
 *
 * A user U that wants server S to know its ids makes a port R (the
 * rendezvous), sends a send right to S in S's own RPC, and calls
 * auth_user_authenticate (U's handle, R).  S calls
 * auth_server_authenticate (S's handle, R, P), where P is the port S
 * wants U to get.  The pair meets in auth, keyed by R's name in auth's
 * space (both requests carry a right to R, so both name it the same);
 * then U's call returns P and S's returns U's ids.  Neither side learns
 * anything from the other except through auth.
 *
 * Either side may come first.  The one that comes first is not answered:
 * its request returns MIG_NO_REPLY and becomes a `struct rendezvous'
 * (its reply port, its right to R, and U's handle or S's P) in
 * `waiting'; the second side's request answers both.  So a waiting side
 * holds no thread.
 *
 * A waiting side ends without its partner when
 *   - R dies (U destroyed it, or died): it is answered EINVAL, as on the
 *     Hurd;
 *   - its caller interrupts it (interrupt_operation on the handle it
 *     called, main.c): it is answered EINTR, as an interrupted RPC;
 *   - its reply port dies (the caller died, or gave up its RPC: an
 *     interrupted MIG call destroys its reply port): it is dropped.
 * auth asks for a dead-name notification on R and on the reply port of
 * every waiting side; libports delivers them to
 * ports_do_mach_notify_dead_name (main.c), which calls
 * auth_rendezvous_dead_name.
 *
 * A second request of the same side with the same R while one waits is
 * refused with EBUSY (only the other side can complete a rendezvous).
 *
 * Rights a waiting side holds: one user reference to R (its request's),
 * its reply right, a hard reference to the handle it called, and P (the
 * server side's port to pass).  The two
 * dead-name requests are cancelled before a side is answered.
 *
 * Locking: `lock' guards `waiting' and `waiting_by_reply'; replies are
 * sent without it.  */
#include "auth.h"

#include <mach/mig_errors.h>
#include <stddef.h>
#include <stdlib.h>

#include "auth_S.h"
#include "auth_reply_U.h"

struct rendezvous {
	bool user_side;			/* U waits (else S) */
	mach_port_t rendezvous;		/* R: one user reference */
	mach_port_t reply;		/* the waiting side's reply right */
	mach_msg_type_name_t reply_type;
	struct authhandle *handle;	/* the handle it called (U's, on the user
					   side), a reference */
	mach_port_seqno_t seqno;	/* its request's, for interrupt_operation */
	mach_port_t newport;		/* P (server side): a send right, or null/dead */
	hurd_ihash_locp_t rendezvous_loc;
	hurd_ihash_locp_t reply_loc;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* R's name -> the side waiting on it.  */
static struct hurd_ihash waiting =
	HURD_IHASH_INITIALIZER(offsetof(struct rendezvous, rendezvous_loc));
/* The waiting side's reply port name -> the same record.  */
static struct hurd_ihash waiting_by_reply =
	HURD_IHASH_INITIALIZER(offsetof(struct rendezvous, reply_loc));

/* Ask for a dead-name notification on NAME (to the bucket's notify
 * port).  Asking with the name already dead sends it at once.  */
static error_t
watch(struct authhandle *h, mach_port_t name)
{
	mach_port_t previous = MACH_PORT_NULL;
	error_t err = ports_request_dead_name_notification(h, name, &previous);
	if (!err && MACH_PORT_VALID(previous))
		mach_port_deallocate(mach_task_self(), previous);
	return err;
}

/* Cancel the dead-name request on NAME, if there still is one (there is
 * none once its notification was sent).  */
static void
unwatch(mach_port_t name)
{
	mach_port_t previous = MACH_PORT_NULL;
	if (ports_request_dead_name_notification(NULL, name, &previous) == 0 &&
	    MACH_PORT_VALID(previous))
		mach_port_deallocate(mach_task_self(), previous);
}

/* Take W out of the tables and cancel its notifications.  LOCK held.  */
static void
take_out(struct rendezvous *w)
{
	hurd_ihash_locp_remove(&waiting, w->rendezvous_loc);
	hurd_ihash_locp_remove(&waiting_by_reply, w->reply_loc);
	unwatch(w->rendezvous);
	unwatch(w->reply);
}

/* Drop what W holds besides its reply right, and W.  */
static void
release(struct rendezvous *w)
{
	mach_port_deallocate(mach_task_self(), w->rendezvous);
	ports_port_deref(w->handle);
	if (MACH_PORT_VALID(w->newport))
		mach_port_deallocate(mach_task_self(), w->newport);
	free(w);
}

/* After a reply to a waiting side failed to go: its reply right is still
 * ours when the destination was the problem.  */
static void
reply_failed(mach_port_t reply, kern_return_t kr)
{
	if (kr == MACH_SEND_INVALID_DEST)
		mach_port_deallocate(mach_task_self(), reply);
	boot_server_log("a rendezvous reply could not be sent: %s", boot_server_error_string(kr));
}

/* Record the side calling now as waiting on RENDEZVOUS.  Takes over the
 * request's rights (and a new reference to USER) on success.  LOCK held.
 * EINVAL without a reply port to answer later; ENOMEM; a notification
 * request's error.  */
static error_t
start_waiting(struct authhandle *caller, bool user_side, mach_port_t rendezvous,
	      mach_port_t reply, mach_msg_type_name_t reply_type,
	      mach_port_t newport)
{
	if (!MACH_PORT_VALID(reply))
		return EINVAL;
	struct rendezvous *w = calloc(1, sizeof *w);
	if (!w)
		return ENOMEM;
	*w = (struct rendezvous) {
		.user_side = user_side,
		.rendezvous = rendezvous,
		.reply = reply,
		.reply_type = reply_type,
		.handle = caller,
		.seqno = auth_request_seqno,
		.newport = user_side ? MACH_PORT_NULL : newport,
	};
	error_t err = hurd_ihash_add(&waiting, rendezvous, w);
	if (err) {
		free(w);
		return err;
	}
	err = hurd_ihash_add(&waiting_by_reply, reply, w);
	if (err) {
		hurd_ihash_locp_remove(&waiting, w->rendezvous_loc);
		free(w);
		return err;
	}
	/* The notifications need LOCK to be handled, so they find W in the
	 * tables even if a name is dead already.  */
	err = watch(caller, rendezvous);
	if (!err) {
		err = watch(caller, reply);
		if (err)
			unwatch(rendezvous);
	}
	if (err) {
		hurd_ihash_locp_remove(&waiting, w->rendezvous_loc);
		hurd_ihash_locp_remove(&waiting_by_reply, w->reply_loc);
		free(w);
		return err;
	}
	ports_port_ref(caller);
	return 0;
}

/* Implement auth_user_authenticate as described in <hurd/auth.defs>.
 * EOPNOTSUPP when the request did not come to a handle; EINVAL for a
 * null or dead RENDEZVOUS, or when the server side never came and
 * RENDEZVOUS died; EBUSY when another user already waits on RENDEZVOUS.  */
kern_return_t
S_auth_user_authenticate(struct authhandle *h, mach_port_t reply, mach_msg_type_name_t reply_type,
			 mach_port_t rendezvous, mach_port_t *newport,
			 mach_msg_type_name_t *newport_type)
{
	if (!h)
		return EOPNOTSUPP;
	if (!MACH_PORT_VALID(rendezvous))
		return EINVAL;

	pthread_mutex_lock(&lock);
	struct rendezvous *s = hurd_ihash_find(&waiting, rendezvous);
	if (!s) {
		error_t err = start_waiting(h, true, rendezvous, reply, reply_type,
					    MACH_PORT_NULL);
		pthread_mutex_unlock(&lock);
		return err ? err : MIG_NO_REPLY;
	}
	if (s->user_side) {
		pthread_mutex_unlock(&lock);
		return EBUSY;
	}
	take_out(s);
	pthread_mutex_unlock(&lock);

	/* The server waited: it learns our ids, we get its port.  */
	kern_return_t kr = auth_server_authenticate_reply(
		s->reply, s->reply_type, 0,
		h->ids[AUTH_EUIDS], h->nids[AUTH_EUIDS], h->ids[AUTH_AUIDS], h->nids[AUTH_AUIDS],
		h->ids[AUTH_EGIDS], h->nids[AUTH_EGIDS], h->ids[AUTH_AGIDS], h->nids[AUTH_AGIDS]);
	if (kr)
		reply_failed(s->reply, kr);
	*newport = s->newport;
	*newport_type = MACH_MSG_TYPE_MOVE_SEND;
	s->newport = MACH_PORT_NULL;	/* moved to our reply */
	release(s);
	/* Our own right to RENDEZVOUS: the request's, ours on success.  */
	mach_port_deallocate(mach_task_self(), rendezvous);
	return 0;
}

/* Implement auth_server_authenticate as described in <hurd/auth.defs>.
 * Both sides are answered here (MIG_NO_REPLY to the stub): the ids come
 * from the user's handle, which must stay referenced until they are sent.
 * EOPNOTSUPP when the request did not come to a handle; EINVAL for a
 * null or dead RENDEZVOUS, a NEWPORT that is not a send right, or when
 * the user side never came and RENDEZVOUS died; EBUSY when another
 * server already waits on RENDEZVOUS.  */
kern_return_t
S_auth_server_authenticate(struct authhandle *h, mach_port_t reply,
			   mach_msg_type_name_t reply_type, mach_port_t rendezvous,
			   mach_port_t newport, mach_msg_type_name_t newport_type,
			   idarray_t *euids, mach_msg_type_number_t *neuids,
			   idarray_t *auids, mach_msg_type_number_t *nauids,
			   idarray_t *egids, mach_msg_type_number_t *negids,
			   idarray_t *agids, mach_msg_type_number_t *nagids)
{
	if (!h)
		return EOPNOTSUPP;
	if (!MACH_PORT_VALID(rendezvous))
		return EINVAL;
	/* P goes to the user as a send right, which is what the user's stub
	 * accepts; a send-once right would make its call fail.  */
	if (MACH_PORT_VALID(newport) && newport_type != MACH_MSG_TYPE_PORT_SEND)
		return EINVAL;

	pthread_mutex_lock(&lock);
	struct rendezvous *u = hurd_ihash_find(&waiting, rendezvous);
	if (!u) {
		error_t err = start_waiting(h, false, rendezvous, reply, reply_type, newport);
		pthread_mutex_unlock(&lock);
		return err ? err : MIG_NO_REPLY;
	}
	if (!u->user_side) {
		pthread_mutex_unlock(&lock);
		return EBUSY;
	}
	take_out(u);
	pthread_mutex_unlock(&lock);

	/* The user waited: answer ourselves first (the user's handle is
	 * referenced by U until release), then the user.  */
	struct authhandle *uh = u->handle;
	kern_return_t kr = auth_server_authenticate_reply(
		reply, reply_type, 0,
		uh->ids[AUTH_EUIDS], uh->nids[AUTH_EUIDS], uh->ids[AUTH_AUIDS], uh->nids[AUTH_AUIDS],
		uh->ids[AUTH_EGIDS], uh->nids[AUTH_EGIDS], uh->ids[AUTH_AGIDS], uh->nids[AUTH_AGIDS]);
	if (kr)
		reply_failed(reply, kr);
	kr = auth_user_authenticate_reply(u->reply, u->reply_type, 0, newport,
					  MACH_MSG_TYPE_MOVE_SEND);
	if (kr) {
		reply_failed(u->reply, kr);
		if (kr == MACH_SEND_INVALID_DEST && MACH_PORT_VALID(newport))
			mach_port_deallocate(mach_task_self(), newport);
	}
	release(u);
	mach_port_deallocate(mach_task_self(), rendezvous);
	return MIG_NO_REPLY;
}

/* Answer W (taken out) with ERR: the waiting side ends without partner.  */
static void
answer_error(struct rendezvous *w, error_t err)
{
	kern_return_t kr = w->user_side
		? auth_user_authenticate_reply(w->reply, w->reply_type, err,
					       MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND)
		: auth_server_authenticate_reply(w->reply, w->reply_type, err,
						 NULL, 0, NULL, 0, NULL, 0, NULL, 0);
	if (kr)
		reply_failed(w->reply, kr);
}

void
auth_rendezvous_interrupt(struct authhandle *h, mach_port_seqno_t seqno)
{
	for (;;) {
		struct rendezvous *found = NULL;
		pthread_mutex_lock(&lock);
		HURD_IHASH_ITERATE(&waiting, value) {
			struct rendezvous *w = value;
			/* Sequence numbers are per port: compare only the
			 * requests that came to H.  */
			if (w->handle == h && w->seqno < seqno) {
				found = w;
				break;
			}
		}
		if (found)
			take_out(found);
		pthread_mutex_unlock(&lock);
		if (!found)
			return;
		answer_error(found, EINTR);
		boot_server_log("a waiting %s side was interrupted", found->user_side ? "user" : "server");
		release(found);
	}
}

bool
auth_rendezvous_dead_name(mach_port_t name)
{
	pthread_mutex_lock(&lock);
	struct rendezvous *w = hurd_ihash_find(&waiting, name);
	bool rendezvous_died = w != NULL;
	if (!w)
		w = hurd_ihash_find(&waiting_by_reply, name);
	if (w)
		take_out(w);
	pthread_mutex_unlock(&lock);
	if (!w)
		return false;

	if (rendezvous_died) {
		/* The partner will never come: say so (EINVAL, as the Hurd).  */
		answer_error(w, EINVAL);
		boot_server_log("a rendezvous port died while its %s side waited",
				w->user_side ? "user" : "server");
	} else {
		/* Nobody to answer: the reply right is a dead name now.  */
		mach_port_deallocate(mach_task_self(), w->reply);
		boot_server_log("the %s side of a rendezvous went away while it waited",
				w->user_side ? "user" : "server");
	}
	release(w);
	return true;
}

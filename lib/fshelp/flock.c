/* flock-style whole-file locks (file_lock): one lock box per node, one
 * int per open saying which lock that open holds.
 *
 * A box is LOCK_UN (free), LOCK_SH (SHCOUNT opens share it), LOCK_EX (one
 * open has it), or LOCK_SH|LOCK_EX: a sharer is upgrading atomically and
 * waits for the other sharers to leave, while new sharers are kept out.
 * The server's node mutex guards the box and every open's int; waiters
 * sleep on box->wait with it. */
#include <sys/file.h>
#include <hurd/fshelp.h>

/* Ask for an atomic change between shared and exclusive (the Hurd's
 * private flag; glibc does not pass it on Linux). */
#ifndef __LOCK_ATOMIC
# define __LOCK_ATOMIC 16
#endif

void
fshelp_lock_init(struct lock_box *box)
{
	box->type = LOCK_UN;
	pthread_cond_init(&box->wait, NULL);
	box->waiting = 0;
	box->shcount = 0;
}

static void
wake_waiters(struct lock_box *box)
{
	if (box->waiting) {
		box->waiting = 0;
		pthread_cond_broadcast(&box->wait);
	}
}

/* Give up what *USER holds. */
static void
release(struct lock_box *box, int *user)
{
	if (*user == LOCK_SH) {
		if (--box->shcount == 0)
			box->type = LOCK_UN;
		else if (box->type == (LOCK_SH | LOCK_EX) && box->shcount == 1)
			wake_waiters(box);	/* the upgrader is alone now */
	} else if (*user == LOCK_EX) {
		box->type = LOCK_UN;
	}
	*user = LOCK_UN;
	if (box->type == LOCK_UN)
		wake_waiters(box);
}

static error_t
wait_for_change(struct lock_box *box, pthread_mutex_t *mut, int flags)
{
	if (flags & LOCK_NB)
		return EWOULDBLOCK;
	box->waiting = 1;
	pthread_cond_wait(&box->wait, mut);
	return 0;
}

error_t
fshelp_acquire_lock(struct lock_box *box, int *user, pthread_mutex_t *mut, int flags)
{
	int atomic = flags & __LOCK_ATOMIC;
	int want;
	error_t err;

	if (!(flags & (LOCK_UN | LOCK_SH | LOCK_EX)))
		return 0;
	if ((flags & LOCK_UN) && (flags & (LOCK_SH | LOCK_EX)))
		return EINVAL;
	if (flags & LOCK_UN) {
		release(box, user);
		return 0;
	}
	want = (flags & LOCK_EX) ? LOCK_EX : LOCK_SH;
	if (*user == want)
		return 0;

	if (atomic && *user == LOCK_EX) {
		/* Downgrade in place: nobody else can hold anything. */
		box->type = LOCK_SH;
		box->shcount = 1;
		*user = LOCK_SH;
		wake_waiters(box);
		return 0;
	}
	if (atomic && *user == LOCK_SH) {
		/* Upgrade in place: keep new sharers out and wait for the
		 * others to leave. */
		if (box->type == (LOCK_SH | LOCK_EX))
			return EDEADLK;
		while (box->shcount > 1) {
			if (flags & LOCK_NB)
				return EWOULDBLOCK;
			box->type = LOCK_SH | LOCK_EX;
			box->waiting = 1;
			pthread_cond_wait(&box->wait, mut);
		}
		box->shcount = 0;
		box->type = LOCK_EX;
		*user = LOCK_EX;
		return 0;
	}

	/* A plain conversion: let go, then queue like anyone else. */
	if (*user != LOCK_UN)
		release(box, user);
	if (want == LOCK_SH) {
		while (box->type & LOCK_EX) {
			err = wait_for_change(box, mut, flags);
			if (err)
				return err;
		}
		box->type = LOCK_SH;
		box->shcount++;
	} else {
		while (box->type != LOCK_UN) {
			err = wait_for_change(box, mut, flags);
			if (err)
				return err;
		}
		box->type = LOCK_EX;
	}
	*user = want;
	return 0;
}

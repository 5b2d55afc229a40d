/* Record locks (fcntl F_GETLK, F_SETLK, F_SETLKW; file_record_lock).
 *
 * A lock covers the bytes [start, end) of a node (end == RLOCK_EOF: to
 * the end of the file, however far it grows) for one owner, an open
 * (peropen), identified by the address of its rlock_peropen.locks.  Each
 * lock is on two lists: its node's (box->locks), to find conflicts, and
 * its owner's (*po->locks), to drop them all when the open goes.  An
 * owner's locks never overlap each other: setting a lock first removes
 * the owner's coverage of the range, then inserts the new lock and merges
 * it with the owner's adjacent locks of the same type.
 *
 * Locking: the node's mutex (the server's, passed to fshelp_rlock_tweak)
 * guards both lists of every lock of the node.  F_SETLKW sleeps on the
 * box's condition with that mutex; every change to the node's locks
 * wakes all sleepers, who check again. */
#include <limits.h>
#include <stdint.h>
#include <sys/file.h>
#include <hurd/fshelp.h>

#define RLOCK_EOF INT64_MAX

struct rlock_list {
	loff_t start, end;		/* [start, end) */
	int type;			/* F_RDLCK or F_WRLCK */
	void *owner;			/* the peropen's locks address */
	struct rlock_box *box;
	struct rlock_list *node_next, **node_prevp;
	struct rlock_list *po_next, **po_prevp;
};

static struct rlock_list *
rlock_new(struct rlock_box *box, struct rlock_peropen *po, loff_t start, loff_t end, int type)
{
	struct rlock_list *l = malloc(sizeof *l);

	if (l == NULL)
		return NULL;
	l->start = start;
	l->end = end;
	l->type = type;
	l->owner = po->locks;
	l->box = box;
	l->node_next = box->locks;
	if (l->node_next)
		l->node_next->node_prevp = &l->node_next;
	l->node_prevp = &box->locks;
	box->locks = l;
	l->po_next = *po->locks;
	if (l->po_next)
		l->po_next->po_prevp = &l->po_next;
	l->po_prevp = po->locks;
	*po->locks = l;
	return l;
}

static void
rlock_free(struct rlock_list *l)
{
	*l->node_prevp = l->node_next;
	if (l->node_next)
		l->node_next->node_prevp = l->node_prevp;
	*l->po_prevp = l->po_next;
	if (l->po_next)
		l->po_next->po_prevp = l->po_prevp;
	free(l);
}

static int
overlaps(const struct rlock_list *l, loff_t start, loff_t end)
{
	return l->start < end && start < l->end;
}

/* Take [start, end) out of PO's locks on BOX, splitting a lock that
 * covers more on both sides.  ENOMEM only when a split needs memory, in
 * which case nothing changed. */
static error_t
rlock_unlock_range(struct rlock_box *box, struct rlock_peropen *po, loff_t start, loff_t end)
{
	struct rlock_list *l, *next;

	/* A split is the only step that can fail: do it first. */
	for (l = *po->locks; l != NULL; l = l->po_next) {
		if (l->start < start && end < l->end) {
			if (rlock_new(box, po, end, l->end, l->type) == NULL)
				return ENOMEM;
			l->end = start;
			return 0;
		}
	}
	for (l = *po->locks; l != NULL; l = next) {
		next = l->po_next;
		if (!overlaps(l, start, end))
			continue;
		if (start <= l->start && l->end <= end)
			rlock_free(l);
		else if (l->start < start)
			l->end = start;
		else
			l->start = end;
	}
	return 0;
}

/* Merge PO's lock L with its touching or overlapping locks of the same
 * type. */
static void
rlock_merge(struct rlock_peropen *po, struct rlock_list *l)
{
	struct rlock_list *o, *next;

	for (o = *po->locks; o != NULL; o = next) {
		next = o->po_next;
		if (o == l || o->type != l->type || o->end < l->start || l->end < o->start)
			continue;
		if (o->start < l->start)
			l->start = o->start;
		if (o->end > l->end)
			l->end = o->end;
		rlock_free(o);
	}
}

/* A lock of another owner on BOX that conflicts with TYPE over
 * [start, end), or NULL. */
static struct rlock_list *
rlock_conflict(struct rlock_box *box, void *owner, int type, loff_t start, loff_t end)
{
	for (struct rlock_list *l = box->locks; l != NULL; l = l->node_next)
		if (l->owner != owner && overlaps(l, start, end) &&
		    (type == F_WRLCK || l->type == F_WRLCK))
			return l;
	return NULL;
}

/* The absolute range [*START, *END) of LOCK.  EINVAL or EOVERFLOW. */
static error_t
rlock_range(const struct flock64 *lock, loff_t size, loff_t curpointer, loff_t *start,
	    loff_t *end)
{
	loff_t base, s, len = lock->l_len;

	switch (lock->l_whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = curpointer; break;
	case SEEK_END: base = size; break;
	default: return EINVAL;
	}
	if (__builtin_add_overflow(base, lock->l_start, &s))
		return EOVERFLOW;
	if (len < 0) {
		/* POSIX: the len bytes before start. */
		if (len == INT64_MIN || __builtin_add_overflow(s, len, &s))
			return EINVAL;
		len = -len;
	}
	if (s < 0)
		return EINVAL;
	*start = s;
	if (len == 0)
		*end = RLOCK_EOF;
	else if (__builtin_add_overflow(s, len, end))
		return EOVERFLOW;
	return 0;
}

error_t
fshelp_rlock_tweak(struct rlock_box *box, pthread_mutex_t *mutex, struct rlock_peropen *po,
		   int open_mode, loff_t size, loff_t curpointer, int cmd,
		   struct flock64 *lock, mach_port_t rendezvous)
{
	loff_t start, end;
	struct rlock_list *l;
	error_t err;

	(void) rendezvous;
	if (cmd != F_GETLK64 && cmd != F_SETLK64 && cmd != F_SETLKW64)
		return EINVAL;
	if (lock->l_type != F_RDLCK && lock->l_type != F_WRLCK && lock->l_type != F_UNLCK)
		return EINVAL;
	err = rlock_range(lock, size, curpointer, &start, &end);
	if (err)
		return err;

	if (cmd == F_GETLK64) {
		if (lock->l_type == F_UNLCK)
			return EINVAL;
		l = rlock_conflict(box, po->locks, lock->l_type, start, end);
		if (l == NULL) {
			lock->l_type = F_UNLCK;
			return 0;
		}
		lock->l_type = l->type;
		lock->l_whence = SEEK_SET;
		lock->l_start = l->start;
		lock->l_len = l->end == RLOCK_EOF ? 0 : l->end - l->start;
		lock->l_pid = -1;	/* owners are opens, not processes */
		return 0;
	}

	if (lock->l_type == F_UNLCK) {
		err = rlock_unlock_range(box, po, start, end);
		if (!err)
			pthread_cond_broadcast(&box->wait);
		return err;
	}
	if (lock->l_type == F_RDLCK && !(open_mode & O_READ))
		return EBADF;
	if (lock->l_type == F_WRLCK && !(open_mode & O_WRITE))
		return EBADF;

	while (rlock_conflict(box, po->locks, lock->l_type, start, end) != NULL) {
		if (cmd == F_SETLK64)
			return EAGAIN;
		pthread_cond_wait(&box->wait, mutex);
	}
	err = rlock_unlock_range(box, po, start, end);
	if (err)
		return err;
	l = rlock_new(box, po, start, end, lock->l_type);
	if (l == NULL) {
		pthread_cond_broadcast(&box->wait);
		return ENOMEM;
	}
	rlock_merge(po, l);
	/* A write lock turned into a read lock lets readers in. */
	pthread_cond_broadcast(&box->wait);
	return 0;
}

error_t
fshelp_rlock_drop_peropen(struct rlock_peropen *po)
{
	struct rlock_box *box = NULL;

	while (*po->locks != NULL) {
		box = (*po->locks)->box;
		rlock_free(*po->locks);
	}
	if (box != NULL)
		pthread_cond_broadcast(&box->wait);
	return 0;
}

static int
status_of(int strongest, int type)
{
	if (type == F_WRLCK)
		return LOCK_EX;
	return strongest == LOCK_EX ? LOCK_EX : LOCK_SH;
}

int
fshelp_rlock_peropen_status(struct rlock_peropen *po)
{
	int status = LOCK_UN;

	for (struct rlock_list *l = *po->locks; l != NULL; l = l->po_next)
		status = status_of(status, l->type);
	return status;
}

int
fshelp_rlock_node_status(struct rlock_box *box)
{
	int status = LOCK_UN;

	for (struct rlock_list *l = box->locks; l != NULL; l = l->node_next)
		status = status_of(status, l->type);
	return status;
}

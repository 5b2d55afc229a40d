/* Deferred freeing of ports' memory: each bucket's thread pool.
 *
 * A manager thread receives a message that names its port by payload (the
 * port's address) and only then looks the port up.  If the port ended in
 * between (its last reference dropped by another thread), the address must
 * still be readable memory, so that the lookup can see that the port is
 * dead.  So a dead port's memory is freed only after every manager thread
 * of its bucket that was online when the port died has passed a quiescent
 * point: finished the message it was handling, or received none within
 * its receive timeout, or gone offline.  A thread blocked in receive is
 * not quiescent: machd may have given it a message already.
 *
 * The pool keeps two lists.  NEXT_PENDING collects ports as they die.
 * When PENDING is empty, NEXT_PENDING is sealed into PENDING: the pool's
 * generation goes up and BUSY_OLD counts the online threads, each of which
 * confirms the new generation at its next quiescent point.  When BUSY_OLD
 * reaches zero, PENDING is freed and the next list is sealed.  A thread
 * that comes online confirms the current generation at once (it cannot
 * hold a message from before).  With no thread online, a port is freed at
 * once.
 *
 * A dead port's hentry field links it in these lists (the port is out of
 * the tables); the fields a payload lookup reads (port_right, bucket,
 * class, refcounts) stay as they are until the free.  Everything here is
 * under the pool's lock, except the quick generation check. */
#include "ports_internal.h"

static inline struct port_info *
list_next(struct port_info *pi)
{
	return (struct port_info *) (void *) pi->hentry;
}

static inline void
list_push(struct pi_list **list, struct port_info *pi)
{
	pi->hentry = (hurd_ihash_locp_t) (void *) *list;
	*list = (struct pi_list *) pi;
}

static void
list_free(struct pi_list *list)
{
	struct port_info *pi = (struct port_info *) list;

	while (pi) {
		struct port_info *next = list_next(pi);

		free(pi);
		pi = next;
	}
}

/* Seal NEXT_PENDING into PENDING if PENDING is free.  Pool lock held. */
static void
seal(struct ports_threadpool *pool)
{
	if (pool->pending || !pool->next_pending)
		return;
	pool->pending = pool->next_pending;
	pool->next_pending = NULL;
	pool->generation++;
	pool->busy_old = pool->threads;
}

/* THREAD confirms the pool's generation; returns what may be freed now.
 * Pool lock held. */
static struct pi_list *
confirm(struct ports_threadpool *pool, struct ports_thread *thread)
{
	struct pi_list *done = NULL;

	if (thread->generation == pool->generation)
		return NULL;
	thread->generation = pool->generation;
	assert(pool->busy_old > 0);
	if (--pool->busy_old == 0) {
		done = pool->pending;
		pool->pending = NULL;
		seal(pool);
	}
	return done;
}

void
_ports_threadpool_init(struct ports_threadpool *pool)
{
	pthread_mutex_init(&pool->lock, NULL);
	pool->generation = 0;
	pool->threads = 0;
	pool->busy_old = 0;
	pool->pending = NULL;
	pool->next_pending = NULL;
}

void
_ports_thread_online(struct ports_threadpool *pool, struct ports_thread *thread)
{
	pthread_mutex_lock(&pool->lock);
	pool->threads++;
	thread->generation = pool->generation;
	pthread_mutex_unlock(&pool->lock);
}

void
_ports_thread_quiescent(struct ports_threadpool *pool, struct ports_thread *thread)
{
	struct pi_list *done;

	if (thread->generation == __atomic_load_n(&pool->generation, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&pool->lock);
	done = confirm(pool, thread);
	pthread_mutex_unlock(&pool->lock);
	list_free(done);
}

void
_ports_thread_offline(struct ports_threadpool *pool, struct ports_thread *thread)
{
	struct pi_list *done, *rest = NULL;

	pthread_mutex_lock(&pool->lock);
	done = confirm(pool, thread);
	assert(pool->threads > 0);
	if (--pool->threads == 0) {
		/* Nobody left who could hold a message. */
		assert(pool->busy_old == 0);
		rest = pool->next_pending;
		if (pool->pending) {
			struct port_info *last = (struct port_info *) pool->pending;

			while (list_next(last))
				last = list_next(last);
			last->hentry = (hurd_ihash_locp_t) (void *) rest;
			rest = pool->pending;
		}
		pool->pending = pool->next_pending = NULL;
		pool->busy_old = 0;
	}
	pthread_mutex_unlock(&pool->lock);
	list_free(done);
	list_free(rest);
}

void
_ports_port_free_deferred(struct port_info *pi)
{
	struct ports_threadpool *pool = &pi->bucket->threadpool;
	bool now;

	pthread_mutex_lock(&pool->lock);
	now = pool->threads == 0;
	if (!now) {
		list_push(&pool->next_pending, pi);
		seal(pool);
	}
	pthread_mutex_unlock(&pool->lock);
	if (now)
		free(pi);
}

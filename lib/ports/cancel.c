/* Thread cancellation: glibc's hurd_thread_cancel / hurd_check_cancel /
 * pthread_hurd_cond_*wait_np, made for HELL.
 *
 * On the Hurd, hurd_thread_cancel sets the thread's cancel flag and aborts
 * the Mach call it is blocked in (the kernel's thread_abort).  HELL has no
 * thread_abort, but a Linux signal ends a blocked mach_msg: libmach sees
 * recvmsg fail with EINTR and asks machd to end the call
 * (MACH_RCV_INTERRUPTED / MACH_SEND_INTERRUPTED).  So each thread that
 * libports knows has a cancel state: its flag, its Linux tid, and the
 * condition it waits on in pthread_hurd_cond_*wait_np.  Cancelling sets
 * the flag, sends HELL_CANCEL_SIGNAL to the thread (whose handler does
 * nothing and has no SA_RESTART) and wakes the condition it waits on.
 * libmach's mach_msg, which retries an interrupted call unless told
 * otherwise, returns MACH_*_INTERRUPTED to a cancelled thread instead
 * (hell_mach_msg_cancelled), so an RPC the thread makes to another server
 * through a MIG stub ends too.
 *
 * A signal that lands just before the thread blocks is lost (the thread
 * then blocks), so the canceller cannot do it once and be sure.  A kicker
 * thread repeats the signal and the wake-up, 1 ms after the first try and
 * then ever less often (doubling to 64 ms), until the thread takes note
 * of the flag (hurd_check_cancel, a cancelled condition wait, the end of
 * its RPC) or 10 s pass.  It runs only while a cancellation is pending.
 *
 * Lifecycle of a state: made on the thread's first use of libports
 * (ports_begin_rpc, hurd_check_cancel, a condition wait ...), put in the
 * registry, and ended by a thread-local destructor at thread exit, which
 * runs before libmach's own (pthread key) destructor closes the thread's
 * channel, so the state can still give back its thread port.
 *
 * Locking: registry_lock guards the registry list and every state's kick
 * fields; a state's lock guards its wait fields.  Order: registry_lock,
 * then a state's lock, then (only tried) the mutex of the waited-on
 * condition.  The cancel flag itself is atomic. */
#include "ports_internal.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KICK_FIRST_NS	1000000ull		/* 1 ms */
#define KICK_MAX_NS	64000000ull		/* 64 ms */
#define KICK_GIVE_UP_NS	10000000000ull		/* 10 s */

struct hell_cancel_state {
	int cancelled;			/* the flag (atomic) */
	unsigned long serial;		/* unique per state, under registry_lock */
	pid_t tid;
	thread_t thread;		/* a send right of ours to the thread's port */

	pthread_mutex_t lock;
	pthread_cond_t *wait_cond;	/* under lock: in a condition wait on this */
	pthread_mutex_t *wait_mutex;	/* under lock: ... with this mutex */

	/* Under registry_lock. */
	struct hell_cancel_state *next;
	bool kicking;			/* the kicker repeats the kick */
	uint64_t kick_started;		/* ns, CLOCK_MONOTONIC */
	uint64_t kick_next;
	uint64_t kick_interval;
};

static __thread struct hell_cancel_state *self_state;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hell_cancel_state *registry;	/* every live state */
static unsigned long last_serial;		/* under registry_lock */
static pthread_cond_t kicker_wake;		/* CLOCK_MONOTONIC */
static bool kicker_running;

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

extern void *__dso_handle;
extern int __cxa_thread_atexit_impl(void (*fn)(void *), void *arg, void *dso);

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static pid_t
current_tid(void)
{
	return (pid_t) syscall(SYS_gettid);
}

/* Only interrupts: what matters is that the thread's system call ends. */
static void
on_cancel_signal(int sig)
{
	(void) sig;
}

/* A fork child has only the forking thread: forget the others (their
 * memory stays, as the parent's other threads' stacks do) and the kicker. */
static void
init_kicker_wake(void)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&kicker_wake, &ca);
	pthread_condattr_destroy(&ca);
}

static void
after_fork_child(void)
{
	struct hell_cancel_state *self = self_state;

	pthread_mutex_init(&registry_lock, NULL);
	init_kicker_wake();
	registry = NULL;
	kicker_running = false;
	if (self) {
		self->tid = current_tid();
		self->next = NULL;
		self->kicking = false;
		pthread_mutex_init(&self->lock, NULL);
		registry = self;
	}
}

/* For libmach: is the calling thread cancelled?  (The flag stays set.) */
static int
self_cancelled(void)
{
	struct hell_cancel_state *st = self_state;

	return st && __atomic_load_n(&st->cancelled, __ATOMIC_ACQUIRE);
}

static void
setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_cancel_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: the point is to end the call */
	if (sigaction(HELL_CANCEL_SIGNAL, &sa, NULL) != 0)
		perror("libports: sigaction(HELL_CANCEL_SIGNAL)");

	init_kicker_wake();
	pthread_atfork(NULL, NULL, after_fork_child);
	__atomic_store_n(&hell_mach_msg_cancelled, self_cancelled, __ATOMIC_RELEASE);
}

/* Thread exit: leave the registry, give back the thread port. */
static void
state_end(void *arg)
{
	struct hell_cancel_state *st = arg;

	pthread_mutex_lock(&registry_lock);
	for (struct hell_cancel_state **p = &registry; *p; p = &(*p)->next) {
		if (*p == st) {
			*p = st->next;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	self_state = NULL;
	if (MACH_PORT_VALID(st->thread))
		mach_port_deallocate(mach_task_self(), st->thread);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

struct hell_cancel_state *
_ports_cancel_self(void)
{
	struct hell_cancel_state *st = self_state;

	if (__builtin_expect(st != NULL, 1))
		return st;
	pthread_once(&setup_once, setup);
	st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	st->tid = current_tid();
	st->thread = mach_thread_self();
	if (!MACH_PORT_VALID(st->thread)) {
		free(st);
		return NULL;
	}
	pthread_mutex_init(&st->lock, NULL);
	if (__cxa_thread_atexit_impl(state_end, st, &__dso_handle) != 0) {
		mach_port_deallocate(mach_task_self(), st->thread);
		pthread_mutex_destroy(&st->lock);
		free(st);
		return NULL;
	}
	pthread_mutex_lock(&registry_lock);
	st->serial = ++last_serial;
	st->next = registry;
	registry = st;
	pthread_mutex_unlock(&registry_lock);
	self_state = st;
	return st;
}

unsigned long
_ports_cancel_serial(const struct hell_cancel_state *st)
{
	return st ? st->serial : 0;
}

thread_t
_ports_thread_self(void)
{
	struct hell_cancel_state *st = _ports_cancel_self();

	return st ? st->thread : MACH_PORT_NULL;
}

/* Interrupt what ST's thread is blocked in: its system call (the signal)
 * and its condition wait (a broadcast).  The broadcast is certain to
 * reach the waiter when the condition's mutex is free (we take it) or
 * held by anyone but the waiter; when the waiter holds it, it is between
 * its flag check and its wait, and the kicker's next round reaches it.
 * Registry lock held, or ST otherwise known alive. */
static void
kick(struct hell_cancel_state *st)
{
	syscall(SYS_tgkill, getpid(), st->tid, HELL_CANCEL_SIGNAL);
	pthread_mutex_lock(&st->lock);
	if (st->wait_cond) {
		if (pthread_mutex_trylock(st->wait_mutex) == 0) {
			pthread_cond_broadcast(st->wait_cond);
			pthread_mutex_unlock(st->wait_mutex);
		} else {
			pthread_cond_broadcast(st->wait_cond);
		}
	}
	pthread_mutex_unlock(&st->lock);
}

static void *
kicker_main(void *arg)
{
	(void) arg;
	pthread_mutex_lock(&registry_lock);
	for (;;) {
		uint64_t now = now_ns(), due = UINT64_MAX;
		struct timespec ts;

		for (struct hell_cancel_state *st = registry; st; st = st->next) {
			if (!st->kicking)
				continue;
			if (!__atomic_load_n(&st->cancelled, __ATOMIC_ACQUIRE) ||
			    now - st->kick_started > KICK_GIVE_UP_NS) {
				st->kicking = false;
				continue;
			}
			if (now >= st->kick_next) {
				kick(st);
				st->kick_interval = st->kick_interval * 2 > KICK_MAX_NS
					? KICK_MAX_NS : st->kick_interval * 2;
				st->kick_next = now + st->kick_interval;
			}
			if (st->kick_next < due)
				due = st->kick_next;
		}
		if (due == UINT64_MAX)
			break;
		ts.tv_sec = (time_t) (due / 1000000000ull);
		ts.tv_nsec = (long) (due % 1000000000ull);
		pthread_cond_timedwait(&kicker_wake, &registry_lock, &ts);
	}
	kicker_running = false;
	pthread_mutex_unlock(&registry_lock);
	return NULL;
}

/* Set ST's flag and interrupt it now and, through the kicker, again until
 * it notices.  registry_lock held. */
static void
cancel_locked(struct hell_cancel_state *st)
{
	__atomic_store_n(&st->cancelled, 1, __ATOMIC_RELEASE);
	if (st == self_state)
		return;		/* a thread does not interrupt itself */
	kick(st);
	st->kick_started = now_ns();
	st->kick_interval = KICK_FIRST_NS;
	st->kick_next = st->kick_started + KICK_FIRST_NS;
	if (!st->kicking) {
		st->kicking = true;
		if (!kicker_running) {
			pthread_t t;
			pthread_attr_t attr;

			pthread_attr_init(&attr);
			pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
			if (pthread_create(&t, &attr, kicker_main, NULL) == 0)
				kicker_running = true;
			pthread_attr_destroy(&attr);
		} else {
			pthread_cond_signal(&kicker_wake);
		}
	}
}

void
_ports_cancel(struct hell_cancel_state *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&registry_lock);
	cancel_locked(st);
	pthread_mutex_unlock(&registry_lock);
}

/* RPC's thread may have exited in the middle of it (a server that calls
 * exit from an RPC): its state is then freed, and its memory perhaps
 * another thread's state by now.  So the state is cancelled only if it is
 * still registered and still the same thread's (serial).  */
void
_ports_cancel_rpc(const struct rpc_info *rpc)
{
	if (!rpc->cancel)
		return;
	pthread_mutex_lock(&registry_lock);
	for (struct hell_cancel_state *st = registry; st; st = st->next) {
		if (st == rpc->cancel && st->serial == rpc->cancel_serial) {
			cancel_locked(st);
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
}

error_t
hurd_thread_cancel(thread_t thread)
{
	error_t err = ESRCH;

	if (!MACH_PORT_VALID(thread))
		return ESRCH;
	pthread_once(&setup_once, setup);
	pthread_mutex_lock(&registry_lock);
	for (struct hell_cancel_state *st = registry; st; st = st->next) {
		if (st->thread == thread) {
			cancel_locked(st);
			err = 0;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	return err;
}

int
hurd_check_cancel(void)
{
	struct hell_cancel_state *st = self_state;

	return st ? __atomic_exchange_n(&st->cancelled, 0, __ATOMIC_ACQ_REL) : 0;
}

int
pthread_hurd_cond_timedwait_np(pthread_cond_t *cond, pthread_mutex_t *mutex,
			       const struct timespec *abstime)
{
	struct hell_cancel_state *st = _ports_cancel_self();
	int err = 0;

	if (!st)	/* cannot be cancelled: a plain wait */
		return abstime ? pthread_cond_timedwait(cond, mutex, abstime)
			       : pthread_cond_wait(cond, mutex);

	pthread_mutex_lock(&st->lock);
	st->wait_cond = cond;
	st->wait_mutex = mutex;
	pthread_mutex_unlock(&st->lock);

	if (!__atomic_load_n(&st->cancelled, __ATOMIC_ACQUIRE))
		err = abstime ? pthread_cond_timedwait(cond, mutex, abstime)
			      : pthread_cond_wait(cond, mutex);

	pthread_mutex_lock(&st->lock);
	st->wait_cond = NULL;
	st->wait_mutex = NULL;
	pthread_mutex_unlock(&st->lock);

	if (__atomic_exchange_n(&st->cancelled, 0, __ATOMIC_ACQ_REL))
		return EINTR;
	return err;
}

int
pthread_hurd_cond_wait_np(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
	return pthread_hurd_cond_timedwait_np(cond, mutex, NULL) == EINTR;
}

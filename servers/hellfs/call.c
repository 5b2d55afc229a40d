/* The deadline and interruption of the RPCs hellfs makes, and what their
 * errors become for Linux.
 *
 * A Linux process must never hang on the mount because a translator
 * hangs.  Each operation's RPCs run inside a call (hellfs_call_begin ..
 * hellfs_call_end) that a watchdog thread ends once rpc_timeout passes,
 * and that the kernel ends when the Linux caller is interrupted (FUSE's
 * INTERRUPT).  Ending a call is the way HELL aborts a blocked mach_msg:
 * a signal to the thread (CALL_SIGNAL, a handler that does nothing, no
 * SA_RESTART) makes libmach's wait fail with EINTR, and libmach returns
 * MACH_RCV_INTERRUPTED instead of waiting again because its
 * hell_mach_msg_cancelled hook says this thread is cancelled.  The MIG
 * stub then drops its reply port, so a late reply is never mistaken for
 * the answer to a later RPC.
 *
 * A signal sent just before the thread blocks is lost, so the watchdog
 * repeats it every KICK_NS while a cancelled call is still running.
 *
 * Locking: calls_lock guards the list of calls and their links; a call's
 * CANCELLED is atomic.  The interrupt callback runs under libfuse's lock
 * of the request, and hellfs_call_end unregisters it under the same lock
 * (fuse_req_interrupt_func) before the call's memory goes away.  */
#include "hellfs.h"

#include <errno.h>
#include <hell/hell.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <mach/mig_errors.h>

#define CALL_SIGNAL	(SIGRTMIN + 7)	/* libports' HELL_CANCEL_SIGNAL: unused here */
#define KICK_NS		20000000ull	/* 20 ms between kicks of a cancelled call */
#define TICK_NS		200000000ull	/* the watchdog's pace otherwise */

static pthread_mutex_t calls_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t calls_changed;	/* CLOCK_MONOTONIC */
static struct hellfs_call *calls;	/* every call in progress */
static __thread struct hellfs_call *current_call;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static void
call_signal_handler(int sig)
{
	(void) sig;
}

/* libmach asks this when a wait of this thread was interrupted.  */
static int
this_call_cancelled(void)
{
	struct hellfs_call *c = current_call;

	return c && __atomic_load_n(&c->cancelled, __ATOMIC_ACQUIRE) != 0;
}

static void
kick(struct hellfs_call *c)
{
	syscall(SYS_tgkill, getpid(), c->tid, CALL_SIGNAL);
}

static void
cancel(struct hellfs_call *c, int why)
{
	int none = 0;

	if (__atomic_compare_exchange_n(&c->cancelled, &none, why, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		kick(c);
}

static void *
watchdog(void *unused)
{
	(void) unused;
	pthread_mutex_lock(&calls_lock);
	for (;;) {
		uint64_t now = now_ns(), pace = TICK_NS;
		struct timespec until;

		for (struct hellfs_call *c = calls; c; c = c->next) {
			if (__atomic_load_n(&c->cancelled, __ATOMIC_ACQUIRE)) {
				kick(c);		/* again: the first may be lost */
				pace = KICK_NS;
			} else if (now >= c->deadline_ns) {
				cancel(c, EIO);
				pace = KICK_NS;
			}
		}
		if (!calls) {
			pthread_cond_wait(&calls_changed, &calls_lock);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += (long) pace;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&calls_changed, &calls_lock, &until);
	}
	return NULL;
}

void
hellfs_call_setup(void)
{
	struct sigaction sa;
	pthread_condattr_t attr;
	pthread_t thread;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = call_signal_handler;	/* no SA_RESTART: the wait must end */
	sigemptyset(&sa.sa_mask);
	sigaction(CALL_SIGNAL, &sa, NULL);

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&calls_changed, &attr);
	pthread_condattr_destroy(&attr);

	__atomic_store_n(&hell_mach_msg_cancelled, this_call_cancelled, __ATOMIC_RELEASE);
	if (pthread_create(&thread, NULL, watchdog, NULL) != 0) {
		fprintf(stderr, "hellfs: cannot start the RPC watchdog: %s\n", strerror(errno));
		exit(1);
	}
	pthread_detach(thread);
}

static void
interrupted(fuse_req_t req, void *data)
{
	(void) req;
	cancel(data, EINTR);
	pthread_mutex_lock(&calls_lock);
	pthread_cond_signal(&calls_changed);	/* kick again soon */
	pthread_mutex_unlock(&calls_lock);
}

void
hellfs_call_begin(struct hellfs_call *c, fuse_req_t req)
{
	c->req = req;
	c->tid = (pid_t) syscall(SYS_gettid);
	c->deadline_ns = now_ns() + (uint64_t) hellfs_opt.rpc_timeout * 1000000000ull;
	c->cancelled = 0;
	pthread_mutex_lock(&calls_lock);
	c->prev = NULL;
	c->next = calls;
	if (calls)
		calls->prev = c;
	calls = c;
	if (!c->next)
		pthread_cond_signal(&calls_changed);	/* the watchdog was idle */
	pthread_mutex_unlock(&calls_lock);
	current_call = c;
	if (req)
		fuse_req_interrupt_func(req, interrupted, c);
}

int
hellfs_call_end(struct hellfs_call *c, error_t err)
{
	int why;

	if (c->req)
		fuse_req_interrupt_func(c->req, NULL, NULL);
	current_call = NULL;
	pthread_mutex_lock(&calls_lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&calls_lock);

	why = __atomic_load_n(&c->cancelled, __ATOMIC_ACQUIRE);
	if (err && why)
		return why;
	return hellfs_errno(err);
}

/* HELL's Hurd servers put Linux errno values on the wire (docs/hurd.md),
 * so an error from a server is passed on as it is.  What is not an errno
 * says the RPC itself failed: a dead or invalid port, a malformed reply, a
 * server that does not know the routine.  */
int
hellfs_errno(error_t err)
{
	if (err == 0)
		return 0;
	if (err > 0 && err < 4096)
		return err;
	switch (err) {
	case MIG_BAD_ID:
		return EOPNOTSUPP;	/* the server does not do this */
	case MACH_SEND_INTERRUPTED:
	case MACH_RCV_INTERRUPTED:
		return EINTR;
	default:
		return EIO;		/* dead server, bad reply, kernel error */
	}
}

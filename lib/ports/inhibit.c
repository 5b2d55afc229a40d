/* Inhibiting RPCs on a port, a class, a bucket or everywhere: interrupt
 * the RPCs in progress, wait until they end, and keep new ones waiting in
 * ports_begin_rpc until the matching resume.  The calling thread's own RPC
 * (an inhibition requested from inside an RPC, as fsys_goaway does) is
 * neither interrupted nor waited for.  Under _ports_lock. */
#include "ports_internal.h"

/* Interrupt every RPC on PI but the caller's; whether the caller has one. */
static bool
interrupt_port(struct port_info *pi, thread_t self)
{
	bool mine = false;

	for (struct rpc_info *rpc = pi->current_rpcs; rpc; rpc = rpc->next) {
		if (MACH_PORT_VALID(self) && rpc->thread == self)
			mine = true;
		else
			_ports_cancel_rpc(rpc);
	}
	return mine;
}

/* Interrupt the RPCs of every port in CLASS (every port if NULL); returns
 * how many of them are the caller's. */
static int
interrupt_all(struct port_class *class, struct port_bucket *bucket, thread_t self)
{
	int mine = 0;

	pthread_rwlock_rdlock(&_ports_htable_lock);
	HURD_IHASH_ITERATE(bucket ? &bucket->htable : &_ports_htable, v) {
		struct port_info *pi = v;

		if (!class || pi->class == class)
			mine += interrupt_port(pi, self);
	}
	pthread_rwlock_unlock(&_ports_htable_lock);
	return mine;
}

/* Wait until *COUNT is at most MINE, with INHIBIT_WAIT set in *FLAGS
 * meanwhile; then mark *FLAGS inhibited.  EINTR if cancelled. */
static error_t
wait_and_inhibit(int *flags, const int *count, int mine)
{
	error_t err = 0;

	while (*count > mine) {
		*flags |= PORTS_INHIBIT_WAIT;
		if (pthread_hurd_cond_wait_np(&_ports_block, &_ports_lock)) {
			err = EINTR;
			break;
		}
	}
	*flags &= ~PORTS_INHIBIT_WAIT;
	if (!err)
		*flags |= PORTS_INHIBITED;
	/* Someone may wait for INHIBIT_WAIT to clear (ports_begin_rpc). */
	pthread_cond_broadcast(&_ports_block);
	return err;
}

error_t
ports_inhibit_port_rpcs(void *port)
{
	struct port_info *pi = port;
	thread_t self = _ports_thread_self();
	error_t err = 0;

	pthread_mutex_lock(&_ports_lock);
	if (pi->flags & (PORT_INHIBITED | PORT_INHIBIT_WAIT)) {
		err = EBUSY;
	} else {
		interrupt_port(pi, self);
		for (;;) {
			struct rpc_info *r = pi->current_rpcs;

			/* Only the caller's own RPC left (or none). */
			if (!r || (!r->next && MACH_PORT_VALID(self) && r->thread == self))
				break;
			pi->flags |= PORT_INHIBIT_WAIT;
			if (pthread_hurd_cond_wait_np(&_ports_block, &_ports_lock)) {
				err = EINTR;
				break;
			}
		}
		pi->flags &= ~PORT_INHIBIT_WAIT;
		if (!err)
			pi->flags |= PORT_INHIBITED;
		pthread_cond_broadcast(&_ports_block);
	}
	pthread_mutex_unlock(&_ports_lock);
	return err;
}

error_t
ports_inhibit_class_rpcs(struct port_class *port_class)
{
	error_t err;

	pthread_mutex_lock(&_ports_lock);
	if (port_class->flags & (PORT_CLASS_INHIBITED | PORT_CLASS_INHIBIT_WAIT))
		err = EBUSY;
	else
		err = wait_and_inhibit(&port_class->flags, &port_class->rpcs,
				       interrupt_all(port_class, NULL, _ports_thread_self()));
	pthread_mutex_unlock(&_ports_lock);
	return err;
}

error_t
ports_inhibit_bucket_rpcs(struct port_bucket *bucket)
{
	error_t err;

	pthread_mutex_lock(&_ports_lock);
	if (bucket->flags & (PORT_BUCKET_INHIBITED | PORT_BUCKET_INHIBIT_WAIT))
		err = EBUSY;
	else
		err = wait_and_inhibit(&bucket->flags, &bucket->rpcs,
				       interrupt_all(NULL, bucket, _ports_thread_self()));
	pthread_mutex_unlock(&_ports_lock);
	return err;
}

error_t
ports_inhibit_all_rpcs(void)
{
	error_t err;

	pthread_mutex_lock(&_ports_lock);
	if (_ports_flags & (_PORTS_INHIBITED | _PORTS_INHIBIT_WAIT))
		err = EBUSY;
	else
		err = wait_and_inhibit(&_ports_flags, &_ports_total_rpcs,
				       interrupt_all(NULL, NULL, _ports_thread_self()));
	pthread_mutex_unlock(&_ports_lock);
	return err;
}

/* Lift the inhibition marked in *FLAGS and wake the RPCs it blocked. */
static void
resume(int *flags)
{
	assert(*flags & PORTS_INHIBITED);
	*flags &= ~PORTS_INHIBITED;
	if (*flags & PORTS_BLOCKED) {
		*flags &= ~PORTS_BLOCKED;
		pthread_cond_broadcast(&_ports_block);
	}
}

void
ports_resume_port_rpcs(void *port)
{
	struct port_info *pi = port;

	pthread_mutex_lock(&_ports_lock);
	resume(&pi->flags);
	pthread_mutex_unlock(&_ports_lock);
}

void
ports_resume_class_rpcs(struct port_class *port_class)
{
	pthread_mutex_lock(&_ports_lock);
	resume(&port_class->flags);
	pthread_mutex_unlock(&_ports_lock);
}

void
ports_resume_bucket_rpcs(struct port_bucket *bucket)
{
	pthread_mutex_lock(&_ports_lock);
	resume(&bucket->flags);
	pthread_mutex_unlock(&_ports_lock);
}

void
ports_resume_all_rpcs(void)
{
	pthread_mutex_lock(&_ports_lock);
	resume(&_ports_flags);
	pthread_mutex_unlock(&_ports_lock);
}

/* GNU Mach's traps, each one request on the thread's channel. */
#include "channel.h"
#include "libmach.h"
#include <hell/hell.h>

#include <sched.h>
#include <string.h>

mach_port_t __mach_task_self_;

static mach_port_t
name_trap(unsigned op)
{
	uint64_t vals[4];

	if (hell_chan_trap(op, 0, 0, 0, 0, vals) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return (mach_port_t) vals[0];
}

mach_port_t
mach_task_self_trap(void)
{
	return name_trap(HELL_OP_TASK_SELF);
}

mach_port_t
__hell_task_self_init(void)
{
	/* Benign race: two threads may both ask; each answer names the same
	 * port (one name per port), with one more user reference. */
	if (__mach_task_self_ == MACH_PORT_NULL)
		__mach_task_self_ = mach_task_self_trap();
	return __mach_task_self_;
}

mach_port_t
mach_thread_self(void)
{
	return name_trap(HELL_OP_THREAD_SELF);
}

mach_port_t
mach_host_self(void)
{
	return name_trap(HELL_OP_HOST_SELF);
}

mach_port_t
mach_reply_port(void)
{
	return name_trap(HELL_OP_REPLY_PORT);
}

boolean_t
swtch(void)
{
	sched_yield();
	return FALSE;
}

boolean_t
swtch_pri(int pri)
{
	sched_yield();
	return FALSE;
}

kern_return_t
thread_switch(mach_port_t thread, int option, mach_msg_timeout_t option_time)
{
	sched_yield();
	return KERN_SUCCESS;
}

kern_return_t
hell_machd_stats(struct hell_machd_stats *stats)
{
	struct hell_req req = { .op = HELL_OP_STATS };
	struct hell_rep rep;

	if (hell_chan() < 0 ||
	    hell_chan_call(&req, NULL, 0, NULL, 0, &rep, stats, sizeof *stats) < 0)
		return KERN_FAILURE;
	return rep.kr;
}

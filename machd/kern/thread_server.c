/* The thread routines of mach.defs that HELL serves: thread_info.
 *
 * A thread is the Linux thread at the other end of a channel (thread.c);
 * its figures are Linux's (/proc/PID/task/TID/stat).  Its state is machd's
 * while it waits in mach_msg, else Linux's. */
#include "thread.h"
#include "task.h"
#include "kobject.h"
#include "../linux/sys.h"

#include <mach/policy.h>
#include <mach/thread_info.h>
#include <string.h>
#include <time.h>

/* GNU Mach's base priority of a user thread; Linux's nice moves it (a
 * lower number runs first in both). */
#define BASEPRI_USER 25

static bool
thread_usage(struct thread *thread, struct linux_proc_usage *u)
{
	pid_t pid = thread->task->pid;

	memset(u, 0, sizeof *u);
	if (!pid)
		return false;
	/* A thread whose tid machd does not know: the process's figures. */
	return thread->tid ? linux_thread_usage(pid, thread->tid, u) : linux_proc_usage(pid, u);
}

static integer_t
run_state(struct thread *thread, const struct linux_proc_usage *u)
{
	if (thread->wait != TW_NONE)
		return TH_STATE_WAITING;	/* in mach_msg, waiting in machd */
	switch (u->state) {
	case 'R': return TH_STATE_RUNNING;
	case 'D': return TH_STATE_UNINTERRUPTIBLE;
	case 'T': case 't': return TH_STATE_STOPPED;
	case 'Z': case 'X': return TH_STATE_HALTED;
	default: return TH_STATE_WAITING;
	}
}

static void
set_time(uint64_t us, rpc_time_value_t *t, time_value64_t *t64)
{
	t->seconds = (integer_t) (us / 1000000);
	t->microseconds = (integer_t) (us % 1000000);
	if (t64) {
		t64->seconds = (int64_t) (us / 1000000);
		t64->nanoseconds = (int64_t) (us % 1000000) * 1000;
	}
}

static kern_return_t
thread_basic_info(struct thread *thread, thread_info_t info, mach_msg_type_number_t *count)
{
	struct thread_basic_info *bi = (struct thread_basic_info *) info;
	const mach_msg_type_number_t old_count =
		THREAD_BASIC_INFO_COUNT - 3 * sizeof(time_value64_t) / sizeof(natural_t);
	bool full = *count >= THREAD_BASIC_INFO_COUNT;
	struct linux_proc_usage u;
	struct timespec now, boot;
	uint64_t created_us = 0, life_us;

	if (*count < old_count)
		return KERN_INVALID_ARGUMENT;
	thread_usage(thread, &u);
	memset(bi, 0, full ? sizeof *bi : old_count * sizeof(natural_t));
	/* Its start, from boot, as wall-clock time. */
	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	if (u.start_us) {
		created_us = ((uint64_t) now.tv_sec - (uint64_t) boot.tv_sec) * 1000000u +
			     (uint64_t) ((now.tv_nsec - boot.tv_nsec) / 1000) + u.start_us;
	}
	set_time(u.utime_us, &bi->user_time, full ? &bi->user_time64 : NULL);
	set_time(u.stime_us, &bi->system_time, full ? &bi->system_time64 : NULL);
	set_time(created_us, &bi->creation_time, full ? &bi->creation_time64 : NULL);
	/* CPU use over its life, scaled as GNU Mach's (TH_USAGE_SCALE). */
	life_us = (uint64_t) boot.tv_sec * 1000000u + (uint64_t) boot.tv_nsec / 1000;
	life_us = life_us > u.start_us ? life_us - u.start_us : 0;
	bi->cpu_usage = life_us ? (integer_t) ((u.utime_us + u.stime_us) * TH_USAGE_SCALE / life_us) : 0;
	bi->base_priority = BASEPRI_USER + u.nice;
	bi->cur_priority = BASEPRI_USER + u.nice;
	bi->run_state = run_state(thread, &u);
	bi->flags = 0;
	bi->suspend_count = 0;
	bi->sleep_time = 0;
	if (*count > THREAD_BASIC_INFO_COUNT)
		*count = THREAD_BASIC_INFO_COUNT;
	return KERN_SUCCESS;
}

static kern_return_t
thread_sched_info(struct thread *thread, thread_info_t info, mach_msg_type_number_t *count)
{
	struct thread_sched_info *si = (struct thread_sched_info *) info;
	struct linux_proc_usage u;

	/* last_processor is newer; callers may not know it. */
	if (*count < THREAD_SCHED_INFO_COUNT - 1)
		return KERN_INVALID_ARGUMENT;
	thread_usage(thread, &u);
	si->policy = POLICY_TIMESHARE;
	si->data = 0;
	si->base_priority = BASEPRI_USER + u.nice;
	si->max_priority = 0;
	si->cur_priority = BASEPRI_USER + u.nice;
	si->depressed = FALSE;
	si->depress_priority = -1;
	if (*count >= THREAD_SCHED_INFO_COUNT) {
		si->last_processor = u.processor;
		*count = THREAD_SCHED_INFO_COUNT;
	}
	return KERN_SUCCESS;
}

kern_return_t
S_thread_info(mach_port_t target, int flavor, thread_info_t info, mach_msg_type_number_t *count)
{
	struct thread *thread = kobject_thread(target);

	if (!thread)
		return KERN_INVALID_ARGUMENT;	/* GNU Mach: thread == THREAD_NULL */
	switch (flavor) {
	case THREAD_BASIC_INFO: return thread_basic_info(thread, info, count);
	case THREAD_SCHED_INFO: return thread_sched_info(thread, info, count);
	default: return KERN_INVALID_ARGUMENT;
	}
}

/* <mach/mach_traps.h>: GNU Mach's traps, as libmach provides them. */
#ifndef _MACH_MACH_TRAPS_H
#define _MACH_MACH_TRAPS_H 1

#include <mach/port.h>
#include <mach/message.h>
#include <mach/kern_return.h>
#include <mach/boolean.h>
#include <mach/mach_types.h>

#ifdef __cplusplus
extern "C" {
#endif

extern mach_port_t mach_reply_port(void);
extern mach_port_t mach_thread_self(void);
extern mach_port_t mach_host_self(void);
extern mach_port_t mach_task_self_trap(void);

/* Give up the CPU: sched_yield on Linux.  Return whether other threads ran
 * (always FALSE: Linux does not say). */
extern boolean_t swtch(void);
extern boolean_t swtch_pri(int pri);
extern kern_return_t thread_switch(mach_port_t thread, int option,
				   mach_msg_timeout_t option_time);

#ifdef __cplusplus
}
#endif

#endif

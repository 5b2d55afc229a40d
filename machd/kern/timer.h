/* Timeouts of blocked mach_msg calls: a min-heap of threads by deadline. */
#ifndef MACHD_KERN_TIMER_H
#define MACHD_KERN_TIMER_H

#include <stdint.h>

struct thread;

uint64_t timer_now_ns(void);
/* Arm THREAD's timeout: it expires TIMEOUT_MS milliseconds from now. */
void timer_add(struct thread *thread, uint32_t timeout_ms);
void timer_remove(struct thread *thread);
/* Free the heap's storage (at exit; no timer may be armed). */
void timer_shutdown(void);
/* The earliest deadline, or 0 if none. */
uint64_t timer_next_deadline(void);
/* Fire every timeout due by now. */
void timer_expire(void);

#endif

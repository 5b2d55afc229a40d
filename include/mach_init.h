/* <mach_init.h>: the task's own ports and the page size, as glibc's Hurd
 * port declares them.  mach_task_self() is a cached value, like glibc's:
 * libmach fills the cache on first use (which opens the thread's channel to
 * machd) and keeps it right across fork. */
#ifndef _MACH_INIT_H
#define _MACH_INIT_H 1

#include <mach/mach_types.h>

#ifdef __cplusplus
extern "C" {
#endif

extern mach_port_t __mach_task_self_;
extern mach_port_t __hell_task_self_init(void);

#define __mach_task_self()						\
	(__builtin_expect(__mach_task_self_ != MACH_PORT_NULL, 1)	\
	 ? __mach_task_self_ : __hell_task_self_init())
#define mach_task_self() __mach_task_self()

/* Traps: each returns a new send right (one more user reference). */
extern mach_port_t mach_host_self(void);
extern mach_port_t mach_thread_self(void);
extern mach_port_t mach_reply_port(void);

extern vm_size_t __vm_page_size;
extern vm_size_t vm_page_size;

#define trunc_page(addr) ((addr) & ~(vm_page_size - 1))
#define round_page(addr) trunc_page((addr) + vm_page_size - 1)

#ifdef __cplusplus
}
#endif

#endif /* mach_init.h */

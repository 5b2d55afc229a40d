/* <mach/mach_error.h>: names and messages for kern_return_t and
 * mach_msg_return_t codes, as glibc's Hurd port offers them. */
#ifndef _MACH_MACH_ERROR_H
#define _MACH_MACH_ERROR_H 1

#include <mach/kern_return.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef kern_return_t mach_error_t;

/* A short description of CODE, never NULL (unknown codes give a string
 * naming the number, in a per-thread buffer). */
extern const char *mach_error_string(mach_error_t code);
/* "STR: description" on standard error. */
extern void mach_error(const char *str, mach_error_t code);
/* The class of CODE: "(os/kern)", "(ipc/send)", "(ipc/rcv)", "(ipc/mig)" ... */
extern const char *mach_error_type(mach_error_t code);

#ifdef __cplusplus
}
#endif

#endif

/* <mach/notify.h>: GNU Mach's notification message formats, plus the MIG
 * user stubs of notify.defs (mach_notify_port_deleted ...) that glibc's
 * Hurd port offers under this name. */
#ifndef _HELL_MACH_NOTIFY_H
#define _HELL_MACH_NOTIFY_H 1
#include_next <mach/notify.h>
#if __has_include(<mach/notify_user.h>)
#include <mach/notify_user.h>
#endif
#endif

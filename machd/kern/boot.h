/* The boot task (machd --boot): see boot.c. */
#ifndef MACHD_KERN_BOOT_H
#define MACHD_KERN_BOOT_H

#include <stdbool.h>
#include <sys/types.h>

/* Start ARGV[0] (with ARGV) as machd's first task, its bootstrap port a
 * send right to the privileged host port; SOCKET is machd's socket, for
 * the program's HELL_SOCKET.  False (and a message on standard error) if
 * it could not be started. */
bool boot_start(char *const argv[], const char *socket);
/* The process PID of a task has ended: if it is the boot process, collect
 * it and log how it ended. */
void boot_task_ended(pid_t pid);

#endif

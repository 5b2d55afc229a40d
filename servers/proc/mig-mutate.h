/* MIG hooks for proc's server stubs.
 *
 * process.defs: a request names a process's port, translated to its
 * struct proc with a reference for the RPC; a request to another of
 * proc's ports (the generic port) gets NULL, and the routines that need
 * a calling process answer EOPNOTSUPP, as on the Hurd.
 *
 * task_notify.defs: mach_notify_new_task comes to proc's notification
 * port (task_notify.c); anything else gets NULL.  */
#define PROCESS_INTRAN pstruct_t proc_begin_using (process_t)
#define PROCESS_INTRAN_PAYLOAD pstruct_t proc_begin_using_payload
#define PROCESS_DESTRUCTOR proc_end_using (pstruct_t)
#define PROCESS_IMPORTS import "proc.h";

#define TASK_NOTIFY_INTRAN notify_port_t proc_begin_task_notify (mach_port_t)
#define TASK_NOTIFY_INTRAN_PAYLOAD notify_port_t proc_begin_task_notify_payload
#define TASK_NOTIFY_DESTRUCTOR proc_end_task_notify (notify_port_t)
#define TASK_NOTIFY_IMPORTS import "proc.h";

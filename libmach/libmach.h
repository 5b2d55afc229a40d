/* libmach's internal interfaces between its files. */
#ifndef LIBMACH_LIBMACH_H
#define LIBMACH_LIBMACH_H

#include <mach.h>
#include <stdbool.h>
#include <stddef.h>

/* mig_support.c: the thread's reply port. */
void __hell_mig_thread_exit(void);
void __hell_mig_fork_child(void);

/* vm.c: memory for out-of-line regions. */
void *__hell_map_fd(int fd, size_t size);	/* private copy-on-write mapping, or NULL */
void *__hell_map_anon(size_t size);		/* zeroed pages, or NULL */
void __hell_unmap(void *addr, size_t size);

/* The MIG stubs of vm_allocate / vm_deallocate, renamed at build time so
 * that libmach's own versions serve the task's own memory. */
kern_return_t __hell_rpc_vm_allocate(mach_port_t, vm_address_t *, vm_size_t, boolean_t);
kern_return_t __hell_rpc_vm_deallocate(mach_port_t, vm_address_t, vm_size_t);

#endif

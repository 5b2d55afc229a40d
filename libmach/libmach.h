/* libmach's internal interfaces between its files. */
#ifndef LIBMACH_LIBMACH_H
#define LIBMACH_LIBMACH_H

#include <mach.h>
#include <stdbool.h>
#include <stddef.h>

/* The boundary where libmach hands the caller's buffers to Linux, as GNU
 * Mach's copyin/copyout would read them: raw system calls, so that a bad or
 * lying buffer gives EFAULT (MACH_*_INVALID_DATA) exactly as the kernel
 * sees it, and no sanitizer interceptor checks a range the program claimed
 * on purpose.  Defined in channel.c. */
#include <sys/socket.h>
#include <sys/uio.h>
ssize_t __hell_sys_sendmsg(int fd, const struct msghdr *mh, int flags);
ssize_t __hell_sys_recvmsg(int fd, struct msghdr *mh, int flags);
ssize_t __hell_sys_pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off);

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

/* The task's own memory: vm_allocate and vm_deallocate on mach_task_self()
 * are served here with mmap and munmap (GNU Mach has traps for them too);
 * on another task they are RPCs to its task port.  Out-of-line regions
 * received are mapped here. */
#include "libmach.h"

#include <errno.h>
#include <sys/mman.h>

vm_size_t __vm_page_size = 4096;
vm_size_t vm_page_size = 4096;

void *
__hell_map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void *
__hell_map_fd(int fd, size_t size)
{
	/* Private: the receiver's writes are its own (copy semantics), and a
	 * fork of the receiver gets a copy, not a share. */
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

void
__hell_unmap(void *addr, size_t size)
{
	munmap(addr, size);
}

kern_return_t
vm_allocate(mach_port_t task, vm_address_t *address, vm_size_t size, boolean_t anywhere)
{
	void *p;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;

	if (task != mach_task_self())
		return __hell_rpc_vm_allocate(task, address, size, anywhere);
	if (size == 0) {
		*address = 0;
		return KERN_SUCCESS;
	}
	size = round_page(size);
	if (!anywhere) {
		if (*address & (vm_page_size - 1))
			return KERN_INVALID_ADDRESS;
		flags |= MAP_FIXED_NOREPLACE;
	}
	p = mmap(anywhere ? NULL : (void *) *address, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return errno == EEXIST ? KERN_NO_SPACE : KERN_RESOURCE_SHORTAGE;
	if (!anywhere && (vm_address_t) p != *address) {
		munmap(p, size);
		return KERN_NO_SPACE;
	}
	*address = (vm_address_t) p;
	return KERN_SUCCESS;
}

kern_return_t
vm_deallocate(mach_port_t task, vm_address_t address, vm_size_t size)
{
	vm_address_t start, end;

	if (task != mach_task_self())
		return __hell_rpc_vm_deallocate(task, address, size);
	if (size == 0)
		return KERN_SUCCESS;
	start = trunc_page(address);
	end = round_page(address + size);
	if (end < start)
		return KERN_INVALID_ARGUMENT;
	munmap((void *) start, end - start);
	return KERN_SUCCESS;
}

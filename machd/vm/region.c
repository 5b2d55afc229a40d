/* vm_region (mach.defs): the regions of a task's address space, as Linux
 * keeps them (/proc/PID/maps, one region per Linux mapping).
 *
 * GNU Mach answers with the first region that contains ADDRESS or lies
 * above it, KERN_NO_SPACE when there is none.  What Linux does not say is
 * answered as Linux behaves: max_protection is VM_PROT_ALL, inheritance is
 * VM_INHERIT_SHARE for a shared mapping and VM_INHERIT_COPY otherwise (as a
 * fork treats them), and no region has a memory object name.  A task
 * without a process has an empty address space. */
#include "../kern/kobject.h"
#include "../kern/task.h"
#include "../linux/sys.h"

#include <mach/mach_types.h>
#include <mach/vm_inherit.h>
#include <mach/vm_prot.h>

kern_return_t
S_vm_region(mach_port_t target, vm_address_t *address, vm_size_t *size, vm_prot_t *protection,
	    vm_prot_t *max_protection, vm_inherit_t *inheritance, boolean_t *is_shared,
	    mach_port_t *object_name, vm_offset_t *offset)
{
	struct task *task = kobject_task(target);
	struct linux_region r;
	kern_return_t kr;

	if (!task || task->dead)
		return KERN_INVALID_ARGUMENT;	/* GNU Mach: map == VM_MAP_NULL */
	if (!task->pid)
		return KERN_NO_SPACE;
	kr = linux_proc_region(task->pid, *address, &r);
	if (kr != KERN_SUCCESS)
		return kr == KERN_NO_SPACE ? KERN_NO_SPACE : KERN_INVALID_ARGUMENT;
	*address = r.start;
	*size = r.end - r.start;
	*protection = (r.read ? VM_PROT_READ : 0) | (r.write ? VM_PROT_WRITE : 0) |
		      (r.execute ? VM_PROT_EXECUTE : 0);
	*max_protection = VM_PROT_ALL;
	*inheritance = r.shared ? VM_INHERIT_SHARE : VM_INHERIT_COPY;
	*is_shared = r.shared;
	*object_name = MACH_PORT_NULL;
	*offset = r.offset;
	return KERN_SUCCESS;
}

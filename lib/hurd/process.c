/* Process and task: task2pid, pid2task, get_privileged_ports.  All ask
 * the proc server, through the task's own proc port.  */

#include <hurd.h>

#include "hurd_private.h"

pid_t
__task2pid(task_t task)
{
	pid_t pid = -1;
	process_t proc = getproc();
	error_t err;

	if (proc == MACH_PORT_NULL)
		return -1;
	err = proc_task2pid(proc, task, &pid);
	mach_port_deallocate(mach_task_self(), proc);
	return err ? __hurd_fail(err) : pid;
}

pid_t
task2pid(task_t task)
{
	return __task2pid(task);
}

task_t
__pid2task(pid_t pid)
{
	task_t task = MACH_PORT_NULL;
	process_t proc = getproc();
	error_t err;

	if (proc == MACH_PORT_NULL)
		return MACH_PORT_NULL;
	err = proc_pid2task(proc, pid, &task);
	mach_port_deallocate(mach_task_self(), proc);
	if (err) {
		__hurd_fail(err);
		return MACH_PORT_NULL;
	}
	return task;
}

task_t
pid2task(pid_t pid)
{
	return __pid2task(pid);
}

/* Guards the cache in _hurd_host_priv and _hurd_device_master.  */
static pthread_mutex_t privports_lock = PTHREAD_MUTEX_INITIALIZER;

static kern_return_t
give(mach_port_t cached, mach_port_t *where)
{
	if (!where)
		return KERN_SUCCESS;
	*where = cached;
	if (MACH_PORT_VALID(cached))
		return mach_port_mod_refs(mach_task_self(), cached, MACH_PORT_RIGHT_SEND, 1);
	return KERN_SUCCESS;
}

kern_return_t
__get_privileged_ports(mach_port_t *host_priv_ptr, device_t *device_master_ptr)
{
	kern_return_t kr = KERN_SUCCESS;

	pthread_mutex_lock(&privports_lock);
	if (_hurd_host_priv == MACH_PORT_NULL) {
		process_t proc = getproc();

		if (proc == MACH_PORT_NULL) {
			kr = errno;
		} else {
			mach_port_t host = MACH_PORT_NULL, device = MACH_PORT_NULL;

			kr = proc_getprivports(proc, &host, &device);
			mach_port_deallocate(mach_task_self(), proc);
			if (!kr) {
				_hurd_host_priv = host;
				_hurd_device_master = device;
			}
		}
	}
	if (!kr)
		kr = give(_hurd_host_priv, host_priv_ptr);
	if (!kr)
		kr = give(_hurd_device_master, device_master_ptr);
	pthread_mutex_unlock(&privports_lock);
	return kr;
}

kern_return_t
get_privileged_ports(mach_port_t *host_priv_ptr, device_t *device_master_ptr)
{
	return __get_privileged_ports(host_priv_ptr, device_master_ptr);
}

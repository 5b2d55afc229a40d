/* The host: two kernel ports, made at start and alive until machd ends.
 *
 * host_port is what mach_host_self gives every task.  host_priv_port is the
 * privileged host port: machd gives a send right to it only to the boot
 * task (machd --boot), as its bootstrap port, as GNU Mach does for its boot
 * tasks; whoever holds it may pass it on.  The routines that take a host_t
 * accept either port (GNU Mach's convert_port_to_host); those that take a
 * host_priv_t accept only the privileged one (convert_port_to_host_priv)
 * and answer KERN_INVALID_HOST for anything else.
 *
 * The host also keeps the registered ports that a task connecting on its
 * own starts with (hell_host_set_init_ports): send rights, held until they
 * are replaced or machd ends. */
#include "host.h"
#include "kobject.h"
#include "task.h"
#include "../ipc/port.h"

#include <mach/host_info.h>
#include <mach/mach_types.h>
#include <mach/machine.h>
#include <mach/time_value.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>

struct ipc_port *host_port;
struct ipc_port *host_priv_port;
struct ipc_port *host_init_ports[TASK_REGISTERED_MAX];

void
host_init(void)
{
	host_port = kobject_port_alloc(IKOT_HOST, NULL);
	host_priv_port = kobject_port_alloc(IKOT_HOST_PRIV, NULL);
}

void
host_release_init_ports(void)
{
	for (int i = 0; i < TASK_REGISTERED_MAX; i++) {
		ipc_port_release_send(host_init_ports[i]);
		host_init_ports[i] = NULL;
	}
}

void
host_shutdown(void)
{
	host_release_init_ports();
	kobject_port_destroy(host_port);
	kobject_port_destroy(host_priv_port);
	host_port = host_priv_port = NULL;
}

/* GNU Mach converts a port that is not the host to HOST_NULL and answers
 * KERN_INVALID_ARGUMENT (each routine below). */

kern_return_t
S_host_info(mach_port_t host, int flavor, host_info_t info, mach_msg_type_number_t *count)
{
	if (!kobject_is_host(host))
		return KERN_INVALID_ARGUMENT;

	switch (flavor) {
	case HOST_BASIC_INFO: {
		struct host_basic_info *bi = (struct host_basic_info *) info;
		struct sysinfo si;

		if (*count < HOST_BASIC_INFO_COUNT)
			return KERN_FAILURE;
		sysinfo(&si);
		memset(bi, 0, sizeof *bi);
		bi->max_cpus = (integer_t) sysconf(_SC_NPROCESSORS_CONF);
		bi->avail_cpus = (integer_t) sysconf(_SC_NPROCESSORS_ONLN);
		bi->memory_size = (rpc_vm_size_t) si.totalram * si.mem_unit;
		bi->cpu_type = CPU_TYPE_X86_64;
		bi->cpu_subtype = CPU_SUBTYPE_AT386;
		*count = HOST_BASIC_INFO_COUNT;
		return KERN_SUCCESS;
	}
	case HOST_SCHED_INFO: {
		struct host_sched_info *si = (struct host_sched_info *) info;

		if (*count < HOST_SCHED_INFO_COUNT)
			return KERN_FAILURE;
		si->min_timeout = 1;
		si->min_quantum = 4;
		*count = HOST_SCHED_INFO_COUNT;
		return KERN_SUCCESS;
	}
	default:
		return KERN_INVALID_ARGUMENT;
	}
}

kern_return_t
S_host_get_time(mach_port_t host, time_value_t *now)
{
	struct timeval tv;

	if (!kobject_is_host(host))
		return KERN_INVALID_ARGUMENT;

	gettimeofday(&tv, NULL);
	now->seconds = tv.tv_sec;
	now->microseconds = (integer_t) tv.tv_usec;
	return KERN_SUCCESS;
}

kern_return_t
S_host_kernel_version(mach_port_t host, kernel_version_t version)
{
	struct utsname u;

	if (!kobject_is_host(host))
		return KERN_INVALID_ARGUMENT;

	uname(&u);
	/* Say what it is: HELL's GNU Mach interface, and the Linux under it. */
	snprintf(version, sizeof(kernel_version_t),
		 "HELL %s: GNU Mach interface (x86_64 ABI of gnumach 1.8+git20250702) "
		 "served by machd on Linux %s %s\n", HELL_VERSION, u.release, u.machine);
	return KERN_SUCCESS;
}

kern_return_t
S_host_get_kernel_version(mach_port_t host, kernel_version_t version)
{
	return S_host_kernel_version(host, version);
}

kern_return_t
S_host_get_time64(mach_port_t host, time_value64_t *now)
{
	struct timespec ts;

	if (!kobject_is_host(host))
		return KERN_INVALID_ARGUMENT;

	clock_gettime(CLOCK_REALTIME, &ts);
	now->seconds = ts.tv_sec;
	now->nanoseconds = ts.tv_nsec;
	return KERN_SUCCESS;
}

kern_return_t
S_hell_host_set_init_ports(mach_port_t host_priv, mach_port_array_t ports,
			   mach_msg_type_number_t count)
{
	struct ipc_object *objs[TASK_REGISTERED_MAX] = { 0 };

	if (!kobject_is_host_priv(host_priv))
		return KERN_INVALID_HOST;
	if (count > TASK_REGISTERED_MAX)
		return KERN_INVALID_ARGUMENT;

	/* As mach_ports_register: the rights came with the request. */
	for (mach_msg_type_number_t i = 0; i < count; i++) {
		if (kobject_take_right(ports[i], MACH_MSG_TYPE_PORT_SEND, &objs[i]) != KERN_SUCCESS ||
		    objs[i] == IPC_OBJECT_DEAD)
			objs[i] = NULL;
	}
	host_release_init_ports();
	for (int i = 0; i < TASK_REGISTERED_MAX; i++)
		host_init_ports[i] = (struct ipc_port *) objs[i];
	return KERN_SUCCESS;
}

kern_return_t
S_hell_host_tasks(mach_port_t host_priv, task_array_t *tasks, mach_msg_type_number_t *count)
{
	struct list *pos;
	mach_port_t *v;
	size_t n = 0;

	if (!kobject_is_host_priv(host_priv))
		return KERN_INVALID_HOST;
	v = kobject_reply_alloc((task_count ? task_count : 1) * sizeof *v);
	list_for_each(pos, &task_all) {
		struct task *task = list_entry(pos, struct task, all_link);

		if (task->dead || !task->self)
			continue;
		v[n++] = kobject_give_right(&ipc_port_make_send(task->self)->obj,
					    MACH_MSG_TYPE_PORT_SEND);
	}
	*tasks = v;
	*count = (mach_msg_type_number_t) n;
	return KERN_SUCCESS;
}

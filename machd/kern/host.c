/* The host: two kernel ports, made at start and alive until machd ends.
 *
 * host_port is what mach_host_self gives every task.  host_priv_port is the
 * privileged host port: machd gives a send right to it only to the boot
 * task (machd --boot), as its bootstrap port, as GNU Mach does for its boot
 * tasks; whoever holds it may pass it on.  The routines that take a host_t
 * accept either port (GNU Mach's convert_port_to_host); those that take a
 * host_priv_t accept only the privileged one (convert_port_to_host_priv)
 * and answer KERN_INVALID_HOST for anything else. */
#include "host.h"
#include "kobject.h"

#include <mach/host_info.h>
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

void
host_init(void)
{
	host_port = kobject_port_alloc(IKOT_HOST, NULL);
	host_priv_port = kobject_port_alloc(IKOT_HOST_PRIV, NULL);
}

void
host_shutdown(void)
{
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

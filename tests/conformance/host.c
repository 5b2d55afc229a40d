/* Conformance: the host port (manual 8; GNU Mach kern/host.c).
 * mach_host_self, host_info(HOST_BASIC_INFO), host_get_time,
 * host_get_time64 and host_get_kernel_version.  The older
 * host_kernel_version is a "skip" in mach_host.defs on x86_64, so
 * host_get_kernel_version is what there is to call. */
#include <string.h>
#include <sys/time.h>
#include <mach/host_info.h>
#include <mach/machine.h>
#include "conformance.h"

static void
test_host_self(void)
{
	mach_port_t h1 = mach_host_self();
	mach_port_urefs_t base = testlib_refs(h1, MACH_PORT_RIGHT_SEND);
	mach_port_t h2 = mach_host_self();

	/* A send right, one more reference per call, always the same name. */
	CHECK(MACH_PORT_VALID(h1));
	CHECK_EQ(h2, h1);
	CHECK_EQ(testlib_type(h1), MACH_PORT_TYPE_SEND);
	CHECK_EQ(testlib_refs(h1, MACH_PORT_RIGHT_SEND), base + 1);
	CHECK(h1 != TASK);
	CHECK_KR(mach_port_deallocate(TASK, h2), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, h1), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(h1, MACH_PORT_RIGHT_SEND), base - 1);
}

static void
test_host_info(void)
{
	mach_port_t host = mach_host_self();
	host_basic_info_data_t info;
	mach_msg_type_number_t count;
	integer_t big[64];

	memset(&info, 0, sizeof info);
	count = HOST_BASIC_INFO_COUNT;
	CHECK_KR(host_info(host, HOST_BASIC_INFO, (host_info_t) &info, &count), KERN_SUCCESS);
	CHECK_EQ(count, HOST_BASIC_INFO_COUNT);
	CHECK(info.max_cpus >= 1);
	CHECK(info.avail_cpus >= 1);
	CHECK(info.avail_cpus <= info.max_cpus);
	CHECK(info.memory_size > 0);
	CHECK_EQ(info.cpu_type, CPU_TYPE_X86_64);

	/* A bigger buffer is fine; the count says how much was filled. */
	count = sizeof big / sizeof big[0];
	CHECK_KR(host_info(host, HOST_BASIC_INFO, big, &count), KERN_SUCCESS);
	CHECK_EQ(count, HOST_BASIC_INFO_COUNT);

	/* Too small a buffer: KERN_FAILURE; unknown flavor: KERN_INVALID_ARGUMENT. */
	count = HOST_BASIC_INFO_COUNT - 1;
	CHECK_KR(host_info(host, HOST_BASIC_INFO, (host_info_t) &info, &count), KERN_FAILURE);
	count = HOST_BASIC_INFO_COUNT;
	CHECK_KR(host_info(host, 12345, (host_info_t) &info, &count), KERN_INVALID_ARGUMENT);
	/* Not a host port (host_info: host == HOST_NULL). */
	count = HOST_BASIC_INFO_COUNT;
	CHECK_KR(host_info(TASK, HOST_BASIC_INFO, (host_info_t) &info, &count), KERN_INVALID_ARGUMENT);
	count = HOST_BASIC_INFO_COUNT;
	CHECK_KR(host_info(MACH_PORT_NULL, HOST_BASIC_INFO, (host_info_t) &info, &count),
		 MACH_SEND_INVALID_DEST);

	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
}

static void
test_host_time(void)
{
	mach_port_t host = mach_host_self();
	time_value_t tv;
	time_value64_t tv64;
	struct timeval now;

	memset(&tv, 0, sizeof tv);
	CHECK_KR(host_get_time(host, &tv), KERN_SUCCESS);
	gettimeofday(&now, NULL);
	/* The host's clock is the system's. */
	CHECK(tv.seconds <= now.tv_sec);
	CHECK(tv.seconds >= now.tv_sec - 5);
	CHECK(tv.microseconds >= 0 && tv.microseconds < 1000000);

	memset(&tv64, 0, sizeof tv64);
	CHECK_KR(host_get_time64(host, &tv64), KERN_SUCCESS);
	gettimeofday(&now, NULL);
	CHECK(tv64.seconds <= now.tv_sec);
	CHECK(tv64.seconds >= now.tv_sec - 5);
	CHECK(tv64.nanoseconds >= 0 && tv64.nanoseconds < 1000000000);

	CHECK_KR(host_get_time(MACH_PORT_NULL, &tv), MACH_SEND_INVALID_DEST);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
}

static void
test_kernel_version(void)
{
	mach_port_t host = mach_host_self();
	kernel_version_t version;
	size_t len;

	memset(version, 0x55, sizeof version);
	CHECK_KR(host_get_kernel_version(host, version), KERN_SUCCESS);
	len = strnlen(version, sizeof version);
	CHECK(len > 0);
	CHECK(len < sizeof version);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
}

int
main(void)
{
	test_host_self();
	test_host_info();
	test_host_time();
	test_kernel_version();
	return TEST_DONE();
}

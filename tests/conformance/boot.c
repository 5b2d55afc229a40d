/* Conformance: machd --boot PROGRAM (the boot task) and the privileged host
 * port it is given (GNU Mach: the boot script hands its first tasks the
 * privileged host port; kern/ipc_host.c: a host_t argument accepts the
 * privileged host port as well as the host port).
 *
 * tests/conformance/machd_boot.sh starts `machd --leak-check --boot` with
 * this program, then checks machd's log and its leak check.  Modes:
 *   (none)   the boot task: its bootstrap port is the privileged host port
 *   --die    the boot task kills itself; machd must log it and go on
 *   --plain  an ordinary task (not the boot task) that connects afterwards:
 *            its bootstrap port is null, so it holds no privileged port */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <mach/host_info.h>
#include "conformance.h"

/* The host routines all answer through PORT. */
static void
check_host_routines(mach_port_t port)
{
	host_basic_info_data_t info;
	mach_msg_type_number_t count = HOST_BASIC_INFO_COUNT;
	time_value_t tv;
	time_value64_t tv64;
	kernel_version_t version;

	memset(&info, 0, sizeof info);
	CHECK_KR(host_info(port, HOST_BASIC_INFO, (host_info_t) &info, &count), KERN_SUCCESS);
	CHECK_EQ(count, HOST_BASIC_INFO_COUNT);
	CHECK(info.max_cpus >= 1);
	CHECK_KR(host_get_time(port, &tv), KERN_SUCCESS);
	CHECK(tv.seconds > 0);
	CHECK_KR(host_get_time64(port, &tv64), KERN_SUCCESS);
	CHECK(tv64.seconds > 0);
	CHECK_KR(host_get_kernel_version(port, version), KERN_SUCCESS);
	CHECK(strnlen(version, sizeof version) > 0);
}

static int
boot_task(void)
{
	mach_port_t priv = MACH_PORT_NULL, host = mach_host_self();
	const char *sock = getenv("HELL_SOCKET");

	const char *cpus = getenv("BOOT_EXPECT_CPUS");
	cpu_set_t set;
	sigset_t mask;
	struct sigaction sa;

	/* Not what machd keeps for itself: one CPU, a blocked SIGTERM, an
	 * ignored SIGPIPE. */
	if (cpus) {
		CHECK_EQ(sched_getaffinity(0, sizeof set, &set), 0);
		CHECK_EQ(CPU_COUNT(&set), atoi(cpus));
	}
	CHECK_EQ(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
	CHECK(!sigismember(&mask, SIGTERM));
	CHECK(!sigismember(&mask, SIGINT));
	CHECK_EQ(sigaction(SIGPIPE, NULL, &sa), 0);
	CHECK(sa.sa_handler == SIG_DFL);

	/* The environment names machd's socket by an absolute path. */
	CHECK(sock && sock[0] == '/');
	CHECK(getenv("HELL_TASK_TOKEN") == NULL);
	CHECK_KR(task_get_bootstrap_port(TASK, &priv), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(priv));
	CHECK_EQ(testlib_type(priv), MACH_PORT_TYPE_SEND);
	/* Another port than the host port. */
	CHECK(priv != host);
	CHECK(MACH_PORT_VALID(host));
	check_host_routines(priv);
	check_host_routines(host);
	/* The privileged host port is not a task. */
	CHECK_KR(task_get_bootstrap_port(priv, &priv), KERN_INVALID_ARGUMENT);
	CHECK_KR(mach_port_deallocate(TASK, priv), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	return TEST_DONE();
}

static int
plain_task(void)
{
	mach_port_t boot = 1, host = mach_host_self();

	CHECK_KR(task_get_bootstrap_port(TASK, &boot), KERN_SUCCESS);
	CHECK_EQ(boot, MACH_PORT_NULL);
	check_host_routines(host);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	return TEST_DONE();
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--plain") == 0)
		return plain_task();
	if (argc > 1 && strcmp(argv[1], "--die") == 0) {
		/* Become a task first, so that machd sees a task die. */
		CHECK(MACH_PORT_VALID(TASK));
		raise(SIGKILL);
	}
	return boot_task();
}

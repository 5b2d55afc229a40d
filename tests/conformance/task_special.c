/* Conformance: a task's special ports, registered ports and basic info
 * (manual 4.3.9, 7.x; GNU Mach kern/ipc_tt.c, kern/task.c).
 *
 * task_set_special_port copies the caller's send right (mach_port_t in
 * mach.defs is COPY_SEND); task_get_special_port and mach_ports_lookup
 * give the caller a new send right each time. */
#include <time.h>
#include <mach/mach_param.h>
#include "conformance.h"

static void
test_kernel_port(void)
{
	mach_port_t self = TASK, k = MACH_PORT_NULL, e = testlib_port();
	mach_port_urefs_t base = testlib_refs(self, MACH_PORT_RIGHT_SEND);

	/* The task's own port, under the name this task already uses for it. */
	CHECK(base >= 1);
	CHECK_KR(task_get_special_port(self, TASK_KERNEL_PORT, &k), KERN_SUCCESS);
	CHECK_EQ(k, self);
	CHECK_EQ(testlib_refs(self, MACH_PORT_RIGHT_SEND), base + 1);
	CHECK_KR(task_get_kernel_port(self, &k), KERN_SUCCESS);
	CHECK_EQ(k, self);
	CHECK_EQ(testlib_refs(self, MACH_PORT_RIGHT_SEND), base + 2);
	CHECK_KR(mach_port_mod_refs(TASK, self, MACH_PORT_RIGHT_SEND, -2), KERN_SUCCESS);

	/* Setting it changes what task_get_special_port returns (the port
	 * that represents the task is not changed); set it back after. */
	CHECK_KR(mach_port_insert_right(TASK, e, e, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(task_set_special_port(self, TASK_KERNEL_PORT, e), KERN_SUCCESS);
	CHECK_KR(task_get_special_port(self, TASK_KERNEL_PORT, &k), KERN_SUCCESS);
	CHECK_EQ(k, e);
	CHECK_EQ(testlib_refs(e, MACH_PORT_RIGHT_SEND), 2);
	CHECK_KR(task_set_special_port(self, TASK_KERNEL_PORT, self), KERN_SUCCESS);
	CHECK_KR(task_get_special_port(self, TASK_KERNEL_PORT, &k), KERN_SUCCESS);
	CHECK_EQ(k, self);
	CHECK_KR(mach_port_deallocate(TASK, self), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(self, MACH_PORT_RIGHT_SEND), base);

	CHECK_KR(mach_port_destroy(TASK, e), KERN_SUCCESS);
}

/* Save WHICH, set it to a port of ours, read it back, restore it. */
static void
test_settable(int which)
{
	mach_port_t self = TASK, old = MACH_PORT_NULL, got = MACH_PORT_NULL;
	mach_port_t e = testlib_port_with_send();

	CHECK_KR(task_get_special_port(self, which, &old), KERN_SUCCESS);

	CHECK_KR(task_set_special_port(self, which, e), KERN_SUCCESS);
	/* Our right was copied: we keep ours, and the task holds another. */
	CHECK_EQ(testlib_refs(e, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_port_deallocate(TASK, e), KERN_SUCCESS);
	CHECK_EQ(port_status(e).mps_srights, 1);
	CHECK_KR(task_get_special_port(self, which, &got), KERN_SUCCESS);
	CHECK_EQ(got, e);
	CHECK_EQ(testlib_refs(e, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(task_get_special_port(self, which, &got), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(e, MACH_PORT_RIGHT_SEND), 2);
	CHECK_KR(mach_port_mod_refs(TASK, e, MACH_PORT_RIGHT_SEND, -2), KERN_SUCCESS);

	/* MACH_PORT_NULL clears it; the task's send right is released. */
	CHECK_KR(task_set_special_port(self, which, MACH_PORT_NULL), KERN_SUCCESS);
	CHECK_EQ(port_status(e).mps_srights, 0);
	got = (mach_port_t) 1;
	CHECK_KR(task_get_special_port(self, which, &got), KERN_SUCCESS);
	CHECK_EQ(got, MACH_PORT_NULL);

	/* Restore, and give back the right that the first get made. */
	CHECK_KR(task_set_special_port(self, which, old), KERN_SUCCESS);
	if (MACH_PORT_VALID(old)) {
		CHECK_KR(task_get_special_port(self, which, &got), KERN_SUCCESS);
		CHECK_EQ(got, old);
		CHECK_KR(mach_port_mod_refs(TASK, old, MACH_PORT_RIGHT_SEND, -2), KERN_SUCCESS);
	}
	CHECK_KR(mach_port_destroy(TASK, e), KERN_SUCCESS);
}

static void
test_special_errors(void)
{
	mach_port_t self = TASK, got, host = mach_host_self();
	mach_port_t p = testlib_port();
	static const int bad[] = { 0, 2, 5, 6, 100, -1 };
	unsigned i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_KR(task_get_special_port(self, bad[i], &got), KERN_INVALID_ARGUMENT);
		CHECK_KR(task_set_special_port(self, bad[i], MACH_PORT_NULL), KERN_INVALID_ARGUMENT);
	}
	/* Not a task port (kern/ipc_tt.c: task == TASK_NULL). */
	CHECK_KR(task_get_special_port(host, TASK_BOOTSTRAP_PORT, &got), KERN_INVALID_ARGUMENT);
	/* A right we do not have can not be given. */
	CHECK_KR(task_set_special_port(self, TASK_BOOTSTRAP_PORT, p), MACH_SEND_INVALID_RIGHT);
	CHECK_KR(task_set_special_port(self, TASK_BOOTSTRAP_PORT, unused_name(0x2200)),
		 MACH_SEND_INVALID_RIGHT);
	CHECK_KR(task_get_special_port(MACH_PORT_NULL, TASK_BOOTSTRAP_PORT, &got),
		 MACH_SEND_INVALID_DEST);

	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
release_array(mach_port_t *ports, mach_msg_type_number_t n)
{
	mach_msg_type_number_t i;

	for (i = 0; i < n; i++)
		if (MACH_PORT_VALID(ports[i]))
			(void) mach_port_deallocate(TASK, ports[i]);
	if (n)
		(void) vm_deallocate(TASK, (vm_address_t) ports, n * sizeof *ports);
}

static void
test_registered_ports(void)
{
	mach_port_t self = TASK;
	mach_port_t *init = NULL, *got = NULL;
	mach_msg_type_number_t ninit = 0, ngot = 0, i;
	mach_port_t a = testlib_port_with_send(), b = testlib_port_with_send();
	mach_port_t mine[TASK_PORT_REGISTER_MAX + 1];

	/* Lookup always returns TASK_PORT_REGISTER_MAX slots. */
	CHECK_KR(mach_ports_lookup(self, &init, &ninit), KERN_SUCCESS);
	CHECK_EQ(ninit, TASK_PORT_REGISTER_MAX);

	/* Register two: lookup gives them back (new references, same names),
	 * the rest is null. */
	mine[0] = a;
	mine[1] = b;
	CHECK_KR(mach_ports_register(self, mine, 2), KERN_SUCCESS);
	CHECK_EQ(testlib_refs(a, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_ports_lookup(self, &got, &ngot), KERN_SUCCESS);
	CHECK_EQ(ngot, TASK_PORT_REGISTER_MAX);
	if (ngot == TASK_PORT_REGISTER_MAX) {
		CHECK_EQ(got[0], a);
		CHECK_EQ(got[1], b);
		for (i = 2; i < ngot; i++)
			CHECK_EQ(got[i], MACH_PORT_NULL);
	}
	CHECK_EQ(testlib_refs(a, MACH_PORT_RIGHT_SEND), 2);
	CHECK_EQ(testlib_refs(b, MACH_PORT_RIGHT_SEND), 2);
	release_array(got, ngot);

	/* The kernel keeps its own send rights. */
	CHECK_KR(mach_port_deallocate(TASK, a), KERN_SUCCESS);
	CHECK_EQ(port_status(a).mps_srights, 1);

	/* Too many: KERN_INVALID_ARGUMENT, and nothing changes. */
	for (i = 0; i < TASK_PORT_REGISTER_MAX + 1; i++)
		mine[i] = b;
	CHECK_KR(mach_ports_register(self, mine, TASK_PORT_REGISTER_MAX + 1), KERN_INVALID_ARGUMENT);
	CHECK_EQ(testlib_refs(b, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_ports_lookup(self, &got, &ngot), KERN_SUCCESS);
	if (ngot == TASK_PORT_REGISTER_MAX)
		CHECK_EQ(got[0], a);
	release_array(got, ngot);

	/* Registering none clears the array and drops the kernel's rights. */
	CHECK_KR(mach_ports_register(self, NULL, 0), KERN_SUCCESS);
	CHECK_EQ(port_status(a).mps_srights, 0);
	CHECK_KR(mach_ports_lookup(self, &got, &ngot), KERN_SUCCESS);
	CHECK_EQ(ngot, TASK_PORT_REGISTER_MAX);
	for (i = 0; i < ngot; i++)
		CHECK_EQ(got[i], MACH_PORT_NULL);
	release_array(got, ngot);

	/* A registered port that dies comes back as a dead name (machd used
	 * to take a right from its dead marker). */
	mach_port_t doomed = testlib_port_with_send();

	mine[0] = doomed;
	CHECK_KR(mach_ports_register(self, mine, 1), KERN_SUCCESS);
	CHECK_KR(mach_port_mod_refs(TASK, doomed, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
	CHECK_KR(mach_ports_lookup(self, &got, &ngot), KERN_SUCCESS);
	CHECK_EQ(ngot, TASK_PORT_REGISTER_MAX);
	if (ngot == TASK_PORT_REGISTER_MAX) {
		CHECK_EQ(got[0], MACH_PORT_DEAD);
		for (i = 1; i < ngot; i++)
			CHECK_EQ(got[i], MACH_PORT_NULL);
	}
	release_array(got, ngot);
	/* Our own send right became a dead name too. */
	mach_port_type_t type;
	CHECK_KR(mach_port_type(TASK, doomed, &type), KERN_SUCCESS);
	CHECK_EQ(type, MACH_PORT_TYPE_DEAD_NAME);
	CHECK_KR(mach_port_destroy(TASK, doomed), KERN_SUCCESS);

	/* Put back what was there. */
	CHECK_KR(mach_ports_register(self, init, ninit), KERN_SUCCESS);
	release_array(init, ninit);

	CHECK_KR(mach_port_destroy(TASK, a), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, b), KERN_SUCCESS);
}

static void
test_task_info(void)
{
	task_basic_info_data_t info;
	mach_msg_type_number_t count;
	mach_port_t host = mach_host_self();
	time_t now = time(NULL);
	/* The count without the three time_value64_t fields added in 2023. */
	const mach_msg_type_number_t old_count =
		TASK_BASIC_INFO_COUNT - 3 * sizeof(time_value64_t) / sizeof(integer_t);

	memset(&info, 0, sizeof info);
	count = TASK_BASIC_INFO_COUNT;
	CHECK_KR(task_info(TASK, TASK_BASIC_INFO, (task_info_t) &info, &count), KERN_SUCCESS);
	CHECK_EQ(count, TASK_BASIC_INFO_COUNT);
	CHECK_EQ(info.suspend_count, 0);
	CHECK(info.virtual_size > 0);
	CHECK(info.resident_size > 0);
	CHECK(info.resident_size <= info.virtual_size);
	/* Created a moment ago. */
	CHECK(info.creation_time.seconds <= now + 1);
	CHECK(info.creation_time.seconds >= now - 600);
	CHECK(info.creation_time.microseconds >= 0 && info.creation_time.microseconds < 1000000);
	CHECK(info.creation_time64.seconds <= now + 1);
	CHECK(info.creation_time64.seconds >= now - 600);
	CHECK(info.creation_time64.nanoseconds >= 0 && info.creation_time64.nanoseconds < 1000000000);
	CHECK(info.user_time.microseconds >= 0 && info.user_time.microseconds < 1000000);

	/* Old callers may ask for the shorter structure. */
	count = old_count;
	CHECK_KR(task_info(TASK, TASK_BASIC_INFO, (task_info_t) &info, &count), KERN_SUCCESS);
	CHECK_EQ(count, old_count);
	count = old_count - 1;
	CHECK_KR(task_info(TASK, TASK_BASIC_INFO, (task_info_t) &info, &count), KERN_INVALID_ARGUMENT);
	count = TASK_BASIC_INFO_COUNT;
	CHECK_KR(task_info(TASK, 12345, (task_info_t) &info, &count), KERN_INVALID_ARGUMENT);
	count = TASK_BASIC_INFO_COUNT;
	CHECK_KR(task_info(host, TASK_BASIC_INFO, (task_info_t) &info, &count), KERN_INVALID_ARGUMENT);

	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
}

int
main(void)
{
	test_kernel_port();
	test_settable(TASK_BOOTSTRAP_PORT);
	test_settable(TASK_EXCEPTION_PORT);
	test_special_errors();
	test_registered_ports();
	test_task_info();
	return TEST_DONE();
}

/* hell_task_spawn starts a program as a new task with a chosen bootstrap
 * port.
 *
 * The test runs itself again (/proc/self/exe --child) as the new task.  The
 * child finds the bootstrap port with task_get_special_port
 * (TASK_BOOTSTRAP_PORT) and sends the parent a message there, with a
 * send-once reply right; the parent uses the task port hell_task_spawn gave
 * it (task_info, task_get_special_port on the child), requests a dead-name
 * notification on it, answers, and the child exits.  When the task dies,
 * the parent's task port name becomes a dead name and the notification
 * comes (GNU Mach: task_terminate destroys the task's kernel port,
 * ipc_port_destroy sends the dead-name requests). */
#include "testlib.h"

#include <hell/hell.h>
#include <mach/notify.h>
#include <mach/task_info.h>
#include <mach/task_special_ports.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 10000

struct int_msg {
	mach_msg_header_t h;
	mach_msg_type_t t;
	int32_t v;
	int32_t pad;
};

static const mach_msg_type_t int_type = {
	.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 1, .msgt_inline = 1,
};

/* The spawned task. */
static int
child(void)
{
	mach_port_t boot = MACH_PORT_NULL, reply = testlib_port(), exc = 1;
	struct int_msg m;
	union { mach_msg_header_t h; struct int_msg m; char buf[256]; } r;

	CHECK_KR(task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, &boot), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(boot));
	CHECK_EQ(testlib_type(boot), MACH_PORT_TYPE_SEND);
	/* No exception port was given. */
	CHECK_KR(task_get_special_port(mach_task_self(), TASK_EXCEPTION_PORT, &exc), KERN_SUCCESS);
	CHECK_EQ(exc, MACH_PORT_NULL);

	memset(&m, 0, sizeof m);
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.h.msgh_size = sizeof m;
	m.h.msgh_remote_port = boot;
	m.h.msgh_local_port = reply;
	m.h.msgh_id = 300;
	m.t = int_type;
	m.v = getpid();
	CHECK_KR(mach_msg(&m.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof m, 0, MACH_PORT_NULL,
			  WAIT_MS, MACH_PORT_NULL), MACH_MSG_SUCCESS);

	/* Wait for the parent's go-ahead before exiting. */
	memset(&r, 0, sizeof r);
	CHECK_KR(mach_msg(&r.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof r, reply, WAIT_MS,
			  MACH_PORT_NULL), MACH_MSG_SUCCESS);
	CHECK_EQ(r.h.msgh_id, 301);
	CHECK_KR(mach_port_destroy(mach_task_self(), reply), KERN_SUCCESS);
	CHECK_KR(mach_port_deallocate(mach_task_self(), boot), KERN_SUCCESS);
	return testlib_failures ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		return child();

	mach_port_t boot = testlib_port_with_send(), notify = testlib_port();
	mach_port_t task = MACH_PORT_NULL, prev = 1, child_boot = MACH_PORT_NULL;
	struct hell_spawn_ports sp = { .bootstrap = boot };
	char *args[] = { "/proc/self/exe", "--child", NULL };
	union {
		mach_msg_header_t h;
		struct int_msg m;
		mach_dead_name_notification_t dn;
		char buf[512];
	} m;
	struct task_basic_info info;
	mach_msg_type_number_t count = TASK_BASIC_INFO_COUNT;
	pid_t pid = 0;
	int status;

	fflush(stdout);
	CHECK_KR(hell_task_spawn("/proc/self/exe", args, NULL, &sp, &task, &pid), KERN_SUCCESS);
	CHECK(pid > 0);
	CHECK(MACH_PORT_VALID(task));
	CHECK_EQ(testlib_type(task), MACH_PORT_TYPE_SEND);
	/* The bootstrap right was copied, not moved. */
	CHECK_EQ(testlib_type(boot), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_refs(boot, MACH_PORT_RIGHT_SEND), 1);

	/* The child calls on its bootstrap port. */
	memset(&m, 0, sizeof m);
	CHECK_KR(mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof m, boot, WAIT_MS,
			  MACH_PORT_NULL), MACH_MSG_SUCCESS);
	CHECK_EQ(m.h.msgh_id, 300);
	CHECK_EQ(m.m.v, pid);
	CHECK_EQ(MACH_MSGH_BITS_REMOTE(m.h.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
	mach_port_t reply = m.h.msgh_remote_port;
	CHECK_EQ(testlib_type(reply), MACH_PORT_TYPE_SEND_ONCE);

	/* The task port works while the child lives. */
	memset(&info, 0, sizeof info);
	CHECK_KR(task_info(task, TASK_BASIC_INFO, (task_info_t) &info, &count), KERN_SUCCESS);
	CHECK_EQ(count, TASK_BASIC_INFO_COUNT);
	CHECK(info.virtual_size > 0);
	CHECK(info.resident_size > 0);
	CHECK(info.creation_time64.seconds > 0);
	/* Its bootstrap port is ours: the same port, so the same name here. */
	CHECK_KR(task_get_special_port(task, TASK_BOOTSTRAP_PORT, &child_boot), KERN_SUCCESS);
	CHECK_EQ(child_boot, boot);
	CHECK_EQ(testlib_refs(boot, MACH_PORT_RIGHT_SEND), 2);
	CHECK_KR(mach_port_deallocate(mach_task_self(), child_boot), KERN_SUCCESS);

	CHECK_KR(mach_port_request_notification(mach_task_self(), task, MACH_NOTIFY_DEAD_NAME, 0,
						notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev),
		 KERN_SUCCESS);
	CHECK_EQ(prev, MACH_PORT_NULL);

	/* Let it go. */
	struct int_msg r;
	memset(&r, 0, sizeof r);
	r.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
	r.h.msgh_size = sizeof r;
	r.h.msgh_remote_port = reply;
	r.h.msgh_id = 301;
	r.t = int_type;
	CHECK_KR(mach_msg(&r.h, MACH_SEND_MSG, sizeof r, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
		 MACH_MSG_SUCCESS);

	/* The task dies with its process: the dead-name notification names
	 * our task port, now a dead name with the notification's reference. */
	memset(&m, 0, sizeof m);
	CHECK_KR(mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof m, notify, WAIT_MS,
			  MACH_PORT_NULL), MACH_MSG_SUCCESS);
	CHECK_EQ(m.h.msgh_id, MACH_NOTIFY_DEAD_NAME);
	CHECK_EQ(m.dn.not_port, task);
	CHECK_EQ(testlib_type(task), MACH_PORT_TYPE_DEAD_NAME);
	CHECK_EQ(testlib_refs(task, MACH_PORT_RIGHT_DEAD_NAME), 2);
	count = TASK_BASIC_INFO_COUNT;
	CHECK_KR(task_info(task, TASK_BASIC_INFO, (task_info_t) &info, &count), MACH_SEND_INVALID_DEST);
	CHECK_KR(mach_port_mod_refs(mach_task_self(), task, MACH_PORT_RIGHT_DEAD_NAME, -2), KERN_SUCCESS);
	CHECK_EQ(testlib_type(task), 0);

	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	/* Our own reference count is back where it started. */
	CHECK_EQ(testlib_refs(boot, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_port_destroy(mach_task_self(), boot), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(mach_task_self(), notify), KERN_SUCCESS);
	return TEST_DONE();
}

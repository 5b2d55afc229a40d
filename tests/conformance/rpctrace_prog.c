/* The program tests/conformance/rpctrace_run.sh runs under rpctrace: RPCs
 * whose lines it then looks for.
 *
 *   mach_port_allocate on its own task port           (= 0)
 *   hell_task_pid                                      (HELL's interface)
 *   mach_port_deallocate of a name it does not have    (= KERN_INVALID_NAME)
 *   fsys_goaway to a port a thread of its own serves   (the Hurd's fsys.defs,
 *                                                       both sides)
 *   a fork child's mach_port_allocate                  (a task it makes)
 * and it exits with status 3. */
#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hell/hell.h>
#include <hurd/fsys.h>
#include "testlib.h"

static mach_port_t served;

/* Answer one fsys_goaway by hand: a MIG reply with its RetCode. */
static void *
serve_one(void *arg)
{
	union {
		mach_msg_header_t head;
		char buf[512];
	} in;
	mig_reply_header_t reply;

	if (mach_msg(&in.head, MACH_RCV_MSG, 0, sizeof in, served, 0, MACH_PORT_NULL) !=
	    MACH_MSG_SUCCESS)
		return NULL;
	memset(&reply, 0, sizeof reply);
	reply.Head.msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(in.head.msgh_bits), 0);
	reply.Head.msgh_size = sizeof reply;
	reply.Head.msgh_remote_port = in.head.msgh_remote_port;
	reply.Head.msgh_id = in.head.msgh_id + 100;
	reply.RetCodeType = (mach_msg_type_t) {
		.msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 1,
		.msgt_inline = 1,
	};
	reply.RetCode = KERN_SUCCESS;
	mach_msg(&reply.Head, MACH_SEND_MSG, sizeof reply, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
	return NULL;
}

int
main(void)
{
	mach_port_t p = MACH_PORT_NULL;
	pthread_t server;
	int pid = 0, status = -1;
	pid_t child;

	CHECK_KR(mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &p), KERN_SUCCESS);
	CHECK_KR(hell_task_pid(mach_task_self(), &pid), KERN_SUCCESS);
	CHECK_EQ(pid, getpid());
	CHECK_KR(mach_port_deallocate(mach_task_self(), 0x7777), KERN_INVALID_NAME);

	served = testlib_port_with_send();
	CHECK_EQ(pthread_create(&server, NULL, serve_one, NULL), 0);
	CHECK_KR(fsys_goaway(served, 0), KERN_SUCCESS);
	CHECK_EQ(pthread_join(server, NULL), 0);

	fflush(stdout);
	child = fork();
	if (child == 0) {
		mach_port_t q = MACH_PORT_NULL;

		_exit(mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &q) != KERN_SUCCESS);
	}
	CHECK_EQ(waitpid(child, &status, 0), child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	printf("child %d\n", (int) child);
	CHECK_KR(mach_port_destroy(mach_task_self(), p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(mach_task_self(), served), KERN_SUCCESS);
	if (TEST_DONE() != 0)
		return 1;
	return 3;
}

/* Allocates a port and receives on it for ever, as a server's loop does;
 * prints "ready" first.  For machd_gone.sh: when machd dies, libmach must
 * end this task instead of retrying without end.  */
#include <mach.h>
#include <stdio.h>

int
main(void)
{
	mach_port_t port;
	union {
		mach_msg_header_t head;
		char buf[256];
	} msg;

	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port) != KERN_SUCCESS)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;)
		(void) mach_msg(&msg.head, MACH_RCV_MSG, 0, sizeof msg, port, MACH_MSG_TIMEOUT_NONE,
				MACH_PORT_NULL);
}

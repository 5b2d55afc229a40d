/* HELL's demo: two Mach tasks on Linux talking through ports.
 *
 * The parent task allocates a port and forks.  The child is a second task
 * whose space holds a copy of the parent's send right under the same name,
 * as on the Hurd.  The child calls the parent through MIG stubs generated
 * from echo.defs; the parent serves with mach_msg_server.  When the child
 * exits, machd destroys its space and the parent receives a no-senders
 * notification for its port: the end of the conversation.
 */
#include <mach.h>
#include <mach/mach_error.h>
#include <mach/notify.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "echo.h"
#include "echo_S.h"

/* The demultiplexer MIG generated from echo.defs. */
extern boolean_t echo_server(mach_msg_header_t *in, mach_msg_header_t *out);

static mach_port_t service;
static int calls;

kern_return_t
S_echo_bytes(mach_port_t server, pointer_t data, mach_msg_type_number_t n,
	     pointer_t *echoed, mach_msg_type_number_t *echoedCnt)
{
	vm_address_t copy;

	if (vm_allocate(mach_task_self(), &copy, n, TRUE) != KERN_SUCCESS)
		return KERN_RESOURCE_SHORTAGE;
	memcpy((void *) copy, (void *) data, n);
	vm_deallocate(mach_task_self(), data, n);
	*echoed = copy;
	*echoedCnt = n;
	calls++;
	return KERN_SUCCESS;
}

kern_return_t
S_echo_shout(mach_port_t server, const_echo_string_t message, echo_string_t shouted, int *pid)
{
	size_t i;

	for (i = 0; message[i] && i < sizeof(echo_string_t) - 1; i++)
		shouted[i] = (char) toupper((unsigned char) message[i]);
	shouted[i] = 0;
	*pid = getpid();
	calls++;
	return KERN_SUCCESS;
}

kern_return_t
S_echo_null(mach_port_t server)
{
	calls++;
	return KERN_SUCCESS;
}

/* Requests go to the echo stubs; the no-senders notification says the
 * child is gone. */
static int done;

static boolean_t
demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	if (in->msgh_id == MACH_NOTIFY_NO_SENDERS) {
		mach_no_senders_notification_t *n = (void *) in;

		printf("parent: no-senders notification (make-send count %u): the child is gone\n",
		       n->not_count);
		done = 1;
		mig_reply_setup(in, out);
		((mig_reply_header_t *) out)->RetCode = MIG_NO_REPLY;
		return TRUE;
	}
	return echo_server(in, out);
}

static int
child(void)
{
	echo_string_t shouted;
	int pid;
	kern_return_t kr;
	char text[] = "out-of-line bytes travel as memory";
	pointer_t back;
	mach_msg_type_number_t backCnt;

	kr = echo_shout(service, "hello from a Mach task on Linux", shouted, &pid);
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "child: echo_shout: %s\n", mach_error_string(kr));
		return 1;
	}
	printf("child (pid %d): the server (pid %d) answered \"%s\"\n", getpid(), pid, shouted);
	kr = echo_bytes(service, (pointer_t) text, sizeof text, &back, &backCnt);
	if (kr != KERN_SUCCESS || backCnt != sizeof text || memcmp((void *) back, text, sizeof text)) {
		fprintf(stderr, "child: echo_bytes: %s\n", mach_error_string(kr));
		return 1;
	}
	printf("child: echo_bytes returned \"%s\"\n", (char *) back);
	vm_deallocate(mach_task_self(), back, backCnt);
	for (int i = 0; i < 1000; i++)
		if ((kr = echo_null(service)) != KERN_SUCCESS)
			return 1;
	printf("child: made 1000 null RPCs; exiting\n");
	return 0;
}

int
main(void)
{
	mach_port_t previous;
	kern_return_t kr;
	pid_t pid;
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &service);
	if (kr == KERN_SUCCESS)
		kr = mach_port_insert_right(mach_task_self(), service, service, MACH_MSG_TYPE_MAKE_SEND);
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "demo: cannot make a port: %s (run it with `hell run`)\n",
			mach_error_string(kr));
		return 1;
	}
	printf("parent (pid %d): port %u, forking a second task\n", getpid(), service);

	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		status = child();
		fflush(stdout);
		_exit(status);
	}

	/* The parent gives up its own send right: from now on only the child
	 * holds one, and its death brings the no-senders notification. */
	mach_port_deallocate(mach_task_self(), service);
	kr = mach_port_request_notification(mach_task_self(), service, MACH_NOTIFY_NO_SENDERS, 0,
					    service, MACH_MSG_TYPE_MAKE_SEND_ONCE, &previous);
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "demo: request_notification: %s\n", mach_error_string(kr));
		return 1;
	}
	/* Serve until the notification; the loop returns when idle for
	 * 100 ms, which lets us look at `done`. */
	while (!done) {
		kr = mach_msg_server_timeout(demux, 8192, service, MACH_RCV_TIMEOUT, 100);
		if (kr != MACH_RCV_TIMED_OUT) {
			fprintf(stderr, "parent: server loop: %s\n", mach_error_string(kr));
			break;
		}
	}
	waitpid(pid, &status, 0);
	printf("parent: served %d RPCs; child exit status %d\n", calls, WEXITSTATUS(status));
	mach_port_mod_refs(mach_task_self(), service, MACH_PORT_RIGHT_RECEIVE, -1);
	return done && WIFEXITED(status) && WEXITSTATUS(status) == 0 && calls == 1002 ? 0 : 1;
}

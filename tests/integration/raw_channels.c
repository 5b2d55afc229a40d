/* Hostile and idle connections to machd's socket, below libmach.
 *
 * - Garbage on a raw connection (short datagrams, a bad protocol version,
 *   a trap before HELLO, a huge claimed payload fd) gets the connection
 *   closed; machd goes on serving this task.
 * - A connection that never says HELLO and is still open when machd shuts
 *   down is freed with the rest: a grandchild holds one open past the end
 *   of the test, and machd's leak check (heap to the byte) must still pass.
 *   machd once leaked these (found by the benchmarks in free-CPU mode). */
#include "testlib.h"

#include <hell/channel.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int
raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	strncpy(sa.sun_path, getenv("HELL_SOCKET"), sizeof sa.sun_path - 1);
	if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
		return -1;
	return fd;
}

/* Send DATA and expect machd to close the connection (recv gives 0). */
static int
refused(const void *data, size_t len)
{
	int fd = raw_connect();
	char buf[256];
	struct timeval tv = { .tv_sec = 5 };
	ssize_t n;

	if (fd < 0)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (send(fd, data, len, 0) < 0) {
		close(fd);
		return 0;
	}
	n = recv(fd, buf, sizeof buf, 0);
	close(fd);
	return n == 0;
}

int
main(void)
{
	struct hell_req req;
	char junk[3] = { 1, 2, 3 };
	mach_port_t p = testlib_port();

	CHECK(refused(junk, sizeof junk));
	memset(&req, 0, sizeof req);
	req.op = HELL_OP_HELLO;
	req.arg[0] = 9999;		/* a protocol version that does not exist */
	CHECK(refused(&req, sizeof req));
	memset(&req, 0, sizeof req);
	req.op = HELL_OP_REPLY_PORT;	/* a trap before HELLO */
	CHECK(refused(&req, sizeof req));
	memset(&req, 0, sizeof req);
	req.op = HELL_OP_MAX + 7;	/* no such operation */
	CHECK(refused(&req, sizeof req));

	/* machd still serves us. */
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(mach_port_destroy(mach_task_self(), p), KERN_SUCCESS);

	/* A grandchild keeps a silent connection open past our exit. */
	pid_t child = fork();

	CHECK(child >= 0);
	if (child == 0) {
		if (fork() == 0) {
			int fd = raw_connect();

			sleep(3);
			close(fd);
		}
		_exit(0);
	}
	waitpid(child, NULL, 0);
	usleep(100000);		/* let the connection be accepted */
	return TEST_DONE();
}

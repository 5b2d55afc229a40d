/* Conformance: message buffers that are not (all) there.  GNU Mach reads
 * and writes the caller's buffer with copyin/copyout and returns
 * MACH_SEND_INVALID_DATA or MACH_RCV_INVALID_DATA instead of faulting
 * (ipc_kmsg_get, ipc_kmsg_put).  Kept apart from msg_hostile.c: a library
 * that touches such a buffer itself crashes this whole test. */
#include <sys/mman.h>
#include <unistd.h>
#include "conformance.h"

static char *
map_pages(int n, int prot)
{
	void *p = mmap(NULL, (size_t) n * (size_t) sysconf(_SC_PAGESIZE), prot,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static void
test_bad_send_buffers(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	mach_port_t p = testlib_port_with_send();
	char *two = map_pages(2, PROT_READ | PROT_WRITE);
	char *none = map_pages(1, PROT_NONE);
	mach_msg_header_t *h, ok;
	mach_msg_return_t mr;

	CHECK_EQ(munmap(two + pg, (size_t) pg), 0);

	/* The header is there; the rest of the claimed size is not.  The call
	 * does nothing: the moved destination right stays. */
	h = (mach_msg_header_t *) (two + pg - sizeof *h);
	mhead(h, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0), sizeof *h, p, MACH_PORT_NULL, 1);
	CHECK_KR(mach_msg(h, MACH_SEND_MSG, 64, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
		 MACH_SEND_INVALID_DATA);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(queued(p), 0);
	/* The same header with its true size goes. */
	CHECK_KR(mach_msg(h, MACH_SEND_MSG, sizeof *h, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(queued(p), 1);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_RECEIVE);
	CHECK_KR(mach_port_insert_right(TASK, p, p, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);

	/* No buffer at all, or one that can not be read. */
	CHECK_KR(mach_msg(NULL, MACH_SEND_MSG, 32, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL),
		 MACH_SEND_INVALID_DATA);
	CHECK_KR(mach_msg((mach_msg_header_t *) none, MACH_SEND_MSG, 32, 0, MACH_PORT_NULL, 0,
			  MACH_PORT_NULL), MACH_SEND_INVALID_DATA);

	/* A size far beyond the buffer. */
	mhead(&ok, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sizeof ok, p, MACH_PORT_NULL, 2);
	mr = mach_msg(&ok, MACH_SEND_MSG, 0x7ffffff8, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
	CHECK(mr == MACH_SEND_INVALID_DATA || mr == MACH_SEND_NO_BUFFER);
	mr = mach_msg(&ok, MACH_SEND_MSG, 0xfffffff8u, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
	CHECK(mr == MACH_SEND_INVALID_DATA || mr == MACH_SEND_NO_BUFFER);

	CHECK_EQ(drain(p), 1);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	munmap(two, (size_t) pg);
	munmap(none, (size_t) pg);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_bad_receive_buffers(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	mach_port_t p = testlib_port_with_send();
	char *ro = map_pages(1, PROT_READ);
	char *two = map_pages(2, PROT_READ | PROT_WRITE);
	mach_msg_header_t *h;

	CHECK_EQ(munmap(two + pg, (size_t) pg), 0);

	/* The message is taken off the queue, but can not be written. */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 1, 10), MACH_MSG_SUCCESS);
	CHECK_KR(mach_msg(NULL, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, 64, p, WAIT_MS, MACH_PORT_NULL),
		 MACH_RCV_INVALID_DATA);
	CHECK_EQ(queued(p), 0);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 2, 11), MACH_MSG_SUCCESS);
	CHECK_KR(mach_msg((mach_msg_header_t *) ro, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, 64, p,
			  WAIT_MS, MACH_PORT_NULL), MACH_RCV_INVALID_DATA);
	CHECK_EQ(queued(p), 0);
	CHECK_EQ(ro[0], 0);

	/* A buffer that is shorter than RCV_SIZE says is fine while the
	 * message fits in what is there. */
	h = (mach_msg_header_t *) (two + pg - sizeof(int_msg_t));
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 3, 12), MACH_MSG_SUCCESS);
	CHECK_KR(mach_msg(h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, 4096, p, WAIT_MS, MACH_PORT_NULL),
		 MACH_MSG_SUCCESS);
	CHECK_EQ(h->msgh_id, 12);
	CHECK_EQ(((int_msg_t *) h)->value, 3);
	/* ... and when it does not fit, the message is lost, not the task. */
	h = (mach_msg_header_t *) (two + pg - 40);
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 4, 13), MACH_MSG_SUCCESS);
	CHECK_KR(mach_msg(h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, 4096, p, WAIT_MS, MACH_PORT_NULL),
		 MACH_RCV_INVALID_DATA);
	CHECK_EQ(queued(p), 0);

	CHECK_EQ(port_status(p).mps_seqno, 4);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	munmap(ro, (size_t) pg);
	munmap(two, (size_t) pg);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

int
main(void)
{
	test_bad_send_buffers();
	test_bad_receive_buffers();
	return TEST_DONE();
}

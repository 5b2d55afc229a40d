/* Conformance: messages sent again and again from one buffer, with the
 * same size, as a server sends its replies.  libmach remembers that such a
 * send had out-of-line regions and gathers them before sending the next
 * one (saving machd's HELL_KR_NEED_OOL round trip); whatever the buffer
 * then holds, each send must do exactly what it does from a fresh buffer:
 * a fresh copy of new regions, an inline message as inline, rights as
 * rights, bad memory and a bad buffer refused with GNU Mach's codes. */
#include <sys/mman.h>
#include <unistd.h>
#include "conformance.h"

#define ID 600

/* An inline message of the same size as an ool_msg_t. */
typedef struct {
	mach_msg_header_t head;
	mach_msg_type_t type;
	uint64_t value;
} inline_msg_t;
_Static_assert(sizeof(inline_msg_t) == sizeof(ool_msg_t), "same size");

static void
make_ool(ool_msg_t *m, mach_port_t dest, const void *addr, mach_msg_type_number_t bytes,
	 int dealloc)
{
	mhead(&m->head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
	      sizeof *m, dest, MACH_PORT_NULL, ID);
	m->type = mtype(MACH_MSG_TYPE_BYTE, 8, bytes, 0, dealloc);
	m->addr = (vm_address_t) addr;
}

/* Receive the out-of-line message on Q: its region holds BYTES bytes of
 * SEED, which is then deallocated. */
static void
expect_ool(mach_port_t q, mach_msg_type_number_t bytes, unsigned char seed)
{
	msgbuf_t buf;
	ool_msg_t *rm = (ool_msg_t *) &buf;
	const unsigned char *got;
	int ok = 1;

	EXPECT_MSG(q, &buf, ID);
	CHECK(buf.head.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	CHECK_EQ(rm->type.msgt_inline, 0);
	CHECK_EQ(rm->type.msgt_number, bytes);
	got = (const unsigned char *) rm->addr;
	if (got == NULL)
		return;
	for (mach_msg_type_number_t i = 0; i < bytes; i++)
		if (got[i] != (unsigned char) (seed + i))
			ok = 0;
	CHECK(ok);
	CHECK_KR(vm_deallocate(TASK, rm->addr, bytes), KERN_SUCCESS);
}

static void
fill(unsigned char *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char) (seed + i);
}

/* One buffer, many kinds of message of one size. */
static void
test_same_buffer(void)
{
	static union {
		ool_msg_t ool;
		inline_msg_t in;
		port_msg_t port;
	} m;
	mach_port_t q = testlib_port_with_send(), r = testlib_port();
	unsigned char data[300];
	vm_address_t hole = 0, src = 0, again;
	msgbuf_t buf;

	/* The same region three times, changed between sends: each message
	 * carries it as it was when sent. */
	for (unsigned char seed = 1; seed <= 3; seed++) {
		fill(data, sizeof data, seed);
		make_ool(&m.ool, q, data, sizeof data, 0);
		CHECK_KR(msg_send(&m.ool, 0, 0), MACH_MSG_SUCCESS);
		fill(data, sizeof data, 99);
		expect_ool(q, sizeof data, seed);
	}

	/* Not complex: the body is bytes, whatever it looks like (here an
	 * out-of-line descriptor of memory that is not there). */
	CHECK_KR(vm_allocate(TASK, &hole, vm_page_size, TRUE), KERN_SUCCESS);
	CHECK_KR(vm_deallocate(TASK, hole, vm_page_size), KERN_SUCCESS);
	mhead(&m.in.head, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sizeof m.in, q,
	      MACH_PORT_NULL, ID);
	m.in.type = mtype(MACH_MSG_TYPE_BYTE, 8, 100, 0, 0);
	m.in.value = (uint64_t) hole;
	CHECK_KR(msg_send(&m.in, 0, 0), MACH_MSG_SUCCESS);
	EXPECT_MSG(q, &buf, ID);
	CHECK(!(buf.head.msgh_bits & MACH_MSGH_BITS_COMPLEX));
	CHECK_EQ(((inline_msg_t *) &buf)->value, (uint64_t) hole);
	CHECK_EQ(((inline_msg_t *) &buf)->type.msgt_inline, 0);
	CHECK_EQ(((inline_msg_t *) &buf)->type.msgt_number, 100);

	/* Complex with a right and no region. */
	make_ool(&m.ool, q, data, sizeof data, 0);
	CHECK_KR(msg_send(&m.ool, 0, 0), MACH_MSG_SUCCESS);
	expect_ool(q, sizeof data, 99);
	make_port_msg(&m.port, q, MACH_MSG_TYPE_COPY_SEND, r, MACH_MSG_TYPE_MAKE_SEND, ID);
	CHECK_KR(msg_send(&m.port, 0, 0), MACH_MSG_SUCCESS);
	EXPECT_MSG(q, &buf, ID);
	CHECK_EQ(((port_msg_t *) &buf)->port.name, r);
	CHECK_EQ(testlib_refs(r, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_port_deallocate(TASK, r), KERN_SUCCESS);

	/* A region that is not there: refused, nothing queued. */
	make_ool(&m.ool, q, data, sizeof data, 0);
	CHECK_KR(msg_send(&m.ool, 0, 0), MACH_MSG_SUCCESS);
	expect_ool(q, sizeof data, 99);
	make_ool(&m.ool, q, (void *) hole, 100, 0);
	CHECK_KR(msg_send(&m.ool, 0, 0), MACH_SEND_INVALID_MEMORY);
	CHECK_EQ(queued(q), 0);

	/* msgt_deallocate: the region leaves the sender. */
	CHECK_KR(vm_allocate(TASK, &src, vm_page_size, TRUE), KERN_SUCCESS);
	fill((unsigned char *) src, vm_page_size, 7);
	make_ool(&m.ool, q, (void *) src, vm_page_size, 1);
	CHECK_KR(msg_send(&m.ool, 0, 0), MACH_MSG_SUCCESS);
	again = src;
	CHECK_KR(vm_allocate(TASK, &again, vm_page_size, FALSE), KERN_SUCCESS);
	CHECK_EQ(again, src);
	CHECK_KR(vm_deallocate(TASK, again, vm_page_size), KERN_SUCCESS);
	expect_ool(q, vm_page_size, 7);

	CHECK_EQ(queued(q), 0);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
}

/* The buffer itself goes away after an out-of-line send from it: the next
 * send from the same address is refused, never read by the library. */
static void
test_buffer_gone(void)
{
	mach_port_t q = testlib_port_with_send();
	unsigned char data[64];
	ool_msg_t *m = mmap(NULL, (size_t) vm_page_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	for (int i = 0; i < 2; i++) {
		fill(data, sizeof data, (unsigned char) (40 + i));
		make_ool(m, q, data, sizeof data, 0);
		CHECK_KR(msg_send(m, 0, 0), MACH_MSG_SUCCESS);
		expect_ool(q, sizeof data, (unsigned char) (40 + i));
	}
	CHECK_EQ(munmap(m, (size_t) vm_page_size), 0);
	CHECK_KR(mach_msg(&m->head, MACH_SEND_MSG, sizeof *m, 0, MACH_PORT_NULL, 0,
			  MACH_PORT_NULL), MACH_SEND_INVALID_DATA);
	CHECK_EQ(queued(q), 0);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

int
main(void)
{
	test_same_buffer();
	test_buffer_gone();
	return TEST_DONE();
}

/* Conformance: out-of-line memory in messages (manual 4.2.4, 4.2.5).
 * The receiver gets a copy as of the send; msgt_deallocate moves the
 * region out of the sender; received regions are the receiver's to
 * vm_deallocate and arrive with msgt_deallocate set. */
#include <unistd.h>
#include <sys/wait.h>
#include "conformance.h"

#define BIG (4u << 20)

static unsigned char
pattern(size_t i, unsigned seed)
{
	return (unsigned char) ((i * 131u + (i >> 12) * 7u + seed) & 0xff);
}

static void
fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = pattern(i, seed);
}

static int
matches(const unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != pattern(i, seed))
			return 0;
	return 1;
}

static void
make_ool(ool_msg_t *m, mach_port_t dest, const void *addr, mach_msg_type_number_t bytes,
	 int dealloc, mach_msg_id_t id)
{
	mhead(&m->head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
	      sizeof *m, dest, MACH_PORT_NULL, id);
	m->type = mtype(MACH_MSG_TYPE_BYTE, 8, bytes, 0, dealloc);
	m->addr = (vm_address_t) addr;
}

/* Receive an OOL message on Q; check the descriptor; return the region. */
static unsigned char *
recv_ool(mach_port_t q, mach_msg_type_number_t bytes, mach_msg_id_t id)
{
	msgbuf_t buf;
	ool_msg_t *rm = (ool_msg_t *) &buf;

	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, id);
	CHECK(buf.head.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	/* The address counts in msgh_size, the memory does not. */
	CHECK_EQ(buf.head.msgh_size, sizeof(ool_msg_t));
	CHECK_EQ(rm->type.msgt_name, MACH_MSG_TYPE_BYTE);
	CHECK_EQ(rm->type.msgt_size, 8);
	CHECK_EQ(rm->type.msgt_number, bytes);
	CHECK_EQ(rm->type.msgt_inline, 0);
	CHECK_EQ(rm->type.msgt_deallocate, 1);
	return (unsigned char *) rm->addr;
}

static void
test_small(void)
{
	static unsigned char src[128];
	mach_port_t q = testlib_port_with_send();
	unsigned char *got;
	ool_msg_t m;

	/* 100 bytes at an unaligned address (legal, manual 4.2.4). */
	fill(src + 3, 100, 1);
	make_ool(&m, q, src + 3, 100, 0, 1);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	/* Copy semantics: the sender's later writes are not seen. */
	fill(src + 3, 100, 2);
	got = recv_ool(q, 100, 1);
	CHECK(got != NULL);
	if (got != NULL) {
		CHECK(matches(got, 100, 1));
		/* The receiver's copy is its own, and writable. */
		fill(got, 100, 3);
		CHECK(matches(src + 3, 100, 2));
		CHECK_KR(vm_deallocate(TASK, (vm_address_t) got, 100), KERN_SUCCESS);
	}

	/* A long-form descriptor means the same on x86_64. */
	make_ool(&m, q, src, 64, 0, 2);
	m.type.msgt_longform = 1;
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	{
		msgbuf_t buf;
		ool_msg_t *rm = (ool_msg_t *) &buf;

		CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
		CHECK_EQ(rm->type.msgt_number, 64);
		CHECK_EQ(rm->type.msgt_inline, 0);
		CHECK(rm->addr != 0);
		if (rm->addr != 0) {
			CHECK(memcmp((void *) rm->addr, src, 64) == 0);
			CHECK_KR(vm_deallocate(TASK, rm->addr, 64), KERN_SUCCESS);
		}
	}

	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

static void
test_large(void)
{
	mach_port_t q = testlib_port_with_send();
	vm_address_t src = 0;
	unsigned char *got1, *got2;
	ool_msg_t m;

	CHECK_KR(vm_allocate(TASK, &src, BIG, TRUE), KERN_SUCCESS);
	fill((unsigned char *) src, BIG, 10);
	make_ool(&m, q, (void *) src, BIG, 0, 10);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	/* Change every page, send again. */
	fill((unsigned char *) src, BIG, 11);
	make_ool(&m, q, (void *) src, BIG, 0, 11);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	fill((unsigned char *) src, BIG, 12);

	got1 = recv_ool(q, BIG, 10);
	got2 = recv_ool(q, BIG, 11);
	CHECK(got1 != NULL && got2 != NULL);
	if (got1 != NULL && got2 != NULL) {
		CHECK(got1 != got2);
		CHECK(matches(got1, BIG, 10));
		CHECK(matches(got2, BIG, 11));
		/* Each copy is independent of the others and of the source. */
		fill(got1, BIG, 13);
		CHECK(matches(got2, BIG, 11));
		CHECK(matches((unsigned char *) src, BIG, 12));
		CHECK_KR(vm_deallocate(TASK, (vm_address_t) got1, BIG), KERN_SUCCESS);
		CHECK_KR(vm_deallocate(TASK, (vm_address_t) got2, BIG), KERN_SUCCESS);
	}
	CHECK_KR(vm_deallocate(TASK, src, BIG), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

static void
test_deallocate(void)
{
	mach_port_t q = testlib_port_with_send();
	vm_address_t src = 0, again;
	unsigned char *got;
	ool_msg_t m;

	/* msgt_deallocate: the region leaves the sender as if vm_deallocate'd. */
	CHECK_KR(vm_allocate(TASK, &src, 3 * vm_page_size, TRUE), KERN_SUCCESS);
	fill((unsigned char *) src, 3 * vm_page_size, 20);
	make_ool(&m, q, (void *) src, 3 * vm_page_size, 1, 20);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	again = src;
	CHECK_KR(vm_allocate(TASK, &again, 3 * vm_page_size, FALSE), KERN_SUCCESS);
	CHECK_EQ(again, src);
	CHECK_KR(vm_deallocate(TASK, again, 3 * vm_page_size), KERN_SUCCESS);
	got = recv_ool(q, 3 * vm_page_size, 20);
	if (got != NULL) {
		CHECK(matches(got, 3 * vm_page_size, 20));
		CHECK_KR(vm_deallocate(TASK, (vm_address_t) got, 3 * vm_page_size), KERN_SUCCESS);
	}

	/* An unaligned region: every page it overlaps is deallocated. */
	src = 0;
	CHECK_KR(vm_allocate(TASK, &src, 2 * vm_page_size, TRUE), KERN_SUCCESS);
	fill((unsigned char *) src, 2 * vm_page_size, 21);
	make_ool(&m, q, (void *) (src + 100), vm_page_size, 1, 21);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	again = src;
	CHECK_KR(vm_allocate(TASK, &again, 2 * vm_page_size, FALSE), KERN_SUCCESS);
	CHECK_KR(vm_deallocate(TASK, again, 2 * vm_page_size), KERN_SUCCESS);
	got = recv_ool(q, vm_page_size, 21);
	if (got != NULL) {
		size_t i;
		int ok = 1;

		for (i = 0; i < vm_page_size; i++)
			if (got[i] != pattern(i + 100, 21))
				ok = 0;
		CHECK(ok);
		CHECK_KR(vm_deallocate(TASK, (vm_address_t) got, vm_page_size), KERN_SUCCESS);
	}

	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

static void
test_null_and_invalid(void)
{
	mach_port_t q = testlib_port_with_send(), r = testlib_port();
	vm_address_t hole = 0;
	ool_msg_t m;
	msgbuf_t buf;

	/* A null region: the address is ignored and arrives as zero. */
	make_ool(&m, q, (void *) 0x1234, 0, 0, 30);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	make_ool(&m, q, (void *) 0x1234, 0, 1, 31);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	CHECK_EQ(recv_ool(q, 0, 30), NULL);
	CHECK_EQ(recv_ool(q, 0, 31), NULL);

	/* Memory that is not there: MACH_SEND_INVALID_MEMORY, and the message
	 * is destroyed with its header rights. */
	CHECK_KR(vm_allocate(TASK, &hole, 4 * vm_page_size, TRUE), KERN_SUCCESS);
	CHECK_KR(vm_deallocate(TASK, hole, 4 * vm_page_size), KERN_SUCCESS);
	make_ool(&m, q, (void *) hole, 100, 0, 32);
	CHECK_KR(msg_send(&m, 0, 0), MACH_SEND_INVALID_MEMORY);
	make_ool(&m, q, (void *) hole, 4 * vm_page_size, 1, 33);
	CHECK_KR(msg_send(&m, 0, 0), MACH_SEND_INVALID_MEMORY);
	make_ool(&m, q, NULL, 100, 0, 34);
	m.head.msgh_local_port = r;
	m.head.msgh_bits |= MACH_MSGH_BITS(0, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	CHECK_KR(msg_send(&m, 0, 0), MACH_SEND_INVALID_MEMORY);
	EXPECT_MSG(r, &buf, MACH_NOTIFY_SEND_ONCE);
	CHECK_EQ(queued(q), 0);
	CHECK_EQ(testlib_refs(q, MACH_PORT_RIGHT_SEND), 1);

	/* The header is checked before the body (ipc_kmsg_copyin). */
	make_ool(&m, unused_name(0x7700), (void *) hole, 100, 0, 35);
	CHECK_KR(msg_send(&m, 0, 0), MACH_SEND_INVALID_DEST);
	make_ool(&m, q, (void *) hole, 100, 0, 36);
	m.head.msgh_bits = MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(0, 0);
	CHECK_KR(msg_send(&m, 0, 0), MACH_SEND_INVALID_HEADER);

	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
}

/* Two regions and inline data in one message. */
typedef struct {
	mach_msg_header_t head;
	mach_msg_type_t t1;
	vm_address_t a1;
	mach_msg_type_t t2;
	int32_t value;
	int32_t pad;
	mach_msg_type_t t3;
	vm_address_t a3;
} two_msg_t;

static void
test_mixed(void)
{
	static int32_t ints[50];
	static char text[] = "out of line, twice";
	mach_port_t q = testlib_port_with_send();
	two_msg_t m;
	msgbuf_t buf;
	two_msg_t *rm = (two_msg_t *) &buf;
	int i;

	for (i = 0; i < 50; i++)
		ints[i] = i * i;
	mhead(&m.head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
	      sizeof m, q, MACH_PORT_NULL, 40);
	m.t1 = mtype(MACH_MSG_TYPE_INTEGER_32, 32, 50, 0, 0);
	m.a1 = (vm_address_t) ints;
	m.t2 = mtype(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1, 0);
	m.value = -5;
	m.pad = 0;
	m.t3 = mtype(MACH_MSG_TYPE_CHAR, 8, sizeof text, 0, 0);
	m.a3 = (vm_address_t) text;
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(q, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_size, sizeof m);
	CHECK_EQ(rm->t1.msgt_number, 50);
	CHECK_EQ(rm->t1.msgt_deallocate, 1);
	CHECK_EQ(rm->t2.msgt_deallocate, 0);
	CHECK_EQ(rm->value, -5);
	CHECK_EQ(rm->t3.msgt_number, sizeof text);
	if (rm->a1 != 0)
		CHECK(memcmp((void *) rm->a1, ints, sizeof ints) == 0);
	if (rm->a3 != 0)
		CHECK(memcmp((void *) rm->a3, text, sizeof text) == 0);
	CHECK(rm->a1 != 0 && rm->a3 != 0);
	destroy_received(&buf.head);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

static void
test_destroyed_with_port(void)
{
	mach_port_t q = testlib_port_with_send();
	vm_address_t src = 0;
	ool_msg_t m;

	/* Memory in messages that are never received goes with the port. */
	CHECK_KR(vm_allocate(TASK, &src, BIG, TRUE), KERN_SUCCESS);
	fill((unsigned char *) src, BIG, 50);
	make_ool(&m, q, (void *) src, BIG, 0, 50);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	make_ool(&m, q, (void *) src, BIG, 1, 51);
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	CHECK_EQ(queued(q), 2);
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

static void
test_across_tasks(void)
{
	mach_port_t q = testlib_port_with_send();
	unsigned char *got;
	int status = -1;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		vm_address_t src = 0;
		ool_msg_t m;

		if (vm_allocate(TASK, &src, BIG, TRUE) != KERN_SUCCESS)
			_exit(3);
		fill((unsigned char *) src, BIG, 60);
		make_ool(&m, q, (void *) src, BIG, 0, 60);
		if (msg_send(&m, 0, 0) != MACH_MSG_SUCCESS)
			_exit(4);
		/* Written after the send and before the exit: never seen. */
		fill((unsigned char *) src, BIG, 61);
		_exit(0);
	}
	CHECK(pid > 0);
	/* The sender is gone before we look: the memory outlives it. */
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	got = recv_ool(q, BIG, 60);
	CHECK(got != NULL);
	if (got != NULL) {
		CHECK(matches(got, BIG, 60));
		CHECK_KR(vm_deallocate(TASK, (vm_address_t) got, BIG), KERN_SUCCESS);
	}
	CHECK_KR(mach_port_destroy(TASK, q), KERN_SUCCESS);
}

int
main(void)
{
	test_small();
	test_large();
	test_deallocate();
	test_null_and_invalid();
	test_mixed();
	test_destroyed_with_port();
	test_across_tasks();
	return TEST_DONE();
}

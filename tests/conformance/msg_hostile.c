/* Conformance: hostile messages.  Garbage headers, descriptors that claim
 * more than the message holds, and random bytes: every one must fail with
 * a mach_msg error (or, if it happens to be well formed, be delivered),
 * leave this task's rights as they were, and leak nothing in machd.  The
 * task survives all of it. */
#include "conformance.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	/* xorshift64*: fixed seed, so a failure can be replayed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static int
is_send_error(mach_msg_return_t mr)
{
	return (mr & ~MACH_MSG_MASK) >= MACH_SEND_IN_PROGRESS
		&& (mr & ~MACH_MSG_MASK) <= MACH_SEND_INVALID_HEADER;
}

/* Names of this task, to compare before and after. */
static mach_msg_type_number_t
count_names(void)
{
	mach_port_name_t *names = NULL;
	mach_port_type_t *types = NULL;
	mach_msg_type_number_t nn = 0, nt = 0;

	if (mach_port_names(TASK, &names, &nn, &types, &nt) != KERN_SUCCESS)
		return (mach_msg_type_number_t) -1;
	if (nn)
		(void) vm_deallocate(TASK, (vm_address_t) names, nn * sizeof *names);
	if (nt)
		(void) vm_deallocate(TASK, (vm_address_t) types, nt * sizeof *types);
	return nn;
}

static void
test_garbage_headers(void)
{
	mach_port_t p = testlib_port_with_send();
	mach_port_t free_name = unused_name(0x51000000);
	mach_msg_header_t h;
	mach_msg_return_t mr;

	mhead(&h, 0xffffffff, sizeof h, p, p, 1);
	CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_HEADER);
	mhead(&h, 0xffffff00u | MACH_MSG_TYPE_COPY_SEND, sizeof h, p, p, 1);
	CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_HEADER);
	mhead(&h, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sizeof h, free_name, 0, 1);
	CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_DEST);
	mhead(&h, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sizeof h, p, free_name, 1);
	CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_HEADER);
	mhead(&h, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_COPY_SEND),
	      sizeof h, p, free_name, 1);
	CHECK_KR(msg_send(&h, 0, 0), MACH_SEND_INVALID_REPLY);
	/* The 8-byte remote slot: only the low 32 bits name the port. */
	mhead(&h, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sizeof h, p, MACH_PORT_NULL, 2);
	h.msgh_remote_port_do_not_use = (rpc_uintptr_t) 0xffffffff00000000ULL | p;
	mr = msg_send(&h, 0, 0);
	CHECK(mr == MACH_MSG_SUCCESS || mr == MACH_SEND_INVALID_DEST);
	/* The bits the kernel uses internally, set by a task. */
	mhead(&h, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX |
	      MACH_MSGH_BITS_CIRCULAR | MACH_MSGH_BITS_COMPLEX_PORTS |
	      MACH_MSGH_BITS_COMPLEX_DATA | MACH_MSGH_BITS_MIGRATED, sizeof h, p, MACH_PORT_NULL, 3);
	mr = msg_send(&h, 0, 0);
	CHECK(mr == MACH_MSG_SUCCESS || mr == MACH_SEND_INVALID_HEADER);

	drain(p);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

struct one_item {
	mach_msg_header_t head;
	mach_msg_type_t type;
	uint64_t data[2];
};

/* Send a complex message to DEST (COPY_SEND) with descriptor T, the data
 * words D0 D1, and send size SIZE. */
static mach_msg_return_t
send_item(mach_port_t dest, mach_msg_type_t t, uint64_t d0, uint64_t d1, mach_msg_size_t size)
{
	struct one_item m;

	mhead(&m.head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
	      size, dest, MACH_PORT_NULL, 9);
	m.type = t;
	m.data[0] = d0;
	m.data[1] = d1;
	return mach_msg(&m.head, MACH_SEND_MSG | MACH_SEND_TIMEOUT, size, 0, MACH_PORT_NULL, 0,
			MACH_PORT_NULL);
}

static void
test_lying_descriptors(void)
{
	static unsigned char small[64];
	mach_port_t p = testlib_port_with_send();
	mach_msg_return_t mr;

	/* Inline data longer than the message. */
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_BYTE, 8, 0xffffffffu, 1, 0), 0, 0, 48),
		 MACH_SEND_MSG_TOO_SMALL);
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_BYTE, 0xffff, 0xffffffffu, 1, 0), 0, 0, 56),
		 MACH_SEND_MSG_TOO_SMALL);
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_INTEGER_32, 32, 3, 1, 0), 0, 0, 48),
		 MACH_SEND_MSG_TOO_SMALL);
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1, 0), 0, 0, 40),
		 MACH_SEND_MSG_TOO_SMALL);
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_COPY_SEND, 64, 0x10000000u, 1, 0), p, p, 56),
		 MACH_SEND_MSG_TOO_SMALL);
	/* An out-of-line item without room for its address. */
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_BYTE, 8, 16, 0, 0), 0, 0, 40),
		 MACH_SEND_MSG_TOO_SMALL);
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_COPY_SEND, 32, 1, 0, 0), 0, 0, 40),
		 MACH_SEND_MSG_TOO_SMALL);

	/* Out-of-line regions bigger than the memory behind them. */
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_BYTE, 8, 0xffffffffu, 0, 0),
			   (uint64_t) (uintptr_t) small, 0, 48), MACH_SEND_INVALID_MEMORY);
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_BYTE, 0xffff, 0xffffffffu, 0, 0),
			   (uint64_t) (uintptr_t) small, 0, 48), MACH_SEND_INVALID_MEMORY);
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_BYTE, 8, 1u << 30, 0, 0),
			   (uint64_t) (uintptr_t) small, 0, 48), MACH_SEND_INVALID_MEMORY);
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_BYTE, 8, 100, 0, 0),
			   0xdead000000000000ULL, 0, 48), MACH_SEND_INVALID_MEMORY);
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_COPY_SEND, 32, 0x40000000u, 0, 0),
			   (uint64_t) (uintptr_t) small, 0, 48), MACH_SEND_INVALID_MEMORY);
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_COPY_SEND, 32, 4, 0, 0),
			   0xdead000000000000ULL, 0, 48), MACH_SEND_INVALID_MEMORY);
	/* With deallocate asked for: nothing of ours may be unmapped. */
	CHECK_KR(send_item(p, mtype(MACH_MSG_TYPE_BYTE, 8, 0xffffffffu, 0, 1),
			   (uint64_t) (uintptr_t) small, 0, 48), MACH_SEND_INVALID_MEMORY);
	small[0] = 1;	/* still mapped */

	/* Several descriptors, the last one lying. */
	{
		struct {
			mach_msg_header_t head;
			mach_msg_type_t t1;
			mach_port_name_inlined_t port;
			mach_msg_type_t t2;
			uint64_t word;
		} m;

		mhead(&m.head, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
		      sizeof m, p, MACH_PORT_NULL, 9);
		m.t1 = mtype(MACH_MSG_TYPE_COPY_SEND, 64, 1, 1, 0);
		m.port = inl(p);
		m.t2 = mtype(MACH_MSG_TYPE_INTEGER_64, 64, 1000, 1, 0);
		m.word = 0;
		mr = msg_send(&m, MACH_SEND_TIMEOUT, 0);
		CHECK_KR(mr, MACH_SEND_MSG_TOO_SMALL);
	}

	CHECK_EQ(queued(p), 0);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(port_status(p).mps_srights, 1);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

/* A pool of names that denote nothing here, for random bodies. */
static mach_port_t garbage[8];

static mach_port_t
random_port_name(void)
{
	switch (rnd() % 4) {
	case 0:
		return MACH_PORT_NULL;
	case 1:
		return MACH_PORT_DEAD;
	default:
		return garbage[rnd() % 8];
	}
}

/* Fill BODY (LEN bytes, a multiple of 8) with plausible but random items. */
static void
random_body(unsigned char *body, size_t len)
{
	static const unsigned sizes[] = { 0, 1, 8, 16, 32, 64, 3, 0xffff };
	static const unsigned numbers[] = { 0, 1, 2, 3, 7, 64, 0x10000, 0xffffffffu };
	static unsigned char readable[256];
	size_t off = 0;

	while (off + 8 <= len) {
		mach_msg_type_t *t = (mach_msg_type_t *) (body + off);
		unsigned kind = rnd() % 8;
		size_t datalen, i;

		memset(t, 0, sizeof *t);
		t->msgt_name = (kind < 3) ? MACH_MSG_TYPE_MOVE_RECEIVE + rnd() % 6
			: (kind < 6) ? rnd() % 16 : rnd() % 256;
		t->msgt_size = sizes[rnd() % 8];
		if (MACH_MSG_TYPE_PORT_ANY(t->msgt_name) && rnd() % 2)
			t->msgt_size = 64;
		t->msgt_number = (rnd() % 2) ? numbers[rnd() % 8] : (uint32_t) rnd();
		t->msgt_inline = (rnd() % 4) != 0;
		t->msgt_longform = rnd() % 8 == 0;
		/* Never ask for our own memory to be deallocated. */
		t->msgt_deallocate = t->msgt_inline ? rnd() % 8 == 0 : 0;
		t->msgt_unused = (rnd() % 16 == 0) ? rnd() % 32 : 0;
		off += 8;
		if (t->msgt_inline) {
			datalen = ((uint64_t) t->msgt_number * t->msgt_size + 7) / 8;
			if (datalen > len - off)
				datalen = (rnd() % 2) ? len - off : (rnd() % (len - off + 1));
			datalen = (datalen + 7) & ~(size_t) 7;
			if (datalen > len - off)
				datalen = len - off;
			for (i = 0; i + 8 <= datalen; i += 8) {
				uint64_t w = rnd();

				if (MACH_MSG_TYPE_PORT_ANY(t->msgt_name))
					w = random_port_name();
				memcpy(body + off + i, &w, 8);
			}
			off += datalen;
		} else if (off + 8 <= len) {
			uint64_t a;

			switch (rnd() % 3) {
			case 0:
				a = 0;
				break;
			case 1:
				a = (uint64_t) (uintptr_t) readable;
				break;
			default:
				a = rnd() | 0x8000000000000000ULL;	/* never mapped */
				break;
			}
			if (MACH_MSG_TYPE_PORT_ANY(t->msgt_name) && a != 0)
				a = (uint64_t) (uintptr_t) garbage;	/* names that are not ours */
			memcpy(body + off, &a, 8);
			off += 8;
		}
	}
}

static void
test_random(void)
{
	enum { ROUNDS = 2000, MAXLEN = 512 };
	union {
		mach_msg_header_t head;
		uint64_t words[MAXLEN / 8];
		unsigned char bytes[MAXLEN];
	} m;
	mach_port_t p = testlib_port_with_send();
	mach_msg_type_number_t names_before;
	msgbuf_t buf;
	int i, delivered = 0, bad_code = 0, bad_size = 0;

	for (i = 0; i < 8; i++)
		garbage[i] = unused_name(0x5a000000u + (mach_port_t) i * 0x10001u);
	names_before = count_names();

	for (i = 0; i < ROUNDS; i++) {
		mach_msg_size_t size;
		mach_msg_return_t mr;
		size_t k;

		/* Half pure noise, half a good header with a noisy body. */
		size = (mach_msg_size_t) (rnd() % (MAXLEN + 1));
		if (rnd() % 4)
			size &= ~7u;
		for (k = 0; k < MAXLEN / 8; k++)
			m.words[k] = rnd();
		if (i % 2) {
			if (size < sizeof(mach_msg_header_t))
				size = sizeof(mach_msg_header_t);
			mhead(&m.head, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), size, p,
			      MACH_PORT_NULL, i);
			if (rnd() % 4)
				m.head.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
			if (rnd() % 8 == 0)
				m.head.msgh_bits |= (uint32_t) rnd() & 0x7fff0000u;
			random_body(m.bytes + sizeof m.head, size - sizeof m.head);
		} else {
			/* A random destination must not be one of ours. */
			if (name_exists(m.head.msgh_remote_port))
				m.head.msgh_remote_port = garbage[0];
			if (name_exists(m.head.msgh_local_port))
				m.head.msgh_local_port = garbage[1];
		}
		mr = mach_msg(&m.head, MACH_SEND_MSG | MACH_SEND_TIMEOUT, size, 0,
			      MACH_PORT_NULL, 0, MACH_PORT_NULL);
		if (mr == MACH_MSG_SUCCESS) {
			delivered++;
			if (msg_recv(p, &buf, sizeof buf, WAIT_MS) == MACH_MSG_SUCCESS) {
				if (buf.head.msgh_size != (size & ~7u))
					bad_size++;
				destroy_received(&buf.head);
			}
		} else if (!is_send_error(mr)) {
			bad_code++;
			if (bad_code <= 5)
				fprintf(stderr, "round %d: unexpected %#x\n", i, (unsigned) mr);
		}
	}

	CHECK_EQ(bad_code, 0);
	CHECK_EQ(bad_size, 0);
	CHECK(delivered < ROUNDS);
	/* Nothing was left behind in our space or on the port. */
	CHECK_EQ(drain(p), 0);
	CHECK_EQ(testlib_type(p), MACH_PORT_TYPE_SEND_RECEIVE);
	CHECK_EQ(testlib_refs(p, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(count_names(), names_before);
	for (i = 0; i < 8; i++)
		CHECK(!name_exists(garbage[i]));
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
}

static void
test_many_ports(void)
{
	enum { N = 2000 };
	static mach_port_t names[N];
	mach_msg_type_number_t before = count_names();
	int i, ok = 1;

	for (i = 0; i < N && ok; i++) {
		if (mach_port_allocate(TASK, MACH_PORT_RIGHT_RECEIVE, &names[i]) != KERN_SUCCESS)
			ok = 0;
		else if (mach_port_insert_right(TASK, names[i], names[i], MACH_MSG_TYPE_MAKE_SEND)
			 != KERN_SUCCESS)
			ok = 0;
	}
	CHECK(ok);
	CHECK_EQ(count_names(), before + (mach_msg_type_number_t) i);
	while (i-- > 0)
		CHECK_KR(mach_port_destroy(TASK, names[i]), KERN_SUCCESS);
	CHECK_EQ(count_names(), before);
}

int
main(void)
{
	test_garbage_headers();
	test_lying_descriptors();
	test_random();
	test_many_ports();
	return TEST_DONE();
}

/* libFuzzer target: machd's message copyin path (machd/ipc/kmsg.c), with
 * what follows a copyin: destruction, copyout into a receiver's space,
 * queueing and delivery, and the space teardown that ends a task.
 *
 * It runs machd's core in-process, as tests/unit/rights.c does: a kernel
 * space with the host port, and per input a sender space and a receiver
 * space.  Every input must leave machd's object counts (ipc_counts) exactly
 * where they were and every memfd it made closed; every space and port must
 * be consistent after each step; a copyin that fails in the header must have
 * changed nothing (no name gone, no notification sent); no descriptor may be
 * closed twice.  Anything else aborts with a message, which libFuzzer
 * reports as a crash.  FUZZ_TRACE=1 in the environment says what each step
 * of an input did (for reading a reproducer).
 *
 * Input layout (all integers little-endian; a short input reads as if padded
 * with zeros):
 *
 *   recipe, RECIPE_SIZE bytes:
 *     slot[8]   2 bytes each (S, A): the right the sender holds under
 *               name slot_name(i).  S & 7 is the kind:
 *                 0 none
 *                 1 receive right                  (S & 0x40: member of the
 *                 3 receive and send rights         first port set slot;
 *                                                   S & 0x80: queue limit 1)
 *                 2 send right                     to a fresh port whose
 *                 4 send-once right                receive right the
 *                                                  receiver holds, or with
 *                                                  S & 0x20 to the port of
 *                                                  sender slot A & 7
 *                 5 port set
 *                 6 dead name
 *                 7 send right to the host port (S & 0x20: send-once)
 *               urefs of send rights and dead names: 1 + ((S >> 3) & 3).
 *               (A >> 3) & 3: notification request on the slot's port:
 *                 1 no-senders, 2 dead-name (for the sender's name),
 *                 3 port-destroyed; the send-once right for it goes to the
 *                 receiver's notify port, or with A & 0x20 to the port of
 *                 sender slot A & 7 (which may be the port itself).
 *               A & 0x80: the port has protected payload A.
 *     g0        bit 0: kernel-port messages go to machd's real kernel server
 *                      (kobject_server) instead of being destroyed;
 *               bit 1: teardown destroys the receiver space first
 *     g1        slot names are 1 + i * (g1 + 1)
 *     g2, g3    reserved
 *
 *   then up to MAX_RECORDS records.  A record whose first byte has bit 7
 *   set is an operation, 4 bytes [op, name, right, delta]:
 *     op & 3: 0 ipc_right_destroy, 1 ipc_right_dealloc, 2 ipc_right_delta,
 *             3 destroy the space and make a fresh one (names then mean
 *             nothing); op & 4: in the receiver space instead of the
 *             sender's; name 1..8 means slot_name(name - 1).
 *   Otherwise a message, a 16-byte header then its bytes:
 *     [0]     action & 3: 0 destroy after copyin; 1 copy out into the
 *             receiver space; 2 send (ipc_mqueue_send, never waiting: the
 *             message queues and stays until its port dies; on a full
 *             queue the send times out and the message goes back to the
 *             sender, ipc_kmsg_copyout_pseudo); 3 deliver as dispatch
 *             would: to the space holding the destination's receive
 *             right, or the kernel server, or destroyed.
 *             action & 4: copy out the header only (ipc_kmsg_copyout_dest);
 *             action & 8: the receiver space sends, not the sender's;
 *             action & 0x10: give the message back to its sender at once
 *             (a send that timed out).
 *     [1]     number of file descriptors, % (MAX_FDS + 1)
 *     [2]     their kinds, 2 bits each: 0 memfd sealed as machd requires,
 *             1 unsealed memfd, 2 memfd sealed without F_SEAL_GROW,
 *             3 /dev/null
 *     [3]     entries in the out-of-line table
 *     [4..5]  send_size; [6..7] blob size; [8..15] 4 memfd sizes
 *     then send_size bytes of message, the table (struct hell_ool_in each)
 *     and the blob, each cut short if the input ends.
 *
 * tests/fuzz/gen_corpus.py writes the seeds (corpus/seed-*) and the
 * reproducers of findings (corpus/crash-*) in this layout.
 */
#include "ipc/ipc.h"
#include "ipc/kmsg.h"
#include "ipc/mqueue.h"
#include "ipc/notify.h"
#include "ipc/port.h"
#include "ipc/pset.h"
#include "ipc/right.h"
#include "ipc/space.h"
#include "kern/host.h"
#include "kern/kobject.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NSLOTS 8
#define RECIPE_SIZE (2 * NSLOTS + 4)
#define MAX_RECORDS 6
#define MAX_FDS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __real_close(int fd);
int __wrap_close(int fd);

static struct ipc_counts baseline;
static struct ipc_space *sender, *receiver;
static bool real_kobject_server;
static mach_port_seqno_t seqno;
/* FUZZ_TRACE=1 in the environment: say what each record did. */
static bool trace;

/* Every descriptor this input made: all must be closed at its end. */
static int made_fds[MAX_RECORDS * MAX_FDS];
static unsigned made_count;
static bool in_input;

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz-copyin: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	fflush(stderr);
	abort();
}

/* machd closes memfds through close(); the link wraps it (-Wl,--wrap=close)
 * so that closing a descriptor that is not open, a double close, stops the
 * run while it can still be told from a close of someone else's. */
int
__wrap_close(int fd)
{
	int r = __real_close(fd);

	if (r < 0 && errno == EBADF && in_input)
		fail("close(%d): not open (double close?)", fd);
	return r;
}

/* Kernel ports: a harmless server that takes each message and destroys it,
 * or machd's own.  The harmless one uses up the destination right as a
 * receive does (copyout_header), without a notification: destroying a
 * message whose destination is a send-once right to the kernel port would
 * send that port a send-once notification, whose destruction would send
 * another, for ever. */
static void
fuzz_kobject_server(struct ipc_kmsg *kmsg)
{
	if (real_kobject_server) {
		kobject_server(kmsg);
		return;
	}
	if (kmsg->remote_type == MACH_MSG_TYPE_PORT_SEND)
		ipc_port_release_send(kmsg->remote);
	else
		ipc_port_release_sonce(kmsg->remote);
	kmsg->remote = NULL;
	ipc_kmsg_destroy(kmsg);
}

static void
init_once(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	ipc_space_kernel = ipc_space_create(NULL);
	ipc_space_kernel->is_kernel = true;
	ipc_kobject_server = fuzz_kobject_server;
	host_init();
	baseline = ipc_counts;
	trace = getenv("FUZZ_TRACE") != NULL;
}

/* A little reader over the input. */
struct reader {
	const uint8_t *p;
	size_t left;
};

static uint8_t
get8(struct reader *r)
{
	if (r->left == 0)
		return 0;
	r->left--;
	return *r->p++;
}

static uint16_t
get16(struct reader *r)
{
	uint16_t lo = get8(r);

	return (uint16_t) (lo | get8(r) << 8);
}

/* Up to N bytes; *GOT says how many there were. */
static const uint8_t *
getn(struct reader *r, size_t n, size_t *got)
{
	const uint8_t *p = r->p;

	if (n > r->left)
		n = r->left;
	r->p += n;
	r->left -= n;
	*got = n;
	return p;
}

/* ---- Consistency checks ---------------------------------------------- */

static void
check_space(struct ipc_space *space, const char *which)
{
	size_t iter = 0;
	uint64_t key;
	void *value;

	if (!space->active)
		fail("%s space inactive", which);
	while (hashmap_next(&space->names, &iter, &key, &value)) {
		struct ipc_entry *e = value;
		struct ipc_port *port = (struct ipc_port *) e->object;
		mach_port_type_t type = e->type & MACH_PORT_TYPE_ALL_RIGHTS;

		if (e->name != key)
			fail("%s: entry %#llx holds name %#x", which, (unsigned long long) key, e->name);
		switch (type) {
		case MACH_PORT_TYPE_RECEIVE:
		case MACH_PORT_TYPE_SEND_RECEIVE:
			if (!port || port->obj.otype != IOT_PORT)
				fail("%s: receive right %#x without a port", which, e->name);
			if (!port->active || port->receiver != space || port->receiver_name != e->name)
				fail("%s: receive right %#x: port active %d receiver %p name %#x",
				     which, e->name, port->active, (void *) port->receiver,
				     port->receiver_name);
			if (ipc_entry_reverse(space, port) != e)
				fail("%s: receive right %#x not in the reverse map", which, e->name);
			if ((type & MACH_PORT_TYPE_SEND) && (e->urefs == 0 || port->srights == 0))
				fail("%s: send right %#x: urefs %u srights %u", which, e->name,
				     e->urefs, port->srights);
			break;
		case MACH_PORT_TYPE_SEND:
			if (!port || port->obj.otype != IOT_PORT)
				fail("%s: send right %#x without a port", which, e->name);
			if (e->urefs == 0 || port->srights == 0)
				fail("%s: send right %#x: urefs %u srights %u", which, e->name,
				     e->urefs, port->srights);
			if (ipc_entry_reverse(space, port) != e)
				fail("%s: send right %#x not in the reverse map", which, e->name);
			break;
		case MACH_PORT_TYPE_SEND_ONCE:
			if (!port || port->obj.otype != IOT_PORT)
				fail("%s: send-once right %#x without a port", which, e->name);
			if (e->urefs != 1 || port->sorights == 0)
				fail("%s: send-once right %#x: urefs %u sorights %u", which, e->name,
				     e->urefs, port->sorights);
			break;
		case MACH_PORT_TYPE_PORT_SET: {
			struct ipc_pset *pset = (struct ipc_pset *) e->object;

			if (!pset || pset->obj.otype != IOT_PSET || !pset->active ||
			    pset->space != space || pset->name != e->name)
				fail("%s: port set %#x inconsistent", which, e->name);
			break;
		}
		case MACH_PORT_TYPE_DEAD_NAME:
			if (e->object || e->urefs == 0)
				fail("%s: dead name %#x: object %p urefs %u", which, e->name,
				     (void *) e->object, e->urefs);
			break;
		default:
			fail("%s: name %#x has type %#x", which, e->name, e->type);
		}
		if (e->urefs > MACH_PORT_UREFS_MAX)
			fail("%s: name %#x has %u urefs", which, e->name, e->urefs);
	}
}

static void
check_all(void)
{
	struct list *pos, *tmp;

	check_space(sender, "sender");
	check_space(receiver, "receiver");
	list_for_each_safe(pos, tmp, &ipc_port_all)
		ipc_port_check(list_entry(pos, struct ipc_port, all_link));
}

/* What is left: every port but the host's, and its queue. */
static void
dump_ports(void)
{
	struct list *pos, *tmp, *m, *mt;

	list_for_each_safe(pos, tmp, &ipc_port_all) {
		struct ipc_port *port = list_entry(pos, struct ipc_port, all_link);

		if (port == host_port)
			continue;
		fprintf(stderr, "  port %p: refs %u active %d receiver %p srights %u sorights %u "
			"msgcount %u nsrequest %p pdrequest %p dnrequests %u destination %p\n",
			(void *) port, port->obj.refs, port->active, (void *) port->receiver,
			port->srights, port->sorights, port->msgcount, (void *) port->nsrequest,
			(void *) port->pdrequest, port->dnrequest_count, (void *) port->destination);
		list_for_each_safe(m, mt, &port->msgs) {
			struct ipc_kmsg *k = list_entry(m, struct ipc_kmsg, link);

			fprintf(stderr, "    kmsg id %d size %u bits %#x remote %p/%u local %p/%u\n",
				k->msg->msgh_id, k->size, k->msg->msgh_bits, (void *) k->remote,
				k->remote_type, (void *) k->local, k->local_type);
		}
	}
}

static void
check_baseline(void)
{
	const struct ipc_counts *c = &ipc_counts, *b = &baseline;

	if (c->ports != b->ports || c->psets != b->psets || c->entries != b->entries ||
	    c->kmsgs != b->kmsgs || c->kmsg_bytes != b->kmsg_bytes || c->ool_fds != b->ool_fds) {
		dump_ports();
		fail("leak: ports %llu (baseline %llu), psets %llu (%llu), entries %llu (%llu), "
		     "kmsgs %llu (%llu), kmsg_bytes %llu (%llu), ool_fds %llu (%llu)",
		     (unsigned long long) c->ports, (unsigned long long) b->ports,
		     (unsigned long long) c->psets, (unsigned long long) b->psets,
		     (unsigned long long) c->entries, (unsigned long long) b->entries,
		     (unsigned long long) c->kmsgs, (unsigned long long) b->kmsgs,
		     (unsigned long long) c->kmsg_bytes, (unsigned long long) b->kmsg_bytes,
		     (unsigned long long) c->ool_fds, (unsigned long long) b->ool_fds);
	}
	for (unsigned i = 0; i < made_count; i++)
		if (fcntl(made_fds[i], F_GETFD) >= 0)
			fail("leak: descriptor %d still open", made_fds[i]);
}

/* ---- The recipe ------------------------------------------------------ */

struct slot {
	uint8_t s, a;
	mach_port_name_t name;
	struct ipc_port *port;		/* the port the slot's right names */
	struct ipc_pset *pset;
};

static struct slot slots[NSLOTS];
static struct ipc_port *notify_port;	/* a receive right of the receiver's */

/* A fresh port whose receive right SPACE holds (at NAME, or any name). */
static struct ipc_port *
new_port(struct ipc_space *space, mach_port_name_t name)
{
	struct ipc_port *port = ipc_port_alloc();
	mach_port_name_t got;

	ipc_port_reference(port);	/* the receive right's */
	if (name != MACH_PORT_NULL) {
		if (ipc_right_copyout_name(space, &port->obj, MACH_MSG_TYPE_PORT_RECEIVE, name)
		    != KERN_SUCCESS) {
			port->receiver = NULL;
			ipc_port_destroy(port);
			return NULL;
		}
	} else if (ipc_right_copyout(space, &port->obj, MACH_MSG_TYPE_PORT_RECEIVE, &got)
		   != KERN_SUCCESS) {
		fail("receiver space full");
	}
	return port;
}

/* Give SPACE UREFS send rights (or one send-once right) to PORT under NAME. */
static void
give_right(struct ipc_space *space, struct ipc_port *port, bool sonce, unsigned urefs,
	   mach_port_name_t name)
{
	if (!port->active)
		return;
	if (sonce) {
		ipc_port_make_sonce(port);
		if (ipc_right_copyout_name(space, &port->obj, MACH_MSG_TYPE_PORT_SEND_ONCE, name)
		    != KERN_SUCCESS)
			ipc_port_release_sonce(port);
		return;
	}
	for (unsigned i = 0; i < urefs; i++) {
		ipc_port_make_send(port);
		if (ipc_right_copyout_name(space, &port->obj, MACH_MSG_TYPE_PORT_SEND, name)
		    != KERN_SUCCESS) {
			ipc_port_release_send(port);
			return;
		}
	}
}

static bool
slot_has_receive(const struct slot *sl)
{
	unsigned kind = sl->s & 7;

	return (kind == 1 || kind == 3) && sl->port;
}

static void
request_notification(struct slot *sl)
{
	unsigned req = (sl->a >> 3) & 3;
	struct ipc_port *port = sl->port, *target, *so;
	struct ipc_entry *e;

	if (req == 0 || !port || !port->active)
		return;
	target = notify_port;
	if (sl->a & 0x20)
		target = slots[sl->a & 7].port;
	if (!target || !target->active || (port->kotype != IKOT_NONE && req != 2))
		return;
	so = ipc_port_make_sonce(target);

	/* As S_mach_port_request_notification does it. */
	switch (req) {
	case 1:		/* no-senders, sync 0 */
		if (port->nsrequest)
			break;
		if (port->srights == 0) {
			ipc_notify_no_senders(so, port->mscount);
		} else {
			port->nsrequest = so;
			port->nssync = 0;
		}
		return;
	case 2:		/* dead-name, for the sender's name */
		e = ipc_entry_lookup(sender, sl->name);
		if (!e || e->dnrequest ||
		    !(e->type & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE |
				 MACH_PORT_TYPE_SEND_ONCE)))
			break;
		ipc_port_dnrequest_add((struct ipc_port *) e->object, sender, sl->name, so);
		e->dnrequest = true;
		return;
	case 3:		/* port-destroyed */
		if (port->pdrequest)
			break;
		port->pdrequest = so;
		return;
	}
	ipc_port_release_sonce(so);
}

static void
setup(struct reader *r)
{
	uint8_t g0, g1;

	for (unsigned i = 0; i < NSLOTS; i++) {
		slots[i] = (struct slot) { .s = get8(r) };
		slots[i].a = get8(r);
	}
	g0 = get8(r);
	g1 = get8(r);
	get8(r);
	get8(r);
	real_kobject_server = g0 & 1;
	for (unsigned i = 0; i < NSLOTS; i++)
		slots[i].name = 1 + i * ((mach_port_name_t) g1 + 1);

	notify_port = new_port(receiver, MACH_PORT_NULL);

	/* Receive rights and port sets first, so that the other rights can
	 * name their ports. */
	for (unsigned i = 0; i < NSLOTS; i++) {
		struct slot *sl = &slots[i];
		unsigned kind = sl->s & 7;

		if (kind == 1 || kind == 3) {
			sl->port = new_port(sender, sl->name);
			if (!sl->port)
				continue;
			if (sl->s & 0x80)
				sl->port->qlimit = 1;
			if (sl->a & 0x80) {
				sl->port->has_payload = true;
				sl->port->payload = sl->a;
			}
			if (kind == 3)
				give_right(sender, sl->port, false, 1 + ((sl->s >> 3) & 3), sl->name);
		} else if (kind == 5) {
			struct ipc_entry *e = ipc_entry_alloc_name(sender, sl->name);

			if (!e)
				continue;
			/* As fill_new_entry in mach_port.c. */
			sl->pset = ipc_pset_alloc();
			ipc_pset_reference(sl->pset);
			sl->pset->space = sender;
			sl->pset->name = sl->name;
			e->type = MACH_PORT_TYPE_PORT_SET;
			e->object = &sl->pset->obj;
		}
	}
	for (unsigned i = 0; i < NSLOTS; i++) {
		struct slot *sl = &slots[i];
		unsigned kind = sl->s & 7, urefs = 1 + ((sl->s >> 3) & 3);

		switch (kind) {
		case 2:
		case 4:
			if ((sl->s & 0x20) && slot_has_receive(&slots[sl->a & 7]))
				sl->port = slots[sl->a & 7].port;
			else
				sl->port = new_port(receiver, MACH_PORT_NULL);
			if (sl->a & 0x80) {
				sl->port->has_payload = true;
				sl->port->payload = sl->a;
			}
			give_right(sender, sl->port, kind == 4, urefs, sl->name);
			break;
		case 6: {
			struct ipc_entry *e = ipc_entry_alloc_name(sender, sl->name);

			if (e) {
				e->type = MACH_PORT_TYPE_DEAD_NAME;
				e->urefs = urefs;
			}
			break;
		}
		case 7:
			sl->port = host_port;
			give_right(sender, host_port, sl->s & 0x20, urefs, sl->name);
			break;
		}
	}
	/* Set membership, then notification requests. */
	for (unsigned i = 0; i < NSLOTS; i++) {
		if (!slot_has_receive(&slots[i]) || !(slots[i].s & 0x40))
			continue;
		for (unsigned j = 0; j < NSLOTS; j++) {
			if (slots[j].pset) {
				ipc_pset_add(slots[j].pset, slots[i].port);
				break;
			}
		}
	}
	for (unsigned i = 0; i < NSLOTS; i++)
		request_notification(&slots[i]);
	ipc_mqueue_run_pending();
}

/* ---- Records ----------------------------------------------------------- */

static int
make_fd(unsigned kind, uint16_t len)
{
	int fd, seals = 0;

	if (kind == 3) {
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	} else {
		fd = memfd_create("fuzz-ool", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (fd >= 0 && ftruncate(fd, len) < 0)
			fail("ftruncate: %s", strerror(errno));
		if (kind == 0)
			seals = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW;
		else if (kind == 2)
			seals = F_SEAL_WRITE | F_SEAL_SHRINK;
		if (fd >= 0 && seals && fcntl(fd, F_ADD_SEALS, seals) < 0)
			fail("F_ADD_SEALS: %s", strerror(errno));
	}
	if (fd < 0)
		fail("cannot make a descriptor: %s", strerror(errno));
	if (made_count < sizeof made_fds / sizeof made_fds[0])
		made_fds[made_count++] = fd;
	return fd;
}

static struct ipc_space *
pick_space(bool recv)
{
	return recv ? receiver : sender;
}

static void
copy_out(struct ipc_kmsg *kmsg, struct ipc_space *space, bool dest_only)
{
	static struct ipc_copyout out;

	if (dest_only) {
		ipc_kmsg_copyout_dest(kmsg, space, seqno++);
		ipc_kmsg_free(kmsg);
		return;
	}
	ipc_copyout_reset(&out);
	(void) ipc_kmsg_copyout(kmsg, space, seqno++, &out);
	for (uint32_t i = 0; i < out.nfds; i++)
		close(out.fds[i]);
	out.nfds = 0;
	ipc_kmsg_free(kmsg);
}

/* A message not sent goes back to its sender (thread_give_back). */
static void
give_back(struct ipc_kmsg *kmsg, struct ipc_space *space)
{
	static struct ipc_copyout out;

	ipc_copyout_reset(&out);
	(void) ipc_kmsg_copyout_pseudo(kmsg, space, &out);
	for (uint32_t i = 0; i < out.nfds; i++)
		close(out.fds[i]);
	out.nfds = 0;
	ipc_kmsg_free(kmsg);
}

/* What mqueue.c's dispatch and thread_deliver would do with a message to
 * PORT, at once. */
static void
deliver(struct ipc_kmsg *kmsg, bool dest_only)
{
	struct ipc_port *dest = kmsg->remote;

	if (!dest->active || (kmsg->msg->msgh_bits & MACH_MSGH_BITS_CIRCULAR)) {
		ipc_kmsg_destroy(kmsg);
	} else if (dest->receiver == sender || dest->receiver == receiver) {
		copy_out(kmsg, dest->receiver, dest_only);
	} else {
		/* The kernel's, or in transit: it queues (and kernel
		 * messages are served at run_pending). */
		ipc_mqueue_send_always(kmsg);
	}
}

static void
do_message(struct reader *r)
{
	uint8_t action = get8(r), nfds = get8(r) % (MAX_FDS + 1), kinds = get8(r);
	uint8_t ool_count = get8(r);
	uint16_t send_size = get16(r), blob_size = get16(r), fd_len[MAX_FDS];
	struct hell_ool_in *table;
	uint8_t *blob;
	int fds[MAX_FDS];
	const uint8_t *msg, *p;
	size_t got;
	struct ipc_ool_source src;
	struct ipc_space *space = pick_space(action & 8);
	struct ipc_kmsg *kmsg;
	mach_msg_return_t mr;
	uint64_t kmsgs, entries;

	for (unsigned i = 0; i < MAX_FDS; i++)
		fd_len[i] = get16(r);
	msg = getn(r, send_size, &got);
	/* send_phase's checks, the only caller's. */
	if (got < send_size || send_size < sizeof(mach_msg_header_t) || (send_size & 7))
		return;
	p = getn(r, (size_t) ool_count * sizeof *table, &got);
	ool_count = (uint8_t) (got / sizeof *table);
	/* Exact-size copies, so that ASan sees any read past them (never
	 * NULL, like the channel's payload they stand for). */
	table = malloc(ool_count * sizeof *table);
	memcpy(table, p, ool_count * sizeof *table);
	p = getn(r, blob_size, &got);
	blob_size = (uint16_t) got;
	blob = malloc(blob_size);
	memcpy(blob, p, blob_size);
	if (!table || !blob)
		fail("out of memory");
	for (unsigned i = 0; i < nfds; i++)
		fds[i] = make_fd((kinds >> (2 * i)) & 3, fd_len[i]);

	src = (struct ipc_ool_source) {
		.entries = table, .count = ool_count,
		.blob = blob, .blob_size = blob_size,
		.fds = fds, .nfds = nfds,
	};
	kmsg = ipc_kmsg_alloc(send_size);
	memcpy(kmsg->msg, msg, send_size);
	kmsgs = ipc_counts.kmsgs;
	entries = ipc_counts.entries;
	mr = ipc_kmsg_copyin(kmsg, space, &src);
	/* A header error takes nothing (kmsg.h): no right moved, none
	 * destroyed, so no name went away and no notification was sent. */
	if ((mr == MACH_SEND_INVALID_HEADER || mr == MACH_SEND_INVALID_DEST ||
	     mr == MACH_SEND_INVALID_REPLY) &&
	    (ipc_counts.kmsgs != kmsgs || ipc_counts.entries != entries))
		fail("copyin failed with %#x in the header but changed the space: "
		     "messages %llu -> %llu, names %llu -> %llu", mr,
		     (unsigned long long) kmsgs, (unsigned long long) ipc_counts.kmsgs,
		     (unsigned long long) entries, (unsigned long long) ipc_counts.entries);
	if (trace)
		fprintf(stderr, "message: send_size %u, %u table entries, blob %u, %u fds, "
			"action %#x: copyin %#x\n", send_size, ool_count, blob_size, nfds, action, mr);
	/* What copyin did not take, the channel closes. */
	for (unsigned i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(table);
	free(blob);
	if (mr != MACH_MSG_SUCCESS) {
		ipc_kmsg_free(kmsg);
		return;
	}
	if (!kmsg->remote || kmsg->remote == IPC_PORT_DEAD)
		fail("copyin succeeded without a destination");

	if (action & 0x10) {
		give_back(kmsg, space);
		return;
	}
	switch (action & 3) {
	case 0:
		ipc_kmsg_destroy(kmsg);
		break;
	case 1:
		copy_out(kmsg, receiver, action & 4);
		break;
	case 2:
		/* Never waits: on a full queue the send times out and the
		 * sender gets its message back, as mach_msg.c's send_phase
		 * does. */
		if (ipc_mqueue_send(kmsg, NULL, MACH_SEND_TIMEOUT, 0) == MACH_SEND_TIMED_OUT)
			give_back(kmsg, space);
		break;
	case 3:
		deliver(kmsg, action & 4);
		break;
	}
}

static mach_port_name_t
op_name(uint8_t b)
{
	if (b >= 1 && b <= NSLOTS)
		return slots[b - 1].name;
	return b;
}

static void
do_op(struct reader *r, uint8_t op)
{
	uint8_t nb = get8(r), right = get8(r);
	int8_t delta = (int8_t) get8(r);
	bool recv = op & 4;
	struct ipc_space *space = pick_space(recv);
	mach_port_name_t name = op_name(nb);

	if (trace)
		fprintf(stderr, "op %#x on %s name %#x right %u delta %d\n", op,
			recv ? "receiver" : "sender", name, right, delta);
	switch (op & 3) {
	case 0:
		(void) ipc_right_destroy(space, name);
		break;
	case 1:
		(void) ipc_right_dealloc(space, name);
		break;
	case 2:
		(void) ipc_right_delta(space, name, right, delta);
		break;
	case 3:
		/* The task ends: its space goes, a fresh one takes its
		 * place.  Slots no longer name anything there. */
		ipc_space_destroy(space);
		if (recv)
			receiver = ipc_space_create(NULL);
		else
			sender = ipc_space_create(NULL);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	uint8_t g0;

	init_once();
	in_input = true;
	made_count = 0;
	sender = ipc_space_create(NULL);
	receiver = ipc_space_create(NULL);

	g0 = size > 2 * NSLOTS ? data[2 * NSLOTS] : 0;
	setup(&r);
	check_all();

	for (unsigned n = 0; n < MAX_RECORDS && r.left > 0; n++) {
		uint8_t kind = r.p[0];

		if (kind & 0x80) {
			get8(&r);
			do_op(&r, kind);
		} else {
			do_message(&r);
		}
		/* Every event of machd's loop ends so. */
		ipc_mqueue_run_pending();
		check_all();
		if (trace) {
			fprintf(stderr, "after record %u: ports %llu kmsgs %llu entries %llu\n", n,
				(unsigned long long) ipc_counts.ports,
				(unsigned long long) ipc_counts.kmsgs,
				(unsigned long long) ipc_counts.entries);
			dump_ports();
		}
	}

	/* Teardown: the tasks end.  Rights destroyed send notifications,
	 * which are messages queued on ports: they die with the ports'
	 * receive rights, in this space or the other. */
	if (g0 & 2) {
		ipc_space_destroy(receiver);
		ipc_mqueue_run_pending();
		ipc_space_destroy(sender);
	} else {
		ipc_space_destroy(sender);
		ipc_mqueue_run_pending();
		ipc_space_destroy(receiver);
	}
	ipc_mqueue_run_pending();
	sender = receiver = NULL;
	check_baseline();
	in_input = false;
	return 0;
}

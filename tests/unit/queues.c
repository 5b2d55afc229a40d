/* Unit test of machd's message queues and port sets, in-process: messages
 * queued in order with their count, sets serving ready members in turn,
 * a port leaving a set taking its messages along, queued messages and the
 * rights they carry destroyed with their port, circular receive rights
 * refused, and every count back at zero. */
#include "ipc/ipc.h"
#include "ipc/kmsg.h"
#include "ipc/mqueue.h"
#include "ipc/port.h"
#include "ipc/pset.h"
#include "ipc/right.h"
#include "ipc/space.h"

#include <stdio.h>
#include <string.h>

static int failures;
#define EXPECT(c) do { if (!(c)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static void
no_kobjects(struct ipc_kmsg *kmsg)
{
	ipc_kmsg_destroy(kmsg);
}

static mach_port_name_t
new_receive(struct ipc_space *space)
{
	struct ipc_port *port = ipc_port_alloc();
	mach_port_name_t name;

	ipc_port_reference(port);
	ipc_right_copyout(space, &port->obj, MACH_MSG_TYPE_PORT_RECEIVE, &name);
	return name;
}

static struct ipc_port *
port_of(struct ipc_space *space, mach_port_name_t name)
{
	return (struct ipc_port *) ipc_entry_lookup(space, name)->object;
}

/* Send a plain message with id ID to NAME, made from its receive right;
 * optionally carrying CARRY's receive right.  Returns the copyin code. */
static mach_msg_return_t
send(struct ipc_space *space, mach_port_name_t name, mach_msg_id_t id, mach_port_name_t carry)
{
	struct {
		mach_msg_header_t h;
		mach_msg_type_t t;
		uint64_t slot;
	} m;
	static const struct ipc_ool_source none;
	struct ipc_kmsg *kmsg;
	mach_msg_return_t mr;

	memset(&m, 0, sizeof m);
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) |
			(carry ? MACH_MSGH_BITS_COMPLEX : 0);
	m.h.msgh_remote_port = name;
	m.h.msgh_id = id;
	m.t.msgt_name = carry ? MACH_MSG_TYPE_MOVE_RECEIVE : MACH_MSG_TYPE_INTEGER_64;
	m.t.msgt_size = 64;
	m.t.msgt_number = 1;
	m.t.msgt_inline = 1;
	m.slot = carry;
	kmsg = ipc_kmsg_alloc(sizeof m);
	memcpy(kmsg->msg, &m, sizeof m);
	mr = ipc_kmsg_copyin(kmsg, space, &none);
	if (mr != MACH_MSG_SUCCESS) {
		ipc_kmsg_free(kmsg);
		return mr;
	}
	ipc_mqueue_send_always(kmsg);
	return MACH_MSG_SUCCESS;
}

static mach_msg_id_t
first_id(struct ipc_port *port)
{
	return list_first_entry(&port->msgs, struct ipc_kmsg, link)->msg->msgh_id;
}

int
main(void)
{
	struct ipc_space *s;
	mach_port_name_t a, b, c, set_name;
	struct ipc_port *pa, *pb, *pc;
	struct ipc_pset *set;
	struct ipc_entry *e;

	ipc_kobject_server = no_kobjects;
	ipc_space_kernel = ipc_space_create(NULL);
	ipc_space_kernel->is_kernel = true;
	s = ipc_space_create(NULL);

	a = new_receive(s);
	b = new_receive(s);
	c = new_receive(s);
	pa = port_of(s, a);
	pb = port_of(s, b);
	pc = port_of(s, c);

	/* Queued in order, counted, beyond the queue limit for machd's own
	 * sends (send_always). */
	for (int i = 1; i <= 7; i++)
		EXPECT(send(s, a, 100 + i, 0) == MACH_MSG_SUCCESS);
	EXPECT(pa->msgcount == 7);
	EXPECT(first_id(pa) == 101);
	EXPECT(ipc_counts.kmsgs == 7);
	ipc_port_check(pa);

	/* A set: members with messages are served in turn. */
	set = ipc_pset_alloc();
	ipc_pset_reference(set);
	e = ipc_entry_alloc(s);
	e->type = MACH_PORT_TYPE_PORT_SET;
	e->object = &set->obj;
	set->space = s;
	set->name = set_name = e->name;
	EXPECT(send(s, b, 201, 0) == MACH_MSG_SUCCESS);
	ipc_pset_add(set, pa);
	ipc_pset_add(set, pb);
	ipc_pset_add(set, pc);		/* no messages: not ready */
	EXPECT(pa->in_ready && pb->in_ready && !pc->in_ready);
	EXPECT(ipc_pset_next_ready(set) == pa);
	EXPECT(ipc_pset_next_ready(set) == pb);
	EXPECT(ipc_pset_next_ready(set) == pa);
	ipc_port_check(pa);
	ipc_port_check(pc);

	/* Leaving the set, a port keeps its messages and is no longer ready. */
	ipc_pset_remove(set, pb);
	EXPECT(!pb->in_ready && pb->pset == NULL && pb->msgcount == 1);
	EXPECT(ipc_pset_next_ready(set) == pa);
	ipc_port_check(pb);

	/* A receive right may not travel in a message to itself. */
	EXPECT(send(s, c, 300, c) == MACH_MSG_SUCCESS);
	/* ... the message is destroyed at send (GNU Mach): the receive right
	 * it carried dies with it (the port is freed), c's entry is gone. */
	EXPECT(ipc_entry_lookup(s, c) == NULL);
	EXPECT(ipc_counts.ports == 2);

	/* b's receive right in a message queued on a: destroying a destroys
	 * the message, which destroys b and its queued message. */
	EXPECT(send(s, a, 400, b) == MACH_MSG_SUCCESS);
	EXPECT(pa->msgcount == 8);
	EXPECT(ipc_entry_lookup(s, b) == NULL);
	EXPECT(ipc_right_destroy(s, set_name) == KERN_SUCCESS);
	EXPECT(pa->pset == NULL && !pa->in_ready);
	EXPECT(ipc_right_destroy(s, a) == KERN_SUCCESS);
	ipc_mqueue_run_pending();

	EXPECT(ipc_counts.kmsgs == 0);
	EXPECT(ipc_counts.kmsg_bytes == 0);
	EXPECT(ipc_counts.psets == 0);
	ipc_space_destroy(s);
	EXPECT(ipc_counts.ports == 0);
	EXPECT(ipc_counts.entries == 0);
	if (failures)
		return 1;
	printf("queues: ok\n");
	return 0;
}

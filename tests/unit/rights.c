/* Unit test of machd's spaces and rights, in-process: allocation, name
 * coalescing, user references, moving rights through kernel form, dead
 * names, and object counts back at zero afterwards. */
#include "ipc/ipc.h"
#include "ipc/port.h"
#include "ipc/right.h"
#include "ipc/space.h"
#include "ipc/mqueue.h"

#include <stdio.h>

static int failures;
#define EXPECT(c) do { if (!(c)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

/* Notifications would need the kernel's server; none is requested here. */
static void
no_kobjects(struct ipc_kmsg *kmsg)
{
	(void) kmsg;
}

static mach_port_name_t
new_receive(struct ipc_space *space)
{
	struct ipc_port *port = ipc_port_alloc();
	mach_port_name_t name;

	ipc_port_reference(port);
	EXPECT(ipc_right_copyout(space, &port->obj, MACH_MSG_TYPE_PORT_RECEIVE, &name) == KERN_SUCCESS);
	return name;
}

int
main(void)
{
	struct ipc_space *a, *b;
	struct ipc_object *obj;
	struct ipc_entry *e;
	mach_port_name_t p, q, nb;

	ipc_kobject_server = no_kobjects;
	ipc_space_kernel = ipc_space_create(NULL);
	ipc_space_kernel->is_kernel = true;
	a = ipc_space_create(NULL);
	b = ipc_space_create(NULL);

	p = new_receive(a);
	e = ipc_entry_lookup(a, p);
	EXPECT(e && e->type == MACH_PORT_TYPE_RECEIVE);
	ipc_port_check((struct ipc_port *) e->object);

	/* MAKE_SEND twice into B: one name, two user references. */
	EXPECT(ipc_right_copyin(a, p, MACH_MSG_TYPE_MAKE_SEND, false, &obj) == KERN_SUCCESS);
	EXPECT(ipc_right_copyout(b, obj, MACH_MSG_TYPE_PORT_SEND, &nb) == KERN_SUCCESS);
	EXPECT(ipc_right_copyin(a, p, MACH_MSG_TYPE_MAKE_SEND, false, &obj) == KERN_SUCCESS);
	EXPECT(ipc_right_copyout(b, obj, MACH_MSG_TYPE_PORT_SEND, &q) == KERN_SUCCESS);
	EXPECT(q == nb);
	e = ipc_entry_lookup(b, nb);
	EXPECT(e && e->type == MACH_PORT_TYPE_SEND && e->urefs == 2);
	EXPECT(((struct ipc_port *) e->object)->srights == 1);
	EXPECT(((struct ipc_port *) e->object)->mscount == 2);

	/* A send right given back to the receiver's space coalesces with the
	 * receive right. */
	EXPECT(ipc_right_copyin(b, nb, MACH_MSG_TYPE_COPY_SEND, false, &obj) == KERN_SUCCESS);
	EXPECT(ipc_right_copyout(a, obj, MACH_MSG_TYPE_PORT_SEND, &q) == KERN_SUCCESS);
	EXPECT(q == p);
	e = ipc_entry_lookup(a, p);
	EXPECT(e->type == (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE));

	/* Wrong rights and bad values. */
	EXPECT(ipc_right_copyin(b, nb, MACH_MSG_TYPE_MOVE_RECEIVE, false, &obj) == KERN_INVALID_RIGHT);
	EXPECT(ipc_right_copyin(b, 12345, MACH_MSG_TYPE_COPY_SEND, false, &obj) == KERN_INVALID_NAME);
	EXPECT(ipc_right_delta(b, nb, MACH_PORT_RIGHT_SEND, -3) == KERN_INVALID_VALUE);
	EXPECT(ipc_right_delta(b, nb, MACH_PORT_RIGHT_RECEIVE, -1) == KERN_INVALID_RIGHT);
	EXPECT(ipc_right_delta(b, nb, MACH_PORT_RIGHT_SEND, 0x10000) == KERN_UREFS_OVERFLOW);

	/* Destroying the receive right makes B's send right a dead name with
	 * its user references. */
	EXPECT(ipc_right_destroy(a, p) == KERN_SUCCESS);
	EXPECT(ipc_entry_lookup(a, p) == NULL);
	e = ipc_entry_lookup(b, nb);
	EXPECT(e && e->type == MACH_PORT_TYPE_DEAD_NAME && e->urefs == 2 && e->object == NULL);
	EXPECT(ipc_right_dealloc(b, nb) == KERN_SUCCESS);
	EXPECT(ipc_right_dealloc(b, nb) == KERN_SUCCESS);
	EXPECT(ipc_entry_lookup(b, nb) == NULL);
	ipc_mqueue_run_pending();

	ipc_space_destroy(a);
	ipc_space_destroy(b);
	EXPECT(ipc_counts.ports == 0);
	EXPECT(ipc_counts.entries == 0);
	EXPECT(ipc_counts.kmsgs == 0);
	if (failures)
		return 1;
	printf("rights: ok\n");
	return 0;
}

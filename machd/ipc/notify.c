/* Notifications: messages machd itself sends to a send-once right that a task
 * registered (mach_port_request_notification) or that died unused.  Their
 * layout is GNU Mach's (<mach/notify.h>) with x86_64 sizes: a port name in a
 * 4-byte field after an 8-byte type, a receive right in an 8-byte slot.
 * They bypass queue limits, as GNU Mach's do, so a notification is never
 * lost to a full queue.
 */
#include "notify.h"
#include "kmsg.h"
#include "mqueue.h"
#include "port.h"

#include <mach/notify.h>
#include <string.h>

static struct ipc_kmsg *
notify_kmsg(struct ipc_port *notify, mach_msg_size_t size, mach_msg_id_t id)
{
	struct ipc_kmsg *kmsg = ipc_kmsg_alloc(size);

	kmsg->msg->msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, 0);
	kmsg->msg->msgh_size = size;
	kmsg->msg->msgh_id = id;
	kmsg->remote = notify;
	kmsg->remote_type = MACH_MSG_TYPE_PORT_SEND_ONCE;
	return kmsg;
}

static void
set_type(mach_msg_type_t *t, unsigned name, unsigned size)
{
	memset(t, 0, sizeof *t);
	t->msgt_name = name;
	t->msgt_size = size;
	t->msgt_number = 1;
	t->msgt_inline = 1;
}

static void
notify_name(struct ipc_port *notify, mach_port_name_t name, mach_msg_id_t id)
{
	struct ipc_kmsg *kmsg = notify_kmsg(notify, sizeof(mach_dead_name_notification_t), id);
	mach_dead_name_notification_t *n = (void *) kmsg->msg;

	set_type(&n->not_type, MACH_MSG_TYPE_PORT_NAME, 32);
	n->not_port = name;
	ipc_mqueue_send_always(kmsg);
}

void
ipc_notify_port_deleted(struct ipc_port *notify, mach_port_name_t name)
{
	notify_name(notify, name, MACH_NOTIFY_PORT_DELETED);
}

void
ipc_notify_dead_name(struct ipc_port *notify, mach_port_name_t name)
{
	notify_name(notify, name, MACH_NOTIFY_DEAD_NAME);
}

void
ipc_notify_no_senders(struct ipc_port *notify, mach_port_mscount_t mscount)
{
	struct ipc_kmsg *kmsg = notify_kmsg(notify, sizeof(mach_no_senders_notification_t),
					    MACH_NOTIFY_NO_SENDERS);
	mach_no_senders_notification_t *n = (void *) kmsg->msg;

	set_type(&n->not_type, MACH_MSG_TYPE_INTEGER_32, 32);
	n->not_count = mscount;
	ipc_mqueue_send_always(kmsg);
}

void
ipc_notify_port_destroyed(struct ipc_port *notify, struct ipc_port *port)
{
	struct ipc_kmsg *kmsg = notify_kmsg(notify, sizeof(mach_port_destroyed_notification_t),
					    MACH_NOTIFY_PORT_DESTROYED);
	mach_port_destroyed_notification_t *n = (void *) kmsg->msg;
	uint64_t *slot = (uint64_t *) &n->not_port;

	kmsg->msg->msgh_bits |= MACH_MSGH_BITS_COMPLEX;
	set_type(&n->not_type, MACH_MSG_TYPE_PORT_RECEIVE, 64);
	*slot = (uintptr_t) port;	/* kernel form: the right itself */
	port->destination = notify;
	ipc_mqueue_send_always(kmsg);
}

void
ipc_notify_send_once(struct ipc_port *notify)
{
	if (!notify->active) {
		ipc_port_release_sonce(notify);
		return;
	}
	ipc_mqueue_send_always(notify_kmsg(notify, sizeof(mach_send_once_notification_t),
					   MACH_NOTIFY_SEND_ONCE));
}

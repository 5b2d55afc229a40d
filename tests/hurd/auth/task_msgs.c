/* task_msgs: see task_msgs.h.  Both shapes are one typed item after the
 * header: an inline port (as testlib_send_right sends it) or an inline
 * array of 32-bit ints.  */
#include "task_msgs.h"

#include <string.h>

struct ints_msg {
	mach_msg_header_t head;
	mach_msg_type_t type;
	int v[TASK_MSGS_MAX_INTS];
};

mach_msg_return_t
task_msgs_send_ints(mach_port_t dest, mach_msg_id_t id, const int *v, unsigned n)
{
	struct ints_msg m;
	if (n > TASK_MSGS_MAX_INTS)
		return MACH_SEND_MSG_TOO_SMALL;
	memset(&m, 0, sizeof m);
	mach_msg_size_t size = (mach_msg_size_t) (sizeof m.head + sizeof m.type +
						   ((n * sizeof(int) + 7) & ~7u));
	m.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m.head.msgh_size = size;
	m.head.msgh_remote_port = dest;
	m.head.msgh_id = id;
	m.type = (mach_msg_type_t) { .msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32,
				     .msgt_number = n, .msgt_inline = 1 };
	memcpy(m.v, v, n * sizeof *v);
	return mach_msg(&m.head, MACH_SEND_MSG | MACH_SEND_TIMEOUT, size, 0, MACH_PORT_NULL,
			10000, MACH_PORT_NULL);
}

mach_msg_return_t
task_msgs_receive(mach_port_t port, mach_msg_timeout_t timeout, struct task_msg *msg)
{
	union {
		struct ints_msg ints;
		struct {
			mach_msg_header_t head;
			mach_msg_type_t type;
			mach_port_name_inlined_t port;
		} right;
		char buf[1024];
	} m;
	mach_msg_return_t mr;
	do
		mr = mach_msg(&m.ints.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof m, port,
			      timeout, MACH_PORT_NULL);
	while (mr == MACH_RCV_INTERRUPTED);
	if (mr != MACH_MSG_SUCCESS)
		return mr;

	memset(msg, 0, sizeof *msg);
	msg->id = m.ints.head.msgh_id;
	mach_msg_type_t *t = &m.ints.type;
	if (m.ints.head.msgh_size < sizeof m.ints.head + sizeof *t || !t->msgt_inline) {
		mach_msg_destroy(&m.ints.head);
		return MIG_TYPE_ERROR;
	}
	if (MACH_MSG_TYPE_PORT_ANY(t->msgt_name) && t->msgt_number == 1) {
		msg->right = m.right.port.name;
		msg->right_type = t->msgt_name;
	} else if (t->msgt_name == MACH_MSG_TYPE_INTEGER_32 && t->msgt_number <= TASK_MSGS_MAX_INTS) {
		msg->nints = t->msgt_number;
		memcpy(msg->ints, m.ints.v, msg->nints * sizeof(int));
	} else {
		mach_msg_destroy(&m.ints.head);
		return MIG_TYPE_ERROR;
	}
	/* The reply port, if the sender gave one, is not used.  */
	if (MACH_PORT_VALID(m.ints.head.msgh_remote_port))
		mach_port_deallocate(mach_task_self(), m.ints.head.msgh_remote_port);
	return MACH_MSG_SUCCESS;
}

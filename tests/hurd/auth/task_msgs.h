/* task_msgs: the small hand-made messages that a test and the tasks it
 * spawns exchange (hello, a right, a few ints), so that each task can be
 * given exactly the rights the test means it to have.  */
#ifndef HELL_TEST_TASK_MSGS_H
#define HELL_TEST_TASK_MSGS_H

#include <mach.h>

#define TASK_MSGS_MAX_INTS 64

/* Send the N (<= TASK_MSGS_MAX_INTS) ints at V to DEST as message ID.  */
mach_msg_return_t task_msgs_send_ints(mach_port_t dest, mach_msg_id_t id, const int *v,
				      unsigned n);

/* What task_msgs_receive got.  */
struct task_msg {
	mach_msg_id_t id;
	mach_port_t right;		/* a right it carried, or MACH_PORT_NULL */
	mach_msg_type_name_t right_type;
	int ints[TASK_MSGS_MAX_INTS];	/* the ints it carried */
	unsigned nints;
};

/* Receive one message on PORT within TIMEOUT ms (testlib_send_right's or
 * task_msgs_send_ints's).  A message of another shape is destroyed and
 * MIG_TYPE_ERROR returned.  */
mach_msg_return_t task_msgs_receive(mach_port_t port, mach_msg_timeout_t timeout,
				    struct task_msg *msg);

#endif

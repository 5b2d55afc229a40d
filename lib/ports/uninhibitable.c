/* The message ids no inhibition blocks, by default: interrupt_operation
 * (33000), so that a client can always interrupt an RPC that an
 * inhibition is waiting for.  In a file of its own so that a server may
 * define ports_default_uninhibitable_rpcs itself (the Hurd allows it). */
#include "ports_internal.h"

static struct ports_msg_id_range interrupt_operation_range = {
	.start = 33000, .end = 33001, .next = NULL,
};

struct ports_msg_id_range *ports_default_uninhibitable_rpcs = &interrupt_operation_range;

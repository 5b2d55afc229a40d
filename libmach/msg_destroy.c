/* mach_msg_destroy: drop every right and region a received message carries
 * (names and addresses in this task), as glibc's Hurd port does. */
#include "libmach.h"

#include <stdbool.h>
#include <string.h>

static void
destroy_right(mach_port_t name, mach_msg_type_name_t type)
{
	if (!MACH_PORT_VALID(name))
		return;
	if (type == MACH_MSG_TYPE_PORT_RECEIVE)
		mach_port_mod_refs(mach_task_self(), name, MACH_PORT_RIGHT_RECEIVE, -1);
	else if (type == MACH_MSG_TYPE_PORT_SEND || type == MACH_MSG_TYPE_PORT_SEND_ONCE)
		mach_port_deallocate(mach_task_self(), name);
}

void
mach_msg_destroy(mach_msg_header_t *msg)
{
	mach_msg_bits_t bits = msg->msgh_bits;
	const uint8_t *cur, *end;

	destroy_right(msg->msgh_remote_port, MACH_MSGH_BITS_REMOTE(bits));
	if (!(bits & MACH_MSGH_BITS_COMPLEX))
		return;
	cur = (const uint8_t *) (msg + 1);
	end = (const uint8_t *) msg + msg->msgh_size;
	while (cur + sizeof(mach_msg_type_t) <= end) {
		const mach_msg_type_t *t = (const mach_msg_type_t *) cur;
		uint64_t length = ((uint64_t) t->msgt_number * t->msgt_size + 7) >> 3;
		bool is_port = MACH_MSG_TYPE_PORT_ANY(t->msgt_name);

		cur += sizeof *t;
		if (t->msgt_inline) {
			if (is_port)
				for (uint32_t i = 0; i < t->msgt_number && cur + (i + 1) * 8 <= end; i++) {
					uint64_t slot;

					memcpy(&slot, cur + i * 8, sizeof slot);
					destroy_right((mach_port_t) slot, t->msgt_name);
				}
			cur += length;
		} else {
			vm_address_t addr;

			if (cur + sizeof addr > end)
				break;
			memcpy(&addr, cur, sizeof addr);
			cur += sizeof addr;
			if (is_port && addr)
				for (uint32_t i = 0; i < t->msgt_number; i++)
					destroy_right(((mach_port_t *) addr)[i], t->msgt_name);
			if (addr && length)
				vm_deallocate(mach_task_self(), addr, length);
		}
		cur = (const uint8_t *) (((uintptr_t) cur + 7) & ~(uintptr_t) 7);
	}
}

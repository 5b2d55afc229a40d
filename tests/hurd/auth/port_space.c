/* port_space: see port_space.h.  */
#include "port_space.h"

#include <unistd.h>

#include "testlib.h"

struct port_space
port_space_of(task_t task)
{
	struct port_space c = { 0, 0 };
	mach_port_name_array_t names;
	mach_port_type_array_t types;
	mach_msg_type_number_t nn, nt;
	if (mach_port_names(task, &names, &nn, &types, &nt) != KERN_SUCCESS)
		return (struct port_space) { ~0u, ~0u };
	for (mach_msg_type_number_t i = 0; i < nt; i++) {
		c.send_once += (types[i] & MACH_PORT_TYPE_SEND_ONCE) != 0;
		c.dead += (types[i] & MACH_PORT_TYPE_DEAD_NAME) != 0;
	}
	vm_deallocate(mach_task_self(), (vm_address_t) names, nn * sizeof *names);
	vm_deallocate(mach_task_self(), (vm_address_t) types, nt * sizeof *types);
	return c;
}

bool
port_space_back_to(task_t task, struct port_space base, bool at_most, const char *who)
{
	struct port_space now;
	for (int i = 0; i < 300; i++) {
		now = port_space_of(task);
		if (at_most ? now.send_once <= base.send_once && now.dead <= base.dead
			    : now.send_once == base.send_once && now.dead == base.dead)
			return true;
		usleep(10000);
	}
	testlib_fail(__FILE__, __LINE__, "%s's space: %u send-once rights and %u dead names, "
		     "%u and %u before", who, now.send_once, now.dead, base.send_once, base.dead);
	return false;
}

/* port_space: what a server task's port name space holds that a leak
 * would show: send-once rights (replies it still owes) and dead names
 * (rights it did not let go of).  The auth and proc tests count them
 * before and after a hostile or busy scene. */
#ifndef HELL_TEST_PORT_SPACE_H
#define HELL_TEST_PORT_SPACE_H

#include <mach.h>
#include <stdbool.h>

struct port_space {
	unsigned send_once, dead;
};

/* The counts in TASK's space; ~0u for both when mach_port_names fails.  */
struct port_space port_space_of(task_t task);

/* Whether TASK's counts come back within 3 s: to exactly BASE, or, with
 * AT_MOST, to no more than BASE.  When they do not, a test failure that
 * names the task as WHO ("auth") and gives both counts.  */
bool port_space_back_to(task_t task, struct port_space base, bool at_most, const char *who);

#endif

/* setnullauth: drop every id by switching to an empty auth handle. */
#include <hurd.h>
#include <hurd/auth.h>
#include <nullauth.h>

error_t
setnullauth(void)
{
	auth_t ours = getauth(), none;
	error_t err;

	/* A task with no auth handle (one outside an environment) already has
	 * no ids to prove: there is nothing to drop.  */
	if (!MACH_PORT_VALID(ours))
		return 0;
	/* No ids asked for: a subset of any handle's, so auth always agrees. */
	err = auth_makeauth(ours, NULL, MACH_MSG_TYPE_COPY_SEND, 0, NULL, 0, NULL, 0,
			    NULL, 0, NULL, 0, &none);
	mach_port_deallocate(mach_task_self(), ours);
	if (err)
		return err;
	if (setauth(none) < 0)
		err = errno;
	mach_port_deallocate(mach_task_self(), none);
	return err;
}

/* Transboxes: the record of a node's active translator.
 *
 * A transbox is in one of three states, all under the node's lock
 * (box->lock):
 *   idle      active == MACH_PORT_NULL, not STARTING: no translator runs;
 *   starting  TRANSBOX_STARTING: one thread (in fshelp_fetch_root) is
 *             starting the passive translator with the lock released;
 *             others wait on wakeup (after setting TRANSBOX_WANTED);
 *   active    active is a send right to the translator's control port.
 * An active port may have become a dead name (the translator died): the
 * box notices when it next uses the port and goes back to idle. */
#include <hurd/fshelp.h>

void
fshelp_transbox_init(struct transbox *transbox, pthread_mutex_t *lock, void *cookie)
{
	transbox->active = MACH_PORT_NULL;
	transbox->lock = lock;
	transbox->flags = 0;
	pthread_cond_init(&transbox->wakeup, NULL);
	transbox->cookie = cookie;
}

int
fshelp_translated(struct transbox *box)
{
	return box->active != MACH_PORT_NULL;
}

/* Whether NAME (a send right or dead name of ours) names a dead port. */
static int
port_is_dead(mach_port_t name)
{
	mach_port_type_t type;

	if (mach_port_type(mach_task_self(), name, &type) != KERN_SUCCESS)
		return 1;
	return (type & MACH_PORT_TYPE_DEAD_NAME) != 0;
}

error_t
fshelp_set_active(struct transbox *box, fsys_t newactive, int excl)
{
	if (excl) {
		if (box->flags & TRANSBOX_STARTING)
			return EBUSY;
		if (box->active != MACH_PORT_NULL && !port_is_dead(box->active))
			return EBUSY;
	}
	while (box->flags & TRANSBOX_STARTING) {
		box->flags |= TRANSBOX_WANTED;
		pthread_cond_wait(&box->wakeup, box->lock);
	}
	if (box->active != MACH_PORT_NULL)
		mach_port_deallocate(mach_task_self(), box->active);
	box->active = newactive;
	return 0;
}

error_t
fshelp_fetch_control(struct transbox *box, mach_port_t *control)
{
	kern_return_t kr;

	*control = box->active;
	if (box->active == MACH_PORT_NULL)
		return 0;
	kr = mach_port_mod_refs(mach_task_self(), box->active, MACH_PORT_RIGHT_SEND, 1);
	if (kr == KERN_SUCCESS)
		return 0;
	/* The translator died: its control port is a dead name now. */
	mach_port_deallocate(mach_task_self(), box->active);
	box->active = MACH_PORT_NULL;
	*control = MACH_PORT_NULL;
	return 0;
}

void
fshelp_drop_transbox(struct transbox *box)
{
	if (box->active != MACH_PORT_NULL)
		mach_port_deallocate(mach_task_self(), box->active);
	box->active = MACH_PORT_NULL;
	pthread_cond_destroy(&box->wakeup);
}

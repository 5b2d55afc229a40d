/* The list of active translators below this file system: for
 * fsys_get_children, fsys_syncfs and fsys_set_options with children, and
 * fsys_goaway with FSYS_GOAWAY_RECURSE.
 *
 * One entry per transbox that has had an active translator recorded, keyed
 * by the transbox's address.  An entry holds its own send right to the
 * control port, a path (best effort: a node may have several names, or
 * none any more) and a reference to the port that receives the dead-name
 * notification of the control port.  When the translator dies, the server's
 * dead-name handler (libnetfs' ports_dead_name) calls
 * fshelp_remove_active_translator, and the entry goes.  translators_lock
 * guards the table; it is never held while calling out of the library
 * except in fshelp_map_active_translators, whose callback must not come
 * back here. */
#include <argz.h>
#include <stddef.h>
#include <string.h>
#include <hurd/fshelp.h>
#include <hurd/ihash.h>
#include <hurd/ports.h>

struct active_translator {
	hurd_ihash_locp_t locp;		/* our slot in translators */
	struct port_info *notify;	/* receives the dead-name notification; referenced */
	char *name;			/* path from the root of this file system */
	mach_port_t control;		/* send right */
};

static void
active_translator_free(void *value, void *arg)
{
	struct active_translator *t = value;

	(void) arg;
	if (t->notify != NULL)
		ports_port_deref(t->notify);
	if (t->control != MACH_PORT_NULL)
		mach_port_deallocate(mach_task_self(), t->control);
	free(t->name);
	free(t);
}

static struct hurd_ihash translators =
	HURD_IHASH_INITIALIZER_GKI(offsetof(struct active_translator, locp),
				   active_translator_free, NULL, NULL, NULL);
static pthread_mutex_t translators_lock = PTHREAD_MUTEX_INITIALIZER;

/* Make T follow CONTROL (the transbox's current active port): ask for its
 * dead-name notification on PI and hold a send right.  translators_lock
 * held. */
static error_t
active_translator_track(struct active_translator *t, struct port_info *pi, mach_port_t control)
{
	mach_port_t previous;
	kern_return_t kr;

	kr = mach_port_request_notification(mach_task_self(), control, MACH_NOTIFY_DEAD_NAME, 0,
					    pi->port_right, MACH_MSG_TYPE_MAKE_SEND_ONCE,
					    &previous);
	if (kr != KERN_SUCCESS)
		return kr == KERN_INVALID_RIGHT ? EDIED : kr;
	if (MACH_PORT_VALID(previous))
		mach_port_deallocate(mach_task_self(), previous);
	kr = mach_port_mod_refs(mach_task_self(), control, MACH_PORT_RIGHT_SEND, 1);
	if (kr != KERN_SUCCESS)
		return EDIED;
	ports_port_ref(pi);
	if (t->notify != NULL)
		ports_port_deref(t->notify);
	t->notify = pi;
	if (t->control != MACH_PORT_NULL)
		mach_port_deallocate(mach_task_self(), t->control);
	t->control = control;
	return 0;
}

error_t
fshelp_set_active_translator(struct port_info *pi, const char *name,
			     const struct transbox *transbox)
{
	hurd_ihash_key_t key = (hurd_ihash_key_t) transbox;
	struct active_translator *t;
	hurd_ihash_locp_t slot;
	error_t err = 0;

	pthread_mutex_lock(&translators_lock);
	t = hurd_ihash_locp_find(&translators, key, &slot);
	if (!MACH_PORT_VALID(transbox->active)) {
		/* No translator any more: forget the entry. */
		if (t != NULL)
			hurd_ihash_locp_remove(&translators, t->locp);
		goto out;
	}
	if (t == NULL) {
		t = calloc(1, sizeof *t);
		if (t == NULL || (t->name = strdup(name)) == NULL) {
			free(t);
			err = ENOMEM;
			goto out;
		}
		err = hurd_ihash_locp_add(&translators, slot, key, t);
		if (err) {
			free(t->name);
			free(t);
			goto out;
		}
	} else if (strcmp(t->name, name) != 0) {
		char *copy = strdup(name);

		if (copy == NULL) {
			err = ENOMEM;
			goto out;
		}
		free(t->name);
		t->name = copy;
	}
	if (t->control != transbox->active) {
		err = active_translator_track(t, pi, transbox->active);
		if (err && t->control == MACH_PORT_NULL)
			hurd_ihash_locp_remove(&translators, t->locp);
	}
out:
	pthread_mutex_unlock(&translators_lock);
	return err;
}

error_t
fshelp_remove_active_translator(mach_port_t active)
{
	pthread_mutex_lock(&translators_lock);
	HURD_IHASH_ITERATE(&translators, value) {
		struct active_translator *t = value;

		if (t->control == active) {
			hurd_ihash_locp_remove(&translators, t->locp);
			break;
		}
	}
	pthread_mutex_unlock(&translators_lock);
	return 0;
}

error_t
fshelp_get_active_translators(char **names, size_t *names_len,
			      mach_port_t **controls, size_t *controls_count)
{
	error_t err = 0;
	size_t n = 0;

	pthread_mutex_lock(&translators_lock);
	*controls = calloc(translators.nr_items + 1, sizeof **controls);
	if (*controls == NULL) {
		pthread_mutex_unlock(&translators_lock);
		return ENOMEM;
	}
	HURD_IHASH_ITERATE(&translators, value) {
		struct active_translator *t = value;

		if (mach_port_mod_refs(mach_task_self(), t->control, MACH_PORT_RIGHT_SEND, 1) !=
		    KERN_SUCCESS)
			continue;	/* died; its notification is on the way */
		err = argz_add(names, names_len, t->name);
		if (err) {
			mach_port_deallocate(mach_task_self(), t->control);
			break;
		}
		(*controls)[n++] = t->control;
	}
	pthread_mutex_unlock(&translators_lock);
	*controls_count = n;
	return err;
}

error_t
fshelp_map_active_translators(error_t (*fun)(void *cookie, const char *name, mach_port_t control),
			      void *cookie)
{
	error_t err = 0;

	pthread_mutex_lock(&translators_lock);
	HURD_IHASH_ITERATE(&translators, value) {
		struct active_translator *t = value;

		err = fun(cookie, t->name, t->control);
		if (err)
			break;
	}
	pthread_mutex_unlock(&translators_lock);
	return err;
}

/* The auth port: setauth (and the reauthentication of every port libhurd
 * keeps), geteuids, seteuids.
 *
 * Reauthentication is the Hurd's rendezvous: the client makes a fresh
 * port REF, gives a send right to it to the server (io_reauthenticate,
 * proc_reauthenticate) and to the auth server (auth_user_authenticate);
 * the server meets it there with auth_server_authenticate and learns the
 * client's ids, and auth_user_authenticate returns the server's new port
 * for the client.  REF is destroyed afterwards.
 *
 * Locking: reauth_lock keeps two setauths from interleaving; it is held
 * across the RPCs.  */

#include <hurd.h>
#include <stdlib.h>
#include <string.h>

#include "hurd_private.h"

static pthread_mutex_t reauth_lock = PTHREAD_MUTEX_INITIALIZER;

/* Reauthenticate the io port PORT with NEW_AUTH; the new port, or
 * MACH_PORT_NULL if either side refused.  */
static mach_port_t
reauth_io(io_t port, auth_t new_auth)
{
	mach_port_t ref = mach_reply_port();
	mach_port_t newport = MACH_PORT_NULL;

	if (!MACH_PORT_VALID(port) || !MACH_PORT_VALID(ref) ||
	    io_reauthenticate(port, ref, MACH_MSG_TYPE_MAKE_SEND) != 0 ||
	    auth_user_authenticate(new_auth, ref, MACH_MSG_TYPE_MAKE_SEND, &newport) != 0)
		newport = MACH_PORT_NULL;
	if (MACH_PORT_VALID(ref))
		mach_port_destroy(mach_task_self(), ref);
	return newport;
}

/* Replace the port in CELL by what REAUTH makes of it with NEW_AUTH
 * (reauth_io for a directory, _hurd_proc_reauth for the proc port); the
 * old port stays when REAUTH gives none.  */
static void
reauth_cell(struct hurd_port *cell, auth_t new_auth,
	    mach_port_t (*reauth)(mach_port_t port, auth_t new_auth))
{
	struct hurd_userlink link;
	mach_port_t old = _hurd_port_get(cell, &link);
	mach_port_t newport = reauth(old, new_auth);

	_hurd_port_free(cell, &link, old);
	if (MACH_PORT_VALID(newport))
		_hurd_port_set(cell, newport);
}

mach_port_t
_hurd_proc_reauth(process_t proc, auth_t auth)
{
	mach_port_t ref, newport = MACH_PORT_NULL;

	if (!MACH_PORT_VALID(proc) || !MACH_PORT_VALID(auth))
		return MACH_PORT_NULL;
	ref = mach_reply_port();
	if (!MACH_PORT_VALID(ref))
		return MACH_PORT_NULL;
	if (proc_reauthenticate(proc, ref, MACH_MSG_TYPE_MAKE_SEND) != 0 ||
	    auth_user_authenticate(auth, ref, MACH_MSG_TYPE_MAKE_SEND, &newport) != 0)
		newport = MACH_PORT_NULL;
	mach_port_destroy(mach_task_self(), ref);
	/* Today's protocol: the new port speaks for the process once proc
	 * hears from it; until then proc keeps the old ids.  */
	if (MACH_PORT_VALID(newport) && proc_reauthenticate_complete(newport) != 0) {
		mach_port_deallocate(mach_task_self(), newport);
		newport = MACH_PORT_NULL;
	}
	return newport;
}

error_t
_hurd_setauth_consume(auth_t new_auth)
{
	pthread_mutex_lock(&reauth_lock);
	_hurd_port_set(&_hurd_ports[INIT_PORT_AUTH], new_auth);
	if (MACH_PORT_VALID(new_auth)) {
		/* Tell proc who we are now: the process's proc port becomes
		 * the one the rendezvous gave.  */
		reauth_cell(&_hurd_ports[INIT_PORT_PROC], new_auth, _hurd_proc_reauth);
		for (mach_msg_type_number_t d = 0; d < _hurd_init_dtablesize; d++) {
			mach_port_t newport = reauth_io(_hurd_init_dtable[d], new_auth);

			if (MACH_PORT_VALID(newport)) {
				mach_port_deallocate(mach_task_self(), _hurd_init_dtable[d]);
				_hurd_init_dtable[d] = newport;
			}
		}
		reauth_cell(&_hurd_ports[INIT_PORT_CRDIR], new_auth, reauth_io);
		reauth_cell(&_hurd_ports[INIT_PORT_CWDIR], new_auth, reauth_io);
	}
	pthread_mutex_unlock(&reauth_lock);
	return 0;
}

int
__setauth(auth_t new_auth)
{
	error_t err = 0;

	if (MACH_PORT_VALID(new_auth))
		err = mach_port_mod_refs(mach_task_self(), new_auth, MACH_PORT_RIGHT_SEND, 1);
	if (!err)
		err = _hurd_setauth_consume(new_auth);
	return __hurd_fail(err);
}

int
setauth(auth_t new_auth)
{
	return __setauth(new_auth);
}

/* The four id vectors of the current auth port (*_buf are the caller's
 * buffers of 32 entries; a larger answer is vm_allocate'd).  */
struct idsets {
	uid_t euid_buf[32], auid_buf[32];
	gid_t egid_buf[32], agid_buf[32];
	idarray_t euids, auids, egids, agids;
	mach_msg_type_number_t neuids, nauids, negids, nagids;
};

static error_t
idsets_get(struct idsets *ids)
{
	auth_t auth = getauth();
	error_t err;

	ids->euids = ids->euid_buf;
	ids->auids = ids->auid_buf;
	ids->egids = ids->egid_buf;
	ids->agids = ids->agid_buf;
	ids->neuids = ids->nauids = ids->negids = ids->nagids = 32;
	if (auth == MACH_PORT_NULL)
		return errno;
	err = auth_getids(auth, &ids->euids, &ids->neuids, &ids->auids, &ids->nauids,
			  &ids->egids, &ids->negids, &ids->agids, &ids->nagids);
	mach_port_deallocate(mach_task_self(), auth);
	if (err)
		ids->neuids = ids->nauids = ids->negids = ids->nagids = 0;
	return err;
}

static void
idsets_free(struct idsets *ids)
{
	if (ids->euids != ids->euid_buf)
		vm_deallocate(mach_task_self(), (vm_address_t) ids->euids, ids->neuids * sizeof(uid_t));
	if (ids->auids != ids->auid_buf)
		vm_deallocate(mach_task_self(), (vm_address_t) ids->auids, ids->nauids * sizeof(uid_t));
	if (ids->egids != ids->egid_buf)
		vm_deallocate(mach_task_self(), (vm_address_t) ids->egids, ids->negids * sizeof(gid_t));
	if (ids->agids != ids->agid_buf)
		vm_deallocate(mach_task_self(), (vm_address_t) ids->agids, ids->nagids * sizeof(gid_t));
}

int
geteuids(int n, uid_t *uidset)
{
	struct idsets ids;
	error_t err = idsets_get(&ids);
	int count;

	if (err)
		return __hurd_fail(err);
	count = (int) ids.neuids;
	if (n < 0 || (n > 0 && n < count)) {
		idsets_free(&ids);
		return __hurd_fail(EINVAL);
	}
	if (n > 0)
		memcpy(uidset, ids.euids, (size_t) count * sizeof *uidset);
	idsets_free(&ids);
	return count;
}

int
seteuids(int n, const uid_t *uidset)
{
	struct idsets ids;
	auth_t auth, newauth = MACH_PORT_NULL;
	error_t err;

	if (n < 0)
		return __hurd_fail(EINVAL);
	err = idsets_get(&ids);
	if (err)
		return __hurd_fail(err);
	auth = getauth();
	if (auth == MACH_PORT_NULL) {
		idsets_free(&ids);
		return -1;
	}
	err = auth_makeauth(auth, NULL, MACH_MSG_TYPE_COPY_SEND, 0,
			    uidset, (mach_msg_type_number_t) n, ids.auids, ids.nauids,
			    ids.egids, ids.negids, ids.agids, ids.nagids, &newauth);
	mach_port_deallocate(mach_task_self(), auth);
	idsets_free(&ids);
	if (!err)
		err = _hurd_setauth_consume(newauth);
	return __hurd_fail(err);
}

/* The standard ports and ints (exec_setexecdata) that EXEC_DEFAULTS
 * fills in, and exec_init.
 *
 * std_ports holds a send right for each of its valid names; std_lock
 * guards std_ports, std_nports, std_ints and std_nints (readers fill
 * an exec's arrays, exec_setexecdata replaces them). */
#include "exec.h"

#include <hurd.h>
#include <hurd/port.h>
#include <stdlib.h>
#include <string.h>

#include "exec_S.h"

static pthread_rwlock_t std_lock = PTHREAD_RWLOCK_INITIALIZER;
static mach_port_t *std_ports;
static mach_msg_type_number_t std_nports;
static int *std_ints;
static mach_msg_type_number_t std_nints;

/* Who may set exec's defaults and boot data: a privileged user of
 * /servers/exec (or one of exec's own opens without a node). */
static int
privileged(struct trivfs_protid *cred)
{
	return cred && (cred->isroot || cred->realnode == MACH_PORT_NULL);
}

kern_return_t
S_exec_setexecdata(struct trivfs_protid *cred, const_portarray_t ports,
		   mach_msg_type_number_t nports, const_intarray_t ints,
		   mach_msg_type_number_t nints)
{
	mach_port_t *new_ports, *old_ports;
	int *new_ints, *old_ints;
	mach_msg_type_number_t old_nports, i;

	if (!cred)
		return EOPNOTSUPP;
	if (!privileged(cred))
		return EPERM;
	if (nports < INIT_PORT_MAX || nints < INIT_INT_MAX ||
	    nports > EXEC_MAX_ARRAY || nints > EXEC_MAX_ARRAY)
		return EINVAL;
	new_ports = malloc(nports * sizeof *new_ports);
	new_ints = malloc(nints * sizeof *new_ints);
	if (!new_ports || !new_ints) {
		free(new_ports);
		free(new_ints);
		return ENOMEM;
	}
	/* The request's rights become ours. */
	memcpy(new_ports, ports, nports * sizeof *new_ports);
	memcpy(new_ints, ints, nints * sizeof *new_ints);

	pthread_rwlock_wrlock(&std_lock);
	old_ports = std_ports;
	old_nports = std_nports;
	old_ints = std_ints;
	std_ports = new_ports;
	std_nports = nports;
	std_ints = new_ints;
	std_nints = nints;
	pthread_rwlock_unlock(&std_lock);

	for (i = 0; i < old_nports; i++)
		if (MACH_PORT_VALID(old_ports[i]))
			mach_port_deallocate(mach_task_self(), old_ports[i]);
	free(old_ports);
	free(old_ints);
	return 0;
}

error_t
execdata_fill(const mach_port_t *ports, mach_msg_type_number_t nports,
	      const int *ints, mach_msg_type_number_t nints,
	      struct execdata_filled *filled)
{
	mach_msg_type_number_t i, np, ni;

	memset(filled, 0, sizeof *filled);
	pthread_rwlock_rdlock(&std_lock);
	np = nports > std_nports ? nports : std_nports;
	ni = nints > std_nints ? nints : std_nints;
	filled->ports = calloc(np ? np : 1, sizeof *filled->ports);
	filled->added = calloc(np ? np : 1, 1);
	filled->ints = calloc(ni ? ni : 1, sizeof *filled->ints);
	if (!filled->ports || !filled->added || !filled->ints) {
		pthread_rwlock_unlock(&std_lock);
		execdata_release(filled, 0);
		return ENOMEM;
	}
	for (i = 0; i < np; i++) {
		if (i < nports && ports[i] != MACH_PORT_NULL) {
			filled->ports[i] = ports[i];
		} else if (i < std_nports && MACH_PORT_VALID(std_ports[i]) &&
			   !mach_port_mod_refs(mach_task_self(), std_ports[i],
					       MACH_PORT_RIGHT_SEND, 1)) {
			filled->ports[i] = std_ports[i];
			filled->added[i] = 1;
		}
	}
	for (i = 0; i < ni; i++)
		filled->ints[i] = i < nints ? ints[i] : std_ints[i];
	pthread_rwlock_unlock(&std_lock);
	filled->nports = np;
	filled->nints = ni;
	return 0;
}

void
execdata_release(struct execdata_filled *filled, int keep_rights)
{
	mach_msg_type_number_t i;

	if (!keep_rights && filled->ports && filled->added)
		for (i = 0; i < filled->nports; i++)
			if (filled->added[i])
				mach_port_deallocate(mach_task_self(), filled->ports[i]);
	free(filled->ports);
	free(filled->added);
	free(filled->ints);
	memset(filled, 0, sizeof *filled);
}

/* Sent once at boot by startup: the auth and proc ports exec itself is to
 * use (libhurd's cells, as on the Hurd). */
kern_return_t
S_exec_init(struct trivfs_protid *cred, auth_t auth, mach_port_t proc)
{
	if (!cred)
		return EOPNOTSUPP;
	if (!privileged(cred))
		return EPERM;
	_hurd_port_set(&_hurd_ports[INIT_PORT_AUTH], auth);
	_hurd_port_set(&_hurd_ports[INIT_PORT_PROC], proc);
	return 0;
}

/* auth's start-up and its message loop.
 *
 * Start-up (docs/hurd.md): auth is started by startup with a send right
 * to startup's port as its bootstrap port.  It makes its first handle,
 * which carries the ids of the Linux user it runs as, and gives it to
 * startup with startup_authinit; the answer is the proc server's port.
 * Then it serves its handles until it is killed.  Without a bootstrap
 * port there is nobody to give the first handle to, so auth refuses to
 * run.  */
#include "auth.h"

#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <hurd/startup.h>

#include "auth_S.h"
#include "interrupt_S.h"
#include "notify_S.h"

static const char usage[] =
	"Usage: auth [OPTION]...\n"
	"The Hurd's authentication server, on HELL.\n"
	"\n"
	"auth is started by startup (`hell up') with startup's port as its\n"
	"bootstrap port.  It makes the first auth handle, with the ids of the\n"
	"Linux user it runs as (effective uid; real and saved uids as available\n"
	"uids; effective gid and supplementary groups; real and saved gids as\n"
	"available gids), gives it to startup with startup_authinit, and then\n"
	"serves auth handles.  Run without a bootstrap port it exits with status 2:\n"
	"there is no standalone mode.\n"
	"\n"
	"  -v, --verbose   log rendezvous that end without a partner to stderr\n"
	"  -h, --help      print this help and exit\n"
	"  -V, --version   print the version and exit\n";

/* The first handle: the ids of the Linux user we run as.  Available uids
 * are "real, saved" as glibc's Hurd setuid expects (the Hurd's own first
 * handle is root's [0, 0]); the effective gids are the effective gid
 * followed by the supplementary groups.  */
static error_t
make_first_handle(struct authhandle **result)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0)
		return errno;

	int ngroups = getgroups(0, NULL);
	if (ngroups < 0)
		return errno;
	gid_t *groups = calloc((size_t) ngroups + 1, sizeof *groups);
	if (!groups)
		return ENOMEM;
	groups[0] = egid;
	ngroups = getgroups(ngroups, groups + 1);
	if (ngroups < 0) {
		error_t err = errno;
		free(groups);
		return err;
	}
	/* Keep each gid once, the effective one first.  */
	mach_msg_type_number_t negids = 1;
	for (int i = 1; i <= ngroups; i++) {
		bool seen = false;
		for (mach_msg_type_number_t j = 0; j < negids; j++)
			seen |= groups[j] == groups[i];
		if (!seen)
			groups[negids++] = groups[i];
	}

	uid_t euids[] = { euid };
	uid_t auids[] = { ruid, suid };
	uid_t agids[] = { rgid, sgid };
	const uid_t *const ids[AUTH_NIDVECS] = { euids, auids, groups, agids };
	const mach_msg_type_number_t counts[AUTH_NIDVECS] = { 1, 2, negids, 2 };
	error_t err = auth_handle_create(ids, counts, false, result);
	free(groups);
	return err;
}

/* libports' dead-name notifications (its definition is weak): ours are
 * about rendezvous ports and the reply ports of waiting sides.  What
 * libports itself asked for still goes to ports_dead_name.  The
 * notification brings a user reference to the dead name, dropped here.  */
kern_return_t
ports_do_mach_notify_dead_name(struct port_info *pi, mach_port_t dead_name)
{
	if (!pi)
		return EOPNOTSUPP;
	/* Notifications come from the kernel to the bucket's notify port,
	 * whose send rights nobody else has.  */
	if (pi != (struct port_info *) auth_bucket->notify_port)
		return EOPNOTSUPP;
	auth_rendezvous_dead_name(dead_name);
	ports_dead_name(pi, dead_name);
	mach_port_deallocate(mach_task_self(), dead_name);
	return 0;
}

__thread mach_port_seqno_t auth_request_seqno;

/* The message id of interrupt_operation (<hurd/interrupt.defs>).  */
#define INTERRUPT_OPERATION_ID 33000

static int
auth_demuxer(mach_msg_header_t *in, mach_msg_header_t *out)
{
	/* libports' manager hands every message for one of our ports with
	 * the port as protected payload.  An interrupted call that waits in
	 * a rendezvous is no RPC in progress for libports: end it here, then
	 * let libports answer interrupt_operation.  */
	if (in->msgh_id == INTERRUPT_OPERATION_ID &&
	    MACH_MSGH_BITS_LOCAL(in->msgh_bits) == MACH_MSG_TYPE_PROTECTED_PAYLOAD) {
		struct authhandle *h = auth_begin_using_handle_payload(in->msgh_protected_payload);
		if (h) {
			auth_rendezvous_interrupt(h, in->msgh_seqno);
			auth_end_using_handle(h);
		}
	}
	mig_routine_t routine = auth_server_routine(in);
	if (!routine)
		routine = ports_interrupt_server_routine(in);
	if (!routine)
		routine = ports_notify_server_routine(in);
	if (!routine)
		return 0;
	auth_request_seqno = in->msgh_seqno;
	(*routine)(in, out);
	return 1;
}

int
main(int argc, char **argv)
{
	boot_server_parse_args("auth", usage, argc, argv);
	mach_port_t boot = boot_server_bootstrap_port("which it gives its first handle "
						      "with startup_authinit");

	auth_bucket = ports_create_bucket();
	authhandle_class = ports_create_class(NULL, NULL);
	if (!auth_bucket || !authhandle_class) {
		perror("auth: libports");
		return 1;
	}

	struct authhandle *first;
	error_t err = make_first_handle(&first);
	if (err) {
		fprintf(stderr, "auth: cannot make the first handle: %s\n", strerror(err));
		return 1;
	}
	mach_port_t proc = MACH_PORT_NULL;
	err = startup_authinit(boot, ports_get_right(first), MACH_MSG_TYPE_MAKE_SEND, &proc);
	/* The send right we made keeps the handle now.  */
	ports_port_deref(first);
	if (err) {
		fprintf(stderr, "auth: startup_authinit: %s\n", boot_server_error_string(err));
		return 2;
	}
	mach_port_deallocate(mach_task_self(), boot);
	/* auth makes no call on proc yet; the right lives as long as auth.  */
	(void) proc;
	boot_server_log("serving, the first handle has uid %u", (unsigned) geteuid());

	for (;;)
		ports_manage_port_operations_multithread(auth_bucket, auth_demuxer,
							 30 * 1000, 0, NULL);
}

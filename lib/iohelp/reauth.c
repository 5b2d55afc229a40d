/* io_reauthenticate, the server's side: the auth server matches the
 * user's rendezvous port against ours and tells us the user's ids; we give
 * the user its new port through the auth server. */
#include <hurd/iohelp.h>

#include <hurd/auth.h>

#define INLINE_IDS 32

static void
drop_array(uid_t *ids, mach_msg_type_number_t n, const uid_t *buf)
{
	if (ids != buf && n)
		vm_deallocate(mach_task_self(), (vm_address_t) ids, n * sizeof *ids);
}

error_t
iohelp_reauth(struct iouser **user, auth_t authserver, mach_port_t rend_port,
	      mach_port_t newright, int permit_failure)
{
	uid_t eu_buf[INLINE_IDS], au_buf[INLINE_IDS], eg_buf[INLINE_IDS], ag_buf[INLINE_IDS];
	uid_t *eu = eu_buf, *au = au_buf, *eg = eg_buf, *ag = ag_buf;
	mach_msg_type_number_t neu, nau, neg, nag;
	error_t err;

	*user = NULL;
	do {
		neu = nau = neg = nag = INLINE_IDS;
		eu = eu_buf;
		au = au_buf;
		eg = eg_buf;
		ag = ag_buf;
		err = auth_server_authenticate(authserver,
					       rend_port, MACH_MSG_TYPE_COPY_SEND,
					       newright, MACH_MSG_TYPE_COPY_SEND,
					       &eu, &neu, &au, &nau, &eg, &neg, &ag, &nag);
	} while (err == EINTR);

	if (err) {
		if (!permit_failure)
			return err;
		/* Failure allowed: the user becomes nobody. */
		return iohelp_create_empty_iouser(user);
	}
	err = iohelp_create_complex_iouser(user, eu, (int) neu, (const gid_t *) eg, (int) neg);
	drop_array(eu, neu, eu_buf);
	drop_array(au, nau, au_buf);
	drop_array(eg, neg, eg_buf);
	drop_array(ag, nag, ag_buf);
	return err;
}

/* idvec_merge_auth: the ids an auth port stands for, from the auth server. */
#include <idvec.h>

#include <mach.h>
#include <hurd/auth.h>

/* Give back an array MIG put out of line (not the caller's buffer). */
static void
drop_array(uid_t *ids, mach_msg_type_number_t n, const uid_t *buf)
{
	if (ids != buf && n)
		vm_deallocate(mach_task_self(), (vm_address_t) ids, n * sizeof *ids);
}

error_t
idvec_merge_auth(struct idvec *eff_uids, struct idvec *avail_uids,
		 struct idvec *eff_gids, struct idvec *avail_gids, auth_t auth)
{
	uid_t eu_buf[16], au_buf[16], eg_buf[16], ag_buf[16];
	uid_t *eu = eu_buf, *au = au_buf, *eg = eg_buf, *ag = ag_buf;
	mach_msg_type_number_t neu = 16, nau = 16, neg = 16, nag = 16;
	error_t err;

	err = auth_getids(auth, &eu, &neu, &au, &nau, &eg, &neg, &ag, &nag);
	if (err)
		return err;
	/* Room first, so that the merges below cannot half-fail. */
	if (eff_uids)
		err = idvec_grow(eff_uids, neu);
	if (!err && avail_uids)
		err = idvec_grow(avail_uids, nau);
	if (!err && eff_gids)
		err = idvec_grow(eff_gids, neg);
	if (!err && avail_gids)
		err = idvec_grow(avail_gids, nag);
	if (!err) {
		if (eff_uids)
			idvec_merge_ids(eff_uids, eu, neu);
		if (avail_uids)
			idvec_merge_ids(avail_uids, au, nau);
		if (eff_gids)
			idvec_merge_ids(eff_gids, eg, neg);
		if (avail_gids)
			idvec_merge_ids(avail_gids, ag, nag);
	}
	drop_array(eu, neu, eu_buf);
	drop_array(au, nau, au_buf);
	drop_array(eg, neg, eg_buf);
	drop_array(ag, nag, ag_buf);
	return err;
}

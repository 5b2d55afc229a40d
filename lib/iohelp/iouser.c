/* Users of an I/O server (struct iouser): made from ids, copied, narrowed
 * (io_restrict_auth) and freed.  An iouser owns its two idvecs. */
#include <hurd/iohelp.h>

#include <stdbool.h>
#include <stdlib.h>

error_t
iohelp_create_iouser(struct iouser **user, struct idvec *uids, struct idvec *gids)
{
	struct iouser *u = malloc(sizeof *u);

	*user = u;
	if (!u)
		return ENOMEM;
	u->uids = uids;
	u->gids = gids;
	u->hook = NULL;
	return 0;
}

/* A new iouser with UIDS and GIDS copied from arrays. */
static error_t
create_from(struct iouser **user, const uid_t *uids, unsigned nuids,
	    const gid_t *gids, unsigned ngids)
{
	struct idvec *uv = make_idvec(), *gv = make_idvec();
	error_t err = ENOMEM;

	*user = NULL;
	if (uv && gv) {
		err = idvec_set_ids(uv, uids, nuids);
		if (!err)
			err = idvec_set_ids(gv, (const uid_t *) gids, ngids);
		if (!err)
			err = iohelp_create_iouser(user, uv, gv);
	}
	if (err) {
		idvec_free(uv);
		idvec_free(gv);
		*user = NULL;
	}
	return err;
}

error_t
iohelp_create_empty_iouser(struct iouser **user)
{
	return create_from(user, NULL, 0, NULL, 0);
}

error_t
iohelp_create_simple_iouser(struct iouser **user, uid_t uid, gid_t gid)
{
	return create_from(user, &uid, 1, &gid, 1);
}

error_t
iohelp_create_complex_iouser(struct iouser **user, const uid_t *uids, int nuids,
			     const gid_t *gids, int ngids)
{
	if (nuids < 0 || ngids < 0) {
		*user = NULL;
		return EINVAL;
	}
	return create_from(user, uids, (unsigned) nuids, gids, (unsigned) ngids);
}

error_t
iohelp_dup_iouser(struct iouser **clone, struct iouser *iouser)
{
	return create_from(clone, iouser->uids->ids, iouser->uids->num,
			   (const gid_t *) iouser->gids->ids, iouser->gids->num);
}

void
iohelp_free_iouser(struct iouser *iouser)
{
	if (!iouser)
		return;
	idvec_free(iouser->uids);
	idvec_free(iouser->gids);
	free(iouser);
}

static bool
in_list(const uid_t *list, int n, uid_t id)
{
	for (int i = 0; i < n; i++)
		if (list[i] == id)
			return true;
	return false;
}

error_t
iohelp_restrict_iouser(struct iouser **new_user, const struct iouser *old_user,
		       const uid_t *uids, int nuids, const gid_t *gids, int ngids)
{
	struct idvec *uv, *gv;
	error_t err = 0;

	if (idvec_contains(old_user->uids, 0))
		/* root may take any ids */
		return iohelp_create_complex_iouser(new_user, uids, nuids, gids, ngids);

	*new_user = NULL;
	uv = make_idvec();
	gv = make_idvec();
	if (!uv || !gv)
		err = ENOMEM;
	for (unsigned i = 0; !err && i < old_user->uids->num; i++)
		if (in_list(uids, nuids, old_user->uids->ids[i]))
			err = idvec_add(uv, old_user->uids->ids[i]);
	for (unsigned i = 0; !err && i < old_user->gids->num; i++)
		if (in_list((const uid_t *) gids, ngids, old_user->gids->ids[i]))
			err = idvec_add(gv, old_user->gids->ids[i]);
	if (!err)
		err = iohelp_create_iouser(new_user, uv, gv);
	if (err) {
		idvec_free(uv);
		idvec_free(gv);
		*new_user = NULL;
	}
	return err;
}

/* fshelp's permission checks: who may read, write, execute, own, modify
 * a directory, or control the file system, decided from a node's stat and
 * a user's ids (struct iouser), with the Hurd's rules.
 *
 * The rules are the Hurd's, including two of its own: a user with no uids
 * at all is "unknown" and gets the S_IUNKNOWN bits when the file sets
 * S_IUSEUNK; and holding the file's group as both a gid and a uid makes a
 * user its owner.  Every function here is pure: it reads ST and USER and
 * returns 0 or the error to give the client. */
#include <unistd.h>
#include <hurd/fshelp.h>

error_t
fshelp_isowner(io_statbuf_t *st, struct iouser *user)
{
	if (idvec_contains(user->uids, st->st_uid) || idvec_contains(user->uids, 0))
		return 0;
	if (idvec_contains(user->gids, st->st_gid) && idvec_contains(user->uids, st->st_gid))
		return 0;
	return EPERM;
}

error_t
fshelp_iscontroller(io_statbuf_t *st, struct iouser *user)
{
	if (idvec_contains(user->uids, 0) || idvec_contains(user->uids, st->st_uid) ||
	    idvec_contains(user->uids, geteuid()))
		return 0;
	return EPERM;
}

error_t
fshelp_access(io_statbuf_t *st, int op, struct iouser *user)
{
	int allowed;

	if (idvec_contains(user->uids, 0)) {
		/* The superuser may execute only what someone may execute. */
		allowed = op != S_IEXEC || !S_ISREG(st->st_mode) ||
			  (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH));
	} else if (user->uids->num == 0 && (st->st_mode & S_IUSEUNK)) {
		allowed = st->st_mode & (op << S_IUNKSHIFT);
	} else if (fshelp_isowner(st, user) == 0) {
		allowed = st->st_mode & op;
	} else if (idvec_contains(user->gids, st->st_gid)) {
		allowed = st->st_mode & (op >> 3);
	} else {
		allowed = st->st_mode & (op >> 6);
	}
	return allowed ? 0 : EACCES;
}

error_t
fshelp_checkdirmod(io_statbuf_t *dir, io_statbuf_t *st, struct iouser *user)
{
	error_t err = fshelp_access(dir, S_IWRITE, user);

	if (err)
		return err;
	/* In a sticky directory only the directory's or the file's owner
	 * may remove or replace the file. */
	if ((dir->st_mode & S_ISVTX) && st != NULL &&
	    fshelp_isowner(dir, user) != 0 && fshelp_isowner(st, user) != 0)
		return EACCES;
	return 0;
}

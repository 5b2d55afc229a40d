/* dir_lookup: resolve a path relative to a directory of ours, with the
 * Hurd's retry protocol.
 *
 * The walk goes component by component.  DNP is the directory being
 * searched (held, and locked while netfs_attempt_lookup runs, which
 * unlocks it), NP the node found (held and locked).  A component may end
 * the walk early with a retry for the client:
 *   - `..' at the translator's root (or at a shadow root, file_reparent):
 *     FS_RETRY_REAUTH with the root's parent (po->root_parent) and the
 *     rest of the path, so the client goes on in the file system above;
 *     at the global root (no parent) `..' is the root itself;
 *   - a node with a translator (active, or passive: S_IPTRANS; or a
 *     device or fifo, whose type implies one), unless it is the last
 *     component and O_NOTRANS was asked for: the translator's root, from
 *     fshelp_fetch_root, as the retry port (FS_RETRY_NORMAL or whatever
 *     the translator answered) with the rest of the path;
 *   - a symlink to an absolute name: FS_RETRY_MAGICAL with the target and
 *     the rest of the path, for the client to resolve from its own root.
 * A symlink to a relative name is followed here (at most netfs_maxsymlinks
 * of them: ELOOP), unless it is the last component and O_NOLINK,
 * O_NOFOLLOW or O_NOTRANS was asked for.  A trailing slash requires a
 * directory and follows a final symlink.  When the walk ends at a node,
 * it is opened: netfs_check_open_permissions, O_TRUNC, O_EXLOCK/O_SHLOCK,
 * and a new protid for the caller's ids. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "priv.h"

int netfs_maxsymlinks __attribute__((weak)) = 12;

/* The longest path the walk builds while following symlinks. */
#define LOOKUP_PATH_MAX PATH_MAX

struct lookup {
	struct protid *dircred;
	int flags;			/* C open flags */
	mode_t mode;
	retry_type *do_retry;
	char *retry_name;		/* string_t: 1024 bytes */
	mach_port_t *retry_port;
	mach_msg_type_name_t *retry_port_type;
};

/* Put "HEAD[/REST]" (and a final '/' if TRAILING_SLASH) into the reply's
 * retry name.  ENAMETOOLONG if it does not fit a string_t. */
static error_t
set_retry_name(struct lookup *l, const char *head, const char *rest, int trailing_slash)
{
	int n;

	if (rest != NULL && *rest != '\0')
		n = snprintf(l->retry_name, sizeof(string_t), "%s%s%s", head,
			     *head != '\0' ? "/" : "", rest);
	else
		n = snprintf(l->retry_name, sizeof(string_t), "%s%s", head,
			     trailing_slash ? "/" : "");
	if (n < 0 || (size_t) n >= sizeof(string_t)) {
		l->retry_name[0] = '\0';
		return ENAMETOOLONG;
	}
	return 0;
}

/* Ask the client to go on from PARENT (`..' of a translator root) with
 * the rest of the path. */
static error_t
retry_at_parent(struct lookup *l, mach_port_t parent, const char *rest, int trailing_slash)
{
	*l->do_retry = FS_RETRY_REAUTH;
	*l->retry_port = parent;
	*l->retry_port_type = MACH_MSG_TYPE_COPY_SEND;
	return set_retry_name(l, "", rest, trailing_slash);
}

/* Drop our reference to PI, a protid made in this lookup (on NP or its
 * directory).  If it is the last, its release takes its node's lock, which
 * may be NP's, held by the caller: let go of it meanwhile (the lookup's
 * reference keeps NP). */
static void
discard_protid(struct node *np, struct protid *pi)
{
	pthread_mutex_unlock(&np->lock);
	ports_port_deref(pi);
	pthread_mutex_lock(&np->lock);
}

/* NP (locked; found in DNP, held) has a translator: fetch its root into
 * the reply, with the rest of the path REST.  WALKED names NP from the
 * file system's root, for the list of active translators.  ENOENT when the
 * translator vanished meanwhile: the caller goes on with NP itself.
 * NP's lock is released and taken again inside. */
static error_t
lookup_translated(struct lookup *l, struct node *dnp, struct node *np, int lastcomp,
		  int mustbedir, const char *rest, const char *walked)
{
	struct peropen *po = l->dircred->po;
	struct fshelp_stat_cookie2 cookie = {
		.statp = &np->nn_stat, .modep = &np->nn_translated, .next = po,
	};
	struct iouser *nobody;
	struct protid *dirpi;
	mach_port_t dirport;
	char *translated_name;
	error_t err;

	/* The translator gets an unauthenticated port to the directory it
	 * was found in, for its `..'. */
	err = iohelp_create_empty_iouser(&nobody);
	if (err)
		return err;
	dirpi = netfs_open_node(dnp, 0, po, nobody);
	if (dirpi == NULL) {
		err = errno;
		iohelp_free_iouser(nobody);
		return err;
	}
	dirport = ports_get_send_right(dirpi);
	err = fshelp_fetch_root(&np->transbox, &cookie, dirport, l->dircred->user,
				lastcomp ? l->flags : 0,
				(np->nn_translated & S_IPTRANS) ? _netfs_translator_callback1
								: fshelp_short_circuited_callback1,
				_netfs_translator_callback2,
				l->do_retry, l->retry_name, l->retry_port);
	mach_port_deallocate(mach_task_self(), dirport);
	if (err) {
		discard_protid(np, dirpi);
		return err;
	}
	*l->retry_port_type = MACH_MSG_TYPE_MOVE_SEND;

	/* Append what is left of our path to the translator's retry name. */
	if (mustbedir || (!lastcomp && rest != NULL && *rest != '\0')) {
		size_t used = strlen(l->retry_name);
		int n = snprintf(l->retry_name + used, sizeof(string_t) - used, "%s%s",
				 (used > 0 || mustbedir) ? "/" : "", mustbedir ? "" : rest);

		if (n < 0 || (size_t) n >= sizeof(string_t) - used) {
			mach_port_deallocate(mach_task_self(), *l->retry_port);
			*l->retry_port = MACH_PORT_NULL;
			discard_protid(np, dirpi);
			return ENAMETOOLONG;
		}
	}

	/* Record the translator for fsys_get_children and goaway. */
	if (po->path == NULL || strcmp(po->path, ".") == 0)
		translated_name = strdup(walked);
	else if (asprintf(&translated_name, "%s/%s", po->path, walked) < 0)
		translated_name = NULL;
	if (translated_name != NULL) {
		fshelp_set_active_translator(dirpi->pi.bucket->notify_port, translated_name,
					     &np->transbox);
		free(translated_name);
	}
	discard_protid(np, dirpi);
	return 0;
}

/* Open NP (held and locked, the end of the walk) for the caller: the
 * reply gets a new port.  NEWNODE: the lookup created NP.  RELPATH is the
 * name looked up, for the new peropen's path. */
static error_t
lookup_open(struct lookup *l, struct node *np, int mustbedir, int newnode, const char *relpath)
{
	struct peropen *dirpo = l->dircred->po;
	struct iouser *user;
	struct protid *newpi;
	int flags = l->flags;
	error_t err;

	if (mustbedir || (flags & O_DIRECTORY)) {
		err = netfs_validate_stat(np, l->dircred->user);
		if (err)
			return err;
		if (!S_ISDIR(np->nn_stat.st_mode))
			return ENOTDIR;
	}
	err = netfs_check_open_permissions(l->dircred->user, np, flags, newnode);
	if (err)
		return err;
	if ((flags & O_TRUNC) && (flags & O_WRITE)) {
		err = netfs_validate_stat(np, l->dircred->user);
		if (!err && S_ISREG(np->nn_stat.st_mode) && np->nn_stat.st_size != 0)
			err = netfs_attempt_set_size(l->dircred->user, np, 0);
		if (err)
			return err;
	}

	err = iohelp_dup_iouser(&user, l->dircred->user);
	if (err)
		return err;
	newpi = netfs_open_node(np, flags & ~OPENONLY_STATE_MODES, dirpo, user);
	if (newpi == NULL) {
		err = errno;
		iohelp_free_iouser(user);
		return err;
	}

	if (flags & (O_EXLOCK | O_SHLOCK)) {
		struct flock64 lock = {
			.l_type = (flags & O_EXLOCK) ? F_WRLCK : F_RDLCK,
			.l_whence = SEEK_SET,
		};

		/* A whole-file lock, whatever the access mode. */
		err = fshelp_rlock_tweak(&np->userlock, &np->lock, &newpi->po->lock_status,
					 O_READ | O_WRITE, 0, 0, F_SETLK64, &lock, MACH_PORT_NULL);
		if (err) {
			discard_protid(np, newpi);
			return err;
		}
	}

	free(newpi->po->path);
	if (dirpo->path == NULL || strcmp(dirpo->path, ".") == 0)
		newpi->po->path = strdup(relpath);
	else if (asprintf(&newpi->po->path, "%s/%s", dirpo->path, relpath) < 0)
		newpi->po->path = NULL;
	if (newpi->po->path == NULL) {
		discard_protid(np, newpi);
		return ENOMEM;
	}

	*l->do_retry = FS_RETRY_NORMAL;
	l->retry_name[0] = '\0';
	*l->retry_port = ports_get_right(newpi);
	*l->retry_port_type = MACH_MSG_TYPE_MAKE_SEND;
	ports_port_deref(newpi);
	return 0;
}

/* A new path "LINK[/REST][/]" in *PATH (malloc'd; the old one freed) for
 * following the symlink NP (locked).  *ABSOLUTE says whether it starts at
 * the root. */
static error_t
follow_link(struct lookup *l, struct node *np, const char *rest, int mustbedir, char **path,
	    int *absolute)
{
	size_t linklen = np->nn_stat.st_size >= 0 ? (size_t) np->nn_stat.st_size : 0;
	size_t restlen = rest != NULL ? strlen(rest) : 0;
	char *fresh;
	error_t err;

	if (np->nn_stat.st_size <= 0 || linklen + restlen + 3 > LOOKUP_PATH_MAX)
		return np->nn_stat.st_size <= 0 ? ENOENT : ENAMETOOLONG;
	fresh = malloc(linklen + restlen + 3);
	if (fresh == NULL)
		return ENOMEM;
	err = netfs_attempt_readlink(l->dircred->user, np, fresh);
	if (err) {
		free(fresh);
		return err;
	}
	fresh[linklen] = '\0';
	if (memchr(fresh, '\0', linklen) != NULL) {
		free(fresh);
		return EINVAL;	/* the translator gave a broken target */
	}
	if (restlen > 0) {
		fresh[linklen] = '/';
		memcpy(fresh + linklen + 1, rest, restlen + 1);
	} else if (mustbedir) {
		fresh[linklen] = '/';
		fresh[linklen + 1] = '\0';
	}
	free(*path);
	*path = fresh;
	*absolute = fresh[0] == '/';
	return 0;
}

kern_return_t
netfs_S_dir_lookup(struct protid *dircred, const_string_t filename, int wire_flags, mode_t mode,
		   retry_type *do_retry, string_t retry_name, mach_port_t *retry_port,
		   mach_msg_type_name_t *retry_port_type)
{
	struct lookup l = {
		.dircred = dircred, .flags = hurd_openflags_from_wire(wire_flags), .mode = mode,
		.do_retry = do_retry, .retry_name = retry_name, .retry_port = retry_port,
		.retry_port_type = retry_port_type,
	};
	int create, excl, mustbedir = 0, lastcomp = 0, newnode = 0, nsymlinks = 0;
	struct node *dnp = NULL, *np = NULL;
	char *path = NULL, *relpath = NULL, *walked = NULL, *name, *nextname = NULL;
	size_t walked_len = 0;
	error_t err = 0;

	if (dircred == NULL)
		return EOPNOTSUPP;
	create = l.flags & O_CREAT;
	excl = l.flags & O_EXCL;
	*do_retry = FS_RETRY_NORMAL;
	*retry_port = MACH_PORT_NULL;
	*retry_port_type = MACH_MSG_TYPE_MAKE_SEND;
	retry_name[0] = '\0';

	while (*filename == '/')
		filename++;
	relpath = strdup(filename);
	path = strdup(filename);
	walked = calloc(1, LOOKUP_PATH_MAX + 1);
	if (relpath == NULL || path == NULL || walked == NULL) {
		err = ENOMEM;
		goto out;
	}

	if (*path == '\0') {
		/* The directory itself. */
		np = dircred->po->np;
		pthread_mutex_lock(&np->lock);
		netfs_nref(np);
		goto open;
	}

	dnp = dircred->po->np;
	pthread_mutex_lock(&dnp->lock);
	netfs_nref(dnp);
	name = path;
	for (;;) {
		int dotdot;

		/* Split off the next component; a trailing slash asks for a
		 * directory and creates nothing. */
		nextname = strchr(name, '/');
		if (nextname != NULL) {
			*nextname++ = '\0';
			while (*nextname == '/')
				nextname++;
			if (*nextname == '\0') {
				nextname = NULL;
				lastcomp = 1;
				mustbedir = 1;
				create = 0;
			} else {
				lastcomp = 0;
			}
		} else {
			lastcomp = 1;
		}
		np = NULL;

		/* What we walked through, for naming translators. */
		{
			size_t len = strlen(name);

			if (walked_len + len + 2 <= LOOKUP_PATH_MAX) {
				if (walked_len > 0)
					walked[walked_len++] = '/';
				memcpy(walked + walked_len, name, len + 1);
				walked_len += len;
			}
		}

	retry_lookup:
		dotdot = name[0] == '.' && name[1] == '.' && name[2] == '\0';
		if (dotdot && dnp == dircred->po->shadow_root &&
		    MACH_PORT_VALID(dircred->po->shadow_root_parent)) {
			err = retry_at_parent(&l, dircred->po->shadow_root_parent, nextname,
					      mustbedir);
			pthread_mutex_unlock(&dnp->lock);
			goto out;
		} else if (dotdot && dnp == dircred->po->shadow_root) {
			/* A shadow root without a parent stands for itself. */
			np = dnp;
			netfs_nref(np);
			err = 0;
		} else if (dotdot && dnp == netfs_root_node &&
			   MACH_PORT_VALID(dircred->po->root_parent)) {
			err = retry_at_parent(&l, dircred->po->root_parent, nextname, mustbedir);
			pthread_mutex_unlock(&dnp->lock);
			goto out;
		} else if (dotdot && dnp == netfs_root_node) {
			/* The global root is its own parent. */
			np = dnp;
			netfs_nref(np);
			err = 0;
		} else {
			/* Unlocks DNP. */
			err = netfs_attempt_lookup(dircred->user, dnp, name, &np);
		}

		if (lastcomp && create && excl && !err)
			err = EEXIST;
		if (lastcomp && create && err == ENOENT) {
			mode_t newmode = (mode & ~(S_IFMT | S_ISPARE | S_ISVTX)) | S_IFREG;

			pthread_mutex_lock(&dnp->lock);
			/* Unlocks DNP. */
			err = netfs_attempt_create_file(dircred->user, dnp, name, newmode, &np);
			if (err == EEXIST && !excl) {
				/* Someone made it meanwhile: open theirs. */
				pthread_mutex_lock(&dnp->lock);
				goto retry_lookup;
			}
			newnode = 1;
		}
		if (err)
			goto out;
		/* DNP is unlocked; NP is held and locked. */

		err = netfs_validate_stat(np, dircred->user);
		if (err)
			goto out;

		if ((!(l.flags & O_NOTRANS) || !lastcomp || mustbedir) &&
		    ((np->nn_translated & S_IPTRANS) || S_ISFIFO(np->nn_translated) ||
		     S_ISCHR(np->nn_translated) || S_ISBLK(np->nn_translated) ||
		     fshelp_translated(&np->transbox))) {
			err = lookup_translated(&l, dnp, np, lastcomp, mustbedir, nextname, walked);
			if (err != ENOENT)
				goto out;
			err = 0;	/* the translator vanished: NP itself */
		}

		if (S_ISLNK(np->nn_translated) &&
		    (!lastcomp || mustbedir || !(l.flags & (O_NOLINK | O_NOTRANS | O_NOFOLLOW)))) {
			int absolute;

			if (nsymlinks++ >= netfs_maxsymlinks) {
				err = ELOOP;
				goto out;
			}
			err = follow_link(&l, np, nextname, mustbedir, &path, &absolute);
			if (err)
				goto out;
			if (absolute) {
				/* The client resolves it from its own root. */
				*do_retry = FS_RETRY_MAGICAL;
				*retry_port = MACH_PORT_NULL;
				*retry_port_type = MACH_MSG_TYPE_COPY_SEND;
				err = set_retry_name(&l, path, NULL, 0);
				goto out;
			}
			/* Go on in DNP with the link's text. */
			name = path;
			mustbedir = 0;
			if (lastcomp) {
				lastcomp = 0;
				create = 0;	/* a dangling link creates nothing */
			}
			if (walked_len > 0) {
				char *slash = strrchr(walked, '/');

				walked_len = slash != NULL ? (size_t) (slash - walked) : 0;
				walked[walked_len] = '\0';
			}
			netfs_nput(np);
			np = NULL;
			pthread_mutex_lock(&dnp->lock);
			continue;
		}

		/* An ordinary node: the next component is looked up in it. */
		netfs_nrele(dnp);
		dnp = NULL;
		if (lastcomp || nextname == NULL || *nextname == '\0')
			break;
		dnp = np;
		np = NULL;
		name = nextname;
	}

open:
	/* NP is held and locked. */
	err = lookup_open(&l, np, mustbedir, newnode, relpath);

out:
	if (np != NULL)
		netfs_nput(np);
	if (dnp != NULL)
		netfs_nrele(dnp);
	free(walked);
	free(path);
	free(relpath);
	return err;
}

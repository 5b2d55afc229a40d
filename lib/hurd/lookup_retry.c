/* The Hurd's lookup retry protocol (hurd_file_name_lookup_retry).
 *
 * A server that resolves part of a name answers with a retry kind, the
 * rest of the name (RETRYNAME) and a port (RESULT):
 *
 *   FS_RETRY_NORMAL   go on with RETRYNAME at RESULT; "" means RESULT is
 *                     the file, and the lookup ends (O_NOFOLLOW and
 *                     O_TRUNC are applied then);
 *   FS_RETRY_REAUTH   the same, after reauthenticating RESULT (the
 *                     io_reauthenticate / auth_user_authenticate
 *                     rendezvous); an empty name still gets one more
 *                     lookup, so the new translator can give its port;
 *   FS_RETRY_MAGICAL  RETRYNAME is for the client: "/..." (restart at
 *                     the root: a symlink to an absolute name), "fd/N"
 *                     (the io port of descriptor N), "machtype" (the
 *                     host's cpu type/subtype), "tty" (the controlling
 *                     terminal), "pid" (the caller's pid, for /proc/self).
 *
 * Ownership: each iteration owns *RESULT (the server's latest port) and
 * LASTDIR (an extra reference to the last directory port seen, for
 * "pid").  Whatever path leaves the loop releases what it owns, so the
 * caller gets either a port or an error, never both and never a leak.
 *
 * Hostile servers: an unknown retry kind or magic name, a missing or
 * dead port where one is needed, and a name that grows past string_t are
 * errors (EPROTO, EIO, ENAMETOOLONG); every iteration counts toward the
 * loop limit, so no answer sequence can keep the client here forever
 * (short of a server that never answers, which only an interrupt ends).  */

#include <hurd.h>
#include <hurd/lookup.h>
#include <hurd/term.h>
#include <hurd/paths.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hurd_private.h"

/* The state of one retry loop, for the callbacks it hands to
 * use_init_port (see lookup.c on why it is thread-local).  */
struct retry_state {
	hurd_lookup_fn_t lookup;
	const char *name;		/* what lookup_op looks up */
	int flags;
	mode_t mode;
	retry_type *doretry;
	char *retryname;
	file_t *result;
	mach_port_t ref;		/* reauthentication rendezvous */
	error_t (*use_init_port)(int, error_t (*)(mach_port_t));
};
static __thread struct retry_state *current_retry;

static error_t
with_state(struct retry_state *st, int which, error_t (*operate)(mach_port_t))
{
	struct retry_state *saved = current_retry;
	error_t err;

	current_retry = st;
	err = (*st->use_init_port)(which, operate);
	current_retry = saved;
	return err;
}

static void
release(mach_port_t *port)
{
	if (MACH_PORT_VALID(*port))
		mach_port_deallocate(mach_task_self(), *port);
	*port = MACH_PORT_NULL;
}

static error_t
lookup_at(struct retry_state *st, file_t startdir)
{
	const char *name = st->name;

	/* "/x" or "//x" from a server means "x" here; "/" alone stays.  */
	if (name[0] == '/' && name[1] != '\0') {
		while (name[1] == '/')
			name++;
		if (name[1] != '\0')
			name++;
	}
	/* The next lookup may write RETRYNAME, which NAME may point into:
	 * the string goes to the server before the answer comes back, but a
	 * LOOKUP callback could write first, so give it a copy.  */
	char copy[sizeof(string_t)];

	snprintf(copy, sizeof copy, "%s", name);
	return _hurd_lookup_call(st->lookup, startdir, copy, st->flags, st->mode, st->doretry,
				 st->retryname, st->result);
}

static error_t
lookup_op(file_t startdir)
{
	return lookup_at(current_retry, startdir);
}

static error_t
reauth_op(auth_t auth)
{
	struct retry_state *st = current_retry;

	if (!MACH_PORT_VALID(auth))
		return EBADF;
	return auth_user_authenticate(auth, st->ref, MACH_MSG_TYPE_MAKE_SEND, st->result);
}

/* Reauthenticate UNAUTH (consumed) into *ST->RESULT.  */
static error_t
reauthenticate(struct retry_state *st, file_t unauth)
{
	error_t err;

	*st->result = MACH_PORT_NULL;
	if (!MACH_PORT_VALID(unauth))
		return unauth == MACH_PORT_NULL ? EPROTO : EIO;
	st->ref = mach_reply_port();
	if (!MACH_PORT_VALID(st->ref)) {
		release(&unauth);
		return ENOMEM;
	}
	err = io_reauthenticate(unauth, st->ref, MACH_MSG_TYPE_MAKE_SEND);
	if (!err)
		err = with_state(st, INIT_PORT_AUTH, reauth_op);
	mach_port_destroy(mach_task_self(), st->ref);
	st->ref = MACH_PORT_NULL;
	release(&unauth);
	if (err)
		*st->result = MACH_PORT_NULL;
	else if (!MACH_PORT_VALID(*st->result)) {
		*st->result = MACH_PORT_NULL;
		err = EPROTO;
	}
	return err;
}

static error_t
ctty_open(mach_port_t cttyid)
{
	struct retry_state *st = current_retry;

	if (cttyid == MACH_PORT_NULL)
		return ENXIO;	/* no controlling terminal */
	return termctty_open_terminal(cttyid, hurd_openflags_to_wire(st->flags), st->result);
}

/* Open the controlling terminal into *ST->RESULT, authenticated as us. */
static error_t
open_tty(struct retry_state *st)
{
	file_t tty = MACH_PORT_NULL;
	file_t *saved = st->result;
	error_t err;

	st->result = &tty;
	err = with_state(st, INIT_PORT_CTTYID, ctty_open);
	st->result = saved;
	if (err)
		return err;
	return reauthenticate(st, tty);
}

/* O_NOFOLLOW, at the end: refuse a symlink, and a node a translator
 * serves unless root set it up and it is not a symlink translator (a
 * firmlink-like translator could otherwise redirect the lookup
 * unseen).  */
static error_t
check_nofollow(file_t file, int flags)
{
	io_statbuf_t st;
	error_t err = io_stat(file, &st);

	if (err)
		return err;
	if ((flags & O_DIRECTORY) && !S_ISDIR(st.st_mode))
		return ENOTDIR;
	if (S_ISLNK(st.st_mode))
		return ELOOP;
	if (st.st_mode & (S_IPTRANS | S_IATRANS)) {
		if (st.st_uid != 0)
			return ELOOP;
		if (st.st_mode & S_IPTRANS) {
			char buf[1024];
			data_t trans = buf;
			mach_msg_type_number_t len = sizeof buf;
			int is_symlink;

			err = file_get_translator(file, &trans, &len);
			if (err)
				return err;
			is_symlink = len >= sizeof _HURD_SYMLINK &&
				     memcmp(trans, _HURD_SYMLINK, sizeof _HURD_SYMLINK) == 0;
			if (trans != buf)
				vm_deallocate(mach_task_self(), (vm_address_t) trans, len);
			if (is_symlink)
				return ELOOP;
		}
	}
	return 0;
}

/* The lookup ended at *RESULT: apply the open-time flags.  */
static error_t
finish(file_t *result, int flags)
{
	error_t err = 0;

	if (!MACH_PORT_VALID(*result))
		err = *result == MACH_PORT_NULL ? EPROTO : EIO;
	if (!err && (flags & O_NOFOLLOW))
		err = check_nofollow(*result, flags);
	if (!err && (flags & O_TRUNC))
		err = file_set_size(*result, 0);
	if (err)
		release(result);
	return err;
}

/* "fd/N[/rest]": *FD and where REST starts; ENOENT if not a number.  */
static error_t
parse_fd(const char *s, int *fd, const char **rest)
{
	long n = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return ENOENT;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p - '0');
		if (n > 0x7fffffff)
			return ENOENT;
		p++;
	}
	if (*p != '/' && *p != '\0')
		return ENOENT;	/* "fd/3x" names no descriptor */
	*fd = (int) n;
	*rest = p;
	return 0;
}

error_t
__hurd_file_name_lookup_retry(error_t (*use_init_port)(int which,
						       error_t (*operate)(mach_port_t)),
			      file_t (*get_dtable_port)(int fd),
			      error_t (*lookup)(file_t dir, const char *name, int flags,
						mode_t mode, retry_type *do_retry,
						string_t retry_name, mach_port_t *result),
			      enum retry_type doretry, char retryname[1024], int flags,
			      mode_t mode, file_t *result)
{
	retry_type kind = doretry;
	struct retry_state st = {
		.lookup = lookup, .flags = flags, .mode = mode, .doretry = &kind,
		.retryname = retryname, .result = result, .use_init_port = use_init_port,
	};
	file_t lastdir = MACH_PORT_NULL;
	char scratch[sizeof(string_t)];
	int nloops = 0;
	error_t err = 0;

	retryname[sizeof(string_t) - 1] = '\0';
	do {
		file_t startdir = MACH_PORT_NULL;
		int dirport = INIT_PORT_CWDIR;

		if (nloops++ >= HURD_LOOKUP_MAX_LOOPS) {
			release(result);
			err = ELOOP;
			break;
		}
		st.name = retryname;

		switch (kind) {
		case FS_RETRY_REAUTH:
			err = reauthenticate(&st, *result);
			if (err)
				goto out;
			/* One more lookup, even of "", on the new port.  */
			startdir = *result;
			*result = MACH_PORT_NULL;
			break;

		case FS_RETRY_NORMAL:
			if (retryname[0] == '\0') {
				err = finish(result, flags);
				goto out;
			}
			if (!MACH_PORT_VALID(*result)) {
				err = *result == MACH_PORT_NULL ? EPROTO : EIO;
				*result = MACH_PORT_NULL;
				goto out;
			}
			startdir = *result;
			*result = MACH_PORT_NULL;
			break;

		case FS_RETRY_MAGICAL:
			if (retryname[0] == '/') {
				/* An absolute symlink: start again at our root. */
				release(result);
				dirport = INIT_PORT_CRDIR;
				st.name = retryname + 1;
			} else if (strncmp(retryname, "fd/", 3) == 0) {
				const char *rest;
				int fd;

				release(result);
				err = parse_fd(retryname + 3, &fd, &rest);
				if (err)
					goto out;
				if (!get_dtable_port) {
					err = EPROTO;
					goto out;
				}
				int saved_errno = errno;

				errno = 0;
				*result = (*get_dtable_port)(fd);
				if (*result == MACH_PORT_NULL)
					err = errno ? errno : EBADF;
				errno = saved_errno;
				if (err || *rest == '\0')
					goto out;	/* the descriptor itself */
				startdir = *result;
				*result = MACH_PORT_NULL;
				st.name = rest + 1;
			} else if (strncmp(retryname, "machtype", 8) == 0 &&
				   (retryname[8] == '\0' || retryname[8] == '/')) {
				struct host_basic_info info;
				mach_msg_type_number_t count = HOST_BASIC_INFO_COUNT;
				mach_port_t host = mach_host_self();

				err = host_info(host, HOST_BASIC_INFO, (host_info_t) &info, &count);
				mach_port_deallocate(mach_task_self(), host);
				if (!err && count != HOST_BASIC_INFO_COUNT)
					err = EPROTO;
				if (!err && !MACH_PORT_VALID(*result))
					err = EPROTO;
				if (!err && snprintf(scratch, sizeof scratch, "%d/%d%s",
						     info.cpu_type, info.cpu_subtype,
						     retryname + 8) >= (int) sizeof scratch)
					err = ENAMETOOLONG;
				if (err) {
					release(result);
					goto out;
				}
				strcpy(retryname, scratch);
				startdir = *result;
				*result = MACH_PORT_NULL;
			} else if (strncmp(retryname, "tty", 3) == 0 &&
				   (retryname[3] == '\0' || retryname[3] == '/')) {
				int alone = retryname[3] == '\0';

				release(result);
				err = open_tty(&st);
				if (err || alone)
					goto out;
				startdir = *result;
				*result = MACH_PORT_NULL;
				st.name = retryname + 4;
			} else if (strncmp(retryname, "pid", 3) == 0 &&
				   (retryname[3] == '\0' || retryname[3] == '/')) {
				/* /proc/self: our pid, in the directory that
				 * answered (the last one seen; if the answer
				 * came from the first lookup, the working
				 * directory, as glibc does).  */
				release(result);
				if (snprintf(scratch, sizeof scratch, "%d%s", (int) getpid(),
					     retryname + 3) >= (int) sizeof scratch) {
					err = ENAMETOOLONG;
					goto out;
				}
				strcpy(retryname, scratch);
				if (MACH_PORT_VALID(lastdir)) {
					err = mach_port_mod_refs(mach_task_self(), lastdir,
								 MACH_PORT_RIGHT_SEND, 1);
					if (err)
						goto out;
					startdir = lastdir;
				}
			} else {
				release(result);
				err = EPROTO;	/* the Hurd's EGRATUITOUS */
				goto out;
			}
			break;

		default:
			release(result);
			err = EPROTO;
			goto out;
		}

		/* Remember the directory we continue from, for "pid".  */
		if (MACH_PORT_VALID(startdir) && startdir != lastdir) {
			release(&lastdir);
			if (mach_port_mod_refs(mach_task_self(), startdir, MACH_PORT_RIGHT_SEND,
					       1) == KERN_SUCCESS)
				lastdir = startdir;
		}

		if (startdir != MACH_PORT_NULL) {
			err = lookup_at(&st, startdir);
			release(&startdir);
		} else {
			err = with_state(&st, dirport, lookup_op);
		}
	} while (!err);

out:
	release(&lastdir);
	if (err)
		*result = MACH_PORT_NULL;
	return err;
}

/* The public name of the same function, as the Hurd's glibc has it.  */
__typeof__(__hurd_file_name_lookup_retry) hurd_file_name_lookup_retry
	__attribute__((alias("__hurd_file_name_lookup_retry")));

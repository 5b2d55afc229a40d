/* File name lookup: the first dir_lookup of a name (hurd_file_name_lookup),
 * the splits into directory and last component, and the convenience
 * functions that use the task's own ports (file_name_lookup ...).  The
 * retries that follow the first answer are lookup_retry.c's.
 *
 * The callbacks of <hurd/lookup.h> take no context argument (glibc uses
 * GCC's nested functions).  Here each function's context sits in a
 * thread-local pointer for the duration of the callback it passes: set
 * just before the call, restored just after, so nested lookups (a LOOKUP
 * callback that itself resolves names) see their own.  */

#include <hurd.h>
#include <hurd/lookup.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hurd_private.h"

static error_t
wire_dir_lookup(file_t dir, const char *name, int flags, mode_t mode, retry_type *do_retry,
		string_t retry_name, mach_port_t *result)
{
	/* dir_lookup's name is a string_t: MIG would cut a longer one.  */
	if (strnlen(name, sizeof(string_t)) >= sizeof(string_t))
		return ENAMETOOLONG;
	return dir_lookup(dir, name, hurd_openflags_to_wire(flags), mode, do_retry, retry_name,
			  result);
}

error_t
_hurd_lookup_call(hurd_lookup_fn_t lookup, file_t dir, const char *name, int flags, mode_t mode,
		  retry_type *do_retry, char *retry_name, mach_port_t *result)
{
	error_t err;

	*result = MACH_PORT_NULL;
	*do_retry = 0;
	retry_name[0] = '\0';
	err = (lookup ? lookup : wire_dir_lookup)(dir, name, flags, mode, do_retry, retry_name,
						  result);
	retry_name[sizeof(string_t) - 1] = '\0';
	if (err) {
		*result = MACH_PORT_NULL;
		return err == EOPNOTSUPP || err == MIG_BAD_ID ? ENOTDIR : err;
	}
	return 0;
}

/* One first lookup: what lookup_op needs.  */
struct first_lookup {
	hurd_lookup_fn_t lookup;
	const char *name;
	int flags;
	mode_t mode;
	retry_type doretry;
	char retryname[sizeof(string_t)];
	file_t *result;
};
static __thread struct first_lookup *current_first;

static error_t
first_lookup_op(mach_port_t startdir)
{
	struct first_lookup *f = current_first;

	return _hurd_lookup_call(f->lookup, startdir, f->name, f->flags, f->mode, &f->doretry,
				 f->retryname, f->result);
}

error_t
__hurd_file_name_lookup(error_t (*use_init_port)(int which, error_t (*operate)(mach_port_t)),
			file_t (*get_dtable_port)(int fd),
			error_t (*lookup)(file_t dir, const char *name, int flags, mode_t mode,
					  retry_type *do_retry, string_t retry_name,
					  mach_port_t *result),
			const char *file_name, int flags, mode_t mode, file_t *result)
{
	struct first_lookup f = { .lookup = lookup, .flags = flags, .mode = mode,
				  .result = result };
	struct first_lookup *saved;
	char with_slash[PATH_MAX + 1];
	size_t len;
	int startport;
	error_t err;

	*result = MACH_PORT_NULL;
	if (file_name[0] == '\0')
		return ENOENT;
	len = strnlen(file_name, PATH_MAX);
	if (len >= PATH_MAX)
		return ENAMETOOLONG;

	startport = file_name[0] == '/' ? INIT_PORT_CRDIR : INIT_PORT_CWDIR;
	while (file_name[0] == '/') {
		file_name++;
		len--;
	}
	/* O_NOFOLLOW: the node itself, not what a translator on it shows;
	 * lookup_retry.c then refuses links and translators not root's.  */
	if (f.flags & O_NOFOLLOW)
		f.flags |= O_NOTRANS;
	/* O_DIRECTORY costs no RPC: a trailing slash makes the server check. */
	if ((f.flags & O_DIRECTORY) && !(f.flags & O_NOFOLLOW) &&
	    (len == 0 || file_name[len - 1] != '/')) {
		memcpy(with_slash, file_name, len);
		with_slash[len] = '/';
		with_slash[len + 1] = '\0';
		file_name = with_slash;
	}
	f.name = file_name;

	saved = current_first;
	current_first = &f;
	err = (*use_init_port)(startport, first_lookup_op);
	current_first = saved;
	if (err) {
		*result = MACH_PORT_NULL;
		return err;
	}
	return __hurd_file_name_lookup_retry(use_init_port, get_dtable_port, lookup, f.doretry,
					     f.retryname, f.flags, mode, result);
}

/* The public name of the same function, as the Hurd's glibc has it.  */
__typeof__(__hurd_file_name_lookup) hurd_file_name_lookup
	__attribute__((alias("__hurd_file_name_lookup")));

/* The splits: the directory part of a name and where the last component
 * starts.  A name with no directory part is in the working directory.  */
static __thread file_t *current_split_dir;

static error_t
split_addref(file_t dir)
{
	*current_split_dir = dir;
	if (!MACH_PORT_VALID(dir))
		return dir == MACH_PORT_NULL ? EBADF : EIO;
	return mach_port_mod_refs(mach_task_self(), dir, MACH_PORT_RIGHT_SEND, 1);
}

static error_t
split_at(error_t (*use_init_port)(int which, error_t (*operate)(mach_port_t)),
	 file_t (*get_dtable_port)(int fd), hurd_lookup_fn_t lookup, const char *file_name,
	 const char *lastslash, file_t *dir, char **name)
{
	file_t *saved;
	error_t err;
	int which;

	*dir = MACH_PORT_NULL;
	if (lastslash && lastslash != file_name) {
		/* "dir1/dir2/file": look the directory part up.  */
		char *dirname = strndup(file_name, (size_t) (lastslash - file_name));

		if (!dirname)
			return ENOMEM;
		*name = (char *) lastslash + 1;
		err = __hurd_file_name_lookup(use_init_port, get_dtable_port, lookup, dirname, 0,
					      0, dir);
		free(dirname);
		return err;
	}
	if (!lastslash && file_name[0] == '\0')
		return ENOENT;
	/* "/file" is in the root, "file" in the working directory.  */
	which = lastslash ? INIT_PORT_CRDIR : INIT_PORT_CWDIR;
	*name = (char *) (lastslash ? file_name + 1 : file_name);
	saved = current_split_dir;
	current_split_dir = dir;
	err = (*use_init_port)(which, split_addref);
	current_split_dir = saved;
	if (err)
		*dir = MACH_PORT_NULL;
	return err;
}

error_t
__hurd_file_name_split(error_t (*use_init_port)(int which, error_t (*operate)(mach_port_t)),
		       file_t (*get_dtable_port)(int fd),
		       error_t (*lookup)(file_t dir, const char *name, int flags, mode_t mode,
					 retry_type *do_retry, string_t retry_name,
					 mach_port_t *result),
		       const char *file_name, file_t *dir, char **name)
{
	return split_at(use_init_port, get_dtable_port, lookup, file_name,
			strrchr(file_name, '/'), dir, name);
}

/* The public name of the same function, as the Hurd's glibc has it.  */
__typeof__(__hurd_file_name_split) hurd_file_name_split
	__attribute__((alias("__hurd_file_name_split")));

error_t
__hurd_directory_name_split(error_t (*use_init_port)(int which,
						     error_t (*operate)(mach_port_t)),
			    file_t (*get_dtable_port)(int fd),
			    error_t (*lookup)(file_t dir, const char *name, int flags, mode_t mode,
					      retry_type *do_retry, string_t retry_name,
					      mach_port_t *result),
			    const char *directory_name, file_t *dir, char **name)
{
	const char *lastslash = strrchr(directory_name, '/');

	if (lastslash && lastslash[1] == '\0') {
		/* Trailing slashes do not count: back over them, then find
		 * the slash before the last component.  */
		while (lastslash > directory_name && *lastslash == '/')
			lastslash--;
		lastslash = memrchr(directory_name, '/', (size_t) (lastslash - directory_name));
	}
	return split_at(use_init_port, get_dtable_port, lookup, directory_name, lastslash, dir,
			name);
}

/* The public name of the same function, as the Hurd's glibc has it.  */
__typeof__(__hurd_directory_name_split) hurd_directory_name_split
	__attribute__((alias("__hurd_directory_name_split")));

/* With the task's own ports.  */

static file_t
port_or_fail(error_t err, file_t port)
{
	if (err) {
		__hurd_fail(err);
		return MACH_PORT_NULL;
	}
	return port;
}

file_t
__file_name_lookup(const char *file, int flags, mode_t mode)
{
	file_t result;
	error_t err = __hurd_file_name_lookup(_hurd_ports_use, __getdport, NULL, file, flags,
					      mode & ~_hurd_umask, &result);

	return port_or_fail(err, result);
}

file_t
file_name_lookup(const char *file, int flags, mode_t mode)
{
	return __file_name_lookup(file, flags, mode);
}

/* file_name_lookup_under: STARTDIR stands in for the working directory.  */
static __thread file_t current_startdir;

static error_t
use_init_port_under(int which, error_t (*operate)(mach_port_t))
{
	return which == INIT_PORT_CWDIR ? (*operate)(current_startdir)
					: _hurd_ports_use(which, operate);
}

file_t
__file_name_lookup_under(file_t startdir, const char *file, int flags, mode_t mode)
{
	file_t saved = current_startdir, result;
	error_t err;

	current_startdir = startdir;
	err = __hurd_file_name_lookup(use_init_port_under, __getdport, NULL, file, flags,
				      mode & ~_hurd_umask, &result);
	current_startdir = saved;
	return port_or_fail(err, result);
}

file_t
file_name_lookup_under(file_t startdir, const char *file, int flags, mode_t mode)
{
	return __file_name_lookup_under(startdir, file, flags, mode);
}

file_t
__file_name_split(const char *file, char **name)
{
	file_t result;
	error_t err = __hurd_file_name_split(_hurd_ports_use, __getdport, NULL, file, &result,
					     name);

	return port_or_fail(err, result);
}

file_t
file_name_split(const char *file, char **name)
{
	return __file_name_split(file, name);
}

file_t
__directory_name_split(const char *file, char **name)
{
	file_t result;
	error_t err = __hurd_directory_name_split(_hurd_ports_use, __getdport, NULL, file,
						  &result, name);

	return port_or_fail(err, result);
}

file_t
directory_name_split(const char *file, char **name)
{
	return __directory_name_split(file, name);
}

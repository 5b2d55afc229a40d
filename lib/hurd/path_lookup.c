/* Lookups along a search path: file_name_path_scan and the
 * *_path_lookup functions built on it.  */

#include <hurd.h>
#include <hurd/lookup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hurd_private.h"

error_t
file_name_path_scan(const char *file_name, const char *path, error_t (*fun)(const char *name),
		    char **prefixed_name)
{
	error_t first_err = 0;

	if (prefixed_name)
		*prefixed_name = NULL;
	if (!path || strchr(file_name, '/'))
		return (*fun)(file_name);

	for (;;) {
		const char *end = strchrnul(path, ':');
		size_t dir_len = (size_t) (end - path);
		char *name;
		error_t err;

		/* An empty element is the working directory.  */
		if (dir_len == 0)
			err = asprintf(&name, "./%s", file_name) < 0 ? ENOMEM : 0;
		else
			err = asprintf(&name, "%.*s%s%s", (int) dir_len, path,
				       path[dir_len - 1] == '/' ? "" : "/", file_name) < 0
				      ? ENOMEM : 0;
		if (err)
			return err;
		err = (*fun)(name);
		if (!err) {
			if (prefixed_name)
				*prefixed_name = name;
			else
				free(name);
			return 0;
		}
		free(name);
		if (!first_err && err != ENOENT)
			first_err = err;
		if (*end == '\0')
			return first_err ? first_err : ENOENT;
		path = end + 1;
	}
}

/* hurd_file_name_path_lookup's arguments, for scan_lookup.  */
struct path_lookup {
	error_t (*use_init_port)(int, error_t (*)(mach_port_t));
	file_t (*get_dtable_port)(int);
	hurd_lookup_fn_t lookup;
	int flags;
	mode_t mode;
	file_t *result;
};
static __thread struct path_lookup *current_path_lookup;

static error_t
scan_lookup(const char *name)
{
	struct path_lookup *p = current_path_lookup;

	return __hurd_file_name_lookup(p->use_init_port, p->get_dtable_port, p->lookup, name,
				       p->flags, p->mode, p->result);
}

error_t
__hurd_file_name_path_lookup(error_t (*use_init_port)(int which,
						      error_t (*operate)(mach_port_t)),
			     file_t (*get_dtable_port)(int fd),
			     error_t (*lookup)(file_t dir, const char *name, int flags,
					       mode_t mode, retry_type *do_retry,
					       string_t retry_name, mach_port_t *result),
			     const char *file_name, const char *path, int flags, mode_t mode,
			     file_t *result, char **prefixed_name)
{
	struct path_lookup p = { use_init_port, get_dtable_port, lookup, flags, mode, result };
	struct path_lookup *saved = current_path_lookup;
	error_t err;

	current_path_lookup = &p;
	err = file_name_path_scan(file_name, path, scan_lookup, prefixed_name);
	current_path_lookup = saved;
	return err;
}

/* The public name of the same function, as the Hurd's glibc has it.  */
__typeof__(__hurd_file_name_path_lookup) hurd_file_name_path_lookup
	__attribute__((alias("__hurd_file_name_path_lookup")));

file_t
file_name_path_lookup(const char *file_name, const char *path, int flags, mode_t mode,
		      char **prefixed_name)
{
	file_t result;
	error_t err = __hurd_file_name_path_lookup(_hurd_ports_use, __getdport, NULL, file_name,
						   path, flags, mode & ~_hurd_umask, &result,
						   prefixed_name);

	if (err) {
		__hurd_fail(err);
		return MACH_PORT_NULL;
	}
	return result;
}

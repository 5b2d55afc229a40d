/* The library's defaults for what a translator may define: the hooks
 * (NULL: not used), trivfs_runtime_argp (NULL: no runtime options), and
 * trivfs_set_options, trivfs_append_args and trivfs_get_source.
 *
 * All are weak, so that a translator's own definition wins whether it
 * links libtrivfs statically or dynamically. */
#include "priv.h"

error_t (*trivfs_check_access_hook)(struct trivfs_control *, struct iouser *,
				    mach_port_t, int *) __attribute__((weak));
error_t (*trivfs_check_open_hook)(struct trivfs_control *, struct iouser *, int)
	__attribute__((weak));
error_t (*trivfs_open_hook)(struct trivfs_control *, struct iouser *, mach_port_t,
			    int, mach_port_t, struct trivfs_protid **) __attribute__((weak));
error_t (*trivfs_protid_create_hook)(struct trivfs_protid *) __attribute__((weak));
error_t (*trivfs_peropen_create_hook)(struct trivfs_peropen *) __attribute__((weak));
void (*trivfs_protid_destroy_hook)(struct trivfs_protid *) __attribute__((weak));
void (*trivfs_peropen_destroy_hook)(struct trivfs_peropen *) __attribute__((weak));
trivfs_getroot_hook_fun trivfs_getroot_hook __attribute__((weak));

struct argp *trivfs_runtime_argp __attribute__((weak));

error_t __attribute__((weak))
trivfs_set_options(struct trivfs_control *fsys, const char *argz, size_t argz_len)
{
	if (!trivfs_runtime_argp)
		return EOPNOTSUPP;
	return fshelp_set_options(trivfs_runtime_argp, 0, argz, argz_len, fsys);
}

error_t __attribute__((weak))
trivfs_append_args(struct trivfs_control *fsys, char **argz, size_t *argz_len)
{
	return EOPNOTSUPP;
}

error_t __attribute__((weak))
trivfs_get_source(char *source, size_t source_len)
{
	return EOPNOTSUPP;
}

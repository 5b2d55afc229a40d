/* Options: netfs_set_options (fsys_set_options), netfs_append_args
 * (fsys_get_options, file_get_fs_options), and the standard argps, which
 * hold no option of netfs's own.  Each of these is a default a translator
 * may replace. */
#include <argp.h>
#include "priv.h"

const struct argp netfs_std_runtime_argp = { 0 };
const struct argp netfs_std_startup_argp = { 0 };
struct argp *netfs_runtime_argp __attribute__((weak)) = (struct argp *) &netfs_std_runtime_argp;

error_t __attribute__((weak))
netfs_set_options(const char *argz, size_t argz_len)
{
	if (netfs_runtime_argp == NULL)
		return EOPNOTSUPP;
	return fshelp_set_options(netfs_runtime_argp, 0, argz, argz_len, NULL);
}

error_t __attribute__((weak))
netfs_append_std_options(char **argz, size_t *argz_len)
{
	(void) argz, (void) argz_len;
	return 0;
}

error_t __attribute__((weak))
netfs_append_args(char **argz, size_t *argz_len)
{
	return netfs_append_std_options(argz, argz_len);
}

/* fshelp_set_options: run-time options (fsys_set_options) are an argz
 * vector shaped like a command line; parse them with the server's argp
 * without printing anything or exiting. */
#include <argp.h>
#include <argz.h>
#include <hurd/fshelp.h>

error_t
fshelp_set_options(const struct argp *argp, int flags, const char *argz, size_t argz_len,
		   void *input)
{
	size_t argc = argz_count(argz, argz_len);
	char **argv = malloc((argc + 1) * sizeof *argv);
	error_t err;

	if (argv == NULL)
		return ENOMEM;
	argz_extract(argz, argz_len, argv);
	err = argp_parse(argp, (int) argc, argv,
			 flags | ARGP_NO_ERRS | ARGP_NO_HELP | ARGP_PARSE_ARGV0 | ARGP_NO_EXIT,
			 NULL, input);
	free(argv);
	return err;
}

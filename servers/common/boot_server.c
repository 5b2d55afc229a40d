/* boot_server: see boot_server.h.  */
#include "boot_server.h"

#include <getopt.h>
#include <mach/mach_error.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *boot_server_name = "server";
bool boot_server_verbose;

void
boot_server_log(const char *fmt, ...)
{
	if (!boot_server_verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", boot_server_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

const char *
boot_server_error_string(error_t err)
{
	/* errno values are small positive numbers; Mach's codes are either
	 * negative (MIG) or carry a subsystem in their high bits.  */
	if (err > 0 && err < 4096)
		return strerror(err);
	return mach_error_string(err);
}

void
boot_server_parse_args(const char *name, const char *usage, int argc, char **argv)
{
	static const struct option options[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	boot_server_name = name;
	while ((c = getopt_long(argc, argv, "vhV", options, NULL)) != -1) {
		switch (c) {
		case 'v':
			boot_server_verbose = true;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case 'V':
			printf("%s (HELL) %s\n", name, HELL_VERSION);
			exit(0);
		default:
			fputs(usage, stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", name, argv[optind]);
		exit(2);
	}
}

mach_port_t
boot_server_bootstrap_port(const char *why)
{
	mach_port_t boot = MACH_PORT_NULL;
	kern_return_t kr = task_get_bootstrap_port(mach_task_self(), &boot);

	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "%s: cannot get the bootstrap port: %s\n", boot_server_name,
			mach_error_string(kr));
		exit(2);
	}
	if (!MACH_PORT_VALID(boot)) {
		fprintf(stderr, "%s: no bootstrap port: %s is started by startup (`hell up'), %s\n",
			boot_server_name, boot_server_name, why);
		exit(2);
	}
	return boot;
}

/* boot_server: what the servers startup starts first (auth, proc) do
 * alike at start-up: the command line (-v, -h, -V), the bootstrap port
 * that stands for startup, and --verbose logging.  The rest of each
 * server's start-up is its own. */
#ifndef SERVERS_BOOT_SERVER_H
#define SERVERS_BOOT_SERVER_H

#include <errno.h>
#include <mach.h>
#include <stdbool.h>

/* The server's name ("auth"), set by boot_server_parse_args; it begins
 * each line the server prints.  */
extern const char *boot_server_name;
/* --verbose was given.  */
extern bool boot_server_verbose;

/* With --verbose, print "NAME: " and the message on stderr.  */
void boot_server_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A message for ERR: errno values by strerror, Mach's and MIG's codes
 * by mach_error_string.  */
const char *boot_server_error_string(error_t err);

/* Parse the command line of server NAME: -v/--verbose, -h/--help
 * (print USAGE, exit 0), -V/--version (exit 0).  Anything else, or any
 * argument, prints USAGE or a complaint on stderr and exits with status
 * 2.  */
void boot_server_parse_args(const char *name, const char *usage, int argc, char **argv);

/* The bootstrap port: a send right to startup's port.  Without one the
 * server was not started by startup and cannot run: print "NAME: no
 * bootstrap port: NAME is started by startup (`hell up'), " followed by
 * WHY, and exit with status 2 (likewise when it cannot be read).  */
mach_port_t boot_server_bootstrap_port(const char *why);

#endif

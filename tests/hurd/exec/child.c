/* The program the exec test has exec start: it reports what its exec
 * startup port told it through libhurd, and waits to be let go.
 *
 * Report (io_write on descriptor 1's io port, from exec's dtable):
 *   "argv=A,B,C env=VALUE umask=OOO ports=N"
 * where env is $EXEC_TEST (the Linux environment exec gave) and ports is
 * how many init ports libhurd holds; then "cwd" written to the
 * INIT_PORT_CWDIR port; then an io_read on descriptor 0's io port, which
 * the test answers when the program may exit.  Exit status 0 if all of
 * that worked, 1 otherwise (with a word on stderr). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hurd.h>
#include <hurd/io.h>

int
main(int argc, char **argv)
{
	char report[1024], buf[16];
	data_t data = buf;
	mach_msg_type_number_t len = sizeof buf;
	size_t n = 0;
	vm_size_t amount;
	io_t out, in;
	const char *env = getenv("EXEC_TEST");
	error_t err;
	int i, ports = 0;

	err = hurd_init();
	if (err) {
		fprintf(stderr, "child: hurd_init: %s\n", hurd_init_error());
		return 1;
	}
	for (i = 0; i < (int) _hurd_nports; i++) {
		mach_port_t p;

		if (_hurd_ports_get(i, &p) == 0 && MACH_PORT_VALID(p)) {
			ports++;
			mach_port_deallocate(mach_task_self(), p);
		}
	}
	n += snprintf(report + n, sizeof report - n, "argv=");
	for (i = 0; i < argc; i++)
		n += snprintf(report + n, sizeof report - n, "%s%s", i ? "," : "", argv[i]);
	snprintf(report + n, sizeof report - n, " env=%s umask=%03o ports=%d",
		 env ? env : "(none)", (unsigned) _hurd_umask, ports);

	out = getdport(1);
	if (out == MACH_PORT_NULL) {
		fprintf(stderr, "child: no io port for descriptor 1\n");
		return 1;
	}
	err = io_write(out, report, strlen(report), -1, &amount);
	mach_port_deallocate(mach_task_self(), out);
	if (err) {
		fprintf(stderr, "child: io_write: %d\n", err);
		return 1;
	}
	err = __USEPORT(CWDIR, io_write(port, "cwd", 3, -1, &amount));
	if (err) {
		fprintf(stderr, "child: io_write on the working directory: %d\n", err);
		return 1;
	}
	in = getdport(0);
	if (in == MACH_PORT_NULL)
		return 1;
	err = io_read(in, &data, &len, -1, sizeof buf);
	mach_port_deallocate(mach_task_self(), in);
	return err ? 1 : 0;
}

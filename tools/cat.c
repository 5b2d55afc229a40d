/* cat: copy Hurd files to standard output.
 *
 * Each FILE is opened through the Hurd's name space (file_name_lookup,
 * so translators answer) and read with io_read until it gives nothing
 * more; standard output is Linux's.  "-" (or no FILE) copies Linux's
 * standard input.  The exit status is 1 if any file failed.  */

#include <argp.h>
#include <error.h>
#include <hurd.h>
#include <hurd/io.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 65536

static int status;

static int
write_all(const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, data, len);

		if (n < 0)
			return -1;
		data += n;
		len -= (size_t) n;
	}
	return 0;
}

static void
cat_stdin(void)
{
	char buf[CHUNK];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
		if (write_all(buf, (size_t) n) < 0)
			error(1, errno, "write error");
	if (n < 0) {
		error(0, errno, "-");
		status = 1;
	}
}

static void
cat_file(const char *name)
{
	file_t file = file_name_lookup(name, O_READ, 0);
	error_t err = 0;

	if (file == MACH_PORT_NULL) {
		error(0, 0, "%s: %s", name, hurd_strerror(errno));
		status = 1;
		return;
	}
	for (;;) {
		char buf[CHUNK];
		data_t data = buf;
		mach_msg_type_number_t len = sizeof buf;

		/* Offset -1: the port's own file pointer.  */
		err = io_read(file, &data, &len, -1, CHUNK);
		if (err || len == 0)
			break;
		if (write_all(data, len) < 0)
			error(1, errno, "write error");
		if (data != buf)
			vm_deallocate(mach_task_self(), (vm_address_t) data, len);
	}
	if (err) {
		error(0, 0, "%s: %s", name, hurd_strerror(err));
		status = 1;
	}
	mach_port_deallocate(mach_task_self(), file);
}

static int nfiles;

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_ARG:
		nfiles++;
		if (strcmp(arg, "-") == 0)
			cat_stdin();
		else
			cat_file(arg);
		break;
	case ARGP_KEY_END:
		if (nfiles == 0)
			cat_stdin();
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	NULL, parse_opt, "[FILE...]",
	"Copy each FILE, looked up in the Hurd's name space, to standard output."
	"\vWith no FILE, or when FILE is -, read standard input.", 0, 0, 0
};

int
main(int argc, char *argv[])
{
	argp_parse(&argp, argc, argv, 0, 0, 0);
	return status;
}

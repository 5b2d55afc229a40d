/* drive: start a translator as its parent file system would, do what the
 * command line says with it, and stop it.  For shell-driven tests of
 * translators (HELL's and the Hurd's own, built against HELL).
 *
 *   drive ACTION... -- TRANSLATOR [ARG...]
 *
 * ACTIONs, done in order (each failure is printed and counted):
 *   read=TEXT      open for reading; one io_read of everything gives TEXT
 *   set=OPTION     fsys_set_options with the one word OPTION succeeds
 *   options=TEXT   fsys_get_options, less the program name, is TEXT
 *                  (words joined with spaces)
 *   source=TEXT    fsys_get_source gives TEXT
 *   write=N        open for writing; writing N bytes writes them all
 *   type=T         io_stat's file type is T: reg, chr or lnk
 *   retry=R:NAME   fsys_getroot (no O_NOLINK) answers the retry R
 *                  (normal, reauth, magical) with NAME, and no port for
 *                  magical, the dotdot port given for reauth
 *   nolink=T       fsys_getroot with O_NOLINK opens a node of type T
 *   readlink=TEXT  fsys_getroot with O_NOLINK opens a node that reads TEXT
 * Afterwards the translator is told to go away (forced), and must exit 0.
 * TEXT may use \n for a newline.  Exit status: 0 if everything held. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <hurd/hurd_types.h>
#include <hurd/io.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>

#include "testlib.h"
#include "parent.h"

/* TEXT with \n turned into newlines, in a new string. */
static char *
unescape(const char *text)
{
	char *s = strdup(text), *d = s;

	for (; *text; text++) {
		if (text[0] == '\\' && text[1] == 'n') {
			*d++ = '\n';
			text++;
		} else {
			*d++ = *text;
		}
	}
	*d = 0;
	return s;
}

static mode_t
type_named(const char *name)
{
	if (strcmp(name, "reg") == 0)
		return S_IFREG;
	if (strcmp(name, "chr") == 0)
		return S_IFCHR;
	if (strcmp(name, "lnk") == 0)
		return S_IFLNK;
	return 0;
}

/* One io_read of everything in FILE gives WANT. */
static void
check_contents(mach_port_t file, const char *want)
{
	char buf[256];
	data_t data = buf;
	mach_msg_type_number_t len = sizeof buf;

	CHECK_KR(io_read(file, &data, &len, 0, 1 << 20), KERN_SUCCESS);
	if (len != strlen(want) || memcmp(data, want, len) != 0) {
		fprintf(stderr, "drive: read '%.*s', expected '%s'\n", (int) len, data, want);
		CHECK(0);
	}
	if (data != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) data, len);
}

static void
do_read(struct parent_translator *t, const char *want)
{
	mach_port_t file;

	CHECK_KR(parent_open(t, HURD_O_READ, &file), KERN_SUCCESS);
	check_contents(file, want);
	mach_port_deallocate(mach_task_self(), file);
}

static void
do_options(struct parent_translator *t, const char *want)
{
	char buf[256], *opts, *p;
	data_t data = buf;
	mach_msg_type_number_t len = sizeof buf, i;

	CHECK_KR(fsys_get_options(t->control, &data, &len), KERN_SUCCESS);
	opts = calloc(1, len + 1);
	memcpy(opts, data, len);
	for (i = 0; i + 1 < len; i++)
		if (opts[i] == 0)
			opts[i] = ' ';
	p = strchr(opts, ' ');
	p = p ? p + 1 : opts + strlen(opts);
	if (strcmp(p, want) != 0) {
		fprintf(stderr, "drive: options '%s', expected '%s'\n", p, want);
		CHECK(0);
	}
	free(opts);
	if (data != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) data, len);
}

static void
do_write(struct parent_translator *t, long n)
{
	mach_port_t file;
	vm_size_t amount = 0;
	char *buf = calloc(1, n + 1);

	CHECK_KR(parent_open(t, HURD_O_WRITE, &file), KERN_SUCCESS);
	CHECK_KR(io_write(file, buf, n, -1, &amount), KERN_SUCCESS);
	CHECK_EQ(amount, n);
	mach_port_deallocate(mach_task_self(), file);
	free(buf);
}

static void
do_type(mach_port_t file, const char *name)
{
	io_statbuf_t st;

	CHECK_KR(io_stat(file, &st), KERN_SUCCESS);
	if ((st.st_mode & S_IFMT) != type_named(name)) {
		fprintf(stderr, "drive: type %o, expected %s\n", st.st_mode & S_IFMT, name);
		CHECK(0);
	}
}

/* fsys_getroot for the caller's ids, FLAGS on the wire, with a dotdot
 * port of ours. */
static kern_return_t
getroot(struct parent_translator *t, int flags, mach_port_t dotdot, retry_type *retry,
	string_t retry_name, mach_port_t *node)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	return fsys_getroot(t->control, dotdot, MACH_MSG_TYPE_MAKE_SEND, &uid, 1, &gid, 1,
			    flags, retry, retry_name, node);
}

static void
do_retry(struct parent_translator *t, const char *spec)
{
	static const char *kinds[] = { "", "normal", "reauth", "magical" };
	mach_port_t dotdot = testlib_port(), node = MACH_PORT_NULL;
	const char *name = strchr(spec, ':');
	retry_type retry = 0;
	string_t retry_name = "";

	CHECK(name != NULL);
	if (!name)
		return;
	name++;
	CHECK_KR(getroot(t, HURD_O_READ, dotdot, &retry, retry_name, &node), KERN_SUCCESS);
	if (retry < 1 || retry > 3 || strncmp(spec, kinds[retry], name - 1 - spec) != 0 ||
	    strcmp(retry_name, name) != 0) {
		fprintf(stderr, "drive: retry %d '%s', expected %s\n", retry, retry_name, spec);
		CHECK(0);
	}
	if (retry == FS_RETRY_MAGICAL)
		CHECK_EQ(node, MACH_PORT_NULL);
	if (retry == FS_RETRY_REAUTH)
		CHECK_EQ(node, dotdot);		/* our own directory, given back */
	if (MACH_PORT_VALID(node))
		mach_port_deallocate(mach_task_self(), node);
	mach_port_mod_refs(mach_task_self(), dotdot, MACH_PORT_RIGHT_RECEIVE, -1);
}

/* Open T's node itself (O_NOLINK) and check its TYPE or its CONTENTS. */
static void
do_nolink(struct parent_translator *t, const char *type, const char *contents)
{
	mach_port_t node = MACH_PORT_NULL;
	retry_type retry = 0;
	string_t retry_name = "";

	CHECK_KR(getroot(t, HURD_O_READ | HURD_O_NOLINK, MACH_PORT_NULL, &retry, retry_name,
			 &node), KERN_SUCCESS);
	CHECK_EQ(retry, FS_RETRY_NORMAL);
	if (MACH_PORT_VALID(node)) {
		if (type)
			do_type(node, type);
		if (contents)
			check_contents(node, contents);
		mach_port_deallocate(mach_task_self(), node);
	}
}

int
main(int argc, char **argv)
{
	struct parent_translator t;
	int i, first;

	for (first = 1; first < argc && strcmp(argv[first], "--") != 0; first++)
		continue;
	if (first + 1 >= argc) {
		fprintf(stderr, "usage: drive ACTION... -- TRANSLATOR [ARG...]\n");
		return 2;
	}
	if (parent_start(argv + first + 1, &t) != 0)
		return 2;

	for (i = 1; i < first; i++) {
		char *action = argv[i], *arg = strchr(action, '='), *text;

		if (!arg) {
			fprintf(stderr, "drive: bad action %s\n", action);
			return 2;
		}
		*arg++ = 0;
		text = unescape(arg);
		if (strcmp(action, "read") == 0)
			do_read(&t, text);
		else if (strcmp(action, "set") == 0)
			CHECK_KR(fsys_set_options(t.control, text, strlen(text) + 1, 0),
				 KERN_SUCCESS);
		else if (strcmp(action, "options") == 0)
			do_options(&t, text);
		else if (strcmp(action, "source") == 0) {
			string_t source = "";

			CHECK_KR(fsys_get_source(t.control, source), KERN_SUCCESS);
			CHECK(strcmp(source, text) == 0);
		} else if (strcmp(action, "write") == 0)
			do_write(&t, atol(text));
		else if (strcmp(action, "type") == 0) {
			mach_port_t file;

			CHECK_KR(parent_open(&t, HURD_O_READ, &file), KERN_SUCCESS);
			do_type(file, text);
			mach_port_deallocate(mach_task_self(), file);
		} else if (strcmp(action, "retry") == 0)
			do_retry(&t, text);
		else if (strcmp(action, "nolink") == 0)
			do_nolink(&t, text, NULL);
		else if (strcmp(action, "readlink") == 0)
			do_nolink(&t, NULL, text);
		else {
			fprintf(stderr, "drive: unknown action %s\n", action);
			return 2;
		}
		free(text);
	}
	CHECK_KR(parent_stop(&t, FSYS_GOAWAY_FORCE), KERN_SUCCESS);
	return testlib_failures ? 1 : 0;
}

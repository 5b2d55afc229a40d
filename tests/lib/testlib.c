/* testlib: see testlib.h. */
#include "testlib.h"

#include <stdarg.h>
#include <string.h>
#include <mach/mach_port.h>

int testlib_failures;
int testlib_checks;

void
testlib_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	testlib_failures++;
	fprintf(stderr, "FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
testlib_done(const char *name)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	if (testlib_failures) {
		fprintf(stderr, "%s: %d of %d checks failed\n", base,
			testlib_failures, testlib_checks);
		return 1;
	}
	printf("%s: all %d checks passed\n", base, testlib_checks);
	return 0;
}

mach_port_t
testlib_port(void)
{
	mach_port_t name = MACH_PORT_NULL;
	kern_return_t kr;

	kr = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &name);
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "testlib: mach_port_allocate: %s\n", mach_error_string(kr));
		exit(2);
	}
	return name;
}

mach_port_t
testlib_port_with_send(void)
{
	mach_port_t name = testlib_port();
	kern_return_t kr;

	kr = mach_port_insert_right(mach_task_self(), name, name, MACH_MSG_TYPE_MAKE_SEND);
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "testlib: mach_port_insert_right: %s\n", mach_error_string(kr));
		exit(2);
	}
	return name;
}

mach_port_type_t
testlib_type(mach_port_t name)
{
	mach_port_type_t type = 0;

	if (mach_port_type(mach_task_self(), name, &type) != KERN_SUCCESS)
		return 0;
	return type;
}

mach_port_urefs_t
testlib_refs(mach_port_t name, mach_port_right_t right)
{
	mach_port_urefs_t refs = 0;

	if (mach_port_get_refs(mach_task_self(), name, right, &refs) != KERN_SUCCESS)
		return 0;
	return refs;
}

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

mach_msg_return_t
testlib_send_right(mach_port_t dest, mach_port_t right, mach_msg_type_name_t disp,
		   mach_msg_id_t id, mach_msg_timeout_t timeout)
{
	struct {
		mach_msg_header_t h;
		mach_msg_type_t t;
		mach_port_name_inlined_t p;
	} m;

	memset(&m, 0, sizeof m);
	m.h.msgh_bits = MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m.h.msgh_size = sizeof m;
	m.h.msgh_remote_port = dest;
	m.h.msgh_id = id;
	m.t = (mach_msg_type_t) { .msgt_name = disp, .msgt_size = 64, .msgt_number = 1,
				  .msgt_inline = 1 };
	m.p.name = right;
	return mach_msg(&m.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof m, 0, MACH_PORT_NULL,
			timeout, MACH_PORT_NULL);
}

char
testlib_thread_state(int tid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

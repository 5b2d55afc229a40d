/* testlib: the small assertion library of HELL's tests.
 *
 * A test is an ordinary program linked with libmach and run as a task by
 * `hell run --private --leak-check`: it gets its own machd, and machd checks
 * at the end that its counts of ports, rights, messages and memory went
 * back to where they started.  A test prints one line per failed check
 * (file, line, the expression, what was expected and what came) and exits
 * non-zero if any check failed.
 *
 *   CHECK(cond)                     a boolean
 *   CHECK_KR(expr, expected)        a kern_return_t, printed by name
 *   CHECK_EQ(a, b)                  two integers
 *   TEST_DONE()                     at the end of main: return this
 */
#ifndef HELL_TESTLIB_H
#define HELL_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <mach.h>
#include <mach/mach_error.h>

extern int testlib_failures;
extern int testlib_checks;

void testlib_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond) do {						\
	testlib_checks++;						\
	if (!(cond))							\
		testlib_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond); \
} while (0)

#define CHECK_KR(expr, expected) do {					\
	kern_return_t _got = (expr), _want = (expected);		\
	testlib_checks++;						\
	if (_got != _want)						\
		testlib_fail(__FILE__, __LINE__, "%s: expected %s (%#x), got %s (%#x)", \
			     #expr, mach_error_string(_want), (unsigned) _want, \
			     mach_error_string(_got), (unsigned) _got);	\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long) (a), _b = (long long) (b);		\
	testlib_checks++;						\
	if (_a != _b)							\
		testlib_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", \
			     #a, #b, _a, _b);				\
} while (0)

/* Print a summary and give the exit status for main. */
int testlib_done(const char *name);
#define TEST_DONE() testlib_done(__FILE__)

/* Helpers used across tests. */

/* A fresh port with its receive right, named in this task. */
mach_port_t testlib_port(void);
/* Same, plus a send right under the same name. */
mach_port_t testlib_port_with_send(void);
/* The type bits of NAME in this task (0 and the error if none). */
mach_port_type_t testlib_type(mach_port_t name);
/* User references of RIGHT under NAME in this task. */
mach_port_urefs_t testlib_refs(mach_port_t name, mach_port_right_t right);

/* Send a send right (disposition DISP: MAKE_SEND, COPY_SEND, MOVE_SEND,
 * MAKE_SEND_ONCE ...) to DEST in an inline port item, message id ID,
 * waiting at most TIMEOUT ms for queue room. */
mach_msg_return_t testlib_send_right(mach_port_t dest, mach_port_t right,
				     mach_msg_type_name_t disp, mach_msg_id_t id,
				     mach_msg_timeout_t timeout);
/* Linux's state letter (R, S, D ...) of thread TID of this process, or '?'. */
char testlib_thread_state(int tid);

#endif

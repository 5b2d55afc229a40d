/* Assertions that stay on in release builds: machd serves mutually
 * distrustful tasks, and a broken invariant must stop it loudly (with the
 * file and line) rather than let it corrupt another task's state. */
#ifndef MACHD_UTIL_ASSERT_H
#define MACHD_UTIL_ASSERT_H

__attribute__((noreturn, cold))
void machd_assert_fail(const char *expr, const char *file, int line, const char *func);

#define MACHD_ASSERT(expr)						\
	((__builtin_expect(!!(expr), 1)) ? (void) 0 :			\
	 machd_assert_fail(#expr, __FILE__, __LINE__, __func__))

#endif

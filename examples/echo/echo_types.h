/* C types of echo.defs. */
#ifndef ECHO_TYPES_H
#define ECHO_TYPES_H
typedef char echo_string_t[256];
typedef const char *const_echo_string_t;
#endif

/* <nullauth.h>: the Hurd's libshouldbeinlibc call that drops every id
 * (part of libhurd on HELL).  */
#ifndef HELL_NULLAUTH_H
#define HELL_NULLAUTH_H

#include <errno.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Make an auth handle with no ids at all and use it from now on
 * (setauth): the process keeps no Unix privilege.  0 or an errno.  A
 * task without an auth handle (outside an environment) has no ids to
 * drop, and gets 0.  */
error_t setnullauth (void);

#ifdef __cplusplus
}
#endif

#endif

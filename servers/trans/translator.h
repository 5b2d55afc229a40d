/* translator: what the small translators (hello, null, symlink, firmlink)
 * do alike: starting on the node their bootstrap port stands for, and
 * going away when nobody has them open. */
#ifndef TRANS_TRANSLATOR_H
#define TRANS_TRANSLATOR_H

#include <hurd/trivfs.h>

/* Start as the translator on the node the bootstrap port stands for
 * (trivfs_startup, with libtrivfs' own bucket and classes), or exit: with
 * 1 when there is no bootstrap port (not started by settrans or a file
 * system), with 3 when trivfs_startup fails.  The control, whose
 * pi.bucket the translator then serves. */
struct trivfs_control *translator_startup(void);

/* trivfs_goaway for a translator that stays while its node is open:
 * EBUSY while any open is left, unless FLAGS has FSYS_GOAWAY_FORCE;
 * otherwise it exits (status 0). */
error_t translator_goaway_unless_open(struct trivfs_control *cntl, int flags);

#endif

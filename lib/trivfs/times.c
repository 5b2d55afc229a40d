/* trivfs_set_atime, trivfs_set_mtime: touch the underlying node's times.
 * The Hurd's file_utimens markers say "now" for one time and "leave it"
 * for the other. */
#include "priv.h"

static error_t
set_times(struct trivfs_control *cntl, long atime_nsec, long mtime_nsec)
{
	timespec_t atime = { .tv_sec = 0, .tv_nsec = atime_nsec };
	timespec_t mtime = { .tv_sec = 0, .tv_nsec = mtime_nsec };

	return file_utimens(cntl->underlying, atime, mtime);
}

error_t
trivfs_set_atime(struct trivfs_control *cntl)
{
	return set_times(cntl, HURD_UTIME_NOW, HURD_UTIME_OMIT);
}

error_t
trivfs_set_mtime(struct trivfs_control *cntl)
{
	return set_times(cntl, HURD_UTIME_OMIT, HURD_UTIME_NOW);
}

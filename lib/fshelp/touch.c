/* fshelp_touch: set a node's time stamps to now.  HELL has no mapped time
 * page, so the clock is read; the MAPTIME argument stays for the Hurd's
 * signature. */
#include <time.h>
#include <hurd/fshelp.h>

void
fshelp_touch(io_statbuf_t *st, unsigned what, volatile struct mapped_time_value *maptime)
{
	struct timespec now;

	(void) maptime;
	clock_gettime(CLOCK_REALTIME, &now);
	if (what & TOUCH_ATIME)
		st->st_atim = now;
	if (what & TOUCH_MTIME)
		st->st_mtim = now;
	if (what & TOUCH_CTIME)
		st->st_ctim = now;
}

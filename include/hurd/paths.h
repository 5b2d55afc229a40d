/* <hurd/paths.h>: the Hurd's well-known file names.
 *
 * The same names and values as the Hurd's own <hurd/paths.h>: programs
 * find servers through the file system, at /servers/NAME (a server's
 * rendezvous point), and the standard translators at /hurd/NAME.  On HELL
 * these names resolve inside the environment's root directory, not
 * Linux's: `hell up` installs HELL's translators in the root's hurd/.  */
#ifndef _HURD_PATHS_H
#define _HURD_PATHS_H

/* Rendezvous points of servers.  */
#define _SERVERS		"/servers/"
#define _SERVERS_CRASH		_SERVERS "crash"
#define _SERVERS_EXEC		_SERVERS "exec"
#define _SERVERS_STARTUP	_SERVERS "startup"
#define _SERVERS_PROC		_SERVERS "proc"
#define _SERVERS_PASSWORD	_SERVERS "password"
#define _SERVERS_DEFPAGER	_SERVERS "default-pager"
/* A directory of socket servers, one per address family, each named by
 * the family's number in decimal ("/servers/socket/1").  */
#define _SERVERS_SOCKET		_SERVERS "socket"
/* Virtual file systems of buses.  */
#define _SERVERS_BUS		_SERVERS "bus"
/* ACPI tables.  */
#define _SERVERS_ACPI		_SERVERS "acpi"

/* Programs of the Hurd.  */
#define _HURD			"/hurd/"
#define _HURD_STARTUP		_HURD "startup"
#define _HURD_PROC		_HURD "proc"
#define _HURD_AUTH		_HURD "auth"

/* The translators that give special files their meaning (file systems
 * that store these types natively may do without them).  */
#define _HURD_SYMLINK		_HURD "symlink"		/* S_IFLNK */
#define _HURD_CHRDEV		_HURD "chrdev"		/* S_IFCHR */
#define _HURD_BLKDEV		_HURD "blkdev"		/* S_IFBLK */
#define _HURD_FIFO		_HURD "fifo"		/* S_IFIFO */
#define _HURD_IFSOCK		_HURD "ifsock"		/* S_IFSOCK */

/* Other standard translators.  */
#define _HURD_MAGIC		_HURD "magic"
#define _HURD_MTAB		_HURD "mtab"

#endif /* _HURD_PATHS_H */

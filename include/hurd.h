/* <hurd.h>: the Hurd's client functions that glibc provides on the Hurd,
 * for HELL's programs (libhurd, lib/hurd; pkg-config hell).
 *
 * The same names, types and semantics as glibc's <hurd.h>, so that Hurd
 * programs and translators build unchanged: the task's init ports
 * (getauth, getproc, getcwdir, getcrdir, and _hurd_ports for code that
 * manages its own), and file name resolution (file_name_lookup and the
 * rest, with the Hurd's retry protocol; <hurd/lookup.h> has the versions
 * with caller-supplied ports).
 *
 * Where the ports come from (docs/hurd.md).  A HELL program is a Linux
 * process, so nothing runs at its start: libhurd initialises itself the
 * first time a function here needs a port.  It takes the task's
 * registered port 0 (mach_ports_lookup), its *exec startup port*, and
 * calls exec_startup_get_info on it: the answer's portarray (indexed by
 * INIT_PORT_*), intarray (INIT_UMASK ...), argv and envp, and dtable (the
 * io ports of the program's descriptors, when exec started it) become
 * _hurd_ports, _hurd_umask and _hurd_init_dtable.  The proc port in the
 * answer is the proc server's generic port; libhurd keeps the task's own
 * instead, proc_task2proc (proc, mach_task_self ()).  In a fork child the
 * cells are inherited (fork copies the send rights under their names)
 * and the proc port is made the child's own on its first use.
 *
 * A task with no exec startup port (a program not started inside an
 * environment: `hell up`, then `hell run PROG`) has no init ports: the
 * functions that need one fail with ENOTCONN, and hurd_init_error ()
 * says why in words.  Ports a program installs itself (_hurd_port_set on
 * _hurd_ports[INIT_PORT_...], as the Hurd's servers do at boot) work
 * either way.
 *
 * Error values are Linux's errno values (docs/hurd.md), with these
 * stand-ins for the Hurd's own codes that Linux lacks: EPROTO for
 * EGRATUITOUS (a server answered nonsense), EIO for EIEIO (a server
 * died).  File name resolution follows at most 40 links or magic
 * restarts (ELOOP); a name longer than PATH_MAX is ENAMETOOLONG.
 *
 * Not on HELL (a Linux process has Linux descriptors, signals and
 * exec): openport, fopenport, _hurd_exec, _hurd_exit, hurd_sig_post,
 * _hurd_socket_server, the data break and the Hurd's signal state.
 * hurd_thread_cancel and hurd_check_cancel are libports' (<hurd/ports.h>).
 */
#ifndef _HURD_H
#define _HURD_H 1

#include <errno.h>
#include <stdarg.h>
#include <sys/types.h>
#include <mach.h>
#include <mach/mig_errors.h>
#include <hurd/hurd_types.h>
#include <hurd/auth.h>
#include <hurd/process.h>
#include <hurd/fs.h>
#include <hurd/io.h>
#include <hurd/port.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __error_t_defined
typedef int error_t;
# define __error_t_defined 1
#endif

/* Set errno from ERR (turning a dead server's MACH_SEND_INVALID_DEST or
 * MIG_SERVER_DIED into EIO, KERN_NO_SPACE into ENOMEM and
 * KERN_INVALID_ARGUMENT into EINVAL) and return -1; 0 for ERR == 0.  */
int __hurd_fail (error_t err);

/* --- The task's basic ports and values, from exec startup ------------- */

/* The exec flags word of exec startup (EXEC_*).  */
extern int _hurd_exec_flags;
/* The init port cells, indexed by INIT_PORT_*; _hurd_nports of them.
 * Using a cell (_hurd_port_get, _hurd_port_set, HURD_PORT_USE)
 * initialises libhurd first.  */
extern struct hurd_port *_hurd_ports;
extern unsigned int _hurd_nports;
/* The umask for file creation (from INIT_UMASK; 022 if none was given). */
extern mode_t _hurd_umask;
/* The io ports of the descriptors exec was given (exec startup's
 * dtable), or NULL and 0.  getdport hands them out.  */
extern mach_port_t *_hurd_init_dtable;
extern mach_msg_type_number_t _hurd_init_dtablesize;

/* Evaluate EXPR with `port' bound to the init port WHICH (AUTH, PROC,
 * CWDIR, CRDIR, CTTYID, BOOTSTRAP).  */
#define __USEPORT(which, expr) HURD_PORT_USE (&_hurd_ports[INIT_PORT_##which], (expr))

/* Call OPERATE with the init port WHICH (no reference passes); ENOTCONN
 * if the port is absent because libhurd found no exec startup port,
 * EINVAL if WHICH is out of range.  */
error_t _hurd_ports_use (int which, error_t (*operate) (mach_port_t));

/* Get a new reference to the init port WHICH into *RESULT, or set the
 * init port WHICH to NEWPORT (a new reference is taken; setting AUTH
 * reauthenticates as setauth does, setting BOOTSTRAP sets the task's
 * bootstrap special port).  */
error_t _hurd_ports_get (unsigned int which, mach_port_t *result);
error_t _hurd_ports_set (unsigned int which, mach_port_t newport);

/* The init ports.  get* return a new send right (the caller deallocates
 * it), or MACH_PORT_NULL with errno set (ENOTCONN: no environment).  */
process_t getproc (void);
file_t getcwdir (void);
file_t getcrdir (void);
auth_t getauth (void);
mach_port_t getcttyid (void);	/* MACH_PORT_NULL, errno untouched, if none */

/* set* install a new reference to the port given (the caller keeps its
 * own) and return 0, or -1 with errno set.  */
int setproc (process_t proc);
int setcwdir (file_t dir);
int setcrdir (file_t dir);
int setcttyid (mach_port_t cttyid);

/* Make NEW the auth port and reauthenticate with it the proc port, the
 * root and working directories and the init dtable's ports.  */
int __setauth (auth_t new_auth);
int setauth (auth_t new_auth);

/* Point PORTCELL at the directory NAME (or the directory open as the
 * init dtable's FD), checking that it is a directory that may be
 * searched.  0, or -1 with errno set.  */
int _hurd_change_directory_port_from_name (struct hurd_port *portcell, const char *name);
int _hurd_change_directory_port_from_fd (struct hurd_port *portcell, int fd);

/* The effective user ids of the auth port: at most N of them into UIDSET,
 * returning how many there are (N == 0: just count); -1 and errno on
 * error.  seteuids makes an auth port with those effective ids (and the
 * current available ids and groups) and setauths it.  */
int geteuids (int n, uid_t *uidset);
int seteuids (int n, const uid_t *uidset);

/* --- File names ---------------------------------------------------------- */

/* Open FILE with FLAGS (C open flags: <fcntl.h>, plus O_READ, O_WRITE,
 * O_EXEC, O_NOTRANS, O_NOLINK from <hurd/hurd_types.h>) and MODE (less
 * _hurd_umask), relative to the working directory, or the root directory
 * if FILE starts with '/'.  Returns a send right to the file, or
 * MACH_PORT_NULL with errno set.  */
file_t __file_name_lookup (const char *file, int flags, mode_t mode);
file_t file_name_lookup (const char *file, int flags, mode_t mode);

/* The same, with STARTDIR as the working directory.  */
file_t __file_name_lookup_under (file_t startdir, const char *file, int flags, mode_t mode);
file_t file_name_lookup_under (file_t startdir, const char *file, int flags, mode_t mode);

/* Look up the directory part of FILE and return it; *NAME points into
 * FILE at the last component.  directory_name_split ignores trailing
 * slashes.  MACH_PORT_NULL and errno on error.  */
file_t __file_name_split (const char *file, char **name);
file_t file_name_split (const char *file, char **name);
file_t __directory_name_split (const char *file, char **name);
file_t directory_name_split (const char *file, char **name);

/* file_name_lookup, trying each directory of the ':'-separated PATH for a
 * FILE_NAME without '/' (<hurd/lookup.h>, hurd_file_name_path_lookup).
 * *PREFIXED_NAME (if PREFIXED_NAME is not NULL) is NULL, or the malloc'd
 * name that was found.  */
file_t file_name_path_lookup (const char *file_name, const char *path, int flags, mode_t mode,
			      char **prefixed_name);

/* A new reference to the io port of descriptor FD of the init dtable (the
 * descriptors exec gave the program as Hurd io ports), or MACH_PORT_NULL
 * with errno EBADF.  A HELL program's Linux descriptors have no io port. */
io_t __getdport (int fd);
io_t getdport (int fd);

/* Write the formatted output to PORT with io_write.  Returns the number
 * of bytes written, or -1 with errno set.  */
int vpprintf (io_t port, const char *format, va_list arg)
	__attribute__ ((format (printf, 2, 0)));

/* --- Processes ------------------------------------------------------------ */

/* The pid of the task TASK, or -1 with errno set.  */
pid_t __task2pid (task_t task);
pid_t task2pid (task_t task);

/* The task port of process PID, or MACH_PORT_NULL with errno set.  */
task_t __pid2task (pid_t pid);
task_t pid2task (pid_t pid);

/* The privileged host and device master ports, fetched once from proc
 * (proc_getprivports) and cached in _hurd_host_priv and
 * _hurd_device_master; a server that gets them some other way (at boot)
 * stores them there itself.  Either pointer may be NULL.  Each port
 * returned is a new reference.  */
kern_return_t __get_privileged_ports (mach_port_t *host_priv_ptr, device_t *device_master_ptr);
kern_return_t get_privileged_ports (mach_port_t *host_priv_ptr, device_t *device_master_ptr);
extern mach_port_t _hurd_host_priv, _hurd_device_master;

/* Install the init ports and ints of an exec startup answer that the
 * program got itself (a server started at boot, with no exec startup
 * port, builds one as libdiskfs does): each of the PORTARRAYSIZE ports
 * goes into its _hurd_ports cell (consuming its reference); INIT_UMASK
 * sets _hurd_umask.  Unlike glibc, the arrays are not deallocated.  After
 * this libhurd no longer looks for an exec startup port.  */
void _hurd_init (int flags, char **argv, mach_port_t *portarray, size_t portarraysize,
		 int *intarray, size_t intarraysize);

/* Tell proc about the task, after _hurd_ports[INIT_PORT_PROC] was set:
 * the cell then holds the task's own proc port.  */
void _hurd_proc_init (char **argv, const int *intarray, size_t intarraysize);

/* --- HELL's additions ------------------------------------------------------ */

/* Initialise libhurd now rather than on first use (it is done once; a
 * later call returns the first result).  0, or ENOTCONN if the task has
 * no exec startup port, or the error of exec_startup_get_info.  */
error_t hurd_init (void);

/* NULL if initialisation succeeded (or was not needed yet); otherwise a
 * sentence naming what is wrong, for the user: for a task outside an
 * environment, "not inside a HELL environment: use hell up, then hell
 * run".  */
const char *hurd_init_error (void);

/* A message for ERR, for the user: the reason from hurd_init_error for
 * ENOTCONN when libhurd found no environment, strerror for an errno
 * value, mach_error_string for a Mach or MIG code.  */
const char *hurd_strerror (error_t err);

#ifdef __cplusplus
}
#endif

#endif /* _HURD_H */

/* <hurd/lookup.h>: file name resolution with caller-supplied ports, as
 * glibc has it on the Hurd.
 *
 * Each function takes three callbacks, so a server can resolve names for
 * a client with the client's ports (exec, settrans and the file system
 * libraries do):
 *
 *   use_init_port (WHICH, OPERATE) calls OPERATE with a send right to the
 *     init port WHICH (INIT_PORT_CRDIR, INIT_PORT_CWDIR, INIT_PORT_AUTH,
 *     INIT_PORT_CTTYID ...) and returns what OPERATE returns.  OPERATE
 *     takes no reference; it adds its own if it keeps the right.
 *     _hurd_ports_use (<hurd.h>) is the caller's own ports.
 *   get_dtable_port (FD) returns a new reference to the io port of FD, or
 *     MACH_PORT_NULL with errno set (EBADF), as getdport does.  NULL: no
 *     descriptor names resolve ("fd/N" gives EGRATUITOUS's stand-in EPROTO).
 *   lookup is called like dir_lookup, and NULL means dir_lookup itself.
 *
 * All return 0 or an error code (a Linux errno value, or a Mach/MIG code
 * from a failed RPC).  FLAGS are C open flags (<fcntl.h>, plus O_READ,
 * O_NOTRANS ... from <hurd/hurd_types.h>); libhurd turns them into the
 * Hurd's wire values when it calls dir_lookup, and a LOOKUP callback
 * receives them as C flags too.
 *
 * HELL: the callbacks are plain C functions, as on the Hurd; libhurd
 * passes its own state to them in thread-local storage, so the functions
 * are reentrant and thread-safe without GCC's nested functions.  */
#ifndef _HURD_LOOKUP_H
#define _HURD_LOOKUP_H 1

#include <errno.h>
#include <sys/types.h>
#include <hurd/hurd_types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __error_t_defined
typedef int error_t;
# define __error_t_defined 1
#endif

/* The lookup callback's type: dir_lookup's arguments.  */
typedef error_t (*hurd_lookup_fn_t) (file_t dir, const char *name, int flags, mode_t mode,
				     retry_type *do_retry, string_t retry_name,
				     mach_port_t *result);
typedef error_t (*hurd_use_init_port_fn_t) (int which, error_t (*operate) (mach_port_t));
typedef file_t (*hurd_get_dtable_port_fn_t) (int fd);

/* Open FILE_NAME with FLAGS and MODE (MODE is used as given: the umask is
 * file_name_lookup's business), following every retry the servers ask
 * for; on success *RESULT is a send right to the file.  */
error_t __hurd_file_name_lookup (error_t (*use_init_port) (int which,
							   error_t (*operate) (mach_port_t)),
				 file_t (*get_dtable_port) (int fd),
				 error_t (*lookup) (file_t dir, const char *name, int flags,
						    mode_t mode, retry_type *do_retry,
						    string_t retry_name, mach_port_t *result),
				 const char *file_name, int flags, mode_t mode,
				 file_t *result);
error_t hurd_file_name_lookup (error_t (*use_init_port) (int which,
							 error_t (*operate) (mach_port_t)),
			       file_t (*get_dtable_port) (int fd),
			       error_t (*lookup) (file_t dir, const char *name, int flags,
						  mode_t mode, retry_type *do_retry,
						  string_t retry_name, mach_port_t *result),
			       const char *file_name, int flags, mode_t mode,
			       file_t *result);

/* Split FILE_NAME into its directory, looked up into *DIR, and the last
 * component, *NAME, which points into FILE_NAME.  */
error_t __hurd_file_name_split (error_t (*use_init_port) (int which,
							  error_t (*operate) (mach_port_t)),
				file_t (*get_dtable_port) (int fd),
				error_t (*lookup) (file_t dir, const char *name, int flags,
						   mode_t mode, retry_type *do_retry,
						   string_t retry_name, mach_port_t *result),
				const char *file_name, file_t *dir, char **name);
error_t hurd_file_name_split (error_t (*use_init_port) (int which,
							error_t (*operate) (mach_port_t)),
			      file_t (*get_dtable_port) (int fd),
			      error_t (*lookup) (file_t dir, const char *name, int flags,
						 mode_t mode, retry_type *do_retry,
						 string_t retry_name, mach_port_t *result),
			      const char *file_name, file_t *dir, char **name);

/* The same, ignoring trailing slashes: *NAME is never "" (unless
 * DIRECTORY_NAME is all slashes).  */
error_t __hurd_directory_name_split (error_t (*use_init_port) (int which,
							       error_t (*operate) (mach_port_t)),
				     file_t (*get_dtable_port) (int fd),
				     error_t (*lookup) (file_t dir, const char *name, int flags,
							mode_t mode, retry_type *do_retry,
							string_t retry_name, mach_port_t *result),
				     const char *directory_name, file_t *dir, char **name);
error_t hurd_directory_name_split (error_t (*use_init_port) (int which,
							     error_t (*operate) (mach_port_t)),
				   file_t (*get_dtable_port) (int fd),
				   error_t (*lookup) (file_t dir, const char *name, int flags,
						      mode_t mode, retry_type *do_retry,
						      string_t retry_name, mach_port_t *result),
				   const char *directory_name, file_t *dir, char **name);

/* Carry on from what dir_lookup, fsys_getroot or file_invoke_translator
 * answered (DORETRY, RETRYNAME, *RESULT) until the lookup ends.
 * Consumes the reference in *RESULT even when it fails.  RETRYNAME is
 * used as scratch space.  The retry kinds: FS_RETRY_NORMAL (go on with
 * RETRYNAME on *RESULT; "" means *RESULT is the file), FS_RETRY_REAUTH
 * (reauthenticate *RESULT with io_reauthenticate and the auth server
 * first), FS_RETRY_MAGICAL (RETRYNAME is "/..." to restart at the root,
 * "fd/N[/...]", "machtype[/...]", "tty[/...]" or "pid[/...]").  Any other
 * answer is a protocol error (EPROTO); more than 40 restarts is ELOOP.  */
error_t __hurd_file_name_lookup_retry (error_t (*use_init_port) (int which,
								 error_t (*operate) (mach_port_t)),
				       file_t (*get_dtable_port) (int fd),
				       error_t (*lookup) (file_t dir, const char *name, int flags,
							  mode_t mode, retry_type *do_retry,
							  string_t retry_name, mach_port_t *result),
				       enum retry_type doretry, char retryname[1024],
				       int flags, mode_t mode, file_t *result);
error_t hurd_file_name_lookup_retry (error_t (*use_init_port) (int which,
							       error_t (*operate) (mach_port_t)),
				     file_t (*get_dtable_port) (int fd),
				     error_t (*lookup) (file_t dir, const char *name, int flags,
							mode_t mode, retry_type *do_retry,
							string_t retry_name, mach_port_t *result),
				     enum retry_type doretry, char retryname[1024],
				     int flags, mode_t mode, file_t *result);

/* If FILE_NAME has a '/' or PATH is NULL, return FUN (FILE_NAME) (and set
 * *PREFIXED_NAME to NULL).  Otherwise try FUN on FILE_NAME prefixed with
 * each ':'-separated element of PATH (an empty element is "."), and stop
 * at the first that gives 0, setting *PREFIXED_NAME to a malloc'd copy of
 * that name.  If none does, return the first error other than ENOENT, or
 * ENOENT.  */
error_t file_name_path_scan (const char *file_name, const char *path,
			     error_t (*fun) (const char *name), char **prefixed_name);

/* hurd_file_name_lookup through file_name_path_scan.  */
error_t __hurd_file_name_path_lookup (error_t (*use_init_port) (int which,
								error_t (*operate) (mach_port_t)),
				      file_t (*get_dtable_port) (int fd),
				      error_t (*lookup) (file_t dir, const char *name, int flags,
							 mode_t mode, retry_type *do_retry,
							 string_t retry_name, mach_port_t *result),
				      const char *file_name, const char *path,
				      int flags, mode_t mode,
				      file_t *result, char **prefixed_name);
error_t hurd_file_name_path_lookup (error_t (*use_init_port) (int which,
							      error_t (*operate) (mach_port_t)),
				    file_t (*get_dtable_port) (int fd),
				    error_t (*lookup) (file_t dir, const char *name, int flags,
						       mode_t mode, retry_type *do_retry,
						       string_t retry_name, mach_port_t *result),
				    const char *file_name, const char *path,
				    int flags, mode_t mode,
				    file_t *result, char **prefixed_name);

#ifdef __cplusplus
}
#endif

#endif /* _HURD_LOOKUP_H */

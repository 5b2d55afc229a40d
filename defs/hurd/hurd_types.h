/* HELL: C types and constants of the Hurd's RPC interfaces.
 *
 * The C counterpart of <hurd/hurd_types.defs>: every MIG type the
 * interfaces use by name is declared here, plus the flag and enum
 * values the RPCs carry.  Values and layouts are the Hurd's (they are
 * part of the wire protocol); where the Hurd's type is a glibc
 * structure whose Linux x86_64 layout differs, HELL declares the Hurd's
 * layout as its own structure (struct hurd_stat, struct hurd_statfs,
 * struct hurd_flock, struct hurd_utsname) and checks its size below.  */

#ifndef _HURD_HURD_TYPES_H
#define _HURD_HURD_TYPES_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/resource.h>
#include <time.h>
#include <errno.h>
#include <mach/std_types.h>
#include <mach/message.h>

#define HURD_RELEASE "0.0"

/* Ports, by the object they name.  */
typedef mach_port_t file_t;
typedef mach_port_t fsys_t;
typedef mach_port_t io_t;
typedef mach_port_t process_t;
typedef mach_port_t auth_t;
typedef mach_port_t socket_t;
typedef mach_port_t pf_t;		/* a protocol family */
typedef mach_port_t addr_port_t;
typedef mach_port_t term_t;
typedef mach_port_t startup_t;
typedef mach_port_t fs_notify_t;
typedef mach_port_t exec_startup_t;
typedef mach_port_t interrupt_t;
typedef mach_port_t proccoll_t;
typedef mach_port_t ctty_t;
typedef mach_port_t pci_t;
typedef mach_port_t shutdown_t;
typedef mach_port_t acpi_t;

/* Variable-length data; MIG hands in-arguments over as const_X.  */
typedef char *data_t;
typedef const char *const_data_t;
typedef char string_t[1024];
typedef const char *const_string_t;
typedef int *intarray_t;
typedef const int *const_intarray_t;
typedef int *fd_mask_t;
typedef const int *const_fd_mask_t;
typedef mach_port_t *portarray_t;
typedef const mach_port_t *const_portarray_t;
typedef pid_t *pidarray_t;
typedef const pid_t *const_pidarray_t;
typedef uid_t *idarray_t;
typedef const uid_t *const_idarray_t;
typedef int *procinfo_t;
typedef const int *const_procinfo_t;

/* 64-bit offsets and inode numbers.  glibc declares these only for
 * _DEFAULT_SOURCE; repeating an identical typedef is harmless.  */
typedef __loff_t loff_t;
typedef __ino64_t ino64_t;
typedef loff_t *off_array_t;
typedef const loff_t *const_off_array_t;

typedef struct timespec timespec_t;

/* struct rusage: the Hurd's x86_64 layout is Linux x86_64's.  */
typedef struct rusage rusage_t;

/* The Hurd's x86_64 struct stat, as io_stat returns it.  Linux's
 * struct stat orders and sizes its members differently (and has no
 * st_fstype, st_fsid, st_gen, st_author or st_flags), so translate
 * with care.  st_atime and friends work through <sys/stat.h>'s macros
 * if that header is included.  */
struct hurd_stat
{
  int st_fstype;		/* FSTYPE_* */
  uint64_t st_fsid;		/* file system id */
  ino64_t st_ino;
  unsigned int st_gen;		/* generation number */
  uint64_t st_rdev;		/* dev_t */
  uint32_t st_mode;		/* mode_t, with the Hurd's S_I* bits */
  uint64_t st_nlink;		/* nlink_t */
  uint32_t st_uid;
  uint32_t st_gid;
  loff_t st_size;
  struct timespec st_atim;
  struct timespec st_mtim;
  struct timespec st_ctim;
  long st_blksize;
  int64_t st_blocks;
  uint32_t st_author;
  unsigned int st_flags;
  int st_spare[8];
};
typedef struct hurd_stat io_statbuf_t;

/* The Hurd's x86_64 struct statfs, as file_statfs returns it.  */
struct hurd_statfs
{
  unsigned int f_type;
  unsigned long f_bsize;
  uint64_t f_blocks;
  uint64_t f_bfree;
  uint64_t f_bavail;
  uint64_t f_files;
  uint64_t f_ffree;
  uint64_t f_fsid;
  unsigned long f_namelen;
  uint64_t f_favail;
  unsigned long f_frsize;
  unsigned long f_flag;
  unsigned int f_spare[3];
};
typedef struct hurd_statfs fsys_statfsbuf_t;

/* The Hurd's struct flock64 (file_record_lock).  */
struct hurd_flock
{
  int l_type;
  int l_whence;
  loff_t l_start;
  loff_t l_len;
  pid_t l_pid;
};
typedef struct hurd_flock flock_t;

/* The Hurd's struct utsname (proc_uname): no domainname.  */
#define HURD_UTSNAME_LENGTH 1024
struct hurd_utsname
{
  char sysname[HURD_UTSNAME_LENGTH];
  char nodename[HURD_UTSNAME_LENGTH];
  char release[HURD_UTSNAME_LENGTH];
  char version[HURD_UTSNAME_LENGTH];
  char machine[HURD_UTSNAME_LENGTH];
};
typedef struct hurd_utsname utsname_t;

#if defined __x86_64__
_Static_assert (sizeof (io_statbuf_t) == 176, "Hurd x86_64 struct stat");
_Static_assert (sizeof (fsys_statfsbuf_t) == 112, "Hurd x86_64 struct statfs");
_Static_assert (sizeof (rusage_t) == 144, "Hurd x86_64 struct rusage");
_Static_assert (sizeof (flock_t) == 32, "Hurd x86_64 struct flock64");
_Static_assert (sizeof (utsname_t) == 5 * 1024, "Hurd struct utsname");
#endif

/* file_exec / exec_exec flags.  */
#define EXEC_NEWTASK	0x00000001	/* run in a new task, not the old one */
#define EXEC_SECURE	0x00000002	/* ignore caller's extra ports */
#define EXEC_DEFAULTS	0x00000004	/* fill in unsupplied ports/ints */
#define EXEC_SIGTRAP	0x00000008	/* stop with SIGTRAP at entry */
#define EXEC_STACK_ARGS	0x00000010	/* args on the new stack */

/* file_set_translator flags.  */
#define FS_TRANS_FORCE	0x00000001	/* override a running translator */
#define FS_TRANS_EXCL	0x00000002	/* fail if one is already set */
#define FS_TRANS_SET	0x00000004	/* set, rather than just check */
#define FS_TRANS_ORPHAN	0x00000008	/* leave the old one running */

/* What dir_lookup's caller does next with retry_name.  */
enum retry_type
{
  FS_RETRY_NORMAL = 1,		/* look retry_name up on the result port */
  FS_RETRY_REAUTH = 2,		/* reauthenticate the result first */
  FS_RETRY_MAGICAL = 3,		/* retry_name is a magic name for the client */
};
typedef enum retry_type retry_type;

/* fs_notify change kinds.  */
enum dir_changed_type
{
  DIR_CHANGED_NULL,
  DIR_CHANGED_NEW,
  DIR_CHANGED_UNLINK,
  DIR_CHANGED_RENUMBER,
};
typedef enum dir_changed_type dir_changed_type_t;

enum file_changed_type
{
  FILE_CHANGED_NULL,
  FILE_CHANGED_WRITE,
  FILE_CHANGED_EXTEND,
  FILE_CHANGED_TRUNCATE,
  FILE_CHANGED_META,
};
typedef enum file_changed_type file_changed_type_t;

/* io_select bits.  */
#define SELECT_READ	0x00000001
#define SELECT_WRITE	0x00000002
#define SELECT_URG	0x00000004

/* fsys_goaway flags.  */
#define FSYS_GOAWAY_NOWAIT	0x00000001	/* exit now, even if busy */
#define FSYS_GOAWAY_NOSYNC	0x00000002	/* skip syncing */
#define FSYS_GOAWAY_FORCE	0x00000004	/* go even if in use */
#define FSYS_GOAWAY_UNLINK	0x00000008	/* only if a dir, as for rmdir */
#define FSYS_GOAWAY_RECURSE	0x00000010	/* shut children down too */

/* term_get_bottom_type results.  */
enum term_bottom_type
{
  TERM_ON_MACHDEV,
  TERM_ON_HURDIO,
  TERM_ON_MASTERPTY,
};

/* file_get_storage_info: the storage class is the first int.  */
enum file_storage_class
{
  STORAGE_OTHER,
  STORAGE_DEVICE,
  STORAGE_HURD_FILE,
  STORAGE_NETWORK,
  STORAGE_MEMORY,
  STORAGE_TASK,
  STORAGE_ZERO,
  STORAGE_CONCAT,
  STORAGE_INTERLEAVE,
  STORAGE_LAYER,
  STORAGE_REMAP,
  STORAGE_COPY,
};
#define STORAGE_MUTATED	0x00000001

/* proc_getprocinfo.  */
#include <mach/task_info.h>
#include <mach/thread_info.h>
#if !defined THREAD_SCHED_INFO
# include <mach/policy.h>
#endif

#define PI_FETCH_TASKINFO	0x0001
#define PI_FETCH_THREADS	0x0002
#define PI_FETCH_THREAD_BASIC	0x0004
#define PI_FETCH_THREAD_SCHED	0x0008
#define PI_FETCH_THREAD_WAITS	0x0010
#define PI_FETCH_TASKEVENTS	0x0020

struct procinfo
{
  int state;			/* PI_* */
  uid_t owner;
  pid_t ppid;
  pid_t pgrp;
  pid_t session;
  pid_t logincollection;
  int exitstatus;
  int sigcode;
  int nthreads;			/* entries in threadinfos */
  struct task_basic_info taskinfo;
  struct task_events_info taskevents;
#if defined TASK_SCHED_TIMESHARE_INFO
  struct policy_timeshare_base timeshare_base_info;
#endif
  struct
  {
    int died;			/* the thread died since the last call */
    mach_msg_id_t rpc_block;	/* the RPC it waits in, or 0 */
    struct thread_basic_info pis_bi;
#if defined THREAD_SCHED_INFO
    struct thread_sched_info pis_si;
#else
    struct policy_infos pis_pi;
#endif
  } threadinfos[0];
};

/* procinfo.state bits.  */
#define PI_STOPPED	0x00000001
#define PI_EXECED	0x00000002
#define PI_WAITING	0x00000004
#define PI_ORPHAN	0x00000008
#define PI_NOMSG	0x00000010
#define PI_SESSLD	0x00000020
#define PI_NOTOWNED	0x00000040
#define PI_NOPARENT	0x00000080
#define PI_ZOMBIE	0x00000100
#define PI_TRACED	0x00000200
#define PI_GETMSG	0x00000400
#define PI_LOGINLD	0x00000800

/* io_statbuf_t.st_fstype.  */
#define FSTYPE_UFS	0x00000000
#define FSTYPE_NFS	0x00000001
#define FSTYPE_GFS	0x00000002
#define FSTYPE_LFS	0x00000003
#define FSTYPE_SYSV	0x00000004
#define FSTYPE_FTP	0x00000005
#define FSTYPE_TAR	0x00000006
#define FSTYPE_AR	0x00000007
#define FSTYPE_CPIO	0x00000008
#define FSTYPE_MSLOSS	0x00000009
#define FSTYPE_CPM	0x0000000a
#define FSTYPE_HFS	0x0000000b
#define FSTYPE_DTFS	0x0000000c
#define FSTYPE_GRFS	0x0000000d
#define FSTYPE_TERM	0x0000000e
#define FSTYPE_DEV	0x0000000f
#define FSTYPE_PROC	0x00000010
#define FSTYPE_IFSOCK	0x00000011
#define FSTYPE_AFS	0x00000012
#define FSTYPE_DFS	0x00000013
#define FSTYPE_PROC9	0x00000014
#define FSTYPE_SOCKET	0x00000015
#define FSTYPE_MISC	0x00000016
#define FSTYPE_EXT2FS	0x00000017
#define FSTYPE_HTTP	0x00000018
#define FSTYPE_MEMFS	0x00000019
#define FSTYPE_ISO9660	0x0000001a
#define FSTYPE_PCI	0x0000001b
#define FSTYPE_ACPI	0x0000001c

/* Indices of msg_get_init_port(s) and exec's portarray.  */
enum
{
  INIT_PORT_CWDIR,
  INIT_PORT_CRDIR,
  INIT_PORT_AUTH,
  INIT_PORT_PROC,
  INIT_PORT_CTTYID,
  INIT_PORT_BOOTSTRAP,
  INIT_PORT_MAX
};

/* Indices of msg_get_init_int(s) and exec's intarray.  */
enum
{
  INIT_UMASK,
  INIT_SIGMASK,
  INIT_SIGIGN,
  INIT_SIGPENDING,
  INIT_TRACEMASK,
  INIT_INT_MAX,
};

/* glibc's names, on the Hurd, for Mach's and MIG's error codes, so that
 * code comparing an RPC's result with them builds; and the Hurd's own
 * errno names, as the Linux errno HELL's servers use for them.  */
#include <mach/kern_return.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#ifndef EMIG_BAD_ID
# define EMIG_TYPE_ERROR	MIG_TYPE_ERROR
# define EMIG_REPLY_MISMATCH	MIG_REPLY_MISMATCH
# define EMIG_REMOTE_ERROR	MIG_REMOTE_ERROR
# define EMIG_BAD_ID		MIG_BAD_ID
# define EMIG_BAD_ARGUMENTS	MIG_BAD_ARGUMENTS
# define EMIG_NO_REPLY		MIG_NO_REPLY
# define EMIG_EXCEPTION		MIG_EXCEPTION
# define EMIG_ARRAY_TOO_LARGE	MIG_ARRAY_TOO_LARGE
# define EMIG_SERVER_DIED	MIG_SERVER_DIED
# define EMIG_DESTROY_REQUEST	MIG_DESTROY_REQUEST
# define EMACH_SEND_INVALID_DEST MACH_SEND_INVALID_DEST
# define EMACH_SEND_TIMED_OUT	MACH_SEND_TIMED_OUT
# define EMACH_SEND_INTERRUPTED	MACH_SEND_INTERRUPTED
# define EMACH_RCV_TIMED_OUT	MACH_RCV_TIMED_OUT
# define EMACH_RCV_INTERRUPTED	MACH_RCV_INTERRUPTED
# define EMACH_RCV_INVALID_NAME	MACH_RCV_INVALID_NAME
# define EKERN_INVALID_ADDRESS	KERN_INVALID_ADDRESS
# define EKERN_PROTECTION_FAILURE KERN_PROTECTION_FAILURE
# define EKERN_NO_SPACE		KERN_NO_SPACE
# define EKERN_INVALID_ARGUMENT	KERN_INVALID_ARGUMENT
# define EKERN_FAILURE		KERN_FAILURE
# define EKERN_RESOURCE_SHORTAGE KERN_RESOURCE_SHORTAGE
# define EKERN_NO_ACCESS	KERN_NO_ACCESS
# define EKERN_INVALID_NAME	KERN_INVALID_NAME
# define EKERN_INVALID_TASK	KERN_INVALID_TASK
# define EKERN_INVALID_RIGHT	KERN_INVALID_RIGHT
# define EKERN_INVALID_VALUE	KERN_INVALID_VALUE
#endif
#ifndef EGRATUITOUS
# define EGRATUITOUS	EPROTO		/* "gratuitous error": a server misbehaved */
#endif
#ifndef EIEIO
# define EIEIO		EIO		/* "computer bought the farm" */
#endif
#ifndef EBACKGROUND
# define EBACKGROUND	EIO		/* no job control on HELL's terminals */
#endif
#ifndef ED_IO
# define ED_IO		EIO
#endif

/* The Hurd's st_mode bits beyond POSIX's.  Linux uses only the low 16
 * bits of st_mode, so these travel and are used at the Hurd's values.  */
#ifndef S_IPTRANS
# define S_INOCACHE	000000200000	/* no benefit in caching the contents */
# define S_IUSEUNK	000000400000	/* S_IUNKNOWN applies to unknown users */
# define S_IUNKNOWN	000007000000	/* protection bits for unknown users */
# define S_IUNKSHIFT	12		/* S_IREAD etc. << this = S_IUNKNOWN bits */
# define S_IPTRANS	000010000000	/* a passive translator is set */
# define S_IATRANS	000020000000	/* an active translator runs */
# define S_IROOT	000040000000	/* the root of a translator */
# define S_ITRANS	000070000000	/* all the translator bits */
# define S_IMMAP0	000100000000	/* never mapped */
# define S_ISPARE	(~(S_IFMT | S_ITRANS | S_INOCACHE | S_IMMAP0 | S_IUSEUNK \
			   | S_IUNKNOWN | 07777))
#endif

/* file_utimens: the Hurd's markers in a timespec's tv_nsec.  Linux's
 * UTIME_NOW and UTIME_OMIT have other values; servers compare with these. */
#define HURD_UTIME_NOW	(-1L)
#define HURD_UTIME_OMIT	(-2L)

/* Open flags.
 *
 * On the wire (dir_lookup, fsys_getroot, dir_mkfile, fsys_startup and the
 * io_*_openmodes calls) open flags are the Hurd's values, HURD_O_* below.
 * In C, a HELL program has Linux's <fcntl.h>, whose O_CREAT, O_TRUNC ...
 * have Linux's values, and whose access mode is a number (O_RDONLY 0,
 * O_WRONLY 1, O_RDWR 2) rather than the Hurd's read/write bits.  So that
 * the Hurd's code works unchanged (cred->po->openmodes & O_READ), HELL
 * defines the Hurd-only names here with bits Linux does not use, and the
 * libraries convert at the wire: hurd_openflags_to_wire on the way out,
 * hurd_openflags_from_wire on the way in.  Translator code therefore only
 * ever sees the C values.
 *
 * One difference remains: O_RDONLY is 0 on Linux, the Hurd's O_NORW.  Ask
 * for reading with O_READ (as the Hurd's own code does); O_WRONLY and
 * O_RDWR mean O_WRITE and O_READ|O_WRITE.  */
#include <fcntl.h>
#ifndef O_NOATIME		/* Linux names it only with _GNU_SOURCE */
# define O_NOATIME	01000000
#endif

#define HURD_O_READ		0x00000001
#define HURD_O_WRITE		0x00000002
#define HURD_O_EXEC		0x00000004
#define HURD_O_NONBLOCK		0x00000008
#define HURD_O_CREAT		0x00000010
#define HURD_O_EXCL		0x00000020
#define HURD_O_NOLINK		0x00000040
#define HURD_O_NOTRANS		0x00000080
#define HURD_O_APPEND		0x00000100
#define HURD_O_ASYNC		0x00000200
#define HURD_O_FSYNC		0x00000400
#define HURD_O_NOATIME		0x00000800
#define HURD_O_TRUNC		0x00010000
#define HURD_O_SHLOCK		0x00020000
#define HURD_O_EXLOCK		0x00040000
#define HURD_O_IGNORE_CTTY	0x00080000
#define HURD_O_NOFOLLOW		0x00100000
#define HURD_O_DIRECTORY	0x00200000
#define HURD_O_CLOEXEC		0x00400000
#define HURD_O_TMPFILE		0x00800000

/* The Hurd-only names, in C: bits above everything Linux's open() uses
 * (its highest, __O_TMPFILE, is 0x400000).  */
#ifndef O_READ
# define O_READ		0x01000000
# define O_WRITE	0x02000000
# define O_EXEC		0x04000000
# define O_NORW		0
#endif
#ifndef O_NOTRANS
# define O_NOTRANS	0x08000000
#endif
#ifndef O_NOLINK
# define O_NOLINK	0x10000000
#endif
#ifndef O_IGNORE_CTTY
# define O_IGNORE_CTTY	0x20000000
#endif
#ifndef O_SHLOCK
# define O_SHLOCK	0x40000000
#endif
#ifndef O_EXLOCK
# define O_EXLOCK	0x00800000
#endif
#ifndef O_FSYNC
# define O_FSYNC	O_SYNC
#endif
/* The bits io servers keep as a port's open modes.  */
#ifndef O_HURD
# define O_HURD		(O_READ | O_WRITE | O_EXEC | O_NONBLOCK | O_CREAT | O_EXCL \
			 | O_NOLINK | O_NOTRANS | O_APPEND | O_ASYNC | O_SYNC \
			 | O_NOATIME | O_SHLOCK | O_EXLOCK)
#endif

/* One table drives both directions: each pair is a C flag and its wire
 * value.  O_SYNC on Linux includes O_DSYNC's bit, so it is matched whole. */
#define _HURD_OPENFLAG_PAIRS(X)			\
	X (O_READ, HURD_O_READ)			\
	X (O_WRITE, HURD_O_WRITE)		\
	X (O_EXEC, HURD_O_EXEC)			\
	X (O_NONBLOCK, HURD_O_NONBLOCK)		\
	X (O_CREAT, HURD_O_CREAT)		\
	X (O_EXCL, HURD_O_EXCL)			\
	X (O_NOLINK, HURD_O_NOLINK)		\
	X (O_NOTRANS, HURD_O_NOTRANS)		\
	X (O_APPEND, HURD_O_APPEND)		\
	X (O_ASYNC, HURD_O_ASYNC)		\
	X (O_SYNC, HURD_O_FSYNC)		\
	X (O_NOATIME, HURD_O_NOATIME)		\
	X (O_TRUNC, HURD_O_TRUNC)		\
	X (O_SHLOCK, HURD_O_SHLOCK)		\
	X (O_EXLOCK, HURD_O_EXLOCK)		\
	X (O_IGNORE_CTTY, HURD_O_IGNORE_CTTY)	\
	X (O_NOFOLLOW, HURD_O_NOFOLLOW)		\
	X (O_DIRECTORY, HURD_O_DIRECTORY)	\
	X (O_CLOEXEC, HURD_O_CLOEXEC)

/* C flags -> wire.  Linux's access mode (O_WRONLY, O_RDWR) counts as
 * O_WRITE and O_READ|O_WRITE; O_RDONLY, being 0, adds nothing.  */
static inline int
hurd_openflags_to_wire (int flags)
{
  int wire = 0;
  switch (flags & O_ACCMODE)
    {
    case O_WRONLY: wire |= HURD_O_WRITE; break;
    case O_RDWR: wire |= HURD_O_READ | HURD_O_WRITE; break;
    }
#define _HURD_TO_WIRE(c, w) if ((flags & (c)) == (c)) wire |= (w);
  _HURD_OPENFLAG_PAIRS (_HURD_TO_WIRE)
#undef _HURD_TO_WIRE
  return wire;
}

/* Wire -> C flags.  Unknown wire bits are dropped.  */
static inline int
hurd_openflags_from_wire (int wire)
{
  int flags = 0;
#define _HURD_FROM_WIRE(c, w) if (wire & (w)) flags |= (c);
  _HURD_OPENFLAG_PAIRS (_HURD_FROM_WIRE)
#undef _HURD_FROM_WIRE
  return flags;
}

#endif /* _HURD_HURD_TYPES_H */

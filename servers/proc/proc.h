/* proc: the Hurd's process server on HELL (<hurd/process.defs>).
 *
 * pids are Linux pids.  A *process* (struct proc) is proc's record of one
 * Mach task: machd tells proc about every new task
 * (register_new_task_notification) and proc asks machd for its Linux pid
 * (hell_task_pid).  Linux is the authority on what Linux knows about a
 * process -- its parent, process group, session, threads, sizes, times,
 * state, arguments and environment -- and proc reads those from /proc
 * when asked (linux.c).  proc keeps what only the Hurd knows: the task
 * port, the process's own port, its message port, the ids it proved to
 * auth (proc_reauthenticate), a parent set with proc_child, the exit
 * status reported with proc_mark_exit, login collections, and the
 * addresses and names a process registers.
 *
 * States of a struct proc (all in proc_list):
 *   embryo  task set, pid 0: the task has no Linux process yet (task_create
 *           before hell_task_exec); its pid is asked again whenever a pid
 *           is looked up (proc_resolve_embryos);
 *   live    task set, pid set, in the pid and task tables, pidfd watched;
 *   zombie  dead: the process ended; out of both tables, no task, no port
 *           right; kept while a live process may still proc_wait for it
 *           (its parent), freed when reaped or when nobody can.
 *
 * The parent of a process is the process that called proc_child for it
 * (`parent', with `parentset'), or else its Linux parent if that is a
 * process proc knows (proc_parent).
 *
 * Locking: one lock, proc_lock, guards every field below port_info, the
 * tables and the lists.  The demuxer holds it around every RPC, the
 * notification handlers and the pidfd thread take it; only
 * proc_reauthenticate lets go of it while it waits for auth and its
 * caller.  Calls to machd (hell_task_pid, mach_port_*) are made with it
 * held: machd never waits for proc.  */
#ifndef HELL_PROC_H
#define HELL_PROC_H

#include <hurd/hurd_types.h>
#include <hurd/ports.h>
#include <mach/mach_error.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "boot_server.h"

struct wait_request;

struct proc {
	struct port_info pi;

	struct proc *next, **prevp;	/* proc_list */
	task_t task;			/* a send right; MACH_PORT_NULL once gone */
	pid_t pid;			/* Linux pid; 0 for an embryo */
	int pidfd;			/* -1 when none */
	pid_t linux_ppid;		/* Linux's parent, as last read */
	pid_t linux_pgrp;		/* Linux's process group, as last read */
	hurd_ihash_locp_t pid_loc;	/* in proc_by_pid, while live */
	hurd_ihash_locp_t task_loc;	/* in proc_by_task, while the task lives */

	struct proc *parent;		/* set by proc_child; NULL if none or gone */
	bool parentset;			/* proc_child was called */

	uid_t *uids;			/* from auth: effective then available */
	size_t nuids;			/* 0: not owned */
	char *login;			/* login name (malloc'd) */

	mach_port_t msgport;		/* a send right, or MACH_PORT_NULL */
	vm_address_t argv, envp;	/* proc_set_arg_locations */
	vm_address_t start_code, end_code, entry;
	char *exe;			/* proc_set_exe, or NULL */

	int status, sigcode;		/* what wait reports (exit or stop) */
	struct rusage rusage;		/* its own, once dead */
	struct rusage child_rusage;	/* its reaped children's */
	bool exiting;			/* proc_mark_exit was called */
	bool dead, stopped, continued, waited;
	bool reaped;			/* dead and waited for: freed at the next sweep */
	bool execed, traced, nostopchild, important, loginleader;

	struct wait_request *waits;	/* its own proc_wait calls waiting */
};
typedef struct proc *pstruct_t;

/* The port mach_notify_new_task comes to.  */
typedef struct port_info *notify_port_t;

extern pthread_mutex_t proc_lock;
extern struct port_bucket *proc_bucket;
extern struct port_class *proc_class;		/* struct proc */
extern struct port_class *generic_class;	/* the generic port */
extern struct port_class *task_notify_class;	/* new-task notifications */
extern struct proc *proc_list;
extern struct proc *startup_proc;		/* startup's process */

extern mach_port_t proc_host_priv;		/* from startup_procinit */
extern mach_port_t proc_authserver;		/* the first auth handle */

/* Logging with --verbose (boot_server_log) and error texts
 * (boot_server_error_string) are servers/common/boot_server.h's.  */
/* The name of the generic port's receive right, to make one send right
 * from (MACH_MSG_TYPE_MAKE_SEND).  */
mach_port_t proc_generic_right(void);

/* table.c: records and their tables.  proc_lock held throughout.  */

/* The process of TASK (a name in our space); with REGISTER, a task proc
 * does not know yet is looked for among all of machd's (never by asking
 * TASK itself, which may be any port).  NULL if none (or TASK is not a
 * task).  Does not consume TASK.  */
struct proc *proc_for_task(task_t task, bool register_it);
/* The live process with Linux pid PID, after giving embryos a chance to
 * have become processes.  NULL if none.  */
struct proc *proc_for_pid(pid_t pid);
/* Give P, a record without a task, the task TASK (one user reference of
 * which it takes; dropped on failure) and its pid.  ENOMEM.  */
error_t proc_set_task(struct proc *p, task_t task);
/* Ask machd for the pid of every embryo.  */
void proc_resolve_embryos(void);
/* Make a record for TASK (one user reference of which it takes) with
 * Linux pid PID (0: none yet).  NULL when out of memory (the reference
 * is then dropped).  */
struct proc *proc_create(task_t task, pid_t pid);
/* The process ended (its Linux process exited or its task died): keep its
 * status, let go of its task, port and pidfd, answer or drop what waits
 * on it, and keep it as a zombie for its parent or free it.  */
void proc_exited(struct proc *p);
/* TASK died (a dead-name notification): returns whether it was a
 * process's task.  */
bool proc_task_died(mach_port_t task);
/* Free the dead processes that were reaped or that nobody can wait for
 * any more.  Called at the end of every event, never inside one.  */
void proc_sweep_zombies(void);
/* P's parent: the proc_child one, else the Linux parent if proc knows it
 * (live).  NULL if none.  Reads /proc for the Linux parent.  */
struct proc *proc_parent(struct proc *p);
/* The pid ps shows as P's parent: the proc_child parent's, else Linux's.  */
pid_t proc_ppid(struct proc *p);
/* Take P out of everything and drop its record (proc_sweep_zombies, or a
 * record that was never handed out).  */
void proc_free(struct proc *p);

/* MIG translation (mig-mutate.h).  */
struct proc *proc_begin_using(mach_port_t port);
struct proc *proc_begin_using_payload(uintptr_t payload);
void proc_end_using(struct proc *p);
notify_port_t proc_begin_task_notify(mach_port_t port);
notify_port_t proc_begin_task_notify_payload(uintptr_t payload);
void proc_end_task_notify(notify_port_t port);

/* watch.c: how proc learns that tasks come and go.  */

/* Register the new-task notification port with machd and record every
 * task that exists.  */
error_t proc_watch_tasks(void);
/* Record every task machd has that proc does not know yet.  */
error_t proc_add_all_tasks(void);
/* Start the thread that learns of Linux exits through pidfds (before
 * any process is recorded).  */
error_t proc_watch_start(void);
/* Watch P's Linux process (P->pid set): opens P->pidfd.  */
void proc_watch_pid(struct proc *p);
/* Stop watching P's process; keeps P->pidfd open (to tell a reaped
 * process from a zombie) until proc_unwatch_close.  */
void proc_unwatch_pid(struct proc *p);
void proc_unwatch_close(struct proc *p);
/* Whether P's Linux process is gone for good (reaped by its Linux
 * parent), as its pidfd tells.  */
bool proc_linux_reaped(struct proc *p);

/* owner.c: ids.  */

/* Whether P has UID, or uid 0.  */
bool proc_has_uid(const struct proc *p, uid_t uid);
/* Whether P1 may act on P2 (the Hurd's check_owner): P1 is P2, or P1 is
 * owned and root, or P2 is owned and P1 has all of P2's uids.  */
bool proc_owns(const struct proc *p1, const struct proc *p2);
/* Replace P's ids with a copy of the N ids at UIDS.  ENOMEM.  */
error_t proc_set_ids(struct proc *p, const uid_t *uids, size_t n);

/* wait.c */

/* Something about P's children changed: answer P's waiting proc_wait
 * calls that can be answered now.  */
void proc_wait_wakeup(struct proc *p);
/* CHILD, a child of PARENT, ended: PARENT's usage of children grows and
 * its waits are looked at again.  */
void proc_child_ended(struct proc *parent, struct proc *child);
/* P ended: answer its own waiting calls with EOPNOTSUPP (nobody listens)
 * and forget them.  */
void proc_wait_cancel_all(struct proc *p);
/* interrupt_operation came to P with sequence number SEQNO: answer EINTR
 * to P's waiting calls whose requests came before it.  */
void proc_wait_interrupt(struct proc *p, mach_port_seqno_t seqno);
/* The sequence number of the request the calling thread serves (set by
 * the demuxer, main.c).  */
extern __thread mach_port_seqno_t proc_request_seqno;
/* NAME, the reply port of a waiting call, died: forget that call.
 * Returns whether it was one.  */
bool proc_wait_reply_died(mach_port_t name);
/* Take a sample of P's usage into P->rusage (from Linux).  */
void proc_sample_rusage(struct proc *p);

/* hierarchy.c */

/* The leader of P's login collection: its nearest ancestor (or itself)
 * that called proc_make_login_coll, else the root of its ancestry.  */
struct proc *proc_login_leader(struct proc *p);

/* outarray.c: out-arrays for MIG.  Copy the N elements of SIZE bytes at
 * DATA into the in-line buffer *(void **) OUT of *COUNT elements, or into
 * fresh pages put in *OUT (MIG deallocates them); *COUNT becomes N.  */
error_t proc_give_array(const void *data, size_t n, size_t size, void *out,
			mach_msg_type_number_t *count);
error_t proc_give_pids(const pid_t *pids, size_t n, pid_t **out, mach_msg_type_number_t *count);

/* linux.c: what Linux's /proc says about a process.  */

struct linux_stat {
	char state;			/* R S D Z T t X I ... */
	pid_t ppid, pgrp, session;
	unsigned long minflt, majflt;
	unsigned long long utime, stime; /* clock ticks */
	long priority, nice, num_threads;
	unsigned long long starttime;	/* clock ticks after boot */
	unsigned long vsize;		/* bytes */
	long rss;			/* pages */
	int processor;
	unsigned policy;
	int exit_code;			/* waitpid form, once a zombie */
};

/* /proc/PID/stat, or /proc/PID/task/TID/stat when TID is not 0.  ESRCH
 * if there is no such process, EPERM if Linux refuses.  */
error_t linux_read_stat(pid_t pid, pid_t tid, struct linux_stat *st);
/* The four uids of the Uid: line of /proc/PID/status (real, effective,
 * saved, file system).  */
error_t linux_read_uids(pid_t pid, uid_t uids[4]);
/* The contents of /proc/PID/NAME in *DATA (malloc'd, *LEN bytes).  */
error_t linux_read_file(pid_t pid, const char *name, char **data, size_t *len);
/* Target of /proc/PID/exe.  */
error_t linux_read_exe(pid_t pid, char *buf, size_t size);
/* The thread ids of PID (malloc'd).  */
error_t linux_thread_ids(pid_t pid, pid_t **tids, size_t *n);
/* Whether process group PGRP of session SID is orphaned (POSIX: no
 * member has a parent in another group of the same session).  */
bool linux_pgrp_orphaned(pid_t pgrp, pid_t sid);
/* Seconds since the epoch at boot; clock ticks per second.  */
long long linux_boot_time(void);
long linux_clock_ticks(void);
/* Errno of a failed /proc access, as proc answers it.  */
error_t linux_errno(int err);

#endif

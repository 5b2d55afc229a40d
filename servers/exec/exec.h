/* The exec server (docs/hurd.md, "Starting a program from a file: exec").
 *
 * exec is a trivfs translator (the node /servers/exec) whose protids
 * answer exec_exec and exec_exec_paths: read a program through a Hurd
 * file port into a memfd, give the embryo task a per-program *startup
 * port* in its registered slot 0, and start its Linux process with
 * hell_task_exec.  The program's libhurd then calls exec_startup_get_info
 * on that port for its arguments, environment and ports.
 *
 * Objects: the trivfs control and protids (trivfs_control_class,
 * trivfs_protid_class) and the startup ports (struct bootinfo, class
 * execboot_class), all in one bucket, served by one multithreaded loop. */
#ifndef EXEC_EXEC_H
#define EXEC_EXEC_H

#include <hurd/trivfs.h>

/* The largest program exec reads, and the largest argument plus
 * environment vectors it passes on. */
#define EXEC_MAX_PROGRAM	(256UL << 20)
#define EXEC_MAX_ARGS		(4UL << 20)
/* The most ports or ints in one array of an exec_exec. */
#define EXEC_MAX_ARRAY		4096

extern struct port_bucket *exec_bucket;
extern struct port_class *execboot_class;
extern struct port_class *exec_protid_class;
extern struct port_class *exec_control_class;

/* One program's startup port and what exec_startup_get_info answers.
 * The answer is fixed when the port is made (the program may ask as soon
 * as it runs) and answered in copies. */
struct bootinfo {
	struct port_info pi;
	task_t task;			/* the program's task */
	int owns_rights;		/* TASK and the arrays' rights are ours */
	int flags;			/* exec_exec's flags */
	char *argv, *envp;		/* argz vectors (malloc) */
	size_t argvlen, envplen;
	mach_port_t *dtable;		/* send rights */
	mach_msg_type_number_t dtablesize;
	mach_port_t *portarray;		/* send rights, indexed by INIT_PORT_* */
	mach_msg_type_number_t nports;
	int *intarray;			/* indexed by INIT_* */
	mach_msg_type_number_t nints;
};
typedef struct bootinfo *bootinfo_t;

/* Read the program FILE (an io port) into a new memfd, *FD.  0; EBADF
 * when FILE is no io object we can reach; EACCES when it is not a
 * regular file; EFBIG when it is larger than EXEC_MAX_PROGRAM; ENOEXEC
 * when it is not an ELF file; EIO when its server answers nonsense; or
 * the server's own error. */
error_t exec_load_program(file_t file, int *fd);

/* A new startup port in *BOOT (one reference, the caller's) for TASK,
 * answering with copies of the arrays given; the rights in them and TASK
 * itself are not taken (the caller still owns them).  ENOMEM. */
error_t bootinfo_create(task_t task, int flags, const char *argv, size_t argvlen,
			const char *envp, size_t envplen,
			const mach_port_t *dtable, mach_msg_type_number_t dtablesize,
			const mach_port_t *portarray, mach_msg_type_number_t nports,
			const int *intarray, mach_msg_type_number_t nints,
			struct bootinfo **boot);

/* The program of BOOT runs: BOOT takes its task and port rights and the
 * caller's reference, and lives until the task dies (a dead-name
 * notification on the task destroys the port and frees it all). */
void bootinfo_track(struct bootinfo *boot);

/* The clean routine of execboot_class. */
void bootinfo_clean(void *arg);

/* A program's standard ports and ints with EXEC_DEFAULTS: the caller's,
 * and where the caller gave none (a short array, or MACH_PORT_NULL), the
 * defaults of exec_setexecdata.  ADDED marks the slots of PORTS that hold
 * a new reference of ours to a default port. */
struct execdata_filled {
	mach_port_t *ports;
	unsigned char *added;
	mach_msg_type_number_t nports;
	int *ints;
	mach_msg_type_number_t nints;
};

/* Fill *FILLED from the caller's PORTS and INTS and the defaults.  ENOMEM. */
error_t execdata_fill(const mach_port_t *ports, mach_msg_type_number_t nports,
		      const int *ints, mach_msg_type_number_t nints,
		      struct execdata_filled *filled);

/* Free FILLED's memory; unless KEEP_RIGHTS (the new references went to a
 * startup port), drop the new references too. */
void execdata_release(struct execdata_filled *filled, int keep_rights);

#endif

/* libhurd's initialisation: the task's init ports, from its exec startup
 * port (docs/hurd.md, "How a task finds its ports").
 *
 * States: NOT YET (nothing asked for a port), then DONE, with init_error
 * 0 (the cells hold what exec startup gave) or an errno value and a
 * message (no exec startup port, or it did not answer).  The step runs
 * once, on the first use of a _hurd_ports cell or of any function that
 * needs one, or when the program calls _hurd_init with ports of its own.
 * Ports a program set before that step (_hurd_port_set on a cell runs the
 * step first, so in practice: none) are never overwritten.
 *
 * Fork: the child inherits the cells (machd copies every send right under
 * its name) and the DONE state; only its proc port is the parent's, so
 * the child marks it stale and replaces it on first use with its own,
 * proc_task2proc (parent's, mach_task_self ()).
 *
 * Locking: init_lock serialises the step and the proc refresh; it is held
 * across their RPCs, never while a cell lock is held.  init_done is read
 * without the lock (acquire) once it is set (release).  */

#include <hurd.h>
#include <hurd/exec_startup.h>
#include <hurd/process.h>
#include <mach/mach_error.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>

#include "hurd_private.h"

#define CELL_INIT { PTHREAD_MUTEX_INITIALIZER, NULL, MACH_PORT_NULL }

static struct hurd_port init_cells[INIT_PORT_MAX] = {
	CELL_INIT, CELL_INIT, CELL_INIT, CELL_INIT, CELL_INIT, CELL_INIT,
};
_Static_assert(INIT_PORT_MAX == 6, "one CELL_INIT per init port");

struct hurd_port *_hurd_ports = init_cells;
unsigned int _hurd_nports = INIT_PORT_MAX;
int _hurd_exec_flags;
mode_t _hurd_umask = 022;
mach_port_t *_hurd_init_dtable;
mach_msg_type_number_t _hurd_init_dtablesize;
mach_port_t _hurd_host_priv, _hurd_device_master;

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int init_done;		/* the step ran (release/acquire) */
static error_t init_error;		/* its result; set before init_done */
static char init_message[256];		/* why, when init_error != 0 */
static atomic_int proc_stale;		/* fork child: PROC holds the parent's */

static void __attribute__((format(printf, 2, 3)))
set_failure(error_t err, const char *fmt, ...)
{
	va_list ap;

	init_error = err;
	va_start(ap, fmt);
	vsnprintf(init_message, sizeof init_message, fmt, ap);
	va_end(ap);
}

/* _hurd_port_set without _hurd_cell_prepare, which would wait for
 * init_lock: for use under init_lock.  */
static void
cell_set(struct hurd_port *cell, mach_port_t newport)
{
	pthread_mutex_lock(&cell->lock);
	_hurd_port_locked_set(cell, newport);
}

/* Put NEWPORT (a reference the caller gives up) in cell WHICH unless
 * something is there already.  init_lock is held.  */
static void
install(int which, mach_port_t newport)
{
	struct hurd_port *cell = &init_cells[which];

	pthread_mutex_lock(&cell->lock);
	if (cell->port == MACH_PORT_NULL) {
		_hurd_port_locked_set(cell, newport);
		return;
	}
	pthread_mutex_unlock(&cell->lock);
	if (MACH_PORT_VALID(newport))
		mach_port_deallocate(mach_task_self(), newport);
}

/* Tell proc how the process ends, as glibc's exit does on the Hurd: proc
 * is not the Linux parent, and once the Linux parent has reaped the
 * process it can no longer read the status from /proc (it would report
 * the process killed).  Registered once, when the task has its own proc
 * port; _exit and a fatal signal bypass it, and proc then falls back to
 * what /proc shows.  */
static bool exit_marker_set;

static void
mark_exit(int status, void *unused)
{
	struct hurd_port *cell = &init_cells[INIT_PORT_PROC];
	mach_port_t proc;

	(void) unused;
	pthread_mutex_lock(&cell->lock);
	proc = cell->port;
	if (MACH_PORT_VALID(proc))
		mach_port_mod_refs(mach_task_self(), proc, MACH_PORT_RIGHT_SEND, 1);
	pthread_mutex_unlock(&cell->lock);
	if (!MACH_PORT_VALID(proc))
		return;
	(void) proc_mark_exit(proc, W_EXITCODE(status & 0xff, 0), 0);
	mach_port_deallocate(mach_task_self(), proc);
}

/* Replace the proc port in its cell by the task's own.  The Hurd's proc
 * answers proc_task2proc on any of its ports.  If it cannot, the cell is
 * emptied rather than left speaking for another process.  init_lock is
 * held.  */
static void
own_proc_port(void)
{
	struct hurd_port *cell = &init_cells[INIT_PORT_PROC];
	struct hurd_userlink link;
	mach_port_t generic, own = MACH_PORT_NULL;

	pthread_mutex_lock(&cell->lock);
	generic = _hurd_port_locked_get(cell, &link);
	if (!MACH_PORT_VALID(generic)) {
		_hurd_port_free(cell, &link, generic);
		return;
	}
	if (proc_task2proc(generic, mach_task_self(), &own) != KERN_SUCCESS)
		own = MACH_PORT_NULL;
	_hurd_port_free(cell, &link, generic);

	/* A task that connected on its own has no ids at proc yet (on the Hurd
	 * a new process gets its parent's with proc_child); prove the auth
	 * handle's, so that tools run with the same ids (ps, portinfo)
	 * may look at it.  */
	struct hurd_port *auth_cell = &init_cells[INIT_PORT_AUTH];
	pthread_mutex_lock(&auth_cell->lock);
	mach_port_t auth = auth_cell->port;
	if (MACH_PORT_VALID(auth))
		mach_port_mod_refs(mach_task_self(), auth, MACH_PORT_RIGHT_SEND, 1);
	pthread_mutex_unlock(&auth_cell->lock);
	if (MACH_PORT_VALID(own) && MACH_PORT_VALID(auth)) {
		mach_port_t proven = _hurd_proc_reauth(own, auth);
		if (MACH_PORT_VALID(proven)) {
			mach_port_deallocate(mach_task_self(), own);
			own = proven;
		}
	}
	if (MACH_PORT_VALID(auth))
		mach_port_deallocate(mach_task_self(), auth);
	cell_set(cell, own);
	if (MACH_PORT_VALID(own) && !exit_marker_set) {
		exit_marker_set = true;
		on_exit(mark_exit, NULL);
	}
}

static void
vm_free(const void *addr, size_t size)
{
	if (addr && size)
		vm_deallocate(mach_task_self(), (vm_address_t) addr, size);
}

/* The exec startup port: registered slot 0, or MACH_PORT_NULL.  */
static error_t
exec_startup_port(mach_port_t *port)
{
	mach_port_t *ports = NULL;
	mach_msg_type_number_t count = 0;
	kern_return_t kr = mach_ports_lookup(mach_task_self(), &ports, &count);

	*port = MACH_PORT_NULL;
	if (kr != KERN_SUCCESS)
		return kr;
	for (mach_msg_type_number_t i = 0; i < count; i++) {
		if (i == 0)
			*port = ports[0];
		else if (MACH_PORT_VALID(ports[i]))
			mach_port_deallocate(mach_task_self(), ports[i]);
	}
	vm_free(ports, count * sizeof *ports);
	return KERN_SUCCESS;
}

/* The initialisation step.  init_lock is held.  */
static void
initialise(void)
{
	char argv_buf[256], envp_buf[256];
	mach_port_t dtable_buf[16], portarray_buf[INIT_PORT_MAX];
	int intarray_buf[INIT_INT_MAX];
	data_t argv = argv_buf, envp = envp_buf;
	portarray_t dtable = dtable_buf, portarray = portarray_buf;
	intarray_t intarray = intarray_buf;
	mach_msg_type_number_t argv_len = sizeof argv_buf, envp_len = sizeof envp_buf;
	mach_msg_type_number_t dtable_len = 16, portarray_len = INIT_PORT_MAX;
	mach_msg_type_number_t intarray_len = INIT_INT_MAX;
	vm_address_t entry, phdr, stack_base;
	vm_size_t phdr_size, stack_size;
	int flags;
	mach_port_t startup;
	error_t err;

	err = exec_startup_port(&startup);
	if (err) {
		set_failure(err, "libhurd: cannot read the task's registered ports: %s",
			    mach_error_string(err));
		return;
	}
	if (!MACH_PORT_VALID(startup)) {
		set_failure(ENOTCONN, "not inside a HELL environment: use hell up, then hell run");
		return;
	}
	err = exec_startup_get_info(startup, &entry, &phdr, &phdr_size, &stack_base, &stack_size,
				    &flags, &argv, &argv_len, &envp, &envp_len,
				    &dtable, &dtable_len, &portarray, &portarray_len,
				    &intarray, &intarray_len);
	mach_port_deallocate(mach_task_self(), startup);
	if (err == MACH_SEND_INVALID_DEST || err == MIG_SERVER_DIED) {
		set_failure(ENOTCONN, "the environment's exec startup port is dead "
			    "(has the environment stopped? see hell status)");
		return;
	}
	if (err) {
		set_failure(err, "libhurd: exec_startup_get_info on the exec startup port failed: %s",
			    hurd_strerror(err));
		return;
	}

	for (mach_msg_type_number_t i = 0; i < portarray_len; i++) {
		if (i < INIT_PORT_MAX)
			install((int) i, portarray[i]);
		else if (MACH_PORT_VALID(portarray[i]))
			mach_port_deallocate(mach_task_self(), portarray[i]);
	}
	if (portarray_len > INIT_PORT_PROC)
		own_proc_port();
	if (intarray_len > INIT_UMASK)
		_hurd_umask = (mode_t) intarray[INIT_UMASK] & 0777;
	_hurd_exec_flags = flags;

	/* The descriptor table is kept for getdport, in memory of our own. */
	if (dtable_len > 0) {
		_hurd_init_dtable = calloc(dtable_len, sizeof *_hurd_init_dtable);
		if (_hurd_init_dtable) {
			memcpy(_hurd_init_dtable, dtable, dtable_len * sizeof *dtable);
			_hurd_init_dtablesize = dtable_len;
		} else {
			for (mach_msg_type_number_t i = 0; i < dtable_len; i++)
				if (MACH_PORT_VALID(dtable[i]))
					mach_port_deallocate(mach_task_self(), dtable[i]);
		}
	}

	/* argv and envp are the process's own (Linux gave them to main).  */
	if (argv != argv_buf)
		vm_free(argv, argv_len);
	if (envp != envp_buf)
		vm_free(envp, envp_len);
	if (dtable != dtable_buf)
		vm_free(dtable, dtable_len * sizeof *dtable);
	if (portarray != portarray_buf)
		vm_free(portarray, portarray_len * sizeof *portarray);
	if (intarray != intarray_buf)
		vm_free(intarray, intarray_len * sizeof *intarray);
}

static void
ensure_initialised(void)
{
	if (atomic_load_explicit(&init_done, memory_order_acquire))
		return;
	pthread_mutex_lock(&init_lock);
	if (!atomic_load_explicit(&init_done, memory_order_relaxed)) {
		initialise();
		atomic_store_explicit(&init_done, 1, memory_order_release);
	}
	pthread_mutex_unlock(&init_lock);
}

void
_hurd_cell_prepare(struct hurd_port *cell)
{
	if (cell < init_cells || cell >= init_cells + INIT_PORT_MAX)
		return;
	ensure_initialised();
	if (cell == &init_cells[INIT_PORT_PROC] && atomic_load(&proc_stale)) {
		pthread_mutex_lock(&init_lock);
		if (atomic_load(&proc_stale)) {
			own_proc_port();
			atomic_store(&proc_stale, 0);
		}
		pthread_mutex_unlock(&init_lock);
	}
}

error_t
_hurd_init_failure(void)
{
	ensure_initialised();
	return init_error;
}

error_t
hurd_init(void)
{
	return _hurd_init_failure();
}

const char *
hurd_init_error(void)
{
	if (!atomic_load_explicit(&init_done, memory_order_acquire) || !init_error)
		return NULL;
	return init_message;
}

void
_hurd_init(int flags, char **argv, mach_port_t *portarray, size_t portarraysize,
	   int *intarray, size_t intarraysize)
{
	pthread_mutex_lock(&init_lock);
	init_error = 0;
	init_message[0] = '\0';
	for (size_t i = 0; i < portarraysize; i++) {
		if (i < INIT_PORT_MAX)
			cell_set(&init_cells[i], portarray[i]);
		else if (MACH_PORT_VALID(portarray[i]))
			mach_port_deallocate(mach_task_self(), portarray[i]);
	}
	if (intarray && intarraysize > INIT_UMASK)
		_hurd_umask = (mode_t) intarray[INIT_UMASK] & 0777;
	_hurd_exec_flags = flags;
	atomic_store_explicit(&init_done, 1, memory_order_release);
	pthread_mutex_unlock(&init_lock);
}

void
_hurd_proc_init(char **argv, const int *intarray, size_t intarraysize)
{
	pthread_mutex_lock(&init_lock);
	own_proc_port();
	atomic_store(&proc_stale, 0);
	pthread_mutex_unlock(&init_lock);
}

/* Fork: no thread may hold init_lock or a cell lock across the fork, so
 * the child finds them free; the child then owns a stale proc port.  */
static void
fork_prepare(void)
{
	pthread_mutex_lock(&init_lock);
	for (int i = 0; i < INIT_PORT_MAX; i++)
		pthread_mutex_lock(&init_cells[i].lock);
}

static void
fork_parent(void)
{
	for (int i = INIT_PORT_MAX; i-- > 0;)
		pthread_mutex_unlock(&init_cells[i].lock);
	pthread_mutex_unlock(&init_lock);
}

static void
fork_child(void)
{
	fork_parent();
	if (atomic_load(&init_done))
		atomic_store(&proc_stale, 1);
}

__attribute__((constructor)) static void
register_fork_handlers(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/* Startup ports: what a program started by exec learns from it.
 *
 * Lifecycle of a struct bootinfo:
 *   bootinfo_create     made with copies of the arrays, one reference
 *                       (the exec RPC's); the rights are still the RPC's,
 *                       so if the program does not start, dropping the
 *                       reference (and the port) frees only memory;
 *   bootinfo_track      the program runs: the bootinfo takes the task and
 *                       the arrays' rights, goes into tasks (task name ->
 *                       bootinfo, which keeps the reference) and asks for
 *                       a dead-name notification on the task;
 *   bootinfo_task_died  the task died: the startup port is destroyed and
 *                       the bootinfo freed with its rights.
 * Whoever else holds a send right to the port (a fork child of the
 * program) finds it dead once the task died.
 *
 * exec_startup_get_info answers with copies, so it may be asked more
 * than once.  The answer never changes, so it needs no lock; tasks_lock
 * guards the tasks table. */
#include "exec.h"

#include <hurd/ihash.h>
#include <mach/mach_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "exec_startup_S.h"

static struct hurd_ihash tasks = HURD_IHASH_INITIALIZER(HURD_IHASH_NO_LOCP);
static pthread_mutex_t tasks_lock = PTHREAD_MUTEX_INITIALIZER;

/* A malloc'd copy of the LEN bytes at DATA (NULL for none).  0 or ENOMEM. */
static error_t
copy_out(const void *data, size_t len, void *result)
{
	void *copy = NULL;

	if (len) {
		copy = malloc(len);
		if (!copy)
			return ENOMEM;
		memcpy(copy, data, len);
	}
	*(void **) result = copy;
	return 0;
}

error_t
bootinfo_create(task_t task, int flags, const char *argv, size_t argvlen,
		const char *envp, size_t envplen,
		const mach_port_t *dtable, mach_msg_type_number_t dtablesize,
		const mach_port_t *portarray, mach_msg_type_number_t nports,
		const int *intarray, mach_msg_type_number_t nints,
		struct bootinfo **result)
{
	struct bootinfo *boot;
	error_t err;

	err = ports_create_port(execboot_class, exec_bucket, sizeof *boot, &boot);
	if (err)
		return err;
	/* Nothing owned yet: the clean routine frees only memory. */
	boot->task = task;
	boot->owns_rights = 0;
	boot->flags = flags;
	boot->argv = boot->envp = NULL;
	boot->dtable = boot->portarray = NULL;
	boot->intarray = NULL;
	boot->argvlen = argvlen;
	boot->envplen = envplen;
	boot->dtablesize = dtablesize;
	boot->nports = nports;
	boot->nints = nints;
	if ((err = copy_out(argv, argvlen, &boot->argv)) ||
	    (err = copy_out(envp, envplen, &boot->envp)) ||
	    (err = copy_out(dtable, dtablesize * sizeof *dtable, &boot->dtable)) ||
	    (err = copy_out(portarray, nports * sizeof *portarray, &boot->portarray)) ||
	    (err = copy_out(intarray, nints * sizeof *intarray, &boot->intarray))) {
		ports_destroy_right(boot);
		ports_port_deref(boot);
		return err;
	}
	*result = boot;
	return 0;
}

void
bootinfo_track(struct bootinfo *boot)
{
	error_t err;

	boot->owns_rights = 1;
	pthread_mutex_lock(&tasks_lock);
	err = hurd_ihash_add(&tasks, boot->task, boot);
	pthread_mutex_unlock(&tasks_lock);
	if (err) {
		/* Without the table, the task's death cannot find the port:
		 * it then lives as long as exec. */
		fprintf(stderr, "exec: cannot track task %u: %s\n", boot->task, strerror(err));
		return;
	}
	/* Immediate: a task that died already is notified at once. */
	err = ports_request_dead_name_notification(boot, boot->task, NULL);
	if (err)
		fprintf(stderr, "exec: no dead-name notification for task %u: %s\n",
			boot->task, mach_error_string(err));
}

void
bootinfo_clean(void *arg)
{
	struct bootinfo *boot = arg;
	mach_msg_type_number_t i;

	if (boot->owns_rights) {
		for (i = 0; i < boot->dtablesize; i++)
			if (MACH_PORT_VALID(boot->dtable[i]))
				mach_port_deallocate(mach_task_self(), boot->dtable[i]);
		for (i = 0; i < boot->nports; i++)
			if (MACH_PORT_VALID(boot->portarray[i]))
				mach_port_deallocate(mach_task_self(), boot->portarray[i]);
		if (MACH_PORT_VALID(boot->task))
			mach_port_deallocate(mach_task_self(), boot->task);
	}
	free(boot->argv);
	free(boot->envp);
	free(boot->dtable);
	free(boot->portarray);
	free(boot->intarray);
}

/* The task DEAD_NAME died: its startup port goes.  Checked against the
 * kernel, since anyone may send a notification: DEAD_NAME must be a dead
 * name in our space. */
static void
bootinfo_task_died(mach_port_t dead_name)
{
	struct bootinfo *boot;
	mach_port_type_t type;

	if (mach_port_type(mach_task_self(), dead_name, &type) ||
	    !(type & MACH_PORT_TYPE_DEAD_NAME))
		return;
	pthread_mutex_lock(&tasks_lock);
	boot = hurd_ihash_find(&tasks, dead_name);
	if (boot)
		hurd_ihash_remove(&tasks, dead_name);
	pthread_mutex_unlock(&tasks_lock);
	if (!boot)
		return;
	ports_destroy_right(boot);
	ports_port_deref(boot);
}

/* libports calls this for every dead-name notification to a bucket's
 * notify port; exec asks for one on each program's task. */
void
ports_dead_name(void *notify, mach_port_t dead_name)
{
	bootinfo_task_died(dead_name);
	ports_interrupt_notified_rpcs(notify, dead_name, MACH_NOTIFY_DEAD_NAME);
}

/* COUNT elements of SIZE bytes at DATA, in memory the reply takes away
 * (MIG deallocates it after sending); NULL for none. */
static void *
reply_copy(const void *data, size_t count, size_t size, error_t *err)
{
	void *copy;

	if (count == 0)
		return NULL;
	copy = mmap(NULL, count * size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (copy == MAP_FAILED) {
		*err = ENOMEM;
		return NULL;
	}
	memcpy(copy, data, count * size);
	return copy;
}

kern_return_t
S_exec_startup_get_info(struct bootinfo *boot, vm_address_t *user_entry,
			vm_address_t *phdr_data, vm_size_t *phdr_size,
			vm_address_t *stack_base, vm_size_t *stack_size, int *flags,
			data_t *argv, mach_msg_type_number_t *argvlen,
			data_t *envp, mach_msg_type_number_t *envplen,
			mach_port_t **dtable, mach_msg_type_name_t *dtable_type,
			mach_msg_type_number_t *dtablesize,
			mach_port_t **portarray, mach_msg_type_name_t *portarray_type,
			mach_msg_type_number_t *nports,
			int **intarray, mach_msg_type_number_t *nints)
{
	error_t err = 0;
	void *a, *e, *d, *p, *i;

	if (!boot)
		return EOPNOTSUPP;
	/* Linux loaded the program: no entry point, headers or stack to
	 * report. */
	*user_entry = *phdr_data = *stack_base = 0;
	*phdr_size = *stack_size = 0;
	*flags = boot->flags;

	a = reply_copy(boot->argv, boot->argvlen, 1, &err);
	e = reply_copy(boot->envp, boot->envplen, 1, &err);
	d = reply_copy(boot->dtable, boot->dtablesize, sizeof(mach_port_t), &err);
	p = reply_copy(boot->portarray, boot->nports, sizeof(mach_port_t), &err);
	i = reply_copy(boot->intarray, boot->nints, sizeof(int), &err);
	if (err) {
		if (a)
			munmap(a, boot->argvlen);
		if (e)
			munmap(e, boot->envplen);
		if (d)
			munmap(d, boot->dtablesize * sizeof(mach_port_t));
		if (p)
			munmap(p, boot->nports * sizeof(mach_port_t));
		if (i)
			munmap(i, boot->nints * sizeof(int));
		return err;
	}
	*argv = a;
	*argvlen = boot->argvlen;
	*envp = e;
	*envplen = boot->envplen;
	/* Copies: the program gets its own send rights, we keep ours. */
	*dtable = d;
	*dtablesize = boot->dtablesize;
	*dtable_type = MACH_MSG_TYPE_COPY_SEND;
	*portarray = p;
	*nports = boot->nports;
	*portarray_type = MACH_MSG_TYPE_COPY_SEND;
	*intarray = i;
	*nints = boot->nints;
	return 0;
}

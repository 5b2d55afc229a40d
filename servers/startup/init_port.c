/* The init port: every task of the environment finds it in its registered
 * port slot 0 and calls exec_startup_get_info on it once, to learn its root
 * and working directories, its auth handle and the proc server
 * (docs/hurd.md, "How a task finds its ports").
 *
 * The answer is the same for every task: a Mach message does not say who
 * sent it, and on HELL a program's arguments and environment are its Linux
 * ones.  One thread serves the port, so that a server which asks while
 * startup itself waits for that server (rootfs during fsys_getroot) is
 * answered.  */
#include "startup.h"

#include <errno.h>
#include <hurd/hurd_types.h>
#include <mach/mach_error.h>
#include <mach/mig_errors.h>
#include <string.h>
#include <sys/mman.h>

#include "exec_startup_S.h"

kern_return_t
S_exec_startup_get_info(exec_startup_t bootstrap, vm_address_t *user_entry,
			vm_address_t *phdr_data, vm_size_t *phdr_size,
			vm_address_t *stack_base, vm_size_t *stack_size, int *flags,
			data_t *argv, mach_msg_type_number_t *argvCnt,
			data_t *envp, mach_msg_type_number_t *envpCnt,
			portarray_t *dtable, mach_msg_type_name_t *dtablePoly,
			mach_msg_type_number_t *dtableCnt,
			portarray_t *portarray, mach_msg_type_name_t *portarrayPoly,
			mach_msg_type_number_t *portarrayCnt,
			intarray_t *intarray, mach_msg_type_number_t *intarrayCnt)
{
	struct startup_env *env = &startup_env;

	if (bootstrap != env->init_port)
		return EOPNOTSUPP;

	/* The arrays go out of line with dealloc: MIG frees them after the
	 * reply is sent, so each answer gets fresh pages.  */
	mach_port_t *ports = mmap(NULL, INIT_PORT_MAX * sizeof *ports, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ports == MAP_FAILED)
		return ENOMEM;
	int *ints = mmap(NULL, INIT_INT_MAX * sizeof *ints, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ints == MAP_FAILED) {
		munmap(ports, INIT_PORT_MAX * sizeof *ports);
		return ENOMEM;
	}
	memset(ports, 0, INIT_PORT_MAX * sizeof *ports);
	memset(ints, 0, INIT_INT_MAX * sizeof *ints);

	/* Copies of startup's own send rights (MACH_MSG_TYPE_COPY_SEND): a
	 * task that deallocates its copy takes nothing from the others.  */
	pthread_mutex_lock(&env->lock);
	ports[INIT_PORT_CWDIR] = env->root;
	ports[INIT_PORT_CRDIR] = env->root;
	ports[INIT_PORT_AUTH] = env->auth;
	ports[INIT_PORT_PROC] = env->proc;
	ints[INIT_UMASK] = (int) env->umask;
	pthread_mutex_unlock(&env->lock);

	*user_entry = *phdr_data = *stack_base = 0;
	*phdr_size = *stack_size = 0;
	*flags = 0;
	*argv = *envp = NULL;
	*argvCnt = *envpCnt = 0;
	*dtable = NULL;
	*dtablePoly = MACH_MSG_TYPE_COPY_SEND;
	*dtableCnt = 0;
	*portarray = ports;
	*portarrayPoly = MACH_MSG_TYPE_COPY_SEND;
	*portarrayCnt = INIT_PORT_MAX;
	*intarray = ints;
	*intarrayCnt = INIT_INT_MAX;
	return KERN_SUCCESS;
}

static void *
init_port_serve(void *arg)
{
	struct startup_env *env = arg;
	extern boolean_t exec_startup_server(mach_msg_header_t *, mach_msg_header_t *);

	for (;;) {
		kern_return_t kr = mach_msg_server(exec_startup_server, 8192, env->init_port);
		/* mach_msg_server returns only when receiving fails: a signal
		 * (retried) or the port gone (machd going away).  */
		if (kr != MACH_RCV_INTERRUPTED) {
			startup_log("init port: %s", mach_error_string(kr));
			return NULL;
		}
	}
}

int
init_port_start(struct startup_env *env)
{
	pthread_t thread;
	int err = pthread_create(&thread, NULL, init_port_serve, env);
	if (err == 0)
		pthread_detach(thread);
	return err;
}

/* How proc learns that tasks come and go.
 *
 * New tasks: at start proc registers its notification port with machd
 * (register_new_task_notification, GNU Mach's call) and then lists every
 * task that exists (hell_host_tasks); machd sends mach_notify_new_task
 * for each task made afterwards.  Registering first means no task is
 * missed; one seen twice is found in the task table.
 *
 * Ended tasks, two ways:
 *   - a pidfd per live process, watched by one thread (epoll, one-shot):
 *     it becomes readable when the Linux process exits, while it is still
 *     a zombie, so its exit status can be read from /proc;
 *   - a dead-name notification on every task port (table.c), for tasks
 *     without a process and for processes whose pidfd could not be had.
 * Whichever comes first ends the record (proc_exited); the other finds
 * nothing to do.
 *
 * The pidfd of a dead process stays open until its record is freed: it
 * tells whether the Linux parent has reaped it (proc_linux_reaped).  */
#include "proc.h"

#include <hell/hell_rpc.h>
#include <mach/gnumach.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "task_notify_S.h"

/* How often the pidfd thread sweeps zombies when nothing happens, so
 * that one whose Linux parent reaped it goes in bounded time.  */
#define SWEEP_INTERVAL_MS 5000

static int epoll_fd = -1;

void
proc_watch_pid(struct proc *p)
{
	if (p->pidfd < 0) {
		long fd = syscall(SYS_pidfd_open, p->pid, 0);
		if (fd < 0) {
			boot_server_log("pid %d: pidfd_open: %s", (int) p->pid, strerror(errno));
			return;
		}
		p->pidfd = (int) fd;
	}
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.fd = p->pidfd };
	if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, p->pidfd, &ev) != 0)
		boot_server_log("pid %d: epoll: %s", (int) p->pid, strerror(errno));
}

void
proc_unwatch_pid(struct proc *p)
{
	if (p->pidfd >= 0)
		epoll_ctl(epoll_fd, EPOLL_CTL_DEL, p->pidfd, NULL);
}

void
proc_unwatch_close(struct proc *p)
{
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
}

bool
proc_linux_reaped(struct proc *p)
{
	if (p->pidfd < 0)
		return true;	/* nothing tells us it is not */
	return syscall(SYS_pidfd_send_signal, p->pidfd, 0, NULL, 0) != 0 && errno == ESRCH;
}

static void *
watch_thread(void *arg)
{
	(void) arg;
	for (;;) {
		struct epoll_event events[16];
		int n = epoll_wait(epoll_fd, events, 16, SWEEP_INTERVAL_MS);
		if (n < 0 && errno != EINTR) {
			boot_server_log("epoll_wait: %s", strerror(errno));
			sleep(1);
			continue;
		}
		pthread_mutex_lock(&proc_lock);
		for (int i = 0; i < n; i++) {
			/* The fd names the process: fds are unique while open,
			 * and a record's fd is closed only when it is freed.  */
			for (struct proc *p = proc_list; p; p = p->next)
				if (p->pidfd == events[i].data.fd) {
					if (!p->dead)
						proc_exited(p);
					break;
				}
		}
		proc_sweep_zombies();
		pthread_mutex_unlock(&proc_lock);
	}
	return NULL;
}

error_t
proc_watch_start(void)
{
	epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (epoll_fd < 0)
		return errno;
	pthread_t thread;
	int err = pthread_create(&thread, NULL, watch_thread, NULL);
	if (err)
		return err;
	pthread_detach(thread);
	return 0;
}

/* Record TASK (a user reference we own, to a task port machd gave us)
 * unless it is known already.  */
static void
add_task(task_t task)
{
	if (!MACH_PORT_VALID(task))
		return;
	if (proc_for_task(task, false)) {
		mach_port_deallocate(mach_task_self(), task);
		return;
	}
	int pid = 0;
	kern_return_t kr = hell_task_pid(task, &pid);
	if (kr != KERN_SUCCESS) {
		boot_server_log("a task without a pid: %s", boot_server_error_string(kr));
		pid = 0;
	}
	proc_create(task, pid);
}

error_t
proc_watch_tasks(void)
{
	struct port_info *notify;
	error_t err = ports_create_port(task_notify_class, proc_bucket, sizeof *notify, &notify);
	if (err)
		return err;
	kern_return_t kr = register_new_task_notification(proc_host_priv, ports_get_right(notify),
							   MACH_MSG_TYPE_MAKE_SEND);
	/* machd's send right keeps the port now.  */
	ports_port_deref(notify);
	if (kr != KERN_SUCCESS)
		fprintf(stderr, "proc: register_new_task_notification: %s\n", boot_server_error_string(kr));
	error_t err2 = proc_add_all_tasks();
	if (err2)
		fprintf(stderr, "proc: hell_host_tasks: %s\n", boot_server_error_string(err2));
	return kr ? kr : err2;
}

error_t
proc_add_all_tasks(void)
{
	task_array_t tasks = NULL;
	mach_msg_type_number_t ntasks = 0;
	kern_return_t kr = hell_host_tasks(proc_host_priv, &tasks, &ntasks);
	if (kr != KERN_SUCCESS) {
		boot_server_log("hell_host_tasks: %s", boot_server_error_string(kr));
		return kr;
	}
	for (mach_msg_type_number_t i = 0; i < ntasks; i++)
		add_task(tasks[i]);
	vm_deallocate(mach_task_self(), (vm_address_t) tasks, ntasks * sizeof *tasks);
	return 0;
}

notify_port_t
proc_begin_task_notify(mach_port_t port)
{
	return ports_lookup_port(proc_bucket, port, task_notify_class);
}

notify_port_t
proc_begin_task_notify_payload(uintptr_t payload)
{
	return ports_lookup_payload(proc_bucket, payload, task_notify_class);
}

void
proc_end_task_notify(notify_port_t port)
{
	if (port)
		ports_port_deref(port);
}

/* machd made TASK (PARENT made it).  Only machd holds a send right to the
 * notification port.  */
kern_return_t
S_mach_notify_new_task(notify_port_t notify, mach_port_t task, mach_port_t parent)
{
	if (!notify)
		return EOPNOTSUPP;
	add_task(task);
	if (MACH_PORT_VALID(parent))
		mach_port_deallocate(mach_task_self(), parent);
	return 0;
}

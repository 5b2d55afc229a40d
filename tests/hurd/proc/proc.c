/* The proc server (servers/proc): start-up, the process table as machd
 * and Linux give it, ownership, proc_child, proc_wait and the routines ps
 * uses, with hostile input.
 *
 *   proc-test AUTH PROC         as machd's boot task (boot_run.sh), so that
 *                               it holds the privileged host port
 *   proc-test --child ROLE      the tasks it spawns: agent, sleeper
 *
 * The test plays startup (tests/hurd/auth/fake_startup.c): proc's record
 * for startup is the test's own, with the ids of the first auth handle.
 * An *agent* is a spawned task that does what the test tells it with its
 * own proc port (the generic port turned into its own with
 * proc_task2proc, as libhurd does), so that calls come from processes
 * with other ids than the test's.  After the cases that make proc wait
 * for something, proc's space must hold no more send-once rights or dead
 * names than before.  */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hell/hell.h>
#include <hurd/auth.h>
#include <hurd/hurd_types.h>
#include <hurd/interrupt.h>
#include <hurd/process.h>
#include <mach/mig_errors.h>

#include "testlib.h"
#include "fake_startup.h"
#include "port_space.h"
#include "task_msgs.h"

#define CHILD_TIMEOUT_MS 10000

enum {
	MSG_AGENT_HELLO = 3001, MSG_RESULT,
	MSG_GENERIC = 3100, MSG_HANDLE, MSG_CMD,
};

enum agent_cmd {
	CMD_REAUTH = 1,		/* -> kr (with the handle sent before) */
	CMD_PID2TASK,		/* pid -> kr, task valid */
	CMD_PID2PROC,		/* pid -> kr, port valid */
	CMD_GETPIDS,		/* -> kr, pid, ppid */
	CMD_MARK_EXIT,		/* status -> kr */
	CMD_EXIT,		/* code: exits */
	CMD_SPAWN_AND_WAIT,	/* -> 0, sleeper pid; then waits: kr, status, pid */
};

static char self_exe[4096];
static mach_port_t me;		/* the test's own proc port */
static mach_port_t generic;	/* proc's generic port */

static mach_port_t
new_port(void)
{
	mach_port_t p;
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &p) != KERN_SUCCESS)
		abort();
	return p;
}

static void
destroy_port(mach_port_t p)
{
	mach_port_mod_refs(mach_task_self(), p, MACH_PORT_RIGHT_RECEIVE, -1);
}

static int
reap(pid_t pid)
{
	int status = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* ---- /proc, read by the test itself ------------------------------------ */

static size_t
read_proc_file(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int) pid, name);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

/* Field K (1-based, as proc(5) numbers them) of /proc/PID/stat.  */
static long long
stat_field(pid_t pid, int k)
{
	char buf[2048];
	size_t n = read_proc_file(pid, "stat", buf, sizeof buf - 1);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	p += 2;
	for (int i = 3; i < k && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? atoll(p) : -1;
}

static int
status_threads(pid_t pid)
{
	char buf[4096];
	size_t n = read_proc_file(pid, "status", buf, sizeof buf - 1);
	buf[n] = '\0';
	char *t = strstr(buf, "\nThreads:");
	return t ? atoi(t + 9) : -1;
}

/* Whether PID is in proc_getallpids's answer.  */
static bool
listed(pid_t pid)
{
	pid_t buf[64], *pids = buf;
	mach_msg_type_number_t n = 64;
	if (proc_getallpids(me, &pids, &n) != KERN_SUCCESS)
		return false;
	bool found = false;
	for (mach_msg_type_number_t i = 0; i < n; i++)
		found |= pids[i] == pid;
	if (pids != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) pids, n * sizeof *pids);
	return found;
}

static bool
listed_becomes(pid_t pid, bool want)
{
	for (int i = 0; i < 300; i++) {
		if (listed(pid) == want)
			return true;
		usleep(10000);
	}
	return false;
}

/* ---- Agents ------------------------------------------------------------- */

struct agent {
	pid_t pid;
	task_t task;
	mach_port_t port;	/* the agent's command port (send right) */
	mach_port_t control;	/* where it answers (receive right) */
};

static bool
agent_start(struct agent *a, mach_port_t handle)
{
	memset(a, 0, sizeof *a);
	a->control = new_port();
	mach_port_insert_right(mach_task_self(), a->control, a->control, MACH_MSG_TYPE_MAKE_SEND);
	char *argv[] = { self_exe, "--child", "agent", NULL };
	struct hell_spawn_ports ports = { a->control, MACH_PORT_NULL, MACH_PORT_NULL };
	kern_return_t kr = hell_task_spawn(self_exe, argv, NULL, &ports, &a->task, &a->pid);
	mach_port_deallocate(mach_task_self(), a->control);
	CHECK_KR(kr, KERN_SUCCESS);
	if (kr)
		return false;
	struct task_msg m;
	if (task_msgs_receive(a->control, CHILD_TIMEOUT_MS, &m) || m.id != MSG_AGENT_HELLO) {
		testlib_fail(__FILE__, __LINE__, "agent %d did not say hello", (int) a->pid);
		return false;
	}
	a->port = m.right;
	CHECK_KR(testlib_send_right(a->port, generic, MACH_MSG_TYPE_COPY_SEND, MSG_GENERIC, 1000),
		 MACH_MSG_SUCCESS);
	if (MACH_PORT_VALID(handle))
		CHECK_KR(testlib_send_right(a->port, handle, MACH_MSG_TYPE_COPY_SEND, MSG_HANDLE,
					    1000), MACH_MSG_SUCCESS);
	return true;
}

/* Have agent A do CMD with ARG; its answer in OUT (up to 8 ints).  */
static kern_return_t
agent_do(struct agent *a, enum agent_cmd cmd, int arg, int out[8])
{
	int req[2] = { cmd, arg };
	if (task_msgs_send_ints(a->port, MSG_CMD, req, 2) != MACH_MSG_SUCCESS)
		return MACH_SEND_INVALID_DEST;
	if (cmd == CMD_EXIT)
		return 0;
	struct task_msg m;
	mach_msg_return_t mr = task_msgs_receive(a->control, CHILD_TIMEOUT_MS, &m);
	if (mr)
		return mr;
	memset(out, 0, 8 * sizeof *out);
	memcpy(out, m.ints, (m.nints < 8 ? m.nints : 8) * sizeof *out);
	return out[0];
}

/* End agent A: killed unless it has exited; reaped.  */
static int
agent_end(struct agent *a, bool kill_it)
{
	int status = 0;
	if (a->pid > 0) {
		if (kill_it)
			kill(a->pid, SIGKILL);
		status = reap(a->pid);
	}
	a->pid = 0;
	if (MACH_PORT_VALID(a->task))
		mach_port_deallocate(mach_task_self(), a->task);
	if (MACH_PORT_VALID(a->port))
		mach_port_deallocate(mach_task_self(), a->port);
	if (MACH_PORT_VALID(a->control))
		destroy_port(a->control);
	memset(a, 0, sizeof *a);
	return status;
}

/* Reauthenticate through auth, as glibc does: proc_reauthenticate,
 * auth_user_authenticate, proc_reauthenticate_complete on the new port,
 * which becomes the process's port.  */
static kern_return_t
reauthenticate(mach_port_t *proc, mach_port_t handle)
{
	mach_port_t rendezvous = new_port(), newproc;
	kern_return_t kr = proc_reauthenticate(*proc, rendezvous, MACH_MSG_TYPE_MAKE_SEND);
	if (!kr)
		kr = auth_user_authenticate(handle, rendezvous, MACH_MSG_TYPE_MAKE_SEND, &newproc);
	if (!kr)
		kr = proc_reauthenticate_complete(newproc);
	destroy_port(rendezvous);
	if (!kr) {
		mach_port_deallocate(mach_task_self(), *proc);
		*proc = newproc;
	}
	return kr;
}

static int
child_agent(mach_port_t control)
{
	mach_port_t mine = new_port(), proc = MACH_PORT_NULL, handle = MACH_PORT_NULL;
	struct task_msg m;
	if (testlib_send_right(control, mine, MACH_MSG_TYPE_MAKE_SEND, MSG_AGENT_HELLO, 1000))
		return 1;
	for (;;) {
		if (task_msgs_receive(mine, 60000, &m) != MACH_MSG_SUCCESS)
			return 1;
		if (m.id == MSG_GENERIC) {
			if (proc_task2proc(m.right, mach_task_self(), &proc) != KERN_SUCCESS)
				return 1;
			mach_port_deallocate(mach_task_self(), m.right);
			continue;
		}
		if (m.id == MSG_HANDLE) {
			handle = m.right;
			continue;
		}
		if (m.id != MSG_CMD || m.nints < 2)
			return 1;
		int r[8] = { 0 }, n = 1;
		mach_port_t port = MACH_PORT_NULL;
		switch (m.ints[0]) {
		case CMD_REAUTH:
			r[0] = reauthenticate(&proc, handle);
			break;
		case CMD_PID2TASK:
			r[0] = proc_pid2task(proc, m.ints[1], &port);
			r[n++] = MACH_PORT_VALID(port);
			break;
		case CMD_PID2PROC:
			r[0] = proc_pid2proc(proc, m.ints[1], &port);
			r[n++] = MACH_PORT_VALID(port);
			break;
		case CMD_GETPIDS: {
			pid_t pid, ppid;
			int orphaned;
			r[0] = proc_getpids(proc, &pid, &ppid, &orphaned);
			r[n++] = pid;
			r[n++] = ppid;
			break;
		}
		case CMD_MARK_EXIT:
			r[0] = proc_mark_exit(proc, m.ints[1], 0);
			break;
		case CMD_EXIT:
			_exit(m.ints[1]);
		case CMD_SPAWN_AND_WAIT: {
			char *argv[] = { self_exe, "--child", "sleeper", NULL };
			task_t task;
			pid_t sleeper;
			r[0] = hell_task_spawn(self_exe, argv, NULL, NULL, &task, &sleeper);
			if (r[0] == KERN_FAILURE)
				fprintf(stderr, "agent: hell_task_spawn: %s\n", strerror(errno));
			/* Make sure proc knows it before waiting for it.  */
			pid_t known = 0;
			if (!r[0])
				r[0] = proc_task2pid(proc, task, &known);
			r[n++] = sleeper;
			r[n++] = known;
			task_msgs_send_ints(control, MSG_RESULT, r, (unsigned) n);
			int status, sigcode;
			rusage_t ru;
			pid_t waited;
			r[0] = proc_wait(proc, -1, 0, &status, &sigcode, &ru, &waited);
			r[1] = status;
			r[2] = waited;
			n = 3;
			break;
		}
		default:
			return 1;
		}
		if (MACH_PORT_VALID(port))
			mach_port_deallocate(mach_task_self(), port);
		task_msgs_send_ints(control, MSG_RESULT, r, (unsigned) n);
	}
}

/* ---- The cases ----------------------------------------------------------- */

static void
test_startup(struct fake_startup *fs)
{
	pid_t pid = 0;
	/* The test is startup: its record is the one proc made for startup. */
	CHECK_KR(proc_task2pid(me, mach_task_self(), &pid), KERN_SUCCESS);
	CHECK_EQ(pid, getpid());
	CHECK_KR(proc_task2pid(me, fs->proc_task, &pid), KERN_SUCCESS);
	CHECK_EQ(pid, fs->proc_pid);
	CHECK_KR(proc_task2pid(me, fs->auth_task, &pid), KERN_SUCCESS);
	CHECK_EQ(pid, fs->auth_pid);
	/* auth got the proc port of its own task.  */
	pid_t ppid;
	int orphaned;
	CHECK(MACH_PORT_VALID(fs->auth_proc));
	CHECK_KR(proc_getpids(fs->auth_proc, &pid, &ppid, &orphaned), KERN_SUCCESS);
	CHECK_EQ(pid, fs->auth_pid);
	CHECK_EQ(ppid, getpid());
	CHECK(listed(getpid()));
	CHECK(listed(fs->proc_pid));
	CHECK(listed(fs->auth_pid));

	/* startup has the first handle's ids (root here, if we are).  */
	mach_port_t host, dev;
	kern_return_t kr = proc_getprivports(me, &host, &dev);
	if (geteuid() == 0) {
		CHECK_KR(kr, KERN_SUCCESS);
		CHECK(MACH_PORT_VALID(host));
		CHECK_EQ(dev, MACH_PORT_NULL);
		if (MACH_PORT_VALID(host))
			mach_port_deallocate(mach_task_self(), host);
	} else {
		CHECK_KR(kr, EPERM);
	}
	/* auth's process reauthenticated with nothing: it may not.  */
	CHECK_KR(proc_getprivports(fs->auth_proc, &host, &dev), EPERM);

	/* The generic port is no process.  */
	CHECK_KR(proc_getpids(generic, &pid, &ppid, &orphaned), EOPNOTSUPP);
	CHECK_KR(proc_pid2task(generic, getpid(), &host), EOPNOTSUPP);
	CHECK_KR(proc_task2pid(generic, mach_task_self(), &pid), KERN_SUCCESS);
	CHECK_EQ(pid, getpid());

	utsname_t uts;
	CHECK_KR(proc_uname(me, &uts), KERN_SUCCESS);
	CHECK(!strcmp(uts.sysname, "GNU"));
	string_t login;
	CHECK_KR(proc_getlogin(me, login), KERN_SUCCESS);
	CHECK(strlen(login) > 0 && strcmp(login, "<none>") != 0);
	CHECK_KR(proc_getlogin(fs->auth_proc, login), KERN_SUCCESS);
	CHECK(!strcmp(login, "<none>"));
}

/* A spawned task: proc knows it by the new-task notification, with the
 * right pid, and what ps asks matches Linux's /proc.  */
static void
test_spawned(void)
{
	char *argv[] = { self_exe, "--child", "sleeper", "an argument", "", "last", NULL };
	char *envp[] = { "HELL_PROC_TEST=1", "B=two words", NULL };
	task_t task;
	pid_t pid;
	CHECK_KR(hell_task_spawn(self_exe, argv, envp, NULL, &task, &pid), KERN_SUCCESS);
	CHECK(listed_becomes(pid, true));

	pid_t got;
	CHECK_KR(proc_task2pid(me, task, &got), KERN_SUCCESS);
	CHECK_EQ(got, pid);
	task_t t2;
	CHECK_KR(proc_pid2task(me, pid, &t2), KERN_SUCCESS);
	CHECK_EQ(t2, task);		/* the same port, so the same name */
	mach_port_deallocate(mach_task_self(), t2);
	mach_port_t p1, p2;
	CHECK_KR(proc_pid2proc(me, pid, &p1), KERN_SUCCESS);
	CHECK_KR(proc_task2proc(me, task, &p2), KERN_SUCCESS);
	CHECK_EQ(p1, p2);
	CHECK_KR(proc_proc2task(p1, &t2), KERN_SUCCESS);
	CHECK_EQ(t2, task);
	mach_port_deallocate(mach_task_self(), t2);
	mach_port_deallocate(mach_task_self(), p1);
	mach_port_deallocate(mach_task_self(), p2);

	/* Give Linux a moment to finish exec'ing it.  */
	usleep(100000);
	int flags = PI_FETCH_TASKINFO | PI_FETCH_THREADS | PI_FETCH_THREAD_BASIC |
		    PI_FETCH_THREAD_SCHED | PI_FETCH_THREAD_WAITS | PI_FETCH_TASKEVENTS;
	int buf[64], *pia = buf;
	mach_msg_type_number_t npi = 64;
	char wbuf[64], *waits = wbuf;
	mach_msg_type_number_t nwaits = sizeof wbuf;
	CHECK_KR(proc_getprocinfo(me, pid, &flags, &pia, &npi, &waits, &nwaits), KERN_SUCCESS);
	CHECK(!(flags & PI_FETCH_THREAD_WAITS));
	CHECK(flags & PI_FETCH_TASKINFO);
	CHECK_EQ(nwaits, 0);
	struct procinfo *pi = malloc(npi * sizeof(int));
	memcpy(pi, pia, npi * sizeof(int));
	if (pia != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) pia, npi * sizeof(int));
	int nthreads = status_threads(pid);
	CHECK(nthreads >= 1);
	CHECK_EQ(pi->nthreads, nthreads);
	CHECK_EQ(npi * sizeof(int), sizeof *pi + nthreads * sizeof pi->threadinfos[0]);
	CHECK_EQ(pi->ppid, getpid());
	CHECK_EQ(pi->pgrp, getpgid(pid));
	CHECK_EQ(pi->session, getsid(pid));
	CHECK(pi->state & PI_NOTOWNED);
	CHECK(pi->state & PI_NOPARENT);
	CHECK(pi->state & PI_NOMSG);
	CHECK_EQ(pi->owner, geteuid());
	CHECK_EQ(pi->logincollection, getpid());
	CHECK_EQ(pi->taskinfo.virtual_size, stat_field(pid, 23));
	CHECK_EQ(pi->taskinfo.resident_size, stat_field(pid, 24) * sysconf(_SC_PAGESIZE));
	CHECK(pi->taskinfo.creation_time.seconds > 1000000000);
	for (int i = 0; i < pi->nthreads; i++) {
		CHECK_EQ(pi->threadinfos[i].died, 0);
		CHECK(pi->threadinfos[i].pis_bi.run_state >= TH_STATE_RUNNING &&
		      pi->threadinfos[i].pis_bi.run_state <= TH_STATE_HALTED);
		CHECK_EQ(pi->threadinfos[i].pis_si.policy, POLICY_TIMESHARE);
	}
	free(pi);

	/* Without thread details: the plain struct, no thread count.  */
	flags = 0;
	pia = buf;
	npi = 64;
	CHECK_KR(proc_getprocinfo(me, pid, &flags, &pia, &npi, &waits, &nwaits), KERN_SUCCESS);
	CHECK_EQ(npi * sizeof(int), sizeof(struct procinfo));
	CHECK_EQ(((struct procinfo *) pia)->nthreads, 0);
	if (pia != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) pia, npi * sizeof(int));

	/* Arguments and environment, as Linux has them.  */
	char want[8192], got_buf[64], *data = got_buf;
	mach_msg_type_number_t len = sizeof got_buf;
	size_t wlen = read_proc_file(pid, "cmdline", want, sizeof want);
	CHECK(wlen > 0);
	CHECK_KR(proc_getprocargs(me, pid, &data, &len), KERN_SUCCESS);
	CHECK_EQ(len, wlen);
	CHECK(memcmp(data, want, wlen) == 0);
	if (data != got_buf)
		vm_deallocate(mach_task_self(), (vm_address_t) data, len);
	wlen = read_proc_file(pid, "environ", want, sizeof want);
	data = got_buf;
	len = sizeof got_buf;
	CHECK_KR(proc_getprocenv(me, pid, &data, &len), KERN_SUCCESS);
	CHECK_EQ(len, wlen);
	CHECK(len == wlen && memcmp(data, want, wlen) == 0);
	CHECK(memmem(data, len, "B=two words", 12) != NULL);
	if (data != got_buf)
		vm_deallocate(mach_task_self(), (vm_address_t) data, len);

	pid_t id;
	CHECK_KR(proc_getpgrp(me, pid, &id), KERN_SUCCESS);
	CHECK_EQ(id, getpgid(pid));
	CHECK_KR(proc_getsid(me, pid, &id), KERN_SUCCESS);
	CHECK_EQ(id, getsid(pid));
	string_t exe;
	CHECK_KR(proc_get_exe(me, pid, exe), KERN_SUCCESS);
	CHECK(!strcmp(exe, self_exe));	/* /proc/self/exe of the test, resolved */
	mach_msg_type_number_t nports = ~0u, nnames, ntypes;
	mach_port_name_array_t names;
	mach_port_type_array_t types;
	CHECK_KR(proc_getnports(me, pid, &nports), KERN_SUCCESS);
	CHECK_KR(mach_port_names(task, &names, &nnames, &types, &ntypes), KERN_SUCCESS);
	CHECK_EQ(nports, nnames);
	vm_deallocate(mach_task_self(), (vm_address_t) names, nnames * sizeof *names);
	vm_deallocate(mach_task_self(), (vm_address_t) types, ntypes * sizeof *types);

	/* Sessions and groups, from Linux.  */
	pid_t pbuf[64], *pids = pbuf;
	mach_msg_type_number_t np = 64;
	CHECK_KR(proc_getsessionpids(me, getsid(0), &pids, &np), KERN_SUCCESS);
	bool self_in = false;
	for (mach_msg_type_number_t i = 0; i < np; i++)
		self_in |= pids[i] == getpid();
	CHECK(self_in);
	pids = pbuf;
	np = 64;
	CHECK_KR(proc_getpgrppids(me, 0, &pids, &np), KERN_SUCCESS);
	self_in = false;
	for (mach_msg_type_number_t i = 0; i < np; i++)
		self_in |= pids[i] == getpid();
	CHECK(self_in);
	pids = pbuf;
	np = 64;
	CHECK_KR(proc_getsessionpgids(me, getsid(0), &pids, &np), KERN_SUCCESS);
	CHECK(np >= 1);

	/* Its death is noticed: gone from the list and from getprocinfo.  */
	kill(pid, SIGKILL);
	CHECK(listed_becomes(pid, false));
	flags = 0;
	pia = buf;
	npi = 64;
	CHECK_KR(proc_getprocinfo(me, pid, &flags, &pia, &npi, &waits, &nwaits), ESRCH);
	/* ... and its status is ours to wait for (its Linux parent has not
	 * reaped it yet): killed by SIGKILL.  */
	int status, sigcode;
	rusage_t ru;
	CHECK_KR(proc_wait(me, pid, 0, &status, &sigcode, &ru, &got), KERN_SUCCESS);
	CHECK_EQ(got, pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CHECK_KR(proc_wait(me, pid, WNOHANG, &status, &sigcode, &ru, &got), ECHILD);
	CHECK_KR(proc_pid2task(me, pid, &t2), ESRCH);
	reap(pid);
	mach_port_deallocate(mach_task_self(), task);
}

/* Who may have whose task: the Hurd's check_owner.  */
static void
test_ownership(struct fake_startup *fs)
{
	if (geteuid() != 0) {
		fprintf(stderr, "proc: ownership cases need a root first handle; skipped\n");
		return;
	}
	uid_t u[] = { 4242 }, v[] = { 4343 };
	mach_port_t hu, hv;
	CHECK_KR(auth_makeauth(fs->auth, NULL, MACH_MSG_TYPE_COPY_SEND, 0, u, 1, NULL, 0, NULL, 0,
			       NULL, 0, &hu), KERN_SUCCESS);
	CHECK_KR(auth_makeauth(fs->auth, NULL, MACH_MSG_TYPE_COPY_SEND, 0, v, 1, NULL, 0, NULL, 0,
			       NULL, 0, &hv), KERN_SUCCESS);
	struct agent a = { 0 }, b = { 0 }, c = { 0 };
	int r[8];
	if (!agent_start(&a, hu) || !agent_start(&b, hv) || !agent_start(&c, MACH_PORT_NULL))
		goto out;
	CHECK_KR(agent_do(&a, CMD_REAUTH, 0, r), KERN_SUCCESS);
	CHECK_KR(agent_do(&b, CMD_REAUTH, 0, r), KERN_SUCCESS);

	/* Its own: always.  Another uid's, root's, an unowned one's: never. */
	CHECK_KR(agent_do(&a, CMD_PID2TASK, a.pid, r), KERN_SUCCESS);
	CHECK_EQ(r[1], 1);
	CHECK_KR(agent_do(&a, CMD_PID2TASK, b.pid, r), EPERM);
	CHECK_KR(agent_do(&a, CMD_PID2PROC, b.pid, r), EPERM);
	CHECK_KR(agent_do(&a, CMD_PID2TASK, getpid(), r), EPERM);
	CHECK_KR(agent_do(&a, CMD_PID2TASK, c.pid, r), EPERM);
	/* An unowned process may have only itself.  */
	CHECK_KR(agent_do(&c, CMD_PID2TASK, c.pid, r), KERN_SUCCESS);
	CHECK_KR(agent_do(&c, CMD_PID2TASK, a.pid, r), EPERM);
	CHECK_KR(agent_do(&c, CMD_PID2TASK, 999999999, r), ESRCH);
	/* Root may have any.  */
	task_t t;
	CHECK_KR(proc_pid2task(me, a.pid, &t), KERN_SUCCESS);
	CHECK_EQ(t, a.task);
	mach_port_deallocate(mach_task_self(), t);
	CHECK_KR(proc_pid2task(me, c.pid, &t), KERN_SUCCESS);
	mach_port_deallocate(mach_task_self(), t);

	/* ps sees the owner.  */
	int flags = 0, buf[128], *pia = buf;
	mach_msg_type_number_t npi = 128, nw = 0;
	char *waits = NULL;
	CHECK_KR(proc_getprocinfo(me, a.pid, &flags, &pia, &npi, &waits, &nw), KERN_SUCCESS);
	CHECK(!(((struct procinfo *) pia)->state & PI_NOTOWNED));
	CHECK_EQ(((struct procinfo *) pia)->owner, 4242);

	/* getpids through the new port (the old one died).  */
	CHECK_KR(agent_do(&a, CMD_GETPIDS, 0, r), KERN_SUCCESS);
	CHECK_EQ(r[1], a.pid);
	CHECK_EQ(r[2], getpid());

	/* proc_child: c becomes our child with our ids (root), once.  */
	CHECK_KR(proc_child(me, c.task), KERN_SUCCESS);
	CHECK_KR(proc_child(me, c.task), EBUSY);
	CHECK_KR(agent_do(&c, CMD_PID2TASK, a.pid, r), KERN_SUCCESS);
	npi = 128;
	pia = buf;
	CHECK_KR(proc_getprocinfo(me, c.pid, &flags, &pia, &npi, &waits, &nw), KERN_SUCCESS);
	CHECK(!(((struct procinfo *) pia)->state & PI_NOPARENT));
	/* Not one's own ancestor; not a task at all.  */
	mach_port_t cproc;
	CHECK_KR(proc_task2proc(me, c.task, &cproc), KERN_SUCCESS);
	CHECK_KR(proc_child(cproc, mach_task_self()), EINVAL);
	mach_port_deallocate(mach_task_self(), cproc);
	mach_port_t notask = new_port();
	mach_port_insert_right(mach_task_self(), notask, notask, MACH_MSG_TYPE_MAKE_SEND);
	CHECK_KR(proc_child(me, notask), ESRCH);
	CHECK_KR(proc_task2pid(me, notask, &flags), ESRCH);
	mach_port_deallocate(mach_task_self(), notask);
	destroy_port(notask);
out:
	agent_end(&a, true);
	agent_end(&b, true);
	/* c is our child by proc_child: its status waits for our proc_wait
	 * even though we reaped it with Linux's waitpid.  */
	pid_t cpid = c.pid;
	agent_end(&c, true);
	if (cpid > 0) {
		int status, sigcode;
		rusage_t ru;
		pid_t got;
		CHECK_KR(proc_wait(me, cpid, 0, &status, &sigcode, &ru, &got), KERN_SUCCESS);
		CHECK_EQ(got, cpid);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	mach_port_deallocate(mach_task_self(), hu);
	mach_port_deallocate(mach_task_self(), hv);
}

struct waiter {
	pthread_t thread;
	mach_port_t proc;
	pid_t pid;
	int options;
	kern_return_t kr;
	int status;
	pid_t got;
};

static void *
waiter_main(void *arg)
{
	struct waiter *w = arg;
	int sigcode;
	rusage_t ru;
	w->kr = proc_wait(w->proc, w->pid, w->options, &w->status, &sigcode, &ru, &w->got);
	return NULL;
}

/* proc_wait: answered at once or later; exit statuses from proc_mark_exit
 * or from Linux; interrupted; a waiter that dies.  */
static void
test_wait(struct fake_startup *fs)
{
	struct port_space base = port_space_of(fs->proc_task);
	struct agent a;
	int r[8], status, sigcode;
	rusage_t ru;
	pid_t got;

	/* A wait that must wait: answered when the child exits.  */
	if (agent_start(&a, MACH_PORT_NULL)) {
		CHECK_KR(proc_wait(me, a.pid, WNOHANG, &status, &sigcode, &ru, &got), EWOULDBLOCK);
		struct waiter w = { .proc = me, .pid = a.pid, .kr = -1 };
		pthread_create(&w.thread, NULL, waiter_main, &w);
		usleep(200000);
		CHECK_EQ(w.kr, -1);
		agent_do(&a, CMD_EXIT, 7, r);
		pthread_join(w.thread, NULL);
		CHECK_KR(w.kr, KERN_SUCCESS);
		CHECK_EQ(w.got, a.pid);
		CHECK(WIFEXITED(w.status) && WEXITSTATUS(w.status) == 7);
		CHECK_EQ(WEXITSTATUS(agent_end(&a, false)), 7);
	}

	/* proc_mark_exit's status wins over the Linux one.  */
	if (agent_start(&a, MACH_PORT_NULL)) {
		CHECK_KR(agent_do(&a, CMD_MARK_EXIT, W_EXITCODE(3, 0), r), KERN_SUCCESS);
		CHECK_KR(agent_do(&a, CMD_MARK_EXIT, W_EXITCODE(4, 0), r), EBUSY);
		CHECK_KR(agent_do(&a, CMD_MARK_EXIT, W_STOPCODE(SIGSTOP), r), EINVAL);
		agent_do(&a, CMD_EXIT, 5, r);
		CHECK_KR(proc_wait(me, a.pid, 0, &status, &sigcode, &ru, &got), KERN_SUCCESS);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
		agent_end(&a, false);
	}

	/* Any child (-1), and no child at all.  */
	CHECK_KR(proc_wait(me, 999999999, WNOHANG, &status, &sigcode, &ru, &got), ECHILD);
	CHECK_KR(proc_wait(me, fs->proc_pid, WNOHANG, &status, &sigcode, &ru, &got),
		 EWOULDBLOCK);	/* proc itself is our (Linux) child, alive */

	/* interrupt_operation on our proc port ends a waiting wait: EINTR. */
	if (agent_start(&a, MACH_PORT_NULL)) {
		struct waiter w = { .proc = me, .pid = a.pid, .kr = -1 };
		pthread_create(&w.thread, NULL, waiter_main, &w);
		usleep(200000);
		CHECK_EQ(w.kr, -1);
		CHECK_KR(interrupt_operation(me, 1000), KERN_SUCCESS);
		pthread_join(w.thread, NULL);
		CHECK_KR(w.kr, EINTR);
		agent_end(&a, true);
	}

	/* A process that waits dies: proc forgets its wait.  */
	if (agent_start(&a, MACH_PORT_NULL)) {
		CHECK_KR(agent_do(&a, CMD_SPAWN_AND_WAIT, 0, r), KERN_SUCCESS);
		pid_t sleeper = r[1];
		CHECK_EQ(r[2], sleeper);
		usleep(200000);
		struct port_space waiting = port_space_of(fs->proc_task);
		CHECK(waiting.send_once > base.send_once);
		agent_end(&a, true);
		if (sleeper > 0)
			kill(sleeper, SIGKILL);
		CHECK(listed_becomes(sleeper, false));
	}
	/* The agents were reaped by us, their Linux parent, with waitpid: no
	 * record stays for proc_wait.  */
	CHECK_KR(proc_wait(me, -1, WNOHANG, &status, &sigcode, &ru, &got), EWOULDBLOCK);
	CHECK(port_space_back_to(fs->proc_task, base, true, "proc"));
}

/* proc_reauthenticate from a caller that does not go through with it:
 * the process keeps its port and its ids, and proc its threads' rights. */
static void
test_reauth_hostile(struct fake_startup *fs)
{
	struct port_space base = port_space_of(fs->proc_task);
	pid_t pid, ppid;
	int orphaned;

	/* The rendezvous port dies before auth_user_authenticate.  */
	mach_port_t r = new_port();
	CHECK_KR(proc_reauthenticate(me, r, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	usleep(100000);
	destroy_port(r);

	/* Something else than proc_reauthenticate_complete on the new port. */
	mach_port_t newp;
	r = new_port();
	CHECK_KR(proc_reauthenticate(me, r, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(auth_user_authenticate(fs->auth, r, MACH_MSG_TYPE_MAKE_SEND, &newp), KERN_SUCCESS);
	int junk = 1;
	CHECK_KR(task_msgs_send_ints(newp, 12345, &junk, 1), MACH_MSG_SUCCESS);
	kern_return_t kr = KERN_SUCCESS;
	for (int i = 0; i < 300 && kr == KERN_SUCCESS; i++) {
		kr = proc_getpids(newp, &pid, &ppid, &orphaned);
		usleep(10000);
	}
	/* The port died: at once, or with our request in its queue.  */
	CHECK(kr == MACH_SEND_INVALID_DEST || kr == MIG_SERVER_DIED);
	mach_port_deallocate(mach_task_self(), newp);
	destroy_port(r);

	/* Sent to the process's own port, the completion means nothing;
	 * both are simpleroutines, refused without an answer.  */
	CHECK_KR(proc_reauthenticate_complete(me), KERN_SUCCESS);
	CHECK_KR(proc_reauthenticate(generic, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND),
		 KERN_SUCCESS);

	/* The test's port still works, with its ids.  */
	CHECK_KR(proc_getpids(me, &pid, &ppid, &orphaned), KERN_SUCCESS);
	CHECK_EQ(pid, getpid());
	mach_port_t host, dev;
	CHECK_KR(proc_getprivports(me, &host, &dev), geteuid() == 0 ? KERN_SUCCESS : EPERM);
	if (geteuid() == 0)
		mach_port_deallocate(mach_task_self(), host);
	CHECK(port_space_back_to(fs->proc_task, base, true, "proc"));
}

/* Bad pids, bad ports, and the routines HELL refuses.  */
static void
test_hostile(void)
{
	task_t t;
	pid_t pid;
	int flags = ~0, buf[8], *pia = buf;
	mach_msg_type_number_t npi = 8, nw = 0;
	char *waits = NULL, dbuf[8], *data = dbuf;
	mach_msg_type_number_t len = sizeof dbuf;

	CHECK_KR(proc_pid2task(me, -1, &t), ESRCH);
	CHECK_KR(proc_pid2task(me, 0, &t), ESRCH);
	CHECK_KR(proc_getprocinfo(me, 999999999, &flags, &pia, &npi, &waits, &nw), ESRCH);
	CHECK_KR(proc_getprocargs(me, 1, &data, &len), ESRCH);	/* Linux's init: no task */
	CHECK_KR(proc_getprocenv(me, -5, &data, &len), ESRCH);
	CHECK_KR(proc_task2pid(me, MACH_PORT_NULL, &pid), ESRCH);
	CHECK_KR(proc_child(me, MACH_PORT_NULL), ESRCH);
	CHECK_KR(proc_getsid(me, 999999999, &pid), ESRCH);
	CHECK_KR(proc_getpgrppids(me, 999999999, &pia, &npi), ESRCH);
	CHECK_KR(proc_getloginpids(me, 999999999, &pia, &npi), ESRCH);
	/* Every flag bit: the unknown ones are ignored, waits cleared.  */
	int fbuf[4], *fpia = fbuf;
	mach_msg_type_number_t fn = 4;
	CHECK_KR(proc_getprocinfo(me, getpid(), &flags, &fpia, &fn, &waits, &nw), KERN_SUCCESS);
	CHECK(!(flags & PI_FETCH_THREAD_WAITS));
	CHECK(fn * sizeof(int) >= sizeof(struct procinfo));
	if (fpia != fbuf)
		vm_deallocate(mach_task_self(), (vm_address_t) fpia, fn * sizeof(int));

	/* The message port goes round.  */
	mach_port_t mp = new_port(), old, back;
	mach_port_insert_right(mach_task_self(), mp, mp, MACH_MSG_TYPE_MAKE_SEND);
	CHECK_KR(proc_setmsgport(me, mp, &old), KERN_SUCCESS);
	CHECK_EQ(old, MACH_PORT_NULL);
	CHECK_KR(proc_getmsgport(me, getpid(), &back), KERN_SUCCESS);
	CHECK_EQ(back, mp);
	mach_port_deallocate(mach_task_self(), back);
	CHECK_KR(proc_getmsgport(generic, getpid(), &back), EOPNOTSUPP);
	CHECK_KR(proc_setmsgport(me, MACH_PORT_NULL, &old), KERN_SUCCESS);
	CHECK_EQ(old, mp);
	mach_port_deallocate(mach_task_self(), old);
	mach_port_deallocate(mach_task_self(), mp);
	destroy_port(mp);

	/* Records a process keeps.  */
	vm_address_t a1, a2;
	CHECK_KR(proc_set_arg_locations(me, 0x1000, 0x2000), KERN_SUCCESS);
	CHECK_KR(proc_get_arg_locations(me, &a1, &a2), KERN_SUCCESS);
	CHECK(a1 == 0x1000 && a2 == 0x2000);
	CHECK_KR(proc_set_code(me, 0x400000, 0x500000), KERN_SUCCESS);
	CHECK_KR(proc_get_code(me, &a1, &a2), KERN_SUCCESS);
	CHECK(a1 == 0x400000 && a2 == 0x500000);
	boolean_t important;
	CHECK_KR(proc_mark_important(me), geteuid() == 0 ? KERN_SUCCESS : EPERM);
	CHECK_KR(proc_is_important(me, &important), KERN_SUCCESS);
	CHECK_EQ(important, geteuid() == 0);
	CHECK_KR(proc_setlogin(me, "someone"), geteuid() == 0 ? KERN_SUCCESS : EPERM);

	/* Refused on HELL, clearly.  */
	CHECK_KR(proc_setsid(me), EOPNOTSUPP);
	CHECK_KR(proc_setpgrp(me, getpid(), getpid()), EOPNOTSUPP);
	CHECK_KR(proc_reassign(me, mach_task_self()), EOPNOTSUPP);
	CHECK_KR(proc_setowner(me, 0, 0), EOPNOTSUPP);
	CHECK_KR(proc_dostop(me, MACH_PORT_NULL), EOPNOTSUPP);
	CHECK_KR(proc_set_init_task(me, mach_task_self()), EOPNOTSUPP);
}

int
main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	if (n <= 0)
		return 2;
	self_exe[n] = '\0';
	if (argc >= 3 && !strcmp(argv[1], "--child")) {
		mach_port_t control;
		if (!strcmp(argv[2], "sleeper")) {
			sleep(60);
			return 0;
		}
		if (task_get_bootstrap_port(mach_task_self(), &control) != KERN_SUCCESS)
			return 1;
		if (!strcmp(argv[2], "agent"))
			return child_agent(control);
		return 1;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s AUTH PROC (as machd's boot task)\n", argv[0]);
		return 2;
	}

	mach_port_t host_priv;
	CHECK_KR(task_get_bootstrap_port(mach_task_self(), &host_priv), KERN_SUCCESS);
	CHECK(MACH_PORT_VALID(host_priv));

	struct fake_startup fs;
	CHECK(fake_startup_boot(&fs, argv[1], argv[2], host_priv, NULL));
	if (!MACH_PORT_VALID(fs.startup_proc))
		return TEST_DONE();
	me = fs.startup_proc;
	CHECK_KR(proc_task2proc(me, MACH_PORT_NULL, &generic), KERN_SUCCESS);

	test_startup(&fs);
	test_spawned();
	test_ownership(&fs);
	test_wait(&fs);
	test_reauth_hostile(&fs);
	test_hostile();

	mach_port_deallocate(mach_task_self(), generic);
	fake_startup_shutdown(&fs);
	mach_port_deallocate(mach_task_self(), host_priv);
	return TEST_DONE();
}

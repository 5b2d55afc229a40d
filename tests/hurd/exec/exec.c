/* The exec server: starting programs through Hurd file ports.
 *
 * The test starts exec (argv[1]) as its parent file system would, opens
 * /servers/exec's node, and has exec start the child program (argv[2],
 * served by the test as a Hurd file) in an embryo task, with descriptors
 * and a working directory that are io objects of the test.  The child
 * reports through them what exec_startup_get_info told its libhurd.  The
 * test also asks the startup port itself, checks that it dies with the
 * task, and that EXEC_DEFAULTS fills in exec_setexecdata's defaults.
 * Before that, hostile requests: files that are no files, directories,
 * huge or lying files, text that is no program, broken and huge argument
 * vectors, tasks that are no embryos, ports of the wrong kind.  Each must
 * fail with its own error and leave the embryo fit for a real exec. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <mach/notify.h>
#include <hurd/hurd_types.h>
#include <hurd/exec.h>
#include <hurd/exec_startup.h>
#include <hurd/fsys.h>

#include "testlib.h"
#include "parent.h"
#include "program.h"
#include "fake.h"

static const char argv_good[] = "child\0one\0two";	/* with its final NUL: sizeof */
static const char envp_good[] = "EXEC_TEST=yes";

static mach_port_t execserver;
static mach_port_t t_control;		/* exec's control port */
static struct fake program, text, dir, huge, liar, notio, sink, cwd, gate;

/* exec_exec of FILE (made a send right of ours when it is a receive
 * right we hold) into TASK with the good vectors and FLAGS. */
static kern_return_t
exec_with(mach_port_t server, mach_port_t file, mach_msg_type_name_t file_type,
	  task_t task, int flags, const char *argv, size_t argvlen)
{
	mach_port_t dtable[3] = { gate.port, sink.port, sink.port };
	mach_port_t ports[INIT_PORT_MAX] = { 0 };
	int ints[INIT_INT_MAX] = { 0 };

	ports[INIT_PORT_CWDIR] = cwd.port;
	ints[INIT_UMASK] = 027;
	return exec_exec(server, file, file_type, task, flags, argv, argvlen,
			 envp_good, sizeof envp_good, dtable, MACH_MSG_TYPE_MAKE_SEND, 3,
			 ports, MACH_MSG_TYPE_MAKE_SEND, INIT_PORT_MAX, ints, INIT_INT_MAX,
			 NULL, 0, NULL, 0);
}

static kern_return_t
exec_file(mach_port_t file, task_t task)
{
	return exec_with(execserver, file, MACH_MSG_TYPE_MAKE_SEND, task, 0,
			 argv_good, sizeof argv_good);
}

/* A dead-name notification on NAME, sent to NOTIFY. */
static void
watch(mach_port_t name, mach_port_t notify)
{
	mach_port_t previous = MACH_PORT_NULL;

	CHECK_KR(mach_port_request_notification(mach_task_self(), name, MACH_NOTIFY_DEAD_NAME, 1,
						notify, MACH_MSG_TYPE_MAKE_SEND_ONCE, &previous),
		 KERN_SUCCESS);
	CHECK_EQ(previous, MACH_PORT_NULL);
}

/* Receive one dead-name notification on NOTIFY within 10 s: the name
 * that died (its reference from the notification is dropped), or
 * MACH_PORT_NULL. */
static mach_port_t
dead_name(mach_port_t notify)
{
	union {
		mach_dead_name_notification_t n;
		char space[256];
	} msg;
	mach_msg_return_t mr;

	mr = mach_msg(&msg.n.not_header, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof msg, notify,
		      10000, MACH_PORT_NULL);
	CHECK_KR(mr, MACH_MSG_SUCCESS);
	if (mr)
		return MACH_PORT_NULL;
	CHECK_EQ(msg.n.not_header.msgh_id, MACH_NOTIFY_DEAD_NAME);
	mach_port_deallocate(mach_task_self(), msg.n.not_port);
	return msg.n.not_port;
}

static void
check_hostile(task_t task)
{
	mach_port_t dead, other_task;
	char *big;
	vm_address_t user_entry, phdr, stack;
	vm_size_t phdr_size, stack_size;
	int flags;
	data_t a = NULL, e = NULL;
	mach_msg_type_number_t alen = 0, elen = 0, nd = 0, np = 0, ni = 0;
	portarray_t d = NULL, p = NULL;
	intarray_t i = NULL;

	/* Files that are none, or that no Linux can run. */
	CHECK_KR(exec_file(MACH_PORT_NULL, task), EBADF);
	dead = testlib_port_with_send();
	mach_port_mod_refs(mach_task_self(), dead, MACH_PORT_RIGHT_RECEIVE, -1);
	CHECK_KR(exec_with(execserver, dead, MACH_MSG_TYPE_COPY_SEND, task, 0,
			   argv_good, sizeof argv_good), EBADF);
	mach_port_deallocate(mach_task_self(), dead);
	CHECK_KR(exec_file(notio.port, task), EBADF);
	CHECK_KR(exec_file(dir.port, task), EACCES);
	CHECK_KR(exec_file(sink.port, task), EACCES);
	CHECK_KR(exec_file(huge.port, task), EFBIG);
	CHECK_KR(exec_file(text.port, task), ENOEXEC);
	CHECK_KR(exec_file(liar.port, task), EIO);

	/* Vectors. */
	CHECK_KR(exec_with(execserver, program.port, MACH_MSG_TYPE_MAKE_SEND, task, 0,
			   "no-nul", 6), EINVAL);
	big = malloc(8 << 20);
	memset(big, 'x', 8 << 20);
	big[(8 << 20) - 1] = 0;
	CHECK_KR(exec_with(execserver, program.port, MACH_MSG_TYPE_MAKE_SEND, task, 0,
			   big, 8 << 20), E2BIG);
	free(big);

	/* Tasks: none, one with a process (ours), a new task wanted. */
	CHECK_KR(exec_file(program.port, MACH_PORT_NULL), EINVAL);
	CHECK_KR(exec_with(execserver, program.port, MACH_MSG_TYPE_MAKE_SEND, mach_task_self(),
			   0, argv_good, sizeof argv_good), EINVAL);
	CHECK_KR(task_create(mach_task_self(), 0, &other_task), KERN_SUCCESS);
	CHECK_KR(exec_with(execserver, program.port, MACH_MSG_TYPE_MAKE_SEND, other_task,
			   EXEC_NEWTASK, argv_good, sizeof argv_good), EOPNOTSUPP);
	CHECK_KR(task_terminate(other_task), KERN_SUCCESS);
	mach_port_deallocate(mach_task_self(), other_task);

	/* Ports of the wrong kind. */
	CHECK_KR(exec_with(t_control, program.port, MACH_MSG_TYPE_MAKE_SEND, task, 0,
			   argv_good, sizeof argv_good), EOPNOTSUPP);
	CHECK_KR(exec_startup_get_info(execserver, &user_entry, &phdr, &phdr_size, &stack,
				       &stack_size, &flags, &a, &alen, &e, &elen, &d, &nd,
				       &p, &np, &i, &ni), EOPNOTSUPP);
}

/* What exec_startup_get_info on STARTUP says: what exec_with gave. */
static void
check_startup_info(mach_port_t startup)
{
	vm_address_t user_entry, phdr, stack;
	vm_size_t phdr_size, stack_size;
	int flags = -1;
	char abuf[64], ebuf[64];
	data_t a = abuf, e = ebuf;
	mach_msg_type_number_t alen = sizeof abuf, elen = sizeof ebuf, nd = 0, np = 0, ni = 0, k;
	portarray_t d = NULL, p = NULL;
	intarray_t i = NULL;

	CHECK_KR(exec_startup_get_info(startup, &user_entry, &phdr, &phdr_size, &stack,
				       &stack_size, &flags, &a, &alen, &e, &elen, &d, &nd,
				       &p, &np, &i, &ni), KERN_SUCCESS);
	CHECK_EQ(flags, 0);
	CHECK_EQ(alen, sizeof argv_good);
	CHECK(alen == sizeof argv_good && memcmp(a, argv_good, alen) == 0);
	CHECK_EQ(elen, sizeof envp_good);
	CHECK(elen == sizeof envp_good && memcmp(e, envp_good, elen) == 0);
	CHECK_EQ(nd, 3);
	if (nd == 3) {
		CHECK_EQ(d[0], gate.port);	/* our own ports, back under their names */
		CHECK_EQ(d[1], sink.port);
		CHECK_EQ(d[2], sink.port);
	}
	CHECK_EQ(np, INIT_PORT_MAX);
	if (np == INIT_PORT_MAX) {
		CHECK_EQ(p[INIT_PORT_CWDIR], cwd.port);
		CHECK_EQ(p[INIT_PORT_AUTH], MACH_PORT_NULL);
	}
	CHECK_EQ(ni, INIT_INT_MAX);
	if (ni == INIT_INT_MAX)
		CHECK_EQ(i[INIT_UMASK], 027);

	for (k = 0; k < nd; k++)
		if (MACH_PORT_VALID(d[k]))
			mach_port_deallocate(mach_task_self(), d[k]);
	for (k = 0; k < np; k++)
		if (MACH_PORT_VALID(p[k]))
			mach_port_deallocate(mach_task_self(), p[k]);
	if (a != abuf)
		vm_deallocate(mach_task_self(), (vm_address_t) a, alen);
	if (e != ebuf)
		vm_deallocate(mach_task_self(), (vm_address_t) e, elen);
	vm_deallocate(mach_task_self(), (vm_address_t) d, nd * sizeof *d);
	vm_deallocate(mach_task_self(), (vm_address_t) p, np * sizeof *p);
	vm_deallocate(mach_task_self(), (vm_address_t) i, ni * sizeof *i);
}

/* The startup port in TASK's registered slot 0 (a send right of ours). */
static mach_port_t
startup_port_of(task_t task)
{
	mach_port_t *regs = NULL, startup = MACH_PORT_NULL;
	mach_msg_type_number_t n = 0, k;

	CHECK_KR(mach_ports_lookup(task, &regs, &n), KERN_SUCCESS);
	CHECK(n >= 1);
	for (k = 0; k < n; k++) {
		if (k == 0)
			startup = regs[0];
		else if (MACH_PORT_VALID(regs[k]))
			mach_port_deallocate(mach_task_self(), regs[k]);
	}
	vm_deallocate(mach_task_self(), (vm_address_t) regs, n * sizeof *regs);
	return startup;
}

static void
check_exec(task_t task, mach_port_t notify)
{
	mach_port_t startup, died1, died2;

	CHECK_KR(exec_file(program.port, task), KERN_SUCCESS);
	CHECK(fake_wait_written(&sink, "argv=child,one,two env=yes umask=027 ports=", 20000));
	CHECK(fake_wait_written(&cwd, "cwd", 20000));

	/* The child waits at its gate: its startup port is alive. */
	startup = startup_port_of(task);
	CHECK(MACH_PORT_VALID(startup));
	if (MACH_PORT_VALID(startup))
		check_startup_info(startup);
	watch(startup, notify);
	watch(task, notify);

	/* Let it go: the task dies, and exec destroys the startup port. */
	fake_open_gate(&gate);
	died1 = dead_name(notify);
	died2 = dead_name(notify);
	CHECK((died1 == startup && died2 == task) || (died1 == task && died2 == startup));
	mach_port_deallocate(mach_task_self(), startup);
}

/* exec_setexecdata's defaults fill what an EXEC_DEFAULTS exec leaves out. */
static void
check_defaults(mach_port_t notify)
{
	mach_port_t ports[INIT_PORT_MAX] = { 0 }, dtable[3] = { gate.port, sink.port, sink.port };
	int ints[INIT_INT_MAX] = { 0 };
	task_t task;

	ports[INIT_PORT_CWDIR] = cwd.port;
	ints[INIT_UMASK] = 077;
	CHECK_KR(exec_setexecdata(execserver, ports, MACH_MSG_TYPE_MAKE_SEND, INIT_PORT_MAX,
				  ints, INIT_INT_MAX), KERN_SUCCESS);
	CHECK_KR(task_create(mach_task_self(), 0, &task), KERN_SUCCESS);
	CHECK_KR(exec_exec(execserver, program.port, MACH_MSG_TYPE_MAKE_SEND, task, EXEC_DEFAULTS,
			   argv_good, sizeof argv_good, envp_good, sizeof envp_good,
			   dtable, MACH_MSG_TYPE_MAKE_SEND, 3, NULL, MACH_MSG_TYPE_COPY_SEND, 0,
			   NULL, 0, NULL, 0, NULL, 0), KERN_SUCCESS);
	CHECK(fake_wait_written(&sink, "umask=077", 20000));
	CHECK(fake_wait_written(&cwd, "cwdcwd", 20000));
	watch(task, notify);
	CHECK_EQ(dead_name(notify), task);
	mach_port_deallocate(mach_task_self(), task);
}

int
main(int argc, char **argv)
{
	static const char script[] = "#!/bin/sh\necho not a program\n";
	struct parent_translator t;
	char *targv[] = { argc > 1 ? argv[1] : "exec", NULL };
	size_t child_size;
	const char *child;
	mach_port_t notify, notify_unused;
	task_t task;

	if (argc < 3) {
		fprintf(stderr, "usage: %s EXEC-SERVER CHILD\n", argv[0]);
		return 2;
	}
	child = program_map(argv[2], &child_size);
	fake_start(&program, FAKE_FILE, child, child_size);
	fake_start(&text, FAKE_FILE, script, sizeof script - 1);
	fake_start(&dir, FAKE_DIR, NULL, 0);
	fake_start(&huge, FAKE_HUGE, NULL, 0);
	fake_start(&liar, FAKE_LIAR, NULL, 0);
	fake_start(&notio, FAKE_NOTIO, NULL, 0);
	fake_start(&sink, FAKE_SINK, NULL, 0);
	fake_start(&cwd, FAKE_SINK, NULL, 0);
	fake_start(&gate, FAKE_GATE, NULL, 0);
	notify = testlib_port();

	if (parent_start(targv, &t) != 0)
		return 2;
	t_control = t.control;
	CHECK_KR(parent_open(&t, 0, &execserver), KERN_SUCCESS);
	CHECK_KR(parent_open(&t, HURD_O_READ, &notify_unused), EACCES); /* no file to read */

	CHECK_KR(task_create(mach_task_self(), 0, &task), KERN_SUCCESS);
	{
		/* A failed exec leaves the embryo's registered ports as they were. */
		mach_port_t before = startup_port_of(task), after;

		check_hostile(task);
		after = startup_port_of(task);
		CHECK_EQ(after, before);
		if (MACH_PORT_VALID(before))
			mach_port_deallocate(mach_task_self(), before);
		if (MACH_PORT_VALID(after))
			mach_port_deallocate(mach_task_self(), after);
	}
	check_exec(task, notify);
	mach_port_deallocate(mach_task_self(), task);
	check_defaults(notify);

	/* exec stays while /servers/exec is open, unless forced. */
	CHECK_KR(fsys_goaway(t.control, 0), EBUSY);
	mach_port_deallocate(mach_task_self(), execserver);
	CHECK_KR(parent_stop(&t, FSYS_GOAWAY_FORCE), KERN_SUCCESS);

	fake_stop(&program);
	fake_stop(&text);
	fake_stop(&dir);
	fake_stop(&huge);
	fake_stop(&liar);
	fake_stop(&notio);
	fake_stop(&sink);
	fake_stop(&cwd);
	fake_stop(&gate);
	mach_port_mod_refs(mach_task_self(), notify, MACH_PORT_RIGHT_RECEIVE, -1);
	munmap((void *) child, child_size);
	return TEST_DONE();
}

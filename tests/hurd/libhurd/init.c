/* libhurd's initialisation from the exec startup port in registered
 * slot 0, in fork children of this test, which serves that port.
 *
 * The parent holds a send right to every node, so a child (which
 * inherits send rights under their names) receives the ports of the exec
 * startup answer under the same names and can compare them.  Each child
 * exits with the number of its failed checks.  */

#include <hurd.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"
#include "fake_servers.h"

static struct fake_node *root, *cwd, *auth, *proc_generic, *proc_own1, *proc_own2, *dtab0;
static struct fake_node *extra1, *extra2;

/* Run BODY in a fork child and check that it passed.  */
static void
in_child(void (*body)(void), const char *what)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		testlib_failures = 0;	/* count the child's own */
		body();
		/* _exit: the parent's server thread is not in the child, so
		 * its buffers would look leaked to a leak checker at exit. */
		fflush(NULL);
		_exit(testlib_failures ? 1 : 0);
	}
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "  (the child \"%s\" failed: status %#x)\n", what, status);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
register_startup(struct fake_node *node)
{
	mach_port_t ports[1] = { node ? node->port : MACH_PORT_NULL };

	CHECK_KR(mach_ports_register(mach_task_self(), ports, 1), KERN_SUCCESS);
}

static void
no_environment(void)
{
	errno = 0;
	CHECK(getauth() == MACH_PORT_NULL);
	CHECK_EQ(errno, ENOTCONN);
	CHECK_EQ(hurd_init(), ENOTCONN);
	CHECK(hurd_init_error() != NULL);
	CHECK(strstr(hurd_init_error(), "not inside a HELL environment") != NULL);
	CHECK(file_name_lookup("/x", 0, 0) == MACH_PORT_NULL);
	CHECK_EQ(errno, ENOTCONN);
	CHECK(getcttyid() == MACH_PORT_NULL);
}

static void
check_port(mach_port_t got, struct fake_node *want)
{
	CHECK_EQ(got, want->port);
	if (MACH_PORT_VALID(got))
		mach_port_deallocate(mach_task_self(), got);
}

static void
grandchild(void)
{
	/* Inherited cells; a proc port of our own, from the parent's.  */
	check_port(getcrdir(), root);
	check_port(getproc(), proc_own2);
	CHECK_EQ(proc_own1->task2proc_calls, 0);	/* the parent's copy of the count */
	CHECK_EQ(fake_send_refs(proc_own2), 2);		/* inherited + the cell's */
}

static void
inside(void)
{
	CHECK_EQ(hurd_init(), 0);
	CHECK(hurd_init_error() == NULL);
	check_port(getcrdir(), root);
	check_port(getcwdir(), cwd);
	check_port(getauth(), auth);
	check_port(getproc(), proc_own1);
	CHECK(getcttyid() == MACH_PORT_NULL);
	CHECK_EQ(_hurd_umask, 027);
	check_port(getdport(0), dtab0);
	errno = 0;
	CHECK(getdport(1) == MACH_PORT_NULL);
	CHECK_EQ(errno, EBADF);
	/* One reference inherited from the parent, one in the cell; the
	 * generic proc port was given back.  */
	CHECK_EQ(fake_send_refs(root), 2);
	CHECK_EQ(fake_send_refs(proc_own1), 2);
	CHECK_EQ(fake_send_refs(proc_generic), 1);
	/* Ports past INIT_PORT_MAX are dropped.  */
	CHECK_EQ(fake_send_refs(extra1), 1);
	CHECK_EQ(fake_send_refs(extra2), 1);
	/* A fork child makes the proc port its own again.  */
	in_child(grandchild, "grandchild");
}

static void
startup_refuses(void)
{
	CHECK_EQ(hurd_init(), EPERM);
	CHECK(hurd_init_error() && strstr(hurd_init_error(), "exec_startup_get_info"));
	errno = 0;
	CHECK(getcwdir() == MACH_PORT_NULL);
	CHECK_EQ(errno, EPERM);
}

static void
few_ports(void)
{
	CHECK_EQ(hurd_init(), 0);
	check_port(getcwdir(), cwd);
	check_port(getcrdir(), root);
	CHECK(getauth() == MACH_PORT_NULL);	/* not given: no port, no error */
	CHECK_EQ(_hurd_umask, 022);		/* no INIT_UMASK: the default */
}

static void
explicit_init(void)
{
	mach_port_t ports[INIT_PORT_MAX] = { 0 };
	int ints[INIT_INT_MAX] = { 077 };
	char *argv[] = { "prog", NULL };

	/* References of our own to the inherited send rights.  */
	ports[INIT_PORT_CRDIR] = root->port;
	ports[INIT_PORT_CWDIR] = cwd->port;
	CHECK_KR(mach_port_mod_refs(mach_task_self(), root->port, MACH_PORT_RIGHT_SEND, 1), 0);
	CHECK_KR(mach_port_mod_refs(mach_task_self(), cwd->port, MACH_PORT_RIGHT_SEND, 1), 0);
	_hurd_init(0, argv, ports, INIT_PORT_MAX, ints, 1);
	CHECK_EQ(hurd_init(), 0);
	check_port(getcrdir(), root);
	check_port(getcwdir(), cwd);
	CHECK_EQ(_hurd_umask, 077);
}

int
main(void)
{
	struct fake_node *es = fake_node("exec-startup");
	struct fake_node *es_refuses = fake_node("exec-startup-refuses");
	struct fake_node *es_few = fake_node("exec-startup-few");
	struct fake_node *es_dead = fake_node("exec-startup-dead");
	struct fake_node *all[32];
	int nall = 0;

	all[nall++] = root = fake_node("root");
	all[nall++] = cwd = fake_node("cwd");
	all[nall++] = auth = fake_node("auth");
	all[nall++] = proc_generic = fake_node("proc");
	all[nall++] = proc_own1 = fake_node("proc-own-1");
	all[nall++] = proc_own2 = fake_node("proc-own-2");
	all[nall++] = dtab0 = fake_node("dtable-0");
	all[nall++] = extra1 = fake_node("extra-1");
	all[nall++] = extra2 = fake_node("extra-2");
	all[nall++] = es;
	all[nall++] = es_refuses;
	all[nall++] = es_few;
	for (int i = 0; i < nall; i++)
		fake_send(all[i]);

	es->ports[INIT_PORT_CWDIR] = cwd;
	es->ports[INIT_PORT_CRDIR] = root;
	es->ports[INIT_PORT_AUTH] = auth;
	es->ports[INIT_PORT_PROC] = proc_generic;
	es->ports[INIT_PORT_MAX] = extra1;
	es->ports[INIT_PORT_MAX + 1] = extra2;
	es->nports = INIT_PORT_MAX + 2;
	es->dtable[0] = dtab0;
	es->ndtable = 1;
	es->ints[INIT_UMASK] = 027;
	es->nints = 1;
	proc_generic->task2proc[0] = proc_own1;
	proc_generic->ntask2proc = 1;
	proc_own1->task2proc[0] = proc_own2;
	proc_own1->ntask2proc = 1;
	es_refuses->startup_err = EPERM;
	es_few->ports[INIT_PORT_CWDIR] = cwd;
	es_few->ports[INIT_PORT_CRDIR] = root;
	es_few->nports = 2;

	in_child(no_environment, "no environment");
	in_child(explicit_init, "explicit _hurd_init");

	register_startup(es);
	in_child(inside, "inside");
	CHECK_EQ(es->startup_calls, 1);
	CHECK_EQ(proc_generic->task2proc_calls, 1);
	CHECK_EQ(proc_own1->task2proc_calls, 1);	/* the grandchild's */

	register_startup(es_refuses);
	in_child(startup_refuses, "exec startup refuses");

	register_startup(es_few);
	in_child(few_ports, "few ports");

	/* A startup port whose server is gone: no environment either.  */
	fake_send(es_dead);
	register_startup(es_dead);
	mach_port_mod_refs(mach_task_self(), es_dead->port, MACH_PORT_RIGHT_RECEIVE, -1);
	in_child(no_environment, "dead exec startup port");
	mach_port_deallocate(mach_task_self(), es_dead->port);	/* the dead name */

	register_startup(NULL);
	return TEST_DONE();
}

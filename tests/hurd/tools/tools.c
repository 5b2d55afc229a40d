/* The Hurd's tools (cat, ls, showtrans, fsysopts, settrans, ps, portinfo,
 * vminfo) run against test-served ports, and their argument handling.
 * settrans is checked for passive records only: starting an active
 * translator needs a real exec server.
 *
 * This test serves an exec startup port (fake_servers.h) and registers
 * it as its slot 0; a tool it starts (fork, then exec) is the fork
 * child's task and inherits the slot, so the tool's libhurd finds the
 * test's root directory, auth and proc ports.  With slot 0 empty, a tool
 * must say that it is not inside a HELL environment.
 *
 * usage: tools-test DIR (the directory of the built tools)  */

#include <hurd.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"
#include "fake_servers.h"

static const char *tooldir;

struct run {
	int status;		/* exit status, or 128 + signal */
	char out[16384];
	char err[16384];
};

static void
drain(int fds[2], struct run *r)
{
	size_t used[2] = { 0, 0 };
	char *bufs[2] = { r->out, r->err };
	struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
	int open_fds = 2;

	while (open_fds > 0 && poll(p, 2, 20000) > 0) {
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			size_t room = sizeof r->out - 1 - used[i];
			char scratch[256];
			ssize_t n = read(p[i].fd, room ? bufs[i] + used[i] : scratch,
					 room ? room : sizeof scratch);

			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open_fds--;
			} else if (room) {
				used[i] += (size_t) n;
			}
		}
	}
	r->out[used[0]] = '\0';
	r->err[used[1]] = '\0';
}

/* Run TOOL with ARGS (NULL-terminated) and collect what it says.  */
static void
run(struct run *r, const char *tool, ...)
{
	char path[4096];
	char *argv[16];
	int argc = 0, out[2], err[2];
	va_list ap;
	pid_t pid;

	snprintf(path, sizeof path, "%s/%s", tooldir, tool);
	argv[argc++] = (char *) tool;
	va_start(ap, tool);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;

	if (pipe(out) || pipe(err)) {
		perror("pipe");
		exit(2);
	}
	pid = fork();
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		close(out[0]);
		close(err[0]);
		execv(path, argv);
		perror(path);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	drain((int[2]) { out[0], err[0] }, r);
	waitpid(pid, &r->status, 0);
	r->status = WIFEXITED(r->status) ? WEXITSTATUS(r->status) : 128 + WTERMSIG(r->status);
}

static int
has(const char *text, const char *part, const char *what, int line)
{
	if (strstr(text, part))
		return 1;
	fprintf(stderr, "  line %d: %s lacks \"%s\"; it was:\n%s\n", line, what, part, text);
	return 0;
}
#define OUT_HAS(r, s) CHECK(has((r)->out, s, "stdout", __LINE__))
#define ERR_HAS(r, s) CHECK(has((r)->err, s, "stderr", __LINE__))
#define STATUS(r, want) do {							\
	if ((r)->status != (want))						\
		fprintf(stderr, "  line %d: stderr: %s\n", __LINE__, (r)->err);	\
	CHECK_EQ((r)->status, want);						\
} while (0)

static void
register_startup(struct fake_node *node)
{
	mach_port_t ports[1] = { node ? node->port : MACH_PORT_NULL };

	CHECK_KR(mach_ports_register(mach_task_self(), ports, 1), KERN_SUCCESS);
}

static void
outside_an_environment(void)
{
	static const char *tools[][3] = {
		{ "cat", "/x", "1" }, { "ls", "/", "1" }, { "showtrans", "/x", "1" },
		{ "fsysopts", "/", "1" }, { "ps", "-e", "1" }, { "portinfo", "1", "11" },
		{ "vminfo", "1", "11" }, { "settrans", "/x", "1" },
	};
	struct run *r = malloc(sizeof *r);

	register_startup(NULL);
	for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
		run(r, tools[i][0], tools[i][1], NULL);
		STATUS(r, atoi(tools[i][2]));
		ERR_HAS(r, "not inside a HELL environment: use hell up, then hell run");
	}
	free(r);
}

static void
arguments(void)
{
	static const char *tools[] = { "cat", "ls", "showtrans", "fsysopts", "ps", "portinfo",
				       "vminfo", "settrans" };
	struct run *r = malloc(sizeof *r);

	for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
		run(r, tools[i], "--help", NULL);
		STATUS(r, 0);
		OUT_HAS(r, "Usage:");
		run(r, tools[i], "--no-such-option", NULL);
		STATUS(r, 64);
		ERR_HAS(r, "unrecognized option");
	}
	/* Missing and malformed arguments: argp's usage error, 64.  */
	run(r, "showtrans", NULL);
	STATUS(r, 64);
	run(r, "settrans", NULL);
	STATUS(r, 64);
	run(r, "fsysopts", NULL);
	STATUS(r, 64);
	run(r, "portinfo", NULL);
	STATUS(r, 64);
	run(r, "portinfo", "12x", NULL);
	STATUS(r, 64);
	ERR_HAS(r, "invalid process id");
	run(r, "portinfo", "1", "zz", NULL);
	STATUS(r, 64);
	ERR_HAS(r, "invalid port name");
	run(r, "vminfo", NULL);
	STATUS(r, 64);
	run(r, "vminfo", "1", "2", "3", "4", NULL);
	STATUS(r, 64);
	run(r, "vminfo", "x", NULL);
	STATUS(r, 64);
	run(r, "ps", "-1", NULL);
	STATUS(r, 64);
	free(r);
}

int
main(int argc, char *argv[])
{
	struct fake_node *es = fake_node("exec-startup"), *root = fake_node("root");
	struct fake_node *auth = fake_node("auth"), *proc = fake_node("proc");
	struct fake_node *hello = fake_node("hello"), *world = fake_node("world");
	struct fake_node *dot = fake_node(".hidden"), *control = fake_node("control");
	struct run *r = malloc(sizeof *r);
	char pidarg[16], name[32];

	if (argc != 2) {
		fprintf(stderr, "usage: %s TOOLDIR\n", argv[0]);
		return 2;
	}
	tooldir = argv[1];

	outside_an_environment();
	arguments();

	/* The environment: a root with two files and a hidden one.  */
	es->ports[INIT_PORT_CWDIR] = root;
	es->ports[INIT_PORT_CRDIR] = root;
	es->ports[INIT_PORT_AUTH] = auth;
	es->ports[INIT_PORT_PROC] = proc;
	es->nports = INIT_PORT_MAX;
	proc->pids[0] = getpid();
	proc->npids = 1;
	proc->task_pid = getpid();
	root->entries[0] = "world";
	root->entries[1] = ".hidden";
	root->entries[2] = "hello";
	root->nentries = 3;
	root->fs_options = "rootfs\0--writable";
	root->fs_options_len = sizeof "rootfs\0--writable";
	root->control = control;
	fake_rule(root, "", FS_RETRY_NORMAL, "", FAKE_TO_SELF, NULL);
	fake_rule(root, ".", FS_RETRY_NORMAL, "", FAKE_TO_SELF, NULL);
	fake_rule(root, "hello", FS_RETRY_NORMAL, "", FAKE_TO_NODE, hello);
	fake_rule(root, "world", FS_RETRY_NORMAL, "", FAKE_TO_NODE, world);
	fake_rule(root, ".hidden", FS_RETRY_NORMAL, "", FAKE_TO_NODE, dot);
	hello->contents = "hello, world\n";
	hello->st_mode = S_IFREG | 0644;
	hello->passive = "/hurd/hello\0--contents=hi";
	hello->passive_len = sizeof "/hurd/hello\0--contents=hi";
	world->contents = "bye\n";
	world->st_mode = S_IFREG | 0600;
	dot->st_mode = S_IFREG | 0644;
	fake_send(es);
	register_startup(es);

	/* cat */
	run(r, "cat", "/hello", "world", NULL);
	STATUS(r, 0);
	CHECK(strcmp(r->out, "hello, world\nbye\n") == 0);
	CHECK(root->last_flags & HURD_O_READ);
	run(r, "cat", "/missing", NULL);
	STATUS(r, 1);
	ERR_HAS(r, "/missing: No such file or directory");

	/* ls */
	run(r, "ls", "/", NULL);
	STATUS(r, 0);
	CHECK(strcmp(r->out, "hello\nworld\n") == 0);
	run(r, "ls", "-a", NULL);
	STATUS(r, 0);
	CHECK(strcmp(r->out, ".hidden\nhello\nworld\n") == 0);
	run(r, "ls", "-l", "/", NULL);
	STATUS(r, 0);
	OUT_HAS(r, "-rw-r--r--");
	OUT_HAS(r, " hello\n");
	OUT_HAS(r, "-rw------- ");
	run(r, "ls", "/hello", NULL);
	STATUS(r, 0);
	CHECK(strcmp(r->out, "/hello\n") == 0);

	/* showtrans: the node itself (O_NOTRANS), arguments spaced out */
	run(r, "showtrans", "/hello", NULL);
	STATUS(r, 0);
	CHECK(strcmp(r->out, "/hurd/hello --contents=hi\n") == 0);
	CHECK(root->last_flags & HURD_O_NOTRANS);
	run(r, "showtrans", "-p", "/hello", NULL);
	STATUS(r, 0);
	CHECK(strcmp(r->out, "/hello: /hurd/hello --contents=hi\n") == 0);
	run(r, "showtrans", "/world", NULL);	/* no translator: status 1, quiet */
	STATUS(r, 1);
	CHECK(r->out[0] == '\0');
	run(r, "showtrans", "/hello", "/world", NULL);
	STATUS(r, 0);
	CHECK(strcmp(r->out, "/hello: /hurd/hello --contents=hi\n/world\n") == 0);

	/* fsysopts: show, then set through the control port */
	run(r, "fsysopts", "/", NULL);
	STATUS(r, 0);
	CHECK(strcmp(r->out, "rootfs --writable\n") == 0);
	run(r, "fsysopts", "/", "--readonly", "--sync=5", NULL);
	STATUS(r, 0);
	CHECK_EQ(control->set_options_len, sizeof "--readonly\0--sync=5");
	CHECK(memcmp(control->set_options, "--readonly\0--sync=5",
		     sizeof "--readonly\0--sync=5") == 0);
	run(r, "fsysopts", "/hello", "--readonly", NULL);	/* hello has no control */
	STATUS(r, 2);
	ERR_HAS(r, "Operation not permitted");

	/* settrans: the passive record (the default), with what to do about
	 * a running translator; the node itself is looked up (O_NOTRANS). */
	static const char trans[] = "/hurd/hello\0--contents=x";
	run(r, "settrans", "/hello", "/hurd/hello", "--contents=x", NULL);
	STATUS(r, 0);
	CHECK_EQ(hello->set_trans_calls, 1);
	CHECK_EQ(hello->set_trans_len, sizeof trans);
	CHECK(memcmp(hello->set_trans, trans, sizeof trans) == 0);
	CHECK_EQ(hello->set_trans_flags[0], FS_TRANS_SET);
	CHECK_EQ(hello->set_trans_flags[1], FS_TRANS_SET | FS_TRANS_EXCL);
	CHECK_EQ(hello->set_trans_flags[2], 0);
	CHECK(root->last_flags & HURD_O_NOTRANS);
	run(r, "settrans", "-k", "-x", "/hello", "/hurd/hello", NULL);
	STATUS(r, 0);
	CHECK_EQ(hello->set_trans_flags[0], FS_TRANS_SET | FS_TRANS_EXCL);
	CHECK_EQ(hello->set_trans_flags[1], 0);
	run(r, "settrans", "-gfRS", "/hello", NULL);	/* clear the record, stop it */
	STATUS(r, 0);
	CHECK_EQ(hello->set_trans_len, 0);
	CHECK_EQ(hello->set_trans_flags[1], FS_TRANS_SET);
	CHECK_EQ(hello->set_trans_flags[2],
		 FSYS_GOAWAY_FORCE | FSYS_GOAWAY_RECURSE | FSYS_GOAWAY_NOSYNC);
	run(r, "settrans", "-c", "/hello", NULL);
	STATUS(r, 0);
	CHECK(root->last_flags & HURD_O_CREAT);
	CHECK_EQ(hello->set_trans_calls, 4);
	run(r, "settrans", "/missing", "/hurd/hello", NULL);
	STATUS(r, 1);
	ERR_HAS(r, "/missing: No such file or directory");
	run(r, "settrans", "-s", "/world", NULL);	/* no passive record to start */
	STATUS(r, 4);
	ERR_HAS(r, "/world: no passive translator record found");
	run(r, "settrans", "-s", "/hello", "/hurd/hello", NULL);
	STATUS(r, 64);
	ERR_HAS(r, "both --start and TRANSLATOR given");
	run(r, "settrans", "-t", "soon", "/hello", NULL);
	STATUS(r, 64);
	ERR_HAS(r, "invalid timeout");

	/* ps */
	snprintf(pidarg, sizeof pidarg, "%d", (int) getpid());
	run(r, "ps", "-e", NULL);
	STATUS(r, 0);
	OUT_HAS(r, "  PID  PPID USER      TH    RSS    VSZ STAT  COMMAND\n");
	OUT_HAS(r, pidarg);
	OUT_HAS(r, "prog arg\n");
	OUT_HAS(r, "40K");
	OUT_HAS(r, "3.5M");
	run(r, "ps", "-H", pidarg, NULL);
	STATUS(r, 0);
	CHECK(strstr(r->out, "PID") == NULL);
	run(r, "ps", "4194000", NULL);
	STATUS(r, 1);
	ERR_HAS(r, "4194000: No such process");

	/* portinfo: this task's names, through proc_pid2task */
	snprintf(name, sizeof name, "%6u: receive\n", hello->port);
	run(r, "portinfo", pidarg, NULL);
	STATUS(r, 0);
	OUT_HAS(r, name);
	run(r, "portinfo", "-s", pidarg, NULL);
	STATUS(r, 0);
	CHECK(strstr(r->out, ": receive\n") == NULL);
	snprintf(name, sizeof name, "%u", hello->port);
	run(r, "portinfo", "-v", pidarg, name, NULL);
	STATUS(r, 0);
	OUT_HAS(r, "receive (port-set: ");
	run(r, "portinfo", "1", NULL);
	STATUS(r, 11);
	ERR_HAS(r, "1: No such process");

	/* vminfo: this task's regions.  Where machd does not serve vm_region
	 * (yet), vminfo must say so.  */
	vm_address_t addr = 0;
	vm_size_t size;
	vm_prot_t prot, max_prot;
	vm_inherit_t inh;
	boolean_t shared;
	mach_port_t obj;
	vm_offset_t offs;
	kern_return_t kr = vm_region(mach_task_self(), &addr, &size, &prot, &max_prot, &inh,
				     &shared, &obj, &offs);
	run(r, "vminfo", pidarg, NULL);
	if (kr == MIG_BAD_ID) {
		STATUS(r, 12);
		ERR_HAS(r, "vm_region: (ipc/mig) bad request message ID");
	} else {
		CHECK_KR(kr, KERN_SUCCESS);
		STATUS(r, 0);
		OUT_HAS(r, "(prot=");
		run(r, "vminfo", "-s", "-d", pidarg, NULL);
		STATUS(r, 0);
		CHECK(strstr(r->out, "0x") == NULL);
	}

	register_startup(NULL);
	free(r);
	return TEST_DONE();
}

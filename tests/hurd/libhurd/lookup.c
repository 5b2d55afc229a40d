/* file_name_lookup and the retry protocol, against test-served directories.
 *
 * The task has no exec startup port (hell run --private), so libhurd has
 * no init ports of its own; the test installs a root and a working
 * directory with _hurd_port_set, as a server at boot does, and checks
 * every kind of answer a server can give: normal retries with a rest of
 * the name, reauthentication, the magic names, loops, and hostile
 * answers.  After each lookup the client must hold exactly the send
 * rights it was given back (none once it deallocated them).  */

#include <hurd.h>
#include <hurd/lookup.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "fake_servers.h"

static struct fake_node *root, *cwd, *auth;

static error_t nested_lookup(file_t dir, const char *name, int flags, mode_t mode,
			     retry_type *do_retry, string_t retry_name, mach_port_t *result);

/* Look NAME up with FLAGS; expect error WANT (0: success), and on success
 * the node WANT_NODE.  Drops the result.  */
static void
expect(const char *name, int flags, error_t want, struct fake_node *want_node, int line)
{
	file_t port;
	int saved = testlib_failures;

	errno = 0;
	port = file_name_lookup(name, flags, 0);
	if (want) {
		CHECK(port == MACH_PORT_NULL);
		CHECK_EQ(errno, want);
	} else {
		CHECK(port != MACH_PORT_NULL);
		if (want_node)
			CHECK_EQ(port, want_node->port);
		if (MACH_PORT_VALID(port))
			mach_port_deallocate(mach_task_self(), port);
	}
	if (testlib_failures != saved)
		fprintf(stderr, "  (lookup of \"%.60s\" from line %d)\n", name, line);
}
#define EXPECT(name, flags, want, node) expect(name, flags, want, node, __LINE__)

/* No node may keep a send right in this task after a lookup is over. */
static void
check_no_rights(struct fake_node **list, int n)
{
	for (int i = 0; i < n; i++)
		CHECK_EQ(fake_send_refs(list[i]), 0);
}

int
main(void)
{
	struct fake_node *a = fake_node("a"), *x = fake_node("x"), *y = fake_node("y");
	struct fake_node *loop = fake_node("loop"), *hostile = fake_node("hostile");
	struct fake_node *unauth = fake_node("unauth"), *authed = fake_node("authed");
	struct fake_node *lnk = fake_node("lnk");
	struct fake_node *proc = fake_node("proc");
	mach_port_t dtable[2];

	root = fake_node("root");
	cwd = fake_node("cwd");
	auth = fake_node("auth");

	/* Without an environment: ENOTCONN and the sentence that says why. */
	errno = 0;
	CHECK(getcwdir() == MACH_PORT_NULL);
	CHECK_EQ(errno, ENOTCONN);
	CHECK_EQ(hurd_init(), ENOTCONN);
	CHECK(hurd_init_error() && strstr(hurd_init_error(), "hell up"));
	EXPECT("/a", 0, ENOTCONN, NULL);

	/* Ports installed by hand work without an environment.  */
	_hurd_port_set(&_hurd_ports[INIT_PORT_CRDIR], fake_send(root));
	_hurd_port_set(&_hurd_ports[INIT_PORT_CWDIR], fake_send(cwd));
	_hurd_port_set(&_hurd_ports[INIT_PORT_AUTH], fake_send(auth));
	mach_port_t got = getcrdir();
	CHECK_EQ(got, root->port);
	CHECK_EQ(fake_send_refs(root), 2);
	mach_port_deallocate(mach_task_self(), got);

	/* Plain answers: absolute names go to the root, others to cwd. */
	fake_rule(root, "a", FS_RETRY_NORMAL, "", FAKE_TO_NODE, a);
	fake_rule(cwd, "a", FS_RETRY_NORMAL, "", FAKE_TO_NODE, a);
	EXPECT("/a", 0, 0, a);
	CHECK_EQ(root->lookups, 1);
	CHECK(strcmp(root->last_name, "a") == 0);
	EXPECT("a", 0, 0, a);
	CHECK_EQ(cwd->lookups, 1);
	EXPECT("///a", 0, 0, a);
	CHECK(strcmp(root->last_name, "a") == 0);
	EXPECT("", 0, ENOENT, NULL);
	EXPECT("nothing", 0, ENOENT, NULL);

	/* Flags go out as the Hurd's wire flags; the umask is applied.  */
	file_t f = file_name_lookup("/a", O_READ | O_WRITE | O_CREAT, 0666);
	CHECK_EQ(f, a->port);
	mach_port_deallocate(mach_task_self(), f);
	CHECK_EQ(root->last_flags, HURD_O_READ | HURD_O_WRITE | HURD_O_CREAT);
	CHECK_EQ(root->last_mode, 0666 & ~_hurd_umask);

	/* O_DIRECTORY: a trailing slash asks the server to check.  */
	fake_rule(root, "d/", FS_RETRY_NORMAL, "", FAKE_TO_NODE, a);
	EXPECT("/d", O_DIRECTORY, 0, a);
	CHECK(strcmp(root->last_name, "d/") == 0);

	/* NORMAL with the rest of the name: x/y crosses into x.  */
	fake_rule(root, "x/y", FS_RETRY_NORMAL, "y", FAKE_TO_NODE, x);
	fake_rule(x, "y", FS_RETRY_NORMAL, "", FAKE_TO_NODE, y);
	EXPECT("/x/y", 0, 0, y);
	CHECK(strcmp(x->last_name, "y") == 0);
	/* A rest with a leading slash is relative to the new directory. */
	fake_rule(root, "x2", FS_RETRY_NORMAL, "//y", FAKE_TO_NODE, x);
	EXPECT("/x2", 0, 0, y);
	CHECK(strcmp(x->last_name, "y") == 0);

	/* REAUTH: io_reauthenticate on the port, auth_user_authenticate on
	 * our auth port with the same rendezvous, then one more lookup of
	 * "" on the new port.  */
	auth->reauth_to = authed;
	fake_rule(root, "secure", FS_RETRY_REAUTH, "", FAKE_TO_NODE, unauth);
	fake_rule(authed, "", FS_RETRY_NORMAL, "", FAKE_TO_SELF, NULL);
	EXPECT("/secure", 0, 0, authed);
	CHECK_EQ(unauth->reauths, 1);
	CHECK_EQ(auth->authenticated, 1);
	CHECK_EQ(authed->lookups, 1);
	/* An auth server that refuses: the error, and nothing kept.  */
	fake_rule(root, "refused", FS_RETRY_REAUTH, "", FAKE_TO_NODE, unauth);
	auth->reauth_to = NULL;
	EXPECT("/refused", 0, EACCES, NULL);

	/* MAGICAL "/": a symlink to an absolute name restarts at the root. */
	fake_rule(cwd, "abs", FS_RETRY_MAGICAL, "/a", FAKE_TO_NULL, NULL);
	EXPECT("abs", 0, 0, a);
	fake_rule(x, "up", FS_RETRY_MAGICAL, "//x/y", FAKE_TO_SELF, NULL);
	fake_rule(root, "x/up", FS_RETRY_NORMAL, "up", FAKE_TO_NODE, x);
	EXPECT("/x/up", 0, 0, y);

	/* MAGICAL fd/N: the init dtable's io ports.  */
	fake_rule(root, "fd0", FS_RETRY_MAGICAL, "fd/0", FAKE_TO_NULL, NULL);
	fake_rule(root, "fd0sub", FS_RETRY_MAGICAL, "fd/0/y", FAKE_TO_NULL, NULL);
	fake_rule(root, "fd1", FS_RETRY_MAGICAL, "fd/1", FAKE_TO_NULL, NULL);
	fake_rule(root, "fdx", FS_RETRY_MAGICAL, "fd/1x", FAKE_TO_NULL, NULL);
	fake_rule(root, "fdhuge", FS_RETRY_MAGICAL, "fd/99999999999999999999", FAKE_TO_NULL,
		  NULL);
	EXPECT("/fd0", 0, EBADF, NULL);		/* no dtable yet */
	dtable[0] = fake_send(x);
	dtable[1] = MACH_PORT_NULL;
	_hurd_init_dtable = dtable;
	_hurd_init_dtablesize = 2;
	EXPECT("/fd0", 0, 0, x);
	EXPECT("/fd0sub", 0, 0, y);
	EXPECT("/fd1", 0, EBADF, NULL);
	EXPECT("/fdx", 0, ENOENT, NULL);
	EXPECT("/fdhuge", 0, ENOENT, NULL);
	CHECK_EQ(fake_send_refs(x), 1);		/* the dtable's own */
	io_t d0 = getdport(0);
	CHECK_EQ(d0, x->port);
	mach_port_deallocate(mach_task_self(), d0);
	errno = 0;
	CHECK(getdport(7) == MACH_PORT_NULL);
	CHECK_EQ(errno, EBADF);
	_hurd_init_dtable = NULL;
	_hurd_init_dtablesize = 0;
	mach_port_deallocate(mach_task_self(), dtable[0]);

	/* MAGICAL machtype: "<cpu_type>/<cpu_subtype>" in the answering
	 * directory.  */
	struct host_basic_info hinfo;
	mach_msg_type_number_t hcount = HOST_BASIC_INFO_COUNT;
	mach_port_t host = mach_host_self();
	char machname[64];
	CHECK_KR(host_info(host, HOST_BASIC_INFO, (host_info_t) &hinfo, &hcount), KERN_SUCCESS);
	mach_port_deallocate(mach_task_self(), host);
	snprintf(machname, sizeof machname, "%d/%d/z", hinfo.cpu_type, hinfo.cpu_subtype);
	fake_rule(root, "mt", FS_RETRY_MAGICAL, "machtype/z", FAKE_TO_NODE, x);
	fake_rule(x, machname, FS_RETRY_NORMAL, "", FAKE_TO_NODE, y);
	EXPECT("/mt", 0, 0, y);
	CHECK(strcmp(x->last_name, machname) == 0);

	/* MAGICAL tty: no controlling terminal is ENXIO.  */
	fake_rule(root, "tty", FS_RETRY_MAGICAL, "tty", FAKE_TO_NULL, NULL);
	EXPECT("/tty", 0, ENXIO, NULL);

	/* MAGICAL pid: our pid, in the last directory seen.  */
	char pidname[32];
	snprintf(pidname, sizeof pidname, "%d/q", (int) getpid());
	fake_rule(root, "proc/self/q", FS_RETRY_NORMAL, "self/q", FAKE_TO_NODE, proc);
	fake_rule(proc, "self/q", FS_RETRY_MAGICAL, "pid/q", FAKE_TO_NULL, NULL);
	fake_rule(proc, pidname, FS_RETRY_NORMAL, "", FAKE_TO_NODE, a);
	EXPECT("/proc/self/q", 0, 0, a);
	CHECK(strcmp(proc->last_name, pidname) == 0);
	/* "pid" with no directory seen before: the working directory, as
	 * in glibc (where the first lookup's directory was one).  */
	fake_rule(root, "pid", FS_RETRY_MAGICAL, "pid", FAKE_TO_NULL, NULL);
	EXPECT("/pid", 0, ENOENT, NULL);
	snprintf(pidname, sizeof pidname, "%d", (int) getpid());
	CHECK(strcmp(cwd->last_name, pidname) == 0);

	/* Loops: symlinks to themselves and endless translator crossings. */
	fake_rule(root, "loop", FS_RETRY_MAGICAL, "/loop", FAKE_TO_NULL, NULL);
	EXPECT("/loop", 0, ELOOP, NULL);
	CHECK(root->lookups > 40);
	fake_rule(root, "spin", FS_RETRY_NORMAL, "again", FAKE_TO_NODE, loop);
	fake_rule(loop, NULL, FS_RETRY_NORMAL, "again", FAKE_TO_SELF, NULL);
	EXPECT("/spin", 0, ELOOP, NULL);
	fake_rule(root, "mtloop", FS_RETRY_MAGICAL, "machtype", FAKE_TO_NODE, hostile);
	fake_rule(hostile, NULL, FS_RETRY_MAGICAL, "machtype", FAKE_TO_SELF, NULL);
	EXPECT("/mtloop", 0, ELOOP, NULL);

	/* Names too long: for PATH_MAX, and for dir_lookup's string_t.  */
	char *longname = malloc(PATH_MAX + 2);
	memset(longname, 'n', PATH_MAX + 1);
	longname[PATH_MAX + 1] = '\0';
	EXPECT(longname, 0, ENAMETOOLONG, NULL);
	longname[2000] = '\0';
	EXPECT(longname, 0, ENAMETOOLONG, NULL);
	free(longname);

	/* Hostile answers.  */
	struct fake_node *bad = fake_node("bad");
	fake_rule(root, "bad/kind", FS_RETRY_NORMAL, "kind", FAKE_TO_NODE, bad);
	fake_rule(bad, "kind", (retry_type) 99, "", FAKE_TO_NODE, a);
	EXPECT("/bad/kind", 0, EPROTO, NULL);
	fake_rule(root, "magic", FS_RETRY_MAGICAL, "nonsense", FAKE_TO_NODE, a);
	EXPECT("/magic", 0, EPROTO, NULL);
	fake_rule(root, "null", FS_RETRY_NORMAL, "", FAKE_TO_NULL, NULL);
	EXPECT("/null", 0, EPROTO, NULL);
	fake_rule(root, "nullrest", FS_RETRY_NORMAL, "rest", FAKE_TO_NULL, NULL);
	EXPECT("/nullrest", 0, EPROTO, NULL);
	fake_rule(root, "dead", FS_RETRY_NORMAL, "", FAKE_TO_DEAD, NULL);
	EXPECT("/dead", 0, EIO, NULL);
	fake_rule(root, "deadrest", FS_RETRY_NORMAL, "rest", FAKE_TO_DEAD, NULL);
	EXPECT("/deadrest", 0, EIO, NULL);
	struct fake_node *sink = fake_node("sink");
	fake_rule_error(sink, NULL, ENOENT);
	fake_rule(root, "unterminated", FS_RETRY_NORMAL, NULL, FAKE_TO_NODE, sink);
	EXPECT("/unterminated", 0, ENOENT, NULL);	/* cut at string_t's end */
	CHECK_EQ(strlen(sink->last_name), 1023);
	fake_rule_error(root, "refuse", EOPNOTSUPP);
	EXPECT("/refuse", 0, ENOTDIR, NULL);		/* not a directory at all */
	fake_rule_error(root, "perm", EACCES);
	EXPECT("/perm", 0, EACCES, NULL);

	/* A working directory whose server is gone.  */
	struct fake_node *gone = fake_node("gone");
	_hurd_port_set(&_hurd_ports[INIT_PORT_CWDIR], fake_send(gone));
	mach_port_mod_refs(mach_task_self(), gone->port, MACH_PORT_RIGHT_RECEIVE, -1);
	EXPECT("a", 0, EIO, NULL);
	_hurd_port_set(&_hurd_ports[INIT_PORT_CWDIR], fake_send(cwd));

	/* O_NOFOLLOW: the node itself (O_NOTRANS), refused if a symlink or
	 * a translator not root's; O_TRUNC truncates at the end.  */
	fake_rule(root, "lnk", FS_RETRY_NORMAL, "", FAKE_TO_NODE, lnk);
	lnk->st_mode = S_IFLNK | 0777;
	EXPECT("/lnk", O_NOFOLLOW, ELOOP, NULL);
	CHECK(root->last_flags & HURD_O_NOTRANS);
	lnk->st_mode = S_IFREG | S_IPTRANS | 0644;
	EXPECT("/lnk", O_NOFOLLOW, ELOOP, NULL);	/* a translator, not root's */
	lnk->st_uid = 0;
	lnk->passive = "/hurd/symlink";
	EXPECT("/lnk", O_NOFOLLOW, ELOOP, NULL);	/* root's, but a symlink */
	lnk->passive = "/hurd/hello";
	EXPECT("/lnk", O_NOFOLLOW, 0, lnk);
	lnk->st_mode = S_IFREG | 0644;
	EXPECT("/lnk", O_NOFOLLOW | O_DIRECTORY, ENOTDIR, NULL);
	EXPECT("/lnk", O_TRUNC | O_WRITE, 0, lnk);
	CHECK_EQ(lnk->truncated, 1);

	/* Splits.  */
	char *name;
	file_t dir;
	fake_rule(root, "x", FS_RETRY_NORMAL, "", FAKE_TO_NODE, x);
	dir = file_name_split("/x/file", &name);
	CHECK_EQ(dir, x->port);
	CHECK(name && strcmp(name, "file") == 0);
	mach_port_deallocate(mach_task_self(), dir);
	dir = file_name_split("/top", &name);
	CHECK_EQ(dir, root->port);
	CHECK(strcmp(name, "top") == 0);
	mach_port_deallocate(mach_task_self(), dir);
	dir = file_name_split("here", &name);
	CHECK_EQ(dir, cwd->port);
	CHECK(strcmp(name, "here") == 0);
	mach_port_deallocate(mach_task_self(), dir);
	dir = directory_name_split("/x/sub//", &name);
	CHECK_EQ(dir, x->port);
	CHECK(strcmp(name, "sub//") == 0);
	mach_port_deallocate(mach_task_self(), dir);
	errno = 0;
	CHECK(file_name_split("", &name) == MACH_PORT_NULL);
	CHECK_EQ(errno, ENOENT);

	/* Under another directory.  */
	fake_rule(x, "under", FS_RETRY_NORMAL, "", FAKE_TO_NODE, y);
	fake_send(x);
	f = file_name_lookup_under(x->port, "under", 0, 0);
	CHECK_EQ(f, y->port);
	mach_port_deallocate(mach_task_self(), f);
	f = file_name_lookup_under(x->port, "/a", 0, 0);
	CHECK_EQ(f, a->port);
	mach_port_deallocate(mach_task_self(), f);
	mach_port_deallocate(mach_task_self(), x->port);

	/* Along a path: the first directory that has it.  */
	char *prefixed = NULL;
	fake_rule(root, "bin/prog", FS_RETRY_NORMAL, "", FAKE_TO_NODE, y);
	fake_rule_error(root, "nope/prog", ENOENT);
	f = file_name_path_lookup("prog", "/nope:/bin", 0, 0, &prefixed);
	CHECK_EQ(f, y->port);
	CHECK(prefixed && strcmp(prefixed, "/bin/prog") == 0);
	free(prefixed);
	mach_port_deallocate(mach_task_self(), f);
	f = file_name_path_lookup("/a", "/nope", 0, 0, &prefixed);
	CHECK_EQ(f, a->port);
	CHECK(prefixed == NULL);
	mach_port_deallocate(mach_task_self(), f);
	errno = 0;
	CHECK(file_name_path_lookup("prog", "/nope:/also-not", 0, 0, NULL) == MACH_PORT_NULL);
	CHECK_EQ(errno, ENOENT);

	/* hurd_file_name_lookup with a lookup callback of the caller's: it
	 * gets C flags, and may itself look names up.  */
	file_t r = MACH_PORT_NULL;
	CHECK_EQ(hurd_file_name_lookup(_hurd_ports_use, getdport, nested_lookup, "/a", O_READ, 0,
				       &r), 0);
	CHECK_EQ(r, a->port);
	mach_port_deallocate(mach_task_self(), r);

	/* Nothing kept anywhere.  */
	struct fake_node *all[] = { a, x, y, loop, hostile, unauth, authed, lnk, proc, bad, sink };
	check_no_rights(all, (int) (sizeof all / sizeof all[0]));
	CHECK_EQ(fake_send_refs(root), 1);	/* the cells' own */
	CHECK_EQ(fake_send_refs(cwd), 1);
	CHECK_EQ(fake_send_refs(auth), 1);
	return TEST_DONE();
}

/* A caller's lookup function: checks it sees C flags, resolves another
 * name itself (nested use of libhurd's thread-local state), then does
 * the real dir_lookup.  */
static error_t
nested_lookup(file_t dir, const char *name, int flags, mode_t mode, retry_type *do_retry,
	      string_t retry_name, mach_port_t *result)
{
	CHECK(flags & O_READ);
	file_t inner = file_name_lookup("x/y", 0, 0);
	CHECK(inner == MACH_PORT_NULL);		/* cwd has no "x/y" */
	return dir_lookup(dir, name, hurd_openflags_to_wire(flags), mode, do_retry, retry_name,
			  result);
}

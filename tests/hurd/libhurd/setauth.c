/* setauth in an environment (hell up): after a task switches to an auth
 * handle with fewer ids, getauth gives that handle, proc holds the task to
 * the new ids, and the root and working directories were reauthenticated
 * with them, so the root file system refuses what the new ids may not do.
 *
 * Run by auth_env.sh: hell up on a scratch root, this test, hell down.
 * As root (CI), the task becomes uid/gid 65534; as another user it keeps
 * its uid and drops its groups, and the checks that need another uid are
 * skipped (said on stdout).  */
#include <hurd.h>
#include <hurd/auth.h>
#include <hurd/fs.h>
#include <hurd/process.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testlib.h"

#define NOBODY 65534

/* The effective uids and gids of HANDLE (first of each), and how many. */
static void
ids_of(auth_t handle, uid_t *euid, size_t *neuids, gid_t *egid, size_t *negids)
{
	uid_t eu[16], au[16];
	gid_t eg[16], ag[16];
	idarray_t peu = eu, pau = au, peg = eg, pag = ag;
	mach_msg_type_number_t neu = 16, nau = 16, neg = 16, nag = 16;

	CHECK_KR(auth_getids(handle, &peu, &neu, &pau, &nau, &peg, &neg, &pag, &nag), 0);
	*euid = neu ? peu[0] : (uid_t) -1;
	*egid = neg ? peg[0] : (gid_t) -1;
	*neuids = neu;
	*negids = neg;
	if (peu != eu) munmap(peu, neu * sizeof *peu);
	if (pau != au) munmap(pau, nau * sizeof *pau);
	if (peg != eg) munmap(peg, neg * sizeof *peg);
	if (pag != ag) munmap(pag, nag * sizeof *pag);
}

/* The pid of server NAME, from $HELL_HOME/servers ("NAME PID" lines). */
static pid_t
server_pid(const char *name)
{
	char path[4096], who[64];
	int pid = 0, found = 0;
	const char *home = getenv("HELL_HOME");

	snprintf(path, sizeof path, "%s/servers", home ? home : ".");
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (fscanf(f, "%63s %d", who, &pid) == 2)
		if (strcmp(who, name) == 0) {
			found = pid;
			break;
		}
	fclose(f);
	return found;
}

int
main(void)
{
	error_t err = hurd_init();
	if (err) {
		fprintf(stderr, "setauth: %s\n", hurd_init_error());
		return 1;
	}
	bool root = geteuid() == 0;
	uid_t new_uid = root ? NOBODY : geteuid();
	gid_t new_gid = root ? NOBODY : getegid();

	/* Before: as the environment's user, a file may be made in the root. */
	file_t f = file_name_lookup("/before-setauth", O_WRITE | O_CREAT, 0644);
	CHECK(MACH_PORT_VALID(f));
	if (MACH_PORT_VALID(f))
		mach_port_deallocate(mach_task_self(), f);

	/* A handle with one uid and one gid. */
	auth_t old = getauth(), new = MACH_PORT_NULL;
	CHECK(MACH_PORT_VALID(old));
	CHECK_KR(auth_makeauth(old, NULL, MACH_MSG_TYPE_COPY_SEND, 0, &new_uid, 1, NULL, 0,
			       &new_gid, 1, NULL, 0, &new), 0);
	mach_port_deallocate(mach_task_self(), old);
	CHECK_EQ(setauth(new), 0);
	mach_port_deallocate(mach_task_self(), new);	/* setauth keeps its own */

	/* getauth gives the new handle's ids. */
	auth_t now = getauth();
	uid_t euid;
	gid_t egid;
	size_t neuids, negids;
	ids_of(now, &euid, &neuids, &egid, &negids);
	CHECK_EQ(euid, new_uid);
	CHECK_EQ(neuids, 1);
	CHECK_EQ(egid, new_gid);
	CHECK_EQ(negids, 1);
	mach_port_deallocate(mach_task_self(), now);

	/* proc knows the task by its new ids: its own proc port still works. */
	process_t proc = getproc();
	CHECK(MACH_PORT_VALID(proc));
	pid_t pid = 0;
	CHECK_KR(proc_task2pid(proc, mach_task_self(), &pid), 0);
	CHECK_EQ(pid, getpid());

	if (!root) {
		printf("setauth: not root: the checks with another uid are skipped\n");
	} else {
		/* The directories were reauthenticated: uid 65534 may not make a
		 * file in the root (the Linux directory is root's, mode 0755)... */
		f = file_name_lookup("/after-setauth", O_WRITE | O_CREAT, 0644);
		CHECK(!MACH_PORT_VALID(f));
		CHECK_EQ(errno, EACCES);
		if (MACH_PORT_VALID(f))
			mach_port_deallocate(mach_task_self(), f);
		/* ... nor write the file it made as root, but may still read it. */
		f = file_name_lookup("/before-setauth", O_WRITE, 0);
		CHECK(!MACH_PORT_VALID(f));
		CHECK_EQ(errno, EACCES);
		f = file_name_lookup("/before-setauth", O_READ, 0);
		CHECK(MACH_PORT_VALID(f));
		if (MACH_PORT_VALID(f))
			mach_port_deallocate(mach_task_self(), f);
		/* And proc no longer gives it the tasks of the environment's
		 * user (rootfs's, from startup's list of servers). */
		pid_t rootfs = server_pid("rootfs");
		CHECK(rootfs > 0);
		task_t t = pid2task(rootfs);
		CHECK(!MACH_PORT_VALID(t));
		if (MACH_PORT_VALID(t))
			mach_port_deallocate(mach_task_self(), t);
	}
	return TEST_DONE();
}

/* rootfs with the auth server, in a running environment (auth_env.sh
 * starts one and runs this program in it): a task that reauthenticates its
 * root directory with a handle lacking ids (auth_makeauth, io_reauthenticate,
 * auth_user_authenticate) is refused what those ids would have allowed,
 * while its old port keeps its own ids. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hurd.h>
#include <hurd/auth.h>
#include <hurd/fs.h>
#include <hurd/io.h>
#include "testlib.h"

static error_t
open_it(mach_port_t dir, const char *name, int flags, mode_t mode, mach_port_t *file)
{
	retry_type retry;
	string_t retry_name;
	error_t err;

	*file = MACH_PORT_NULL;
	err = dir_lookup(dir, name, hurd_openflags_to_wire(flags), mode, &retry, retry_name,
			 file);
	if (!err && (retry != FS_RETRY_NORMAL || retry_name[0] != '\0'))
		err = EAGAIN;
	return err;
}

static void
drop(mach_port_t p)
{
	if (MACH_PORT_VALID(p))
		mach_port_deallocate(mach_task_self(), p);
}

/* DIR reauthenticated with AUTH. */
static mach_port_t
reauth(mach_port_t dir, auth_t auth)
{
	mach_port_t rendezvous = mach_reply_port(), fresh = MACH_PORT_NULL;

	CHECK_EQ(io_reauthenticate(dir, rendezvous, MACH_MSG_TYPE_MAKE_SEND), 0);
	CHECK_EQ(auth_user_authenticate(auth, rendezvous, MACH_MSG_TYPE_MAKE_SEND, &fresh), 0);
	mach_port_mod_refs(mach_task_self(), rendezvous, MACH_PORT_RIGHT_RECEIVE, -1);
	return fresh;
}

int
main(void)
{
	auth_t auth = getauth(), nobody = MACH_PORT_NULL, stranger = MACH_PORT_NULL;
	mach_port_t root = getcrdir(), f, as_nobody, as_stranger;
	uid_t uid = getuid(), other = 4242;
	gid_t gid = getgid(), other_gid = 4243;
	io_statbuf_t st;
	char name[64];

	CHECK(MACH_PORT_VALID(auth));
	CHECK(MACH_PORT_VALID(root));
	snprintf(name, sizeof name, "auth-test-%d", (int) getpid());

	/* Our own ids: a private directory with a secret and a public file. */
	CHECK_EQ(dir_mkdir(root, name, 0755), 0);
	mach_port_t dir;
	CHECK_EQ(open_it(root, name, O_READ, 0, &dir), 0);
	CHECK_EQ(open_it(dir, "secret", O_WRITE | O_CREAT | O_EXCL, 0600, &f), 0);
	CHECK_EQ(io_stat(f, &st), 0);
	CHECK_EQ(st.st_uid, uid);
	drop(f);
	CHECK_EQ(open_it(dir, "public", O_WRITE | O_CREAT | O_EXCL, 0644, &f), 0);
	drop(f);

	/* Reauthenticated with our own handle, a port keeps our ids: the
	 * file system really asked the auth server. */
	mach_port_t as_me = reauth(dir, auth);
	CHECK_EQ(open_it(as_me, "secret", O_READ, 0, &f), 0);
	drop(f);
	drop(as_me);

	/* A handle with no ids at all. */
	CHECK_EQ(auth_makeauth(auth, NULL, MACH_MSG_TYPE_COPY_SEND, 0, NULL, 0, NULL, 0, NULL, 0,
			       NULL, 0, &nobody), 0);
	as_nobody = reauth(dir, nobody);
	CHECK(MACH_PORT_VALID(as_nobody));
	CHECK_EQ(open_it(as_nobody, "secret", O_READ, 0, &f), EACCES);
	CHECK_EQ(open_it(as_nobody, "public", O_READ, 0, &f), 0);
	drop(f);
	CHECK_EQ(open_it(as_nobody, "public", O_WRITE, 0, &f), EACCES);
	CHECK_EQ(open_it(as_nobody, "new", O_WRITE | O_CREAT, 0644, &f), EACCES);
	CHECK_EQ(dir_unlink(as_nobody, "public"), EACCES);
	/* The old port keeps its ids. */
	CHECK_EQ(open_it(dir, "secret", O_READ, 0, &f), 0);
	drop(f);

	/* Someone else, when we may make them (the superuser may). */
	if (auth_makeauth(auth, NULL, MACH_MSG_TYPE_COPY_SEND, 0, &other, 1, &other, 1,
			  &other_gid, 1, &other_gid, 1, &stranger) == 0) {
		as_stranger = reauth(dir, stranger);
		CHECK_EQ(open_it(as_stranger, "secret", O_READ, 0, &f), EACCES);
		CHECK_EQ(open_it(as_stranger, "public", O_READ, 0, &f), 0);
		if (MACH_PORT_VALID(f)) {
			CHECK_EQ(file_chmod(f, 0666), EPERM);
			CHECK_EQ(file_chown(f, other, -1), EPERM);
		}
		drop(f);
		drop(as_stranger);
		drop(stranger);
	} else {
		CHECK(uid != 0);	/* only a non-superuser may be refused */
	}

	CHECK_EQ(dir_unlink(dir, "secret"), 0);
	CHECK_EQ(dir_unlink(dir, "public"), 0);
	drop(dir);
	CHECK_EQ(dir_rmdir(root, name), 0);
	drop(as_nobody);
	drop(nobody);
	drop(root);
	drop(auth);
	(void) gid;
	return TEST_DONE();
}

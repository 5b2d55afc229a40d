/* io_reauthenticate through libtrivfs, with hello started by the exec
 * server so that it has an auth server: one the test plays.
 *
 *   test-trivfs-reauth EXEC HELLO
 *
 * The test serves hello's program file and an auth port, starts exec as
 * a translator of its own, and has exec start hello with that auth port
 * (INIT_PORT_AUTH); hello's libhurd finds it there.  Then the Hurd's
 * reauthentication: the test sends io_reauthenticate with a rendezvous
 * port to hello, and auth_user_authenticate with the same rendezvous to
 * its auth port; hello's libtrivfs calls auth_server_authenticate with
 * the new port it made, and the auth port hands that port to the user
 * and tells hello the user's ids (uid 4321, gid 8765).  The new port must
 * be an open of the same file (same file pointer), for the new ids (the
 * underlying node is restricted to them; no control port for them).  A
 * reauthentication that the auth server refuses still gives a port, with
 * no ids at all. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <hurd/hurd_types.h>
#include <hurd/auth.h>
#include <hurd/exec.h>
#include <hurd/fs.h>
#include <hurd/fsys.h>
#include <hurd/io.h>

#include "testlib.h"
#include "program.h"
#include "reauth_io_S.h"
#include "reauth_auth_S.h"

extern boolean_t reauth_io_server(mach_msg_header_t *in, mach_msg_header_t *out);
extern boolean_t reauth_auth_server(mach_msg_header_t *in, mach_msg_header_t *out);

#define USER_UID 4321
#define USER_GID 8765

static mach_port_t port_set, program, auth;
static const char *program_data;
static size_t program_size;

/* The rendezvous in progress: the server side deposits its new port,
 * the user side takes it.  Guarded by rv_lock. */
static pthread_mutex_t rv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rv_changed = PTHREAD_COND_INITIALIZER;
static mach_port_t rv_rendezvous = MACH_PORT_NULL, rv_newport = MACH_PORT_NULL;
static int refuse_next;		/* the next auth_server_authenticate fails */

kern_return_t
reauth_S_io_stat(io_t object, io_statbuf_t *st)
{
	if (object != program)
		return EOPNOTSUPP;
	memset(st, 0, sizeof *st);
	st->st_mode = S_IFREG | 0755;
	st->st_size = program_size;
	return 0;
}

kern_return_t
reauth_S_io_read(io_t object, data_t *data, mach_msg_type_number_t *len, loff_t offset,
		 vm_size_t amount)
{
	if (object != program || offset < 0)
		return EOPNOTSUPP;
	return program_read(program_data, program_size, offset, amount, data, len);
}

kern_return_t
reauth_S_auth_server_authenticate(auth_t handle, mach_port_t reply,
				  mach_msg_type_name_t reply_type, mach_port_t rendezvous,
				  mach_port_t newport, mach_msg_type_name_t newport_type,
				  idarray_t *euids, mach_msg_type_number_t *neuids,
				  idarray_t *auids, mach_msg_type_number_t *nauids,
				  idarray_t *egids, mach_msg_type_number_t *negids,
				  idarray_t *agids, mach_msg_type_number_t *nagids)
{
	int refuse;

	if (handle != auth)
		return EOPNOTSUPP;
	pthread_mutex_lock(&rv_lock);
	refuse = refuse_next;
	refuse_next = 0;
	/* The user gets the port whatever the ids.  A refusal is an error
	 * reply, after which mach_msg_server destroys the request's rights,
	 * NEWPORT among them, perhaps before the user's side has moved it
	 * on: the user's side gets a reference of its own. */
	if (refuse)
		mach_port_mod_refs(mach_task_self(), newport, MACH_PORT_RIGHT_SEND, 1);
	rv_rendezvous = rendezvous;
	rv_newport = newport;
	pthread_cond_broadcast(&rv_changed);
	pthread_mutex_unlock(&rv_lock);
	mach_port_deallocate(mach_task_self(), rendezvous);
	if (refuse)
		return EPERM;
	(*euids)[0] = USER_UID;
	*neuids = 1;
	*nauids = 0;
	(*egids)[0] = USER_GID;
	*negids = 1;
	*nagids = 0;
	return 0;
}

kern_return_t
reauth_S_auth_user_authenticate(auth_t handle, mach_port_t reply,
				mach_msg_type_name_t reply_type, mach_port_t rendezvous,
				mach_port_t *newport, mach_msg_type_name_t *newport_type)
{
	if (handle != auth)
		return EOPNOTSUPP;
	pthread_mutex_lock(&rv_lock);
	while (rv_rendezvous != rendezvous)
		pthread_cond_wait(&rv_changed, &rv_lock);
	*newport = rv_newport;
	*newport_type = MACH_MSG_TYPE_MOVE_SEND;
	rv_rendezvous = rv_newport = MACH_PORT_NULL;
	pthread_mutex_unlock(&rv_lock);
	mach_port_deallocate(mach_task_self(), rendezvous);
	return 0;
}

static boolean_t
demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	return reauth_io_server(in, out) || reauth_auth_server(in, out);
}

/* Two threads: a user's call waits for the server's. */
static void *
serve(void *arg)
{
	mach_msg_server(demux, 8192, port_set);
	return NULL;
}

static mach_port_t execserver;

static kern_return_t
start_through_exec(mach_port_t bootstrap, struct parent_translator *t, void *arg)
{
	static const char argv[] = "hello";
	mach_port_t ports[INIT_PORT_MAX] = { 0 };
	int ints[INIT_INT_MAX] = { 0 };

	ports[INIT_PORT_AUTH] = auth;
	return program_exec_translator(execserver, program, bootstrap, argv, sizeof argv,
				       ports, ints, t);
}

/* io_reauthenticate FILE and the user's half of the rendezvous: the new
 * port, or MACH_PORT_NULL. */
static mach_port_t
reauthenticate(mach_port_t file)
{
	mach_port_t rendezvous = testlib_port(), newport = MACH_PORT_NULL;

	CHECK_KR(io_reauthenticate(file, rendezvous, MACH_MSG_TYPE_MAKE_SEND), KERN_SUCCESS);
	CHECK_KR(auth_user_authenticate(auth, rendezvous, MACH_MSG_TYPE_MAKE_SEND, &newport),
		 KERN_SUCCESS);
	mach_port_mod_refs(mach_task_self(), rendezvous, MACH_PORT_RIGHT_RECEIVE, -1);
	return newport;
}

int
main(int argc, char **argv)
{
	struct parent_translator exec, hello;
	char *exec_argv[] = { argc > 1 ? argv[1] : "exec", NULL };
	mach_port_t file, newport, ctl;
	pthread_t threads[2];
	loff_t pos;
	char buf[64];
	data_t data = buf;
	mach_msg_type_number_t len = sizeof buf;
	int modes, i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s EXEC HELLO\n", argv[0]);
		return 2;
	}
	program_data = program_map(argv[2], &program_size);
	CHECK_KR(mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET, &port_set),
		 KERN_SUCCESS);
	program = testlib_port();
	auth = testlib_port_with_send();	/* we call it too */
	mach_port_move_member(mach_task_self(), program, port_set);
	mach_port_move_member(mach_task_self(), auth, port_set);
	for (i = 0; i < 2; i++)
		pthread_create(&threads[i], NULL, serve, NULL);

	if (parent_start(exec_argv, &exec) != 0)
		return 2;
	CHECK_KR(parent_open(&exec, 0, &execserver), KERN_SUCCESS);
	if (parent_start_by(start_through_exec, NULL, "hello", &hello) != 0)
		return 2;
	CHECK_KR(parent_open(&hello, HURD_O_READ, &file), KERN_SUCCESS);
	CHECK_KR(io_seek(file, 7, SEEK_SET, &pos), KERN_SUCCESS);

	/* A reauthentication the auth server vouches for. */
	newport = reauthenticate(file);
	CHECK(MACH_PORT_VALID(newport));
	CHECK(newport != file);
	/* The port receives once complete: an answer means it is. */
	CHECK_KR(io_seek(newport, 0, SEEK_CUR, &pos), KERN_SUCCESS);
	CHECK_EQ(pos, 7);				/* the same open */
	CHECK_KR(io_get_openmodes(newport, &modes), KERN_SUCCESS);
	CHECK_EQ(modes, HURD_O_READ);
	CHECK_KR(io_read(newport, &data, &len, -1, 5), KERN_SUCCESS);
	CHECK(len == 5 && memcmp(data, "world", 5) == 0);
	CHECK_EQ(hello.node.last_restrict_uid, USER_UID);	/* the node sees the new user */
	if (getuid() != USER_UID)
		CHECK_KR(file_getcontrol(newport, &ctl), EPERM);
	mach_port_deallocate(mach_task_self(), newport);

	/* One it refuses: a port still, for nobody. */
	pthread_mutex_lock(&rv_lock);
	refuse_next = 1;
	pthread_mutex_unlock(&rv_lock);
	newport = reauthenticate(file);
	CHECK(MACH_PORT_VALID(newport));
	/* The port receives once complete: an answer means it is. */
	CHECK_KR(io_seek(newport, 0, SEEK_CUR, &pos), KERN_SUCCESS);
	CHECK_EQ(pos, 12);
	CHECK_EQ(hello.node.last_restrict_uid, -1);
	CHECK_KR(file_getcontrol(newport, &ctl), EPERM);
	mach_port_deallocate(mach_task_self(), newport);

	/* Not a protid: nothing to reauthenticate (a simple routine: the
	 * request is dropped, and the rendezvous right with it). */
	{
		mach_port_t rendezvous = testlib_port();
		mach_port_status_t status = { 0 };

		CHECK_KR(io_reauthenticate(hello.control, rendezvous, MACH_MSG_TYPE_MAKE_SEND),
			 KERN_SUCCESS);
		for (i = 0; i < 500; i++) {
			CHECK_KR(mach_port_get_receive_status(mach_task_self(), rendezvous, &status),
				 KERN_SUCCESS);
			if (!status.mps_srights)
				break;
			usleep(10000);
		}
		CHECK(!status.mps_srights);
		mach_port_mod_refs(mach_task_self(), rendezvous, MACH_PORT_RIGHT_RECEIVE, -1);
	}

	mach_port_deallocate(mach_task_self(), file);
	CHECK_KR(parent_stop(&hello, FSYS_GOAWAY_FORCE), KERN_SUCCESS);
	mach_port_deallocate(mach_task_self(), execserver);
	CHECK_KR(parent_stop(&exec, FSYS_GOAWAY_FORCE), KERN_SUCCESS);

	mach_port_mod_refs(mach_task_self(), program, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_destroy(mach_task_self(), auth);
	mach_port_mod_refs(mach_task_self(), port_set, MACH_PORT_RIGHT_PORT_SET, -1);
	for (i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	munmap((void *) program_data, program_size);
	return TEST_DONE();
}

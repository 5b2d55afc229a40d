/* The auth server (servers/auth): its start-up, auth_getids,
 * auth_makeauth and the authentication rendezvous, with hostile input.
 *
 *   auth-test AUTH          (run by meson under hell run --private --leak-check)
 *   auth-test --child ROLE  (the tasks the test spawns: user, server, waiter)
 *
 * The test plays startup (fake_startup.c) and so holds the first handle.
 * The rendezvous is exercised between threads of the test (both orders,
 * a rendezvous port that dies, a second caller on the same side,
 * mismatched ports, interruption) and between two spawned tasks that each
 * hold only their own handle.  After each case the test checks that auth
 * let go of every right the case gave it: the rendezvous ports lose all
 * their send rights (mach_port_get_receive_status), and auth's own space
 * holds no more send-once rights or dead names than before.  */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hell/hell.h>
#include <hurd/auth.h>
#include <hurd/interrupt.h>

#include "testlib.h"
#include "fake_startup.h"
#include "port_space.h"
#include "task_msgs.h"

extern char **environ;

#define AUTH_IDS_MAX 65536		/* servers/auth/auth.h */
#define AUTH_MAKEAUTH_HANDLES_MAX 256

enum { EU, AU, EG, AG };

/* A handle's ids, copied out of auth_getids's answer.  */
struct ids {
	uid_t *v[4];
	mach_msg_type_number_t n[4];
};

static void
ids_free(struct ids *ids)
{
	for (int i = 0; i < 4; i++)
		free(ids->v[i]);
	memset(ids, 0, sizeof *ids);
}

/* Copy MIG's out-arrays (maybe out of line) into IDS.  */
static void
ids_take(struct ids *ids, uid_t *arr[4], mach_msg_type_number_t n[4], uid_t *bufs[4])
{
	for (int i = 0; i < 4; i++) {
		ids->n[i] = n[i];
		ids->v[i] = malloc((n[i] + 1) * sizeof(uid_t));
		memcpy(ids->v[i], arr[i], n[i] * sizeof(uid_t));
		if (arr[i] != bufs[i])
			vm_deallocate(mach_task_self(), (vm_address_t) arr[i], n[i] * sizeof(uid_t));
	}
}

static kern_return_t
getids(mach_port_t handle, struct ids *ids)
{
	uid_t b0[16], b1[16], b2[16], b3[16];
	uid_t *bufs[4] = { b0, b1, b2, b3 }, *arr[4] = { b0, b1, b2, b3 };
	mach_msg_type_number_t n[4] = { 16, 16, 16, 16 };
	memset(ids, 0, sizeof *ids);
	kern_return_t kr = auth_getids(handle, &arr[0], &n[0], &arr[1], &n[1], &arr[2], &n[2],
				       &arr[3], &n[3]);
	if (kr == KERN_SUCCESS)
		ids_take(ids, arr, n, bufs);
	return kr;
}

static bool
vec_is(const struct ids *ids, int which, const uid_t *want, mach_msg_type_number_t n)
{
	return ids->n[which] == n && memcmp(ids->v[which], want, n * sizeof(uid_t)) == 0;
}

static kern_return_t
makeauth(mach_port_t from, const mach_port_t *others, mach_msg_type_number_t nothers,
	 const uid_t *eu, mach_msg_type_number_t neu, const uid_t *au, mach_msg_type_number_t nau,
	 const uid_t *eg, mach_msg_type_number_t neg, const uid_t *ag, mach_msg_type_number_t nag,
	 mach_port_t *made)
{
	*made = MACH_PORT_NULL;
	return auth_makeauth(from, others, MACH_MSG_TYPE_COPY_SEND, nothers, eu, neu, au, nau,
			     eg, neg, ag, nag, made);
}

/* Whether send rights exist to the port whose receive right is NAME
 * (mps_srights is a boolean).  */
static mach_port_urefs_t
srights(mach_port_t name)
{
	mach_port_status_t st;
	if (mach_port_get_receive_status(mach_task_self(), name, &st) != KERN_SUCCESS)
		return (mach_port_urefs_t) -1;
	return st.mps_srights;
}

/* Whether srights (NAME) becomes WANT within 3 s (auth lets go of a
 * right when a notification arrives, a little after the event).  */
static bool
srights_become(mach_port_t name, mach_port_urefs_t want)
{
	for (int i = 0; i < 300; i++) {
		if (srights(name) == want)
			return true;
		usleep(10000);
	}
	return false;
}

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

/* ---- Start-up ---------------------------------------------------------- */

static void
test_command_line(const char *auth_path)
{
	/* No bootstrap port (a plain Linux child connects to machd on its
	 * own): a clear refusal, status 2.  --help: status 0.  */
	struct { const char *arg; int status; } cases[] = {
		{ NULL, 2 }, { "--help", 0 }, { "--version", 0 }, { "--bogus", 2 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[] = { (char *) auth_path, (char *) cases[i].arg, NULL };
		pid_t pid;
		int status = -1;
		CHECK_EQ(posix_spawn(&pid, auth_path, NULL, NULL, argv, environ), 0);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), cases[i].status);
	}
}

/* The first handle carries the ids of the Linux user auth runs as.  */
static void
test_first_handle(mach_port_t first)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	getresuid(&ruid, &euid, &suid);
	getresgid(&rgid, &egid, &sgid);
	struct ids ids;
	CHECK_KR(getids(first, &ids), KERN_SUCCESS);
	uid_t eu[] = { euid }, au[] = { ruid, suid }, ag[] = { rgid, sgid };
	CHECK(vec_is(&ids, EU, eu, 1));
	CHECK(vec_is(&ids, AU, au, 2));
	CHECK(vec_is(&ids, AG, ag, 2));
	CHECK(ids.n[EG] >= 1 && ids.v[EG][0] == egid);
	gid_t groups[256];
	int ng = getgroups(256, groups);
	for (int i = 0; i < ng; i++) {
		bool found = false;
		for (mach_msg_type_number_t j = 0; j < ids.n[EG]; j++)
			found |= ids.v[EG][j] == groups[i];
		CHECK(found);
	}
	ids_free(&ids);
}

/* ---- auth_makeauth ----------------------------------------------------- */

/* The ids the tests give restricted handles: made from the first handle,
 * so they must be ids it has -- any, when it is root.  */
static bool root;
static uid_t U, V;
static gid_t G, G2;

static void
test_makeauth(mach_port_t first, mach_port_t *hu_out, mach_port_t *hv_out)
{
	mach_port_t hu, hv, h;
	struct ids ids;

	/* A restricted handle: exactly what was asked.  */
	uid_t eu[] = { U }, eg[] = { G };
	CHECK_KR(makeauth(first, NULL, 0, eu, 1, eu, 1, eg, 1, NULL, 0, &hu), KERN_SUCCESS);
	CHECK_KR(getids(hu, &ids), KERN_SUCCESS);
	CHECK(vec_is(&ids, EU, eu, 1) && vec_is(&ids, AU, eu, 1) && vec_is(&ids, EG, eg, 1));
	CHECK_EQ(ids.n[AG], 0);
	ids_free(&ids);
	*hu_out = hu;

	/* It may not get what it does not hold.  */
	uid_t other_u[] = { U + 1 }, zero[] = { 0 };
	gid_t other_g[] = { G + 1 };
	CHECK_KR(makeauth(hu, NULL, 0, other_u, 1, NULL, 0, NULL, 0, NULL, 0, &h), EPERM);
	CHECK_KR(makeauth(hu, NULL, 0, NULL, 0, other_u, 1, NULL, 0, NULL, 0, &h), EPERM);
	CHECK_KR(makeauth(hu, NULL, 0, NULL, 0, NULL, 0, other_g, 1, NULL, 0, &h), EPERM);
	CHECK_KR(makeauth(hu, NULL, 0, NULL, 0, NULL, 0, NULL, 0, other_g, 1, &h), EPERM);
	CHECK_KR(makeauth(hu, NULL, 0, zero, 1, NULL, 0, NULL, 0, NULL, 0, &h), EPERM);
	/* A gid is not a uid.  */
	uid_t g_as_u[] = { G };
	if (G != U)
		CHECK_KR(makeauth(hu, NULL, 0, g_as_u, 1, NULL, 0, NULL, 0, NULL, 0, &h), EPERM);

	/* Fewer ids: fine; repeats are kept once, in order.  */
	uid_t rep[] = { U, U, U };
	CHECK_KR(makeauth(hu, NULL, 0, rep, 3, NULL, 0, NULL, 0, NULL, 0, &h), KERN_SUCCESS);
	CHECK_KR(getids(h, &ids), KERN_SUCCESS);
	CHECK(vec_is(&ids, EU, eu, 1));
	CHECK_EQ(ids.n[AU] + ids.n[EG] + ids.n[AG], 0);
	ids_free(&ids);
	/* ... and a handle without ids gets nothing more.  */
	mach_port_t empty;
	CHECK_KR(makeauth(h, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &empty), KERN_SUCCESS);
	CHECK_KR(makeauth(empty, NULL, 0, eu, 1, NULL, 0, NULL, 0, NULL, 0, &h), EPERM);
	CHECK_KR(makeauth(empty, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &h), KERN_SUCCESS);
	mach_port_deallocate(mach_task_self(), h);
	mach_port_deallocate(mach_task_self(), empty);

	/* Ports that are no handles count for nothing, and are left to the
	 * caller when the call fails.  */
	mach_port_t mine = new_port();
	mach_port_insert_right(mach_task_self(), mine, mine, MACH_MSG_TYPE_MAKE_SEND);
	mach_port_t others[] = { mine, MACH_PORT_DEAD };
	CHECK_KR(makeauth(hu, others, 2, other_u, 1, NULL, 0, NULL, 0, NULL, 0, &h), EPERM);
	CHECK_EQ(testlib_refs(mine, MACH_PORT_RIGHT_SEND), 1);
	CHECK(srights_become(mine, 1));
	mach_port_deallocate(mach_task_self(), mine);
	destroy_port(mine);

	if (!root) {
		*hv_out = MACH_PORT_NULL;
		return;
	}

	/* A second handle, and the union of two.  */
	uid_t ev[] = { V };
	gid_t eg2[] = { G2 };
	CHECK_KR(makeauth(first, NULL, 0, ev, 1, NULL, 0, eg2, 1, NULL, 0, &hv), KERN_SUCCESS);
	*hv_out = hv;
	uid_t both_u[] = { U, V };
	gid_t both_g[] = { G, G2 };
	CHECK_KR(makeauth(hu, NULL, 0, both_u, 2, NULL, 0, NULL, 0, NULL, 0, &h), EPERM);
	CHECK_KR(makeauth(hu, &hv, 1, both_u, 2, NULL, 0, both_g, 2, NULL, 0, &h), KERN_SUCCESS);
	CHECK_KR(getids(h, &ids), KERN_SUCCESS);
	CHECK(vec_is(&ids, EU, both_u, 2) && vec_is(&ids, EG, both_g, 2));
	ids_free(&ids);
	mach_port_deallocate(mach_task_self(), h);
	/* Rights passed in OTHERS are consumed on success: ours (copied) stay. */
	CHECK_EQ(testlib_refs(hv, MACH_PORT_RIGHT_SEND), 1);
	/* An available uid (gid) counts as held, as on the Hurd.  */
	mach_port_t ha;
	CHECK_KR(makeauth(first, NULL, 0, NULL, 0, ev, 1, NULL, 0, eg2, 1, &ha), KERN_SUCCESS);
	CHECK_KR(makeauth(ha, NULL, 0, ev, 1, NULL, 0, eg2, 1, NULL, 0, &h), KERN_SUCCESS);
	mach_port_deallocate(mach_task_self(), h);
	mach_port_deallocate(mach_task_self(), ha);
}

/* Sizes: out-of-line id arrays both ways, the limits, and the in-line
 * reply at its largest (512 ids in each of the four vectors).  */
static void
test_sizes(mach_port_t first, mach_port_t hu)
{
	mach_port_t h;
	struct ids ids;
	uid_t *many = malloc((AUTH_IDS_MAX + 1) * sizeof *many);
	for (int i = 0; i <= AUTH_IDS_MAX; i++)
		many[i] = U;
	/* AUTH_IDS_MAX repeats of one held id: accepted, kept once.  */
	CHECK_KR(makeauth(hu, NULL, 0, many, AUTH_IDS_MAX, NULL, 0, NULL, 0, NULL, 0, &h),
		 KERN_SUCCESS);
	CHECK_KR(getids(h, &ids), KERN_SUCCESS);
	CHECK_EQ(ids.n[EU], 1);
	ids_free(&ids);
	mach_port_deallocate(mach_task_self(), h);
	/* One more: refused, whatever the vector.  */
	CHECK_KR(makeauth(hu, NULL, 0, many, AUTH_IDS_MAX + 1, NULL, 0, NULL, 0, NULL, 0, &h),
		 EINVAL);
	CHECK_KR(makeauth(hu, NULL, 0, NULL, 0, NULL, 0, NULL, 0, many, AUTH_IDS_MAX + 1, &h),
		 EINVAL);
	/* Too many other handles.  */
	mach_port_t *hs = malloc((AUTH_MAKEAUTH_HANDLES_MAX + 1) * sizeof *hs);
	for (int i = 0; i <= AUTH_MAKEAUTH_HANDLES_MAX; i++)
		hs[i] = hu;
	CHECK_KR(makeauth(hu, hs, AUTH_MAKEAUTH_HANDLES_MAX + 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0,
			  &h), EINVAL);
	CHECK_KR(makeauth(hu, hs, AUTH_MAKEAUTH_HANDLES_MAX, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &h),
		 KERN_SUCCESS);
	mach_port_deallocate(mach_task_self(), h);
	CHECK_EQ(testlib_refs(hu, MACH_PORT_RIGHT_SEND), 1);
	free(hs);

	if (root) {
		/* Distinct ids in numbers: 512 per vector (the largest in-line
		 * answer) and 3000 (out of line).  */
		for (int round = 0; round < 2; round++) {
			mach_msg_type_number_t n = round ? 3000 : 512;
			for (mach_msg_type_number_t i = 0; i < n; i++)
				many[i] = 10000 + i;
			CHECK_KR(makeauth(first, NULL, 0, many, n, many, n, many, n, many, n, &h),
				 KERN_SUCCESS);
			CHECK_KR(getids(h, &ids), KERN_SUCCESS);
			for (int v = 0; v < 4; v++)
				CHECK(vec_is(&ids, v, many, n));
			ids_free(&ids);
			mach_port_deallocate(mach_task_self(), h);
		}
	}
	free(many);

	/* Not a port at all.  */
	CHECK_KR(getids(MACH_PORT_NULL, &ids), MACH_SEND_INVALID_DEST);
}

/* ---- The rendezvous between threads ---------------------------------- */

struct side {
	pthread_t thread;
	bool user;
	mach_port_t handle, rendezvous, newport;
	mach_msg_type_name_t newport_type;
	kern_return_t kr;
	struct ids ids;		/* server side: what it learnt */
};

static void *
side_main(void *arg)
{
	struct side *s = arg;
	if (s->user) {
		s->kr = auth_user_authenticate(s->handle, s->rendezvous, MACH_MSG_TYPE_MAKE_SEND,
					       &s->newport);
	} else {
		uid_t b0[16], b1[16], b2[16], b3[16];
		uid_t *bufs[4] = { b0, b1, b2, b3 }, *arr[4] = { b0, b1, b2, b3 };
		mach_msg_type_number_t n[4] = { 16, 16, 16, 16 };
		s->kr = auth_server_authenticate(s->handle, s->rendezvous, MACH_MSG_TYPE_MAKE_SEND,
						 s->newport, s->newport_type, &arr[0], &n[0],
						 &arr[1], &n[1], &arr[2], &n[2], &arr[3], &n[3]);
		if (s->kr == KERN_SUCCESS)
			ids_take(&s->ids, arr, n, bufs);
	}
	return NULL;
}

static void
side_start(struct side *s, bool user, mach_port_t handle, mach_port_t rendezvous,
	   mach_port_t newport)
{
	memset(s, 0, sizeof *s);
	s->user = user;
	s->handle = handle;
	s->rendezvous = rendezvous;
	s->newport = newport;
	s->newport_type = MACH_MSG_TYPE_MAKE_SEND;
	s->kr = -1;
	pthread_create(&s->thread, NULL, side_main, s);
}

static void
side_join(struct side *s)
{
	pthread_join(s->thread, NULL);
}

/* Whether a side is still waiting after a while (auth has it pending).  */
static bool
still_waiting(struct side *s)
{
	usleep(150000);
	return s->kr == -1;
}

static void
check_ids_of(struct ids *got, mach_port_t handle)
{
	struct ids want;
	CHECK_KR(getids(handle, &want), KERN_SUCCESS);
	for (int v = 0; v < 4; v++)
		CHECK(vec_is(got, v, want.v[v], want.n[v]));
	ids_free(&want);
}

static void
test_rendezvous_threads(struct fake_startup *fs, mach_port_t hu, mach_port_t hs)
{
	struct port_space base = port_space_of(fs->auth_task);
	struct side a, b;

	/* Both orders: the user's ids reach the server, the server's port
	 * reaches the user.  */
	for (int user_first = 0; user_first < 2; user_first++) {
		mach_port_t r = new_port(), p = new_port();
		side_start(&a, user_first, user_first ? hu : hs, r, p);
		CHECK(still_waiting(&a));
		side_start(&b, !user_first, user_first ? hs : hu, r, p);
		side_join(&a);
		side_join(&b);
		struct side *user = user_first ? &a : &b, *server = user_first ? &b : &a;
		CHECK_KR(user->kr, KERN_SUCCESS);
		CHECK_KR(server->kr, KERN_SUCCESS);
		CHECK_EQ(user->newport, p);	/* our own port, back under its name */
		check_ids_of(&server->ids, hu);
		ids_free(&server->ids);
		mach_port_deallocate(mach_task_self(), user->newport);
		CHECK(srights_become(r, 0));
		CHECK(srights_become(p, 0));
		destroy_port(r);
		destroy_port(p);
	}

	/* The rendezvous port dies while one side waits: EINVAL.  */
	for (int user = 0; user < 2; user++) {
		mach_port_t r = new_port(), p = new_port();
		side_start(&a, user, user ? hu : hs, r, p);
		CHECK(still_waiting(&a));
		destroy_port(r);
		side_join(&a);
		CHECK_KR(a.kr, EINVAL);
		CHECK(srights_become(p, 0));
		destroy_port(p);
	}

	/* A second caller on the waiting side: EBUSY; the pair still meets. */
	{
		mach_port_t r = new_port(), p = new_port(), got;
		side_start(&a, true, hu, r, MACH_PORT_NULL);
		CHECK(still_waiting(&a));
		CHECK_KR(auth_user_authenticate(hu, r, MACH_MSG_TYPE_MAKE_SEND, &got), EBUSY);
		side_start(&b, false, hs, r, p);
		side_join(&a);
		side_join(&b);
		CHECK_KR(a.kr, KERN_SUCCESS);
		CHECK_KR(b.kr, KERN_SUCCESS);
		ids_free(&b.ids);
		mach_port_deallocate(mach_task_self(), a.newport);
		/* The same for a second server.  */
		mach_port_t r2 = new_port();
		side_start(&a, false, hs, r2, p);
		CHECK(still_waiting(&a));
		side_start(&b, false, hs, r2, p);
		side_join(&b);
		CHECK_KR(b.kr, EBUSY);
		destroy_port(r2);
		side_join(&a);
		CHECK_KR(a.kr, EINVAL);
		CHECK(srights_become(r, 0));
		CHECK(srights_become(p, 0));
		destroy_port(r);
		destroy_port(p);
	}

	/* Mismatched rendezvous ports never meet.  */
	{
		mach_port_t r1 = new_port(), r2 = new_port(), p = new_port();
		side_start(&a, true, hu, r1, MACH_PORT_NULL);
		side_start(&b, false, hs, r2, p);
		CHECK(still_waiting(&a));
		CHECK(still_waiting(&b));
		destroy_port(r1);
		destroy_port(r2);
		side_join(&a);
		side_join(&b);
		CHECK_KR(a.kr, EINVAL);
		CHECK_KR(b.kr, EINVAL);
		CHECK(srights_become(p, 0));
		destroy_port(p);
	}

	/* Bad ports: no rendezvous; a send-once right as the port to pass.  */
	{
		mach_port_t got, r = new_port(), p = new_port();
		CHECK_KR(auth_user_authenticate(hu, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, &got),
			 EINVAL);
		side_start(&a, false, hs, MACH_PORT_NULL, p);
		side_join(&a);
		CHECK_KR(a.kr, EINVAL);
		memset(&a, 0, sizeof a);
		a.handle = hs;
		a.rendezvous = r;
		a.newport = p;
		a.newport_type = MACH_MSG_TYPE_MAKE_SEND_ONCE;
		side_main(&a);
		CHECK_KR(a.kr, EINVAL);
		CHECK(srights_become(r, 0));
		CHECK(srights_become(p, 0));
		destroy_port(r);
		destroy_port(p);
	}

	/* interrupt_operation on the handle ends a waiting side with EINTR. */
	for (int user = 0; user < 2; user++) {
		mach_port_t r = new_port(), p = new_port();
		side_start(&a, user, user ? hu : hs, r, p);
		CHECK(still_waiting(&a));
		CHECK_KR(interrupt_operation(user ? hu : hs, 1000), KERN_SUCCESS);
		side_join(&a);
		CHECK_KR(a.kr, EINTR);
		CHECK(srights_become(r, 0));
		CHECK(srights_become(p, 0));
		destroy_port(r);
		destroy_port(p);
	}

	CHECK(port_space_back_to(fs->auth_task, base, false, "auth"));
}

/* ---- Spawned tasks ----------------------------------------------------- */

enum {
	MSG_SERVER_HELLO = 2001, MSG_USER_HELLO, MSG_USER_DONE, MSG_SERVER_DONE,
	MSG_WAITER_HELLO, MSG_WAITER_CALLING,
	MSG_HANDLE = 2100, MSG_SERVICE, MSG_RENDEZVOUS = 2200, MSG_PROOF = 2300,
};
#define CHILD_TIMEOUT_MS 10000

static char self_exe[4096];

static bool
spawn_child(const char *role, mach_port_t control, pid_t *pid)
{
	char *argv[] = { self_exe, "--child", (char *) role, NULL };
	struct hell_spawn_ports ports = { control, MACH_PORT_NULL, MACH_PORT_NULL };
	task_t task;
	kern_return_t kr = hell_task_spawn(self_exe, argv, NULL, &ports, &task, pid);
	CHECK_KR(kr, KERN_SUCCESS);
	if (kr == KERN_SUCCESS)
		mach_port_deallocate(mach_task_self(), task);
	return kr == KERN_SUCCESS;
}

static int
reap(pid_t pid)
{
	int status = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Expect a message with ID on PORT.  */
static bool
expect(mach_port_t port, mach_msg_id_t id, struct task_msg *m)
{
	mach_msg_return_t mr = task_msgs_receive(port, CHILD_TIMEOUT_MS, m);
	CHECK_KR(mr, MACH_MSG_SUCCESS);
	if (mr != MACH_MSG_SUCCESS)
		return false;
	CHECK_EQ(m->id, id);
	return m->id == id;
}

/* Two tasks that trust each other with nothing: the user has only its
 * handle and the server's service port; the server has only its handle.
 * The server learns the user's ids through auth and the user gets the
 * server's port, on which it proves it is the one who authenticated. */
static void
test_rendezvous_tasks(mach_port_t hu, mach_port_t hs)
{
	mach_port_t control = new_port();
	mach_port_insert_right(mach_task_self(), control, control, MACH_MSG_TYPE_MAKE_SEND);
	pid_t server_pid = 0, user_pid = 0;
	struct task_msg m;

	if (!spawn_child("server", control, &server_pid))
		goto out;
	if (!expect(control, MSG_SERVER_HELLO, &m))
		goto out;
	mach_port_t service = m.right;
	CHECK_KR(testlib_send_right(service, hs, MACH_MSG_TYPE_COPY_SEND, MSG_HANDLE, 1000),
		 MACH_MSG_SUCCESS);

	if (!spawn_child("user", control, &user_pid))
		goto out;
	if (!expect(control, MSG_USER_HELLO, &m))
		goto out;
	mach_port_t user_port = m.right;
	CHECK_KR(testlib_send_right(user_port, hu, MACH_MSG_TYPE_COPY_SEND, MSG_HANDLE, 1000),
		 MACH_MSG_SUCCESS);
	CHECK_KR(testlib_send_right(user_port, service, MACH_MSG_TYPE_MOVE_SEND, MSG_SERVICE, 1000),
		 MACH_MSG_SUCCESS);
	mach_port_deallocate(mach_task_self(), user_port);

	bool user_done = false, server_done = false;
	for (int i = 0; i < 2; i++) {
		if (task_msgs_receive(control, CHILD_TIMEOUT_MS, &m) != MACH_MSG_SUCCESS)
			break;
		if (m.id == MSG_USER_DONE) {
			user_done = true;
			CHECK_EQ(m.nints, 1);
			CHECK_KR(m.ints[0], KERN_SUCCESS);
		} else if (m.id == MSG_SERVER_DONE) {
			/* err, proof, then the four vectors, each count first. */
			server_done = true;
			CHECK_KR(m.ints[0], KERN_SUCCESS);
			CHECK_EQ(m.ints[1], 42);
			struct ids want, got = { 0 };
			CHECK_KR(getids(hu, &want), KERN_SUCCESS);
			unsigned k = 2;
			for (int v = 0; v < 4 && k < m.nints; v++) {
				got.n[v] = (mach_msg_type_number_t) m.ints[k++];
				got.v[v] = (uid_t *) &m.ints[k];
				k += got.n[v];
			}
			for (int v = 0; v < 4; v++)
				CHECK(vec_is(&got, v, want.v[v], want.n[v]));
			ids_free(&want);
		}
	}
	CHECK(user_done);
	CHECK(server_done);
out:
	if (user_pid > 0)
		CHECK_EQ(reap(user_pid), 0);
	if (server_pid > 0)
		CHECK_EQ(reap(server_pid), 0);
	mach_port_deallocate(mach_task_self(), control);
	destroy_port(control);
}

/* A user waiting in auth dies: auth drops its record (the rendezvous
 * port loses auth's right) when the reply port dies.  */
static void
test_waiter_dies(struct fake_startup *fs, mach_port_t hu)
{
	struct port_space base = port_space_of(fs->auth_task);
	mach_port_t control = new_port(), r = new_port();
	mach_port_insert_right(mach_task_self(), control, control, MACH_MSG_TYPE_MAKE_SEND);
	pid_t pid = 0;
	struct task_msg m;

	if (spawn_child("waiter", control, &pid) && expect(control, MSG_WAITER_HELLO, &m)) {
		CHECK_KR(testlib_send_right(m.right, hu, MACH_MSG_TYPE_COPY_SEND, MSG_HANDLE, 1000),
			 MACH_MSG_SUCCESS);
		CHECK_KR(testlib_send_right(m.right, r, MACH_MSG_TYPE_MAKE_SEND, MSG_RENDEZVOUS, 1000),
			 MACH_MSG_SUCCESS);
		mach_port_deallocate(mach_task_self(), m.right);
		if (expect(control, MSG_WAITER_CALLING, &m)) {
			/* auth holds the only right to R while the waiter waits
			 * (the waiter moved its own).  */
			CHECK(srights_become(r, 1));
			kill(pid, SIGKILL);
			int status = reap(pid);
			pid = 0;
			CHECK(WIFSIGNALED(status));
			CHECK(srights_become(r, 0));
		}
	}
	if (pid > 0)
		reap(pid);
	CHECK(port_space_back_to(fs->auth_task, base, false, "auth"));
	destroy_port(r);
	mach_port_deallocate(mach_task_self(), control);
	destroy_port(control);
}

/* ---- The children ------------------------------------------------------ */

static int
child_server(mach_port_t control)
{
	mach_port_t service = new_port(), session = new_port();
	struct task_msg m;
	if (testlib_send_right(control, service, MACH_MSG_TYPE_MAKE_SEND, MSG_SERVER_HELLO, 1000) ||
	    task_msgs_receive(service, CHILD_TIMEOUT_MS, &m) || m.id != MSG_HANDLE)
		return 1;
	mach_port_t handle = m.right;
	if (task_msgs_receive(service, CHILD_TIMEOUT_MS, &m) || m.id != MSG_RENDEZVOUS)
		return 1;
	mach_port_t rendezvous = m.right;

	uid_t b0[16], b1[16], b2[16], b3[16];
	uid_t *arr[4] = { b0, b1, b2, b3 };
	mach_msg_type_number_t n[4] = { 16, 16, 16, 16 };
	int report[TASK_MSGS_MAX_INTS] = { 0 };
	report[0] = auth_server_authenticate(handle, rendezvous, MACH_MSG_TYPE_MOVE_SEND, session,
					     MACH_MSG_TYPE_MAKE_SEND, &arr[0], &n[0], &arr[1],
					     &n[1], &arr[2], &n[2], &arr[3], &n[3]);
	unsigned k = 2;
	if (report[0] == KERN_SUCCESS) {
		if (task_msgs_receive(session, CHILD_TIMEOUT_MS, &m) == 0 && m.id == MSG_PROOF &&
		    m.nints == 1)
			report[1] = m.ints[0];
		for (int v = 0; v < 4; v++) {
			report[k++] = (int) n[v];
			for (mach_msg_type_number_t i = 0; i < n[v] && k < TASK_MSGS_MAX_INTS; i++)
				report[k++] = (int) arr[v][i];
		}
	}
	return task_msgs_send_ints(control, MSG_SERVER_DONE, report, k) != MACH_MSG_SUCCESS;
}

static int
child_user(mach_port_t control)
{
	mach_port_t mine = new_port(), rendezvous = new_port(), server_port;
	struct task_msg m;
	if (testlib_send_right(control, mine, MACH_MSG_TYPE_MAKE_SEND, MSG_USER_HELLO, 1000) ||
	    task_msgs_receive(mine, CHILD_TIMEOUT_MS, &m) || m.id != MSG_HANDLE)
		return 1;
	mach_port_t handle = m.right;
	if (task_msgs_receive(mine, CHILD_TIMEOUT_MS, &m) || m.id != MSG_SERVICE)
		return 1;
	mach_port_t service = m.right;
	if (testlib_send_right(service, rendezvous, MACH_MSG_TYPE_MAKE_SEND, MSG_RENDEZVOUS, 1000))
		return 1;
	int err = auth_user_authenticate(handle, rendezvous, MACH_MSG_TYPE_MAKE_SEND, &server_port);
	if (!err) {
		int proof = 42;
		err = task_msgs_send_ints(server_port, MSG_PROOF, &proof, 1);
	}
	return task_msgs_send_ints(control, MSG_USER_DONE, &err, 1) != MACH_MSG_SUCCESS;
}

static int
child_waiter(mach_port_t control)
{
	mach_port_t mine = new_port(), got;
	struct task_msg m;
	if (testlib_send_right(control, mine, MACH_MSG_TYPE_MAKE_SEND, MSG_WAITER_HELLO, 1000) ||
	    task_msgs_receive(mine, CHILD_TIMEOUT_MS, &m) || m.id != MSG_HANDLE)
		return 1;
	mach_port_t handle = m.right;
	if (task_msgs_receive(mine, CHILD_TIMEOUT_MS, &m) || m.id != MSG_RENDEZVOUS)
		return 1;
	int zero = 0;
	task_msgs_send_ints(control, MSG_WAITER_CALLING, &zero, 1);
	/* Killed while this waits.  */
	auth_user_authenticate(handle, m.right, MACH_MSG_TYPE_MOVE_SEND, &got);
	return 1;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--child")) {
		mach_port_t control;
		if (task_get_bootstrap_port(mach_task_self(), &control) != KERN_SUCCESS)
			return 1;
		if (!strcmp(argv[2], "server"))
			return child_server(control);
		if (!strcmp(argv[2], "user"))
			return child_user(control);
		if (!strcmp(argv[2], "waiter"))
			return child_waiter(control);
		return 1;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s AUTH\n", argv[0]);
		return 2;
	}
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	if (n <= 0)
		return 2;
	self_exe[n] = '\0';

	root = geteuid() == 0;
	U = root ? 4242 : geteuid();
	V = 4343;
	G = root ? 4444 : getegid();
	G2 = 4545;

	test_command_line(argv[1]);

	struct fake_startup fs;
	CHECK(fake_startup_boot(&fs, argv[1], NULL, MACH_PORT_NULL, NULL));
	if (!MACH_PORT_VALID(fs.auth))
		return TEST_DONE();

	mach_port_t hu, hv;
	test_first_handle(fs.auth);
	test_makeauth(fs.auth, &hu, &hv);
	test_sizes(fs.auth, hu);
	/* The server side's handle: another user when we may make one.  */
	mach_port_t hs = MACH_PORT_VALID(hv) ? hv : fs.auth;
	test_rendezvous_threads(&fs, hu, hs);
	test_rendezvous_tasks(hu, hs);
	test_waiter_dies(&fs, hu);

	mach_port_deallocate(mach_task_self(), hu);
	if (MACH_PORT_VALID(hv))
		mach_port_deallocate(mach_task_self(), hv);
	fake_startup_shutdown(&fs);
	return TEST_DONE();
}

/* libiohelp and idvec:
 *   - idvec: insert (with the gap filled), add_new, insert_new, merge
 *     (only ids held before count), subtract, keep, remove, delete,
 *     insert_only, setid, set, equal, rep;
 *   - iousers: create (taking the vectors), simple, complex, empty, dup
 *     (hook not copied), restrict (root keeps what it asks for, others only
 *     what they hold), free;
 *   - iohelp_return_malloced_buffer: fits, and fresh pages when not;
 *   - the conch between the server and two users of a shared page;
 *   - iohelp_reauth and idvec_merge_auth against an auth server served
 *     here, with id lists short (inline) and long (out of line), failing
 *     with and without permit_failure;
 *   - machd's counts back where they were. */
#include "testlib.h"

#include <errno.h>
#include <hell/hell.h>
#include <hurd/iohelp.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "auth_S.h"

/* MIG's demuxer for auth.defs (authServer.c). */
boolean_t auth_server(mach_msg_header_t *in, mach_msg_header_t *out);

static bool
ids_are(const struct idvec *v, const uid_t *want, unsigned n)
{
	return v->num == n && (n == 0 || memcmp(v->ids, want, n * sizeof *want) == 0);
}

#define IDS(v, ...) ids_are(v, (const uid_t[]) { __VA_ARGS__ }, \
			    sizeof (const uid_t[]) { __VA_ARGS__ } / sizeof (uid_t))

static void
test_idvec(void)
{
	struct idvec *v = make_idvec(), *w = make_idvec(), *x = make_idvec();
	int secure = 0;
	char *rep;

	CHECK(v && w && x);
	CHECK(idvec_is_empty(v));
	CHECK_EQ(idvec_add(v, 1), 0);
	CHECK_EQ(idvec_add(v, 2), 0);
	CHECK_EQ(idvec_insert(v, 0, 0), 0);
	CHECK(IDS(v, 0, 1, 2));
	CHECK_EQ(idvec_insert(v, 5, 9), 0);	/* past the end: zeros between */
	CHECK(IDS(v, 0, 1, 2, 0, 0, 9));
	CHECK(idvec_contains(v, 9) && !idvec_contains(v, 7));
	CHECK(idvec_tail_contains(v, 3, 0) && !idvec_tail_contains(v, 3, 1));
	CHECK_EQ(idvec_remove(v, 1, 0), 1);	/* the zeros after position 1 */
	CHECK(IDS(v, 0, 1, 2, 9));
	CHECK_EQ(idvec_remove(v, 1, 7), 0);
	idvec_delete(v, 0);
	CHECK(IDS(v, 1, 2, 9));
	idvec_delete(v, 10);
	CHECK(IDS(v, 1, 2, 9));
	CHECK_EQ(idvec_add_new(v, 2), 0);
	CHECK_EQ(idvec_insert_new(v, 0, 1), 0);
	CHECK(IDS(v, 1, 2, 9));
	CHECK_EQ(idvec_insert_new(v, 1, 1), 0);	/* not at 1 or after: inserted */
	CHECK(IDS(v, 1, 1, 2, 9));
	CHECK_EQ(idvec_insert_only(v, 0, 2), 0);
	CHECK(IDS(v, 2, 1, 1, 9));

	CHECK_EQ(idvec_set_ids(w, (const uid_t[]) { 1, 5, 5, 9 }, 4), 0);
	CHECK_EQ(idvec_merge(x, w), 0);
	CHECK(IDS(x, 1, 5, 5, 9));		/* duplicates within NEW are kept */
	CHECK_EQ(idvec_merge_ids(x, (const uid_t[]) { 9, 3 }, 2), 0);
	CHECK(IDS(x, 1, 5, 5, 9, 3));
	CHECK_EQ(idvec_subtract(x, w), 1);
	CHECK(IDS(x, 3));
	CHECK_EQ(idvec_subtract(x, w), 0);
	CHECK_EQ(idvec_keep(v, w), 1);
	CHECK(IDS(v, 1, 1, 9));
	CHECK_EQ(idvec_keep(v, w), 0);
	CHECK_EQ(idvec_set(x, v), 0);
	CHECK(idvec_equal(x, v));
	idvec_clear(x);
	CHECK(idvec_is_empty(x) && !idvec_equal(x, v));

	/* setid: effective and available uids, as su does. */
	idvec_clear(v);
	idvec_clear(w);
	CHECK_EQ(idvec_set_ids(v, (const uid_t[]) { 100 }, 1), 0);
	CHECK_EQ(idvec_set_ids(w, (const uid_t[]) { 100, 100 }, 2), 0);
	CHECK_EQ(idvec_setid(v, w, 0, &secure), 0);
	CHECK(IDS(v, 0));
	CHECK(IDS(w, 100, 0, 100));	/* ID goes in second place */
	CHECK_EQ(secure, 1);

	CHECK_EQ(idvec_set_ids(v, (const uid_t[]) { 0, 42 }, 2), 0);
	rep = idvec_rep(v, 1, 0, NULL, NULL);
	CHECK(rep && strcmp(rep, "0,42") == 0);
	free(rep);
	idvec_clear(x);
	rep = idvec_rep(x, 1, 1, NULL, ":");
	CHECK(rep && strcmp(rep, "") == 0);
	free(rep);
	rep = idvec_uids_rep(v, 1, 1, "+");
	CHECK(rep && strncmp(rep, "0(root)+42", 7) == 0);
	free(rep);

	/* A thousand ids, one at a time. */
	idvec_clear(v);
	for (uid_t i = 0; i < 1000; i++)
		CHECK_EQ(idvec_add(v, i), 0);
	CHECK_EQ(v->num, 1000);
	CHECK(v->ids[999] == 999);
	idvec_free(v);
	idvec_free(w);
	idvec_free(x);
	idvec_free(NULL);
}

static void
test_iouser(void)
{
	struct iouser *u, *d, *r;
	struct idvec *uids = make_idvec(), *gids = make_idvec();

	CHECK_EQ(idvec_add(uids, 1000), 0);
	CHECK_EQ(idvec_add(gids, 100), 0);
	CHECK_EQ(iohelp_create_iouser(&u, uids, gids), 0);
	CHECK(u->uids == uids && u->gids == gids && u->hook == NULL);
	u->hook = &u;
	CHECK_EQ(iohelp_dup_iouser(&d, u), 0);
	CHECK(d->uids != u->uids && idvec_equal(d->uids, u->uids) && idvec_equal(d->gids, u->gids));
	CHECK(d->hook == NULL);
	iohelp_free_iouser(d);

	/* Restrict a non-root user: only ids it has. */
	CHECK_EQ(iohelp_restrict_iouser(&r, u, (const uid_t[]) { 1000, 0 }, 2,
					(const gid_t[]) { 5 }, 1), 0);
	CHECK(IDS(r->uids, 1000));
	CHECK(r->gids->num == 0);
	iohelp_free_iouser(r);
	iohelp_free_iouser(u);

	/* Root may take any. */
	CHECK_EQ(iohelp_create_simple_iouser(&u, 0, 0), 0);
	CHECK(IDS(u->uids, 0) && IDS(u->gids, 0));
	CHECK_EQ(iohelp_restrict_iouser(&r, u, (const uid_t[]) { 7, 8 }, 2,
					(const gid_t[]) { 9 }, 1), 0);
	CHECK(IDS(r->uids, 7, 8) && IDS(r->gids, 9));
	iohelp_free_iouser(r);
	iohelp_free_iouser(u);

	CHECK_EQ(iohelp_create_complex_iouser(&u, (const uid_t[]) { 1, 2, 3 }, 3,
					      (const gid_t[]) { 4 }, 1), 0);
	CHECK(IDS(u->uids, 1, 2, 3) && IDS(u->gids, 4));
	iohelp_free_iouser(u);
	CHECK_EQ(iohelp_create_complex_iouser(&u, NULL, -1, NULL, 0), EINVAL);
	CHECK(u == NULL);
	CHECK_EQ(iohelp_create_empty_iouser(&u), 0);
	CHECK(u->uids->num == 0 && u->gids->num == 0);
	iohelp_free_iouser(u);
	iohelp_free_iouser(NULL);
}

static void
test_return_buffer(void)
{
	char mig_buf[16], *rbuf = mig_buf, *big;
	mach_msg_type_number_t rlen = sizeof mig_buf;
	char *data = strdup("hello");

	CHECK_EQ(iohelp_return_malloced_buffer(data, 5, &rbuf, &rlen), 0);
	CHECK(rbuf == mig_buf && rlen == 5 && memcmp(rbuf, "hello", 5) == 0);

	big = malloc(100000);
	memset(big, 'x', 100000);
	rlen = sizeof mig_buf;
	rbuf = mig_buf;
	CHECK_EQ(iohelp_return_malloced_buffer(big, 100000, &rbuf, &rlen), 0);
	CHECK(rbuf != mig_buf && rlen == 100000 && rbuf[99999] == 'x');
	munmap(rbuf, 100000);

	rlen = sizeof mig_buf;
	rbuf = mig_buf;
	CHECK_EQ(iohelp_return_malloced_buffer(NULL, 0, &rbuf, &rlen), 0);
	CHECK_EQ(rlen, 0);
}

/* The conch: the server's data and two users' pages. */
static int server_data, fetches, stores;

struct user {
	int data;
	struct shared_io page;	/* last: it ends in a flexible array */
};

void
iohelp_fetch_shared_data(void *arg)
{
	struct user *u = arg;

	server_data = u->data;
	fetches++;
}

void
iohelp_put_shared_data(void *arg)
{
	struct user *u = arg;

	u->data = server_data;
	stores++;
}

static pthread_mutex_t conch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conch conch;

static void *
release_later(void *arg)
{
	struct user *u = arg;

	/* The user sees USER_RELEASE_CONCH and gives the conch back. */
	for (int i = 0; i < 1000; i++) {
		pthread_spin_lock(&u->page.lock);
		bool asked = u->page.conch_status == USER_RELEASE_CONCH;
		pthread_spin_unlock(&u->page.lock);
		if (asked)
			break;
		usleep(1000);
	}
	pthread_mutex_lock(&conch_lock);
	u->data = 77;
	iohelp_handle_io_release_conch(&conch, u);
	pthread_mutex_unlock(&conch_lock);
	return NULL;
}

static void
test_conch(void)
{
	struct user a, b;
	pthread_t t;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	pthread_spin_init(&a.page.lock, 0);
	pthread_spin_init(&b.page.lock, 0);
	a.page.conch_status = b.page.conch_status = USER_HAS_NOT_CONCH;
	iohelp_initialize_conch(&conch, &conch_lock);
	server_data = 5;

	pthread_mutex_lock(&conch_lock);
	CHECK_EQ(iohelp_verify_user_conch(&conch, &a), EPERM);
	iohelp_handle_io_get_conch(&conch, &a, &a.page);
	CHECK(conch.holder == &a && a.page.conch_status == USER_HAS_CONCH);
	CHECK_EQ(a.data, 5);		/* the server's data went to A's page */
	CHECK_EQ(iohelp_verify_user_conch(&conch, &a), 0);
	CHECK_EQ(iohelp_verify_user_conch(&conch, &b), EPERM);

	/* B asks: the server takes it back from A (who releases) first. */
	CHECK(pthread_create(&t, NULL, release_later, &a) == 0);
	iohelp_handle_io_get_conch(&conch, &b, &b.page);
	CHECK(conch.holder == &b && b.page.conch_status == USER_HAS_CONCH);
	CHECK_EQ(a.page.conch_status, USER_HAS_NOT_CONCH);
	CHECK_EQ(server_data, 77);	/* fetched from A at its release */
	CHECK_EQ(b.data, 77);
	pthread_mutex_unlock(&conch_lock);
	pthread_join(t, NULL);

	/* A user that could have it gives it up without waiting. */
	pthread_mutex_lock(&conch_lock);
	b.page.conch_status = USER_COULD_HAVE_CONCH;
	b.data = 12;
	iohelp_get_conch(&conch);
	CHECK(conch.holder == NULL);
	CHECK_EQ(b.page.conch_status, USER_HAS_NOT_CONCH);
	CHECK_EQ(server_data, 12);
	iohelp_handle_io_release_conch(&conch, &b);	/* not the holder: no harm */
	pthread_mutex_unlock(&conch_lock);
	CHECK(fetches >= 2 && stores >= 2);
}

/* The auth server served here: every rendezvous port but REFUSED gets
 * AUTH_UIDS_N uids 1000, 1001 ... and the gid 50. */
static mach_port_t refused;
static unsigned auth_uids_n;

kern_return_t
S_auth_getids(auth_t handle, idarray_t *euids, mach_msg_type_number_t *euidsCnt,
	      idarray_t *auids, mach_msg_type_number_t *auidsCnt,
	      idarray_t *egids, mach_msg_type_number_t *egidsCnt,
	      idarray_t *agids, mach_msg_type_number_t *agidsCnt)
{
	(*euids)[0] = 3;
	*euidsCnt = 1;
	*auidsCnt = 0;
	(*egids)[0] = 4;
	*egidsCnt = 1;
	*agidsCnt = 0;
	return 0;
}

kern_return_t
S_auth_makeauth(auth_t handle, const_portarray_t other_handles,
		mach_msg_type_number_t other_handlesCnt, const_idarray_t euids,
		mach_msg_type_number_t euidsCnt, const_idarray_t auids,
		mach_msg_type_number_t auidsCnt, const_idarray_t egids,
		mach_msg_type_number_t egidsCnt, const_idarray_t agids,
		mach_msg_type_number_t agidsCnt, mach_port_t *newhandle)
{
	return EOPNOTSUPP;
}

kern_return_t
S_auth_user_authenticate(auth_t handle, mach_port_t reply, mach_msg_type_name_t replyPoly,
			 mach_port_t rendezvous, mach_port_t *newport,
			 mach_msg_type_name_t *newportPoly)
{
	return EOPNOTSUPP;
}

kern_return_t
S_auth_server_authenticate(auth_t handle, mach_port_t reply, mach_msg_type_name_t replyPoly,
			   mach_port_t rendezvous, mach_port_t newport,
			   mach_msg_type_name_t newportPoly,
			   idarray_t *euids, mach_msg_type_number_t *euidsCnt,
			   idarray_t *auids, mach_msg_type_number_t *auidsCnt,
			   idarray_t *egids, mach_msg_type_number_t *egidsCnt,
			   idarray_t *agids, mach_msg_type_number_t *agidsCnt)
{
	/* An error leaves the request's rights to the server loop, which
	 * destroys them; success means we took them. */
	if (rendezvous == refused)
		return EPERM;
	mach_port_deallocate(mach_task_self(), rendezvous);
	mach_port_deallocate(mach_task_self(), newport);
	if (auth_uids_n > *euidsCnt) {
		void *p = mmap(NULL, auth_uids_n * sizeof (uid_t), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return ENOMEM;
		*euids = p;
	}
	for (unsigned i = 0; i < auth_uids_n; i++)
		(*euids)[i] = 1000 + i;
	*euidsCnt = auth_uids_n;
	*auidsCnt = 0;
	(*egids)[0] = 50;
	*egidsCnt = 1;
	*agidsCnt = 0;
	return 0;
}

static void *
serve_auth(void *arg)
{
	mach_msg_server(auth_server, 0, (mach_port_t) (uintptr_t) arg);
	return NULL;
}

static void
test_reauth(void)
{
	mach_port_t auth = testlib_port_with_send(), rend = testlib_port_with_send();
	mach_port_t newright = testlib_port_with_send();
	struct idvec *eu = make_idvec(), *eg = make_idvec();
	struct iouser *user;
	pthread_t t;

	CHECK(pthread_create(&t, NULL, serve_auth, (void *) (uintptr_t) auth) == 0);
	pthread_detach(t);

	for (unsigned n = 1; n <= 200; n += 199) {	/* inline, then out of line */
		auth_uids_n = n;
		CHECK_EQ(iohelp_reauth(&user, auth, rend, newright, 0), 0);
		CHECK(user != NULL);
		CHECK_EQ(user->uids->num, n);
		CHECK(user->uids->ids[0] == 1000 && user->uids->ids[n - 1] == 1000 + n - 1);
		CHECK(IDS(user->gids, 50));
		iohelp_free_iouser(user);
	}

	refused = rend;
	CHECK_EQ(iohelp_reauth(&user, auth, rend, newright, 0), EPERM);
	CHECK(user == NULL);
	CHECK_EQ(iohelp_reauth(&user, auth, rend, newright, 1), 0);
	CHECK(user && user->uids->num == 0 && user->gids->num == 0);
	iohelp_free_iouser(user);

	CHECK_EQ(idvec_merge_auth(eu, NULL, eg, NULL, auth), 0);
	CHECK(IDS(eu, 3) && IDS(eg, 4));
	idvec_free(eu);
	idvec_free(eg);

	/* The rights the calls copied are all back with the auth server,
	 * which dropped them: ours keep one reference each. */
	CHECK_EQ(testlib_refs(rend, MACH_PORT_RIGHT_SEND), 1);
	CHECK_EQ(testlib_refs(newright, MACH_PORT_RIGHT_SEND), 1);
	mach_port_mod_refs(mach_task_self(), rend, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_deallocate(mach_task_self(), rend);
	mach_port_mod_refs(mach_task_self(), newright, MACH_PORT_RIGHT_RECEIVE, -1);
	mach_port_deallocate(mach_task_self(), newright);
}

int
main(void)
{
	struct hell_machd_stats before, after;

	(void) mig_get_reply_port();
	CHECK_KR(hell_machd_stats(&before), KERN_SUCCESS);
	test_idvec();
	test_iouser();
	test_return_buffer();
	test_conch();
	CHECK_KR(hell_machd_stats(&after), KERN_SUCCESS);
	CHECK_EQ(after.ports, before.ports);
	CHECK_EQ(after.entries, before.entries);
	test_reauth();
	return TEST_DONE();
}

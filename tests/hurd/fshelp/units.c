/* libfshelp in the task itself: the permission rules, flock and record
 * locks (with a second thread for the blocking cases), transboxes, the
 * list of active translators (with libports serving the dead-name
 * notifications), identity ports, options, time stamps and the
 * short-circuited translators' callback. */
#include <argp.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <hurd/fshelp.h>
#include <hurd/ports.h>
#include <hurd/paths.h>
#include "testlib.h"

static struct iouser *
user(int nuids, const uid_t *uids, int ngids, const gid_t *gids)
{
	struct iouser *u = NULL;

	CHECK_EQ(iohelp_create_complex_iouser(&u, uids, nuids, gids, ngids), 0);
	return u;
}

static io_statbuf_t
file(uid_t uid, gid_t gid, mode_t mode)
{
	io_statbuf_t st;

	memset(&st, 0, sizeof st);
	st.st_uid = uid;
	st.st_gid = gid;
	st.st_mode = mode;
	return st;
}

static void
test_perms(void)
{
	uid_t u100 = 100, u200 = 200, u0 = 0, u50 = 50;
	gid_t g50 = 50, g60 = 60;
	struct iouser *owner = user(1, &u100, 1, &g60);
	struct iouser *member = user(1, &u200, 1, &g50);
	struct iouser *other = user(1, &u200, 1, &g60);
	struct iouser *root = user(1, &u0, 0, NULL);
	struct iouser *nobody = user(0, NULL, 0, NULL);
	struct iouser *groupuid = user(1, &u50, 1, &g50);	/* group 50 as a uid too */
	io_statbuf_t f = file(100, 50, S_IFREG | 0640);

	CHECK_EQ(fshelp_access(&f, S_IREAD, owner), 0);
	CHECK_EQ(fshelp_access(&f, S_IWRITE, owner), 0);
	CHECK_EQ(fshelp_access(&f, S_IEXEC, owner), EACCES);
	CHECK_EQ(fshelp_access(&f, S_IREAD, member), 0);
	CHECK_EQ(fshelp_access(&f, S_IWRITE, member), EACCES);
	CHECK_EQ(fshelp_access(&f, S_IREAD, other), EACCES);
	CHECK_EQ(fshelp_access(&f, S_IREAD, nobody), EACCES);
	CHECK_EQ(fshelp_access(&f, S_IWRITE, root), 0);
	/* The superuser executes only what someone may execute. */
	CHECK_EQ(fshelp_access(&f, S_IEXEC, root), EACCES);
	f.st_mode |= S_IXOTH;
	CHECK_EQ(fshelp_access(&f, S_IEXEC, root), 0);
	io_statbuf_t d = file(100, 50, S_IFDIR | 0700);
	CHECK_EQ(fshelp_access(&d, S_IEXEC, root), 0);	/* directories: always */
	/* Unknown users get the S_IUNKNOWN bits when S_IUSEUNK says so. */
	io_statbuf_t unk = file(100, 50, S_IFREG | 0600 | S_IUSEUNK | (S_IREAD << S_IUNKSHIFT));
	CHECK_EQ(fshelp_access(&unk, S_IREAD, nobody), 0);
	CHECK_EQ(fshelp_access(&unk, S_IWRITE, nobody), EACCES);
	CHECK_EQ(fshelp_access(&unk, S_IREAD, other), EACCES);	/* others: other bits */
	/* Owners. */
	CHECK_EQ(fshelp_isowner(&f, owner), 0);
	CHECK_EQ(fshelp_isowner(&f, member), EPERM);
	CHECK_EQ(fshelp_isowner(&f, root), 0);
	CHECK_EQ(fshelp_isowner(&f, groupuid), 0);	/* the Hurd's group rule */
	CHECK_EQ(fshelp_isowner(&f, nobody), EPERM);
	/* Directory changes, sticky or not. */
	io_statbuf_t dir = file(300, 60, S_IFDIR | 0777);
	CHECK_EQ(fshelp_checkdirmod(&dir, &f, other), 0);
	dir.st_mode |= S_ISVTX;
	CHECK_EQ(fshelp_checkdirmod(&dir, &f, other), EACCES);
	CHECK_EQ(fshelp_checkdirmod(&dir, &f, owner), 0);	/* owns the file */
	CHECK_EQ(fshelp_checkdirmod(&dir, NULL, other), 0);	/* a new entry */
	dir.st_mode = S_IFDIR | 0755;
	CHECK_EQ(fshelp_checkdirmod(&dir, NULL, other), EACCES);
	/* Controllers: uid 0, the root's owner, or our own effective uid. */
	CHECK_EQ(fshelp_iscontroller(&f, owner), 0);
	CHECK_EQ(fshelp_iscontroller(&f, root), 0);
	if (geteuid() != 200)
		CHECK_EQ(fshelp_iscontroller(&f, other), EPERM);
	uid_t me = geteuid();
	struct iouser *self = user(1, &me, 0, NULL);
	CHECK_EQ(fshelp_iscontroller(&f, self), 0);

	iohelp_free_iouser(owner);
	iohelp_free_iouser(member);
	iohelp_free_iouser(other);
	iohelp_free_iouser(root);
	iohelp_free_iouser(nobody);
	iohelp_free_iouser(groupuid);
	iohelp_free_iouser(self);
}

/* ---- record locks ---- */

static pthread_mutex_t node_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rlock_box box;
static struct rlock_peropen po_a, po_b;
static int waiter_done;

static error_t
rlock(struct rlock_peropen *po, int cmd, short type, off_t start, off_t len, int mode)
{
	struct flock64 l = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	error_t err;

	pthread_mutex_lock(&node_lock);
	err = fshelp_rlock_tweak(&box, &node_lock, po, mode, 100, 0, cmd, &l, MACH_PORT_NULL);
	pthread_mutex_unlock(&node_lock);
	return err;
}

static void *
blocked_writer(void *arg)
{
	(void) arg;
	CHECK_EQ(rlock(&po_b, F_SETLKW64, F_WRLCK, 0, 10, O_READ | O_WRITE), 0);
	__atomic_store_n(&waiter_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void
test_rlocks(void)
{
	struct flock64 l;
	pthread_t t;
	const int rw = O_READ | O_WRITE;

	CHECK_EQ(fshelp_rlock_init(&box), 0);
	CHECK_EQ(fshelp_rlock_po_init(&po_a), 0);
	CHECK_EQ(fshelp_rlock_po_init(&po_b), 0);

	CHECK_EQ(rlock(&po_a, F_SETLK64, F_WRLCK, 10, 10, rw), 0);	/* [10,20) */
	CHECK_EQ(rlock(&po_b, F_SETLK64, F_RDLCK, 15, 1, rw), EAGAIN);
	CHECK_EQ(rlock(&po_b, F_SETLK64, F_RDLCK, 20, 5, rw), 0);	/* touching is fine */
	CHECK_EQ(rlock(&po_b, F_SETLK64, F_WRLCK, 0, 10, rw), 0);
	/* What F_GETLK sees. */
	l = (struct flock64) { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	pthread_mutex_lock(&node_lock);
	CHECK_EQ(fshelp_rlock_tweak(&box, &node_lock, &po_a, rw, 100, 0, F_GETLK64, &l,
				    MACH_PORT_NULL), 0);
	pthread_mutex_unlock(&node_lock);
	CHECK(l.l_type == F_WRLCK || l.l_type == F_RDLCK);
	CHECK(l.l_start == 0 || l.l_start == 20);
	/* Splitting: unlock the middle of A's lock. */
	CHECK_EQ(rlock(&po_a, F_SETLK64, F_UNLCK, 12, 3, rw), 0);
	CHECK_EQ(rlock(&po_b, F_SETLK64, F_RDLCK, 12, 3, rw), 0);
	CHECK_EQ(rlock(&po_b, F_SETLK64, F_RDLCK, 11, 1, rw), EAGAIN);
	CHECK_EQ(rlock(&po_b, F_SETLK64, F_RDLCK, 15, 1, rw), EAGAIN);
	/* Access modes. */
	CHECK_EQ(rlock(&po_a, F_SETLK64, F_WRLCK, 50, 1, O_READ), EBADF);
	CHECK_EQ(rlock(&po_a, F_SETLK64, F_RDLCK, 50, 1, O_WRITE), EBADF);
	/* Bad requests. */
	CHECK_EQ(rlock(&po_a, 12345, F_RDLCK, 0, 1, rw), EINVAL);
	CHECK_EQ(rlock(&po_a, F_SETLK64, 77, 0, 1, rw), EINVAL);
	CHECK_EQ(rlock(&po_a, F_SETLK64, F_RDLCK, -1, 1, rw), EINVAL);
	CHECK_EQ(rlock(&po_a, F_GETLK64, F_UNLCK, 0, 1, rw), EINVAL);
	/* Negative lengths lock the bytes before the start. */
	CHECK_EQ(rlock(&po_a, F_SETLK64, F_RDLCK, 60, -10, rw), 0);	/* [50,60) */
	CHECK_EQ(rlock(&po_b, F_SETLK64, F_WRLCK, 55, 1, rw), EAGAIN);
	CHECK_EQ(fshelp_rlock_peropen_status(&po_a), LOCK_EX);
	CHECK_EQ(fshelp_rlock_node_status(&box), LOCK_EX);

	/* F_SETLKW waits until the conflicting lock goes. */
	CHECK_EQ(rlock(&po_b, F_SETLK64, F_UNLCK, 0, 0, rw), 0);
	CHECK_EQ(rlock(&po_a, F_SETLK64, F_RDLCK, 0, 10, rw), 0);
	pthread_create(&t, NULL, blocked_writer, NULL);
	usleep(50000);
	CHECK_EQ(__atomic_load_n(&waiter_done, __ATOMIC_SEQ_CST), 0);
	pthread_mutex_lock(&node_lock);
	CHECK_EQ(fshelp_rlock_drop_peropen(&po_a), 0);	/* A closes */
	pthread_mutex_unlock(&node_lock);
	pthread_join(t, NULL);
	CHECK_EQ(waiter_done, 1);
	CHECK_EQ(fshelp_rlock_peropen_status(&po_a), LOCK_UN);
	CHECK_EQ(fshelp_rlock_peropen_status(&po_b), LOCK_EX);

	pthread_mutex_lock(&node_lock);
	fshelp_rlock_drop_peropen(&po_b);
	pthread_mutex_unlock(&node_lock);
	CHECK_EQ(fshelp_rlock_node_status(&box), LOCK_UN);
	fshelp_rlock_po_fini(&po_a);
	fshelp_rlock_po_fini(&po_b);
}

/* ---- flock lock boxes ---- */

static struct lock_box lbox;
static int user_a, user_b;

static error_t
flock_as(int *u, int flags)
{
	error_t err;

	pthread_mutex_lock(&node_lock);
	err = fshelp_acquire_lock(&lbox, u, &node_lock, flags);
	pthread_mutex_unlock(&node_lock);
	return err;
}

static void *
blocked_flock(void *arg)
{
	(void) arg;
	CHECK_EQ(flock_as(&user_b, LOCK_EX), 0);
	return NULL;
}

static void
test_flock(void)
{
	pthread_t t;

	fshelp_lock_init(&lbox);
	user_a = user_b = LOCK_UN;
	CHECK_EQ(flock_as(&user_a, LOCK_SH), 0);
	CHECK_EQ(flock_as(&user_b, LOCK_SH | LOCK_NB), 0);
	CHECK_EQ(flock_as(&user_b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK_EQ(user_b, LOCK_UN);	/* a plain conversion lets go first */
	CHECK_EQ(flock_as(&user_b, LOCK_SH | LOCK_NB), 0);
	CHECK_EQ(flock_as(&user_a, LOCK_UN | LOCK_SH), EINVAL);
	/* Atomic upgrades: one at a time. */
	CHECK_EQ(flock_as(&user_a, LOCK_EX | LOCK_NB | 16), EWOULDBLOCK);
	CHECK_EQ(flock_as(&user_b, LOCK_UN), 0);
	CHECK_EQ(flock_as(&user_a, LOCK_EX | 16), 0);
	CHECK_EQ(user_a, LOCK_EX);
	CHECK_EQ(flock_as(&user_a, LOCK_SH | 16), 0);	/* atomic downgrade */
	CHECK_EQ(user_a, LOCK_SH);
	CHECK_EQ(flock_as(&user_a, LOCK_EX), 0);
	pthread_create(&t, NULL, blocked_flock, NULL);
	usleep(50000);
	CHECK_EQ(user_b, LOCK_UN);
	CHECK_EQ(flock_as(&user_a, LOCK_UN), 0);
	pthread_join(t, NULL);
	CHECK_EQ(user_b, LOCK_EX);
	CHECK_EQ(flock_as(&user_b, LOCK_UN), 0);
	CHECK_EQ(flock_as(&user_b, 0), 0);	/* nothing asked */
}

/* ---- transboxes ---- */

static void
test_transbox(void)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct transbox tb;
	mach_port_t p1 = testlib_port_with_send(), p2 = testlib_port_with_send(), c;

	fshelp_transbox_init(&tb, &lock, &tb);
	CHECK(!fshelp_translated(&tb));
	pthread_mutex_lock(&lock);
	CHECK_EQ(fshelp_fetch_control(&tb, &c), 0);
	CHECK_EQ(c, MACH_PORT_NULL);
	CHECK_EQ(fshelp_set_active(&tb, p1, 1), 0);	/* takes our send right */
	CHECK(fshelp_translated(&tb));
	mach_port_mod_refs(mach_task_self(), p2, MACH_PORT_RIGHT_SEND, 1);
	CHECK_EQ(fshelp_set_active(&tb, p2, 1), EBUSY);	/* a live one is there */
	CHECK_EQ(fshelp_fetch_control(&tb, &c), 0);
	CHECK_EQ(c, p1);
	CHECK_EQ(testlib_refs(p1, MACH_PORT_RIGHT_SEND), 2);
	mach_port_deallocate(mach_task_self(), c);
	/* The translator dies: EXCL may replace it, and fetch forgets it. */
	mach_port_mod_refs(mach_task_self(), p1, MACH_PORT_RIGHT_RECEIVE, -1);
	CHECK_EQ(fshelp_fetch_control(&tb, &c), 0);
	CHECK_EQ(c, MACH_PORT_NULL);
	CHECK(!fshelp_translated(&tb));
	CHECK_EQ(testlib_type(p1), 0);	/* the dead name went too */
	CHECK_EQ(fshelp_set_active(&tb, p2, 1), 0);
	CHECK_EQ(fshelp_set_active(&tb, MACH_PORT_NULL, 0), 0);
	CHECK_EQ(testlib_refs(p2, MACH_PORT_RIGHT_SEND), 1);
	mach_port_mod_refs(mach_task_self(), p2, MACH_PORT_RIGHT_SEND, 1);
	CHECK_EQ(fshelp_set_active(&tb, p2, 0), 0);
	pthread_mutex_unlock(&lock);
	fshelp_drop_transbox(&tb);
	CHECK_EQ(testlib_refs(p2, MACH_PORT_RIGHT_SEND), 1);
	mach_port_deallocate(mach_task_self(), p2);
	mach_port_mod_refs(mach_task_self(), p2, MACH_PORT_RIGHT_RECEIVE, -1);
}

/* ---- the list of active translators ---- */

static struct port_bucket *bucket;

/* The dead-name notifications of translators' control ports come here
 * (libports' default would only interrupt RPCs); libnetfs does the same. */
void
ports_dead_name(void *notify, mach_port_t dead)
{
	fshelp_remove_active_translator(dead);
	ports_interrupt_notified_rpcs(notify, dead, MACH_NOTIFY_DEAD_NAME);
}

/* The bucket serves only Mach notifications. */
static int
notify_demuxer(mach_msg_header_t *in, mach_msg_header_t *out)
{
	return ports_notify_server(in, out);
}

/* libports serves the bucket's notifications on a thread of its own (its
 * loops never return). */
static void *
serve_bucket(void *arg)
{
	(void) arg;
	ports_manage_port_operations_one_thread(bucket, notify_demuxer, 0);
	return NULL;
}

static size_t
count_active(void)
{
	char *names = NULL;
	size_t len = 0, count = 0;
	mach_port_t *controls = NULL;

	CHECK_EQ(fshelp_get_active_translators(&names, &len, &controls, &count), 0);
	for (size_t i = 0; i < count; i++)
		mach_port_deallocate(mach_task_self(), controls[i]);
	free(names);
	free(controls);
	return count;
}

static error_t
collect(void *cookie, const char *name, mach_port_t control)
{
	(void) control;
	if (strcmp(name, "a/b") == 0)
		++*(int *) cookie;
	return 0;
}

static error_t
stop_early(void *cookie, const char *name, mach_port_t control)
{
	(void) cookie, (void) name, (void) control;
	return EINTR;
}

/* A port whose receive right lives in a child task, which ends when it
 * gets a message on it: a translator's control port, and its death. */
static mach_port_t
foreign_port(pid_t *pid)
{
	mach_port_t handoff = testlib_port_with_send(), port = MACH_PORT_NULL;
	struct {
		mach_msg_header_t head;
		mach_msg_type_t type;
		mach_port_name_inlined_t port;
		char pad[64];
	} msg;

	*pid = fork();
	if (*pid == 0) {
		mach_port_t mine;
		mach_msg_header_t req;

		mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &mine);
		if (testlib_send_right(handoff, mine, MACH_MSG_TYPE_MAKE_SEND, 1, 5000) != 0)
			_exit(1);
		mach_msg(&req, MACH_RCV_MSG | MACH_RCV_LARGE, 0, sizeof req, mine,
			 MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
		_exit(0);
	}
	if (mach_msg(&msg.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof msg, handoff, 10000,
		     MACH_PORT_NULL) == MACH_MSG_SUCCESS)
		port = msg.port.name;
	mach_port_deallocate(mach_task_self(), handoff);
	mach_port_mod_refs(mach_task_self(), handoff, MACH_PORT_RIGHT_RECEIVE, -1);
	return port;
}

static void
end_foreign(mach_port_t port, pid_t pid)
{
	mach_msg_header_t m = {
		.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
		.msgh_size = sizeof m,
		.msgh_remote_port = port,
		.msgh_id = 1,
	};
	int status;

	mach_msg(&m, MACH_SEND_MSG, sizeof m, 0, MACH_PORT_NULL, MACH_MSG_TIMEOUT_NONE,
		 MACH_PORT_NULL);
	waitpid(pid, &status, 0);
}

static void
test_active_list(void)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct transbox tb1, tb2;
	pid_t child;
	mach_port_t p1 = foreign_port(&child), p2 = testlib_port_with_send();
	char *names = NULL;
	size_t len = 0, count = 0;
	mach_port_t *controls = NULL;
	int seen = 0;

	pthread_t server;

	bucket = ports_create_bucket();
	CHECK(bucket != NULL);
	pthread_create(&server, NULL, serve_bucket, NULL);
	pthread_detach(server);
	fshelp_transbox_init(&tb1, &lock, NULL);
	fshelp_transbox_init(&tb2, &lock, NULL);
	/* No translator: nothing recorded. */
	CHECK_EQ(fshelp_set_active_translator(bucket->notify_port, "none", &tb1), 0);
	CHECK_EQ(count_active(), 0);

	tb1.active = p1;
	tb2.active = p2;
	CHECK_EQ(fshelp_set_active_translator(bucket->notify_port, "a/b", &tb1), 0);
	CHECK_EQ(fshelp_set_active_translator(bucket->notify_port, "c", &tb2), 0);
	CHECK_EQ(fshelp_set_active_translator(bucket->notify_port, "c", &tb2), 0);	/* again */
	CHECK_EQ(fshelp_get_active_translators(&names, &len, &controls, &count), 0);
	CHECK_EQ(count, 2);
	CHECK_EQ(len, 6);	/* "a/b\0c\0" in some order */
	for (size_t i = 0; i < count; i++)
		mach_port_deallocate(mach_task_self(), controls[i]);
	free(names);
	free(controls);
	CHECK_EQ(fshelp_map_active_translators(collect, &seen), 0);
	CHECK_EQ(seen, 1);
	CHECK_EQ(fshelp_map_active_translators(stop_early, NULL), EINTR);

	/* Removed by its control port ... */
	CHECK_EQ(fshelp_remove_active_translator(p2), 0);
	CHECK_EQ(count_active(), 1);
	/* ... or when it dies (the dead-name notification, which libports
	 * hands to ports_dead_name): the entry and its reference go. */
	CHECK(MACH_PORT_VALID(p1));
	CHECK_EQ(testlib_refs(p1, MACH_PORT_RIGHT_SEND), 2);
	end_foreign(p1, child);
	for (int i = 0; i < 200 && testlib_refs(p1, MACH_PORT_RIGHT_DEAD_NAME) != 1; i++)
		usleep(10000);
	CHECK_EQ(testlib_refs(p1, MACH_PORT_RIGHT_DEAD_NAME), 1);	/* the transbox's */
	CHECK_EQ(count_active(), 0);
	mach_port_deallocate(mach_task_self(), p1);
	CHECK_EQ(testlib_type(p1), 0);
	mach_port_deallocate(mach_task_self(), p2);
	mach_port_mod_refs(mach_task_self(), p2, MACH_PORT_RIGHT_RECEIVE, -1);
}

/* ---- identity ports ---- */

static void
test_identity(void)
{
	mach_port_t a, b, c;

	CHECK_EQ(fshelp_get_identity(bucket, 42, &a), 0);
	CHECK_EQ(mach_port_insert_right(mach_task_self(), a, a, MACH_MSG_TYPE_MAKE_SEND), 0);
	CHECK_EQ(fshelp_get_identity(bucket, 42, &b), 0);
	CHECK_EQ(mach_port_insert_right(mach_task_self(), b, b, MACH_MSG_TYPE_MAKE_SEND), 0);
	CHECK_EQ(fshelp_get_identity(bucket, 43, &c), 0);
	CHECK_EQ(mach_port_insert_right(mach_task_self(), c, c, MACH_MSG_TYPE_MAKE_SEND), 0);
	CHECK(a == b);
	CHECK(a != c);
	/* (The rights are names of our own receive rights here, since the
	 * test is the server too.) */
	mach_port_deallocate(mach_task_self(), a);
	mach_port_deallocate(mach_task_self(), b);
	mach_port_deallocate(mach_task_self(), c);
	/* No send rights left: the no-senders notifications end them. */
	for (int i = 0; i < 200 && (testlib_type(a) != 0 || testlib_type(c) != 0); i++)
		usleep(10000);
	CHECK_EQ(testlib_type(a), 0);
	CHECK_EQ(testlib_type(c), 0);
}

/* ---- options, time stamps, short circuits ---- */

static int seen_verbose;

static error_t
parse(int key, char *arg, struct argp_state *state)
{
	(void) arg, (void) state;
	if (key == 'v') {
		seen_verbose = 1;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static void
test_misc(void)
{
	static const struct argp_option opts[] = { { "verbose", 'v', 0, 0, "", 0 }, { 0 } };
	static const struct argp argp = { opts, parse, NULL, NULL, NULL, NULL, NULL };
	io_statbuf_t st;
	struct timespec before;
	char *argz = NULL;
	mach_msg_type_number_t argz_len = 0;
	uid_t uid;
	gid_t gid;
	mode_t mode;
	struct fshelp_stat_cookie2 cookie = { &st, &mode, NULL };

	CHECK_EQ(fshelp_set_options(&argp, 0, "--verbose", 10, NULL), 0);
	CHECK_EQ(seen_verbose, 1);
	CHECK_EQ(fshelp_set_options(&argp, 0, "--bogus", 8, NULL), EINVAL);
	CHECK_EQ(fshelp_set_options(&argp, 0, NULL, 0, NULL), 0);

	memset(&st, 0, sizeof st);
	clock_gettime(CLOCK_REALTIME, &before);
	fshelp_touch(&st, TOUCH_MTIME | TOUCH_CTIME, NULL);
	CHECK(st.st_mtim.tv_sec >= before.tv_sec && st.st_ctim.tv_sec >= before.tv_sec);
	CHECK_EQ(st.st_atim.tv_sec, 0);

	memset(&st, 0, sizeof st);
	st.st_uid = 7;
	st.st_gid = 8;
	st.st_rdev = makedev(4, 64);
	mode = S_IFCHR | 0600;
	CHECK_EQ(fshelp_short_circuited_callback1(NULL, &cookie, &uid, &gid, &argz, &argz_len), 0);
	CHECK_EQ(uid, 7);
	CHECK_EQ(gid, 8);
	CHECK_EQ(argz_len, sizeof _HURD_CHRDEV + 5);
	if (argz != NULL) {
		CHECK(strcmp(argz, _HURD_CHRDEV) == 0);
		CHECK(strcmp(argz + sizeof _HURD_CHRDEV, "4") == 0);
		CHECK(strcmp(argz + sizeof _HURD_CHRDEV + 2, "64") == 0);
	}
	free(argz);
	mode = S_IFIFO | 0600;
	CHECK_EQ(fshelp_short_circuited_callback1(NULL, &cookie, &uid, &gid, &argz, &argz_len), 0);
	CHECK(strcmp(argz, _HURD_FIFO) == 0);
	free(argz);
	mode = S_IFREG | 0600;
	CHECK_EQ(fshelp_short_circuited_callback1(NULL, &cookie, &uid, &gid, &argz, &argz_len),
		 ENOENT);
}

int
main(void)
{
	test_perms();
	test_rlocks();
	test_flock();
	test_transbox();
	test_active_list();
	test_identity();
	test_misc();
	return TEST_DONE();
}

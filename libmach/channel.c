/* The calling thread's channel to machd.
 *
 * Each thread opens its own AF_UNIX SOCK_SEQPACKET connection on its first
 * trap and says HELLO; machd knows the task from the connection's peer
 * credentials.  The first HELLO of a process started by hell_task_spawn, or
 * of a fork child, carries the token that ties the process to the task made
 * for it.  A thread's channel closes when the thread exits (a key
 * destructor), and in a fork child (the parent's channels are not the
 * child's).
 *
 * Where machd is: $HELL_SOCKET.
 */
#include "channel.h"
#include "libmach.h"

#include <hell/hell.h>

#include <errno.h>
#include <sched.h>
#include <time.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static __thread int chan_fd = -1;
static pthread_key_t chan_key;
static pthread_once_t chan_once = PTHREAD_ONCE_INIT;

/* Every open channel of this process, to close them in a fork child. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static int *registry;
static size_t registry_count, registry_cap;

/* The token for this process's first HELLO (fork child or spawned), and
 * one made for an ancestor (HELL_TASK_TOKEN of a process we descend from
 * through a program without libmach). */
static uint64_t pending_token, ancestor_token;
static bool token_from_env_done;
static bool reported;

static void
registry_add(int fd)
{
	pthread_mutex_lock(&registry_lock);
	if (registry_count == registry_cap) {
		size_t cap = registry_cap ? registry_cap * 2 : 16;
		int *n = realloc(registry, cap * sizeof *n);

		if (n) {
			registry = n;
			registry_cap = cap;
		}
	}
	if (registry_count < registry_cap)
		registry[registry_count++] = fd;
	pthread_mutex_unlock(&registry_lock);
}

static void
registry_remove(int fd)
{
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < registry_count; i++) {
		if (registry[i] == fd) {
			registry[i] = registry[--registry_count];
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
}

static void
thread_exit(void *arg)
{
	/* The thread's reply port goes with it, then its channel. */
	__hell_mig_thread_exit();
	if (chan_fd >= 0) {
		registry_remove(chan_fd);
		close(chan_fd);
		chan_fd = -1;
	}
}

static void
make_key(void)
{
	pthread_key_create(&chan_key, thread_exit);
}

static void
report(const char *what, int err)
{
	if (reported)
		return;
	reported = true;
	fprintf(stderr, "libmach: %s%s%s\n", what, err ? ": " : "", err ? strerror(err) : "");
}

/* Co-location (docs/performance.md).  machd keeps to one CPU; a thread
 * that may run on several moves onto machd's CPU for each trap and gets its
 * own CPUs back afterwards, so the parties of an RPC (client, machd,
 * server) meet on one CPU instead of waking each other across CPUs.  The
 * thread's own set is read at each trap, so a program that changes its
 * threads' affinity keeps what it set.  HELL_COLOCATE=0 turns this off. */
static int machd_cpu = -1;		/* from HELLO: machd's CPU, or -1 */
static bool colocation_off;

/* A thread found kept to one CPU (or off machd's) is looked at again only
 * every this many traps: it does not move, so it need not pay a system
 * call per trap to find out. */
#define STAY_RECHECK 256
static __thread unsigned stay_traps;

/* Move onto machd's CPU for a trap; true if HOME must be restored after. */
static bool
colocate_begin(cpu_set_t *home)
{
	cpu_set_t one;

	if (machd_cpu < 0 || colocation_off)
		return false;
	if (stay_traps > 0) {
		stay_traps--;
		return false;
	}
	if (sched_getaffinity(0, sizeof *home, home) < 0)
		return false;
	/* A thread kept to one CPU already (or kept off machd's) stays put. */
	if (CPU_COUNT(home) < 2 || !CPU_ISSET(machd_cpu, home)) {
		stay_traps = STAY_RECHECK;
		return false;
	}
	CPU_ZERO(&one);
	CPU_SET(machd_cpu, &one);
	return sched_setaffinity(0, sizeof one, &one) == 0;
}

static void
choose_colocation(int cpu)
{
	const char *env = getenv("HELL_COLOCATE");

	colocation_off = env && !strcmp(env, "0");
	machd_cpu = cpu >= 0 && cpu < CPU_SETSIZE ? cpu : -1;
}

/* Set once a channel of this process said HELLO: from then on the
 * process is a task, and losing machd altogether ends it (connect_machd).
 * Kept across fork: the child is a task of the same kernel.  */
static bool was_task;

static int
connect_machd(void)
{
	const char *path = getenv("HELL_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int bufsize = 4 * HELL_CHAN_INLINE_MAX;
	int fd;

	if (!path || !*path) {
		report("not running under HELL (HELL_SOCKET is not set); start the program "
		       "with `hell run PROGRAM`", 0);
		return -1;
	}
	if (strlen(path) >= sizeof sa.sun_path) {
		report("HELL_SOCKET path too long", ENAMETOOLONG);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		report("socket", errno);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
	while (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
		if (errno == EINTR)
			continue;
		if (was_task && (errno == ENOENT || errno == ECONNREFUSED)) {
			/* This process was a task and its kernel is gone (hell
			 * down, or machd died): on Mach the task would have been
			 * destroyed with it.  Retrying would only spin -- a
			 * server's receive loop calls again at once -- so the
			 * task ends here.  */
			fprintf(stderr, "libmach: machd at %s has gone away; ending this task "
				"(pid %d)\n", path, (int) getpid());
			_exit(HELL_EXIT_MACHD_GONE);
		}
		fprintf(stderr, "libmach: cannot reach machd at %s: %s\n", path, strerror(errno));
		reported = true;
		close(fd);
		return -1;
	}
	return fd;
}

static uint64_t
take_token(void)
{
	uint64_t token = pending_token;

	pending_token = 0;
	if (!token && !token_from_env_done) {
		const char *t = getenv("HELL_TASK_TOKEN");
		char *end;
		long owner;

		token_from_env_done = true;
		if (t) {
			/* OWNER-PID:TOKEN.  It is ours only if we are the child
			 * of the process that got it: a grandchild that
			 * inherited the environment through a program without
			 * libmach (a shell) is a process of its own. */
			owner = strtol(t, &end, 10);
			if (*end == ':' && owner == (long) getppid())
				token = strtoull(end + 1, NULL, 16);
			else if (*end == ':')
				ancestor_token = strtoull(end + 1, NULL, 16);
			/* Our children must not present it again. */
			unsetenv("HELL_TASK_TOKEN");
		}
	}
	return token;
}

/* Open this thread's channel and say HELLO. */
static int
chan_open(void)
{
	struct hell_req req = { .op = HELL_OP_HELLO };
	struct hell_rep rep;
	int fd;

	pthread_once(&chan_once, make_key);
	fd = connect_machd();
	if (fd < 0)
		return -1;
	chan_fd = fd;
	req.arg[0] = HELL_CHAN_VERSION;
	req.arg[1] = take_token();
	req.arg[2] = (uint64_t) gettid();
	req.arg[3] = ancestor_token;
	ancestor_token = 0;
	if (hell_chan_call(&req, NULL, 0, NULL, 0, &rep, NULL, 0) < 0 || rep.kr != KERN_SUCCESS) {
		close(fd);
		chan_fd = -1;
		report("machd refused this process: it was forked or spawned by a task that "
		       "ended before it started, or HELL_TASK_TOKEN is stale", 0);
		return -1;
	}
	registry_add(fd);
	was_task = true;
	pthread_setspecific(chan_key, (void *) 1);
	machd_cpu = (int) (int64_t) rep.val[1];
	choose_colocation(machd_cpu);
	return fd;
}

int
hell_chan(void)
{
	if (__builtin_expect(chan_fd >= 0, 1))
		return chan_fd;
	return chan_open();
}

ssize_t
__hell_sys_sendmsg(int fd, const struct msghdr *mh, int flags)
{
	return syscall(SYS_sendmsg, fd, mh, flags);
}

ssize_t
__hell_sys_recvmsg(int fd, struct msghdr *mh, int flags)
{
	return syscall(SYS_recvmsg, fd, mh, flags);
}

ssize_t
__hell_sys_pwritev(int fd, const struct iovec *iov, int iovcnt, off_t off)
{
	/* pwritev's last two arguments are the offset's low and high words. */
	return syscall(SYS_pwritev, fd, iov, iovcnt, (unsigned long) off, 0UL);
}

static int
send_all(int fd, struct msghdr *mh)
{
	for (;;) {
		if (__hell_sys_sendmsg(fd, mh, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* The channel failed (machd closed it, or is gone): drop it, so that the
 * thread's next trap connects again (machd finds the task by pid). */
static int
chan_broken(void)
{
	if (chan_fd >= 0) {
		registry_remove(chan_fd);
		close(chan_fd);
		chan_fd = -1;
	}
	return -1;
}

/* Wait for the answer to HDR (sent on FD) into RH. */
static int
receive_reply(int fd, const struct hell_req *hdr, struct msghdr *rh, struct hell_rep *rep)
{
	ssize_t n;
	bool cancelled = false;

	for (;;) {
		n = __hell_sys_recvmsg(fd, rh, MSG_CMSG_CLOEXEC);
		if (n >= (ssize_t) sizeof *rep)
			return 0;
		if (n < 0 && errno == EINTR) {
			/* A signal: ask machd to end a blocked mach_msg now
			 * (MACH_*_INTERRUPTED); the reply still comes. */
			if (!cancelled && hdr->op == HELL_OP_MACH_MSG) {
				struct hell_req c = { .op = HELL_OP_CANCEL };
				struct iovec ci = { &c, sizeof c };
				struct msghdr cm = { .msg_iov = &ci, .msg_iovlen = 1 };

				cancelled = true;
				send_all(fd, &cm);
			}
			continue;
		}
		/* EFAULT: the caller's buffer is bad; Linux dropped the reply
		 * datagram (which then carried no bulk after it). */
		return n < 0 && errno == EFAULT ? HELL_CHAN_RECV_FAULT : -1;
	}
}

int
hell_chan_call(struct hell_req *hdr, const struct iovec *iov, int iovcnt,
	       const int *fds, int nfds, struct hell_rep *rep,
	       void *rcv_buf, size_t rcv_size)
{
	struct iovec siov[8];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * HELL_CHAN_MAX_FDS)];
	} control;
	struct msghdr mh = { .msg_iov = siov, .msg_iovlen = 1 + (size_t) iovcnt };
	struct iovec riov[2] = { { rep, sizeof *rep }, { rcv_buf, rcv_size } };
	struct msghdr rh = { .msg_iov = riov, .msg_iovlen = rcv_size ? 2 : 1 };
	int fd = chan_fd, err;
	cpu_set_t home;
	bool moved;

	siov[0] = (struct iovec) { hdr, sizeof *hdr };
	for (int i = 0; i < iovcnt; i++)
		siov[i + 1] = iov[i];
	if (nfds) {
		memset(&control, 0, sizeof control);
		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t) nfds);
		control.h.cmsg_level = SOL_SOCKET;
		control.h.cmsg_type = SCM_RIGHTS;
		control.h.cmsg_len = CMSG_LEN(sizeof(int) * (size_t) nfds);
		memcpy(CMSG_DATA(&control.h), fds, sizeof(int) * (size_t) nfds);
	}
	moved = colocate_begin(&home);
	err = send_all(fd, &mh) < 0 ? (errno == EFAULT ? HELL_CHAN_SEND_FAULT : -1) : 0;
	if (err == 0)
		err = receive_reply(fd, hdr, &rh, rep);
	if (moved)
		sched_setaffinity(0, sizeof home, &home);
	return err == -1 ? chan_broken() : err;
}

kern_return_t
hell_chan_trap(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t *vals)
{
	struct hell_req req = { .op = op, .arg = { a0, a1, a2, a3 } };
	struct hell_rep rep;

	if (hell_chan() < 0 || hell_chan_call(&req, NULL, 0, NULL, 0, &rep, NULL, 0) < 0)
		return MACH_SEND_INVALID_DEST;
	if (vals)
		memcpy(vals, rep.val, sizeof rep.val);
	return rep.kr;
}

void *
hell_chan_bulk(const struct hell_rep *rep, int *fds, int *nfds, size_t *map_size)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * (HELL_CHAN_MAX_FDS + 1))];
	} control;
	void *buf = NULL;
	struct hell_rep dummy;
	struct iovec iov;
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof control.buf,
	};
	ssize_t n;
	struct cmsghdr *c;

	*nfds = 0;
	*map_size = 0;
	if (rep->flags & HELL_REP_BULK_IN_FD) {
		iov = (struct iovec) { &dummy, sizeof dummy };
	} else {
		buf = malloc(rep->bulk_size ? rep->bulk_size : 1);
		if (!buf)
			return NULL;
		iov = (struct iovec) { buf, rep->bulk_size };
	}
	do
		n = recvmsg(chan_fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (int) ((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			memcpy(fds + *nfds, CMSG_DATA(c), sizeof(int) * (size_t) k);
			*nfds += k;
		}
	}
	if (rep->flags & HELL_REP_BULK_IN_FD) {
		if (*nfds < 1)
			return NULL;
		buf = __hell_map_fd(fds[0], rep->bulk_size);
		close(fds[0]);
		memmove(fds, fds + 1, sizeof(int) * (size_t) (*nfds - 1));
		(*nfds)--;
		*map_size = rep->bulk_size;
	}
	return buf;
}

void
hell_chan_bulk_free(void *bulk, size_t map_size)
{
	if (map_size)
		__hell_unmap(bulk, map_size);
	else
		free(bulk);
}

/* fork: the child is a new task with copies of the parent's send rights
 * (HELL_OP_FORK_PREPARE, in the parent, just before the fork). */
static uint64_t fork_token;

static void
fork_prepare(void)
{
	uint64_t vals[4];

	fork_token = 0;
	/* Only a process that is a task makes its fork child one. */
	if (registry_count > 0 && hell_chan() >= 0 &&
	    hell_chan_trap(HELL_OP_FORK_PREPARE, 0, 0, 0, 0, vals) == KERN_SUCCESS)
		fork_token = vals[0];
	pthread_mutex_lock(&registry_lock);
	/* errno tells the parent handler whether fork failed: the fork
	 * system call sets it only on failure. */
	errno = 0;
}

static void
fork_parent(void)
{
	int failed = errno != 0;

	pthread_mutex_unlock(&registry_lock);
	if (fork_token && failed)
		hell_chan_trap(HELL_OP_FORK_ABORT, fork_token, 0, 0, 0, NULL);
	fork_token = 0;
}

static void
fork_child(void)
{
	/* The parent's channels are the parent's: close our copies. */
	for (size_t i = 0; i < registry_count; i++)
		close(registry[i]);
	registry_count = 0;
	pthread_mutex_unlock(&registry_lock);
	chan_fd = -1;
	__hell_mig_fork_child();
	if (fork_token) {
		pending_token = fork_token;
		fork_token = 0;
		/* Become the task now, so the child's task lives and dies
		 * with this process even if it never traps. */
		hell_chan();
	}
}

__attribute__((constructor)) static void
libmach_init(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

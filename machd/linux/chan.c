/* Channels: sockets, datagrams and file descriptors passed with them.  All
 * sends are non-blocking: a task reads its own replies, and one that does
 * not (two requests in flight, a full buffer) is cut off, never waited for. */
#include "chan.h"
#include "../ipc/kmsg.h"
#include "../util/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sys.h"

struct list chan_all = LIST_INIT(chan_all);

/* Requests are read into one buffer: machd serves one at a time. */
static uint8_t recv_buf[sizeof(struct hell_req) + HELL_CHAN_INLINE_MAX] __attribute__((aligned(64)));

/* Largest payload memfd accepted: the message, its table and blob. */
#define PAYLOAD_FD_MAX ((uint64_t) IPC_KMSG_MAX_SIZE + (1u << 30))

int
chan_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, 512) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

struct chan *
chan_accept(int listen_fd)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int bufsize = 4 * HELL_CHAN_INLINE_MAX;
	struct chan *chan;

	if (fd < 0)
		return NULL;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != getuid()) {
		/* Only the user who runs machd may use it (the socket is
		 * 0600 as well). */
		close(fd);
		return NULL;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
	chan = machd_zalloc(sizeof *chan);
	chan->fd = fd;
	chan->pid = cred.pid;
	chan->uid = cred.uid;
	list_push_back(&chan_all, &chan->link);
	return chan;
}

int
chan_recv(struct chan *chan, struct chan_request *r)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * HELL_CHAN_MAX_FDS)];
	} control;
	struct iovec iov = { recv_buf, sizeof recv_buf };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof control.buf,
	};
	ssize_t n;
	struct cmsghdr *c;

	memset(r, 0, sizeof *r);
	n = recvmsg(chan->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;	/* peer closed */

	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			uint32_t k = (uint32_t) ((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			for (uint32_t i = 0; i < k; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
				if (r->nfds < HELL_CHAN_MAX_FDS)
					r->fds[r->nfds++] = fd;
				else
					close(fd);
			}
		}
	}
	if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || (size_t) n < sizeof(struct hell_req)) {
		chan_request_done(r);
		return -1;
	}
	memcpy(&r->hdr, recv_buf, sizeof r->hdr);
	r->payload = recv_buf + sizeof(struct hell_req);
	r->payload_size = (size_t) n - sizeof(struct hell_req);

	if (r->hdr.flags & HELL_REQ_PAYLOAD_IN_FD) {
		struct stat st;

		if (r->nfds == 0 || r->payload_size != 0 || fstat(r->fds[0], &st) < 0 ||
		    !S_ISREG(st.st_mode) || (uint64_t) st.st_size > PAYLOAD_FD_MAX || st.st_size == 0) {
			chan_request_done(r);
			return -1;
		}
		r->map = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, r->fds[0], 0);
		if (r->map == MAP_FAILED) {
			r->map = NULL;
			chan_request_done(r);
			return -1;
		}
		r->map_size = (size_t) st.st_size;
		r->payload = r->map;
		r->payload_size = r->map_size;
		/* The payload fd is not one of the message's. */
		close(r->fds[0]);
		memmove(r->fds, r->fds + 1, (r->nfds - 1) * sizeof(int));
		r->nfds--;
	}
	return 1;
}

void
chan_request_done(struct chan_request *r)
{
	for (uint32_t i = 0; i < r->nfds; i++)
		if (r->fds[i] >= 0)
			close(r->fds[i]);
	r->nfds = 0;
	if (r->map)
		munmap(r->map, r->map_size);
	r->map = NULL;
}

static bool
send_datagram(struct chan *chan, struct iovec *iov, int iovcnt, const int *fds, uint32_t nfds)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * HELL_CHAN_MAX_FDS)];
	} control;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t) iovcnt };

	if (nfds) {
		memset(&control, 0, sizeof control);
		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		control.h.cmsg_level = SOL_SOCKET;
		control.h.cmsg_type = SCM_RIGHTS;
		control.h.cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(&control.h), fds, sizeof(int) * nfds);
	}
	for (;;) {
		if (sendmsg(chan->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
			return true;
		if (errno != EINTR)
			break;
	}
	chan->broken = true;
	return false;
}

void
chan_reply(struct chan *chan, struct hell_rep *rep, const void *msg,
	   const struct ipc_copyout *ool)
{
	bool has_ool = ool && (ool->nfixups > 0 || ool->nfds > 0);
	uint64_t bulk = 0;

	if (chan->broken)
		return;
	if (!has_ool && rep->msg_size <= HELL_CHAN_INLINE_MAX) {
		struct iovec iov[2] = {
			{ rep, sizeof *rep },
			{ (void *) msg, rep->msg_size },
		};

		send_datagram(chan, iov, rep->msg_size ? 2 : 1, NULL, 0);
		return;
	}

	/* Bulk: [message][fixups][blob] in a second datagram or a memfd. */
	rep->flags |= HELL_REP_BULK;
	rep->fixup_count = has_ool ? ool->nfixups : 0;
	bulk = rep->msg_size + (uint64_t) rep->fixup_count * sizeof(struct hell_ool_out) +
	       (has_ool ? ool->blob_size : 0);
	rep->bulk_size = (uint32_t) bulk;
	{
		struct iovec iov[4] = {
			{ (void *) msg, rep->msg_size },
			{ has_ool ? ool->fixups : NULL, rep->fixup_count * sizeof(struct hell_ool_out) },
			{ has_ool ? ool->blob : NULL, has_ool ? ool->blob_size : 0 },
		};
		int fds[HELL_CHAN_MAX_FDS + 1];
		uint32_t nfds = 0;
		struct iovec head = { rep, sizeof *rep };

		if (bulk > HELL_CHAN_INLINE_MAX) {
			uint8_t *flat = machd_alloc(bulk);
			uint64_t at = 0;
			int fd;

			for (int i = 0; i < 3; i++) {
				if (iov[i].iov_len)
					memcpy(flat + at, iov[i].iov_base, iov[i].iov_len);
				at += iov[i].iov_len;
			}
			fd = linux_memfd_from(flat, bulk);
			machd_free(flat);
			if (fd < 0) {
				chan->broken = true;
				return;
			}
			rep->flags |= HELL_REP_BULK_IN_FD;
			fds[nfds++] = fd;
			if (has_ool)
				for (uint32_t i = 0; i < ool->nfds && nfds < HELL_CHAN_MAX_FDS; i++)
					fds[nfds++] = ool->fds[i];
			/* A datagram carries at least one byte (an empty one
			 * reads as end of file): repeat the header. */
			if (send_datagram(chan, &head, 1, NULL, 0))
				send_datagram(chan, &head, 1, fds, nfds);
			close(fd);
			return;
		}
		if (has_ool)
			for (uint32_t i = 0; i < ool->nfds; i++)
				fds[nfds++] = ool->fds[i];
		if (send_datagram(chan, &head, 1, NULL, 0))
			send_datagram(chan, iov, 3, fds, nfds);
	}
}

void
chan_close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

void
chan_close(struct chan *chan)
{
	if (chan->fd >= 0)
		close(chan->fd);
	chan->fd = -1;
	chan->broken = true;
	list_remove(&chan->link);
}

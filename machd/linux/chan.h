/* Channels: machd's end of the per-thread AF_UNIX SOCK_SEQPACKET
 * connections (include/hell/channel.h has the protocol). */
#ifndef MACHD_LINUX_CHAN_H
#define MACHD_LINUX_CHAN_H

#include <hell/channel.h>
#include "../util/list.h"
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct thread;
struct ipc_copyout;

struct chan {
	int fd;
	pid_t pid;		/* the peer's process, from SO_PEERCRED */
	uid_t uid;
	struct thread *thread;	/* NULL until HELLO */
	bool broken;		/* protocol violation or send failure */
	struct list link;	/* on chan_all while open */
};

/* Every open channel (with or without a thread yet). */
extern struct list chan_all;

/* One request as received. */
struct chan_request {
	struct hell_req hdr;
	uint8_t *payload;	/* after the header (datagram or memfd) */
	size_t payload_size;
	int fds[HELL_CHAN_MAX_FDS];	/* ones not taken are closed by chan_request_done */
	uint32_t nfds;
	void *map;		/* the mapped payload memfd, if any */
	size_t map_size;
};

/* A listening socket at PATH (created 0600), or -1 with errno. */
int chan_listen(const char *path);
/* Accept one connection; NULL if none or refused (another user). */
struct chan *chan_accept(int listen_fd);
/* Read one request from CHAN: 1 got one, 0 nothing to read, -1 the channel
 * is closed or sent garbage (the caller destroys it). */
int chan_recv(struct chan *chan, struct chan_request *r);
void chan_request_done(struct chan_request *r);
/* Send a trap's reply (MSG has rep->msg_size bytes; OOL may be NULL).  A
 * failure marks the channel broken; machd never blocks on a task. */
void chan_reply(struct chan *chan, struct hell_rep *rep, const void *msg,
		const struct ipc_copyout *ool);
void chan_close_fd(int fd);
/* Close CHAN's socket and take it off chan_all; the memory is the
 * caller's to free (machd frees it after the event batch). */
void chan_close(struct chan *chan);

#endif

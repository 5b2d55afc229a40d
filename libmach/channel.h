/* libmach's end of the channel protocol (include/hell/channel.h). */
#ifndef LIBMACH_CHANNEL_H
#define LIBMACH_CHANNEL_H

#include <hell/channel.h>
#include <mach/kern_return.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

/* The calling thread's channel, opened (with HELLO) on first use; -1 if
 * machd cannot be reached (a message has been printed once). */
int hell_chan(void);

/* One request: HDR and the IOV payload (and FDS), then the reply header
 * into REP.  RCV_BUF/RCV_SIZE take the reply's message bytes when they come
 * in the reply datagram itself.  Returns 0; HELL_CHAN_SEND_FAULT if the
 * payload was bad memory (nothing was sent); HELL_CHAN_RECV_FAULT if the
 * receive buffer was (the reply is lost); -1 if machd is gone. */
#define HELL_CHAN_SEND_FAULT (-2)
#define HELL_CHAN_RECV_FAULT (-3)
int hell_chan_call(struct hell_req *hdr, const struct iovec *iov, int iovcnt,
		   const int *fds, int nfds, struct hell_rep *rep,
		   void *rcv_buf, size_t rcv_size);
/* A simple trap: OP with ARGS; returns the reply's kr, fills VALS (4). */
kern_return_t hell_chan_trap(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2,
			     uint64_t a3, uint64_t *vals);
/* Read the bulk datagram that follows a reply with HELL_REP_BULK: returns a
 * buffer of rep->bulk_size bytes (free with hell_chan_bulk_free) and its
 * fds. */
void *hell_chan_bulk(const struct hell_rep *rep, int *fds, int *nfds, size_t *map_size);
void hell_chan_bulk_free(void *bulk, size_t map_size);

#endif

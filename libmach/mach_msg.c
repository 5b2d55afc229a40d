/* mach_msg: the trap and glibc's wrapper.
 *
 * Sending: the message goes to machd as it is.  Out-of-line regions are
 * gathered here, in the sender, because machd cannot read them: small ones
 * (and port-name arrays) as bytes after the message, large ones as sealed
 * memfds (one copy; the receiver maps it).  They are listed in message order
 * so machd can match them with the descriptors it parses itself.  After a
 * successful send, regions marked msgt_deallocate leave the sender, as in
 * GNU Mach.
 *
 * Receiving: the reply carries the message (names already in this task's
 * space) and, for out-of-line regions, where each goes: libmach maps or
 * copies each region and writes its address into the message.
 */
#include "channel.h"
#include "libmach.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

/* Most bytes of out-of-line regions sent as bytes in one message (port
 * arrays, or regions past the memfd limit); beyond, the region counts as
 * bad memory rather than make libmach allocate what a descriptor claims. */
#define IPC_OOL_BLOB_MAX (256u << 20)

/* Write LEN bytes into the caller's buffer at DST, which may be bad:
 * false if it is (MACH_RCV_INVALID_DATA). */
static bool
put_user(void *dst, const void *src, size_t len)
{
	struct iovec local = { (void *) src, len }, remote = { dst, len };

	return len == 0 || process_vm_writev(getpid(), &local, 1, &remote, 1, 0) == (ssize_t) len;
}

/* Gathered out-of-line regions of one message. */
struct gather {
	struct hell_ool_in *table;
	uint32_t count, cap;
	uint8_t *blob;
	uint32_t blob_size, blob_cap;
	int fds[HELL_CHAN_MAX_FDS];
	int nfds;
	/* Regions to deallocate once sent. */
	struct { vm_address_t addr; vm_size_t size; } dealloc[64];
	int ndealloc;
	bool failed;
};

static void
gather_free(struct gather *g)
{
	for (int i = 0; i < g->nfds; i++)
		close(g->fds[i]);
	free(g->table);
	free(g->blob);
}

static struct hell_ool_in *
gather_entry(struct gather *g)
{
	if (g->count == g->cap) {
		uint32_t cap = g->cap ? g->cap * 2 : 8;
		struct hell_ool_in *t = realloc(g->table, cap * sizeof *t);

		if (!t) {
			g->failed = true;
			return NULL;
		}
		g->table = t;
		g->cap = cap;
	}
	return &g->table[g->count++];
}

/* Copy LEN bytes at ADDR (the task's own memory, maybe bad) into the blob. */
static bool
gather_bytes(struct gather *g, const void *addr, uint64_t len, uint32_t *offset)
{
	uint64_t at = ((uint64_t) g->blob_size + 7) & ~7ull;
	struct iovec local, remote;

	if (at + len > UINT32_MAX)
		return false;
	if (at + len > g->blob_cap) {
		uint64_t cap = g->blob_cap ? g->blob_cap : 4096;
		uint8_t *b;

		while (cap < at + len)
			cap *= 2;
		b = realloc(g->blob, cap);
		if (!b)
			return false;
		g->blob = b;
		g->blob_cap = (uint32_t) cap;
	}
	if (len) {
		/* process_vm_readv on ourselves turns a bad address into
		 * EFAULT instead of a crash: MACH_SEND_INVALID_MEMORY. */
		local = (struct iovec) { g->blob + at, len };
		remote = (struct iovec) { (void *) addr, len };
		if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != (ssize_t) len)
			return false;
	}
	*offset = (uint32_t) at;
	g->blob_size = (uint32_t) (at + len);
	return true;
}

/* A sealed memfd with LEN bytes at ADDR. */
static int
gather_memfd(const void *addr, uint64_t len)
{
	int fd = memfd_create("hell-ool", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	uint64_t done = 0;

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t) len) < 0)
		goto fail;
	while (done < len) {
		struct iovec v = { (char *) addr + done, len - done };
		ssize_t n = __hell_sys_pwritev(fd, &v, 1, (off_t) done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;	/* EFAULT: a bad address */
		done += (uint64_t) n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* Walk the body the way machd will and gather each out-of-line region.
 * A malformed body just stops the walk: machd finds the same fault and
 * answers with GNU Mach's code. */
static void
gather_message(const mach_msg_header_t *msg, mach_msg_size_t size, struct gather *g)
{
	const uint8_t *cur = (const uint8_t *) (msg + 1), *end = (const uint8_t *) msg + size;

	while (cur + sizeof(mach_msg_type_t) <= end && !g->failed) {
		const mach_msg_type_t *t = (const mach_msg_type_t *) cur;
		bool is_port = MACH_MSG_TYPE_PORT_ANY(t->msgt_name);
		uint64_t length = ((uint64_t) t->msgt_number * t->msgt_size + 7) >> 3;
		struct hell_ool_in *e;
		vm_address_t addr;

		cur += sizeof(mach_msg_type_t);
		if (t->msgt_inline) {
			if ((uint64_t) (end - cur) < length)
				return;
			cur += length;
		} else {
			if (end - cur < (ptrdiff_t) sizeof addr)
				return;
			memcpy(&addr, cur, sizeof addr);
			cur += sizeof addr;
			e = gather_entry(g);
			if (!e)
				return;
			e->size = length;
			if (is_port || length <= HELL_OOL_INLINE_MAX || g->nfds == HELL_CHAN_MAX_FDS) {
				e->kind = HELL_OOL_BLOB;
				if (length > IPC_OOL_BLOB_MAX ||
				    !gather_bytes(g, (const void *) addr, length, &e->index)) {
					/* Bad memory: an entry machd refuses, after
					 * it has checked the header, as GNU Mach
					 * orders its errors. */
					e->kind = 0;
					return;
				}
			} else {
				int fd = gather_memfd((const void *) addr, length);

				if (fd < 0) {
					e->kind = 0;
					return;
				}
				e->kind = HELL_OOL_FD;
				e->index = (uint32_t) g->nfds;
				g->fds[g->nfds++] = fd;
			}
			if (t->msgt_deallocate && length && g->ndealloc < 64) {
				g->dealloc[g->ndealloc].addr = addr;
				g->dealloc[g->ndealloc].size = length;
				g->ndealloc++;
			}
		}
		cur = (const uint8_t *) (((uintptr_t) cur + 7) & ~(uintptr_t) 7);
	}
}

/* Put the regions of a received message where the fixups say. */
static mach_msg_return_t
apply_fixups(mach_msg_header_t *msg, mach_msg_size_t msg_size, const struct hell_ool_out *fx,
	     uint32_t count, const uint8_t *blob, uint64_t blob_size, const int *fds, int nfds)
{
	mach_msg_return_t mr = MACH_MSG_SUCCESS;

	for (uint32_t i = 0; i < count; i++) {
		void *p = NULL;

		if ((uint64_t) fx[i].offset + sizeof(void *) > msg_size)
			return MACH_RCV_INVALID_DATA;
		if (fx[i].size == 0) {
			p = NULL;
		} else if (fx[i].kind == HELL_OOL_BLOB) {
			if (fx[i].index + fx[i].size > blob_size)
				return MACH_RCV_INVALID_DATA;
			p = __hell_map_anon(fx[i].size);
			if (p)
				memcpy(p, blob + fx[i].index, fx[i].size);
		} else if (fx[i].kind == HELL_OOL_FD && fx[i].index < (uint64_t) nfds) {
			p = __hell_map_fd(fds[fx[i].index], fx[i].size);
		}
		if (fx[i].size && !p)
			mr = MACH_RCV_BODY_ERROR | MACH_MSG_VM_SPACE;
		memcpy((uint8_t *) msg + fx[i].offset, &p, sizeof p);
	}
	return mr;
}

/* The bulk of a reply: the message, its fixups and blob, and memfds.  The
 * message is put together here, then written to the caller's buffer. */
static mach_msg_return_t
receive_bulk(const struct hell_rep *rep, mach_msg_header_t *msg, mach_msg_size_t room)
{
	int fds[HELL_CHAN_MAX_FDS + 1];
	int nfds = 0;
	size_t map_size;
	uint8_t *bulk = hell_chan_bulk(rep, fds, &nfds, &map_size);
	uint64_t table = (uint64_t) rep->fixup_count * sizeof(struct hell_ool_out);
	mach_msg_return_t mr;

	if (!bulk) {
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		return MACH_RCV_INVALID_DATA;
	}
	if (rep->msg_size > room || rep->msg_size + table > rep->bulk_size) {
		mr = MACH_RCV_INVALID_DATA;
	} else {
		struct hell_ool_out *fx = malloc(table ? table : 1);
		void *m = malloc(rep->msg_size ? rep->msg_size : 1);

		/* Copies: the bulk buffer need not be aligned for them. */
		memcpy(m, bulk, rep->msg_size);
		memcpy(fx, bulk + rep->msg_size, table);
		mr = apply_fixups(m, rep->msg_size, fx, rep->fixup_count,
				  bulk + rep->msg_size + table,
				  rep->bulk_size - rep->msg_size - table, fds, nfds);
		if (!put_user(msg, m, rep->msg_size))
			mr = MACH_RCV_INVALID_DATA;
		free(fx);
		free(m);
	}
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	hell_chan_bulk_free(bulk, map_size);
	return mr != MACH_MSG_SUCCESS ? mr : rep->kr;
}

/* The result of a channel call that failed: machd is gone, or a buffer of
 * the caller's was bad. */
static mach_msg_return_t
call_failed(int err, bool sending)
{
	if (err == HELL_CHAN_SEND_FAULT)
		return MACH_SEND_INVALID_DATA;
	if (err == HELL_CHAN_RECV_FAULT)
		return MACH_RCV_INVALID_DATA;
	return sending ? MACH_SEND_INVALID_DEST : MACH_RCV_INVALID_NAME;
}

/* One request: send SEND (SEND_SIZE bytes, with G's regions if G), receive
 * the answer's message into RCV (up to ROOM bytes). */
static mach_msg_return_t
call(struct hell_req *req, const void *send, mach_msg_size_t send_size, struct gather *g,
     void *rcv, mach_msg_size_t room, struct hell_rep *rep)
{
	struct iovec iov[3] = { { 0 } };
	int iovcnt = 0, payload_fd = -1, nfds = 0, err;
	int fds[HELL_CHAN_MAX_FDS + 1];

	if (req->arg[0] & MACH_SEND_MSG) {
		iov[iovcnt++] = (struct iovec) { (void *) send, send_size };
		if (g) {
			req->flags |= HELL_REQ_OOL_GATHERED;
			req->ool_count = g->count;
			req->blob_size = g->blob_size;
			if (g->count)
				iov[iovcnt++] = (struct iovec) { g->table, g->count * sizeof *g->table };
			if (g->blob_size)
				iov[iovcnt++] = (struct iovec) { g->blob, g->blob_size };
		}
		if ((uint64_t) send_size + req->ool_count * sizeof(struct hell_ool_in) +
		    req->blob_size > HELL_CHAN_INLINE_MAX) {
			/* Too big for one datagram: the payload goes in a memfd
			 * (pwritev also finds a bad buffer: EFAULT). */
			payload_fd = memfd_create("hell-msg", MFD_CLOEXEC);
			if (payload_fd < 0)
				return MACH_SEND_NO_BUFFER;
			uint64_t want = 0;
			ssize_t n;

			for (int i = 0; i < iovcnt; i++)
				want += iov[i].iov_len;
			n = __hell_sys_pwritev(payload_fd, iov, iovcnt, 0);
			if (n < 0 || (uint64_t) n != want) {
				/* Linux writes what it can read and stops at
				 * the first bad byte: either way the buffer
				 * does not hold the message. */
				err = n < 0 ? errno : EFAULT;
				close(payload_fd);
				return err == EFAULT ? MACH_SEND_INVALID_DATA : MACH_SEND_NO_BUFFER;
			}
			req->flags |= HELL_REQ_PAYLOAD_IN_FD;
			iovcnt = 0;
			fds[nfds++] = payload_fd;
		}
		if (g)
			for (int i = 0; i < g->nfds; i++)
				fds[nfds++] = g->fds[i];
	}
	err = hell_chan_call(req, iov, iovcnt, nfds ? fds : NULL, nfds, rep, rcv, room);
	if (payload_fd >= 0)
		close(payload_fd);
	if (err < 0)
		return call_failed(err, req->arg[0] & MACH_SEND_MSG);
	return MACH_MSG_SUCCESS;
}

/* The slow path for a message with out-of-line regions: copy the message
 * (it may be bad), gather its regions, send (again).  *GATHERED says
 * whether it had any: a complex message, gathered.  A message that is not
 * complex is sent as it is (its body holds no descriptors to walk). */
static mach_msg_return_t
call_with_ool(struct hell_req *req, mach_msg_header_t *msg, mach_msg_size_t send_size,
	      mach_msg_size_t room, struct hell_rep *rep, bool *gathered)
{
	mach_msg_header_t *copy = malloc(send_size);
	struct iovec local = { copy, send_size }, remote = { msg, send_size };
	struct gather g = { 0 };
	mach_msg_return_t mr;

	*gathered = false;
	if (!copy)
		return MACH_SEND_NO_BUFFER;
	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != (ssize_t) send_size) {
		free(copy);
		return MACH_SEND_INVALID_DATA;
	}
	if (send_size < sizeof *copy || !(copy->msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
		mr = call(req, copy, send_size, NULL, msg, room, rep);
		free(copy);
		return mr;
	}
	gather_message(copy, send_size, &g);
	*gathered = g.count > 0;
	mr = call(req, copy, send_size, &g, msg, room, rep);
	free(copy);
	/* The send happened unless machd answered with a send-side error
	 * (receive-side codes, 0x10004000 and up, come after the send):
	 * regions marked msgt_deallocate now leave the sender. */
	if (mr == MACH_MSG_SUCCESS &&
	    (rep->kr == MACH_MSG_SUCCESS || (rep->kr & 0xffffc000) == 0x10004000))
		for (int i = 0; i < g.ndealloc; i++)
			vm_deallocate(mach_task_self(), g.dealloc[i].addr, g.dealloc[i].size);
	gather_free(&g);
	return mr;
}

/* A message with out-of-line regions goes to machd twice: machd answers
 * the first send with HELL_KR_NEED_OOL, since only the sender can read
 * the regions.  The trap cannot look at the message before sending it (a
 * bad buffer must give MACH_SEND_INVALID_DATA, not a fault), but a thread
 * that sends again from the same buffer with the same size most likely
 * sends the same kind of message (a server's replies come from its two
 * buffers in turn): after a HELL_KR_NEED_OOL, such a send gathers at once,
 * through the safe copy, until one turns out to have no region.  Wrong
 * guesses cost that copy, never a different result. */
#define OOL_HINTS 2
static __thread struct ool_hint {
	const void *msg;
	mach_msg_size_t size;
} ool_hints[OOL_HINTS];
static __thread unsigned ool_hint_next;

static struct ool_hint *
ool_hint_find(const void *msg, mach_msg_size_t size)
{
	for (int i = 0; i < OOL_HINTS; i++)
		if (ool_hints[i].msg == msg && ool_hints[i].size == size)
			return &ool_hints[i];
	return NULL;
}

static void
ool_hint_note(const void *msg, mach_msg_size_t size)
{
	if (ool_hint_find(msg, size))
		return;
	ool_hints[ool_hint_next] = (struct ool_hint) { msg, size };
	ool_hint_next = (ool_hint_next + 1) % OOL_HINTS;
}

mach_msg_return_t
mach_msg_trap(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
	      mach_msg_size_t rcv_size, mach_port_name_t rcv_name,
	      mach_msg_timeout_t timeout, mach_port_name_t notify)
{
	struct hell_req req = {
		.op = HELL_OP_MACH_MSG,
		.arg = { (uint64_t) option, send_size, rcv_size, rcv_name, timeout, notify },
	};
	struct hell_rep rep;
	mach_msg_return_t mr;
	bool sending = option & MACH_SEND_MSG;
	mach_msg_size_t room;

	if (!(option & MACH_RCV_MSG))
		rcv_size = 0;
	/* A send that fails comes back in the send buffer (pseudo-receive). */
	room = sending && send_size > rcv_size ? send_size : rcv_size;
	if (hell_chan() < 0)
		return sending ? MACH_SEND_INVALID_DEST : MACH_RCV_INVALID_NAME;

	struct ool_hint *hint = sending ? ool_hint_find(msg, send_size) : NULL;
	bool gathered;

	if (hint) {
		mr = call_with_ool(&req, msg, send_size, room, &rep, &gathered);
		if (mr != MACH_MSG_SUCCESS)
			return mr;
		if (!gathered)
			*hint = (struct ool_hint) { NULL, 0 };
	} else {
		mr = call(&req, msg, send_size, NULL, msg, room, &rep);
		if (mr != MACH_MSG_SUCCESS)
			return mr;
	}
	if (rep.kr == HELL_KR_NEED_OOL) {
		/* machd did nothing yet (its answer carried no message). */
		ool_hint_note(msg, send_size);
		mr = call_with_ool(&req, msg, send_size, room, &rep, &gathered);
		if (mr != MACH_MSG_SUCCESS)
			return mr;
	}

	mr = rep.kr;
	if (rep.flags & HELL_REP_BULK)
		return receive_bulk(&rep, msg, room);
	if (mr == MACH_RCV_TOO_LARGE && rep.msg_size == 0 &&
	    rcv_size >= offsetof(mach_msg_header_t, msgh_size) + sizeof msg->msgh_size) {
		mach_msg_size_t need = (mach_msg_size_t) rep.val[0];	/* MACH_RCV_LARGE */

		if (!put_user(&msg->msgh_size, &need, sizeof need))
			return MACH_RCV_INVALID_DATA;
	}
	return mr;
}

/* Whether the calling thread has been cancelled (hurd_thread_cancel);
 * libports sets it.  Such a thread's interrupted call is not retried: it
 * returns MACH_SEND_INTERRUPTED / MACH_RCV_INTERRUPTED, as an interruptible
 * RPC returns on the Hurd when its thread is cancelled. */
int (*hell_mach_msg_cancelled)(void);

static bool
thread_cancelled(void)
{
	int (*cancelled)(void) = __atomic_load_n(&hell_mach_msg_cancelled, __ATOMIC_ACQUIRE);

	return cancelled && cancelled();
}

mach_msg_return_t
mach_msg(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t send_size,
	 mach_msg_size_t rcv_size, mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
	 mach_port_name_t notify)
{
	mach_msg_return_t mr;

	/* glibc's semantics: an interrupted send or receive is retried unless
	 * the caller asked to see interruptions (or the thread was cancelled);
	 * a retried receive does not send again. */
	mr = mach_msg_trap(msg, option, send_size, rcv_size, rcv_name, timeout, notify);
	while (mr == MACH_SEND_INTERRUPTED && !(option & MACH_SEND_INTERRUPT) && !thread_cancelled())
		mr = mach_msg_trap(msg, option, send_size, rcv_size, rcv_name, timeout, notify);
	while (mr == MACH_RCV_INTERRUPTED && !(option & MACH_RCV_INTERRUPT) && !thread_cancelled())
		mr = mach_msg_trap(msg, option & ~MACH_SEND_MSG, 0, rcv_size, rcv_name,
				   timeout, notify);
	return mr;
}

mach_msg_return_t
mach_msg_send(mach_msg_header_t *msg)
{
	return mach_msg(msg, MACH_SEND_MSG, msg->msgh_size, 0, MACH_PORT_NULL,
			MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
}

mach_msg_return_t
mach_msg_receive(mach_msg_header_t *msg)
{
	return mach_msg(msg, MACH_RCV_MSG, 0, msg->msgh_size, msg->msgh_local_port,
			MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
}

__typeof(mach_msg) __mach_msg __attribute__((alias("mach_msg")));
__typeof(mach_msg_trap) __mach_msg_trap __attribute__((alias("mach_msg_trap")));

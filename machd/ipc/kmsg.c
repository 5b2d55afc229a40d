/* Messages in kernel form: copyin, copyout, destruction.
 *
 * A message arrives as the bytes a task wrote (user form).  Copyin checks
 * every byte of it against GNU Mach's rules and turns it into kernel form:
 * the header's ports become kmsg->remote/local, each inline port name in the
 * body becomes a pointer to the right it carries (the 8-byte slots of the
 * x86_64 layout hold one), each out-of-line region becomes an entry of
 * kmsg->ool with its bytes or memfd, and type descriptors of rights are
 * rewritten to the kind of right carried (MACH_MSG_TYPE_PORT_*).  Copyout
 * does the reverse into the receiver's space.  Between the two a message
 * owns one reference and one right count per right it carries.
 *
 * The body walker (body_next) is the only parser of typed items: copyin,
 * copyout and destruction all walk with it, so what copyin accepted is
 * exactly what the others see.
 */
#include "kmsg.h"
#include "port.h"
#include "right.h"
#include "space.h"
#include "../util/alloc.h"
#include "../util/assert.h"
#include "../linux/sys.h"

#include <string.h>
#include <unistd.h>

struct ipc_counts ipc_counts;

struct ipc_kmsg *
ipc_kmsg_alloc(mach_msg_size_t size)
{
	struct ipc_kmsg *kmsg = machd_alloc(sizeof *kmsg + ((size + 7u) & ~7u));

	memset(kmsg, 0, sizeof *kmsg);
	list_init(&kmsg->link);
	kmsg->size = size;
	kmsg->msg = (mach_msg_header_t *) kmsg->data;
	memset(kmsg->data, 0, sizeof(mach_msg_header_t) <= size ? sizeof(mach_msg_header_t) : size);
	ipc_counts.kmsgs++;
	ipc_counts.kmsg_bytes += size;
	return kmsg;
}

static void
ool_free(struct ipc_ool *ool)
{
	if (ool->fd >= 0) {
		close(ool->fd);
		ipc_counts.ool_fds--;
		ipc_counts.kmsg_bytes -= ool->size;
	} else if (ool->data) {
		ipc_counts.kmsg_bytes -= ool->size;
	}
	machd_free(ool->data);
	machd_free(ool->ports);
	ool->fd = -1;
	ool->data = NULL;
	ool->ports = NULL;
}

void
ipc_kmsg_free(struct ipc_kmsg *kmsg)
{
	for (uint32_t i = 0; i < kmsg->ool_count; i++)
		ool_free(&kmsg->ool[i]);
	machd_free(kmsg->ool);
	ipc_counts.kmsgs--;
	ipc_counts.kmsg_bytes -= kmsg->size;
	machd_free(kmsg);
}

/* One typed item of a message body. */
struct body_item {
	mach_msg_type_t *type;
	unsigned name, size;
	uint32_t number;
	bool is_inline, dealloc, is_port;
	uint64_t length;	/* bytes of data (inline or out-of-line) */
	uint8_t *data;		/* inline: the data; out-of-line: the 8-byte slot */
};

/* Parse the item at *CURSOR (before END) into IT and advance past it.
 * Returns MACH_MSG_SUCCESS, or the GNU Mach code for a malformed item. */
static mach_msg_return_t
body_next(uint8_t **cursor, uint8_t *end, struct body_item *it)
{
	uint8_t *p = *cursor;
	mach_msg_type_t *t = (mach_msg_type_t *) p;

	/* mach_msg_type_long_t is the same 8 bytes on x86_64. */
	if ((size_t) (end - p) < sizeof(mach_msg_type_t))
		return MACH_SEND_MSG_TOO_SMALL;
	it->type = t;
	it->name = t->msgt_name;
	it->size = t->msgt_size;
	it->number = t->msgt_number;
	it->is_inline = t->msgt_inline;
	it->dealloc = t->msgt_deallocate;
	it->is_port = MACH_MSG_TYPE_PORT_ANY(it->name);
	p += sizeof(mach_msg_type_t);

	if ((it->is_port && !it->is_inline && it->size != 32) ||
	    (it->is_port && it->is_inline && it->size != 64) ||
	    t->msgt_unused != 0 ||
	    (it->dealloc && it->is_inline))
		return MACH_SEND_INVALID_TYPE;

	it->length = ((uint64_t) it->number * it->size + 7) >> 3;
	it->data = p;
	if (it->is_inline) {
		if ((uint64_t) (end - p) < it->length)
			return MACH_SEND_MSG_TOO_SMALL;
		p += it->length;
	} else {
		if ((size_t) (end - p) < sizeof(uint64_t))
			return MACH_SEND_MSG_TOO_SMALL;
		p += sizeof(uint64_t);
	}
	/* Items are 8-byte aligned; the message size is a multiple of 8. */
	p = (uint8_t *) (((uintptr_t) p + 7) & ~(uintptr_t) 7);
	*cursor = p > end ? end : p;
	return MACH_MSG_SUCCESS;
}

static inline bool
body_complex(const struct ipc_kmsg *kmsg)
{
	return (kmsg->msg->msgh_bits & MACH_MSGH_BITS_COMPLEX) != 0;
}

static inline uint8_t *body_start(struct ipc_kmsg *kmsg) { return (uint8_t *) (kmsg->msg + 1); }
static inline uint8_t *body_end(struct ipc_kmsg *kmsg) { return (uint8_t *) kmsg->msg + kmsg->size; }

/* Release the rights and regions of the body in kernel form, up to (not
 * including) the item at LIMIT; the item at LIMIT itself has its first
 * PARTIAL port slots copied in (inline ports only). */
static void
body_clean(struct ipc_kmsg *kmsg, uint8_t *limit, uint32_t partial)
{
	uint8_t *cur = body_start(kmsg), *end = body_end(kmsg);
	struct body_item it;

	while (cur < end) {
		uint8_t *here = cur;
		uint32_t n;

		if (body_next(&cur, end, &it) != MACH_MSG_SUCCESS)
			break;
		if (here == limit && !(it.is_port && it.is_inline))
			break;
		n = here == limit ? partial : it.number;
		if (it.is_port && it.is_inline) {
			uint64_t *slots = (uint64_t *) it.data;

			for (uint32_t i = 0; i < n; i++) {
				ipc_right_release((struct ipc_object *) (uintptr_t) slots[i], it.name);
				slots[i] = 0;
			}
		} else if (!it.is_inline) {
			uint64_t *slot = (uint64_t *) it.data;

			if (*slot != 0) {
				struct ipc_ool *ool = &kmsg->ool[*slot - 1];

				if (it.is_port && ool->ports)
					for (uint32_t i = 0; i < it.number; i++)
						ipc_right_release(ool->ports[i], it.name);
				ool_free(ool);
				*slot = 0;
			}
		}
		if (here == limit)
			break;
	}
}

static void
header_clean(struct ipc_kmsg *kmsg)
{
	if (kmsg->remote)
		ipc_right_release(&kmsg->remote->obj, kmsg->remote_type);
	if (kmsg->local && kmsg->local != IPC_PORT_DEAD)
		ipc_right_release(&kmsg->local->obj, kmsg->local_type);
	kmsg->remote = kmsg->local = NULL;
}

void
ipc_kmsg_destroy(struct ipc_kmsg *kmsg)
{
	/* Body first: the destination's send-once right may carry the
	 * news of this destruction to a port the body names. */
	if (body_complex(kmsg))
		body_clean(kmsg, NULL, 0);
	header_clean(kmsg);
	ipc_kmsg_free(kmsg);
}

/* Copy in the header's rights.  GNU Mach's rules: the destination needs a
 * send or send-once disposition and a live right; the reply is NULL with
 * disposition 0, or any send disposition, and may be a dead name. */
static mach_msg_return_t
copyin_header(struct ipc_kmsg *kmsg, struct ipc_space *space)
{
	mach_msg_header_t *h = kmsg->msg;
	mach_msg_bits_t mbits = h->msgh_bits;
	mach_msg_type_name_t dest_type = MACH_MSGH_BITS_REMOTE(mbits);
	mach_msg_type_name_t reply_type = MACH_MSGH_BITS_LOCAL(mbits);
	mach_port_name_t dest_name = (mach_port_name_t) h->msgh_remote_port;
	mach_port_name_t reply_name = (mach_port_name_t) h->msgh_local_port;
	struct ipc_object *dest = NULL, *reply = NULL;
	kern_return_t kr;

	/* GNU Mach looks at the port bits only; the others travel as they
	 * are (MACH_MSGH_BITS_OTHER). */
	if (!MACH_MSG_TYPE_PORT_ANY_SEND(dest_type) ||
	    (reply_type == 0 ? reply_name != MACH_PORT_NULL
			     : !MACH_MSG_TYPE_PORT_ANY_SEND(reply_type)))
		return MACH_SEND_INVALID_HEADER;
	if (!MACH_PORT_NAME_VALID(dest_name))
		return MACH_SEND_INVALID_DEST;

	if (dest_name == reply_name) {
		/* One name, two rights taken from it: GNU Mach's cases. */
		struct ipc_entry *e = ipc_entry_lookup(space, dest_name);

		if (!e)
			return MACH_SEND_INVALID_DEST;
		if (!ipc_right_copyin_check(space, reply_name, reply_type, true))
			return MACH_SEND_INVALID_REPLY;
		if (dest_type == MACH_MSG_TYPE_MOVE_SEND_ONCE ||
		    reply_type == MACH_MSG_TYPE_MOVE_SEND_ONCE ||
		    e->type == MACH_PORT_TYPE_DEAD_NAME)
			return MACH_SEND_INVALID_DEST;
		if (dest_type == MACH_MSG_TYPE_MOVE_SEND && reply_type == MACH_MSG_TYPE_MOVE_SEND &&
		    e->urefs < 2)
			return MACH_SEND_INVALID_DEST;
		/* Nothing may be taken before both are known to work:
		 * a failed copyin has no side effect (no make-send count, no
		 * send-once notification). */
		if (!ipc_right_copyin_check(space, dest_name, dest_type, false))
			return MACH_SEND_INVALID_DEST;
		/* Copies and makes before moves, so a move of the last
		 * reference does not starve the other. */
		if (dest_type == MACH_MSG_TYPE_MOVE_SEND) {
			if (ipc_right_copyin(space, reply_name, reply_type, true, &reply) != KERN_SUCCESS)
				return MACH_SEND_INVALID_REPLY;
			kr = ipc_right_copyin(space, dest_name, dest_type, false, &dest);
		} else {
			kr = ipc_right_copyin(space, dest_name, dest_type, false, &dest);
			if (kr == KERN_SUCCESS &&
			    ipc_right_copyin(space, reply_name, reply_type, true, &reply) != KERN_SUCCESS) {
				ipc_right_release(dest, ipc_object_copyin_type(dest_type));
				return MACH_SEND_INVALID_REPLY;
			}
		}
		if (kr != KERN_SUCCESS) {
			if (reply)
				ipc_right_release(reply, ipc_object_copyin_type(reply_type));
			return MACH_SEND_INVALID_DEST;
		}
	} else {
		struct ipc_entry *e = ipc_entry_lookup(space, dest_name);

		if (!e || !ipc_right_copyin_check(space, dest_name, dest_type, false))
			return MACH_SEND_INVALID_DEST;
		if (MACH_PORT_NAME_VALID(reply_name) &&
		    !ipc_right_copyin_check(space, reply_name, reply_type, true))
			return MACH_SEND_INVALID_REPLY;
		if (ipc_right_copyin(space, dest_name, dest_type, false, &dest) != KERN_SUCCESS)
			return MACH_SEND_INVALID_DEST;
		if (MACH_PORT_NAME_VALID(reply_name)) {
			kr = ipc_right_copyin(space, reply_name, reply_type, true, &reply);
			MACHD_ASSERT(kr == KERN_SUCCESS);	/* checked above */
		} else {
			reply = reply_name == MACH_PORT_DEAD ? IPC_OBJECT_DEAD : NULL;
		}
	}

	kmsg->remote = (struct ipc_port *) dest;
	kmsg->remote_type = ipc_object_copyin_type(dest_type);
	kmsg->local = (struct ipc_port *) reply;
	kmsg->local_type = reply ? ipc_object_copyin_type(reply_type) : 0;
	h->msgh_bits = (mbits & ~MACH_MSGH_BITS_PORTS_MASK) |
		MACH_MSGH_BITS(kmsg->remote_type, kmsg->local_type);
	return MACH_MSG_SUCCESS;
}

static uint32_t
ool_add(struct ipc_kmsg *kmsg)
{
	kmsg->ool = machd_realloc(kmsg->ool, (kmsg->ool_count + 1) * sizeof *kmsg->ool);
	kmsg->ool[kmsg->ool_count] = (struct ipc_ool) { .fd = -1 };
	return ++kmsg->ool_count;	/* slot value: index + 1, never 0 */
}

/* Take the next out-of-line source entry for a region of LENGTH bytes. */
static mach_msg_return_t
ool_source_take(const struct ipc_ool_source *src, uint32_t *next, uint64_t length,
		const struct hell_ool_in **entryp)
{
	const struct hell_ool_in *e;

	if (*next >= src->count)
		return MACH_SEND_INVALID_MEMORY;
	e = &src->entries[(*next)++];
	if (e->size != length || length > IPC_OOL_MAX_SIZE)
		return MACH_SEND_INVALID_MEMORY;
	if (e->kind == HELL_OOL_BLOB) {
		if ((uint64_t) e->index + e->size > src->blob_size)
			return MACH_SEND_INVALID_MEMORY;
	} else if (e->kind == HELL_OOL_FD) {
		if (e->index >= src->nfds || src->fds[e->index] < 0)
			return MACH_SEND_INVALID_MEMORY;
	} else {
		return MACH_SEND_INVALID_MEMORY;
	}
	*entryp = e;
	return MACH_MSG_SUCCESS;
}

static mach_msg_return_t
copyin_ool_data(struct ipc_kmsg *kmsg, const struct ipc_ool_source *src, uint32_t *next,
		struct body_item *it)
{
	const struct hell_ool_in *e;
	mach_msg_return_t mr = ool_source_take(src, next, it->length, &e);
	uint32_t idx;
	struct ipc_ool *ool;

	if (mr != MACH_MSG_SUCCESS)
		return mr;
	idx = ool_add(kmsg);
	ool = &kmsg->ool[idx - 1];
	ool->size = it->length;
	if (e->kind == HELL_OOL_BLOB) {
		if (it->length) {
			ool->data = machd_alloc(it->length);
			memcpy(ool->data, src->blob + e->index, it->length);
		}
	} else {
		int fd = src->fds[e->index];

		/* The memfd must be sealed against writes and shrinking, so
		 * the sender cannot change what the receiver will see. */
		if (!linux_memfd_sealed_and_large_enough(fd, it->length)) {
			kmsg->ool_count--;
			return MACH_SEND_INVALID_MEMORY;
		}
		src->fds[e->index] = -1;
		ool->fd = fd;
		ipc_counts.ool_fds++;
	}
	ipc_counts.kmsg_bytes += it->length;
	*(uint64_t *) it->data = idx;
	return MACH_MSG_SUCCESS;
}

static mach_msg_return_t
copyin_ool_ports(struct ipc_kmsg *kmsg, struct ipc_space *space,
		 const struct ipc_ool_source *src, uint32_t *next, struct body_item *it)
{
	const struct hell_ool_in *e;
	mach_msg_return_t mr = ool_source_take(src, next, it->length, &e);
	mach_msg_type_name_t newname = ipc_object_copyin_type(it->name);
	const mach_port_name_t *names;
	struct ipc_object **ports;
	uint32_t idx;

	if (mr != MACH_MSG_SUCCESS)
		return mr;
	if (e->kind != HELL_OOL_BLOB)
		return MACH_SEND_INVALID_MEMORY;
	names = (const mach_port_name_t *) (src->blob + e->index);
	ports = machd_zalloc((it->number ? it->number : 1) * sizeof *ports);
	for (uint32_t i = 0; i < it->number; i++) {
		mach_port_name_t name;

		memcpy(&name, &names[i], sizeof name);	/* blob offsets need not be aligned */
		if (!MACH_PORT_NAME_VALID(name)) {
			ports[i] = name == MACH_PORT_DEAD ? IPC_OBJECT_DEAD : NULL;
			continue;
		}
		if (ipc_right_copyin(space, name, it->name, true, &ports[i]) != KERN_SUCCESS) {
			for (uint32_t j = 0; j < i; j++)
				ipc_right_release(ports[j], newname);
			machd_free(ports);
			return MACH_SEND_INVALID_RIGHT;
		}
		if (newname == MACH_MSG_TYPE_PORT_RECEIVE &&
		    ipc_port_check_circularity((struct ipc_port *) ports[i], kmsg->remote))
			kmsg->msg->msgh_bits |= MACH_MSGH_BITS_CIRCULAR;
		if (newname == MACH_MSG_TYPE_PORT_RECEIVE)
			((struct ipc_port *) ports[i])->destination = kmsg->remote;
	}
	idx = ool_add(kmsg);
	kmsg->ool[idx - 1].ports = ports;
	kmsg->ool[idx - 1].size = it->length;
	*(uint64_t *) it->data = idx;
	it->type->msgt_name = newname;
	return MACH_MSG_SUCCESS;
}

static mach_msg_return_t
copyin_body(struct ipc_kmsg *kmsg, struct ipc_space *space, const struct ipc_ool_source *src)
{
	uint8_t *cur = body_start(kmsg), *end = body_end(kmsg);
	uint32_t next_ool = 0;
	bool complex = false;
	struct body_item it;

	while (cur < end) {
		uint8_t *here = cur;
		mach_msg_return_t mr = body_next(&cur, end, &it);

		if (mr != MACH_MSG_SUCCESS) {
			body_clean(kmsg, here, 0);
			return mr;
		}
		if (it.is_port && it.is_inline) {
			uint64_t *slots = (uint64_t *) it.data;
			mach_msg_type_name_t disposition = it.name;

			/* Kernel form names the kind of right, which is
			 * what body_clean releases by. */
			it.type->msgt_name = ipc_object_copyin_type(disposition);
			for (uint32_t i = 0; i < it.number; i++) {
				mach_port_name_t name = (mach_port_name_t) slots[i];
				struct ipc_object *obj;

				if (!MACH_PORT_NAME_VALID(name)) {
					slots[i] = name == MACH_PORT_DEAD ? (uintptr_t) IPC_OBJECT_DEAD : 0;
					continue;
				}
				if (ipc_right_copyin(space, name, disposition, true, &obj) != KERN_SUCCESS) {
					/* Slots before i hold rights, i.. names. */
					for (uint32_t j = i; j < it.number; j++)
						slots[j] = 0;
					body_clean(kmsg, here, i);
					return MACH_SEND_INVALID_RIGHT;
				}
				if (disposition == MACH_MSG_TYPE_MOVE_RECEIVE) {
					struct ipc_port *p = (struct ipc_port *) obj;

					if (ipc_port_check_circularity(p, kmsg->remote))
						kmsg->msg->msgh_bits |= MACH_MSGH_BITS_CIRCULAR;
					p->destination = kmsg->remote;
				}
				slots[i] = (uintptr_t) obj;
			}
			complex = true;
		} else if (!it.is_inline) {
			*(uint64_t *) it.data = 0;
			mr = it.is_port ? copyin_ool_ports(kmsg, space, src, &next_ool, &it)
					: copyin_ool_data(kmsg, src, &next_ool, &it);
			if (mr != MACH_MSG_SUCCESS) {
				body_clean(kmsg, here, 0);
				return mr;
			}
			complex = true;
		}
	}
	if (!complex)
		kmsg->msg->msgh_bits &= ~MACH_MSGH_BITS_COMPLEX;
	return MACH_MSG_SUCCESS;
}

mach_msg_return_t
ipc_kmsg_copyin(struct ipc_kmsg *kmsg, struct ipc_space *space,
		const struct ipc_ool_source *src)
{
	mach_msg_return_t mr;

	kmsg->msg->msgh_size = kmsg->size;
	kmsg->msg->msgh_bits &= ~MACH_MSGH_BITS_CIRCULAR;
	mr = copyin_header(kmsg, space);
	if (mr != MACH_MSG_SUCCESS)
		return mr;
	if (!body_complex(kmsg))
		return MACH_MSG_SUCCESS;
	mr = copyin_body(kmsg, space, src);
	if (mr != MACH_MSG_SUCCESS)
		header_clean(kmsg);	/* GNU Mach destroys them too */
	return mr;
}

mach_msg_return_t
ipc_kmsg_copyin_kernel(struct ipc_kmsg *kmsg, struct ipc_space *space)
{
	/* A reply machd built: its out-of-line slots hold pointers into
	 * machd's memory.  Gather those regions into a blob and copy in as
	 * from a task. */
	struct hell_ool_in entries[64];
	struct ipc_ool_source src = { .entries = entries };
	uint8_t *blob = NULL, *cur, *end;
	uint64_t blob_size = 0;
	struct body_item it;
	mach_msg_return_t mr;

	if (kmsg->msg->msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		cur = body_start(kmsg);
		end = body_end(kmsg);
		while (cur < end && body_next(&cur, end, &it) == MACH_MSG_SUCCESS) {
			const void *p;

			if (it.is_inline)
				continue;
			MACHD_ASSERT(src.count < 64);
			memcpy(&p, it.data, sizeof p);
			blob = machd_realloc(blob, blob_size + it.length + 1);
			if (it.length)
				memcpy(blob + blob_size, p, it.length);
			entries[src.count++] = (struct hell_ool_in) {
				.size = it.length, .kind = HELL_OOL_BLOB, .index = (uint32_t) blob_size,
			};
			blob_size += it.length;
		}
	}
	src.blob = blob;
	src.blob_size = (uint32_t) blob_size;
	mr = ipc_kmsg_copyin(kmsg, space, &src);
	machd_free(blob);
	return mr;
}

void
ipc_copyout_reset(struct ipc_copyout *out)
{
	out->nfixups = 0;
	out->blob_size = 0;
	out->nfds = 0;
}

static void
out_fixup(struct ipc_copyout *out, uint32_t offset, uint32_t kind, uint64_t size, uint64_t index)
{
	if (out->nfixups == out->fixup_cap) {
		out->fixup_cap = out->fixup_cap ? out->fixup_cap * 2 : 16;
		out->fixups = machd_realloc(out->fixups, out->fixup_cap * sizeof *out->fixups);
	}
	out->fixups[out->nfixups++] = (struct hell_ool_out) {
		.offset = offset, .kind = kind, .size = size, .index = index,
	};
}

/* Room for LEN more blob bytes; returns where they go. */
static uint8_t *
out_blob(struct ipc_copyout *out, uint64_t len, uint64_t *offset)
{
	uint32_t at = (out->blob_size + 7u) & ~7u;

	MACHD_ASSERT(len <= IPC_OOL_MAX_SIZE);
	/* Allocated even for an empty region: NULL + 0 is undefined in C. */
	if (at + len > out->blob_cap || !out->blob) {
		uint64_t cap = out->blob_cap ? out->blob_cap : 4096;

		while (cap < at + len)
			cap *= 2;
		out->blob = machd_realloc(out->blob, cap);
		out->blob_cap = (uint32_t) cap;
	}
	out->blob_size = at + (uint32_t) len;
	*offset = at;
	return out->blob + at;
}

/* Copy out the header into SPACE.  With DESTROY_REPLY (a message too large
 * for its receiver) the reply right is destroyed instead, as GNU Mach's
 * ipc_kmsg_copyout_dest does. */
static void
copyout_header(struct ipc_kmsg *kmsg, struct ipc_space *space, mach_port_seqno_t seqno,
	       bool destroy_reply)
{
	mach_msg_header_t *h = kmsg->msg;
	struct ipc_port *dest = kmsg->remote;
	mach_port_name_t dest_name, reply_name = MACH_PORT_NULL;
	mach_msg_type_name_t reply_type = kmsg->local_type;
	mach_msg_type_name_t dest_type = kmsg->remote_type;
	bool payload = dest->active && dest->has_payload;
	uint64_t pp = dest->payload;

	/* The receiver names the destination by its receive right. */
	dest_name = dest->active && dest->receiver == space ? dest->receiver_name : MACH_PORT_DEAD;

	if (kmsg->local == IPC_PORT_DEAD) {
		reply_name = MACH_PORT_DEAD;
	} else if (kmsg->local && destroy_reply) {
		ipc_right_release(&kmsg->local->obj, reply_type);
	} else if (kmsg->local) {
		if (ipc_right_copyout(space, &kmsg->local->obj, reply_type, &reply_name) != KERN_SUCCESS)
			reply_name = MACH_PORT_NULL;	/* destroyed: space full */
	}
	kmsg->local = NULL;

	/* The message's right to the destination is used up (a send-once
	 * right that delivered its message sends no notification). */
	if (dest_type == MACH_MSG_TYPE_PORT_SEND)
		ipc_port_release_send(dest);
	else
		ipc_port_release_sonce(dest);
	kmsg->remote = NULL;

	h->msgh_bits = (MACH_MSGH_BITS_OTHER(h->msgh_bits) & ~MACH_MSGH_BITS_CIRCULAR) |
		MACH_MSGH_BITS(reply_type, payload ? MACH_MSG_TYPE_PROTECTED_PAYLOAD : dest_type);
	h->msgh_remote_port_do_not_use = 0;
	h->msgh_remote_port = reply_name;
	if (payload) {
		h->msgh_protected_payload = pp;
	} else {
		h->msgh_protected_payload = 0;
		h->msgh_local_port = dest_name;
	}
	h->msgh_seqno = seqno;
	h->msgh_size = kmsg->size;
}

/* Copy out the body's rights into SPACE and its regions into OUT. */
static mach_msg_return_t
copyout_body(struct ipc_kmsg *kmsg, struct ipc_space *space, struct ipc_copyout *out)
{
	uint8_t *cur, *end;
	struct body_item it;
	mach_msg_return_t mr = MACH_MSG_SUCCESS;

	if (!body_complex(kmsg))
		return MACH_MSG_SUCCESS;

	cur = body_start(kmsg);
	end = body_end(kmsg);
	while (cur < end) {
		if (body_next(&cur, end, &it) != MACH_MSG_SUCCESS)
			break;	/* cannot happen: copyin checked it */
		if (it.is_port && it.is_inline) {
			uint64_t *slots = (uint64_t *) it.data;

			for (uint32_t i = 0; i < it.number; i++) {
				mach_port_name_t name;

				if (ipc_right_copyout(space, (struct ipc_object *) (uintptr_t) slots[i],
						      it.name, &name) != KERN_SUCCESS)
					mr = MACH_RCV_BODY_ERROR | MACH_MSG_IPC_SPACE;
				slots[i] = name;
			}
		} else if (!it.is_inline) {
			uint64_t *slot = (uint64_t *) it.data;
			uint32_t offset = (uint32_t) ((uint8_t *) slot - (uint8_t *) kmsg->msg);
			struct ipc_ool *ool = &kmsg->ool[*slot - 1];
			uint64_t boff;

			if (it.is_port) {
				mach_port_name_t *names = (mach_port_name_t *) out_blob(out, it.length, &boff);

				for (uint32_t i = 0; i < it.number; i++)
					if (ipc_right_copyout(space, ool->ports[i], it.name, &names[i]) != KERN_SUCCESS)
						mr = MACH_RCV_BODY_ERROR | MACH_MSG_IPC_SPACE;
				machd_free(ool->ports);
				ool->ports = NULL;
				out_fixup(out, offset, HELL_OOL_BLOB, it.length, boff);
			} else if (ool->fd >= 0 && out->nfds < HELL_CHAN_MAX_FDS) {
				out->fds[out->nfds] = ool->fd;
				out_fixup(out, offset, HELL_OOL_FD, it.length, out->nfds++);
				ool->fd = -1;	/* closed by the sender of the reply */
				ipc_counts.ool_fds--;
				ipc_counts.kmsg_bytes -= ool->size;
			} else if (ool->fd >= 0) {
				/* Too many regions for one datagram: bytes. */
				uint8_t *dst = out_blob(out, it.length, &boff);

				linux_read_fully(ool->fd, dst, it.length);
				out_fixup(out, offset, HELL_OOL_BLOB, it.length, boff);
			} else {
				uint8_t *dst = out_blob(out, it.length, &boff);

				if (it.length)
					memcpy(dst, ool->data, it.length);
				out_fixup(out, offset, HELL_OOL_BLOB, it.length, boff);
			}
			*slot = 0;
			/* The region is the receiver's now, to deallocate
			 * (GNU Mach's ipc_kmsg_copyout_body). */
			it.type->msgt_deallocate = 1;
		}
	}
	return mr;
}

mach_msg_return_t
ipc_kmsg_copyout(struct ipc_kmsg *kmsg, struct ipc_space *space,
		 mach_port_seqno_t seqno, struct ipc_copyout *out)
{
	copyout_header(kmsg, space, seqno, false);
	return copyout_body(kmsg, space, out);
}

mach_msg_return_t
ipc_kmsg_copyout_pseudo(struct ipc_kmsg *kmsg, struct ipc_space *space, struct ipc_copyout *out)
{
	mach_msg_header_t *h = kmsg->msg;
	mach_port_name_t dest_name, reply_name = MACH_PORT_NULL;
	mach_msg_return_t mr = MACH_MSG_SUCCESS;

	/* The sender gets its message back as it would have been received
	 * by itself, but with the header not swapped: the destination right
	 * is returned, not used (GNU Mach's ipc_kmsg_copyout_pseudo). */
	if (ipc_right_copyout(space, &kmsg->remote->obj, kmsg->remote_type, &dest_name) != KERN_SUCCESS)
		mr = MACH_RCV_HEADER_ERROR | MACH_MSG_IPC_SPACE;
	if (kmsg->local == IPC_PORT_DEAD)
		reply_name = MACH_PORT_DEAD;
	else if (kmsg->local &&
		 ipc_right_copyout(space, &kmsg->local->obj, kmsg->local_type, &reply_name) != KERN_SUCCESS)
		mr = MACH_RCV_HEADER_ERROR | MACH_MSG_IPC_SPACE;
	h->msgh_bits = (MACH_MSGH_BITS_OTHER(h->msgh_bits) & ~MACH_MSGH_BITS_CIRCULAR) |
		MACH_MSGH_BITS(kmsg->remote_type, kmsg->local_type);
	h->msgh_remote_port_do_not_use = 0;
	h->msgh_remote_port = dest_name;
	h->msgh_protected_payload = 0;
	h->msgh_local_port = reply_name;
	h->msgh_size = kmsg->size;
	kmsg->remote = kmsg->local = NULL;
	mr |= copyout_body(kmsg, space, out);
	return mr;
}

void
ipc_kmsg_copyout_dest(struct ipc_kmsg *kmsg, struct ipc_space *space, mach_port_seqno_t seqno)
{
	if (body_complex(kmsg))
		body_clean(kmsg, NULL, 0);
	kmsg->msg->msgh_bits &= ~MACH_MSGH_BITS_COMPLEX;
	copyout_header(kmsg, space, seqno, true);
}

bool
ipc_kmsg_has_ool(struct ipc_kmsg *kmsg)
{
	uint8_t *cur = body_start(kmsg), *end = body_end(kmsg);
	struct body_item it;

	if (!body_complex(kmsg))
		return false;
	while (cur < end && body_next(&cur, end, &it) == MACH_MSG_SUCCESS)
		if (!it.is_inline)
			return true;
	return false;
}

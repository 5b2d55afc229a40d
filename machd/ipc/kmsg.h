/* Messages in kernel form: see kmsg.c. */
#ifndef MACHD_IPC_KMSG_H
#define MACHD_IPC_KMSG_H

#include "ipc.h"
#include <hell/channel.h>

/* Largest message machd accepts (inline part). */
#define IPC_KMSG_MAX_SIZE (64u * 1024u * 1024u)
/* Largest out-of-line region (each) and all of a message's together. */
#define IPC_OOL_MAX_SIZE (1ull << 36)

struct ipc_kmsg *ipc_kmsg_alloc(mach_msg_size_t size);
void ipc_kmsg_free(struct ipc_kmsg *kmsg);
/* Release every right and region the message holds, then free it. */
void ipc_kmsg_destroy(struct ipc_kmsg *kmsg);

/* What a sender supplied for its out-of-line regions. */
struct ipc_ool_source {
	const struct hell_ool_in *entries;
	uint32_t count;
	const uint8_t *blob;
	uint32_t blob_size;
	int *fds;		/* copyin takes the ones it uses (sets -1) */
	uint32_t nfds;
};

/* Copy in a message that a task wrote (KMSG holds its bytes): rights come
 * out of SPACE, regions from SRC.  On a header error nothing is taken; on a
 * body error the rights already copied in (header included) are destroyed
 * with the partial message, as GNU Mach's ipc_kmsg_clean_partial does. */
mach_msg_return_t ipc_kmsg_copyin(struct ipc_kmsg *kmsg, struct ipc_space *space,
				  const struct ipc_ool_source *src);
/* Copy in a message that machd built in SPACE's names (kernel replies). */
mach_msg_return_t ipc_kmsg_copyin_kernel(struct ipc_kmsg *kmsg, struct ipc_space *space);

/* Where copyout puts out-of-line regions for the receiver. */
struct ipc_copyout {
	struct hell_ool_out *fixups;
	uint32_t nfixups, fixup_cap;
	uint8_t *blob;
	uint32_t blob_size, blob_cap;
	int fds[HELL_CHAN_MAX_FDS];
	uint32_t nfds;
};
void ipc_copyout_reset(struct ipc_copyout *out);

/* Copy out into SPACE: header names, body rights, regions into OUT.  The
 * message keeps its bytes (names written in place) and its memfds (in OUT,
 * to be closed after sending); its rights now live in SPACE.  Returns
 * MACH_MSG_SUCCESS or MACH_RCV_BODY_ERROR|MACH_MSG_IPC_SPACE (rights that did
 * not fit are destroyed, their names NULL). */
mach_msg_return_t ipc_kmsg_copyout(struct ipc_kmsg *kmsg, struct ipc_space *space,
				   mach_port_seqno_t seqno, struct ipc_copyout *out);
/* Give a message that could not be sent back to its sender (SPACE), as
 * GNU Mach does on MACH_SEND_TIMED_OUT and MACH_SEND_INTERRUPTED: every
 * right and region it carries returns, under the header's order. */
mach_msg_return_t ipc_kmsg_copyout_pseudo(struct ipc_kmsg *kmsg, struct ipc_space *space,
					  struct ipc_copyout *out);
/* Does the (user-form) body of KMSG carry out-of-line regions?  (A quick
 * walk; a malformed body answers false and copyin finds the fault.) */
bool ipc_kmsg_has_ool(struct ipc_kmsg *kmsg);
/* Copy out only the header (destination and reply) and destroy the body:
 * what a receiver gets for a message too large for its buffer. */
void ipc_kmsg_copyout_dest(struct ipc_kmsg *kmsg, struct ipc_space *space,
			   mach_port_seqno_t seqno);

#endif

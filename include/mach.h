/* <mach.h>: the Mach interface a program uses, as glibc's Hurd port
 * offers it: types, traps, mach_msg, the MIG user stubs of mach.defs,
 * mach_port.defs and mach_host.defs, and the message-server loops. */
#ifndef _MACH_H
#define _MACH_H 1

#include <mach/mach_types.h>
#include <mach/message.h>
#include <mach/mach_traps.h>
#include <mach/mach_interface.h>
#include <mach/mach_port.h>
#include <mach/mach_host.h>
#include <mach/mig_support.h>
#include <mach_init.h>
#include <mach/mig_errors.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Receive messages on RCV_NAME and hand each to DEMUX, which fills in the
 * reply; send the reply and receive the next message in one mach_msg.
 * MAX_SIZE bounds the request and the reply.  Returns only on an error
 * (mach_msg_server) or when no message came within TIMEOUT milliseconds
 * (mach_msg_server_timeout: MACH_RCV_TIMED_OUT).  OPTIONS are added to
 * the receive options (for example MACH_RCV_TIMEOUT). */
typedef boolean_t (*mach_msg_demux_t)(mach_msg_header_t *in, mach_msg_header_t *out);

extern mach_msg_return_t mach_msg_server(mach_msg_demux_t demux,
					 mach_msg_size_t max_size,
					 mach_port_t rcv_name);
extern mach_msg_return_t mach_msg_server_timeout(mach_msg_demux_t demux,
						 mach_msg_size_t max_size,
						 mach_port_t rcv_name,
						 mach_msg_option_t options,
						 mach_msg_timeout_t timeout);

/* Drop every right and out-of-line region a received message carries. */
extern void mach_msg_destroy(mach_msg_header_t *msg);

/* Send or receive one message with no timeout. */
extern mach_msg_return_t mach_msg_send(mach_msg_header_t *msg);
extern mach_msg_return_t mach_msg_receive(mach_msg_header_t *msg);

#ifdef __cplusplus
}
#endif

#endif /* mach.h */

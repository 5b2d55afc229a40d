/* mach_msg_server: the receive-demux-reply loop of Mach servers, with
 * glibc's behaviour: the reply is sent and the next request received in one
 * mach_msg; a request the server rejected has its resources destroyed; a
 * reply that cannot be sent at once (the client's queue full, or the
 * client gone) is dropped rather than blocking the server. */
#include "libmach.h"

#include <stdlib.h>
#include <string.h>

mach_msg_return_t
mach_msg_server_timeout(mach_msg_demux_t demux, mach_msg_size_t max_size,
			mach_port_t rcv_name, mach_msg_option_t options,
			mach_msg_timeout_t timeout)
{
	mig_reply_header_t *request, *reply;
	mach_msg_return_t mr;

	if (max_size == 0)
		max_size = 8192;
	request = malloc(max_size);
	reply = malloc(max_size);
	if (!request || !reply) {
		free(request);
		free(reply);
		return MACH_RCV_TOO_LARGE;
	}

	mr = mach_msg(&request->Head, MACH_RCV_MSG | options, 0, max_size, rcv_name,
		      timeout, MACH_PORT_NULL);
	while (mr == MACH_MSG_SUCCESS) {
		mig_reply_header_t *tmp;

		memset(reply, 0, sizeof *reply);
		(*demux)(&request->Head, &reply->Head);

		if (reply->RetCode != KERN_SUCCESS && reply->RetCode != MIG_NO_REPLY &&
		    (request->Head.msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
			/* The server did not take what the request carried. */
			request->Head.msgh_remote_port = MACH_PORT_NULL;
			mach_msg_destroy(&request->Head);
		}
		if (reply->RetCode == MIG_NO_REPLY || !MACH_PORT_VALID(reply->Head.msgh_remote_port)) {
			mr = mach_msg(&request->Head, MACH_RCV_MSG | options, 0, max_size,
				      rcv_name, timeout, MACH_PORT_NULL);
			continue;
		}
		mr = mach_msg(&reply->Head,
			      MACH_SEND_MSG | MACH_SEND_TIMEOUT | MACH_RCV_MSG | options,
			      reply->Head.msgh_size, max_size, rcv_name, timeout, MACH_PORT_NULL);
		/* The request buffer of the next round is the old reply's. */
		tmp = request;
		request = reply;
		reply = tmp;
		if (mr == MACH_SEND_INVALID_DEST || mr == MACH_SEND_TIMED_OUT) {
			/* The client is gone or will not take it: drop the
			 * reply and carry on. */
			mach_msg_destroy(&request->Head);
			mr = mach_msg(&request->Head, MACH_RCV_MSG | options, 0, max_size,
				      rcv_name, timeout, MACH_PORT_NULL);
		}
	}
	free(request);
	free(reply);
	return mr;
}

mach_msg_return_t
mach_msg_server(mach_msg_demux_t demux, mach_msg_size_t max_size, mach_port_t rcv_name)
{
	return mach_msg_server_timeout(demux, max_size, rcv_name, 0, MACH_MSG_TIMEOUT_NONE);
}

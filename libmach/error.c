/* Names and messages for kern_return_t and mach_msg_return_t codes. */
#include <mach/mach_error.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <stdio.h>

struct code { mach_error_t code; const char *text; };

static const struct code codes[] = {
	{ KERN_SUCCESS, "(os/kern) successful" },
	{ KERN_INVALID_ADDRESS, "(os/kern) invalid address" },
	{ KERN_PROTECTION_FAILURE, "(os/kern) protection failure" },
	{ KERN_NO_SPACE, "(os/kern) no space available" },
	{ KERN_INVALID_ARGUMENT, "(os/kern) invalid argument" },
	{ KERN_FAILURE, "(os/kern) failure" },
	{ KERN_RESOURCE_SHORTAGE, "(os/kern) resource shortage" },
	{ KERN_NOT_RECEIVER, "(os/kern) not receiver" },
	{ KERN_NO_ACCESS, "(os/kern) no access" },
	{ KERN_MEMORY_FAILURE, "(os/kern) memory failure" },
	{ KERN_MEMORY_ERROR, "(os/kern) memory error" },
	{ KERN_NOT_IN_SET, "(os/kern) not in set" },
	{ KERN_NAME_EXISTS, "(os/kern) name exists" },
	{ KERN_ABORTED, "(os/kern) aborted" },
	{ KERN_INVALID_NAME, "(os/kern) invalid name" },
	{ KERN_INVALID_TASK, "(os/kern) invalid task" },
	{ KERN_INVALID_RIGHT, "(os/kern) invalid right" },
	{ KERN_INVALID_VALUE, "(os/kern) invalid value" },
	{ KERN_UREFS_OVERFLOW, "(os/kern) urefs overflow" },
	{ KERN_INVALID_CAPABILITY, "(os/kern) invalid capability" },
	{ KERN_RIGHT_EXISTS, "(os/kern) right exists" },
	{ KERN_INVALID_HOST, "(os/kern) invalid host" },
	{ KERN_MEMORY_PRESENT, "(os/kern) memory present" },
	{ KERN_TERMINATED, "(os/kern) terminated" },
	{ MACH_SEND_IN_PROGRESS, "(ipc/send) in progress" },
	{ MACH_SEND_INVALID_DATA, "(ipc/send) invalid data" },
	{ MACH_SEND_INVALID_DEST, "(ipc/send) invalid destination port" },
	{ MACH_SEND_TIMED_OUT, "(ipc/send) timed out" },
	{ MACH_SEND_WILL_NOTIFY, "(ipc/send) will notify" },
	{ MACH_SEND_NOTIFY_IN_PROGRESS, "(ipc/send) notify in progress" },
	{ MACH_SEND_INTERRUPTED, "(ipc/send) interrupted" },
	{ MACH_SEND_MSG_TOO_SMALL, "(ipc/send) message too small" },
	{ MACH_SEND_INVALID_REPLY, "(ipc/send) invalid reply port" },
	{ MACH_SEND_INVALID_RIGHT, "(ipc/send) invalid port right" },
	{ MACH_SEND_INVALID_NOTIFY, "(ipc/send) invalid notify port" },
	{ MACH_SEND_INVALID_MEMORY, "(ipc/send) invalid memory" },
	{ MACH_SEND_NO_BUFFER, "(ipc/send) no message buffer" },
	{ MACH_SEND_NO_NOTIFY, "(ipc/send) no notify possible" },
	{ MACH_SEND_INVALID_TYPE, "(ipc/send) invalid data type" },
	{ MACH_SEND_INVALID_HEADER, "(ipc/send) invalid header" },
	{ MACH_RCV_IN_PROGRESS, "(ipc/rcv) in progress" },
	{ MACH_RCV_INVALID_NAME, "(ipc/rcv) invalid name" },
	{ MACH_RCV_TIMED_OUT, "(ipc/rcv) timed out" },
	{ MACH_RCV_TOO_LARGE, "(ipc/rcv) message too large" },
	{ MACH_RCV_INTERRUPTED, "(ipc/rcv) interrupted" },
	{ MACH_RCV_PORT_CHANGED, "(ipc/rcv) port changed" },
	{ MACH_RCV_INVALID_NOTIFY, "(ipc/rcv) invalid notify port" },
	{ MACH_RCV_INVALID_DATA, "(ipc/rcv) invalid message buffer" },
	{ MACH_RCV_PORT_DIED, "(ipc/rcv) port died" },
	{ MACH_RCV_IN_SET, "(ipc/rcv) port is in a set" },
	{ MACH_RCV_HEADER_ERROR, "(ipc/rcv) header error" },
	{ MACH_RCV_BODY_ERROR, "(ipc/rcv) body error" },
	{ MIG_TYPE_ERROR, "(ipc/mig) type check failure" },
	{ MIG_REPLY_MISMATCH, "(ipc/mig) wrong reply message ID" },
	{ MIG_REMOTE_ERROR, "(ipc/mig) server detected error" },
	{ MIG_BAD_ID, "(ipc/mig) bad request message ID" },
	{ MIG_BAD_ARGUMENTS, "(ipc/mig) server found wrong arguments" },
	{ MIG_NO_REPLY, "(ipc/mig) no reply should be sent" },
	{ MIG_EXCEPTION, "(ipc/mig) server raised exception" },
	{ MIG_ARRAY_TOO_LARGE, "(ipc/mig) user specified array not large enough" },
	{ MIG_SERVER_DIED, "(ipc/mig) server died" },
	{ MIG_DESTROY_REQUEST, "(ipc/mig) destroy request" },
};

const char *
mach_error_string(mach_error_t code)
{
	static __thread char buf[48];

	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i].code == code)
			return codes[i].text;
	/* The special bits of receive and send errors. */
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if ((code & ~MACH_MSG_MASK) == codes[i].code && (code & 0x10000000)) {
			snprintf(buf, sizeof buf, "%s (bits %#x)", codes[i].text,
				 (unsigned) (code & MACH_MSG_MASK));
			return buf;
		}
	snprintf(buf, sizeof buf, "unknown error code %#x", (unsigned) code);
	return buf;
}

const char *
mach_error_type(mach_error_t code)
{
	if (code >= MIG_DESTROY_REQUEST && code <= MIG_TYPE_ERROR)
		return "(ipc/mig)";
	if ((code & 0x1fffc000) == 0x10004000)
		return "(ipc/rcv)";
	if ((code & 0x1fffc000) == 0x10000000)
		return "(ipc/send)";
	return "(os/kern)";
}

void
mach_error(const char *str, mach_error_t code)
{
	fprintf(stderr, "%s %s\n", str, mach_error_string(code));
}

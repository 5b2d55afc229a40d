/* Kernel objects and the kernel's message server.
 *
 * The task, thread and host ports are real ports whose receive rights sit
 * in the kernel space (ipc_space_kernel).  A message sent to one is handled
 * as soon as it is dispatched: it is copied out into the kernel space like
 * into any receiver's (so the rights it carries get names there), the MIG
 * server stubs generated from GNU Mach's .defs decode it and call the S_
 * routine, and the reply they build is copied in from the kernel space and
 * sent to the reply port.  Rights that a request brought into the kernel
 * space and the routine did not take, or that a routine put there for its
 * reply, are dropped after the RPC (kobject_touch keeps the list), exactly as
 * GNU Mach destroys what a kernel RPC does not consume.
 */
#include "kobject.h"
#include "task.h"
#include "thread.h"
#include "../ipc/kmsg.h"
#include "../ipc/mqueue.h"
#include "../ipc/port.h"
#include "../ipc/right.h"
#include "../ipc/space.h"
#include "../linux/sys.h"
#include "../util/alloc.h"
#include "../util/assert.h"

#include <mach/notify.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The demultiplexers of the generated server stubs. */
extern boolean_t mach_server(mach_msg_header_t *in, mach_msg_header_t *out);
extern boolean_t mach_port_server(mach_msg_header_t *in, mach_msg_header_t *out);
extern boolean_t mach_host_server(mach_msg_header_t *in, mach_msg_header_t *out);
extern boolean_t gnumach_server(mach_msg_header_t *in, mach_msg_header_t *out);
extern boolean_t hell_server(mach_msg_header_t *in, mach_msg_header_t *out);

static boolean_t (*const demuxers[])(mach_msg_header_t *, mach_msg_header_t *) = {
	mach_port_server, mach_server, mach_host_server, gnumach_server, hell_server,
};

/* Per-RPC bookkeeping (RPCs never nest: they run from dispatch). */
static mach_port_name_t *touched;
static size_t touched_count, touched_cap;
static void **reply_allocs;
static size_t reply_alloc_count, reply_alloc_cap;
static bool in_rpc;

struct ipc_port *
kobject_port_alloc(enum ipc_kotype kotype, void *object)
{
	struct ipc_port *port = ipc_port_alloc();
	struct ipc_entry *entry = ipc_entry_alloc(ipc_space_kernel);

	port->kotype = kotype;
	port->kobject = object;
	entry->type = MACH_PORT_TYPE_RECEIVE;
	entry->object = &port->obj;
	ipc_port_reference(port);
	ipc_entry_reverse_set(ipc_space_kernel, entry);
	port->receiver = ipc_space_kernel;
	port->receiver_name = entry->name;
	return port;
}

void
kobject_port_destroy(struct ipc_port *port)
{
	kern_return_t kr;

	if (!port)
		return;
	MACHD_ASSERT(port->active && port->receiver == ipc_space_kernel);
	port->kotype = IKOT_NONE;
	port->kobject = NULL;
	kr = ipc_right_destroy(ipc_space_kernel, port->receiver_name);
	MACHD_ASSERT(kr == KERN_SUCCESS);
}

void
kobject_touch(mach_port_name_t name)
{
	if (!in_rpc)
		return;
	if (touched_count == touched_cap) {
		touched_cap = touched_cap ? touched_cap * 2 : 16;
		touched = machd_realloc(touched, touched_cap * sizeof *touched);
	}
	touched[touched_count++] = name;
}

void *
kobject_reply_alloc(size_t size)
{
	void *p = machd_zalloc(size);

	if (reply_alloc_count == reply_alloc_cap) {
		reply_alloc_cap = reply_alloc_cap ? reply_alloc_cap * 2 : 8;
		reply_allocs = machd_realloc(reply_allocs, reply_alloc_cap * sizeof *reply_allocs);
	}
	reply_allocs[reply_alloc_count++] = p;
	return p;
}

static struct ipc_port *
kernel_name_port(mach_port_t name, enum ipc_kotype kotype)
{
	struct ipc_entry *entry = ipc_entry_lookup(ipc_space_kernel, name);
	struct ipc_port *port;

	if (!entry || !(entry->type & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE)) ||
	    !entry->object || entry->object->otype != IOT_PORT)
		return NULL;
	port = (struct ipc_port *) entry->object;
	if (!port->active || port->kotype != kotype)
		return NULL;
	return port;
}

struct task *
kobject_task(mach_port_t name)
{
	struct ipc_port *port = kernel_name_port(name, IKOT_TASK);

	return port ? port->kobject : NULL;
}

struct ipc_space *
kobject_space(mach_port_t name)
{
	struct task *task = kobject_task(name);

	return task && !task->dead ? task->space : NULL;
}

struct thread *
kobject_thread(mach_port_t name)
{
	struct ipc_port *port = kernel_name_port(name, IKOT_THREAD);

	return port ? port->kobject : NULL;
}

bool
kobject_is_host(mach_port_t name)
{
	return kernel_name_port(name, IKOT_HOST) || kernel_name_port(name, IKOT_HOST_PRIV);
}

bool
kobject_is_host_priv(mach_port_t name)
{
	return kernel_name_port(name, IKOT_HOST_PRIV) != NULL;
}

kern_return_t
kobject_take_right(mach_port_t name, mach_msg_type_name_t type, struct ipc_object **object)
{
	mach_msg_type_name_t disposition;

	switch (type) {
	case MACH_MSG_TYPE_PORT_SEND: disposition = MACH_MSG_TYPE_MOVE_SEND; break;
	case MACH_MSG_TYPE_PORT_SEND_ONCE: disposition = MACH_MSG_TYPE_MOVE_SEND_ONCE; break;
	case MACH_MSG_TYPE_PORT_RECEIVE: disposition = MACH_MSG_TYPE_MOVE_RECEIVE; break;
	default: return KERN_INVALID_VALUE;
	}
	if (name == MACH_PORT_DEAD) {
		*object = IPC_OBJECT_DEAD;
		return KERN_SUCCESS;
	}
	if (name == MACH_PORT_NULL) {
		*object = NULL;
		return KERN_SUCCESS;
	}
	return ipc_right_copyin(ipc_space_kernel, name, disposition, true, object);
}

mach_port_t
kobject_give_right(struct ipc_object *object, mach_msg_type_name_t type)
{
	mach_port_name_t name;

	if (ipc_right_copyout(ipc_space_kernel, object, type, &name) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return name;
}

/* MIG server stubs give back a request's out-of-line arrays with this once
 * a routine succeeds.  In machd they live in kobject_reply_alloc memory,
 * freed after every RPC, so there is nothing to do here. */
void
mig_deallocate(vm_offset_t addr, vm_size_t size)
{
}

static struct hashmap reported;	/* routines reported unserved */
static struct ipc_copyout server_out;	/* copyout scratch of kobject_server */

void
kobject_shutdown(void)
{
	machd_free(touched);
	machd_free(reply_allocs);
	touched = NULL;
	reply_allocs = NULL;
	touched_cap = reply_alloc_cap = 0;
	hashmap_destroy(&reported);
	machd_free(server_out.fixups);
	machd_free(server_out.blob);
	memset(&server_out, 0, sizeof server_out);
}

kern_return_t
kobject_unserved(const char *routine)
{

	if (!hashmap_get(&reported, (uintptr_t) routine)) {
		hashmap_put(&reported, (uintptr_t) routine, (void *) routine);
		fprintf(stderr, "machd: %s is not served by HELL yet; answering MIG_BAD_ID\n",
			routine);
	}
	return MIG_BAD_ID;
}

/* Turn the out-of-line regions of a request copied out into the kernel
 * space into machd memory, as the stubs expect pointers. */
static void
apply_fixups(struct ipc_kmsg *kmsg, struct ipc_copyout *out)
{
	for (uint32_t i = 0; i < out->nfixups; i++) {
		struct hell_ool_out *f = &out->fixups[i];
		void *p = f->size ? kobject_reply_alloc(f->size) : NULL;

		if (f->kind == HELL_OOL_BLOB) {
			if (f->size)
				memcpy(p, out->blob + f->index, f->size);
		} else {
			linux_read_fully(out->fds[f->index], p, f->size);
		}
		memcpy((uint8_t *) kmsg->msg + f->offset, &p, sizeof p);
	}
	for (uint32_t i = 0; i < out->nfds; i++)
		close(out->fds[i]);
	out->nfds = 0;
}

static void
rpc_cleanup(void)
{
	for (size_t i = 0; i < touched_count; i++) {
		struct ipc_entry *entry = ipc_entry_lookup(ipc_space_kernel, touched[i]);

		if (!entry)
			continue;
		if (entry->type & MACH_PORT_TYPE_RECEIVE) {
			struct ipc_port *port = (struct ipc_port *) entry->object;

			if (port->kotype != IKOT_NONE) {
				/* A kernel object's own entry keeps only its
				 * receive right. */
				if (entry->type & MACH_PORT_TYPE_SEND) {
					entry->urefs = 1;
					ipc_right_dealloc(ipc_space_kernel, touched[i]);
				}
				continue;
			}
		}
		ipc_right_destroy(ipc_space_kernel, touched[i]);
	}
	touched_count = 0;
	for (size_t i = 0; i < reply_alloc_count; i++)
		machd_free(reply_allocs[i]);
	reply_alloc_count = 0;
}

/* A no-senders notification that machd asked for on one of its own ports
 * (as GNU Mach's ipc_kobject_notify): true if it was one.  Whoever may
 * send to the port can forge one, so the handler checks the state itself
 * and never trusts the message. */
static bool
notify_kernel_object(mach_msg_header_t *msg)
{
	struct task *task = kobject_task(msg->msgh_local_port);

	if (!task)
		return false;
	task_no_senders(task);
	return true;
}

void
kobject_server(struct ipc_kmsg *req)
{
	struct ipc_copyout *out = &server_out;
	static union {
		mig_reply_header_t head;
		uint64_t buf[16384 / sizeof(uint64_t)];
	} reply;
	mach_msg_header_t *rh = &reply.head.Head;
	mach_msg_size_t reply_size;
	struct ipc_kmsg *rk;

	MACHD_ASSERT(!in_rpc);
	in_rpc = true;
	ipc_copyout_reset(out);
	if (ipc_kmsg_copyout(req, ipc_space_kernel, 0, out) != MACH_MSG_SUCCESS) {
		/* Kernel space full: cannot happen with its own limit. */
		ipc_kmsg_free(req);
		rpc_cleanup();
		in_rpc = false;
		return;
	}
	apply_fixups(req, out);

	if (req->msg->msgh_id == MACH_NOTIFY_NO_SENDERS && notify_kernel_object(req->msg)) {
		ipc_kmsg_free(req);
		rpc_cleanup();
		in_rpc = false;
		return;
	}

	memset(rh, 0, sizeof(mig_reply_header_t));
	if (req->msg->msgh_id > INT32_MAX - 100) {
		/* The stubs compute the reply's id as request + 100, which
		 * would overflow (undefined in C): no routine has such an id. */
		rh->msgh_bits = MACH_MSGH_BITS(MACH_MSGH_BITS_REMOTE(req->msg->msgh_bits), 0);
		rh->msgh_size = sizeof(mig_reply_header_t);
		rh->msgh_remote_port = req->msg->msgh_local_port;
		rh->msgh_id = (mach_msg_id_t) ((uint32_t) req->msg->msgh_id + 100u);
		reply.head.RetCode = MIG_BAD_ID;
	} else {
		for (size_t i = 0; i < sizeof demuxers / sizeof demuxers[0]; i++)
			if (demuxers[i](req->msg, rh))
				break;
		/* A message no stub knows leaves MIG_BAD_ID in the reply,
		 * set by the last demuxer tried. */
	}

	ipc_kmsg_free(req);

	if (reply.head.RetCode != MIG_NO_REPLY && MACH_PORT_VALID(rh->msgh_remote_port)) {
		reply_size = rh->msgh_size;
		MACHD_ASSERT(reply_size >= sizeof(mig_reply_header_t) && reply_size <= sizeof reply.buf);
		rk = ipc_kmsg_alloc(reply_size);
		memcpy(rk->msg, rh, reply_size);
		if (ipc_kmsg_copyin_kernel(rk, ipc_space_kernel) == MACH_MSG_SUCCESS)
			ipc_mqueue_send_always(rk);
		else
			ipc_kmsg_free(rk);
	}
	rpc_cleanup();
	in_rpc = false;
}

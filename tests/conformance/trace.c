/* Conformance: hell_task_trace and the records machd sends (<hell/trace.h>).
 *
 * A task made with task_create is traced before its process starts, so
 * every message it ever sends or receives is recorded: this program again
 * (--traced) makes two kernel RPCs and one RPC to us, and forks a child
 * that sends us a message (recorded only with HELL_TRACE_CHILDREN).  Then
 * we trace ourselves: records are not recorded, so nothing loops; and past
 * HELL_TRACE_QUEUE_MAX queued records machd drops them and says how many. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hell/hell.h>
#include <hell/trace.h>
#include "conformance.h"

#define ID_CALL 777	/* --traced -> us, with a reply port */
#define ID_ANSWER 877	/* our answer */
#define ID_CHILD 779	/* its fork child -> us */
#define MACH_PORT_ALLOCATE 3204	/* mach_port.defs ids (3200 + place) */
#define MACH_PORT_DESTROY 3205
#define HELL_TASK_TRACE 6003	/* hell.defs: 6000 + place */

/* The traced program. */
static int
traced(void)
{
	mach_port_t boot = MACH_PORT_NULL, r = MACH_PORT_NULL;
	int_msg_t m;
	msgbuf_t buf;
	pid_t pid;
	int status = -1;

	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_RECEIVE, &r), KERN_SUCCESS);
	CHECK_KR(task_get_bootstrap_port(TASK, &boot), KERN_SUCCESS);
	make_int_msg(&m, boot, MACH_MSG_TYPE_COPY_SEND, 4242, ID_CALL);
	m.head.msgh_bits |= MACH_MSGH_BITS(0, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.head.msgh_local_port = r;
	CHECK_KR(msg_send(&m, 0, 0), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(r, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, ID_ANSWER);
	CHECK_KR(mach_port_destroy(TASK, r), KERN_SUCCESS);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(send_int(boot, MACH_MSG_TYPE_COPY_SEND, getpid(), ID_CHILD) != MACH_MSG_SUCCESS);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return testlib_failures ? 1 : 0;
}

#define MAX_RECORDS 5000
static struct hell_trace_record recs[MAX_RECORDS];

/* Every record queued on PORT now, in order. */
static int
drain_records(mach_port_t port)
{
	int n = 0;
	union {
		struct hell_trace_msg m;
		msgbuf_t buf;
	} u;

	while (n < MAX_RECORDS && msg_recv(port, &u, sizeof u, 0) == MACH_MSG_SUCCESS) {
		CHECK_EQ(u.m.head.msgh_id, HELL_TRACE_MSGH_ID);
		CHECK_EQ(u.m.head.msgh_size, sizeof u.m);
		CHECK_EQ(u.m.type.msgt_name, MACH_MSG_TYPE_CHAR);
		CHECK_EQ(u.m.type.msgt_number, sizeof u.m.rec);
		CHECK_EQ(u.m.rec.version, HELL_TRACE_VERSION);
		recs[n++] = u.m.rec;
	}
	return n;
}

/* The first record at or after *AT with DIRECTION and ID, or NULL. */
static const struct hell_trace_record *
find(int n, int *at, uint32_t direction, mach_msg_id_t id)
{
	for (; *at < n; (*at)++)
		if (recs[*at].direction == direction && recs[*at].msgh_id == id)
			return &recs[(*at)++];
	return NULL;
}

/* Run --traced in a task traced with FLAGS; check its records. */
static void
test_traced_task(uint32_t flags)
{
	mach_port_t trace = testlib_port(), boot = testlib_port_with_send(), child = MACH_PORT_NULL;
	char *argv[] = { "trace-child", "--traced", NULL };
	const struct hell_trace_record *r, *req;
	int_msg_t answer;
	msgbuf_t buf;
	pid_t pid = 0, grandchild;
	int status = -1, n, at = 0, from_grandchild = 0;

	CHECK_KR(task_create(TASK, FALSE, &child), KERN_SUCCESS);
	CHECK_KR(task_set_bootstrap_port(child, boot), KERN_SUCCESS);
	CHECK_KR(hell_task_trace(child, trace, (int) flags), KERN_SUCCESS);
	/* The call made a send right for machd; ours is still the receive. */
	CHECK_EQ(testlib_type(trace), MACH_PORT_TYPE_RECEIVE);
	fflush(stdout);
	CHECK_KR(hell_task_exec(child, "/proc/self/exe", -1, argv, NULL, NULL, &pid), KERN_SUCCESS);

	CHECK_KR(msg_recv(boot, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, ID_CALL);
	CHECK_EQ(MACH_MSGH_BITS_REMOTE(buf.head.msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
	make_int_msg(&answer, buf.head.msgh_remote_port, MACH_MSG_TYPE_MOVE_SEND_ONCE, 7, ID_ANSWER);
	CHECK_KR(msg_send(&answer, 0, 0), MACH_MSG_SUCCESS);
	CHECK_KR(msg_recv(boot, &buf, sizeof buf, WAIT_MS), MACH_MSG_SUCCESS);
	CHECK_EQ(buf.head.msgh_id, ID_CHILD);
	grandchild = ((int_msg_t *) &buf)->value;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	n = drain_records(trace);
	CHECK(n >= 6);
	/* mach_port_allocate: to the task's own port, answered by machd. */
	req = find(n, &at, HELL_TRACE_SEND, MACH_PORT_ALLOCATE);
	CHECK(req != NULL);
	if (req) {
		CHECK_EQ(req->task_pid, pid);
		CHECK_EQ(req->dest.kind, HELL_TRACE_PORT_TASK);
		CHECK_EQ(req->dest.pid, pid);
		CHECK(req->dest.name != 0 && req->dest.id != 0);
		CHECK_EQ(req->peer_pid, 0);
		CHECK_EQ(req->reply.kind, HELL_TRACE_PORT_USER);
		CHECK_EQ(req->reply.pid, pid);
		CHECK_EQ(MACH_MSGH_BITS_LOCAL(req->msgh_bits), MACH_MSG_TYPE_PORT_SEND_ONCE);
		CHECK(req->size >= sizeof(mach_msg_header_t));
		r = find(n, &at, HELL_TRACE_RECEIVE, MACH_PORT_ALLOCATE + 100);
		CHECK(r != NULL);
		if (r) {
			CHECK_EQ(r->dest.id, req->reply.id);
			CHECK_EQ(r->dest.name, req->reply.name);
			CHECK_EQ(r->peer_pid, 0);
			CHECK(r->flags & HELL_TRACE_HAS_RETCODE);
			CHECK_EQ(r->retcode, KERN_SUCCESS);
			CHECK(r->time_ns >= req->time_ns);
		}
	}
	/* Its call to us and our answer. */
	req = find(n, &at, HELL_TRACE_SEND, ID_CALL);
	CHECK(req != NULL);
	if (req) {
		CHECK_EQ(req->dest.kind, HELL_TRACE_PORT_USER);
		CHECK_EQ(req->dest.pid, getpid());
		CHECK_EQ(req->peer_pid, getpid());
		CHECK_EQ(req->reply.pid, pid);
		CHECK(req->flags & HELL_TRACE_HAS_RETCODE);	/* an int first: 4242 */
		CHECK_EQ(req->retcode, 4242);
		r = find(n, &at, HELL_TRACE_RECEIVE, ID_ANSWER);
		CHECK(r != NULL);
		if (r) {
			CHECK_EQ(r->dest.id, req->reply.id);
			CHECK_EQ(r->peer_pid, getpid());
			CHECK_EQ(r->retcode, 7);
			CHECK_EQ(r->reply.kind, HELL_TRACE_PORT_NONE);
		}
	}
	req = find(n, &at, HELL_TRACE_SEND, MACH_PORT_DESTROY);
	CHECK(req != NULL);
	CHECK(find(n, &at, HELL_TRACE_RECEIVE, MACH_PORT_DESTROY + 100) != NULL);
	/* The fork child's message, traced only with HELL_TRACE_CHILDREN. */
	for (int i = 0; i < n; i++) {
		CHECK(recs[i].task_pid == pid || recs[i].task_pid == grandchild);
		CHECK_EQ(recs[i].dropped, 0);
		if (recs[i].task_pid == grandchild && recs[i].msgh_id == ID_CHILD &&
		    recs[i].direction == HELL_TRACE_SEND) {
			from_grandchild++;
			CHECK(recs[i].task_id != recs[0].task_id);
		}
	}
	CHECK_EQ(from_grandchild, (flags & HELL_TRACE_CHILDREN) ? 1 : 0);

	CHECK_KR(mach_port_deallocate(TASK, child), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, boot), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, trace), KERN_SUCCESS);
}

static void
test_errors(void)
{
	mach_port_t host = mach_host_self(), trace = testlib_port();

	CHECK_KR(hell_task_trace(host, trace, 0), KERN_INVALID_ARGUMENT);
	CHECK_KR(hell_task_trace(TASK, trace, 0x100), KERN_INVALID_ARGUMENT);
	CHECK_KR(hell_task_trace(MACH_PORT_NULL, trace, 0), MACH_SEND_INVALID_DEST);
	/* Nothing was kept. */
	CHECK_EQ(port_status(trace).mps_srights, 0);
	CHECK_KR(mach_port_deallocate(TASK, host), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, trace), KERN_SUCCESS);
}

/* Tracing ourselves: the records we receive are not recorded. */
static void
test_self(void)
{
	mach_port_t trace = testlib_port(), p = MACH_PORT_NULL;
	int n, at = 0;

	CHECK_KR(hell_task_trace(TASK, trace, 0), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_RECEIVE, &p), KERN_SUCCESS);
	CHECK_EQ(drain_records(trace), 3);	/* the call's reply, allocate, its reply */
	CHECK_EQ(drain_records(trace), 0);	/* receiving them made none */
	CHECK_KR(hell_task_trace(TASK, MACH_PORT_NULL, 0), KERN_SUCCESS);
	n = drain_records(trace);
	CHECK_EQ(n, 1);			/* the stop's request */
	CHECK(find(n, &at, HELL_TRACE_SEND, HELL_TASK_TRACE) != NULL);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_EQ(drain_records(trace), 0);
	/* No send right is left to the trace port. */
	CHECK_EQ(port_status(trace).mps_srights, 0);
	CHECK_KR(mach_port_destroy(TASK, trace), KERN_SUCCESS);
}

/* More records than HELL_TRACE_QUEUE_MAX before the tracer reads. */
static void
test_dropped(void)
{
	mach_port_t trace = testlib_port(), p = testlib_port_with_send();
	const int messages = 2100;	/* a send and a receive each */
	msgbuf_t buf;
	int n;

	CHECK_KR(hell_task_trace(TASK, trace, 0), KERN_SUCCESS);
	for (int i = 0; i < messages; i++) {
		CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, i, 1), MACH_MSG_SUCCESS);
		CHECK_KR(msg_recv(p, &buf, sizeof buf, 0), MACH_MSG_SUCCESS);
	}
	n = drain_records(trace);
	CHECK_EQ(n, HELL_TRACE_QUEUE_MAX);
	/* The next record says how many went: all made (the trace call's
	 * reply and two per message) but the ones queued. */
	CHECK_KR(send_int(p, MACH_MSG_TYPE_COPY_SEND, 0, 2), MACH_MSG_SUCCESS);
	CHECK_EQ(drain_records(trace), 1);
	CHECK_EQ(recs[0].msgh_id, 2);
	CHECK_EQ(recs[0].dropped, 1 + 2 * messages - HELL_TRACE_QUEUE_MAX);
	CHECK_KR(hell_task_trace(TASK, MACH_PORT_NULL, 0), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, trace), KERN_SUCCESS);
}

/* A tracer that dies ends the tracing: the traced task goes on. */
static void
test_tracer_dies(void)
{
	mach_port_t trace = testlib_port(), p = MACH_PORT_NULL;
	struct hell_machd_stats s0, s1;

	CHECK_KR(hell_task_trace(TASK, trace, 0), KERN_SUCCESS);
	CHECK_EQ(drain_records(trace), 1);
	CHECK_KR(hell_machd_stats(&s0), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, trace), KERN_SUCCESS);
	CHECK_KR(mach_port_allocate(TASK, MACH_PORT_RIGHT_RECEIVE, &p), KERN_SUCCESS);
	CHECK_KR(mach_port_destroy(TASK, p), KERN_SUCCESS);
	CHECK_KR(hell_machd_stats(&s1), KERN_SUCCESS);
	/* No record is held anywhere, and the dead port is let go (the
	 * port the stats counted first is gone, p came and went). */
	CHECK_EQ(s1.messages, s0.messages);
	CHECK_EQ(s1.ports, s0.ports - 1);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--traced") == 0)
		return traced();
	test_errors();
	test_traced_task(0);
	test_traced_task(HELL_TRACE_CHILDREN);
	test_self();
	test_dropped();
	test_tracer_dies();
	return TEST_DONE();
}

/* fake: see fake.h.  Each fake has its own thread (mach_msg_server on its
 * receive right), so a gate's waiting read blocks no other fake. */
#include "fake.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <hurd/hurd_types.h>

#include "fake_io_S.h"

extern boolean_t fake_io_server(mach_msg_header_t *in, mach_msg_header_t *out);

#define MAX_FAKES 32

static struct fake *fakes[MAX_FAKES];
static pthread_mutex_t fakes_lock = PTHREAD_MUTEX_INITIALIZER;

static struct fake *
fake_of(mach_port_t port)
{
	struct fake *f = NULL;
	unsigned i;

	pthread_mutex_lock(&fakes_lock);
	for (i = 0; i < MAX_FAKES && !f; i++)
		if (fakes[i] && fakes[i]->port == port)
			f = fakes[i];
	pthread_mutex_unlock(&fakes_lock);
	return f;
}

kern_return_t
fake_S_io_stat(io_t object, io_statbuf_t *st)
{
	struct fake *f = fake_of(object);

	if (!f)
		return EOPNOTSUPP;
	memset(st, 0, sizeof *st);
	st->st_mode = S_IFREG | 0755;
	st->st_nlink = 1;
	switch (f->kind) {
	case FAKE_FILE:
		st->st_size = f->size;
		break;
	case FAKE_DIR:
		st->st_mode = S_IFDIR | 0755;
		break;
	case FAKE_HUGE:
		st->st_size = 1LL << 40;
		break;
	case FAKE_LIAR:
		st->st_size = 100;
		break;
	default:
		st->st_mode = S_IFCHR | 0666;
		break;
	}
	return 0;
}

kern_return_t
fake_S_io_read(io_t object, data_t *data, mach_msg_type_number_t *len,
	       loff_t offset, vm_size_t amount)
{
	struct fake *f = fake_of(object);
	size_t n;

	if (!f)
		return EOPNOTSUPP;
	switch (f->kind) {
	case FAKE_FILE:
		if (offset < 0)
			offset = 0;
		n = (size_t) offset < f->size ? f->size - offset : 0;
		if (n > amount)
			n = amount;
		if (n > *len) {
			if (vm_allocate(mach_task_self(), (vm_address_t *) data, n, TRUE))
				return ENOMEM;
		}
		memcpy(*data, f->data + offset, n);
		*len = n;
		return 0;
	case FAKE_LIAR:
		/* One byte more than asked for. */
		n = amount + 1;
		if (n > (1 << 24))
			return EINVAL;
		if (n > *len && vm_allocate(mach_task_self(), (vm_address_t *) data, n, TRUE))
			return ENOMEM;
		memset(*data, 0x7f, n);
		*len = n;
		return 0;
	case FAKE_GATE:
		pthread_mutex_lock(&f->lock);
		while (!f->gate_open)
			pthread_cond_wait(&f->changed, &f->lock);
		pthread_mutex_unlock(&f->lock);
		*len = 0;
		return 0;
	default:
		return EOPNOTSUPP;
	}
}

kern_return_t
fake_S_io_write(io_t object, const_data_t data, mach_msg_type_number_t len,
		loff_t offset, vm_size_t *amount)
{
	struct fake *f = fake_of(object);
	size_t room;

	if (!f || (f->kind != FAKE_SINK && f->kind != FAKE_GATE))
		return EOPNOTSUPP;
	pthread_mutex_lock(&f->lock);
	room = sizeof f->written - 1 - f->nwritten;
	if (len > room)
		len = room;
	memcpy(f->written + f->nwritten, data, len);
	f->nwritten += len;
	f->written[f->nwritten] = 0;
	pthread_cond_broadcast(&f->changed);
	pthread_mutex_unlock(&f->lock);
	*amount = len;
	return 0;
}

/* A FAKE_NOTIO port answers every request as a server of another
 * interface would: MIG_BAD_ID (MIG's server function builds that reply
 * for an id outside its range). */
static boolean_t
demux(mach_msg_header_t *in, mach_msg_header_t *out)
{
	struct fake *f = fake_of(in->msgh_local_port);
	mach_msg_id_t id = in->msgh_id;
	boolean_t handled;

	if (!f || f->kind != FAKE_NOTIO)
		return fake_io_server(in, out);
	in->msgh_id = 0;
	handled = fake_io_server(in, out);
	in->msgh_id = id;
	out->msgh_id = id + 100;
	return handled;
}

static void *
serve(void *arg)
{
	struct fake *f = arg;

	mach_msg_server(demux, 8192, f->port);
	return NULL;
}

void
fake_start(struct fake *f, enum fake_kind kind, const char *data, size_t size)
{
	unsigned i;

	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->data = data;
	f->size = size;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->changed, NULL);
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &f->port)) {
		fprintf(stderr, "fake_start: no port\n");
		exit(2);
	}
	pthread_mutex_lock(&fakes_lock);
	for (i = 0; i < MAX_FAKES && fakes[i]; i++)
		continue;
	if (i == MAX_FAKES) {
		fprintf(stderr, "fake_start: too many fakes\n");
		exit(2);
	}
	fakes[i] = f;
	pthread_mutex_unlock(&fakes_lock);
	pthread_create(&f->thread, NULL, serve, f);
}

void
fake_stop(struct fake *f)
{
	unsigned i;

	fake_open_gate(f);	/* a waiting read must end for the thread to */
	mach_port_mod_refs(mach_task_self(), f->port, MACH_PORT_RIGHT_RECEIVE, -1);
	pthread_join(f->thread, NULL);
	pthread_mutex_lock(&fakes_lock);
	for (i = 0; i < MAX_FAKES; i++)
		if (fakes[i] == f)
			fakes[i] = NULL;
	pthread_mutex_unlock(&fakes_lock);
}

int
fake_wait_written(struct fake *f, const char *text, int timeout_ms)
{
	struct timespec deadline;
	int found;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&f->lock);
	while (!(found = strstr(f->written, text) != NULL))
		if (pthread_cond_timedwait(&f->changed, &f->lock, &deadline) == ETIMEDOUT)
			break;
	found = strstr(f->written, text) != NULL;
	pthread_mutex_unlock(&f->lock);
	return found;
}

void
fake_open_gate(struct fake *f)
{
	pthread_mutex_lock(&f->lock);
	f->gate_open = 1;
	pthread_cond_broadcast(&f->changed);
	pthread_mutex_unlock(&f->lock);
}

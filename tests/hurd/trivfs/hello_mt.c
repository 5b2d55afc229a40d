/* hello-mt from several threads at once.
 *
 * Phase 1: readers, each with an open of its own, read the whole file
 * again and again while a writer switches the contents between two texts
 * of one length with fsys_set_options: every read must see one text
 * whole, never a mix.
 * Phase 2: threads share one open and read it a byte at a time from the
 * file pointer: together they must read every byte exactly once. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <hurd/hurd_types.h>
#include <hurd/io.h>
#include <hurd/fsys.h>

#include "testlib.h"
#include "parent.h"

#define READERS 4
#define ROUNDS 200
#define SIZE 3000		/* more than the in-line buffer: some reads go out of line */

static struct parent_translator t;
static char option_a[32 + SIZE], option_b[32 + SIZE];
static size_t option_len;
static int stop_writer;
static int torn_reads, failed_reads;

static void
make_option(char *opt, char c)
{
	memcpy(opt, "--contents=", 11);
	memset(opt + 11, c, SIZE);
	opt[11 + SIZE] = 0;
	option_len = 12 + SIZE;
}

static void *
writer(void *arg)
{
	int i = 0;

	while (!__atomic_load_n(&stop_writer, __ATOMIC_RELAXED))
		if (fsys_set_options(t.control, i++ % 2 ? option_a : option_b, option_len, 0))
			__atomic_add_fetch(&failed_reads, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void *
reader(void *arg)
{
	mach_port_t file;
	int i;

	if (parent_open(&t, HURD_O_READ, &file)) {
		__atomic_add_fetch(&failed_reads, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	for (i = 0; i < ROUNDS; i++) {
		char buf[64];
		data_t data = buf;
		mach_msg_type_number_t len = sizeof buf, j;

		if (io_read(file, &data, &len, 0, 2 * SIZE)) {
			__atomic_add_fetch(&failed_reads, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (len != SIZE || (data[0] != 'a' && data[0] != 'b'))
			__atomic_add_fetch(&torn_reads, 1, __ATOMIC_RELAXED);
		for (j = 1; j < len; j++)
			if (data[j] != data[0]) {
				__atomic_add_fetch(&torn_reads, 1, __ATOMIC_RELAXED);
				break;
			}
		if (data != buf)
			vm_deallocate(mach_task_self(), (vm_address_t) data, len);
	}
	mach_port_deallocate(mach_task_self(), file);
	return NULL;
}

static mach_port_t shared_file;
static long bytes_read[READERS];

static void *
byte_reader(void *arg)
{
	long *count = arg;

	for (;;) {
		char buf[8];
		data_t data = buf;
		mach_msg_type_number_t len = sizeof buf;

		if (io_read(shared_file, &data, &len, -1, 1)) {
			__atomic_add_fetch(&failed_reads, 1, __ATOMIC_RELAXED);
			return NULL;
		}
		if (len == 0)
			return NULL;
		*count += len;
	}
}

int
main(int argc, char **argv)
{
	char *path = argc > 1 ? argv[1] : "hello-mt";
	char *targv[] = { path, NULL };
	pthread_t readers[READERS], w;
	long total = 0;
	int i;

	make_option(option_a, 'a');
	make_option(option_b, 'b');
	if (parent_start(targv, &t) != 0)
		return 2;
	CHECK_KR(fsys_set_options(t.control, option_a, option_len, 0), KERN_SUCCESS);

	pthread_create(&w, NULL, writer, NULL);
	for (i = 0; i < READERS; i++)
		pthread_create(&readers[i], NULL, reader, NULL);
	for (i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);
	__atomic_store_n(&stop_writer, 1, __ATOMIC_RELAXED);
	pthread_join(w, NULL);
	CHECK_EQ(torn_reads, 0);
	CHECK_EQ(failed_reads, 0);

	CHECK_KR(parent_open(&t, HURD_O_READ, &shared_file), KERN_SUCCESS);
	for (i = 0; i < READERS; i++)
		pthread_create(&readers[i], NULL, byte_reader, &bytes_read[i]);
	for (i = 0; i < READERS; i++) {
		pthread_join(readers[i], NULL);
		total += bytes_read[i];
	}
	CHECK_EQ(total, SIZE);
	CHECK_EQ(failed_reads, 0);
	mach_port_deallocate(mach_task_self(), shared_file);

	CHECK_KR(parent_stop(&t, FSYS_GOAWAY_FORCE), KERN_SUCCESS);
	return TEST_DONE();
}

/* fake: io objects the exec test serves itself, one thread each.
 *
 *   FAKE_FILE    a regular file of SIZE bytes of DATA (a program, text)
 *   FAKE_DIR     a directory
 *   FAKE_HUGE    a regular file that says it has 2^40 bytes
 *   FAKE_LIAR    a regular file whose io_read answers more than asked
 *   FAKE_NOTIO   a port whose server knows no io routine at all
 *   FAKE_SINK    a character device that records what is written to it
 *   FAKE_GATE    a sink whose io_read waits until fake_open_gate, then
 *                says end of file
 */
#ifndef TEST_FAKE_H
#define TEST_FAKE_H

#include <mach.h>
#include <pthread.h>
#include <stddef.h>

enum fake_kind { FAKE_FILE, FAKE_DIR, FAKE_HUGE, FAKE_LIAR, FAKE_NOTIO, FAKE_SINK, FAKE_GATE };

struct fake {
	mach_port_t port;		/* receive right */
	enum fake_kind kind;
	const char *data;		/* FAKE_FILE */
	size_t size;
	pthread_t thread;
	pthread_mutex_t lock;		/* guards the fields below */
	pthread_cond_t changed;
	char written[4096];		/* what was written (sinks) */
	size_t nwritten;
	int gate_open;
};

/* Serve F as KIND (DATA and SIZE for FAKE_FILE).  Exits on failure. */
void fake_start(struct fake *f, enum fake_kind kind, const char *data, size_t size);

/* Stop serving F: its receive right is destroyed. */
void fake_stop(struct fake *f);

/* Whether TEXT was written to F within TIMEOUT_MS. */
int fake_wait_written(struct fake *f, const char *text, int timeout_ms);

/* Let F's waiting and future reads end (FAKE_GATE). */
void fake_open_gate(struct fake *f);

#endif

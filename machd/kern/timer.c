/* Timeouts: a binary min-heap of waiting threads keyed by deadline.  Each
 * thread records its index (timer_index) so that a wait that ends early is
 * removed in O(log n). */
#include "timer.h"
#include "thread.h"
#include "../util/alloc.h"
#include "../util/assert.h"

#include <time.h>

static struct thread **heap;
static size_t heap_len, heap_cap;

uint64_t
timer_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static void
place(size_t i, struct thread *t)
{
	heap[i] = t;
	t->timer_index = i;
}

static void
sift_up(size_t i)
{
	struct thread *t = heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (heap[parent]->deadline_ns <= t->deadline_ns)
			break;
		place(i, heap[parent]);
		i = parent;
	}
	place(i, t);
}

static void
sift_down(size_t i)
{
	struct thread *t = heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= heap_len)
			break;
		if (c + 1 < heap_len && heap[c + 1]->deadline_ns < heap[c]->deadline_ns)
			c++;
		if (t->deadline_ns <= heap[c]->deadline_ns)
			break;
		place(i, heap[c]);
		i = c;
	}
	place(i, t);
}

void
timer_add(struct thread *thread, uint32_t timeout_ms)
{
	MACHD_ASSERT(thread->timer_index == SIZE_MAX);
	if (heap_len == heap_cap) {
		heap_cap = heap_cap ? heap_cap * 2 : 64;
		heap = machd_realloc(heap, heap_cap * sizeof *heap);
	}
	thread->deadline_ns = timer_now_ns() + (uint64_t) timeout_ms * 1000000ull;
	place(heap_len++, thread);
	sift_up(heap_len - 1);
}

void
timer_remove(struct thread *thread)
{
	size_t i = thread->timer_index;

	if (i == SIZE_MAX)
		return;
	MACHD_ASSERT(i < heap_len && heap[i] == thread);
	thread->timer_index = SIZE_MAX;
	thread->deadline_ns = 0;
	if (--heap_len == i)
		return;
	place(i, heap[heap_len]);
	sift_down(i);
	sift_up(heap[i]->timer_index);
}

void
timer_shutdown(void)
{
	MACHD_ASSERT(heap_len == 0);
	machd_free(heap);
	heap = NULL;
	heap_cap = 0;
}

uint64_t
timer_next_deadline(void)
{
	return heap_len ? heap[0]->deadline_ns : 0;
}

void
timer_expire(void)
{
	uint64_t now = timer_now_ns();

	while (heap_len && heap[0]->deadline_ns <= now) {
		struct thread *t = heap[0];

		timer_remove(t);
		thread_timeout(t);
	}
}

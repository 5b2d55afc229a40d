/* machd's accounted heap: see alloc.h. */
#include "alloc.h"
#include "assert.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t heap_bytes;

static void *
checked(void *p, size_t size)
{
	if (!p && size) {
		fprintf(stderr, "machd: out of memory allocating %zu bytes\n", size);
		abort();
	}
	if (p)
		heap_bytes += malloc_usable_size(p);
	return p;
}

void *
machd_alloc(size_t size)
{
	return checked(malloc(size ? size : 1), size);
}

void *
machd_zalloc(size_t size)
{
	return checked(calloc(1, size ? size : 1), size);
}

void *
machd_realloc(void *p, size_t size)
{
	if (p)
		heap_bytes -= malloc_usable_size(p);
	return checked(realloc(p, size ? size : 1), size);
}

void
machd_free(void *p)
{
	if (!p)
		return;
	heap_bytes -= malloc_usable_size(p);
	free(p);
}

void *
machd_zalloc_sized(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p) {
		fprintf(stderr, "machd: out of memory allocating %zu bytes\n", size);
		abort();
	}
	heap_bytes += size;
	return p;
}

void
machd_free_sized(void *p, size_t size)
{
	if (!p)
		return;
	heap_bytes -= size;
	free(p);
}

uint64_t
machd_heap_bytes(void)
{
	return heap_bytes;
}

void
machd_assert_fail(const char *expr, const char *file, int line, const char *func)
{
	fprintf(stderr, "machd: assertion failed at %s:%d in %s(): %s\n",
		file, line, func, expr);
	fflush(stderr);
	abort();
}

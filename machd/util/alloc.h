/* machd's heap: malloc with a count of the bytes in use, so that leak checks
 * and the per-port and per-task memory benchmarks can read it.  Allocation
 * failure ends machd (there is nothing sensible to do half way through a
 * message copyin); callers that can refuse a request instead check sizes
 * first. */
#ifndef MACHD_UTIL_ALLOC_H
#define MACHD_UTIL_ALLOC_H

#include <stddef.h>
#include <stdint.h>

void *machd_alloc(size_t size) __attribute__((malloc, alloc_size(1)));
void *machd_zalloc(size_t size) __attribute__((malloc, alloc_size(1)));
void *machd_realloc(void *p, size_t size) __attribute__((alloc_size(2)));
void machd_free(void *p);
/* For arrays whose size the owner always knows (hash tables), counted by
 * the bytes asked for rather than by what malloc gave: a table that is
 * rebuilt during a run and kept (the kernel space's) then counts the same
 * at the end as at the start, however malloc's chunks were split, so the
 * leak check's comparison to the byte holds. */
void *machd_zalloc_sized(size_t size) __attribute__((malloc, alloc_size(1)));
void machd_free_sized(void *p, size_t size);
uint64_t machd_heap_bytes(void);

#endif

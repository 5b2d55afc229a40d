/* Unit test of machd's hash map: inserts, lookups, backward-shift deletion
 * under churn, iteration, and the allocator's byte count returning to where
 * it started. */
#include "util/hashmap.h"
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>

static int failures;
#define EXPECT(c) do { if (!(c)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

int
main(void)
{
	uint64_t heap0 = machd_heap_bytes();
	struct hashmap m;
	enum { N = 20000 };

	hashmap_init(&m);
	for (uint64_t k = 1; k <= N; k++)
		hashmap_put(&m, k * 7919, (void *) (uintptr_t) k);
	EXPECT(m.count == N);
	for (uint64_t k = 1; k <= N; k++)
		EXPECT(hashmap_get(&m, k * 7919) == (void *) (uintptr_t) k);
	EXPECT(hashmap_get(&m, 3) == NULL);
	/* Remove every other key, then check the rest are all still found
	 * (backward shift must not break probe runs). */
	for (uint64_t k = 1; k <= N; k += 2)
		EXPECT(hashmap_remove(&m, k * 7919) == (void *) (uintptr_t) k);
	EXPECT(hashmap_remove(&m, 7919) == NULL);
	for (uint64_t k = 1; k <= N; k++)
		EXPECT(hashmap_get(&m, k * 7919) == (k % 2 ? NULL : (void *) (uintptr_t) k));
	{
		size_t iter = 0, seen = 0;
		uint64_t key;
		void *value;

		while (hashmap_next(&m, &iter, &key, &value)) {
			EXPECT(key % 7919 == 0 && (uintptr_t) value == key / 7919);
			seen++;
		}
		EXPECT(seen == N / 2);
	}
	for (uint64_t k = 2; k <= N; k += 2)
		hashmap_remove(&m, k * 7919);
	EXPECT(m.count == 0);
	hashmap_destroy(&m);
	EXPECT(machd_heap_bytes() == heap0);
	if (failures)
		return 1;
	printf("hashmap: ok\n");
	return 0;
}

/* An open-addressing hash map from 64-bit keys to pointers, with linear
 * probing and backward-shift deletion (no tombstones, so lookups stay fast
 * after churn).  Key 0 is reserved for empty slots: callers never store it
 * (port names are never 0, pointers are never NULL, pids are never 0).
 * Not thread-safe: machd owns all its maps from one thread. */
#ifndef MACHD_UTIL_HASHMAP_H
#define MACHD_UTIL_HASHMAP_H

#include <stdint.h>
#include <stddef.h>

struct hashmap_slot {
	uint64_t key;
	void *value;
};

struct hashmap {
	struct hashmap_slot *slots;
	size_t mask;		/* capacity - 1; capacity is a power of two */
	size_t count;
};

void hashmap_init(struct hashmap *m);
void hashmap_destroy(struct hashmap *m);
/* The value stored under KEY, or NULL. */
void *hashmap_get(const struct hashmap *m, uint64_t key);
/* Store VALUE under KEY, which must not be present. */
void hashmap_put(struct hashmap *m, uint64_t key, void *value);
/* Remove KEY; returns its value, or NULL if it was absent.  The table
 * shrinks when it is less than an eighth full. */
void *hashmap_remove(struct hashmap *m, uint64_t key);

/* Iterate over every slot: for (i = 0; hashmap_next(m, &i, &k, &v);) —
 * the map must not change during the walk. */
int hashmap_next(const struct hashmap *m, size_t *iter, uint64_t *key, void **value);

#endif

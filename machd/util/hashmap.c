/* Open-addressing hash map: see hashmap.h. */
#include "hashmap.h"
#include "alloc.h"
#include "assert.h"

#include <string.h>

static inline size_t
hash64(uint64_t k)
{
	/* A finalizer of MurmurHash3's shape: spreads sequential names and
	 * aligned pointers over the table. */
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return (size_t) k;
}

void
hashmap_init(struct hashmap *m)
{
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
}

void
hashmap_destroy(struct hashmap *m)
{
	if (m->slots)
		machd_free_sized(m->slots, (m->mask + 1) * sizeof *m->slots);
	hashmap_init(m);
}

void *
hashmap_get(const struct hashmap *m, uint64_t key)
{
	size_t i;

	if (!m->slots)
		return NULL;
	for (i = hash64(key) & m->mask; m->slots[i].key; i = (i + 1) & m->mask)
		if (m->slots[i].key == key)
			return m->slots[i].value;
	return NULL;
}

static void
insert_slot(struct hashmap_slot *slots, size_t mask, uint64_t key, void *value)
{
	size_t i = hash64(key) & mask;

	while (slots[i].key)
		i = (i + 1) & mask;
	slots[i].key = key;
	slots[i].value = value;
}

/* Rebuild the table with CAP slots (a power of two, >= 8). */
static void
resize(struct hashmap *m, size_t cap)
{
	struct hashmap_slot *slots = machd_zalloc_sized(cap * sizeof *slots);

	if (m->slots) {
		for (size_t i = 0; i <= m->mask; i++)
			if (m->slots[i].key)
				insert_slot(slots, cap - 1, m->slots[i].key, m->slots[i].value);
		machd_free_sized(m->slots, (m->mask + 1) * sizeof *m->slots);
	}
	m->slots = slots;
	m->mask = cap - 1;
}

static void
grow(struct hashmap *m)
{
	resize(m, m->slots ? (m->mask + 1) * 2 : 8);
}

void
hashmap_put(struct hashmap *m, uint64_t key, void *value)
{
	MACHD_ASSERT(key != 0);
	/* Keep the load factor under 3/4. */
	if (!m->slots || (m->count + 1) * 4 > (m->mask + 1) * 3)
		grow(m);
	insert_slot(m->slots, m->mask, key, value);
	m->count++;
}

void *
hashmap_remove(struct hashmap *m, uint64_t key)
{
	size_t i, j;
	void *value;

	if (!m->slots)
		return NULL;
	for (i = hash64(key) & m->mask; m->slots[i].key != key; i = (i + 1) & m->mask)
		if (!m->slots[i].key)
			return NULL;
	value = m->slots[i].value;
	/* Backward-shift: move later members of the probe run into the hole
	 * when their home slot does not lie between the hole and them. */
	for (j = (i + 1) & m->mask; m->slots[j].key; j = (j + 1) & m->mask) {
		size_t home = hash64(m->slots[j].key) & m->mask;

		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].key = 0;
	m->slots[i].value = NULL;
	m->count--;
	if (m->count == 0) {
		hashmap_destroy(m);
	} else if (m->mask + 1 > 8 && m->count * 4 < m->mask + 1) {
		/* A space that shrank gives its memory back: under a quarter
		 * full, half the slots (growth is at three quarters, so the
		 * two never chase each other).  A map that keeps a few entries
		 * for good, as the kernel space keeps the host ports, so
		 * returns to its smallest size. */
		resize(m, (m->mask + 1) / 2);
	}
	return value;
}

int
hashmap_next(const struct hashmap *m, size_t *iter, uint64_t *key, void **value)
{
	if (!m->slots)
		return 0;
	for (; *iter <= m->mask; (*iter)++) {
		if (m->slots[*iter].key) {
			*key = m->slots[*iter].key;
			*value = m->slots[*iter].value;
			(*iter)++;
			return 1;
		}
	}
	return 0;
}

/* libihash: see ihash.h.
 *
 * Open addressing with linear probing in a power-of-two array of slots.
 * A removed item leaves a tombstone (_HURD_IHASH_DELETED) so that probe
 * runs stay intact; insertions reuse tombstones, and a table whose
 * tombstones and items together pass the load limit is rebuilt (at twice
 * the size if the items alone pass it).  Values with a location pointer
 * learn their slot's address on every insertion and rebuild.
 */
#include <hurd/ihash.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static inline hurd_ihash_key_t
hash_key(hurd_ihash_t ht, hurd_ihash_key_t key)
{
	if (ht->fct_hash)
		return ht->fct_hash((const void *) key);
	/* Fibonacci hashing: the high bits of key * 2^64/phi are well
	 * mixed even for keys that are aligned pointers or small ints. */
	return (hurd_ihash_key_t) ((uint64_t) key * 0x9e3779b97f4a7c15ull >> 16);
}

static inline bool
keys_equal(hurd_ihash_t ht, hurd_ihash_key_t a, hurd_ihash_key_t b)
{
	return ht->fct_cmp ? ht->fct_cmp((const void *) a, (const void *) b) != 0 : a == b;
}

static inline void
set_locp(hurd_ihash_t ht, _hurd_ihash_item_t item)
{
	if (ht->locp_offset != HURD_IHASH_NO_LOCP)
		*(hurd_ihash_locp_t *) ((char *) item->value + ht->locp_offset) = &item->value;
}

static inline void
cleanup(hurd_ihash_t ht, hurd_ihash_value_t value)
{
	if (ht->cleanup)
		ht->cleanup(value, ht->cleanup_data);
}

void
hurd_ihash_init(hurd_ihash_t ht, intptr_t locp_offs)
{
	memset(ht, 0, sizeof *ht);
	ht->locp_offset = locp_offs;
	ht->max_load = HURD_IHASH_MAX_LOAD_DEFAULT;
}

void
hurd_ihash_destroy(hurd_ihash_t ht)
{
	if (ht->cleanup)
		HURD_IHASH_ITERATE(ht, value)
			ht->cleanup(value, ht->cleanup_data);
	free(ht->items);
	ht->items = NULL;
	ht->size = 0;
	ht->nr_items = 0;
	ht->nr_free = 0;
}

error_t
hurd_ihash_create(hurd_ihash_t *ht, intptr_t locp_offs)
{
	*ht = malloc(sizeof **ht);
	if (!*ht)
		return ENOMEM;
	hurd_ihash_init(*ht, locp_offs);
	return 0;
}

void
hurd_ihash_free(hurd_ihash_t ht)
{
	hurd_ihash_destroy(ht);
	free(ht);
}

void
hurd_ihash_set_cleanup(hurd_ihash_t ht, hurd_ihash_cleanup_t cleanup_fn, void *data)
{
	ht->cleanup = cleanup_fn;
	ht->cleanup_data = data;
}

void
hurd_ihash_set_gki(hurd_ihash_t ht, hurd_ihash_fct_hash_t fct_hash, hurd_ihash_fct_cmp_t fct_cmp)
{
	ht->fct_hash = fct_hash;
	ht->fct_cmp = fct_cmp;
}

void
hurd_ihash_set_max_load(hurd_ihash_t ht, unsigned int max_load)
{
	if (max_load < 64)
		max_load = 64;
	if (max_load > 128)
		max_load = 128;
	ht->max_load = max_load;
}

/* The slot holding KEY, or NULL; *FREE gets the first slot KEY could be
 * stored in (a tombstone on the way, or the empty slot that ended the
 * search), or NULL if the table is full. */
static _hurd_ihash_item_t
lookup(hurd_ihash_t ht, hurd_ihash_key_t key, _hurd_ihash_item_t *free_slot)
{
	size_t mask = ht->size - 1, i = hash_key(ht, key) & mask;
	_hurd_ihash_item_t tomb = NULL;

	*free_slot = NULL;
	if (ht->size == 0)
		return NULL;
	for (size_t n = 0; n < ht->size; n++, i = (i + 1) & mask) {
		_hurd_ihash_item_t item = &ht->items[i];

		if (item->value == _HURD_IHASH_EMPTY) {
			*free_slot = tomb ? tomb : item;
			return NULL;
		}
		if (item->value == _HURD_IHASH_DELETED) {
			if (!tomb)
				tomb = item;
		} else if (keys_equal(ht, item->key, key)) {
			return item;
		}
	}
	*free_slot = tomb;
	return NULL;
}

/* Would one more item (and one more used slot) pass the load limit? */
static bool
needs_room(hurd_ihash_t ht)
{
	return ht->size == 0 ||
	       (ht->nr_items + 1) * 128 > (size_t) ht->max_load * ht->size ||
	       (ht->size - ht->nr_free + 1) * 128 > (size_t) ht->max_load * ht->size;
}

/* Rebuild into a table big enough for one more item; 0 or ENOMEM. */
static error_t
rebuild(hurd_ihash_t ht)
{
	size_t size = ht->size ? ht->size : HURD_IHASH_MIN_SIZE;
	_hurd_ihash_item_t old = ht->items;
	size_t old_size = ht->size;

	while ((ht->nr_items + 1) * 128 > (size_t) ht->max_load * size)
		size *= 2;
	ht->items = calloc(size, sizeof *ht->items);
	if (!ht->items) {
		ht->items = old;
		return ENOMEM;
	}
	ht->size = size;
	ht->nr_free = size;
	for (size_t i = 0; i < old_size; i++) {
		_hurd_ihash_item_t from = &old[i], to;

		if (!hurd_ihash_value_valid(from->value))
			continue;
		lookup(ht, from->key, &to);
		to->key = from->key;
		to->value = from->value;
		ht->nr_free--;
		set_locp(ht, to);
	}
	free(old);
	return 0;
}

/* Put VALUE under KEY into SLOT (found empty, a tombstone, or KEY's). */
static void
store(hurd_ihash_t ht, _hurd_ihash_item_t slot, hurd_ihash_key_t key, hurd_ihash_value_t value)
{
	if (hurd_ihash_value_valid(slot->value)) {
		if (slot->value != value)
			cleanup(ht, slot->value);
	} else {
		if (slot->value == _HURD_IHASH_EMPTY)
			ht->nr_free--;
		ht->nr_items++;
	}
	slot->key = key;
	slot->value = value;
	set_locp(ht, slot);
}

error_t
hurd_ihash_add(hurd_ihash_t ht, hurd_ihash_key_t key, hurd_ihash_value_t value)
{
	_hurd_ihash_item_t item, slot;

	item = lookup(ht, key, &slot);
	if (item) {
		store(ht, item, key, value);
		return 0;
	}
	if (needs_room(ht) || !slot) {
		error_t err = rebuild(ht);

		if (err)
			return err;
		lookup(ht, key, &slot);
	}
	store(ht, slot, key, value);
	return 0;
}

error_t
hurd_ihash_locp_add(hurd_ihash_t ht, hurd_ihash_locp_t locp, hurd_ihash_key_t key,
		    hurd_ihash_value_t value)
{
	_hurd_ihash_item_t slot = (_hurd_ihash_item_t) locp;

	/* A new item may need room, and LOCP would not survive a rebuild. */
	if (!locp || (!hurd_ihash_value_valid(slot->value) && needs_room(ht)))
		return hurd_ihash_add(ht, key, value);
	store(ht, slot, key, value);
	return 0;
}

hurd_ihash_value_t
hurd_ihash_find(hurd_ihash_t ht, hurd_ihash_key_t key)
{
	_hurd_ihash_item_t slot, item = lookup(ht, key, &slot);

	return item ? item->value : NULL;
}

hurd_ihash_value_t
hurd_ihash_locp_find(hurd_ihash_t ht, hurd_ihash_key_t key, hurd_ihash_locp_t *locp)
{
	_hurd_ihash_item_t slot, item = lookup(ht, key, &slot);

	if (item) {
		*locp = &item->value;
		return item->value;
	}
	*locp = slot && !needs_room(ht) ? &slot->value : NULL;
	return NULL;
}

void
hurd_ihash_locp_remove(hurd_ihash_t ht, hurd_ihash_locp_t locp)
{
	_hurd_ihash_item_t item = (_hurd_ihash_item_t) locp;
	hurd_ihash_value_t value = item->value;

	if (!hurd_ihash_value_valid(value))
		return;
	item->value = _HURD_IHASH_DELETED;
	ht->nr_items--;
	cleanup(ht, value);
}

int
hurd_ihash_remove(hurd_ihash_t ht, hurd_ihash_key_t key)
{
	_hurd_ihash_item_t slot, item = lookup(ht, key, &slot);

	if (!item)
		return 0;
	hurd_ihash_locp_remove(ht, &item->value);
	return 1;
}

uint32_t
hurd_ihash_hash32(const void *buf, size_t len, uint32_t seed)
{
	/* FNV-1a over the bytes, then a final avalanche so that every input
	 * bit reaches every output bit. */
	const unsigned char *p = buf;
	uint32_t h = 2166136261u ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

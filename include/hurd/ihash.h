/* <hurd/ihash.h>: integer-keyed hash tables with the API of the Hurd's
 * libihash, for translators that build against HELL unchanged.
 *
 * A table maps keys (hurd_ihash_key_t, an integer, or with the generalized
 * key interface a pointer hashed and compared by user functions) to values
 * (non-NULL pointers).  A value can carry a location pointer: at a fixed
 * offset inside the object the value points to, the table keeps the address
 * of the value's slot, so the holder can remove it in O(1)
 * (hurd_ihash_locp_remove).  Tables are not locked: callers serialize.
 *
 * The structure's fields are part of the API (HURD_IHASH_ITERATE and the
 * load functions use them); their meaning is documented below.
 */
#ifndef _HURD_IHASH_H
#define _HURD_IHASH_H	1

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef __error_t_defined
typedef int error_t;
#define __error_t_defined 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef void *hurd_ihash_value_t;

/* Slot markers: a slot never used, and a slot whose item was removed. */
#define _HURD_IHASH_EMPTY	((hurd_ihash_value_t) 0)
#define _HURD_IHASH_DELETED	((hurd_ihash_value_t) -1)

/* Whether a slot holds an item. */
static inline int
hurd_ihash_value_valid(hurd_ihash_value_t value)
{
	return value != _HURD_IHASH_EMPTY && value != _HURD_IHASH_DELETED;
}

typedef uintptr_t hurd_ihash_key_t;
typedef hurd_ihash_value_t *hurd_ihash_locp_t;
typedef hurd_ihash_key_t (*hurd_ihash_fct_hash_t)(const void *key);
typedef int (*hurd_ihash_fct_cmp_t)(const void *a, const void *b);
/* Called with an item's value when the table drops it (removal,
 * replacement, destruction), and the table's cleanup data. */
typedef void (*hurd_ihash_cleanup_t)(hurd_ihash_value_t value, void *arg);

/* One slot.  value comes first: iteration casts between the two. */
struct _hurd_ihash_item {
	hurd_ihash_value_t value;
	hurd_ihash_key_t key;
};
typedef struct _hurd_ihash_item *_hurd_ihash_item_t;

struct hurd_ihash {
	size_t nr_items;		/* items in the table */
	_hurd_ihash_item_t items;	/* SIZE slots, or NULL while SIZE is 0 */
	size_t size;			/* a power of two, or 0 */
	intptr_t locp_offset;		/* where a value keeps its slot's address,
					   or HURD_IHASH_NO_LOCP */
	unsigned int max_load;		/* grow past this load, in 1/128ths */
	hurd_ihash_cleanup_t cleanup;
	void *cleanup_data;
	hurd_ihash_fct_hash_t fct_hash;	/* generalized keys, or NULL */
	hurd_ihash_fct_cmp_t fct_cmp;
	size_t nr_free;			/* slots never used (not even deleted) */
};
typedef struct hurd_ihash *hurd_ihash_t;

/* The first allocation, in slots (a power of two). */
#define HURD_IHASH_MIN_SIZE	32
/* Loads are in "binary percent": 128 is a full table; 96 is 75%. */
#define HURD_IHASH_MAX_LOAD_DEFAULT 96
/* The locp_offs of a table whose values have no location pointer. */
#define HURD_IHASH_NO_LOCP	INTPTR_MIN

#define HURD_IHASH_INITIALIZER(locp_offs)				\
	{ .nr_items = 0, .items = 0, .size = 0,				\
	  .locp_offset = (locp_offs),					\
	  .max_load = HURD_IHASH_MAX_LOAD_DEFAULT }

#define HURD_IHASH_INITIALIZER_GKI(locp_offs, f_clean, f_clean_data,	\
				   f_hash, f_compare)			\
	{ .nr_items = 0, .items = 0, .size = 0,				\
	  .locp_offset = (locp_offs),					\
	  .max_load = HURD_IHASH_MAX_LOAD_DEFAULT,			\
	  .cleanup = (f_clean), .cleanup_data = (f_clean_data),		\
	  .fct_hash = (f_hash), .fct_cmp = (f_compare) }

/* Set up the table at HT (empty; LOCP_OFFS as above). */
void hurd_ihash_init(hurd_ihash_t ht, intptr_t locp_offs);
/* Drop every item (calling the cleanup function on each) and free the
 * slots; HT can be used again after hurd_ihash_init. */
void hurd_ihash_destroy(hurd_ihash_t ht);
/* Allocate and initialize a table: 0, or ENOMEM. */
error_t hurd_ihash_create(hurd_ihash_t *ht, intptr_t locp_offs);
/* hurd_ihash_destroy, then free a table from hurd_ihash_create. */
void hurd_ihash_free(hurd_ihash_t ht);

void hurd_ihash_set_cleanup(hurd_ihash_t ht, hurd_ihash_cleanup_t cleanup,
			    void *cleanup_data);
/* Use the generalized key interface: keys are pointers, hashed by
 * FCT_HASH and compared by FCT_CMP (non-zero if equal).  Only on an empty
 * table. */
void hurd_ihash_set_gki(hurd_ihash_t ht, hurd_ihash_fct_hash_t fct_hash,
			hurd_ihash_fct_cmp_t fct_cmp);
/* Grow the table once its load exceeds MAX_LOAD (64..128 binary percent). */
void hurd_ihash_set_max_load(hurd_ihash_t ht, unsigned int max_load);

/* Load in binary percent: items * 128 / size (0 for an empty table). */
static inline unsigned int
hurd_ihash_get_load(hurd_ihash_t ht)
{
	return ht->size ? (unsigned int) ((ht->nr_items * 128) / ht->size) : 0;
}

/* The same, counting deleted slots as used (what slows lookups). */
static inline unsigned int
hurd_ihash_get_effective_load(hurd_ihash_t ht)
{
	return ht->size ? (unsigned int) (((ht->size - ht->nr_free) * 128) / ht->size) : 0;
}

/* Store ITEM under KEY, replacing (and cleaning up) any item there.
 * 0, or ENOMEM. */
error_t hurd_ihash_add(hurd_ihash_t ht, hurd_ihash_key_t key, hurd_ihash_value_t item);
/* Store VALUE under KEY at LOCP, a slot from hurd_ihash_locp_find (for
 * this KEY, with no insertion or deletion since) or the slot of the item
 * being replaced; NULL LOCP means hurd_ihash_add.  0, or ENOMEM. */
error_t hurd_ihash_locp_add(hurd_ihash_t ht, hurd_ihash_locp_t locp,
			    hurd_ihash_key_t key, hurd_ihash_value_t value);
/* The value under KEY, or NULL. */
hurd_ihash_value_t hurd_ihash_find(hurd_ihash_t ht, hurd_ihash_key_t key);
/* The value under KEY, or NULL; *SLOT gets the slot where it is, or where
 * it would go (NULL if the table has no room without growing). */
hurd_ihash_value_t hurd_ihash_locp_find(hurd_ihash_t ht, hurd_ihash_key_t key,
					hurd_ihash_locp_t *slot);
/* Remove the item under KEY (cleaning it up): 1 if there was one. */
int hurd_ihash_remove(hurd_ihash_t ht, hurd_ihash_key_t key);
/* Remove the item whose slot is LOCP (its value's location pointer). */
void hurd_ihash_locp_remove(hurd_ihash_t ht, hurd_ihash_locp_t locp);

/* A 32-bit hash of LEN bytes at BUF (for generalized keys). */
uint32_t hurd_ihash_hash32(const void *buf, size_t len, uint32_t seed);

/* Run the following statement for every value in HT, in VAL (declared by
 * the macro); break leaves the whole iteration.  The table must not
 * change meanwhile, except by removing the current item through its
 * location pointer. */
#define HURD_IHASH_ITERATE(ht, val)					\
	for (hurd_ihash_t _ihash_it_##val = (ht); _ihash_it_##val;	\
	     _ihash_it_##val = 0)					\
		for (hurd_ihash_value_t val,				\
		     *_ihash_p_##val = _ihash_it_##val->size		\
			? &_ihash_it_##val->items[0].value : 0;		\
		     _ihash_it_##val->size &&				\
		     (size_t) ((_hurd_ihash_item_t) _ihash_p_##val -	\
			       _ihash_it_##val->items) < _ihash_it_##val->size && \
		     ((val = *_ihash_p_##val), 1);			\
		     _ihash_p_##val = (hurd_ihash_value_t *)		\
			((_hurd_ihash_item_t) _ihash_p_##val + 1))	\
			if (hurd_ihash_value_valid(val))

/* The same, giving each slot (ITEM->key, ITEM->value). */
#define HURD_IHASH_ITERATE_ITEMS(ht, item)				\
	for (hurd_ihash_t _ihash_itm_##item = (ht); _ihash_itm_##item;	\
	     _ihash_itm_##item = 0)					\
		for (_hurd_ihash_item_t item = _ihash_itm_##item->size	\
			? &_ihash_itm_##item->items[0] : 0;		\
		     _ihash_itm_##item->size &&				\
		     (size_t) (item - _ihash_itm_##item->items) <	\
			_ihash_itm_##item->size;			\
		     item++)						\
			if (hurd_ihash_value_valid(item->value))

#ifdef __cplusplus
}
#endif

#endif /* _HURD_IHASH_H */

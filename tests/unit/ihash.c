/* Unit test of libihash (<hurd/ihash.h>): the Hurd's API and semantics.
 * Integer keys through growth to 100,000 items with churn, location
 * pointers (find, add and remove through them, kept right across
 * rebuilds), cleanup calls on replace/remove/destroy, the generalized key
 * interface with strings, iteration (each item once, break), and loads. */
#include <hurd/ihash.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define EXPECT(c) do { if (!(c)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

struct obj {
	int id;
	hurd_ihash_locp_t locp;		/* the table's slot of this object */
	int cleaned;
};

static int cleanups;

static void
on_cleanup(hurd_ihash_value_t value, void *arg)
{
	EXPECT(arg == &cleanups);
	((struct obj *) value)->cleaned++;
	cleanups++;
}

static hurd_ihash_key_t
str_hash(const void *key)
{
	return hurd_ihash_hash32(key, strlen(key), 0);
}

static int
str_eq(const void *a, const void *b)
{
	return strcmp(a, b) == 0;
}

int
main(void)
{
	enum { N = 100000 };
	struct obj *objs = calloc(N, sizeof *objs);
	struct hurd_ihash ht = HURD_IHASH_INITIALIZER(offsetof(struct obj, locp));
	hurd_ihash_t dyn;
	hurd_ihash_locp_t slot;
	size_t seen;

	hurd_ihash_set_cleanup(&ht, on_cleanup, &cleanups);
	EXPECT(hurd_ihash_find(&ht, 1) == NULL);
	EXPECT(hurd_ihash_get_load(&ht) == 0);

	for (int i = 0; i < N; i++) {
		objs[i].id = i;
		EXPECT(hurd_ihash_add(&ht, (hurd_ihash_key_t) i * 4096, &objs[i]) == 0);
	}
	EXPECT(ht.nr_items == N);
	EXPECT(hurd_ihash_get_load(&ht) <= HURD_IHASH_MAX_LOAD_DEFAULT);
	for (int i = 0; i < N; i++)
		EXPECT(hurd_ihash_find(&ht, (hurd_ihash_key_t) i * 4096) == &objs[i]);
	/* Location pointers survived every rebuild. */
	for (int i = 0; i < N; i++)
		EXPECT(*objs[i].locp == &objs[i]);

	/* Remove every other item through its location pointer. */
	for (int i = 0; i < N; i += 2)
		hurd_ihash_locp_remove(&ht, objs[i].locp);
	EXPECT(ht.nr_items == N / 2);
	EXPECT(cleanups == N / 2 && objs[0].cleaned == 1 && objs[1].cleaned == 0);
	for (int i = 0; i < N; i++)
		EXPECT(hurd_ihash_find(&ht, (hurd_ihash_key_t) i * 4096) ==
		       (i % 2 ? &objs[i] : NULL));
	EXPECT(hurd_ihash_remove(&ht, 0) == 0);
	EXPECT(hurd_ihash_remove(&ht, 4096) == 1);
	EXPECT(objs[1].cleaned == 1);

	/* Churn over tombstones: add back, remove again, many times. */
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < N; i += 2)
			EXPECT(hurd_ihash_add(&ht, (hurd_ihash_key_t) i * 4096, &objs[i]) == 0);
		for (int i = 0; i < N; i += 2)
			EXPECT(hurd_ihash_remove(&ht, (hurd_ihash_key_t) i * 4096) == 1);
	}
	EXPECT(ht.nr_items == N / 2 - 1);
	EXPECT(hurd_ihash_get_effective_load(&ht) <= 128);

	/* Replacing a value cleans up the old one. */
	cleanups = 0;
	EXPECT(hurd_ihash_add(&ht, 3 * 4096, &objs[5]) == 0);
	EXPECT(cleanups == 1 && objs[3].cleaned == 1);
	EXPECT(hurd_ihash_find(&ht, 3 * 4096) == &objs[5]);

	/* locp_find + locp_add: insert at the slot found. */
	EXPECT(hurd_ihash_locp_find(&ht, 7777, &slot) == NULL);
	EXPECT(hurd_ihash_locp_add(&ht, slot, 7777, &objs[7]) == 0);
	EXPECT(hurd_ihash_find(&ht, 7777) == &objs[7]);
	EXPECT(hurd_ihash_locp_find(&ht, 7777, &slot) == &objs[7] && slot == objs[7].locp);

	/* Iteration: each item once; break stops everything. */
	seen = 0;
	HURD_IHASH_ITERATE(&ht, v) {
		EXPECT(((struct obj *) v)->locp != NULL);
		seen++;
	}
	EXPECT(seen == ht.nr_items);
	seen = 0;
	HURD_IHASH_ITERATE_ITEMS(&ht, item) {
		EXPECT(hurd_ihash_find(&ht, item->key) == item->value);
		seen++;
	}
	EXPECT(seen == ht.nr_items);
	seen = 0;
	HURD_IHASH_ITERATE(&ht, v) {
		(void) v;
		if (++seen == 10)
			break;
	}
	EXPECT(seen == 10);

	/* Destroy cleans up what is left. */
	cleanups = 0;
	seen = ht.nr_items;
	hurd_ihash_destroy(&ht);
	EXPECT((size_t) cleanups == seen);
	EXPECT(ht.nr_items == 0 && ht.items == NULL);

	/* Generalized keys: strings. */
	EXPECT(hurd_ihash_create(&dyn, HURD_IHASH_NO_LOCP) == 0);
	hurd_ihash_set_gki(dyn, str_hash, str_eq);
	{
		char keys[200][16];

		for (int i = 0; i < 200; i++) {
			snprintf(keys[i], sizeof keys[i], "name-%d", i);
			EXPECT(hurd_ihash_add(dyn, (hurd_ihash_key_t) keys[i], &objs[i]) == 0);
		}
		for (int i = 0; i < 200; i++) {
			char probe[16];

			snprintf(probe, sizeof probe, "name-%d", i);	/* another pointer */
			EXPECT(hurd_ihash_find(dyn, (hurd_ihash_key_t) probe) == &objs[i]);
		}
		EXPECT(hurd_ihash_find(dyn, (hurd_ihash_key_t) "absent") == NULL);
		hurd_ihash_free(dyn);
	}
	EXPECT(hurd_ihash_hash32("abc", 3, 0) != hurd_ihash_hash32("abd", 3, 0));
	EXPECT(hurd_ihash_hash32("abc", 3, 0) != hurd_ihash_hash32("abc", 3, 1));

	free(objs);
	if (failures)
		return 1;
	printf("ihash: ok\n");
	return 0;
}

/* Vectors of ids (<idvec.h>): an ordered list with room to grow.  IDS is
 * ALLOCED ids long (NULL when ALLOCED is 0), of which the first NUM are
 * used.  Growth doubles when adding one at a time, so appends are cheap. */
#include <idvec.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct idvec *
make_idvec(void)
{
	return calloc(1, sizeof (struct idvec));
}

void
idvec_free_wrapper(struct idvec *idvec)
{
	free(idvec);
}

void
idvec_free_contents(struct idvec *idvec)
{
	if (idvec->alloced)
		free(idvec->ids);
	idvec->ids = NULL;
	idvec->alloced = idvec->num = 0;
}

void
idvec_free(struct idvec *idvec)
{
	if (!idvec)
		return;
	idvec_free_contents(idvec);
	idvec_free_wrapper(idvec);
}

void
idvec_clear(struct idvec *idvec)
{
	idvec->num = 0;
}

int
idvec_is_empty(const struct idvec *idvec)
{
	return idvec->num == 0;
}

int
idvec_equal(const struct idvec *idvec1, const struct idvec *idvec2)
{
	return idvec1->num == idvec2->num &&
	       (idvec1->num == 0 ||
		memcmp(idvec1->ids, idvec2->ids, idvec1->num * sizeof *idvec1->ids) == 0);
}

error_t
idvec_ensure(struct idvec *idvec, unsigned num)
{
	uid_t *ids;

	if (num <= idvec->alloced)
		return 0;
	ids = realloc(idvec->alloced ? idvec->ids : NULL, (size_t) num * sizeof *ids);
	if (!ids)
		return ENOMEM;
	idvec->ids = ids;
	idvec->alloced = num;
	return 0;
}

error_t
idvec_grow(struct idvec *idvec, unsigned inc)
{
	if (inc > ~0u - idvec->num)
		return ENOMEM;
	return idvec_ensure(idvec, idvec->num + inc);
}

int
idvec_tail_contains(const struct idvec *idvec, unsigned pos, uid_t id)
{
	for (unsigned i = pos; i < idvec->num; i++)
		if (idvec->ids[i] == id)
			return 1;
	return 0;
}

int
idvec_contains(const struct idvec *idvec, uid_t id)
{
	return idvec_tail_contains(idvec, 0, id);
}

error_t
idvec_insert(struct idvec *idvec, unsigned pos, uid_t id)
{
	unsigned num = idvec->num;
	unsigned new_num = pos < num ? num + 1 : pos + 1;
	error_t err;

	if (new_num == 0)
		return ENOMEM;	/* POS at the very end of unsigned */
	/* Appending one at a time: make room for as many again. */
	err = idvec_ensure(idvec, idvec->alloced == num && new_num <= ~0u - num
				  ? new_num + num : new_num);
	if (err)
		return err;
	if (pos < num)
		memmove(idvec->ids + pos + 1, idvec->ids + pos, (num - pos) * sizeof (uid_t));
	else if (pos > num)
		memset(idvec->ids + num, 0, (pos - num) * sizeof (uid_t));
	idvec->ids[pos] = id;
	idvec->num = new_num;
	return 0;
}

error_t
idvec_add(struct idvec *idvec, uid_t id)
{
	return idvec_insert(idvec, idvec->num, id);
}

error_t
idvec_add_new(struct idvec *idvec, uid_t id)
{
	return idvec_contains(idvec, id) ? 0 : idvec_add(idvec, id);
}

error_t
idvec_insert_new(struct idvec *idvec, unsigned pos, uid_t id)
{
	return idvec_tail_contains(idvec, pos, id) ? 0 : idvec_insert(idvec, pos, id);
}

error_t
idvec_set_ids(struct idvec *idvec, const uid_t *ids, unsigned num)
{
	error_t err = idvec_ensure(idvec, num);

	if (err)
		return err;
	if (num)
		memmove(idvec->ids, ids, num * sizeof *ids);
	idvec->num = num;
	return 0;
}

error_t
idvec_set(struct idvec *idvec, const struct idvec *new)
{
	return idvec_set_ids(idvec, new->ids, new->num);
}

error_t
idvec_merge_ids(struct idvec *idvec, const uid_t *ids, unsigned num)
{
	/* Only the ids IDVEC held before count as present: duplicates within
	 * IDS are all added, as the Hurd does. */
	unsigned old = idvec->num;
	error_t err = 0;

	for (unsigned i = 0; i < num && !err; i++) {
		bool present = false;

		for (unsigned j = 0; j < old; j++) {
			if (idvec->ids[j] == ids[i]) {
				present = true;
				break;
			}
		}
		if (!present)
			err = idvec_add(idvec, ids[i]);
	}
	return err;
}

error_t
idvec_merge(struct idvec *idvec, const struct idvec *new)
{
	return idvec_merge_ids(idvec, new->ids, new->num);
}

int
idvec_remove(struct idvec *idvec, unsigned pos, uid_t id)
{
	unsigned to = pos;

	if (pos >= idvec->num)
		return 0;
	for (unsigned from = pos; from < idvec->num; from++)
		if (idvec->ids[from] != id)
			idvec->ids[to++] = idvec->ids[from];
	if (to == idvec->num)
		return 0;
	idvec->num = to;
	return 1;
}

int
idvec_subtract(struct idvec *idvec, const struct idvec *sub)
{
	int changed = 0;

	for (unsigned i = 0; i < sub->num; i++)
		changed |= idvec_remove(idvec, 0, sub->ids[i]);
	return changed;
}

int
idvec_keep(struct idvec *idvec, const struct idvec *keep)
{
	unsigned to = 0;

	for (unsigned from = 0; from < idvec->num; from++)
		if (idvec_contains(keep, idvec->ids[from]))
			idvec->ids[to++] = idvec->ids[from];
	if (to == idvec->num)
		return 0;
	idvec->num = to;
	return 1;
}

void
idvec_delete(struct idvec *idvec, unsigned pos)
{
	if (pos >= idvec->num)
		return;
	idvec->num--;
	memmove(idvec->ids + pos, idvec->ids + pos + 1, (idvec->num - pos) * sizeof (uid_t));
}

error_t
idvec_insert_only(struct idvec *idvec, unsigned pos, uid_t id)
{
	if (pos < idvec->num && idvec->ids[pos] == id)
		return 0;
	idvec_remove(idvec, pos, id);
	return idvec_insert(idvec, pos, id);
}

error_t
idvec_setid(struct idvec *eff, struct idvec *avail, uid_t id, int *secure)
{
	bool fresh = !idvec_contains(eff, id) && !idvec_contains(avail, id);
	error_t err;

	if (eff->num > 0) {
		/* ID replaces the effective id, which stays available. */
		err = idvec_add_new(avail, eff->ids[0]);
		if (!err)
			eff->ids[0] = id;
	} else {
		err = idvec_add(eff, id);
	}
	if (!err && avail->num > 0)
		err = idvec_insert_only(avail, 1, id);	/* the saved id */
	if (err)
		return err;
	if (fresh && secure)
		*secure = 1;
	return 0;
}

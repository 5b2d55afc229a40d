/* <idvec.h>: vectors of user or group ids, from the Hurd's
 * libshouldbeinlibc.  libiohelp's struct iouser holds two of them; the
 * auth server and translators use them to build and compare identities.
 * Implemented in libiohelp (lib/iohelp/idvec*.c).
 *
 * An idvec is an ordered list of ids (order matters: the first uid is the
 * effective one); it may hold duplicates unless built with the *_new and
 * merge calls.  IDS is malloc'd, ALLOCED ids long, the first NUM used. */
#ifndef __IDVEC_H__
#define __IDVEC_H__ 1

#include <errno.h>
#include <string.h>
#include <sys/types.h>
#include <hurd/hurd_types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct idvec {
	uid_t *ids;
	unsigned num, alloced;
};

#define IDVEC_INIT { 0 }

/* A new empty idvec, or NULL when memory is short. */
struct idvec *make_idvec(void);

/* Free IDVEC's ids (not IDVEC itself); IDVEC is left empty. */
void idvec_free_contents(struct idvec *idvec);
#define idvec_fini idvec_free_contents

/* Free IDVEC and its ids.  NULL is allowed. */
void idvec_free(struct idvec *idvec);

/* Free the struct IDVEC but not its ids (which someone else owns). */
void idvec_free_wrapper(struct idvec *idvec);

/* Empty IDVEC (keeps its memory). */
void idvec_clear(struct idvec *idvec);

/* Whether IDVEC holds no id. */
int idvec_is_empty(const struct idvec *idvec);

/* Whether both hold the same ids in the same order. */
int idvec_equal(const struct idvec *idvec1, const struct idvec *idvec2);

/* Make room for NUM ids in all (so that adding up to NUM cannot fail).
 * ENOMEM. */
error_t idvec_ensure(struct idvec *idvec, unsigned num);

/* Make room for INC more ids than IDVEC holds.  ENOMEM. */
error_t idvec_grow(struct idvec *idvec, unsigned inc);

/* Whether ID is in IDVEC at position POS or after. */
int idvec_tail_contains(const struct idvec *idvec, unsigned pos, uid_t id);

/* Whether ID is in IDVEC. */
int idvec_contains(const struct idvec *idvec, uid_t id);

/* Insert ID at POS; if POS is past the end, the gap is filled with id 0.
 * ENOMEM. */
error_t idvec_insert(struct idvec *idvec, unsigned pos, uid_t id);

/* Append ID.  ENOMEM. */
error_t idvec_add(struct idvec *idvec, uid_t id);

/* Append ID unless IDVEC holds it already.  ENOMEM. */
error_t idvec_add_new(struct idvec *idvec, uid_t id);

/* Insert ID at POS unless IDVEC holds it at POS or after.  ENOMEM. */
error_t idvec_insert_new(struct idvec *idvec, unsigned pos, uid_t id);

/* Make IDVEC hold exactly the NUM ids at IDS.  ENOMEM (IDVEC unchanged). */
error_t idvec_set_ids(struct idvec *idvec, const uid_t *ids, unsigned num);

/* Make IDVEC a copy of NEW.  ENOMEM (IDVEC unchanged). */
error_t idvec_set(struct idvec *idvec, const struct idvec *new);

/* Append each of the NUM ids at IDS that IDVEC did not hold before the
 * call.  ENOMEM. */
error_t idvec_merge_ids(struct idvec *idvec, const uid_t *ids, unsigned num);

/* Append each id of NEW that IDVEC does not hold.  ENOMEM. */
error_t idvec_merge(struct idvec *idvec, const struct idvec *new);

/* Remove from IDVEC every id in SUB; whether anything changed. */
int idvec_subtract(struct idvec *idvec, const struct idvec *sub);

/* Remove from IDVEC every id not in KEEP; whether anything changed. */
int idvec_keep(struct idvec *idvec, const struct idvec *keep);

/* Remove every ID at POS or after; whether anything changed. */
int idvec_remove(struct idvec *idvec, unsigned pos, uid_t id);

/* Remove the id at POS (nothing if POS is past the end). */
void idvec_delete(struct idvec *idvec, unsigned pos);

/* Put ID at POS, and remove any other occurrence of ID at POS or after.
 * ENOMEM. */
error_t idvec_insert_only(struct idvec *idvec, unsigned pos, uid_t id);

/* setuid on an effective / available pair, as the Hurd's su and login do:
 * ID becomes the first id of EFF and, if AVAIL is not empty, its second
 * (the saved id); the ids replaced are kept in AVAIL.  *SECURE (if SECURE
 * is not NULL) is set to whether ID was in neither vector before.  ENOMEM,
 * leaving both unchanged. */
error_t idvec_setid(struct idvec *eff, struct idvec *avail, uid_t id, int *secure);

/* Merge into each non-NULL vector the matching ids of AUTH (auth_getids). */
error_t idvec_merge_auth(struct idvec *eff_uids, struct idvec *avail_uids,
			 struct idvec *eff_gids, struct idvec *avail_gids,
			 auth_t auth);

/* IDVEC as text: each id as its value, its name (ID_NAME_FN's malloc'd
 * answer, or the value where it has none), or "value(name)" when both
 * SHOW_VALUES and SHOW_NAMES; separated by SEP (default ",").  A malloc'd
 * string, or NULL when memory is short. */
char *idvec_rep(const struct idvec *idvec, int show_values, int show_names,
		char *(*id_name_fn)(uid_t id), const char *sep);

/* idvec_rep with user / group names from the password / group database. */
char *idvec_uids_rep(const struct idvec *idvec, int show_values, int show_names,
		     const char *sep);
char *idvec_gids_rep(const struct idvec *idvec, int show_values, int show_names,
		     const char *sep);

#ifdef __cplusplus
}
#endif

#endif /* __IDVEC_H__ */

/* Auth handles: making them, and the two RPCs that only read them
 * (auth_getids, auth_makeauth).
 *
 * A handle's four id vectors are stored right after its struct port_info,
 * in the one allocation libports makes for the port.  libports frees that
 * memory only after every manager thread has finished the message it held
 * when the last reference went, so an RPC may hand a vector's address to
 * MIG for the reply it is about to send.  Handles are never changed after
 * auth_handle_create returns, so they need no lock.  */
#include "auth.h"

#include <mach/mig_errors.h>
#include <stdlib.h>
#include <string.h>

#include "auth_S.h"

struct port_bucket *auth_bucket;
struct port_class *authhandle_class;

/* An id and where it stood, for the order-keeping duplicate removal.  */
struct id_at {
	uid_t id;
	mach_msg_type_number_t pos;
};

static int
id_at_compare(const void *a, const void *b)
{
	const struct id_at *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Copy the N ids at IDS to OUT keeping only the first of equal ids, in
 * their order; *KEPT is how many were written.  O(N log N), so a hostile
 * request of AUTH_IDS_MAX ids costs little.  ENOMEM.  */
static error_t
ids_merge_copy(const uid_t *ids, mach_msg_type_number_t n, uid_t *out,
	       mach_msg_type_number_t *kept)
{
	if (n <= 1) {
		memcpy(out, ids, n * sizeof *ids);
		*kept = n;
		return 0;
	}
	struct id_at *sorted = malloc(n * sizeof *sorted);
	bool *keep = calloc(n, sizeof *keep);
	if (!sorted || !keep) {
		free(sorted);
		free(keep);
		return ENOMEM;
	}
	for (mach_msg_type_number_t i = 0; i < n; i++)
		sorted[i] = (struct id_at) { ids[i], i };
	qsort(sorted, n, sizeof *sorted, id_at_compare);
	for (mach_msg_type_number_t i = 0; i < n; i++)
		if (i == 0 || sorted[i].id != sorted[i - 1].id)
			keep[sorted[i].pos] = true;
	mach_msg_type_number_t k = 0;
	for (mach_msg_type_number_t i = 0; i < n; i++)
		if (keep[i])
			out[k++] = ids[i];
	*kept = k;
	free(sorted);
	free(keep);
	return 0;
}

error_t
auth_handle_create(const uid_t *const ids[AUTH_NIDVECS],
		   const mach_msg_type_number_t counts[AUTH_NIDVECS],
		   bool merge, struct authhandle **result)
{
	size_t total = 0;
	for (int v = 0; v < AUTH_NIDVECS; v++) {
		if (counts[v] > AUTH_IDS_MAX)
			return EINVAL;
		total += counts[v];
	}

	struct authhandle *h;
	error_t err = ports_create_port(authhandle_class, auth_bucket,
					sizeof *h + total * sizeof(uid_t), &h);
	if (err)
		return err;

	/* Fill the vectors one after the other; merging only shortens them,
	 * so each fits in the room its count reserved.  */
	uid_t *next = h->storage;
	for (int v = 0; v < AUTH_NIDVECS; v++) {
		h->ids[v] = next;
		if (merge) {
			err = ids_merge_copy(ids[v], counts[v], next, &h->nids[v]);
			if (err) {
				/* The port is not handed out: dropping our
				 * reference destroys it.  */
				for (int w = v; w < AUTH_NIDVECS; w++)
					h->nids[w] = 0;
				ports_port_deref(h);
				return err;
			}
		} else {
			memcpy(next, ids[v], counts[v] * sizeof(uid_t));
			h->nids[v] = counts[v];
		}
		next += h->nids[v];
	}
	*result = h;
	return 0;
}

static bool
ids_contain(const uid_t *ids, mach_msg_type_number_t n, uid_t id)
{
	for (mach_msg_type_number_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

bool
auth_handle_is_root(const struct authhandle *h)
{
	return ids_contain(h->ids[AUTH_EUIDS], h->nids[AUTH_EUIDS], 0) ||
	       ids_contain(h->ids[AUTH_AUIDS], h->nids[AUTH_AUIDS], 0);
}

struct authhandle *
auth_begin_using_handle(mach_port_t port)
{
	return ports_lookup_port(auth_bucket, port, authhandle_class);
}

struct authhandle *
auth_begin_using_handle_payload(uintptr_t payload)
{
	return ports_lookup_payload(auth_bucket, payload, authhandle_class);
}

void
auth_end_using_handle(struct authhandle *h)
{
	if (h)
		ports_port_deref(h);
}

/* Give vector V of H as an out-array of an RPC.  MIG offers an in-line
 * buffer of *COUNT ids at *IDS; a vector is copied there only while the
 * reply's in-line part stays under INLINE_BUDGET bytes in all (*USED counts
 * it), otherwise *IDS points at the handle's own storage and MIG sends it
 * out of line (copied: idarray_t is not dealloc).  The budget keeps the
 * largest reply well inside libports' message buffer whatever the mix of
 * vector sizes.  */
#define INLINE_BUDGET 4096

static void
give_ids(const struct authhandle *h, enum auth_idvec v, uid_t **ids,
	 mach_msg_type_number_t *count, size_t *used)
{
	size_t bytes = h->nids[v] * sizeof(uid_t);
	if (h->nids[v] <= *count && *used + bytes <= INLINE_BUDGET) {
		memcpy(*ids, h->ids[v], bytes);
		*used += bytes;
	} else {
		*ids = h->ids[v];
	}
	*count = h->nids[v];
}

/* Implement auth_getids as described in <hurd/auth.defs>.  EOPNOTSUPP
 * when the request did not come to a handle.  */
kern_return_t
S_auth_getids(struct authhandle *h, idarray_t *euids, mach_msg_type_number_t *neuids,
	      idarray_t *auids, mach_msg_type_number_t *nauids,
	      idarray_t *egids, mach_msg_type_number_t *negids,
	      idarray_t *agids, mach_msg_type_number_t *nagids)
{
	if (!h)
		return EOPNOTSUPP;
	size_t used = 0;
	give_ids(h, AUTH_EUIDS, euids, neuids, &used);
	give_ids(h, AUTH_AUIDS, auids, nauids, &used);
	give_ids(h, AUTH_EGIDS, egids, negids, &used);
	give_ids(h, AUTH_AGIDS, agids, nagids, &used);
	return 0;
}

static int
uid_compare(const void *a, const void *b)
{
	uid_t x = *(const uid_t *) a, y = *(const uid_t *) b;
	return x < y ? -1 : x > y;
}

/* Whether every id of WANT_A (NA ids) and WANT_B (NB ids) is in vector V1
 * or V2 of one of the NH handles HANDLES (NULL entries are skipped).
 * Sorts the wanted ids once and looks each handle id up in them, so the
 * cost is O((wanted + held) log wanted).  ENOMEM through *ERR.  */
static bool
ids_covered(const uid_t *want_a, mach_msg_type_number_t na,
	    const uid_t *want_b, mach_msg_type_number_t nb,
	    struct authhandle *const *handles, size_t nh,
	    enum auth_idvec v1, enum auth_idvec v2, error_t *err)
{
	size_t n = (size_t) na + nb;
	if (n == 0)
		return true;
	uid_t *want = malloc(n * sizeof *want);
	bool *found = NULL;
	bool covered = false;
	if (!want)
		goto nomem;
	memcpy(want, want_a, na * sizeof *want);
	memcpy(want + na, want_b, nb * sizeof *want);
	qsort(want, n, sizeof *want, uid_compare);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (m == 0 || want[m - 1] != want[i])
			want[m++] = want[i];
	found = calloc(m, sizeof *found);
	if (!found)
		goto nomem;

	for (size_t i = 0; i < nh; i++) {
		if (!handles[i])
			continue;
		enum auth_idvec vs[2] = { v1, v2 };
		for (int k = 0; k < 2; k++)
			for (mach_msg_type_number_t j = 0; j < handles[i]->nids[vs[k]]; j++) {
				uid_t *hit = bsearch(&handles[i]->ids[vs[k]][j], want, m,
						     sizeof *want, uid_compare);
				if (hit)
					found[hit - want] = true;
			}
	}
	covered = true;
	for (size_t i = 0; i < m; i++)
		if (!found[i])
			covered = false;
	free(want);
	free(found);
	return covered;
nomem:
	free(want);
	*err = ENOMEM;
	return false;
}

/* Implement auth_makeauth as described in <hurd/auth.defs>: a new handle
 * with exactly the ids asked for (each vector without repeats), if H and
 * the handles among OTHERS together hold them all (a uid in their
 * effective or available uids, a gid in their effective or available
 * gids) or hold uid 0.  Ports in OTHERS that are not handles count for
 * nothing, as on the Hurd.  On success the rights in OTHERS are consumed.
 *
 * EOPNOTSUPP when the request did not come to a handle; EPERM when an id
 * is not held; EINVAL when a vector has more than AUTH_IDS_MAX ids or
 * OTHERS more than AUTH_MAKEAUTH_HANDLES_MAX ports; ENOMEM.  */
kern_return_t
S_auth_makeauth(struct authhandle *h, const_portarray_t others, mach_msg_type_number_t nothers,
		const_idarray_t euids, mach_msg_type_number_t neuids,
		const_idarray_t auids, mach_msg_type_number_t nauids,
		const_idarray_t egids, mach_msg_type_number_t negids,
		const_idarray_t agids, mach_msg_type_number_t nagids,
		mach_port_t *newhandle)
{
	if (!h)
		return EOPNOTSUPP;
	if (nothers > AUTH_MAKEAUTH_HANDLES_MAX || neuids > AUTH_IDS_MAX ||
	    nauids > AUTH_IDS_MAX || negids > AUTH_IDS_MAX || nagids > AUTH_IDS_MAX)
		return EINVAL;

	size_t nh = 1 + (size_t) nothers;
	struct authhandle **handles = calloc(nh, sizeof *handles);
	if (!handles)
		return ENOMEM;
	handles[0] = h;
	bool root = auth_handle_is_root(h);
	for (size_t i = 1; i < nh; i++) {
		handles[i] = ports_lookup_port(auth_bucket, others[i - 1], authhandle_class);
		if (handles[i] && auth_handle_is_root(handles[i]))
			root = true;
	}

	error_t err = 0;
	if (!root &&
	    (!ids_covered(euids, neuids, auids, nauids, handles, nh, AUTH_EUIDS, AUTH_AUIDS, &err) ||
	     !ids_covered(egids, negids, agids, nagids, handles, nh, AUTH_EGIDS, AUTH_AGIDS, &err)))
		err = err ? err : EPERM;

	struct authhandle *made = NULL;
	if (!err) {
		const uid_t *const ids[AUTH_NIDVECS] = { euids, auids, egids, agids };
		const mach_msg_type_number_t counts[AUTH_NIDVECS] = { neuids, nauids, negids, nagids };
		err = auth_handle_create(ids, counts, true, &made);
	}

	for (size_t i = 1; i < nh; i++)
		if (handles[i])
			ports_port_deref(handles[i]);
	free(handles);
	if (err)
		return err;

	/* Success: the request's rights are ours to drop.  */
	for (mach_msg_type_number_t i = 0; i < nothers; i++)
		if (MACH_PORT_VALID(others[i]))
			mach_port_deallocate(mach_task_self(), others[i]);
	*newhandle = ports_get_right(made);
	ports_port_deref(made);
	return 0;
}

/* <refcount.h>: the Hurd's lock-free reference counters (from its
 * libshouldbeinlibc), used by libports (struct port_info.refcounts) and by
 * translators that count references the same way.
 *
 * refcount_t counts one kind of reference.  refcounts_t counts two kinds,
 * hard and weak, in one 64-bit word so that both change in one atomic
 * operation: an object is dead exactly when both counts reach zero, and a
 * caller learns both counts as they stood after its own change (through
 * RESULT, which may be NULL), never a mix of two moments.
 *
 * The functions named *_unsafe_* may be used on a counter that might be
 * zero (an object found through a table whose holder takes a reference);
 * the others assume the caller already holds a reference and abort when
 * the count shows otherwise, catching a use after free early. */
#ifndef _HURD_REFCOUNT_H
#define _HURD_REFCOUNT_H 1

#include <assert.h>
#include <limits.h>
#include <stdint.h>

/* One kind of reference. */
typedef unsigned int refcount_t;

static inline void
refcount_init(refcount_t *ref, unsigned int references)
{
	__atomic_store_n(ref, references, __ATOMIC_RELAXED);
}

/* Add a reference; the count may have been zero.  Returns the new count. */
static inline unsigned int
refcount_unsafe_ref(refcount_t *ref)
{
	unsigned int r = __atomic_add_fetch(ref, 1, __ATOMIC_RELAXED);

	assert(r != 0 && "refcount overflow");
	return r;
}

/* Add a reference the caller can already vouch for.  Returns the new count. */
static inline unsigned int
refcount_ref(refcount_t *ref)
{
	unsigned int r = refcount_unsafe_ref(ref);

	assert(r != 1 && "refcount_ref on a dead object");
	return r;
}

/* Drop a reference.  Returns the new count; the caller that sees 0 owns
 * the object's end.  Release ordering makes the caller's earlier writes
 * visible to whoever frees. */
static inline unsigned int
refcount_deref(refcount_t *ref)
{
	unsigned int r = __atomic_sub_fetch(ref, 1, __ATOMIC_ACQ_REL);

	assert(r != UINT_MAX && "refcount underflow");
	return r;
}

static inline unsigned int
refcount_references(refcount_t *ref)
{
	return __atomic_load_n(ref, __ATOMIC_RELAXED);
}

/* Hard and weak references together.  The hard count is the high half of
 * VALUE, the weak count the low half, whatever the byte order. */
struct references {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	uint32_t hard;
	uint32_t weak;
#else
	uint32_t weak;
	uint32_t hard;
#endif
};

union _references {
	struct references references;
	uint64_t value;
};
typedef union _references refcounts_t;

#define REFCOUNTS_HARD_ONE ((uint64_t) 1 << 32)
#define REFCOUNTS_WEAK_ONE ((uint64_t) 1)

static inline void
refcounts_init(refcounts_t *ref, uint32_t hard, uint32_t weak)
{
	__atomic_store_n(&ref->value, ((uint64_t) hard << 32) | weak, __ATOMIC_RELAXED);
}

static inline void
refcounts_split_(uint64_t value, struct references *result)
{
	if (result) {
		result->hard = (uint32_t) (value >> 32);
		result->weak = (uint32_t) value;
	}
}

/* Add a hard reference; both counts may have been zero. */
static inline void
refcounts_unsafe_ref(refcounts_t *ref, struct references *result)
{
	uint64_t v = __atomic_add_fetch(&ref->value, REFCOUNTS_HARD_ONE, __ATOMIC_RELAXED);

	assert((v >> 32) != 0 && "refcounts hard overflow");
	refcounts_split_(v, result);
}

/* Add a hard reference to an object the caller holds a reference to. */
static inline void
refcounts_ref(refcounts_t *ref, struct references *result)
{
	struct references r;

	refcounts_unsafe_ref(ref, &r);
	assert(!(r.hard == 1 && r.weak == 0) && "refcounts_ref on a dead object");
	if (result)
		*result = r;
}

/* Drop a hard reference. */
static inline void
refcounts_deref(refcounts_t *ref, struct references *result)
{
	uint64_t v = __atomic_sub_fetch(&ref->value, REFCOUNTS_HARD_ONE, __ATOMIC_ACQ_REL);

	assert((v >> 32) != UINT32_MAX && "refcounts hard underflow");
	refcounts_split_(v, result);
}

/* Turn one of the caller's weak references into a hard one, atomically. */
static inline void
refcounts_promote(refcounts_t *ref, struct references *result)
{
	uint64_t v = __atomic_add_fetch(&ref->value, REFCOUNTS_HARD_ONE - REFCOUNTS_WEAK_ONE,
					__ATOMIC_RELAXED);

	assert((uint32_t) v != UINT32_MAX && "refcounts_promote without a weak reference");
	refcounts_split_(v, result);
}

/* Turn one of the caller's hard references into a weak one, atomically:
 * unlike a deref followed by a weak ref, the object never looks dead. */
static inline void
refcounts_demote(refcounts_t *ref, struct references *result)
{
	uint64_t v = __atomic_add_fetch(&ref->value, REFCOUNTS_WEAK_ONE - REFCOUNTS_HARD_ONE,
					__ATOMIC_ACQ_REL);

	assert((v >> 32) != UINT32_MAX && "refcounts_demote without a hard reference");
	refcounts_split_(v, result);
}

/* Add a weak reference; both counts may have been zero. */
static inline void
refcounts_unsafe_ref_weak(refcounts_t *ref, struct references *result)
{
	uint64_t v = __atomic_add_fetch(&ref->value, REFCOUNTS_WEAK_ONE, __ATOMIC_RELAXED);

	assert((uint32_t) v != 0 && "refcounts weak overflow");
	refcounts_split_(v, result);
}

/* Add a weak reference to an object the caller holds a reference to. */
static inline void
refcounts_ref_weak(refcounts_t *ref, struct references *result)
{
	struct references r;

	refcounts_unsafe_ref_weak(ref, &r);
	assert(!(r.hard == 0 && r.weak == 1) && "refcounts_ref_weak on a dead object");
	if (result)
		*result = r;
}

/* Drop a weak reference. */
static inline void
refcounts_deref_weak(refcounts_t *ref, struct references *result)
{
	uint64_t v = __atomic_sub_fetch(&ref->value, REFCOUNTS_WEAK_ONE, __ATOMIC_ACQ_REL);

	assert((uint32_t) v != UINT32_MAX && "refcounts weak underflow");
	refcounts_split_(v, result);
}

/* Both counts as they are now. */
static inline void
refcounts_references(refcounts_t *ref, struct references *result)
{
	refcounts_split_(__atomic_load_n(&ref->value, __ATOMIC_RELAXED), result);
}

static inline uint32_t
refcounts_hard_references(refcounts_t *ref)
{
	struct references r;

	refcounts_references(ref, &r);
	return r.hard;
}

static inline uint32_t
refcounts_weak_references(refcounts_t *ref)
{
	struct references r;

	refcounts_references(ref, &r);
	return r.weak;
}

#endif /* _HURD_REFCOUNT_H */

/* Intrusive circular doubly linked lists.  An empty list's head points at
 * itself; a node that is on no list points at itself too, so
 * list_unlinked() tells whether a node is queued anywhere. */
#ifndef MACHD_UTIL_LIST_H
#define MACHD_UTIL_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list {
	struct list *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list *l) { l->next = l->prev = l; }
static inline bool list_empty(const struct list *l) { return l->next == l; }
static inline bool list_unlinked(const struct list *n) { return n->next == n; }

static inline void
list_insert_before(struct list *pos, struct list *n)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}

static inline void list_push_back(struct list *l, struct list *n) { list_insert_before(l, n); }
static inline void list_push_front(struct list *l, struct list *n) { list_insert_before(l->next, n); }

static inline void
list_remove(struct list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#define list_entry(ptr, type, member) \
	((type *) ((char *) (ptr) - offsetof(type, member)))
#define list_first_entry(l, type, member) list_entry((l)->next, type, member)

/* Iterate; the body must not remove nodes. */
#define list_for_each(pos, l) \
	for ((pos) = (l)->next; (pos) != (l); (pos) = (pos)->next)

/* Iterate; the body may remove the current node. */
#define list_for_each_safe(pos, tmp, l) \
	for ((pos) = (l)->next, (tmp) = (pos)->next; (pos) != (l); \
	     (pos) = (tmp), (tmp) = (pos)->next)

#endif

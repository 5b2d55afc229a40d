/* IPC spaces.
 *
 * A space maps names to entries (struct ipc_entry).  A name means something
 * only in its own space.  A port to which the space holds send or receive
 * rights has one name there (name coalescing), found through the reverse
 * map; send-once rights and dead names each get a name of their own.
 *
 * Names are allocated upward from 1, wrapping, skipping names in use and
 * MACH_PORT_DEAD, so a freed name is not handed out again soon after (a
 * stale name held by buggy code then more likely fails than aliases).
 *
 * The kernel space holds the receive rights of the ports machd serves itself
 * (task, thread and host ports) and, while a kernel RPC is being served, the
 * rights of its request and reply.
 */
#include "space.h"
#include "right.h"
#include "../util/alloc.h"
#include "../util/assert.h"

struct ipc_space *ipc_space_kernel;

struct ipc_space *
ipc_space_create(struct task *task)
{
	struct ipc_space *space = machd_zalloc(sizeof *space);

	space->active = true;
	space->task = task;
	hashmap_init(&space->names);
	hashmap_init(&space->reverse);
	space->next_name = 1;
	return space;
}

struct ipc_entry *
ipc_entry_lookup(struct ipc_space *space, mach_port_name_t name)
{
	struct ipc_entry *entry;

	if (!MACH_PORT_NAME_VALID(name))
		return NULL;
	entry = hashmap_get(&space->names, name);
	if (entry)
		ipc_right_check(space, entry);
	return entry;
}

struct ipc_entry *
ipc_entry_reverse(struct ipc_space *space, struct ipc_port *port)
{
	return hashmap_get(&space->reverse, (uintptr_t) port);
}

static struct ipc_entry *
entry_new(struct ipc_space *space, mach_port_name_t name)
{
	struct ipc_entry *entry = machd_zalloc(sizeof *entry);

	entry->name = name;
	hashmap_put(&space->names, name, entry);
	ipc_counts.entries++;
	return entry;
}

struct ipc_entry *
ipc_entry_alloc(struct ipc_space *space)
{
	mach_port_name_t name = space->next_name;

	/* At most 2^32 - 2 names: the loop finds a free one unless the space
	 * is full, which the per-task limit in right.c prevents. */
	while (!MACH_PORT_NAME_VALID(name) || hashmap_get(&space->names, name))
		name++;
	space->next_name = name + 1;
	return entry_new(space, name);
}

struct ipc_entry *
ipc_entry_alloc_name(struct ipc_space *space, mach_port_name_t name)
{
	MACHD_ASSERT(MACH_PORT_NAME_VALID(name));
	if (hashmap_get(&space->names, name))
		return NULL;
	return entry_new(space, name);
}

void
ipc_entry_dealloc(struct ipc_space *space, struct ipc_entry *entry)
{
	MACHD_ASSERT(entry->type == 0 && entry->object == NULL);
	hashmap_remove(&space->names, entry->name);
	ipc_counts.entries--;
	machd_free(entry);
}

void
ipc_entry_maybe_dealloc(struct ipc_space *space, struct ipc_entry *entry)
{
	if ((entry->type & MACH_PORT_TYPE_ALL_RIGHTS) == 0) {
		MACHD_ASSERT(!entry->dnrequest);
		entry->type = 0;
		entry->object = NULL;
		ipc_entry_dealloc(space, entry);
	}
}

void
ipc_entry_reverse_set(struct ipc_space *space, struct ipc_entry *entry)
{
	uint64_t key = (uintptr_t) entry->object;

	if (!hashmap_get(&space->reverse, key))
		hashmap_put(&space->reverse, key, entry);
}

void
ipc_entry_reverse_clear(struct ipc_space *space, struct ipc_entry *entry)
{
	uint64_t key = (uintptr_t) entry->object;

	if (hashmap_get(&space->reverse, key) == entry)
		hashmap_remove(&space->reverse, key);
}

size_t
ipc_space_size(const struct ipc_space *space)
{
	return space->names.count;
}

void
ipc_space_destroy(struct ipc_space *space)
{
	MACHD_ASSERT(space->active);
	space->active = false;

	/* Destroying a right can send notifications to ports of this very
	 * space (they die with it), and can destroy ports whose queued
	 * messages carry rights; none of that touches this space's map any
	 * more, since it is inactive.  Take the entries out first, then clean
	 * each. */
	size_t n = space->names.count, i = 0, iter = 0;
	struct ipc_entry **entries = machd_alloc((n ? n : 1) * sizeof *entries);
	uint64_t key;
	void *value;

	while (hashmap_next(&space->names, &iter, &key, &value))
		entries[i++] = value;
	MACHD_ASSERT(i == n);
	hashmap_destroy(&space->names);
	hashmap_destroy(&space->reverse);

	for (i = 0; i < n; i++) {
		ipc_right_clean(space, entries[i]);
		ipc_counts.entries--;
		machd_free(entries[i]);
	}
	machd_free(entries);
	machd_free(space);
}

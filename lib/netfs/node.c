/* Nodes: creation and references.
 *
 * A node's refcounts hold hard references (users: peropens, lookups in
 * progress) and light ones (holders of the memory only, such as a
 * translator's node cache).  Lifecycle:
 *   in use      hard > 0;
 *   dropping    the last hard reference went: netfs_try_dropping_softrefs
 *               runs with the node locked, so the translator can take it
 *               out of its cache (and drop the cache's light reference)
 *               unless someone found it there again meanwhile;
 *   dead        hard == 0 and light == 0: netfs_drop_node frees it.
 * During the drop the releasing thread holds a light reference of its own
 * (refcounts_demote turns its hard reference into a light one), so the
 * node cannot vanish under netfs_try_dropping_softrefs. */
#include <stdlib.h>
#include "priv.h"

static struct node *
node_init(struct node *np, struct netnode *nn)
{
	np->next = NULL;
	np->prevp = NULL;
	np->nn = nn;
	np->nn_translated = 0;
	pthread_mutex_init(&np->lock, NULL);
	refcounts_init(&np->refcounts, 1, 0);
	np->sockaddr = MACH_PORT_NULL;
	np->owner = 0;
	fshelp_transbox_init(&np->transbox, &np->lock, np);
	fshelp_rlock_init(&np->userlock);
	iohelp_initialize_conch(&np->conch, &np->lock);
	np->dirmod_reqs = NULL;
	return np;
}

struct node *
netfs_make_node(struct netnode *nn)
{
	struct node *np = calloc(1, sizeof *np);

	return np ? node_init(np, nn) : NULL;
}

struct node *
netfs_make_node_alloc(size_t size)
{
	struct node *np = calloc(1, sizeof *np + size);

	return np ? node_init(np, netfs_node_netnode(np)) : NULL;
}

void
netfs_nref(struct node *np)
{
	refcounts_ref(&np->refcounts, NULL);
}

void
netfs_nref_light(struct node *np)
{
	refcounts_ref_weak(&np->refcounts, NULL);
}

void
netfs_drop_node(struct node *np)
{
	fshelp_drop_transbox(&np->transbox);
	if (np->sockaddr != MACH_PORT_NULL)
		mach_port_deallocate(mach_task_self(), np->sockaddr);
	np->sockaddr = MACH_PORT_NULL;
	/* The translator frees the node (and may unlock it first). */
	netfs_node_norefs(np);
}

/* Drop a hard reference of NP; LOCKED says whether the caller holds NP's
 * lock (which is released in every case). */
static void
node_release(struct node *np, int locked)
{
	struct references result;

	refcounts_demote(&np->refcounts, &result);
	if (result.hard == 0) {
		if (!locked)
			pthread_mutex_lock(&np->lock);
		locked = 1;
		netfs_try_dropping_softrefs(np);
	}
	refcounts_deref_weak(&np->refcounts, &result);
	if (result.hard == 0 && result.weak == 0) {
		if (!locked)
			pthread_mutex_lock(&np->lock);
		netfs_drop_node(np);
	} else if (locked) {
		pthread_mutex_unlock(&np->lock);
	}
}

void
netfs_nrele(struct node *np)
{
	node_release(np, 0);
}

void
netfs_nput(struct node *np)
{
	node_release(np, 1);
}

void
netfs_nrele_light(struct node *np)
{
	struct references result;

	refcounts_deref_weak(&np->refcounts, &result);
	if (result.hard == 0 && result.weak == 0) {
		pthread_mutex_lock(&np->lock);
		netfs_drop_node(np);
	}
}

void __attribute__((weak))
netfs_try_dropping_softrefs(struct node *np)
{
	(void) np;
}

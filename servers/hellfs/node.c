/* FUSE inodes: the Hurd nodes Linux knows, and the ports they hold.
 *
 * The kernel keeps an inode for as long as it likes (until memory
 * pressure, or the unmount), so holding a port for every inode would let
 * `find` over a big tree grow machd's port count, and rootfs's nodes, with
 * the tree.  Instead a node keeps its port only while it is among the
 * max_ports most recently used; an evicted node finds its port again by
 * looking its name up in its parent (whose own port may need finding in
 * turn, up to the root, which never loses its port).  A node found again
 * must be the same Hurd node (same st_fsid and st_ino), else the
 * operation gets ESTALE: the name now leads elsewhere, as after a rename
 * by another Hurd client.
 *
 * FUSE inode numbers are the nodes' addresses (the root is FUSE_ROOT_ID):
 * the kernel never uses an inode number after it forgot it.
 *
 * Locking: table_lock guards the hash table, the LRU list and every
 * node's mutable fields.  No RPC is made while it is held, except the
 * mach_port_deallocate of an evicted port, which machd answers at once.  */
#include "hellfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#define HASH_SIZE 4096		/* buckets; chains grow past that */

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hellfs_node *hash[HASH_SIZE];
static struct hellfs_node *lru_head, *lru_tail;	/* most recent first */
static unsigned long port_count;
static struct hellfs_node *root;

static size_t
bucket(uint64_t fsid, uint64_t ino)
{
	uint64_t h = (fsid * 0x9e3779b97f4a7c15ull) ^ (ino * 0xc2b2ae3d27d4eb4full);

	return (size_t) (h ^ (h >> 29)) % HASH_SIZE;
}

uint64_t
hellfs_linux_ino(uint64_t fsid, uint64_t ino)
{
	uint64_t h;

	if (fsid == hellfs_rootfs_fsid)
		return ino;
	/* Another translator numbers its nodes from its own small range:
	 * keep them apart from rootfs's (the Linux inodes) and from each
	 * other, so that find and tar do not take two nodes for one.  */
	h = fsid * 0x9e3779b97f4a7c15ull;
	return (1ull << 63) | ((h ^ (h >> 31)) & 0x7fffffff00000000ull) | (ino & 0xffffffffull);
}

/* ---- the LRU of nodes holding ports (table_lock held) --------------- */

static void
lru_unlink(struct hellfs_node *np)
{
	if (np->lru_prev)
		np->lru_prev->lru_next = np->lru_next;
	else if (lru_head == np)
		lru_head = np->lru_next;
	if (np->lru_next)
		np->lru_next->lru_prev = np->lru_prev;
	else if (lru_tail == np)
		lru_tail = np->lru_prev;
	np->lru_prev = np->lru_next = NULL;
}

static void
lru_push(struct hellfs_node *np)
{
	np->lru_prev = NULL;
	np->lru_next = lru_head;
	if (lru_head)
		lru_head->lru_prev = np;
	lru_head = np;
	if (!lru_tail)
		lru_tail = np;
}

static void
lru_touch(struct hellfs_node *np)
{
	if (np == root || lru_head == np)
		return;
	lru_unlink(np);
	lru_push(np);
}

/* Give NP a port it did not have.  Returns the port to give back (one
 * evicted to stay under max_ports), or MACH_PORT_NULL.  */
static mach_port_t
port_install(struct hellfs_node *np, mach_port_t port)
{
	mach_port_t drop = MACH_PORT_NULL;

	np->port = port;
	port_count++;
	if (np == root)
		return MACH_PORT_NULL;
	lru_push(np);
	if (port_count > hellfs_opt.max_ports) {
		/* The least recently used node not in use gives its port up. */
		for (struct hellfs_node *v = lru_tail; v; v = v->lru_prev) {
			if (v->busy || v == np)
				continue;
			drop = v->port;
			v->port = MACH_PORT_NULL;
			lru_unlink(v);
			port_count--;
			break;
		}
	}
	return drop;
}

static void
port_drop(mach_port_t port)
{
	if (MACH_PORT_VALID(port))
		mach_port_deallocate(mach_task_self(), port);
}

/* ---- lifetime --------------------------------------------------------- */

/* Free NP if nothing needs it (table_lock held).  Returns its parent, whose
 * reference the caller must put, and its port, to be given back.  */
static struct hellfs_node *
maybe_free(struct hellfs_node *np, mach_port_t *port)
{
	struct hellfs_node *parent;

	*port = MACH_PORT_NULL;
	if (np->nlookup || np->refs || np == root)
		return NULL;
	struct hellfs_node **pp = &hash[bucket(np->fsid, np->ino)];

	while (*pp != np)
		pp = &(*pp)->hash_next;
	*pp = np->hash_next;
	if (MACH_PORT_VALID(np->port)) {
		lru_unlink(np);
		port_count--;
		*port = np->port;
	}
	parent = np->parent;
	free(np->name);
	free(np);
	return parent;
}

/* Drop a reference (table_lock not held), freeing up the parent chain as
 * far as nothing else needs it.  */
static void
node_unref_chain(struct hellfs_node *np)
{
	while (np) {
		mach_port_t port;
		struct hellfs_node *parent;

		pthread_mutex_lock(&table_lock);
		np->refs--;
		parent = maybe_free(np, &port);
		pthread_mutex_unlock(&table_lock);
		port_drop(port);
		np = parent;
	}
}

error_t
hellfs_node_init_root(mach_port_t port)
{
	io_statbuf_t st;
	error_t err = io_stat(port, &st);

	if (err)
		return err;
	root = calloc(1, sizeof *root);
	if (!root)
		return ENOMEM;
	root->fsid = st.st_fsid;
	root->ino = st.st_ino;
	root->type = st.st_mode & S_IFMT;
	root->port = port;
	root->nlookup = 1;	/* the kernel's, never forgotten */
	port_count = 1;
	hash[bucket(root->fsid, root->ino)] = root;	/* a name may lead back to it */
	return 0;
}

struct hellfs_node *
hellfs_node_root(void)
{
	return root;
}

fuse_ino_t
hellfs_node_ino(const struct hellfs_node *np)
{
	return np == root ? FUSE_ROOT_ID : (fuse_ino_t) (uintptr_t) np;
}

struct hellfs_node *
hellfs_node_get(fuse_ino_t ino)
{
	struct hellfs_node *np = ino == FUSE_ROOT_ID ? root : (struct hellfs_node *) (uintptr_t) ino;

	if (!np)
		return NULL;
	pthread_mutex_lock(&table_lock);
	np->refs++;
	pthread_mutex_unlock(&table_lock);
	return np;
}

void
hellfs_node_put(struct hellfs_node *np)
{
	node_unref_chain(np);
}

/* Whether NP is DIR or one of its ancestors (table_lock held): a name
 * that leads up the tree (a firmlink to an ancestor) must not become NP's
 * way back, or the tree of parents would have a cycle.  */
static bool
is_ancestor(const struct hellfs_node *np, const struct hellfs_node *dir)
{
	for (; dir; dir = dir->parent)
		if (dir == np)
			return true;
	return false;
}

struct hellfs_node *
hellfs_node_enter(struct hellfs_node *parent, const char *name, mach_port_t port,
		  const io_statbuf_t *st)
{
	struct hellfs_node *np, *oldparent = NULL;
	mach_port_t drop = MACH_PORT_NULL;
	size_t b = bucket(st->st_fsid, st->st_ino);

	pthread_mutex_lock(&table_lock);
	for (np = hash[b]; np; np = np->hash_next)
		if (np->fsid == st->st_fsid && np->ino == st->st_ino)
			break;
	if (np) {
		/* Known: it keeps its port, or takes this one if it had none. */
		if (!MACH_PORT_VALID(np->port))
			drop = port_install(np, port);
		else
			drop = port;
		/* The name it was last found by serves to find it again (a
		 * hard link's other name, a rename by another client).  */
		if (np != root && !is_ancestor(np, parent) &&
		    (np->parent != parent || strcmp(np->name, name) != 0)) {
			char *copy = strdup(name);

			if (copy) {
				free(np->name);
				np->name = copy;
				if (np->parent != parent) {
					oldparent = np->parent;
					np->parent = parent;
					parent->refs++;
				}
			}
		}
		np->nlookup++;
		np->refs++;
		lru_touch(np);
		pthread_mutex_unlock(&table_lock);
		port_drop(drop);
		node_unref_chain(oldparent);
		return np;
	}
	np = calloc(1, sizeof *np);
	if (np)
		np->name = strdup(name);
	if (!np || !np->name) {
		pthread_mutex_unlock(&table_lock);
		if (np)
			free(np);
		port_drop(port);
		return NULL;
	}
	np->fsid = st->st_fsid;
	np->ino = st->st_ino;
	np->type = st->st_mode & S_IFMT;
	np->parent = parent;
	parent->refs++;
	np->nlookup = 1;
	np->refs = 1;
	np->hash_next = hash[b];
	hash[b] = np;
	drop = port_install(np, port);
	pthread_mutex_unlock(&table_lock);
	port_drop(drop);
	return np;
}

void
hellfs_node_forget(struct hellfs_node *np, uint64_t nlookup)
{
	mach_port_t port;
	struct hellfs_node *parent;

	pthread_mutex_lock(&table_lock);
	np->nlookup = nlookup > np->nlookup ? 0 : np->nlookup - nlookup;
	parent = maybe_free(np, &port);
	pthread_mutex_unlock(&table_lock);
	port_drop(port);
	node_unref_chain(parent);
}

/* Find NP's port again from its parent and name: NP is busy, so it stays;
 * its parent is held through NP.  */
static error_t
refind(struct hellfs_node *np, mach_port_t *port)
{
	struct hellfs_node *parent;
	char *name;
	mach_port_t dir, found;
	io_statbuf_t st;
	error_t err;

	pthread_mutex_lock(&table_lock);
	parent = np->parent;
	name = strdup(np->name);
	pthread_mutex_unlock(&table_lock);
	if (!name)
		return ENOMEM;
	err = hellfs_node_port(parent, &dir);
	if (err) {
		free(name);
		return err;
	}
	found = file_name_lookup_under(dir, name, O_NOLINK, 0);
	err = found == MACH_PORT_NULL ? errno : 0;
	hellfs_node_release_port(parent);
	free(name);
	if (err)
		return err == ENOENT ? ESTALE : err;
	err = io_stat(found, &st);
	if (!err && (st.st_fsid != np->fsid || st.st_ino != np->ino))
		err = ESTALE;	/* the name leads to another node now */
	if (err) {
		port_drop(found);
		return err;
	}
	*port = found;
	return 0;
}

error_t
hellfs_node_port(struct hellfs_node *np, mach_port_t *port)
{
	mach_port_t found, drop;
	error_t err;

	pthread_mutex_lock(&table_lock);
	np->busy++;
	if (MACH_PORT_VALID(np->port)) {
		lru_touch(np);
		*port = np->port;
		pthread_mutex_unlock(&table_lock);
		return 0;
	}
	pthread_mutex_unlock(&table_lock);

	err = refind(np, &found);
	pthread_mutex_lock(&table_lock);
	if (err) {
		np->busy--;
		pthread_mutex_unlock(&table_lock);
		return err;
	}
	if (MACH_PORT_VALID(np->port)) {
		drop = found;	/* another thread found it first */
		lru_touch(np);
	} else {
		drop = port_install(np, found);
	}
	*port = np->port;
	pthread_mutex_unlock(&table_lock);
	port_drop(drop);
	return 0;
}

void
hellfs_node_release_port(struct hellfs_node *np)
{
	pthread_mutex_lock(&table_lock);
	np->busy--;
	pthread_mutex_unlock(&table_lock);
}

struct hellfs_node *
hellfs_node_use(fuse_ino_t ino, mach_port_t *port, int *err)
{
	struct hellfs_node *np = hellfs_node_get(ino);

	if (!np) {
		*err = ESTALE;
		return NULL;
	}
	*err = hellfs_errno(hellfs_node_port(np, port));
	if (*err) {
		hellfs_node_put(np);
		return NULL;
	}
	return np;
}

void
hellfs_node_done(struct hellfs_node *np)
{
	hellfs_node_release_port(np);
	hellfs_node_put(np);
}

void
hellfs_node_renamed(struct hellfs_node *newparent, const char *name, const io_statbuf_t *st)
{
	struct hellfs_node *np, *oldparent = NULL;
	char *copy = strdup(name);

	if (!copy)
		return;	/* it keeps its old name: refind will say ESTALE */
	pthread_mutex_lock(&table_lock);
	for (np = hash[bucket(st->st_fsid, st->st_ino)]; np; np = np->hash_next)
		if (np->fsid == st->st_fsid && np->ino == st->st_ino)
			break;
	if (np && np != root && !is_ancestor(np, newparent)) {
		free(np->name);
		np->name = copy;
		copy = NULL;
		if (np->parent != newparent) {
			oldparent = np->parent;
			np->parent = newparent;
			newparent->refs++;
		}
	}
	pthread_mutex_unlock(&table_lock);
	free(copy);
	node_unref_chain(oldparent);
}

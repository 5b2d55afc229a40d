/* rootfs nodes: one per Linux file in use, found by its identity.
 *
 * The table (nodes, keyed by struct rootfs_id) maps identities to
 * netnodes (whose node is netfs_netnode_node) and holds a light reference
 * on each node it lists.  A lookup takes a hard reference under nodes_lock,
 * even from zero (refcounts_unsafe_ref): a node whose last hard reference
 * is just going stays listed until netfs_try_dropping_softrefs, called
 * with the node locked, finds under nodes_lock that nobody took a new one,
 * takes it out and drops the table's light reference.  Then the node goes
 * (netfs_node_norefs).  A node with an active translator is kept listed
 * while the translator runs. */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "rootfs.h"

static hurd_ihash_key_t
id_hash(const void *key)
{
	const struct rootfs_id *id = key;
	uint64_t parts[2] = { id->dev, id->ino };

	return hurd_ihash_hash32(parts, sizeof parts, 0);
}

static int
id_equal(const void *a, const void *b)
{
	const struct rootfs_id *x = a, *y = b;

	return x->dev == y->dev && x->ino == y->ino;
}

static struct hurd_ihash nodes =
	HURD_IHASH_INITIALIZER_GKI(offsetof(struct netnode, locp), NULL, NULL, id_hash, id_equal);
static pthread_mutex_t nodes_lock = PTHREAD_MUTEX_INITIALIZER;

const char *
rootfs_fd_path(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return buf;
}

static struct node *
node_new(int fd, const struct stat *st)
{
	struct node *np = netfs_make_node_alloc(sizeof(struct netnode));
	struct netnode *nn;

	if (np == NULL)
		return NULL;
	nn = np->nn;
	nn->id.dev = st->st_dev;
	nn->id.ino = st->st_ino;
	nn->locp = NULL;
	nn->fd = fd;
	nn->rfd = nn->wfd = -1;
	nn->dir = NULL;
	nn->dir_next = 0;
	nn->symlink_target = NULL;
	return np;
}

error_t
rootfs_node_for_fd(int fd, struct node **np)
{
	struct stat st;
	struct netnode key, *nn;
	struct node *found;
	error_t err;

	if (fstat(fd, &st) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	key.id.dev = st.st_dev;
	key.id.ino = st.st_ino;
	pthread_mutex_lock(&nodes_lock);
	nn = hurd_ihash_find(&nodes, (hurd_ihash_key_t) &key.id);
	if (nn != NULL) {
		found = netfs_netnode_node(nn);
		refcounts_unsafe_ref(&found->refcounts, NULL);
		pthread_mutex_unlock(&nodes_lock);
		close(fd);
		*np = found;
		return 0;
	}
	found = node_new(fd, &st);
	if (found == NULL) {
		pthread_mutex_unlock(&nodes_lock);
		close(fd);
		return ENOMEM;
	}
	err = hurd_ihash_add(&nodes, (hurd_ihash_key_t) &found->nn->id, found->nn);
	if (err) {
		pthread_mutex_unlock(&nodes_lock);
		netfs_nrele(found);	/* frees it, closing FD */
		return err;
	}
	netfs_nref_light(found);	/* the table's */
	pthread_mutex_unlock(&nodes_lock);
	*np = found;
	return 0;
}

error_t
rootfs_make_root(int dirfd, struct node **np)
{
	return rootfs_node_for_fd(dirfd, np);
}

error_t
rootfs_node_rebind(struct node *np, int fd)
{
	struct netnode *nn = np->nn;
	struct stat st;
	error_t err = 0;

	if (fstat(fd, &st) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	pthread_mutex_lock(&nodes_lock);
	if (nn->locp != NULL)
		hurd_ihash_locp_remove(&nodes, nn->locp);
	nn->locp = NULL;
	nn->id.dev = st.st_dev;
	nn->id.ino = st.st_ino;
	if (hurd_ihash_find(&nodes, (hurd_ihash_key_t) &nn->id) == NULL)
		err = hurd_ihash_add(&nodes, (hurd_ihash_key_t) &nn->id, nn);
	if (err || nn->locp == NULL) {
		/* Not listed any more: the table's light reference goes. */
		refcounts_deref_weak(&np->refcounts, NULL);
	}
	pthread_mutex_unlock(&nodes_lock);
	close(nn->fd);
	if (nn->rfd >= 0)
		close(nn->rfd);
	if (nn->wfd >= 0)
		close(nn->wfd);
	nn->fd = fd;
	nn->rfd = nn->wfd = -1;
	return 0;
}

void
netfs_try_dropping_softrefs(struct node *np)
{
	struct netnode *nn = np->nn;

	/* A node with an active translator stays listed (and so in
	 * memory, with its transbox) though nobody has it open: the
	 * translator set on it (settrans -a, startup's /servers/exec) must
	 * still be there at the next lookup. */
	if (fshelp_translated(&np->transbox))
		return;
	pthread_mutex_lock(&nodes_lock);
	if (nn->locp != NULL && refcounts_hard_references(&np->refcounts) == 0) {
		hurd_ihash_locp_remove(&nodes, nn->locp);
		nn->locp = NULL;
		/* The caller holds a light reference of its own: not the last. */
		refcounts_deref_weak(&np->refcounts, NULL);
	}
	pthread_mutex_unlock(&nodes_lock);
}

void
netfs_node_norefs(struct node *np)
{
	struct netnode *nn = np->nn;

	if (nn->dir != NULL)
		closedir(nn->dir);
	if (nn->rfd >= 0)
		close(nn->rfd);
	if (nn->wfd >= 0)
		close(nn->wfd);
	if (nn->fd >= 0)
		close(nn->fd);
	free(nn->symlink_target);
	pthread_mutex_unlock(&np->lock);
	pthread_mutex_destroy(&np->lock);
	free(np);
}

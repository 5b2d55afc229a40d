/* The conch of a shared I/O page: which of the server and one user may
 * touch the page's shared data.  The user's side of the protocol lives in
 * the page's conch_status word (guarded by the page's spin lock); the
 * server's side in struct conch, guarded by the server's lock CONCH->lock,
 * which every call here expects held.  A server that uses the conch
 * defines iohelp_fetch_shared_data and iohelp_put_shared_data. */
#include <hurd/iohelp.h>

#include <stdlib.h>

void
iohelp_initialize_conch(struct conch *c, pthread_mutex_t *lock)
{
	c->lock = lock;
	pthread_cond_init(&c->wait, NULL);
	c->holder = NULL;
	c->holder_shared_page = NULL;
}

void
iohelp_get_conch(struct conch *c)
{
	for (;;) {
		struct shared_io *page = c->holder_shared_page;

		if (!page)
			break;
		pthread_spin_lock(&page->lock);
		if (page->conch_status == USER_HAS_CONCH ||
		    page->conch_status == USER_RELEASE_CONCH) {
			/* Ask the holder to give it back and wait; anything may
			 * have changed when we wake. */
			page->conch_status = USER_RELEASE_CONCH;
			pthread_spin_unlock(&page->lock);
			pthread_cond_wait(&c->wait, c->lock);
			continue;
		}
		if (page->conch_status == USER_COULD_HAVE_CONCH) {
			page->conch_status = USER_HAS_NOT_CONCH;
			pthread_spin_unlock(&page->lock);
			iohelp_fetch_shared_data(c->holder);
		} else {
			pthread_spin_unlock(&page->lock);
		}
		break;
	}
	c->holder = NULL;
	c->holder_shared_page = NULL;
}

void
iohelp_handle_io_get_conch(struct conch *c, void *user, struct shared_io *page)
{
	if (c->holder == user) {
		if (page->conch_status != USER_HAS_NOT_CONCH)
			iohelp_fetch_shared_data(user);
		else
			page->accessed = page->written = 0;
	} else {
		iohelp_get_conch(c);
		c->holder = user;
		c->holder_shared_page = page;
		if (page->conch_status == USER_HAS_NOT_CONCH)
			page->accessed = page->written = 0;
	}
	page->conch_status = USER_HAS_CONCH;
	iohelp_put_shared_data(user);
}

void
iohelp_handle_io_release_conch(struct conch *c, void *user)
{
	struct shared_io *page = c->holder_shared_page;

	if (page) {
		pthread_spin_lock(&page->lock);
		if (page->conch_status != USER_HAS_NOT_CONCH) {
			page->conch_status = USER_HAS_NOT_CONCH;
			iohelp_fetch_shared_data(c->holder);
		}
		pthread_spin_unlock(&page->lock);
	}
	if (c->holder == user) {
		c->holder = NULL;
		c->holder_shared_page = NULL;
	}
	pthread_cond_broadcast(&c->wait);
}

error_t
iohelp_verify_user_conch(struct conch *c, void *user)
{
	struct shared_io *page = c->holder_shared_page;
	error_t err = 0;

	if (user != c->holder || !page)
		return EPERM;
	pthread_spin_lock(&page->lock);
	if (page->conch_status != USER_HAS_CONCH && page->conch_status != USER_RELEASE_CONCH)
		err = EPERM;
	pthread_spin_unlock(&page->lock);
	return err;
}

/* A server that never hands out the conch need not define these; one that
 * does must, and reaching these means it did not. */
void __attribute__((weak))
iohelp_fetch_shared_data(void *arg)
{
	abort();
}

void __attribute__((weak))
iohelp_put_shared_data(void *arg)
{
	abort();
}

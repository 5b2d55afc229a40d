/* Port cells and their user links (<hurd/port.h>).
 *
 * A cell holds one send right and one user reference to it.  Users
 * borrow that reference: _hurd_port_get links a user into the cell's
 * chain, _hurd_port_free unlinks it.  When the cell is set while users
 * exist, _hurd_userlink_clear detaches the chain (each link keeps its
 * neighbours, but the chain head no longer points at them), and the old
 * right now belongs to the detached users: the last of them to unlink
 * deallocates it.  The first link of a detached chain has a NULL prevp.
 *
 * Locking: every operation on a chain holds the cell's lock.  A detached
 * chain stays under the lock of the cell it was detached from, which is
 * what its users take in _hurd_port_free.  */

#include <hurd.h>
#include <hurd/port.h>

#include "hurd_private.h"

void
_hurd_userlink_link (struct hurd_userlink **chainp, struct hurd_userlink *link)
{
	link->resource.next = *chainp;
	if (link->resource.next)
		link->resource.next->resource.prevp = &link->resource.next;
	link->resource.prevp = chainp;
	*chainp = link;
}

int
_hurd_userlink_unlink (struct hurd_userlink *link)
{
	/* The first link of a detached chain has no prevp; if it is also
	 * the only one left, its user was the last.  */
	int last = !link->resource.prevp && !link->resource.next;

	if (link->resource.prevp)
		*link->resource.prevp = link->resource.next;
	if (link->resource.next)
		link->resource.next->resource.prevp = link->resource.prevp;
	return last;
}

int
_hurd_userlink_clear (struct hurd_userlink **chainp)
{
	if (!*chainp)
		return 1;
	/* Detach: the chain lives on without the cell, which starts anew. */
	(*chainp)->resource.prevp = NULL;
	*chainp = NULL;
	return 0;
}

void
_hurd_userlink_move (struct hurd_userlink *new_link, struct hurd_userlink *link)
{
	*new_link = *link;
	if (new_link->resource.prevp)
		*new_link->resource.prevp = new_link;
	if (new_link->resource.next)
		new_link->resource.next->resource.prevp = &new_link->resource.next;
}

void
_hurd_port_init (struct hurd_port *port, mach_port_t init)
{
	pthread_mutex_init(&port->lock, NULL);
	port->users = NULL;
	port->port = init;
}

mach_port_t
_hurd_port_locked_get (struct hurd_port *port, struct hurd_userlink *link)
{
	mach_port_t result = port->port;

	if (result != MACH_PORT_NULL)
		_hurd_userlink_link(&port->users, link);
	pthread_mutex_unlock(&port->lock);
	return result;
}

mach_port_t
_hurd_port_get (struct hurd_port *port, struct hurd_userlink *link)
{
	_hurd_cell_prepare(port);
	pthread_mutex_lock(&port->lock);
	return _hurd_port_locked_get(port, link);
}

void
_hurd_port_move (struct hurd_port *port, struct hurd_userlink *new_link,
		 struct hurd_userlink *link)
{
	pthread_mutex_lock(&port->lock);
	_hurd_userlink_move(new_link, link);
	pthread_mutex_unlock(&port->lock);
}

void
_hurd_port_free (struct hurd_port *port, struct hurd_userlink *link, mach_port_t used_port)
{
	int last;

	if (used_port == MACH_PORT_NULL)
		return;		/* an empty cell links no user */
	pthread_mutex_lock(&port->lock);
	last = _hurd_userlink_unlink(link);
	pthread_mutex_unlock(&port->lock);
	if (last)
		mach_port_deallocate(mach_task_self(), used_port);
}

void
_hurd_port_locked_set (struct hurd_port *port, mach_port_t newport)
{
	mach_port_t old = _hurd_userlink_clear(&port->users) ? port->port : MACH_PORT_NULL;

	port->port = newport;
	pthread_mutex_unlock(&port->lock);
	if (MACH_PORT_VALID(old))
		mach_port_deallocate(mach_task_self(), old);
}

void
_hurd_port_set (struct hurd_port *port, mach_port_t newport)
{
	_hurd_cell_prepare(port);
	pthread_mutex_lock(&port->lock);
	_hurd_port_locked_set(port, newport);
}

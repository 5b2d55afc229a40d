/* libports' global state: the lock and condition every inhibition,
 * creation block and RPC count goes through, the port-name table, and the
 * library-wide RPC count and flags.  Their locking is described in
 * <hurd/ports.h> and ports_internal.h. */
#include "ports_internal.h"

#include <stddef.h>

pthread_mutex_t _ports_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t _ports_block = PTHREAD_COND_INITIALIZER;

struct hurd_ihash _ports_htable =
	HURD_IHASH_INITIALIZER(offsetof(struct port_info, ports_htable_entry));
pthread_rwlock_t _ports_htable_lock = PTHREAD_RWLOCK_INITIALIZER;

int _ports_total_rpcs;
int _ports_flags;

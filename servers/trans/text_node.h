/* text_node: the read side of a translator whose node reads as a string
 * held in memory (hello's greeting, a link's target).  It defines the
 * peropen hooks (each open has its own file pointer) and io_read, io_seek
 * and io_readable; the translator defines the rest (trivfs_modify_stat,
 * io_select, ...) and sets the text before serving.
 *
 * Locks: node_text and node_text_len are read under node_text_lock (read
 * side); a translator that changes them while serving (hello's
 * --contents) takes it to write.  An open's file pointer has a lock of
 * its own, taken before node_text_lock. */
#ifndef TRANS_TEXT_NODE_H
#define TRANS_TEXT_NODE_H

#include <pthread.h>
#include <stddef.h>

extern pthread_rwlock_t node_text_lock;
extern const char *node_text;		/* "" until the translator sets it */
extern size_t node_text_len;

#endif

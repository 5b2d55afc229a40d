/* link_node: the node of a link translator (symlink, firmlink) when it is
 * opened itself rather than followed: a symbolic link of TARGET's length
 * that reads as TARGET.  It defines trivfs_modify_stat, the peropen hooks
 * (each open has its file pointer), and io_read, io_seek and
 * io_readable; the translator sets the target before serving. */
#ifndef TRANS_LINK_NODE_H
#define TRANS_LINK_NODE_H

#include <stddef.h>

/* Set the target (kept, not copied).  0, or ENAMETOOLONG when it does
 * not fit a string_t (a retry name). */
int link_node_set_target(const char *target);

/* The target, and its length. */
extern const char *link_target;
extern size_t link_target_len;

#endif

/* link_node: the node of a link translator (symlink, firmlink) when it is
 * opened itself rather than followed: a symbolic link of TARGET's length
 * that reads as TARGET (text_node.c does the reading).  It defines
 * trivfs_modify_stat and trivfs_append_args (the target), and parses the
 * one TARGET argument; the target is node_text (text_node.h), set once
 * before the translator serves and never changed, so it is read without
 * node_text_lock. */
#ifndef TRANS_LINK_NODE_H
#define TRANS_LINK_NODE_H

#include <argp.h>

#include "text_node.h"

/* Set the target (kept, not copied).  0, or ENAMETOOLONG when it does
 * not fit a string_t (a retry name). */
int link_node_set_target(const char *target);

/* The argp parser of a link translator's command line: exactly one
 * TARGET, which must fit a string_t. */
error_t link_node_parse_opt(int key, char *arg, struct argp_state *state);

#endif

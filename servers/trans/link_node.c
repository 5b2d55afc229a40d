/* link_node: see link_node.h. */
#include "link_node.h"

#include <hurd/trivfs.h>
#include <argz.h>
#include <errno.h>
#include <string.h>

int
link_node_set_target(const char *target)
{
	size_t len = strlen(target);

	if (len >= sizeof(string_t))
		return ENAMETOOLONG;
	node_text = target;
	node_text_len = len;
	return 0;
}

error_t
link_node_parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_ARG:
		if (state->arg_num > 0)
			argp_error(state, "only one TARGET");
		if (link_node_set_target(arg))
			argp_error(state, "TARGET longer than %zu bytes", sizeof(string_t) - 1);
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "no TARGET");
		return EINVAL;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

void
trivfs_modify_stat(struct trivfs_protid *cred, struct stat *st)
{
	st->st_mode = (st->st_mode & ~(S_IFMT | ALLPERMS)) | S_IFLNK | ACCESSPERMS;
	st->st_size = node_text_len;
	st->st_blocks = 0;
}

error_t
trivfs_append_args(struct trivfs_control *fsys, char **argz, size_t *argz_len)
{
	return argz_add(argz, argz_len, node_text);
}

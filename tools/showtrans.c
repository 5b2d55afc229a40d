/* showtrans: show the passive translator of files, as the Hurd's.
 *
 * For each FILE, the node itself (O_NOTRANS) is asked for its passive
 * translator record (file_get_translator), printed with its arguments
 * separated by spaces.  The exit status is 0 if any file had one.
 * "-" names the node exec gave as standard input (getdport (0)); a HELL
 * program's Linux standard input has no node.  */

#include <argp.h>
#include <error.h>
#include <hurd.h>
#include <hurd/fs.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static int print_prefix = -1;	/* -1: only if several files */
static int silent;
static int show_untranslated = 1;
static int status = 1;		/* 0 once a translator was found */

static void
show(file_t node, const char *name)
{
	char buf[1024];
	data_t trans = buf;
	mach_msg_type_number_t len = sizeof buf;
	error_t err;

	if (node == MACH_PORT_NULL) {
		error(0, 0, "%s: %s", name, hurd_strerror(errno));
		return;
	}
	err = file_get_translator(node, &trans, &len);
	if (!err) {
		/* The record is an argz vector: arguments end in '\0'. */
		for (mach_msg_type_number_t i = 0; i + 1 < len; i++)
			if (trans[i] == '\0')
				trans[i] = ' ';
		if (!silent) {
			if (print_prefix)
				printf("%s: ", name);
			printf("%.*s\n", (int) (len && trans[len - 1] == '\0' ? len - 1 : len), trans);
		}
		if (trans != buf)
			vm_deallocate(mach_task_self(), (vm_address_t) trans, len);
		status = 0;
	} else if (err == EINVAL) {
		/* No passive translator.  */
		if (!silent && print_prefix && show_untranslated)
			puts(name);
	} else {
		error(0, 0, "%s: %s", name, hurd_strerror(err));
	}
	mach_port_deallocate(mach_task_self(), node);
}

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p': print_prefix = 1; break;
	case 'P': print_prefix = 0; break;
	case 's': case 'q': silent = 1; break;
	case 't': show_untranslated = 0; break;
	case ARGP_KEY_ARG:
		if (print_prefix < 0)
			print_prefix = state->next < state->argc;
		if (strcmp(arg, "-") == 0)
			show(getdport(0), "-");
		else
			show(file_name_lookup(arg, O_NOTRANS, 0), arg);
		break;
	case ARGP_KEY_NO_ARGS:
		argp_usage(state);	/* exits */
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_option options[] = {
	{ "prefix", 'p', 0, 0, "Always display `FILENAME: ' before translators", 0 },
	{ "no-prefix", 'P', 0, 0, "Never display `FILENAME: ' before translators", 0 },
	{ "silent", 's', 0, 0, "No output; useful when checking error status", 0 },
	{ "quiet", 'q', 0, OPTION_ALIAS | OPTION_HIDDEN, 0, 0 },
	{ "translated", 't', 0, 0, "Only display files that have translators", 0 },
	{ 0 }
};

static const struct argp argp = {
	options, parse_opt, "FILE...",
	"Show the passive translator of FILE..."
	"\vA FILE argument of `-' prints the translator on the node exec gave as"
	" standard input.", 0, 0, 0
};

int
main(int argc, char *argv[])
{
	argp_parse(&argp, argc, argv, 0, 0, 0);
	return status;
}

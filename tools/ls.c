/* ls: list Hurd directories.
 *
 * Each FILE (default ".") is opened through the Hurd's name space; a
 * directory's entries come from dir_readdir, in the Hurd's struct dirent
 * layout, and are listed sorted by name.  -l looks each entry up without
 * following a final symlink (O_NOLINK, as lstat does on the Hurd) and
 * shows io_stat's answer; a symlink's target is its contents.  -a shows
 * names starting with '.'; -d lists directories themselves.  */

#include <argp.h>
#include <error.h>
#include <grp.h>
#include <hurd.h>
#include <hurd/dirent.h>
#include <hurd/fs.h>
#include <hurd/io.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>


static int all, longform, dir_itself;
static int status;
static int nfiles;
static char **pending;		/* the FILE arguments */

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
mode_string(uint32_t mode, char out[11])
{
	static const char types[] = "?pc?d?b?-?l?s???";

	out[0] = types[(mode >> 12) & 017];
	for (int i = 0; i < 9; i++)
		out[1 + i] = (mode & (0400 >> i)) ? "rwxrwxrwx"[i] : '-';
	if (mode & S_ISUID)
		out[3] = (mode & S_IXUSR) ? 's' : 'S';
	if (mode & S_ISGID)
		out[6] = (mode & S_IXGRP) ? 's' : 'S';
	if (mode & S_ISVTX)
		out[9] = (mode & S_IXOTH) ? 't' : 'T';
	out[10] = '\0';
}

/* A symlink's target: its contents, read through the node itself.  */
static void
print_link_target(file_t dir, const char *name)
{
	file_t link = file_name_lookup_under(dir, name, O_READ | O_NOTRANS | O_NOLINK, 0);
	char buf[1024];
	data_t data = buf;
	mach_msg_type_number_t len = sizeof buf;

	if (link == MACH_PORT_NULL)
		return;
	if (io_read(link, &data, &len, 0, sizeof buf - 1) == 0) {
		printf(" -> %.*s", (int) len, data);
		if (data != buf)
			vm_deallocate(mach_task_self(), (vm_address_t) data, len);
	}
	mach_port_deallocate(mach_task_self(), link);
}

/* One line for NODE, called LABEL; DIR and NAME find it again for a
 * symlink's target.  */
static void
show_node(file_t node, const char *label, file_t dir, const char *name)
{
	io_statbuf_t st;
	error_t err;
	char mode[11], when[32];
	struct passwd *pw;
	struct group *gr;
	struct tm tm;
	time_t mtime;

	if (!longform) {
		puts(label);
		return;
	}
	err = io_stat(node, &st);
	if (err) {
		error(0, 0, "%s: %s", label, hurd_strerror(err));
		status = 1;
		return;
	}
	mode_string(st.st_mode, mode);
	pw = getpwuid(st.st_uid);
	gr = getgrgid(st.st_gid);
	mtime = st.st_mtim.tv_sec;
	localtime_r(&mtime, &tm);
	strftime(when, sizeof when, "%b %e %H:%M", &tm);
	printf("%s %3llu ", mode, (unsigned long long) st.st_nlink);
	if (pw)
		printf("%-8s ", pw->pw_name);
	else
		printf("%-8u ", st.st_uid);
	if (gr)
		printf("%-8s ", gr->gr_name);
	else
		printf("%-8u ", st.st_gid);
	printf("%8lld %s %s", (long long) st.st_size, when, label);
	if (S_ISLNK(st.st_mode) && dir != MACH_PORT_NULL)
		print_link_target(dir, name);
	putchar('\n');
}

/* One line for the entry NAME of DIR.  */
static void
show_entry(file_t dir, const char *name)
{
	file_t node;

	if (!longform) {
		puts(name);
		return;
	}
	node = file_name_lookup_under(dir, name, O_NOLINK, 0);
	if (node == MACH_PORT_NULL) {
		error(0, 0, "%s: %s", name, hurd_strerror(errno));
		status = 1;
		return;
	}
	show_node(node, name, dir, name);
	mach_port_deallocate(mach_task_self(), node);
}

/* The names in directory DIR, sorted; *COUNT of them.  */
static char **
read_names(file_t dir, const char *label, size_t *count)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	int entry = 0;

	for (;;) {
		char buf[8192];
		data_t data = buf;
		mach_msg_type_number_t len = sizeof buf;
		int amount = 0;
		error_t err = dir_readdir(dir, &data, &len, entry, -1, sizeof buf, &amount);
		size_t off = 0;

		if (err) {
			error(0, 0, "%s: %s", label, hurd_strerror(err));
			status = 1;
			break;
		}
		/* hurd_dirent_next checks every record against the buffer:
		 * a server's lengths are not trusted.  */
		for (int i = 0; i < amount; i++) {
			struct hurd_dirent_view d;
			int r = hurd_dirent_next(data, len, &off, &d);

			if (r == 0)
				break;
			if (r < 0) {
				error(0, 0, "%s: a malformed directory entry", label);
				status = 1;
				amount = 0;
				break;
			}
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				names = realloc(names, cap * sizeof *names);
				if (!names)
					error(1, ENOMEM, "ls");
			}
			names[n] = strndup(d.name, d.namelen);
			if (!names[n])
				error(1, ENOMEM, "ls");
			n++;
		}
		if (data != buf)
			vm_deallocate(mach_task_self(), (vm_address_t) data, len);
		if (amount <= 0)
			break;
		entry += amount;
	}
	qsort(names, n, sizeof *names, by_name);
	*count = n;
	return names;
}

static void
list(const char *name, int heading)
{
	file_t file = file_name_lookup(name, O_READ, 0);
	io_statbuf_t st;
	error_t err;

	if (file == MACH_PORT_NULL)
		file = file_name_lookup(name, 0, 0);	/* listable without read access */
	if (file == MACH_PORT_NULL) {
		error(0, 0, "%s: %s", name, hurd_strerror(errno));
		status = 1;
		return;
	}
	err = io_stat(file, &st);
	if (err) {
		error(0, 0, "%s: %s", name, hurd_strerror(err));
		status = 1;
	} else if (!S_ISDIR(st.st_mode) || dir_itself) {
		show_node(file, name, MACH_PORT_NULL, NULL);
	} else {
		size_t count = 0;
		char **names = read_names(file, name, &count);

		if (heading)
			printf("%s:\n", name);
		for (size_t i = 0; i < count; i++) {
			if (all || names[i][0] != '.')
				show_entry(file, names[i]);
			free(names[i]);
		}
		free(names);
	}
	mach_port_deallocate(mach_task_self(), file);
}

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'a': all = 1; break;
	case 'l': longform = 1; break;
	case 'd': dir_itself = 1; break;
	case ARGP_KEY_ARG:
		pending[nfiles++] = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_option options[] = {
	{ "all", 'a', 0, 0, "Do not hide entries starting with .", 0 },
	{ "long", 'l', 0, 0, "Use a long listing format", 0 },
	{ "directory", 'd', 0, 0, "List directories themselves, not their contents", 0 },
	{ 0 }
};

static const struct argp argp = {
	options, parse_opt, "[FILE...]",
	"List the Hurd directories FILE... (the working directory by default).", 0, 0, 0
};

int
main(int argc, char *argv[])
{
	pending = calloc((size_t) argc + 1, sizeof *pending);
	if (!pending)
		error(1, ENOMEM, "ls");
	argp_parse(&argp, argc, argv, 0, 0, 0);
	if (nfiles == 0)
		pending[nfiles++] = ".";
	for (int i = 0; i < nfiles; i++) {
		if (i > 0 && nfiles > 1)
			putchar('\n');
		list(pending[i], nfiles > 1);
	}
	free(pending);
	return status;
}

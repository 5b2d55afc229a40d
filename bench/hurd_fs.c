/* bench-hurd-fs: the root file system (servers/rootfs) against Linux on the
 * same files, inside a running environment:
 *
 *   hell up --root ROOT ; hell run bench-hurd-fs --root ROOT [--pinned|--free] [--quick]
 *
 * (bench/run-all does this, pinned with the whole environment under
 * taskset, then free.)  Figures, each beside Linux doing the same on the
 * Linux file the Hurd file is:
 *
 *   - io_read of a 256 MiB file (32 MiB with --quick), 4 KiB and 1 MiB
 *     requests, beside read(2) with the same sizes, both from the page
 *     cache (one warm-up pass each);
 *   - file_name_lookup of a 5-component path (dir_lookup, one message
 *     per component for rootfs) beside stat(2);
 *   - open + read + close of 10,000 small files (1,000 with --quick):
 *     file_name_lookup + io_read + mach_port_deallocate beside
 *     open + read + close.
 *
 * The benchmark's files are made under ROOT/bench-hurd-fs with Linux calls
 * and removed at the end.  This process alone is placed by --pinned or
 * --free: the servers are where `hell up' put them.  */
#include "benchlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hurd.h>
#include <hurd/io.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define BENCH_DIR "bench-hurd-fs"
#define DEPTH_PATH "a/b/c/d/e"

struct config {
	const char *root;	/* the Linux directory rootfs exports */
	size_t big_bytes;	/* the io_read file */
	int small_files;	/* the open+read+close files */
	int lookups;		/* samples of the 5-component lookup */
	bool pinned, free;
};

static char *
linux_path(const struct config *c, const char *rel)
{
	char *s;
	if (asprintf(&s, "%s/%s/%s", c->root, BENCH_DIR, rel) < 0)
		bench_fail(false, "out of memory");
	return s;
}

static char *
hurd_path(const char *rel)
{
	char *s;
	if (asprintf(&s, "/%s/%s", BENCH_DIR, rel) < 0)
		bench_fail(false, "out of memory");
	return s;
}

/* --- The files ------------------------------------------------------- */

static void
write_file(const char *path, size_t bytes)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		bench_fail(true, "%s", path);
	static unsigned char chunk[1 << 20];
	for (size_t i = 0; i < sizeof chunk; i++)
		chunk[i] = (unsigned char) (i * 7 + 1);
	while (bytes > 0) {
		size_t n = bytes < sizeof chunk ? bytes : sizeof chunk;
		if (write(fd, chunk, n) != (ssize_t) n)
			bench_fail(true, "writing %s", path);
		bytes -= n;
	}
	close(fd);
}

static void
make_files(const struct config *c)
{
	char *dir = linux_path(c, "");
	mkdir(dir, 0755);
	free(dir);
	char *big = linux_path(c, "big");
	write_file(big, c->big_bytes);
	free(big);
	char rel[64] = "";
	for (const char *p = DEPTH_PATH; *p; p++) {
		size_t n = strlen(rel);
		rel[n] = *p;
		rel[n + 1] = 0;
		if (*p != '/' && (p[1] == '/' || p[1] == 0)) {
			char *d = linux_path(c, rel);
			if (mkdir(d, 0755) < 0 && errno != EEXIST)
				bench_fail(true, "%s", d);
			free(d);
		}
	}
	char *small = linux_path(c, "small");
	mkdir(small, 0755);
	free(small);
	for (int i = 0; i < c->small_files; i++) {
		snprintf(rel, sizeof rel, "small/f%d", i);
		char *f = linux_path(c, rel);
		write_file(f, 100);
		free(f);
	}
}

static void
remove_files(const struct config *c)
{
	char rel[64];
	for (int i = 0; i < c->small_files; i++) {
		snprintf(rel, sizeof rel, "small/f%d", i);
		char *f = linux_path(c, rel);
		unlink(f);
		free(f);
	}
	const char *dirs[] = { "small", "a/b/c/d/e", "a/b/c/d", "a/b/c", "a/b", "a" };
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		char *d = linux_path(c, dirs[i]);
		rmdir(d);
		free(d);
	}
	char *big = linux_path(c, "big");
	unlink(big);
	free(big);
	char *dir = linux_path(c, "");
	rmdir(dir);
	free(dir);
}

/* --- io_read against read -------------------------------------------- */

/* One pass over the file in CHUNK requests; returns the bytes read. */
static size_t
hurd_read_pass(file_t file, size_t chunk, char *buf)
{
	size_t total = 0;
	for (;;) {
		data_t data = buf;
		mach_msg_type_number_t len = (mach_msg_type_number_t) chunk;
		error_t err = io_read(file, &data, &len, (loff_t) total, chunk);
		if (err)
			bench_fail(false, "io_read at %zu: %s", total, strerror(err));
		if (data != buf)
			munmap(data, len);	/* came out of line */
		if (len == 0)
			return total;
		total += len;
	}
}

static size_t
linux_read_pass(int fd, size_t chunk, char *buf)
{
	size_t total = 0;
	ssize_t n;
	while ((n = pread(fd, buf, chunk, (off_t) total)) > 0)
		total += (size_t) n;
	if (n < 0)
		bench_fail(true, "pread");
	return total;
}

static void
bench_read(const struct config *c, bool pinned, size_t chunk, int reps)
{
	char *hpath = hurd_path("big"), *lpath = linux_path(c, "big");
	file_t file = file_name_lookup(hpath, O_READ, 0);
	if (file == MACH_PORT_NULL)
		bench_fail(true, "file_name_lookup %s", hpath);
	int fd = open(lpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bench_fail(true, "%s", lpath);
	char *buf = malloc(chunk);

	struct bench_samples hs, ls;
	bench_samples_init(&hs, (size_t) reps);
	bench_samples_init(&ls, (size_t) reps);
	if (hurd_read_pass(file, chunk, buf) != c->big_bytes ||
	    linux_read_pass(fd, chunk, buf) != c->big_bytes)
		bench_fail(false, "short read of %s", hpath);
	for (int r = 0; r < reps; r++) {
		uint64_t t0 = bench_now_ns();
		hurd_read_pass(file, chunk, buf);
		uint64_t t1 = bench_now_ns();
		linux_read_pass(fd, chunk, buf);
		uint64_t t2 = bench_now_ns();
		bench_samples_add(&hs, t1 - t0);
		bench_samples_add(&ls, t2 - t1);
	}
	struct bench_stats h, l;
	bench_stats_compute(&hs, &h);
	bench_stats_compute(&ls, &l);
	char name[64];
	snprintf(name, sizeof name, "io_read %zu MiB by %zu KiB", c->big_bytes >> 20, chunk >> 10);
	bench_print_bulk(name, pinned, c->big_bytes, &h, "read(2)", &l);
	bench_samples_free(&hs);
	bench_samples_free(&ls);
	free(buf);
	close(fd);
	mach_port_deallocate(mach_task_self(), file);
	free(hpath);
	free(lpath);
}

/* --- Lookups against stat --------------------------------------------- */

static void
bench_lookup(const struct config *c, bool pinned)
{
	char *hpath = hurd_path(DEPTH_PATH), *lpath = linux_path(c, DEPTH_PATH);
	struct bench_samples hs, ls;
	bench_samples_init(&hs, (size_t) c->lookups);
	bench_samples_init(&ls, (size_t) c->lookups);
	for (int i = -c->lookups / 10; i < c->lookups; i++) {
		uint64_t t0 = bench_now_ns();
		file_t f = file_name_lookup(hpath, 0, 0);
		uint64_t t1 = bench_now_ns();
		if (f == MACH_PORT_NULL)
			bench_fail(true, "file_name_lookup %s", hpath);
		mach_port_deallocate(mach_task_self(), f);
		struct stat st;
		uint64_t t2 = bench_now_ns();
		if (stat(lpath, &st) < 0)
			bench_fail(true, "%s", lpath);
		uint64_t t3 = bench_now_ns();
		if (i >= 0) {
			bench_samples_add(&hs, t1 - t0);
			bench_samples_add(&ls, t3 - t2);
		}
	}
	struct bench_stats h, l;
	bench_stats_compute(&hs, &h);
	bench_stats_compute(&ls, &l);
	bench_print_latency("lookup of a 5-component path", pinned, &h, "stat(2)", &l);
	bench_samples_free(&hs);
	bench_samples_free(&ls);
	free(hpath);
	free(lpath);
}

/* --- Many small files ------------------------------------------------ */

static void
bench_small_files(const struct config *c, bool pinned)
{
	char rel[64], buf[256];
	struct bench_samples hs, ls;
	bench_samples_init(&hs, 3);
	bench_samples_init(&ls, 3);
	for (int rep = 0; rep < 3; rep++) {
		uint64_t t0 = bench_now_ns();
		for (int i = 0; i < c->small_files; i++) {
			snprintf(rel, sizeof rel, "/%s/small/f%d", BENCH_DIR, i);
			file_t f = file_name_lookup(rel, O_READ, 0);
			if (f == MACH_PORT_NULL)
				bench_fail(true, "file_name_lookup %s", rel);
			data_t data = buf;
			mach_msg_type_number_t len = sizeof buf;
			error_t err = io_read(f, &data, &len, 0, sizeof buf);
			if (err || len != 100)
				bench_fail(false, "io_read %s: %s (%u bytes)", rel,
					   strerror(err), (unsigned) len);
			if (data != buf)
				munmap(data, len);
			mach_port_deallocate(mach_task_self(), f);
		}
		uint64_t t1 = bench_now_ns();
		for (int i = 0; i < c->small_files; i++) {
			snprintf(rel, sizeof rel, "%s/%s/small/f%d", c->root, BENCH_DIR, i);
			int fd = open(rel, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || read(fd, buf, sizeof buf) != 100)
				bench_fail(true, "%s", rel);
			close(fd);
		}
		uint64_t t2 = bench_now_ns();
		bench_samples_add(&hs, t1 - t0);
		bench_samples_add(&ls, t2 - t1);
	}
	struct bench_stats h, l;
	bench_stats_compute(&hs, &h);
	bench_stats_compute(&ls, &l);
	char name[80];
	snprintf(name, sizeof name, "open+read+close x %d", c->small_files);
	bench_print_latency(name, pinned, &h, "open/read/close", &l);
	bench_samples_free(&hs);
	bench_samples_free(&ls);
}

static void
run_mode(const struct config *c, bool pinned)
{
	bench_set_mode(pinned);
	bench_read(c, pinned, 4096, 3);
	bench_read(c, pinned, 1 << 20, 3);
	bench_lookup(c, pinned);
	bench_small_files(c, pinned);
}

int
main(int argc, char **argv)
{
	struct config c = { .big_bytes = 256u << 20, .small_files = 10000, .lookups = 2000 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			c.root = argv[++i];
		else if (!strcmp(argv[i], "--quick")) {
			c.big_bytes = 32u << 20;
			c.small_files = 1000;
			c.lookups = 300;
		} else if (!strcmp(argv[i], "--pinned"))
			c.pinned = true;
		else if (!strcmp(argv[i], "--free"))
			c.free = true;
		else {
			fprintf(stderr, "usage: bench-hurd-fs --root DIR [--pinned] [--free] [--quick]\n"
				"  (run with hell run inside `hell up --root DIR')\n");
			return 2;
		}
	}
	if (!c.root)
		bench_fail(false, "--root DIR is required: the Linux directory of `hell up --root'");
	if (!c.pinned && !c.free)
		c.pinned = c.free = true;
	error_t err = hurd_init();
	if (err)
		bench_fail(false, "%s: run me with hell run inside `hell up'", strerror(err));

	printf("bench-hurd-fs: root %s, %zu MiB file, %d small files\n", c.root,
	       c.big_bytes >> 20, c.small_files);
	make_files(&c);
	if (c.pinned)
		run_mode(&c, true);
	if (c.free)
		run_mode(&c, false);
	remove_files(&c);
	return 0;
}

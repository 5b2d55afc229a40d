/* bench-hellfs: the timing half of bench/hellfs_bench.  It measures one
 * Linux directory through several views of it and prints each view's
 * figure beside the Linux directory's own (the first view) and beside the
 * passthrough FUSE baseline (the view named "passthrough"):
 *
 *   bench-hellfs --linux DIR [--view NAME=MOUNT]... [--cache-timeout SECS]
 *                [--pinned | --free] [--quick]
 *
 * DIR is the Linux directory; each MOUNT shows the same directory (the
 * passthrough baseline, a hellfs mount of the HELL environment whose root
 * DIR is, bindfs).  bench/hellfs_bench starts the mounts in a scratch
 * environment and runs this program once per CPU configuration; --pinned
 * and --free only name the configuration the caller arranged (taskset).
 *
 * The figures (medians of --reps passes, views interleaved within a pass):
 *
 *   - write: open(O_CREAT|O_TRUNC) + 256 MiB of 1 MiB write(2)s + close of
 *     a new file, through the view.  Buffered: the data lands in Linux's
 *     page cache under every view; after the pass the file is synced and
 *     removed outside the timing, so no view inherits dirty pages.
 *   - read, warm: 1 MiB read(2)s of a 256 MiB file written beforehand
 *     through DIR.  The Linux file is in the page cache (its pages are
 *     what every view ends up reading); a mount's own page cache of the
 *     file is dropped before each pass (posix_fadvise DONTNEED on the
 *     mount's descriptor), so every byte crosses the mount.
 *   - read, cold: the same, with the Linux file's pages dropped too before
 *     each view's pass (fdatasync + DONTNEED, checked with mincore): every
 *     view reads from the disk.  Skipped on tmpfs, where there is no disk.
 *   - find: `find DIR/bench-hellfs/meta` over 100 directories of 100 empty
 *     files (10,100 lines, counted), output through a pipe.
 *   - stat: stat(2) of each of the 10,000 files by path.
 *   Metadata passes on a mount start with the kernel's entry and attribute
 *   caches of that mount expired (the pass waits until --cache-timeout
 *   seconds have gone by since the mount's previous metadata pass) but its
 *   inodes known (an untimed pass through every view comes first), while
 *   Linux's dentry and inode caches are warm: each name crosses the mount
 *   once, as for a tree last looked at a while ago.  find reads
 *   directories only, but the kernel asks a mount for readdirplus
 *   (entries with their attributes) once names of the directory were
 *   looked up, so the file system looks each entry up too.
 *
 * Files live in DIR/bench-hellfs, made with Linux calls and removed at the
 * end.  Every byte count is checked (a short read or write fails the
 * benchmark); data is checked at the start of every 4 KiB page read.
 * Every section is bounded by alarm(). */
#include "benchlib.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

#define BENCH_DIR "bench-hellfs"
#define CHUNK ((size_t) 1 << 20)	/* read(2) and write(2) size */
#define MAX_VIEWS 8
#define SECTION_TIMEOUT_S 300		/* alarm() per section */
#define NAME_W 32

extern char **environ;

struct view {
	const char *name;
	const char *dir;	/* where DIR shows through this view */
	uint64_t meta_done_ns;	/* end of its last metadata pass; 0 = none */
};

struct config {
	struct view views[MAX_VIEWS];	/* [0] is the Linux directory */
	int nviews;
	int passthrough;		/* index of "passthrough", or -1 */
	size_t big_bytes;
	int dirs, files_per_dir;
	int reps;
	double cache_timeout;		/* seconds */
	bool pinned;
	bool cold;			/* DIR is on a disk, not tmpfs */
};

static char *
xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		bench_fail(false, "out of memory");
	return s;
}

static char *
view_path(const struct view *v, const char *rel)
{
	return xasprintf("%s/%s/%s", v->dir, BENCH_DIR, rel);
}

/* The section running, for the alarm's message. */
static const char *volatile current_section = "start-up";

/* Starts a section: it has SECTION_TIMEOUT_S seconds to finish. */
static void
section(const char *what)
{
	current_section = what;
	alarm(SECTION_TIMEOUT_S);
}

/* A mount that stops answering must end the benchmark, not hang it; the
 * caller (hellfs_bench) then unmounts everything. */
static void
on_alarm(int sig)
{
	static const char pre[] = "bench: section '", post[] = "' took longer than 300 s; giving up\n";
	const char *s = current_section;
	(void) sig;
	if (write(2, pre, sizeof pre - 1) < 0 || write(2, s, strlen(s)) < 0 ||
	    write(2, post, sizeof post - 1) < 0) {
		/* stderr is gone: nothing more to say */
	}
	_exit(2);
}

/* --- Data ---------------------------------------------------------- */

/* The big file's contents: the first 8 bytes of every 4 KiB page hold
 * the page's offset, the rest a fixed pattern.  Readers check the stamps. */
static void
fill_chunk(unsigned char *buf, size_t len, size_t offset)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char) (i * 7 + 1);
	for (size_t i = 0; i + 8 <= len; i += 4096) {
		uint64_t stamp = offset + i;
		memcpy(buf + i, &stamp, sizeof stamp);
	}
}

static void
check_chunk(const unsigned char *buf, size_t len, size_t offset, const char *path)
{
	for (size_t i = 0; i + 8 <= len; i += 4096) {
		uint64_t stamp;
		memcpy(&stamp, buf + i, sizeof stamp);
		if (stamp != offset + i)
			bench_fail(false, "%s: wrong data at offset %zu", path, offset + i);
	}
}

/* open + write by CHUNK + close; returns the time it took. */
static uint64_t
write_file(const char *path, size_t bytes, unsigned char *buf)
{
	uint64_t t0 = bench_now_ns();
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		bench_fail(true, "open %s", path);
	for (size_t off = 0; off < bytes; off += CHUNK) {
		size_t n = bytes - off < CHUNK ? bytes - off : CHUNK;
		ssize_t w = write(fd, buf, n);
		if (w != (ssize_t) n)
			bench_fail(w < 0, "write %s at %zu (%zd of %zu bytes)", path, off, w, n);
	}
	if (close(fd) != 0)
		bench_fail(true, "close %s", path);
	return bench_now_ns() - t0;
}

/* --- The files ------------------------------------------------------- */

static void
make_files(const struct config *c, unsigned char *buf)
{
	const struct view *lx = &c->views[0];
	char *dir = view_path(lx, "");
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		bench_fail(true, "mkdir %s", dir);
	free(dir);

	/* The big file, stamped chunk by chunk. */
	char *big = view_path(lx, "big");
	int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		bench_fail(true, "open %s", big);
	for (size_t off = 0; off < c->big_bytes; off += CHUNK) {
		fill_chunk(buf, CHUNK, off);
		if (write(fd, buf, CHUNK) != (ssize_t) CHUNK)
			bench_fail(true, "write %s", big);
	}
	if (fsync(fd) != 0 || close(fd) != 0)
		bench_fail(true, "fsync %s", big);
	free(big);

	char *meta = view_path(lx, "meta");
	if (mkdir(meta, 0755) < 0)
		bench_fail(true, "mkdir %s", meta);
	for (int d = 0; d < c->dirs; d++) {
		char *sub = xasprintf("%s/d%03d", meta, d);
		if (mkdir(sub, 0755) < 0)
			bench_fail(true, "mkdir %s", sub);
		int dfd = open(sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			bench_fail(true, "open %s", sub);
		for (int f = 0; f < c->files_per_dir; f++) {
			char name[32];
			snprintf(name, sizeof name, "f%03d", f);
			int ffd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
			if (ffd < 0)
				bench_fail(true, "create %s/%s", sub, name);
			close(ffd);
		}
		close(dfd);
		free(sub);
	}
	free(meta);
	sync();
}

static void
remove_files(const struct config *c)
{
	const struct view *lx = &c->views[0];
	char *meta = view_path(lx, "meta");
	for (int d = 0; d < c->dirs; d++) {
		for (int f = 0; f < c->files_per_dir; f++) {
			char *p = xasprintf("%s/d%03d/f%03d", meta, d, f);
			unlink(p);
			free(p);
		}
		char *sub = xasprintf("%s/d%03d", meta, d);
		rmdir(sub);
		free(sub);
	}
	rmdir(meta);
	free(meta);
	char *big = view_path(lx, "big");
	unlink(big);
	free(big);
	char *dir = view_path(lx, "");
	if (rmdir(dir) < 0)
		fprintf(stderr, "bench-hellfs: %s left behind: %s\n", dir, strerror(errno));
	free(dir);
}

/* --- Output ---------------------------------------------------------- */

/* One line: the figure, then its ratio to Linux and to the passthrough
 * baseline (time over time: 1.00 is parity, larger is slower). */
static void
print_line(const struct config *c, const char *what, int v, uint64_t ns,
	   const uint64_t *all_ns, const char *extra)
{
	printf("%-*s %-6s  %-12s %9.1f ms  %s", NAME_W, what, bench_mode_name(c->pinned),
	       c->views[v].name, (double) ns / 1e6, extra);
	if (v > 0 && all_ns[0])
		printf(" | %5.2fx linux", (double) ns / (double) all_ns[0]);
	if (c->passthrough >= 0 && v != c->passthrough && v > 0 && all_ns[c->passthrough])
		printf(" | %5.2fx passthrough", (double) ns / (double) all_ns[c->passthrough]);
	putchar('\n');
	fflush(stdout);
}

static uint64_t
median_of(struct bench_samples *s)
{
	struct bench_stats st;
	bench_stats_compute(s, &st);
	return st.median;
}

static void
print_bulk(const struct config *c, const char *what, struct bench_samples *s)
{
	uint64_t med[MAX_VIEWS];
	for (int v = 0; v < c->nviews; v++)
		med[v] = median_of(&s[v]);
	for (int v = 0; v < c->nviews; v++) {
		char rate[48];
		snprintf(rate, sizeof rate, "(%6.0f MiB/s)",
			 med[v] ? (double) c->big_bytes / (1 << 20) / ((double) med[v] / 1e9) : 0.0);
		print_line(c, what, v, med[v], med, rate);
	}
}

static void
print_each(const struct config *c, const char *what, struct bench_samples *s,
	   int count, const char *unit)
{
	uint64_t med[MAX_VIEWS];
	for (int v = 0; v < c->nviews; v++)
		med[v] = median_of(&s[v]);
	for (int v = 0; v < c->nviews; v++) {
		char each[48];
		snprintf(each, sizeof each, "(%7.2f us a%s)",
			 (double) med[v] / 1e3 / count, unit);
		print_line(c, what, v, med[v], med, each);
	}
}

static void
samples_init(const struct config *c, struct bench_samples *s)
{
	for (int v = 0; v < c->nviews; v++)
		bench_samples_init(&s[v], (size_t) c->reps);
}

static void
samples_free(const struct config *c, struct bench_samples *s)
{
	for (int v = 0; v < c->nviews; v++)
		bench_samples_free(&s[v]);
}

/* --- Sequential write ------------------------------------------------ */

static void
bench_write(const struct config *c, unsigned char *buf)
{
	section("write");
	struct bench_samples s[MAX_VIEWS];
	samples_init(c, s);
	fill_chunk(buf, CHUNK, 0);
	for (int rep = 0; rep < c->reps; rep++) {
		for (int v = 0; v < c->nviews; v++) {
			char *path = view_path(&c->views[v], "w");
			bench_samples_add(&s[v], write_file(path, c->big_bytes, buf));
			/* Outside the timing: the size as Linux sees it, the
			 * dirty pages written back and dropped, the file gone. */
			char *lpath = view_path(&c->views[0], "w");
			int fd = open(lpath, O_RDONLY | O_CLOEXEC);
			struct stat st;
			if (fd < 0 || fstat(fd, &st) < 0)
				bench_fail(true, "%s (written as %s)", lpath, path);
			if ((size_t) st.st_size != c->big_bytes)
				bench_fail(false, "%s: %lld bytes after writing %zu through %s",
					   lpath, (long long) st.st_size, c->big_bytes, c->views[v].name);
			if (fdatasync(fd) != 0)
				bench_fail(true, "fdatasync %s", lpath);
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			close(fd);
			if (unlink(path) != 0)
				bench_fail(true, "unlink %s", path);
			free(lpath);
			free(path);
		}
	}
	char what[64];
	snprintf(what, sizeof what, "write %zu MiB by 1 MiB", c->big_bytes >> 20);
	print_bulk(c, what, s);
	samples_free(c, s);
}

/* --- Sequential read ------------------------------------------------- */

/* Share of the Linux file's pages in the page cache, 0..1 (mincore). */
static double
resident_share(const char *lpath, size_t bytes)
{
	int fd = open(lpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bench_fail(true, "open %s", lpath);
	void *map = mmap(NULL, bytes, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		bench_fail(true, "mmap %s", lpath);
	size_t pages = (bytes + 4095) / 4096, in = 0;
	unsigned char *vec = malloc(pages);
	if (!vec || mincore(map, bytes, vec) != 0)
		bench_fail(true, "mincore %s", lpath);
	for (size_t i = 0; i < pages; i++)
		in += vec[i] & 1;
	free(vec);
	munmap(map, bytes);
	close(fd);
	return (double) in / (double) pages;
}

static void
drop_linux_cache(const char *lpath)
{
	int fd = open(lpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fdatasync(fd) != 0)
		bench_fail(true, "%s", lpath);
	int err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (err)
		bench_fail(false, "posix_fadvise %s: %s", lpath, strerror(err));
	close(fd);
}

/* One timed pass over the file through view v; a mount's own cache of
 * the file is dropped first (outside the timing). */
static uint64_t
read_pass(const struct config *c, int v, unsigned char *buf)
{
	char *path = view_path(&c->views[v], "big");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bench_fail(true, "open %s", path);
	if (v > 0)
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);

	uint64_t t0 = bench_now_ns();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bench_fail(true, "open %s", path);
	size_t total = 0;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0)
			bench_fail(true, "read %s at %zu", path, total);
		if (n == 0)
			break;
		check_chunk(buf, (size_t) n, total, path);
		total += (size_t) n;
	}
	close(fd);
	uint64_t ns = bench_now_ns() - t0;
	if (total != c->big_bytes)
		bench_fail(false, "%s: read %zu bytes of %zu", path, total, c->big_bytes);
	free(path);
	return ns;
}

static void
bench_read(const struct config *c, unsigned char *buf, bool cold)
{
	section("read");
	char *lpath = view_path(&c->views[0], "big");
	struct bench_samples s[MAX_VIEWS];
	samples_init(c, s);
	double worst_resident = 0;
	read_pass(c, 0, buf);	/* warm-up: Linux's cache holds the file */
	for (int rep = 0; rep < c->reps; rep++) {
		for (int v = 0; v < c->nviews; v++) {
			if (cold) {
				drop_linux_cache(lpath);
				double r = resident_share(lpath, c->big_bytes);
				if (r > worst_resident)
					worst_resident = r;
			}
			bench_samples_add(&s[v], read_pass(c, v, buf));
		}
	}
	char what[64];
	snprintf(what, sizeof what, "read %zu MiB by 1 MiB, %s", c->big_bytes >> 20,
		 cold ? "cold" : "warm");
	print_bulk(c, what, s);
	if (cold)
		printf("  (cold: at most %.1f%% of the file was in Linux's page cache when a pass began)\n",
		       100.0 * worst_resident);
	samples_free(c, s);
	free(lpath);
}

/* --- Metadata -------------------------------------------------------- */

/* Waits until view v's kernel caches from its previous metadata pass have
 * expired (mounts only; the Linux directory has no such cache). */
static void
expire_caches(const struct config *c, struct view *v, int index)
{
	if (index == 0 || v->meta_done_ns == 0)
		return;
	uint64_t ready = v->meta_done_ns + (uint64_t) (c->cache_timeout * 1e9) + 100000000u;
	uint64_t now = bench_now_ns();
	if (now < ready) {
		struct timespec ts = { .tv_sec = (time_t) ((ready - now) / 1000000000u),
				       .tv_nsec = (long) ((ready - now) % 1000000000u) };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
}

/* Runs `find DIR` and counts its lines; returns the time from spawn to
 * exit. */
static uint64_t
find_pass(const char *dir, long expect_lines)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		bench_fail(true, "pipe");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	char *argv[] = { "find", (char *) dir, NULL };
	pid_t pid;
	fflush(stdout);
	uint64_t t0 = bench_now_ns();
	int err = posix_spawnp(&pid, "find", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (err) {
		errno = err;
		bench_fail(true, "spawn find");
	}
	char buf[65536];
	long lines = 0;
	ssize_t n;
	while ((n = read(p[0], buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	int status;
	if (waitpid(pid, &status, 0) != pid)
		bench_fail(true, "waitpid find");
	uint64_t ns = bench_now_ns() - t0;
	close(p[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		bench_fail(false, "find %s failed (status 0x%x)", dir, status);
	if (lines != expect_lines)
		bench_fail(false, "find %s: %ld lines, expected %ld", dir, lines, expect_lines);
	return ns;
}

static uint64_t
stat_pass(char **paths, int n)
{
	uint64_t t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0)
			bench_fail(true, "stat %s", paths[i]);
		if (!S_ISREG(st.st_mode) || st.st_size != 0)
			bench_fail(false, "stat %s: mode 0%o, size %lld", paths[i],
				   (unsigned) st.st_mode, (long long) st.st_size);
	}
	return bench_now_ns() - t0;
}

static void
bench_meta(struct config *c)
{
	section("metadata");
	int nfiles = c->dirs * c->files_per_dir;
	long find_lines = 1 + c->dirs + nfiles;
	char **paths[MAX_VIEWS];
	char *meta[MAX_VIEWS];
	for (int v = 0; v < c->nviews; v++) {
		meta[v] = view_path(&c->views[v], "meta");
		paths[v] = malloc(sizeof *paths[v] * (size_t) nfiles);
		if (!paths[v])
			bench_fail(false, "out of memory");
		for (int i = 0; i < nfiles; i++)
			paths[v][i] = xasprintf("%s/d%03d/f%03d", meta[v],
						i / c->files_per_dir, i % c->files_per_dir);
	}
	struct bench_samples fs[MAX_VIEWS], ss[MAX_VIEWS];
	samples_init(c, fs);
	samples_init(c, ss);
	/* One untimed pass through every view first: Linux's caches hold
	 * the tree, and every mount knows its inodes (and its file system
	 * its nodes), so that each timed pass, the first included, meets the
	 * same state: inodes known, entries and attributes expired. */
	for (int v = 0; v < c->nviews; v++) {
		find_pass(meta[v], find_lines);
		stat_pass(paths[v], nfiles);
		c->views[v].meta_done_ns = bench_now_ns();
	}
	for (int rep = 0; rep < c->reps; rep++) {
		for (int v = 0; v < c->nviews; v++) {
			expire_caches(c, &c->views[v], v);
			bench_samples_add(&fs[v], find_pass(meta[v], find_lines));
			c->views[v].meta_done_ns = bench_now_ns();
		}
		for (int v = 0; v < c->nviews; v++) {
			expire_caches(c, &c->views[v], v);
			bench_samples_add(&ss[v], stat_pass(paths[v], nfiles));
			c->views[v].meta_done_ns = bench_now_ns();
		}
	}
	char what[64];
	snprintf(what, sizeof what, "find, %d files", nfiles);
	print_each(c, what, fs, (int) find_lines, " line");
	snprintf(what, sizeof what, "stat, %d files", nfiles);
	print_each(c, what, ss, nfiles, " file");
	samples_free(c, fs);
	samples_free(c, ss);
	for (int v = 0; v < c->nviews; v++) {
		for (int i = 0; i < nfiles; i++)
			free(paths[v][i]);
		free(paths[v]);
		free(meta[v]);
	}
}

/* --- Start-up -------------------------------------------------------- */

static void
usage(FILE *to)
{
	fprintf(to,
		"usage: bench-hellfs --linux DIR [--view NAME=MOUNT]... [--cache-timeout SECS]\n"
		"                    [--pinned | --free] [--quick] [--reps N]\n"
		"Sequential read/write and find/stat through each MOUNT (each showing DIR),\n"
		"beside DIR itself and the view named \"passthrough\".  bench/hellfs_bench\n"
		"sets the mounts up; see bench/README.md.\n");
}

int
main(int argc, char **argv)
{
	struct config c = {
		.big_bytes = (size_t) 256 << 20,
		.dirs = 100, .files_per_dir = 100,
		.reps = 3,
		.cache_timeout = 1.0,
		.passthrough = -1,
		.nviews = 1,
		.pinned = true,
	};
	bool reps_given = false;
	c.views[0].name = "linux";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--linux") && i + 1 < argc)
			c.views[0].dir = argv[++i];
		else if (!strcmp(a, "--view") && i + 1 < argc) {
			char *spec = argv[++i], *eq = strchr(spec, '=');
			if (!eq || eq == spec || !eq[1] || c.nviews == MAX_VIEWS) {
				usage(stderr);
				return 2;
			}
			*eq = 0;
			struct view *v = &c.views[c.nviews];
			v->name = spec;
			v->dir = eq + 1;
			if (!strcmp(spec, "passthrough"))
				c.passthrough = c.nviews;
			c.nviews++;
		} else if (!strcmp(a, "--cache-timeout") && i + 1 < argc)
			c.cache_timeout = atof(argv[++i]);
		else if (!strcmp(a, "--reps") && i + 1 < argc) {
			c.reps = atoi(argv[++i]);
			reps_given = true;
		} else if (!strcmp(a, "--quick")) {
			c.big_bytes = (size_t) 32 << 20;
			c.dirs = 10;
			if (!reps_given)
				c.reps = 2;
		} else if (!strcmp(a, "--pinned"))
			c.pinned = true;
		else if (!strcmp(a, "--free"))
			c.pinned = false;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!c.views[0].dir || c.reps < 1 || c.cache_timeout < 0) {
		usage(stderr);
		return 2;
	}
	signal(SIGALRM, on_alarm);

	struct statfs sfs;
	if (statfs(c.views[0].dir, &sfs) != 0)
		bench_fail(true, "%s", c.views[0].dir);
	c.cold = sfs.f_type != TMPFS_MAGIC;

	unsigned char *buf = aligned_alloc(4096, CHUNK);
	if (!buf)
		bench_fail(false, "out of memory");
	printf("bench-hellfs: %s, %d CPU%s allowed; %zu MiB file, %d files; medians of %d passes\n",
	       bench_mode_name(c.pinned), bench_ncpus(), bench_ncpus() == 1 ? "" : "s",
	       c.big_bytes >> 20, c.dirs * c.files_per_dir, c.reps);
	for (int v = 0; v < c.nviews; v++)
		printf("  view %-12s %s\n", c.views[v].name, c.views[v].dir);
	printf("  write: open+write+close, buffered (no fsync; synced and removed after, untimed)\n"
	       "  read warm: the Linux file in the page cache, each mount's own cache of it dropped\n"
	       "  read cold: the Linux file's pages dropped too: read from the disk%s\n"
	       "  find, stat: mounts' entry/attr caches expired (%.1f s), their inodes known; Linux's warm\n",
	       c.cold ? "" : " (skipped: tmpfs)", c.cache_timeout);
	fflush(stdout);

	section("setup");
	make_files(&c, buf);
	bench_write(&c, buf);
	bench_read(&c, buf, false);
	if (c.cold)
		bench_read(&c, buf, true);
	bench_meta(&c);
	section("cleanup");
	remove_files(&c);
	alarm(0);
	free(buf);
	return 0;
}

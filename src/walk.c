#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

void walk_init(struct walk *w)
{
	memset(w, 0, sizeof(*w));
}

void walk_release(struct walk *w)
{
	for (size_t i = 0; i < w->ntasks; i++) {
		free(w->tasks[i].path);
		free(w->tasks[i].rel);
		free(w->tasks[i].out);
	}
	free(w->tasks);
	walk_init(w);
}

/* Reports a problem with one entry; the walk goes on without it. */
static void walk_error(struct walk *w, const char *path, const char *what)
{
	fprintf(stderr, "pixpool: %s: %s\n", path, what);
	w->errors++;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int slash = la && lb && a[la - 1] != '/';
	char *s = malloc(la + slash + lb + 1);

	if (s) {
		memcpy(s, a, la);
		if (slash)
			s[la] = '/';
		memcpy(s + la + slash, b, lb + 1);
	}
	return s;
}

/* The format from the first bytes of the file; FORMAT_NONE if unreadable or not an image. */
static enum format sniff_file(struct walk *w, const char *path)
{
	unsigned char head[SNIFF_BYTES];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);	/* a FIFO now: never wait */

	if (fd < 0) {
		walk_error(w, path, strerror(errno));
		return FORMAT_NONE;
	}
	n = read(fd, head, sizeof(head));
	if (n < 0)
		walk_error(w, path, strerror(errno));
	close(fd);
	return n > 0 ? image_sniff(head, (size_t)n) : FORMAT_NONE;
}

/* Whether the name ends in an extension of a format pixpool reads. */
static int named_as_image(const char *path)
{
	static const char *const exts[] = {
		"jpg", "jpeg", "jpe", "png", "bmp", "tga", "pnm", "ppm", "pgm", NULL,
	};
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return 0;
	for (int i = 0; exts[i]; i++)
		if (!strcasecmp(dot + 1, exts[i]))
			return 1;
	return 0;
}

static int add_task(struct walk *w, const char *path, const char *rel,
		    const struct stat *st, enum format format)
{
	struct task *t;

	if (w->ntasks == w->alloc) {
		size_t alloc = w->alloc ? 2 * w->alloc : 64;
		struct task *p = realloc(w->tasks, alloc * sizeof(*p));

		if (!p)
			return -1;
		w->tasks = p;
		w->alloc = alloc;
	}
	t = &w->tasks[w->ntasks];
	memset(t, 0, sizeof(*t));
	t->path = strdup(path);
	t->rel = strdup(rel);
	if (!t->path || !t->rel) {
		free(t->path);
		free(t->rel);
		return -1;
	}
	t->id = (uint32_t)w->ntasks;
	t->format = format;
	t->bytes = (uint64_t)st->st_size;
	t->dev = st->st_dev;
	t->ino = st->st_ino;
	w->ntasks++;
	return 0;
}

static int visit(struct walk *w, const char *path, const char *rel, int follow, int depth);
static int visit_stat(struct walk *w, const char *path, const char *rel,
		      const struct stat *st, int follow, int depth);

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the names of a folder, sorted byte-wise so the order never depends on the locale. */
static char **read_names(struct walk *w, const char *path, size_t *count)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0;

	if (!dir) {
		walk_error(w, path, strerror(errno));
		return NULL;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == alloc) {
			char **p = realloc(names, (alloc = alloc ? 2 * alloc : 32) * sizeof(*p));

			if (!p)
				break;
			names = p;
		}
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	*count = n;
	return names;
}

static int visit_dir(struct walk *w, const char *path, const char *rel, int follow, int depth)
{
	size_t n = 0;
	char **names = read_names(w, path, &n);
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		char *p = join(path, names[i]), *r = join(rel, names[i]);

		if (names[i][0] == '.')
			w->hidden++;
		else if (p && r && ret == 0)
			ret = visit(w, p, r, follow, depth + 1);
		else if (!p || !r)
			ret = -1;
		free(p);
		free(r);
		free(names[i]);
	}
	free(names);
	return ret;
}

/*
 * Deeper than this is a symlink loop (with --follow-symlinks) or a tree no
 * photographer makes; stopping keeps the walk finite.
 */
#define WALK_MAX_DEPTH 64

/* Visits what path is, once links have been dealt with. */
static int visit_stat(struct walk *w, const char *path, const char *rel,
		      const struct stat *st, int follow, int depth)
{
	enum format format;

	if (S_ISDIR(st->st_mode)) {
		if (depth > 0 && w->skip && st->st_dev == w->skip_dev &&
		    st->st_ino == w->skip_ino)
			return 0;
		if (depth >= WALK_MAX_DEPTH) {
			walk_error(w, path, "folders nested too deep (a symbolic link loop?)");
			return 0;
		}
		return visit_dir(w, path, rel, follow, depth);
	}
	if (!S_ISREG(st->st_mode)) {
		w->other++;
		return 0;
	}
	format = sniff_file(w, path);
	if (format != FORMAT_NONE)
		return add_task(w, path, rel, st, format);
	if (!named_as_image(path)) {
		w->other++;
		return 0;
	}
	/*
	 * A file named like a photo that is not one is a broken photo as far as
	 * the user can tell: it becomes a task that fails with the reason, so it
	 * is reported by name and counted, not silently skipped.
	 */
	if (add_task(w, path, rel, st, FORMAT_NONE) < 0)
		return -1;
	w->tasks[w->ntasks - 1].refused = st->st_size == 0 ? "empty file" :
		"not an image: the content is not JPEG, PNG, BMP, TGA or PNM";
	return 0;
}

static int visit(struct walk *w, const char *path, const char *rel, int follow, int depth)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		walk_error(w, path, strerror(errno));
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		if (!follow) {
			w->links++;
			return 0;
		}
		if (stat(path, &st) < 0) {
			walk_error(w, path, "dangling symbolic link");
			return 0;
		}
	}
	return visit_stat(w, path, rel, &st, follow, depth);
}

int walk_add(struct walk *w, const char *input, const char *rel_prefix, int follow)
{
	struct stat st;
	size_t other = w->other;

	/* An input named on the command line is followed even if it is a link. */
	if (stat(input, &st) < 0) {
		walk_error(w, input, strerror(errno));
		return -1;
	}
	if (visit_stat(w, input, rel_prefix, &st, follow, 0) < 0) {
		walk_error(w, input, "out of memory");
		return -1;
	}
	if (!S_ISDIR(st.st_mode) && w->other > other) {
		walk_error(w, input, "not an image pixpool reads (JPEG, PNG, BMP, TGA, PNM)");
		w->other = other;
		return -1;
	}
	return 0;
}

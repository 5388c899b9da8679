#include "job/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "codec/input.h"
#include "codec/unread.h"

/*
 * How the walk stays finite when it follows symbolic links.
 *
 * A folder whose device and inode are those of a folder on the path from the
 * input down to it (the input itself included) is a loop: `a -> .` or
 * `up -> ../..`. It is recorded and not entered. Only the ancestors count,
 * not every folder seen: two links to one folder elsewhere are both walked,
 * as the user asked.
 *
 * Loops alone do not bound the walk: folders d1 ... d30, each holding two
 * links to the next, make 2^30 paths without a single loop. So a folder is
 * entered through symbolic links at most WALK_MAX_LINKED times per input;
 * a further path to it is recorded and not walked. A folder is then entered
 * at most WALK_MAX_LINKED times through links, plus once each time the
 * folder that holds it is entered: the count grows by at most
 * WALK_MAX_LINKED per level, instead of doubling. A tree that links a folder
 * from a few places, or links to one folder twice, never comes near the
 * bound and is walked as the user asked, each path giving its own outputs.
 * `a -> .` and `b -> .` are both loops, and cost one record each.
 *
 * Entries more than WALK_MAX_DEPTH levels below their input are recorded by
 * name and not read: no photographer nests folders that deep, and the limit
 * bounds the recursion and the path lengths whatever the tree holds.
 */
#define WALK_MAX_DEPTH 64
#define WALK_MAX_LINKED 16

/* A folder being walked, and the folder it was reached from. */
struct folder {
	const char *path;
	const char *rel;
	dev_t dev;
	ino_t ino;
	int depth;			/* 0 for the input */
	int follow;			/* follow symbolic links */
	const struct folder *up;	/* NULL for the input */
};

/* A folder entered through symbolic links, and how many times. */
struct linked {
	dev_t dev;
	ino_t ino;
	int times;
};

void walk_init(struct walk *w)
{
	memset(w, 0, sizeof(*w));
}

void walk_release(struct walk *w)
{
	for (size_t i = 0; i < w->ntasks; i++) {
		free(w->tasks[i].path);
		free(w->tasks[i].rel);
		task_free_outputs(&w->tasks[i]);
	}
	for (size_t i = 0; i < w->nskips; i++)
		free(w->skips[i].path);
	for (size_t i = 0; i < w->npassed; i++)
		free(w->passed[i].path);
	free(w->tasks);
	free(w->skips);
	free(w->passed);
	tdestroy(w->linked, free);
	walk_init(w);
}

const struct walk_skip *walk_skips(const struct walk *w, size_t *n)
{
	*n = w->nskips;
	return w->skips;
}

/* Running out of memory stops the walk; the tasks found until then stay. */
static int out_of_memory(const struct walk *w, const char *path)
{
	return error("%s: out of memory: the walk stopped here, keeping the %zu files found before",
		     path, w->ntasks);
}

/* The array with room for element n (doubling it when full); NULL when out of memory. */
static void *grow(void *array, size_t *alloc, size_t n, size_t size)
{
	size_t more = *alloc ? 2 * *alloc : 32;

	if (n < *alloc)
		return array;
	if (more > SIZE_MAX / size || !(array = realloc(array, more * size)))
		return NULL;
	*alloc = more;
	return array;
}

/* Appends path and reason to a list of skips; -1 only when out of memory. */
static int keep(struct walk *w, struct walk_skip **list, size_t *n, size_t *alloc,
		const char *path, const char *reason)
{
	size_t lp = strlen(path) + 1, lr = strlen(reason) + 1;
	struct walk_skip *s;

	if (!(s = grow(*list, alloc, *n, sizeof(*s))))
		return out_of_memory(w, path);
	*list = s;
	s = &s[*n];
	if (!(s->path = malloc(lp + lr)))
		return out_of_memory(w, path);
	memcpy(s->path, path, lp);
	s->reason = memcpy(s->path + lp, reason, lr);
	++*n;
	return 0;
}

/*
 * Records an input or entry the walk does not take, and why (printf-style);
 * the walk goes on without it. Returns -1 only when out of memory.
 */
__attribute__((format(printf, 3, 4)))
static int not_walked(struct walk *w, const char *path, const char *fmt, ...)
{
	char reason[ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	w->errors++;
	return keep(w, &w->skips, &w->nskips, &w->skips_alloc, path, reason);
}

int walk_pass(struct walk *w, const char *path, const char *reason)
{
	if (!w->list_passed)
		return 0;
	return keep(w, &w->passed, &w->npassed, &w->passed_alloc, path, reason);
}

const struct walk_skip *walk_passed(const struct walk *w, size_t *n)
{
	*n = w->npassed;
	return w->passed;
}

/* A file that is not an image, counted and passed over. */
static int other_file(struct walk *w, const char *path, const char *reason)
{
	w->other++;
	return walk_pass(w, path, reason);
}

int walk_not_taken(struct walk *w, const char *path, const char *reason)
{
	return not_walked(w, path, "%s", reason);
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

/* Reads the first bytes of a file into head; the count, or -1 with errno set. */
static ssize_t read_head(const char *path, unsigned char *head, size_t size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);	/* a FIFO now: never wait */
	ssize_t n;
	int saved;

	if (fd < 0)
		return -1;
	n = read(fd, head, size);
	saved = errno;
	close(fd);
	errno = saved;
	return n;
}

/* Whether the name ends in an extension of a format pixpool reads. */
static int named_as_image(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && !strchr(dot, '/') && format_of_extension(dot + 1) != FORMAT_NONE;
}

static int add_task(struct walk *w, const char *path, const char *rel,
		    const struct stat *st, enum format format)
{
	struct task *t = grow(w->tasks, &w->alloc, w->ntasks, sizeof(*t));

	if (!t)
		return out_of_memory(w, path);
	w->tasks = t;
	t = &w->tasks[w->ntasks];
	memset(t, 0, sizeof(*t));
	t->path = strdup(path);
	t->rel = strdup(rel);
	if (!t->path || !t->rel) {
		free(t->path);
		free(t->rel);
		return out_of_memory(w, path);
	}
	t->id = (uint32_t)w->ntasks;
	t->format = format;
	t->bytes = (uint64_t)st->st_size;
	t->mtime = st->st_mtim;
	t->dev = st->st_dev;
	t->ino = st->st_ino;
	w->ntasks++;
	return 0;
}

/*
 * A file whose name or bytes say it is a photo, but which pixpool cannot
 * read: as far as the user can tell it is a photo, broken or in a format
 * pixpool does not read. It becomes a task that fails with the reason, so
 * it is reported by name and counted, never skipped in silence.
 */
static int photo_not_read(struct walk *w, const char *path, const char *rel,
			  const struct stat *st, const struct unread *u)
{
	struct task *t;

	if (add_task(w, path, rel, st, FORMAT_NONE) < 0)
		return -1;
	t = &w->tasks[w->ntasks - 1];
	if (st->st_size == 0) {
		t->refused = "empty file";
	} else if (u) {
		t->refused = u->reason;
		t->unread = u->name;
	} else {
		t->refused = format_not_an_image();
	}
	return 0;
}

/* A file: a task when its first bytes (or its name) say it is an image. */
static int visit_file(struct walk *w, const char *path, const char *rel, const struct stat *st)
{
	unsigned char head[SNIFF_BYTES];
	enum format format = FORMAT_NONE;
	const struct unread *u = NULL;
	ssize_t n;

	if (!S_ISREG(st->st_mode))
		return other_file(w, path, "not a regular file");
	if ((n = read_head(path, head, sizeof(head))) < 0)
		return not_walked(w, path, "%s", strerror(errno));
	if (n > 0)
		format = format_of_file(head, (size_t)n, path);
	if (format != FORMAT_NONE)
		return add_task(w, path, rel, st, format);
	u = unread_of(head, (size_t)n, path);
	if (u || named_as_image(path))
		return photo_not_read(w, path, rel, st, u);
	return other_file(w, path, "not an image");
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * Reads the names of a folder into *names, sorted byte-wise so the order never
 * depends on the locale. A folder that cannot be read is recorded, with the
 * names read before the error. Returns -1 only when out of memory.
 */
static int read_names(struct walk *w, DIR *dir, const char *path, char ***names, size_t *count)
{
	struct dirent *de;
	size_t alloc = 0;
	char **p;

	*names = NULL;
	*count = 0;
	while ((errno = 0, de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!(p = grow(*names, &alloc, *count, sizeof(*p))))
			return out_of_memory(w, path);
		*names = p;
		if (!(p[*count] = strdup(de->d_name)))
			return out_of_memory(w, path);
		(*count)++;
	}
	if (errno)
		return not_walked(w, path, "cannot read the whole folder: %s", strerror(errno));
	return 0;
}

static int visit(struct walk *w, const struct folder *in, const char *name);

/* A hidden entry of folder f: counted, and passed over. */
static int hidden(struct walk *w, const struct folder *f, const char *name)
{
	char *path;
	int ret;

	w->hidden++;
	if (!w->list_passed)
		return 0;
	if (!(path = join(f->path, name)))
		return out_of_memory(w, f->path);
	ret = walk_pass(w, path, "hidden");
	free(path);
	return ret;
}

/* Visits every entry of a folder in byte order of names, hidden ones counted and skipped. */
static int visit_dir(struct walk *w, const struct folder *f)
{
	DIR *dir = opendir(f->path);
	char **names;
	size_t n;
	int ret;

	if (!dir)
		return not_walked(w, f->path, "%s", strerror(errno));
	ret = read_names(w, dir, f->path, &names, &n);
	closedir(dir);
	if (ret == 0 && n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && ret == 0; i++) {
		if (names[i][0] == '.')
			ret = hidden(w, f, names[i]);
		else
			ret = visit(w, f, names[i]);
	}
	free_names(names, n);
	return ret;
}

static int cmp_linked(const void *a, const void *b)
{
	const struct linked *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (x->ino > y->ino) - (x->ino < y->ino);
}

/*
 * How many times this input has entered the folder through links, this time
 * included; -1 when out of memory.
 */
static int entered_through_links(struct walk *w, const struct stat *st)
{
	struct linked *key = malloc(sizeof(*key)), **found;

	if (!key)
		return -1;
	key->dev = st->st_dev;
	key->ino = st->st_ino;
	key->times = 0;
	if (!(found = tsearch(key, &w->linked, cmp_linked))) {
		free(key);
		return -1;
	}
	if (*found != key)
		free(key);
	return ++(*found)->times;
}

/* Whether a folder with this identity is one of those being walked, from in up to the input. */
static int on_the_path(const struct folder *in, const struct stat *st)
{
	for (; in; in = in->up)
		if (in->dev == st->st_dev && in->ino == st->st_ino)
			return 1;
	return 0;
}

/*
 * A folder met in folder in, through a symbolic link or not: entered unless
 * it is the output folder, a loop, or reached through links too many times
 * already (see the top of this file).
 */
static int visit_folder(struct walk *w, const struct folder *in, const char *path,
			const char *rel, const struct stat *st, int through_link)
{
	struct folder f = { path, rel, st->st_dev, st->st_ino, in->depth + 1, in->follow, in };
	int times;

	if (w->skip && st->st_dev == w->skip_dev && st->st_ino == w->skip_ino)
		return 0;
	if (on_the_path(in, st))
		return not_walked(w, path, "a loop: it leads back to a folder that holds it");
	if (!through_link)
		return visit_dir(w, &f);
	if ((times = entered_through_links(w, st)) < 0)
		return out_of_memory(w, path);
	if (times > WALK_MAX_LINKED)
		return not_walked(w, path, "the folder it leads to was reached through links %d times "
				  "already: not walked again", WALK_MAX_LINKED);
	return visit_dir(w, &f);
}

/* Visits one entry of folder in: a file, a folder, or a symbolic link to either. */
static int visit_entry(struct walk *w, const struct folder *in, const char *path, const char *rel)
{
	struct stat lst, st;

	if (in->depth + 1 > WALK_MAX_DEPTH)
		return not_walked(w, path, "more than %d levels below the input: not walked", WALK_MAX_DEPTH);
	if (lstat(path, &lst) < 0)
		return not_walked(w, path, "%s", strerror(errno));
	if (!S_ISLNK(lst.st_mode))
		return S_ISDIR(lst.st_mode) ? visit_folder(w, in, path, rel, &lst, 0) :
			visit_file(w, path, rel, &lst);
	if (!in->follow) {
		w->links++;
		return walk_pass(w, path, "symbolic link, not followed (--follow-symlinks)");
	}
	if (stat(path, &st) < 0)
		return errno == ENOENT ? not_walked(w, path, "dangling symbolic link") :
			not_walked(w, path, "cannot follow symbolic link: %s", strerror(errno));
	return S_ISDIR(st.st_mode) ? visit_folder(w, in, path, rel, &st, 1) :
		visit_file(w, path, rel, &st);
}

static int visit(struct walk *w, const struct folder *in, const char *name)
{
	char *path = join(in->path, name), *rel = join(in->rel, name);
	int ret = path && rel ? visit_entry(w, in, path, rel) : out_of_memory(w, in->path);

	free(path);
	free(rel);
	return ret;
}

/* An input that is a file must be an image: naming one that is not is a mistake to report. */
static int visit_input_file(struct walk *w, const char *input, const char *rel,
			    const struct stat *st)
{
	size_t other = w->other;
	int list = w->list_passed, ret;

	/* Not passed over: refused by name below. */
	w->list_passed = 0;
	ret = visit_file(w, input, rel, st);
	w->list_passed = list;
	if (ret < 0 || w->other == other)
		return ret;
	w->other = other;
	return not_walked(w, input, "not an image pixpool reads (%s)", format_list());
}

/*
 * "-", standard input's copy (codec/input.h): one task, which fails with
 * the reason when it holds no image, so that the exit status says it.
 */
static int visit_stdin(struct walk *w)
{
	unsigned char head[SNIFF_BYTES];
	struct stat st = { .st_mode = S_IFREG };
	ssize_t n = -1;
	int fd = input_open("-", &st);	/* fails only when it is empty */
	const struct unread *u;
	struct task *t;

	if (fd >= 0) {
		n = read(fd, head, sizeof(head));
		close(fd);
	}
	if (add_task(w, "-", "-", &st, n > 0 ? format_of(head, (size_t)n) : FORMAT_NONE) < 0)
		return -1;
	t = &w->tasks[w->ntasks - 1];
	u = t->format == FORMAT_NONE && n > 0 ? unread_of(head, (size_t)n, NULL) : NULL;
	if (u) {
		t->refused = u->reason;
		t->unread = u->name;
	} else if (t->format == FORMAT_NONE) {
		t->refused = st.st_size == 0 ? "nothing on standard input" : format_not_an_image();
	}
	return 0;
}

int walk_add(struct walk *w, const char *input, const char *rel_prefix, int follow)
{
	struct stat st;
	struct folder root = { input, rel_prefix, 0, 0, 0, follow, NULL };
	int ret;

	if (input_is_stdin(input))
		return visit_stdin(w);
	/* An input named on the command line is followed even if it is a link. */
	if (stat(input, &st) < 0)
		return not_walked(w, input, "%s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return visit_input_file(w, input, rel_prefix, &st);
	root.dev = st.st_dev;
	root.ino = st.st_ino;
	ret = visit_dir(w, &root);
	/* The bound on links holds per input: another input may walk the same folders. */
	tdestroy(w->linked, free);
	w->linked = NULL;
	return ret;
}

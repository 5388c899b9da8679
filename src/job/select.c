/* Which images a run takes: --files-from, --include/--exclude, --skip-existing. */
#include "job/select.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/error.h"
#include "codec/icc.h"
#include "codec/meta.h"
#include "base/folder.h"

/* --files-from: the list, read one name at a time. */
struct list {
	FILE *f;
	const char *name;	/* as given, "-" for stdin */
	int sep;		/* '\n', or '\0' with -0 */
	unsigned long line;	/* of the name last read, from 1 */
	char *outdir;		/* the output folder resolved, NULL when absent */
	char *dir;		/* the folder last looked up, and */
	int dir_inside;		/*   whether it lies in the output folder */
};

/* What next_name found. */
enum entry { ENTRY_END, ENTRY_NAME, ENTRY_LONG, ENTRY_NUL, ENTRY_ERROR };

/*
 * Reads the next name into buf: up to the separator, which is not kept, nor
 * a CR before a newline (a list made on Windows). A name that does not fit
 * in size bytes is read to its end and reported, never kept in part; so is
 * a line with a NUL byte in it, which no file name can hold. Memory stays
 * bounded however long the input runs without a separator.
 */
static enum entry next_name(struct list *l, char *buf, size_t size)
{
	enum entry what = ENTRY_NAME;
	size_t n = 0;
	int c;

	while ((c = getc(l->f)) != EOF && c != l->sep) {
		if (c == '\0')
			what = ENTRY_NUL;
		else if (n + 1 < size)
			buf[n++] = (char)c;
		else if (what == ENTRY_NAME)
			what = ENTRY_LONG;
	}
	if (c == EOF && ferror(l->f))
		return ENTRY_ERROR;
	if (c == EOF && n == 0 && what == ENTRY_NAME)
		return ENTRY_END;
	l->line++;
	if (l->sep == '\n' && n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return what;
}

/*
 * The path a listed name goes to under the output folder: the name without
 * a leading '/', "." or empty components. -1 when a component is "..": its
 * output could lie outside the output folder.
 */
static int listed_rel(const char *name, char *rel)
{
	size_t n = 0;

	while (*name) {
		size_t len = strcspn(name, "/");

		if (len == 2 && !strncmp(name, "..", 2))
			return -1;
		if (len && !(len == 1 && *name == '.')) {
			if (n)
				rel[n++] = '/';
			memcpy(rel + n, name, len);
			n += len;
		}
		name += len + (name[len] == '/');
	}
	rel[n] = '\0';
	return 0;
}

/*
 * Whether the file name lies inside the output folder, which is never
 * taken as input (find . lists it when it is under the current folder).
 * The answer for the last folder is kept: lists come folder by folder.
 */
static int inside_output(struct list *l, const char *name)
{
	const char *slash = strrchr(name, '/');
	size_t len = slash ? (size_t)(slash - name) + (slash == name) : 1;
	char *dir, *real;

	if (!l->outdir)
		return 0;
	if (l->dir && strlen(l->dir) == len && !strncmp(l->dir, slash ? name : ".", len))
		return l->dir_inside;
	if (!(dir = strndup(slash ? name : ".", len)))
		return 0;
	real = realpath(dir, NULL);
	free(l->dir);
	l->dir = dir;
	len = strlen(l->outdir);
	l->dir_inside = real && !strncmp(real, l->outdir, len) &&
		(real[len] == '\0' || real[len] == '/' || len == 1);
	free(real);
	return l->dir_inside;
}

/* One listed name: a task, or a record of why it is not one. */
static int add_listed(const struct job *job, struct walk *w, struct list *l, const char *name)
{
	char rel[PATH_MAX];
	struct stat st;

	if (listed_rel(name, rel) < 0)
		return walk_not_taken(w, name, "'..' in the path: its output would lie outside "
				      "the output folder; list the file without '..'");
	if (stat(name, &st) < 0)
		return walk_not_taken(w, name, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return walk_not_taken(w, name, "a folder: --files-from takes files "
				      "(find FOLDER -type f lists them)");
	if (!S_ISREG(st.st_mode))
		return walk_not_taken(w, name, "not a regular file");
	if (inside_output(l, name))
		return walk_not_taken(w, name, "inside the output folder: outputs are never inputs");
	return walk_add(w, name, rel, job->follow_symlinks);
}

/* A name that could not be taken whole: recorded as LIST: line N. */
static int bad_entry(struct walk *w, const struct list *l, const char *why)
{
	char where[PATH_MAX + 64];

	snprintf(where, sizeof(where), "%s: %s %lu", l->name, l->sep ? "line" : "name", l->line);
	return walk_not_taken(w, where, why);
}

static int read_list(const struct job *job, struct walk *w, struct list *l)
{
	char name[PATH_MAX], too_long[64];
	enum entry e;
	int ret = 0;

	snprintf(too_long, sizeof(too_long), "longer than PATH_MAX (%d bytes): not read", PATH_MAX);
	while (ret == 0 && (e = next_name(l, name, sizeof(name))) != ENTRY_END) {
		if (e == ENTRY_ERROR)
			return error("--files-from %s: cannot read: %s", l->name, strerror(errno));
		if (e == ENTRY_LONG)
			ret = bad_entry(w, l, too_long);
		else if (e == ENTRY_NUL)
			ret = bad_entry(w, l, "holds a NUL byte: a list of names ending in NUL "
					"needs -0");
		else if (name[0])
			ret = add_listed(job, w, l, name);
	}
	return ret;
}

int select_files_from(const struct job *job, struct walk *w)
{
	int stdin_list = !strcmp(job->files_from, "-");
	struct list l = {
		.f = stdin_list ? stdin : fopen(job->files_from, "r"),
		.name = stdin_list ? "stdin" : job->files_from,
		.sep = job->from0 ? '\0' : '\n',
		.outdir = job->outdir ? realpath(job->outdir, NULL) : NULL,	/* --in-place: none */
	};
	int ret;

	if (!l.f) {
		free(l.outdir);
		return error("--files-from %s: cannot open: %s", l.name, strerror(errno));
	}
	ret = read_list(job, w, &l);
	if (!stdin_list)
		fclose(l.f);
	free(l.outdir);
	free(l.dir);
	return ret;
}

/* Whether fnmatch(seg) matches s[j..m), copied into sub. */
static int part_matches(const char *seg, const char *s, size_t j, size_t m, char *sub)
{
	memcpy(sub, s + j, m - j);
	sub[m - j] = '\0';
	return fnmatch(seg, sub, FNM_PATHNAME) == 0;
}

/* Whether a part may start at j, pos being where the part before it ended. */
static int may_start(const char *s, size_t pos, size_t j, int first, int component)
{
	if (first)
		return j == 0;
	return j == pos || (j > pos && (!component || s[j - 1] == '/'));
}

/*
 * Whether glob matches all of s: fnmatch(3) with FNM_PATHNAME, where "**"
 * also matches across '/'. The glob is cut at each "**" into parts; every
 * part but the last ends where it ends soonest, since the "**" after it
 * can take whatever follows: so the time stays quadratic in the length of
 * s for each part, however many "**" there are. A "**" that is a whole
 * component ("a/", "**", "/b") stands for any number of whole folders,
 * none included, so the part after it starts right after a '/'.
 * -1 when out of memory.
 */
static int glob_match(const char *glob, const char *s)
{
	size_t len = strlen(s), pos = 0;
	char *seg = malloc(strlen(glob) + 1), *sub = malloc(len + 1);
	int first = 1, component = 0, found = 1;

	if (!strstr(glob, "**")) {
		free(seg);
		free(sub);
		return fnmatch(glob, s, FNM_PATHNAME) == 0;
	}
	if (!seg || !sub) {
		free(seg);
		free(sub);
		return -1;
	}
	for (const char *p = glob; found; first = 0) {
		const char *star = strstr(p, "**"), *after = star;
		size_t n = star ? (size_t)(star - p) : strlen(p), m;

		memcpy(seg, p, n);
		seg[n] = '\0';
		found = 0;
		for (m = pos; m <= len && !found; m++)
			for (size_t j = pos; j <= m && !found; j++)
				found = (star || m == len) && may_start(s, pos, j, first, component) &&
					part_matches(seg, s, j, m, sub);
		if (!star || !found)
			break;
		pos = m - 1;
		while (*after == '*')
			after++;
		component = (star == glob || star[-1] == '/') && *after == '/';
		p = after + component;
	}
	free(seg);
	free(sub);
	return found;
}

int select_taken(const struct rule *rules, int nrules, const char *rel)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;

	for (int i = 0; i < nrules; i++) {
		const char *glob = rules[i].glob;
		int whole = strchr(glob, '/') || strstr(glob, "**");
		int m = glob_match(glob + (glob[0] == '/'), whole ? rel : base);

		if (m)
			return m < 0 ? -1 : rules[i].include;
	}
	return 1;
}

void select_rules(const struct job *job, struct walk *w)
{
	size_t kept = 0;

	if (!job->nrules)
		return;
	for (size_t i = 0; i < w->ntasks; i++) {
		struct task *t = &w->tasks[i];
		int taken = select_taken(job->rules, job->nrules, t->rel);

		/* Out of memory the rules cannot be told: the image is refused, never taken unasked. */
		if (taken < 0)
			t->refused = "out of memory matching --include and --exclude";
		if (!taken) {
			/* Out of memory for the record, the image is still left out, and counted. */
			walk_pass(w, t->path, "excluded by --include/--exclude");
			free(t->path);
			free(t->rel);
			task_free_outputs(t);
			w->excluded++;
			continue;
		}
		w->tasks[kept] = *t;
		w->tasks[kept].id = (uint32_t)kept;
		kept++;
	}
	w->ntasks = kept;
}

/* Whether the output at path records job's settings; not when it records none. */
static int made_with(const char *path, const struct job *job)
{
	char id[SETTINGS_ID_SIZE];
	ssize_t n = getxattr(path, SETTINGS_XATTR, id, sizeof(id));

	return n == (ssize_t)strlen(job->settings_id) && !memcmp(id, job->settings_id, (size_t)n);
}

/* Whether a is no earlier than b. */
static int not_older(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec != b->tv_sec ? a->tv_sec > b->tv_sec : a->tv_nsec >= b->tv_nsec;
}

/* Whether the output at path is done: a regular file no older than t's input, made with job's settings. */
static int output_done(const struct job *job, const struct task *t, const char *path)
{
	struct stat out;

	return stat(path, &out) == 0 && S_ISREG(out.st_mode) &&
	       not_older(&out.st_mtim, &t->mtime) && made_with(path, job);
}

/*
 * An image is done when every one of its outputs is: its outputs are made
 * together from one decode, so one missing makes them all again.
 */
void select_existing(const struct job *job, struct walk *w)
{
	if (!job->skip_existing)
		return;
	for (size_t i = 0; i < w->ntasks; i++) {
		struct task *t = &w->tasks[i];
		int done = !t->refused && t->out;

		for (char **p = t->out; done && *p; p++)
			done = output_done(job, t, *p);
		t->exists = done;
	}
}

/* The folder's settings file: OUTDIR/.pixpool-settings; -1 when too long. */
static int settings_path(const struct job *job, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", job->outdir, SELECT_SETTINGS);

	return n < 0 || (size_t)n >= size ? error("%s: output path too long", job->outdir) : 0;
}

/* --strip's parts as a list ("exif,gps"), or "none". */
static void strip_text(int strip, char *buf, size_t size)
{
	static const struct { int bit; const char *name; } parts[] = {
		{ META_STRIP_EXIF, "exif" }, { META_STRIP_XMP, "xmp" },
		{ META_STRIP_ICC, "icc" }, { META_STRIP_GPS, "gps" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++)
		if (strip & parts[i].bit)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", parts[i].name);
	if (!n)
		snprintf(buf, size, "none");
}

/*
 * Every setting that changes the bytes of an output, one "key value" line
 * each. What only decides whether an image is written at all (--max-pixels),
 * or how the work is spread (-j, --engine), is not among them.
 */
#define SETTINGS_MAX 16384

/* --format's list as given ("jpg,png", "same"); one format reads as before. */
static void formats_text(const struct job *job, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < (job->nformats ? job->nformats : 1) && n < size; i++) {
		enum format f = job->nformats ? job->formats[i] : job->format;

		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "," : "",
				      f ? format_extension(f) : "same");
	}
}

/* A "variant NAME CHAIN" line for each --variant; nothing without them, as before. */
static void variants_text(const struct job *job, char *buf, size_t size)
{
	char chain[SETTINGS_MAX / 4];
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < job->nvariants && n < size; i++) {
		chain_format(&job->variants[i].chain, chain, sizeof(chain));
		n += (size_t)snprintf(buf + n, size - n, "variant-%s %s\n", job->variants[i].name,
				      job->variants[i].chain.len ? chain : "none");
	}
}

/*
 * --profile and --intent, appended only when a profile is given, so that a
 * folder made without one, before pixpool had them, resumes as it was made.
 */
static void profile_text(const struct job *job, char *buf, size_t size)
{
	buf[0] = '\0';
	if (job->profile)
		snprintf(buf, size, "profile %s %016llx\nintent %s\n", job->profile->srgb ? "srgb" :
			 "file", (unsigned long long)icc_target_id(job->profile),
			 icc_intent_names[job->intent]);
}

static void settings_text(const struct job *job, char *buf, size_t size)
{
	char chain[SETTINGS_MAX / 4], strip[64], quality[16] = "default", formats[256];

	if (job->encode.quality)
		snprintf(quality, sizeof(quality), "%d", job->encode.quality);
	formats_text(job, formats, sizeof(formats));
	chain_format(&job->chain, chain, sizeof(chain));
	strip_text(job->strip, strip, sizeof(strip));
	snprintf(buf, size, "# The settings the images in this folder were made with: pixpool\n"
		 "# --skip-existing refuses to add to them with other settings.\n"
		 "filter %s\nformat %s\nquality %s\npng-level %d\nautoorient %s\nstrip %s\n",
		 job->chain.len ? chain : "none", formats, quality,
		 job->encode.png_level, job->autoorient ? "yes" : "no", strip);
	/*
	 * Recorded only when not the default, so that a folder made before
	 * --background, --avif-speed, --lossless or --tiff-compression existed
	 * keeps its record (and its images) on resume.
	 */
	if (job->encode.background != BACKGROUND_DEFAULT)
		snprintf(buf + strlen(buf), size - strlen(buf), "background #%06x\n",
			 (unsigned)job->encode.background);
	if (job->encode.lossless)
		snprintf(buf + strlen(buf), size - strlen(buf), "lossless yes\n");
	if (job->encode.avif_speed != AVIF_SPEED_DEFAULT)
		snprintf(buf + strlen(buf), size - strlen(buf), "avif-speed %d\n",
			 job->encode.avif_speed);
	if (job->encode.tiff_compression != TIFF_COMPRESSION_DEFAULT)
		snprintf(buf + strlen(buf), size - strlen(buf), "tiff-compression %s\n",
			 tiff_compression_names[job->encode.tiff_compression]);
	variants_text(job, buf + strlen(buf), size - strlen(buf));
	profile_text(job, buf + strlen(buf), size - strlen(buf));
}

/*
 * Reads the settings file into buf (at most size - 1 bytes, nul-ended).
 * 1 when read, 0 when there is none, -1 with an error.
 */
static int settings_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	size_t n = 0;
	ssize_t got = 1;

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 :
			error("%s: cannot read: %s", path, strerror(errno));
	while (n + 1 < size && (got = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)got;
	close(fd);
	buf[n] = '\0';
	return got < 0 ? error("%s: cannot read: %s", path, strerror(errno)) : 1;
}

/* The value of key in settings text, *len bytes long; NULL when it has none. */
static const char *setting(const char *text, const char *key, size_t klen, size_t *len)
{
	for (const char *p = text; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		if (!strncmp(p, key, klen) && p[klen] == ' ') {
			*len = strcspn(p + klen + 1, "\n");
			return p + klen + 1;
		}
	}
	return NULL;
}

/* The first setting that old and now do not share; 0 when they agree. */
static int settings_differ(const char *old, const char *now, const char **key, size_t *klen)
{
	const char *texts[2] = { now, old };

	for (int t = 0; t < 2; t++) {
		for (const char *p = texts[t]; *p; p += strcspn(p, "\n"), p += *p == '\n') {
			size_t kl = strcspn(p, " \n"), l1 = 0, l2 = 0;
			const char *v1, *v2;

			if (*p == '#' || *p == '\n')
				continue;
			v1 = setting(old, p, kl, &l1);
			v2 = setting(now, p, kl, &l2);
			if (!v1 || !v2 || l1 != l2 || memcmp(v1, v2, l1)) {
				*key = p;
				*klen = kl;
				return 1;
			}
		}
	}
	return 0;
}

/*
 * "'VALUE'" of key in text for a message, cut short; "none recorded" without
 * it. Not escaped here: usage_error() escapes the whole message.
 */
static void shown_setting(const char *text, const char *key, size_t klen, char *buf, size_t size)
{
	char value[128];
	size_t len;
	const char *v = setting(text, key, klen, &len);

	if (!v) {
		snprintf(buf, size, "none recorded");
		return;
	}
	snprintf(value, sizeof(value), "%.*s%s", (int)(len < 100 ? len : 100), v,
		 len > 100 ? "..." : "");
	snprintf(buf, size, "'%s'", value);
}

/*
 * FNV-1a, 64 bits: the id only tells settings apart (who can set an
 * output's attributes can write the output), so no cryptographic hash is
 * needed, and it is stable across machines and versions.
 */
static void settings_hash(const char *text, char *id, size_t size)
{
	uint64_t h = 14695981039346656037ull;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	snprintf(id, size, "v1 %016llx", (unsigned long long)h);
}

/*
 * Whether the output folder can hold the records: a file of its own there
 * takes an extended attribute. A folder not made yet holds no output to
 * skip, nor does one on a file system without them, where every output
 * would look unknown: --skip-existing is refused there, rather than make
 * every image again unasked.
 */
static int xattrs_work(const char *outdir)
{
	char tmp[PATH_MAX];
	int fd, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s/.pixpool-xattr.XXXXXX", outdir) >= (int)sizeof(tmp))
		return error("%s: output path too long", outdir);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : error("%s: cannot create a file: %s", outdir,
						   strerror(errno));
	if (fsetxattr(fd, SETTINGS_XATTR, "v1", 2, 0) < 0)
		ret = error("%s cannot hold extended attributes (%s), which record the settings "
			    "each output was made with", outdir, strerror(errno));
	close(fd);
	unlink(tmp);
	return ret;
}

int select_settings_check(struct job *job, char *why, size_t size)
{
	char path[PATH_MAX], old[SETTINGS_MAX], now[SETTINGS_MAX], was[512], is[512];
	char key[48];
	const char *k;
	size_t klen;
	int ret;

	settings_text(job, now, sizeof(now));
	if (job->outdir)
		settings_hash(now, job->settings_id, sizeof(job->settings_id));
	if (!job->skip_existing)
		return 0;
	if (settings_path(job, path, sizeof(path)) < 0 ||
	    (ret = settings_read(path, old, sizeof(old))) < 0 || xattrs_work(job->outdir) < 0) {
		snprintf(why, size, "--skip-existing: %s; run without --skip-existing to make "
			 "every image again", error_message());
		return -1;
	}
	if (ret == 0 || !settings_differ(old, now, &k, &klen))
		return 0;
	shown_setting(old, k, klen, was, sizeof(was));
	shown_setting(now, k, klen, is, sizeof(is));
	snprintf(key, sizeof(key), "%.*s", (int)(klen < 40 ? klen : 40), k);
	snprintf(why, size, "--skip-existing: the images in %s were made with %s %s, not %s "
		 "(%s/%s); write to another output folder, or run without "
		 "--skip-existing to make them all again", job->outdir, key, was, is, job->outdir,
		 SELECT_SETTINGS);
	return -1;
}

/* Writes text to path through a unique temporary name and a rename: whole or not at all. */
static int write_atomically(const char *path, const char *text)
{
	char tmp[PATH_MAX + 16];
	mode_t mask = umask(0);
	FILE *f;
	int fd;

	umask(mask);
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return error("%s: cannot create: %s", tmp, strerror(errno));
	fchmod(fd, 0666 & ~mask);
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		unlink(tmp);
		return error("%s: cannot write: %s", tmp, strerror(errno));
	}
	fputs(text, f);
	if (ferror(f) | (fclose(f) != 0) || rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		return error("%s: cannot write: %s", path, strerror(e));
	}
	return 0;
}

/* Whether some task is to be written: neither refused nor done already. */
static int writes_some(const struct walk *w)
{
	for (size_t i = 0; i < w->ntasks; i++)
		if (!w->tasks[i].refused && !w->tasks[i].exists && w->tasks[i].out)
			return 1;
	return 0;
}

int select_settings_write(const struct job *job, const struct walk *w)
{
	char path[PATH_MAX], old[SETTINGS_MAX], now[SETTINGS_MAX];
	int ret;

	/* Standard output keeps no record: there is nothing to resume; nor does --in-place. */
	if (!job->outdir || !writes_some(w) || job->to_stdout)
		return 0;
	if (settings_path(job, path, sizeof(path)) < 0 || folder_make_parents(path) < 0)
		return -1;
	settings_text(job, now, sizeof(now));
	ret = settings_read(path, old, sizeof(old));
	if (ret == 1 && !strcmp(old, now))
		return 0;
	return write_atomically(path, now);
}

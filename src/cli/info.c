/* pixpool info and run --dry-run: what would be found and done, from headers alone (info.h). */
#include "cli/options.h"
#include "cli/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "job/cost.h"
#include "base/error.h"
#include "base/escape.h"
#include "codec/image.h"
#include "codec/meta.h"
#include "codec/probe.h"
#include "codec/unread.h"
#include "report/report.h"
#include "codec/input.h"

/* A header that is not whole in its first MiB is looked at no further, as cost.c does. */
#define HEADER_BYTES (1u << 20)

static const char info_usage_text[] =
"usage: pixpool info [options] INPUT...\n"
"\n"
"Tells what pixpool sees in each INPUT, reading headers only, never pixels.\n"
"For a file: its format, size, channels, EXIF orientation and metadata.\n"
"For a folder, walked as run walks it: the images by format, how many and how\n"
"many megapixels, the largest and the memory decoding it needs, and what run\n"
"would skip (non-image files, hidden entries, links, what cannot be walked) or\n"
"refuse (images over --max-pixels, damaged headers), and why.\n"
"\n"
"      --max-pixels MP      the limit run would apply (see 'pixpool --help')\n"
"      --follow-symlinks    follow symbolic links inside the folders, as run would\n"
"  -h, --help               show this help\n"
"\n"
"Exit status: 0 every INPUT was read, 1 some INPUT could not be, 2 usage error.\n";

static void print_escaped(FILE *f, const char *prefix, const char *text, const char *suffix)
{
	char shown[ERROR_MAX * 4 + 4096];

	escape_terminal(text, shown, sizeof(shown));
	fprintf(f, "%s%s%s", prefix, shown, suffix);
}

/*
 * An image's header, checked as a run's parent and worker check it before
 * decoding: 0 with *p filled, PROBE_MORE when its size is not in the first
 * MiB, or -1 with an error saying why a run would refuse it (without the
 * path, which the caller shows); *limit, when not NULL, set when it is
 * refused for its size alone.
 */
static int header_verdict(const struct task *t, uint64_t max_pixels, struct probe *p,
			  int *limit)
{
	int ret;

	/* Refused by the walk (codec/unread.h) or the batch: the run reads nothing of it. */
	if (t->refused)
		return error("%s", t->refused);
	ret = input_read_header(t->path, HEADER_BYTES, p);
	if (ret != 0)
		return ret;
	ret = image_check_size(p, max_pixels);
	if (limit)
		*limit = ret < 0;
	return ret;
}

/* The metadata line of pixpool info: text from the file, escaped. */
static void info_meta(const struct buffer *buf, enum format format)
{
	struct meta m = META_INIT;
	char line[1024];

	meta_collect(&m, buf->data, buf->len, format);
	meta_describe(&m, line, sizeof(line));
	print_escaped(stdout, "  metadata: ", line, "\n");
	if (m.warning[0])
		print_escaped(stdout, "  metadata warning: ", m.warning, "\n");
	meta_release(&m);
}

/*
 * The format of a photo pixpool does not read (unread.h), known from its
 * name or its first bytes (read without blocking), as the walk knows it;
 * NULL for any other file.
 */
static const struct unread *not_read(const char *path)
{
	unsigned char head[SNIFF_BYTES];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, head, sizeof(head));

	if (fd >= 0)
		close(fd);
	return unread_of(head, n > 0 ? (size_t)n : 0, path);
}

/*
 * What a file is, without decoding its pixels: read as a run reads it
 * (bounded, never blocking), its header and structure, channels included,
 * read by pixpool's own parser (probe.h), never a decoder's.
 */
static int info_file(const char *path)
{
	struct buffer buf = { 0 };
	struct probe p;
	char shown[4096];
	const struct unread *u = not_read(path);
	int c, ret;

	if (u)
		return error("%s: %s", path, u->reason);
	ret = input_read_file(path, UINT64_MAX, &buf, NULL);
	escape_terminal(path, shown, sizeof(shown));
	if (ret == 0 && (probe_header(&p, buf.data, buf.len) != 0 ||
			 probe_complete(&p, buf.data, buf.len) < 0))
		ret = error_prefix(path);
	if (ret == 0) {
		c = p.channels;
		printf("%s: %s %ux%u, %d channel%s, ", shown, format_name(p.format), p.width,
		       p.height, c, c == 1 ? "" : "s");
		if (p.bits > 8)
			printf("%d-bit samples (read as 8), ", p.bits);
		if (p.pages > 1)
			printf("%d frames (the first is read), ", p.pages);
		printf("%.1f MP, EXIF orientation %d\n", (double)p.width * p.height / 1e6,
		       image_exif_orientation(buf.data, buf.len));
		info_meta(&buf, p.format);
	}
	buffer_release(&buf);
	return ret;
}

#define CENSUS_KINDS 32

/* What a folder holds, as run would see it. */
struct census {
	size_t images[FORMAT_COUNT];		/* by format */
	uint64_t pixels[FORMAT_COUNT];
	size_t count, refused, unsized;
	uint64_t total;				/* pixels of the images run would take */
	const struct task *largest;
	struct probe largest_probe;
	/* The refused by kind: "JPEG XL", "broken JPEG", "not an image" ... */
	int kinds;
	char kind[CENSUS_KINDS][48];
	size_t of_kind[CENSUS_KINDS];
};

/* Counts a refused image under its kind; past CENSUS_KINDS kinds, under the last. */
static void count_refused(struct census *c, const struct task *t, int limit)
{
	char kind[48];
	int k;

	c->refused++;
	if (t->unread)
		snprintf(kind, sizeof(kind), "%s", t->unread);
	else if (t->format == FORMAT_NONE)
		snprintf(kind, sizeof(kind), "%s", t->bytes ? "not an image" : "empty");
	else if (limit)
		snprintf(kind, sizeof(kind), "%s over --max-pixels", format_name(t->format));
	else
		snprintf(kind, sizeof(kind), "broken %s", format_name(t->format));
	for (k = 0; k < c->kinds && strcmp(c->kind[k], kind); k++)
		;
	if (k == CENSUS_KINDS)
		k = CENSUS_KINDS - 1;
	if (k == c->kinds)
		memcpy(c->kind[c->kinds++], kind, sizeof(kind));
	c->of_kind[k]++;
}

static void count_image(struct census *c, const struct task *t, const struct probe *p)
{
	uint64_t pixels = (uint64_t)p->width * p->height;

	c->count++;
	c->images[p->format]++;
	c->pixels[p->format] += pixels;
	c->total += pixels;
	if (!c->largest || pixels > (uint64_t)c->largest_probe.width * c->largest_probe.height) {
		c->largest = t;
		c->largest_probe = *p;
	}
}

/* Looks at every task's header; tells refusals to out, one line each. */
static void take_census(struct census *c, const struct walk *w, uint64_t max_pixels, FILE *out)
{
	for (size_t i = 0; i < w->ntasks; i++) {
		const struct task *t = &w->tasks[i];
		struct probe p;
		int limit = 0;
		int ret = header_verdict(t, max_pixels, &p, &limit);

		if (ret == 0) {
			count_image(c, t, &p);
		} else if (ret == PROBE_MORE) {
			c->count++;
			c->unsized++;
			c->images[t->format]++;
		} else {
			char line[ERROR_MAX + 4096];

			snprintf(line, sizeof(line), "%s: %s", t->path, error_message());
			count_refused(c, t, limit);
			print_escaped(out, "  refused: ", line, "\n");
		}
	}
}

/* "  unreadable: 3 (JPEG XL 1, broken JPEG 2)": the refused by kind, in walk order. */
static void print_kinds(const struct census *c)
{
	if (!c->refused)
		return;
	printf("  unreadable: %zu (", c->refused);
	for (int k = 0; k < c->kinds; k++)
		printf("%s%s %zu", k ? ", " : "", c->kind[k], c->of_kind[k]);
	printf(")\n");
}

static void print_census(const char *input, const struct census *c, const struct walk *w)
{
	char shown[4096];

	escape_terminal(input, shown, sizeof(shown));
	printf("%s: %zu image%s, %.1f MP (%llu pixels)\n", shown, c->count,
	       c->count == 1 ? "" : "s", (double)c->total / 1e6, (unsigned long long)c->total);
	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++)
		if (c->images[f])
			printf("  %s: %zu image%s, %.1f MP\n", format_name((enum format)f), c->images[f],
			       c->images[f] == 1 ? "" : "s", (double)c->pixels[f] / 1e6);
	if (c->largest) {
		const struct probe *p = &c->largest_probe;
		uint64_t pixels = (uint64_t)p->width * p->height;

		escape_terminal(c->largest->path, shown, sizeof(shown));
		printf("  largest: %s, %ux%u, %.1f MP; decoding and filtering it needs about %.0f MB\n",
		       shown, p->width, p->height, (double)pixels / 1e6,
		       (double)cost_of_pixels(pixels, c->largest->bytes, 0) / 1e6);
	}
	if (c->unsized)
		printf("  size unknown: %zu image%s without a header in the first MiB\n", c->unsized,
		       c->unsized == 1 ? "" : "s");
	printf("  skipped: %zu non-image file%s, %zu hidden, %zu link%s, %zu not walked; "
	       "%zu image%s refused\n", w->other, w->other == 1 ? "" : "s", w->hidden, w->links,
	       w->links == 1 ? "" : "s", w->errors, c->refused, c->refused == 1 ? "" : "s");
	print_kinds(c);
}

static int info_folder(const struct job *job, const char *input)
{
	struct census c = { 0 };
	struct walk w;
	size_t n, len = 0;
	const struct walk_skip *s;
	char *refusals = NULL;
	FILE *out = open_memstream(&refusals, &len);
	int ret;

	if (!out)
		return error("%s: out of memory", input);
	walk_init(&w);
	ret = walk_add(&w, input, "", job->follow_symlinks);
	/* The refusals come after the totals, which need every header first. */
	take_census(&c, &w, job->max_pixels, out);
	fclose(out);
	print_census(input, &c, &w);
	fputs(refusals, stdout);
	free(refusals);
	s = walk_skips(&w, &n);
	for (size_t i = 0; i < n; i++) {
		char line[ERROR_MAX * 2];

		snprintf(line, sizeof(line), "%s: %s", s[i].path, s[i].reason);
		print_escaped(stdout, "  not walked: ", line, "\n");
	}
	walk_release(&w);
	return ret;
}

/* One INPUT: a folder's census, or a file's description; -1 with an error. */
static int info_input(const struct job *job, const char *input)
{
	struct stat st;

	if (stat(input, &st) < 0)
		return error("%s: %s", input, errno == ENOENT ? "no such file or folder"
							       : strerror(errno));
	if (S_ISDIR(st.st_mode))
		return info_folder(job, input);
	return info_file(input);
}

/* The options of info: run's --max-pixels and --follow-symlinks, and --help. */
static void info_parse(struct job *job, int argc, char **argv)
{
	struct option table[4] = { { "help", no_argument, NULL, 'h' } };
	int n = 1, c;

	for (const struct option *o = options_long; o->name; o++)
		if (!strcmp(o->name, "max-pixels") || !strcmp(o->name, "follow-symlinks"))
			table[n++] = *o;
	memset(&table[n], 0, sizeof(table[n]));
	options_hint("pixpool info");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", table, NULL)) != -1) {
		if (c == '?' || c == ':')
			options_getopt_error(c, argv, table);
		if (c == 'h') {
			fputs(info_usage_text, stdout);
			exit(0);
		}
		options_set(job, c, optarg);
	}
	if (optind == argc)
		usage_error("INPUT: no file or folder given");
}

int info_main(int argc, char **argv)
{
	struct job job;
	int ret = 0;

	job_init(&job);
	info_parse(&job, argc, argv);
	for (int i = optind; i < argc; i++) {
		if (info_input(&job, argv[i]) < 0) {
			print_escaped(stderr, "pixpool: ", error_message(), "\n");
			ret = 1;
		}
	}
	return ret;
}

/* One line per output of t: "PATH -> OUT", or "PATH: exists: OUT"; with -v, what it needs. */
static void dry_run_outputs(const struct job *job, const struct task *t)
{
	char line[ERROR_MAX + 8192];

	for (char **out = t->out; out && *out; out++) {
		if (t->exists)
			snprintf(line, sizeof(line), "%s: exists: %s", t->path, *out);
		else if (job->in_place)
			snprintf(line, sizeof(line), "%s: would be replaced", t->path);
		else if (job->verbose)
			/* The memory admission will charge it (cost.h), chain and encoder included. */
			snprintf(line, sizeof(line), "%s -> %s (needs about %.1f MB)", t->path, *out,
				 (double)t->cost / 1e6);
		else
			snprintf(line, sizeof(line), "%s -> %s", t->path, *out);
		print_escaped(stdout, "", line, "\n");
	}
}

/* Every file the walk passed over, with why: "PATH: skipped: hidden". */
static void list_passed(const struct walk *w)
{
	size_t n;
	const struct walk_skip *s = walk_passed(w, &n);

	for (size_t i = 0; i < n; i++) {
		char line[ERROR_MAX * 2];

		snprintf(line, sizeof(line), "%s: skipped: %s", s[i].path, s[i].reason);
		print_escaped(stdout, "", line, "\n");
	}
}

int info_dry_run(const struct job *job, const struct walk *w)
{
	size_t written = 0, refused = 0, exist = 0, unread = 0;

	for (size_t i = 0; i < w->ntasks; i++) {
		const struct task *t = &w->tasks[i];
		struct probe p;
		char line[ERROR_MAX + 8192];

		if (t->exists) {
			/* --skip-existing: left alone, not even its header read. */
			dry_run_outputs(job, t);
			exist++;
		} else if (header_verdict(t, job->max_pixels, &p, NULL) < 0) {
			snprintf(line, sizeof(line), "%s: refused: %s", t->path, error_message());
			print_escaped(stdout, "", line, "\n");
			refused++;
			unread += t->unread != NULL;
		} else {
			dry_run_outputs(job, t);
			written++;
		}
	}
	list_passed(w);
	if (!job->quiet)
		fprintf(stderr, "pixpool: dry run: %zu image%s would be written, %zu refused",
			written, written == 1 ? "" : "s", refused);
	if (!job->quiet && unread)
		fprintf(stderr, " (%zu in format%s pixpool does not read)", unread,
			unread == 1 ? "" : "s");
	if (!job->quiet)
		fprintf(stderr, ", %zu skipped (exists); nothing was read past the headers, "
			"nothing written\n", exist);
	return refused || w->errors ? 1 : 0;
}

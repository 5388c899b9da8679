#include "cli/options.h"

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/cpus.h"
#include "job/shard.h"
#include "engine/engine.h"
#include "base/error.h"
#include "base/escape.h"
#include "codec/icc.h"
#include "codec/format.h"
#include "job/name.h"
#include "codec/meta.h"
#include "base/suggest.h"
#include "base/colour.h"
#include "base/version.h"

static const char usage_text[] =
"usage: pixpool [run] [options] INPUT... -o OUTDIR\n"
"       pixpool [run] [options] --in-place INPUT...\n"
"       pixpool [run] [options] --files-from LIST -o OUTDIR\n"
"       pixpool [run] [options] - -o - <IN >OUT\n"
"       pixpool bench [options] INPUT...\n"
"       pixpool filters\n"
"       pixpool info [options] INPUT...\n"
"       pixpool report [options] MANIFEST.json...\n"
"       pixpool help [COMMAND]\n"
"       pixpool version\n"
"\n"
"Applies a chain of filters to every image under the INPUT folders (and files),\n"
"on a pool of workers, and writes the results in the same tree under OUTDIR.\n"
"\n"
"  -o, --output DIR         write outputs under DIR, mirroring the input tree; '-':\n"
"                           the one image read from standard input ('-') goes to\n"
"                           standard output (summary only with -v)\n"
"  -f, --filter CHAIN       filters to apply, e.g. grayscale,blur:sigma=2,resize:width=800\n"
"                           (repeatable; 'pixpool filters' lists them)\n"
"  -j, --jobs N             pool size (default: the CPUs this process may use)\n"
"  -e, --engine NAME        %s (default: %s)\n"
"      --channel NAME       process results over: pipe | shm (default: pipe)\n"
"      --schedule NAME      dynamic | static | lpt (default: dynamic)\n"
"      --pin                pin worker i to the i-th allowed CPU\n"
"      --format FMT[,FMT]   same | %s (default: same;\n"
"                           for a format pixpool only reads, png, or jpg for RAW, HEIC);\n"
"                           a list writes each output in each format\n"
"      --variant NAME=CHAIN another output of every image: -f's chain, then CHAIN,\n"
"                           from the same decode (repeatable; NAME: [A-Za-z0-9_-])\n"
"      --name TEMPLATE      output names under OUTDIR from {dir} {stem} {ext} {variant}\n"
"                           {width} {height} (default: {dir}/{stem}.{ext}, with\n"
"                           --variant {dir}/{stem}-{variant}.{ext})\n"
"      --flat               every output straight in OUTDIR: {dir} is empty\n"
"      --in-place           replace each input with its output, atomically, keeping\n"
"                           its mode; no -o, no --variant, no change of format\n"
"      --quality N          quality of lossy output, 1..100 (default: the format's own;\n"
"                           JPEG 90, AVIF 50, WebP 80)\n"
"      --png-level N        PNG compression, 0 (stored) .. 12 (smallest) (default: 1)\n"
"      --tiff-compression NAME  TIFF output: none | lzw | deflate | jpeg (default: lzw)\n"
"      --avif-speed N       AVIF encoding, 0 (slowest, smallest) .. 10 (fastest) (default: 6)\n"
"      --lossless           write WebP lossless: the same pixels, larger files\n"
"                           (default: lossy, at --quality)\n"
"      --background COLOUR  what transparent pixels become in a format without alpha\n"
"                           (JPEG, PNM): a name (white, black, grey, red, ...) or\n"
"                           #rrggbb (default: white)\n"
"      --no-autoorient      keep JPEG, WebP, TIFF and RAW pixels as stored; ignore their\n"
"                           Orientation (HEIC and AVIF are always turned by their\n"
"                           own transforms)\n"
"      --strip[=PARTS]      drop the outputs' metadata (EXIF, XMP, ICC): all of it, or\n"
"                           a list of exif, xmp, icc, gps (default: keep all)\n"
"      --profile PROFILE    convert colours from each image's embedded ICC profile\n"
"                           (none: sRGB) to PROFILE, srgb or an RGB profile's file,\n"
"                           and embed it unless --strip drops it\n"
"      --intent NAME        how --profile converts: perceptual | relative |\n"
"                           saturation | absolute (default: relative)\n"
"      --keep-dates         give each output its input's modification and access\n"
"                           times (default: the time it was written)\n"
"      --follow-symlinks    follow symbolic links inside the input folders\n"
"      --max-pixels MP      refuse images over MP megapixels, read or written (default:\n"
"                           178.956970, twice Pillow's decompression-bomb warning)\n"
"      --mem-limit SIZE     memory the images in flight may need together, e.g.\n"
"                           4G or 25%%; a large image waits until it fits\n"
"                           (default: 50%% of the machine's memory; none: no limit)\n"
"      --timeout SEC        kill a worker stuck on one image for SEC seconds\n"
"                           (process engine only)\n"
"      --manifest FILE      one record per image, JSON (.json) or CSV (.csv); '-':\n"
"                           JSON lines on stdout, then one line for the run\n"
"      --dry-run            print what would be written where, what would be\n"
"                           refused and skipped and why; read no pixels, write nothing\n"
"      --skip-existing      do not decode an image whose output exists and is not\n"
"                           older than it (resume an interrupted run); refused when\n"
"                           OUTDIR was made with other settings (OUTDIR/.pixpool-settings)\n"
"      --files-from FILE    process the files listed in FILE ('-': stdin), one a line,\n"
"                           instead of INPUT...; each goes to OUTDIR/PATH as listed\n"
"                           (a leading '/' dropped; '..' refused)\n"
"  -0, --null               the list's names end in NUL bytes (find -print0)\n"
"      --include GLOB       take the images whose path under OUTDIR matches GLOB\n"
"      --exclude GLOB       leave them out; both repeatable, the first matching rule\n"
"                           decides, none matching: taken. A GLOB without '/' or\n"
"                           '**' matches the file name at any depth, others the whole\n"
"                           path; '*', '?', '[...]' never match '/', '**' does\n"
"                           ('raw/**', '**/tmp/*.jpg')\n"
"      --shard K/N          process shard K of N (0 <= K < N): a fixed 1/N of the\n"
"                           images, balanced by pixels, the same on every machine;\n"
"                           'slurm' takes K and N from a Slurm job array task;\n"
"                           'k8s/N' takes K from JOB_COMPLETION_INDEX (a Kubernetes\n"
"                           Indexed Job of N completions)\n"
"      --progress[=KIND]    show a progress line (default: when stderr is a terminal);\n"
"                           KIND json: one JSON event per image on stderr instead\n"
"      --no-progress        never show it\n"
"  -q, --quiet              print errors only, no summary\n"
"  -v, --verbose            print one line per image, and per file skipped\n"
"  -h, --help               show this help\n"
"      --version            print pixpool's version\n"
"\n"
"Exit status: 0 every image written (or found done), 1 some image failed (the\n"
"others are written), 2 usage error, 130 interrupted.\n";

/* The engines' names, "a | b | c", from their table. */
static const char *engine_names(void)
{
	static char names[128];
	const struct engine *const *list = engine_list();

	names[0] = '\0';
	for (int i = 0; list[i]; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? " | " : "", list[i]->name);
	return names;
}

/* The words of the formats pixpool writes, "a | b | c", from the format table. */
static const char *format_words(void)
{
	static char words[128];

	words[0] = '\0';
	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++)
		if (format_row((enum format)f)->encode)
			snprintf(words + strlen(words), sizeof(words) - strlen(words), "%s%s",
				 words[0] ? " | " : "", format_row((enum format)f)->words[0]);
	return words;
}

static void usage(FILE *out)
{
	fprintf(out, usage_text, engine_names(), engine_default()->name, format_words());
}

void options_usage(void)
{
	usage(stdout);
}

static const char *hint_command = "pixpool";

void options_hint(const char *command)
{
	hint_command = command;
}

/* The message is escaped: it holds arguments, which are often file names. */
void usage_error(const char *fmt, ...)
{
	char message[1024], shown[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	escape_terminal(message, shown, sizeof(shown));
	fprintf(stderr, "pixpool: %s\ntry '%s --help'\n", shown, hint_command);
	exit(2);
}

void options_join(char *buf, size_t size, const char *const *names)
{
	buf[0] = '\0';
	for (int i = 0; names[i]; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? ", " : "", names[i]);
}

/* "; did you mean 'x'?" when one of names is close to value, else "". */
static const char *did_you_mean(const char *value, const char *const *names)
{
	static char hint[128];
	const char *best = suggest_from(value, names);

	hint[0] = '\0';
	if (best)
		snprintf(hint, sizeof(hint), "; did you mean '%s'?", best);
	return hint;
}

void options_not_one_of(const char *option, const char *value, const char *const *names)
{
	char list[512];

	options_join(list, sizeof(list), names);
	usage_error("%s %s: must be one of %s%s", option, value, list, did_you_mean(value, names));
}

static int pick(const char *option, const char *value, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], value))
			return i;
	options_not_one_of(option, value, names);
}

/* --format: "same", or a word of a format that pixpool writes (codec/format.h). */
static enum format pick_format(const char *value)
{
	const char *names[FORMAT_COUNT + 1] = { "same" };
	enum format format = format_find(value);
	int n = 1;

	if (!strcmp(value, "same"))
		return FORMAT_NONE;
	if (format != FORMAT_NONE && format_row(format)->encode)
		return format;
	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++)
		if (format_row((enum format)f)->encode)
			names[n++] = format_row((enum format)f)->words[0];
	names[n] = NULL;
	options_not_one_of("--format", value, names);
}

/* One format of --format's list. */
static void format_item(char *item, void *data)
{
	struct job *job = data;

	if (job->nformats == OUTPUTS_MAX)
		usage_error("--format: more than %d formats", OUTPUTS_MAX);
	job->formats[job->nformats++] = pick_format(item);
}

/* --format webp,jpg: each output in each format; the last --format given counts. */
static void set_formats(struct job *job, const char *value)
{
	job->nformats = 0;
	options_list(value, format_item, job);
	if (!job->nformats)
		usage_error("--format %s: names no format", value);
	for (int i = 0; i < job->nformats; i++)
		for (int j = 0; j < i; j++)
			if (job->formats[i] == job->formats[j])
				usage_error("--format %s: names a format twice", value);
	job->format = job->formats[0];
}

/* --variant NAME=CHAIN: NAME of [A-Za-z0-9_-], unique; CHAIN as -f takes it ("" none). */
static void add_variant(struct job *job, const char *value)
{
	const char *eq = strchr(value, '=');
	size_t len = eq ? (size_t)(eq - value) : 0;
	struct variant *v;

	if (!len || len >= VARIANT_NAME_MAX || strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789_-") != len)
		usage_error("--variant %s: must be NAME=CHAIN, NAME of 1 to %d letters, digits, "
			    "'_' or '-'", value, VARIANT_NAME_MAX - 1);
	for (int i = 0; i < job->nvariants; i++)
		if (strlen(job->variants[i].name) == len && !strncmp(job->variants[i].name, value, len))
			usage_error("--variant %s: the name '%.*s' is given twice", value, (int)len, value);
	if (job->nvariants == OUTPUTS_MAX)
		usage_error("--variant: more than %d variants", OUTPUTS_MAX);
	v = realloc(job->variants, (size_t)(job->nvariants + 1) * sizeof(*v));
	if (!v)
		usage_error("out of memory");
	job->variants = v;
	v += job->nvariants++;
	memset(v, 0, sizeof(*v));
	memcpy(v->name, value, len);
	if (eq[1] && chain_parse(&v->chain, eq + 1) < 0)
		usage_error("--variant %s: %s", value, error_message());
}

/* --background: a colour's name or hex digits (base/colour.h). */
static uint32_t pick_colour(const char *value)
{
	uint32_t rgb;

	if (colour_parse(value, &rgb) < 0)
		usage_error("--background %s: not a colour: a name (%s, ...) or #rrggbb or #rgb%s",
			    value, "white, black, grey, red", did_you_mean(value, colour_names()));
	return rgb;
}

/* --progress=json: the only value --progress takes. */
static int progress_kind(const char *value)
{
	static const char *const names[] = { "json", NULL };

	pick("--progress", value, names);
	return PROGRESS_JSON;
}

static void strip_part(char *item, void *data)
{
	static const char *const names[] = { "exif", "xmp", "icc", "gps", NULL };

	*(int *)data |= 1 << pick("--strip", item, names);
}

/* --strip=exif,gps: the META_STRIP_* bits of a list, in names' order. */
static int strip_parts(const char *value)
{
	int parts = 0;

	options_list(value, strip_part, &parts);
	if (!parts)
		usage_error("--strip=%s: names nothing to drop: name some of exif, xmp, icc, gps", value);
	return parts;
}

/*
 * --profile srgb|FILE: the user's own profile is read and checked here, in
 * the parent, once; embedded profiles are parsed only where images are
 * decoded (codec/icc.h).
 */
static void set_profile(struct job *job, const char *arg)
{
	struct icc_target *t = calloc(1, sizeof(*t));

	if (!t)
		usage_error("out of memory");
	if (icc_target_load(t, arg) < 0)
		usage_error("--profile %s: %s", arg, error_message());
	if (job->profile)
		icc_target_release(job->profile);
	free(job->profile);
	job->profile = t;
}

double options_number(const char *option, const char *value, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (end == value || *end || errno || !isfinite(v))
		usage_error("%s %s: not a number", option, value);
	if (v < min || v > max)
		usage_error("%s %s: must be between %g and %g", option, value, min, max);
	return v;
}

int options_integer(const char *option, const char *value, int min, int max)
{
	double v = options_number(option, value, min, max);

	if (v != (int)v)
		usage_error("%s %s: not a whole number", option, value);
	return (int)v;
}

const struct engine *options_engine(const char *option, const char *value)
{
	const struct engine *e = engine_find(value);
	const char *names[ENGINE_MAX + 1];
	int n = 0;

	if (e)
		return e;
	for (const struct engine *const *l = engine_list(); *l && n < ENGINE_MAX; l++)
		names[n++] = (*l)->name;
	names[n] = NULL;
	options_not_one_of(option, value, names);
}

/*
 * By default the images in flight may need half the machine's memory
 * together: room for the rest of the system, and for estimates that fall
 * short.
 */
#define DEFAULT_MEM_SHARE 50

/* percent % of the physical memory, in bytes. */
static uint64_t memory_share(double percent)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || size <= 0)
		return 0;
	return (uint64_t)((double)pages * (double)size * percent / 100);
}

/* "none", a percentage of the physical memory ("50%"), or bytes with an optional K, M, G, T. */
static uint64_t mem_size(const char *option, const char *value)
{
	static const char units[] = "KMGT";
	char *end, *unit;
	double v, scale = 1;

	if (!strcmp(value, "none"))
		return 0;
	errno = 0;
	v = strtod(value, &end);
	if (end == value || errno || !isfinite(v) || v <= 0)
		usage_error("%s %s: not a size such as 512M, 4G, 50%% or none", option, value);
	if (!strcmp(end, "%") && v <= 100)
		return memory_share(v);
	if (*end && (end[1] || !(unit = strchr(units, *end))))
		usage_error("%s %s: not a size such as 512M, 4G, 50%% or none", option, value);
	if (*end)
		for (const char *u = units; u <= unit; u++)
			scale *= 1024;
	if (v * scale < 1024 * 1024)
		usage_error("%s %s: must be at least 1M", option, value);
	return (uint64_t)(v * scale);
}

void job_init(struct job *job)
{
	memset(job, 0, sizeof(*job));
	job->engine = engine_default();
	job->channel = CHANNEL_PIPE;
	job->schedule = SCHEDULE_DYNAMIC;
	job->workers = cpus_available();
	job->format = FORMAT_NONE;
	job->encode = (struct encode_options)ENCODE_OPTIONS_INIT;
	job->autoorient = 1;
	job->intent = COLOUR_INTENT_DEFAULT;
	job->max_pixels = 2 * 89478485u;	/* Pillow's bomb error: 2 x its warning (1 GiB / 4 / 3) */
	job->mem_limit = memory_share(DEFAULT_MEM_SHARE);
	job->progress = -1;
}

void job_release(struct job *job)
{
	free(job->variants);
	job->variants = NULL;
	job->nvariants = 0;
	free(job->rules);
	job->rules = NULL;
	if (job->profile)
		icc_target_release(job->profile);
	free(job->profile);
	job->profile = NULL;
	job->nrules = 0;
}

enum {
	OPT_CHANNEL = 256, OPT_SCHEDULE, OPT_PIN, OPT_FORMAT, OPT_QUALITY, OPT_NO_AUTOORIENT,
	OPT_FOLLOW, OPT_MAX_PIXELS, OPT_MEM_LIMIT, OPT_TIMEOUT, OPT_MANIFEST, OPT_PROGRESS, OPT_NO_PROGRESS,
	OPT_PNG_LEVEL, OPT_STRIP, OPT_DRY_RUN, OPT_VERSION, OPT_SKIP_EXISTING, OPT_FILES_FROM,
	OPT_INCLUDE, OPT_EXCLUDE, OPT_SHARD, OPT_BACKGROUND,
	OPT_KEEP_DATES, OPT_PROFILE, OPT_INTENT, OPT_AVIF_SPEED, OPT_VARIANT, OPT_NAME, OPT_FLAT,
	OPT_IN_PLACE, OPT_LOSSLESS, OPT_TIFF_COMPRESSION,
};

const struct option options_long[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "filter", required_argument, NULL, 'f' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "engine", required_argument, NULL, 'e' },
	{ "backend", required_argument, NULL, 'e' },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "ipc", required_argument, NULL, OPT_CHANNEL },
	{ "schedule", required_argument, NULL, OPT_SCHEDULE },
	{ "pin", no_argument, NULL, OPT_PIN },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "variant", required_argument, NULL, OPT_VARIANT },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "flat", no_argument, NULL, OPT_FLAT },
	{ "in-place", no_argument, NULL, OPT_IN_PLACE },
	{ "quality", required_argument, NULL, OPT_QUALITY },
	{ "png-level", required_argument, NULL, OPT_PNG_LEVEL },
	{ "avif-speed", required_argument, NULL, OPT_AVIF_SPEED },
	{ "lossless", no_argument, NULL, OPT_LOSSLESS },
	{ "tiff-compression", required_argument, NULL, OPT_TIFF_COMPRESSION },
	{ "background", required_argument, NULL, OPT_BACKGROUND },
	{ "no-autoorient", no_argument, NULL, OPT_NO_AUTOORIENT },
	{ "strip", optional_argument, NULL, OPT_STRIP },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "intent", required_argument, NULL, OPT_INTENT },
	{ "keep-dates", no_argument, NULL, OPT_KEEP_DATES },
	{ "follow-symlinks", no_argument, NULL, OPT_FOLLOW },
	{ "max-pixels", required_argument, NULL, OPT_MAX_PIXELS },
	{ "mem-limit", required_argument, NULL, OPT_MEM_LIMIT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "manifest", required_argument, NULL, OPT_MANIFEST },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "progress", optional_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "skip-existing", no_argument, NULL, OPT_SKIP_EXISTING },
	{ "files-from", required_argument, NULL, OPT_FILES_FROM },
	{ "null", no_argument, NULL, '0' },
	{ "include", required_argument, NULL, OPT_INCLUDE },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/*
 * --include and --exclude, kept in the order given: the first rule that
 * matches decides (select.h). A pattern is matched against files, so one
 * ending in '/' would never match: say how to name a folder's files.
 */
static void add_rule(struct job *job, const char *glob, int include)
{
	const char *option = include ? "--include" : "--exclude";
	struct rule *rules;

	if (!*glob)
		usage_error("%s needs a pattern", option);
	if (glob[strlen(glob) - 1] == '/')
		usage_error("%s %s: patterns match files; for what lies in a folder, write %s**",
			    option, glob, glob);
	rules = realloc(job->rules, (job->nrules + 1) * sizeof(*rules));
	if (!rules)
		usage_error("out of memory");
	rules[job->nrules].glob = glob;
	rules[job->nrules].include = include;
	job->rules = rules;
	job->nrules++;
}

/* The options that say what is written where; 0 when c is none of them. */
static int output_option(struct job *job, int c, const char *arg)
{
	switch (c) {
	case 'o': job->outdir = arg; break;
	case OPT_FORMAT: set_formats(job, arg); break;
	case OPT_VARIANT: add_variant(job, arg); break;
	case OPT_NAME: job->name = arg; break;
	case OPT_FLAT: job->flat = 1; break;
	case OPT_IN_PLACE: job->in_place = 1; break;
	default: return 0;
	}
	return 1;
}

void options_set(struct job *job, int c, const char *arg)
{
	if (output_option(job, c, arg))
		return;
	switch (c) {
	case 'f':
		if (chain_parse(&job->chain, arg) < 0)
			usage_error("-f %s: %s", arg, error_message());
		break;
	case 'j':
		job->workers = options_integer("-j", arg, 1, 4096);
		job->workers_given = 1;
		break;
	case 'b':
	case 'e': job->engine = options_engine("--engine", arg); break;
	case OPT_CHANNEL: job->channel = pick("--channel", arg, channel_names); break;
	case OPT_SCHEDULE: job->schedule = pick("--schedule", arg, schedule_names); break;
	case OPT_PIN: job->pin = 1; break;
	case OPT_QUALITY: job->encode.quality = options_integer("--quality", arg, 1, 100); break;
	case OPT_PNG_LEVEL: job->encode.png_level = options_integer("--png-level", arg, 0, 12); break;
	case OPT_AVIF_SPEED:
		job->encode.avif_speed = options_integer("--avif-speed", arg, 0, 10);
		break;
	case OPT_LOSSLESS: job->encode.lossless = 1; break;
	case OPT_TIFF_COMPRESSION:
		job->encode.tiff_compression = pick("--tiff-compression", arg, tiff_compression_names);
		break;
	case OPT_BACKGROUND: job->encode.background = pick_colour(arg); break;
	case OPT_NO_AUTOORIENT: job->autoorient = 0; break;
	case OPT_STRIP: job->strip |= arg ? strip_parts(arg) : META_STRIP_ALL; break;
	case OPT_PROFILE: set_profile(job, arg); break;
	case OPT_INTENT:
		job->intent = pick("--intent", arg, icc_intent_names);
		job->intent_given = 1;
		break;
	case OPT_KEEP_DATES: job->keep_dates = 1; break;
	case OPT_FOLLOW: job->follow_symlinks = 1; break;
	case OPT_MAX_PIXELS:
		job->max_pixels = (uint64_t)(options_number("--max-pixels", arg, 0.000001, 4096) * 1e6);
		break;
	case OPT_MEM_LIMIT: job->mem_limit = mem_size("--mem-limit", arg); break;
	case OPT_TIMEOUT: job->timeout = options_number("--timeout", arg, 0, 86400); break;
	case OPT_MANIFEST: job->manifest = arg; break;
	case OPT_SHARD:
		if (shard_parse(&job->shard, arg) < 0)
			usage_error("--shard %.40s: %s", arg, error_message());
		break;
	case OPT_PROGRESS: job->progress = arg ? progress_kind(arg) : 1; break;
	case OPT_NO_PROGRESS: job->progress = 0; break;
	case OPT_SKIP_EXISTING: job->skip_existing = 1; break;
	case OPT_FILES_FROM: job->files_from = arg; break;
	case '0': job->from0 = 1; break;
	case OPT_INCLUDE: add_rule(job, arg, 1); break;
	case OPT_EXCLUDE: add_rule(job, arg, 0); break;
	case 'q': job->quiet = 1; break;
	case 'v': job->verbose = 1; break;
	case OPT_DRY_RUN: job->dry_run = 1; break;
	case 'h': usage(stdout); exit(0);
	case OPT_VERSION: options_version(); exit(0);
	}
}

/*
 * The list names every file, relative to the current folder: an INPUT
 * beside it would leave open which tree the listed paths are in.
 */
static void check_files_from(const struct job *job)
{
	if (job->from0 && !job->files_from)
		usage_error("-0: it says how --files-from's list is cut: give --files-from too");
	if (job->files_from && job->ninputs)
		usage_error("--files-from: takes no INPUT: the list names every file, "
			    "relative to the current folder ('%s' given too)", job->inputs[0]);
	if (!job->files_from && job->ninputs == 0)
		usage_error("INPUT: no input folder or file given");
	if (job->files_from && strcmp(job->files_from, "-") && access(job->files_from, R_OK) < 0)
		usage_error("--files-from: %s: cannot read: %s", job->files_from, strerror(errno));
}

/* Whether "-" is among the inputs. */
static int stdin_given(const struct job *job)
{
	for (int i = 0; i < job->ninputs; i++)
		if (!strcmp(job->inputs[i], "-"))
			return 1;
	return 0;
}

/*
 * "-" as the input and -o -: one image through, standard input to standard
 * output. Each alone, or with more, would leave open where the others go.
 * Standard output is a pipe, not a folder: nothing to resume, no dates to
 * set, no room for the manifest; and the summary is left to -v.
 */
static void check_stdout(struct job *job)
{
	job->to_stdout = !strcmp(job->outdir, "-");
	if (!job->to_stdout && !stdin_given(job))
		return;
	if (!job->to_stdout)
		usage_error("-: standard input goes to standard output: give -o - "
			    "(pixpool ... - -o - <in.jpg >out.jpg)");
	if (job->ninputs != 1 || strcmp(job->inputs[0], "-"))
		usage_error("-o -: writes one image, read from standard input: give - as the only "
			    "input (pixpool ... - -o - <in.jpg >out.jpg)");
	if (job->skip_existing)
		usage_error("--skip-existing: there is nothing to resume with -o -");
	if (job->keep_dates)
		usage_error("--keep-dates: standard output has no dates to set (-o -)");
	if (job->manifest && !strcmp(job->manifest, "-"))
		usage_error("--manifest -: standard output holds the image (-o -): name a file");
	if (job->shard.n)
		usage_error("--shard: -o - has one image, not a share of many");
	if (isatty(STDOUT_FILENO) && !job->dry_run)
		usage_error("-o -: standard output is a terminal: redirect it (> out.jpg) or pipe it");
	if (!job->verbose)
		job->quiet = 1;
	job->workers = 1;
}

/*
 * --in-place replaces each input by its output, of the same format: as
 * mogrify without -format. A new format would need a new name beside the
 * input, and the input kept or removed: neither is replacing it, so it is
 * refused, and so is whatever names or multiplies the outputs.
 */
static void check_in_place(const struct job *job)
{
	if (job->outdir)
		usage_error("--in-place: replaces the inputs: give no -o");
	if (job->nvariants || job->name || job->flat)
		usage_error("--in-place: one output an image, its input's name: no --variant, "
			    "--name or --flat");
	if (job->nformats > 1 || job->format != FORMAT_NONE)
		usage_error("--in-place: keeps each input's format (--format same); to write "
			    "another format, give -o DIR");
	if (job->skip_existing)
		usage_error("--in-place: an input replaced is done already: no --skip-existing");
	if (stdin_given(job))
		usage_error("--in-place: standard input (-) is no file to replace");
}

/* The outputs of an image: bounded, each variant's chain whole, names that cannot collide. */
static void check_outputs(const struct job *job)
{
	struct chain joined;

	if (job_outputs(job) > OUTPUTS_MAX)
		usage_error("--variant, --format: %d variants in %d formats are %d outputs an image, "
			    "more than %d", job->nvariants, job->nformats, job_outputs(job),
			    OUTPUTS_MAX);
	for (int i = 0; i < job->nvariants; i++)
		if (chain_join(&joined, &job->chain, &job->variants[i].chain) < 0)
			usage_error("--variant %s: with -f's chain: %s", job->variants[i].name,
				    error_message());
	if (job->to_stdout && (job->nvariants || job_outputs(job) > 1 || job->name || job->flat))
		usage_error("-o -: standard output takes one image: no --variant, --format list, "
			    "--name or --flat");
	if (name_check(job) < 0)
		usage_error("%s", error_message());
}

static void check_manifest(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!strcmp(path, "-"))
		return;
	if (!dot || (strcmp(dot, ".json") && strcmp(dot, ".csv")))
		usage_error("--manifest %s: name must end in .json or .csv, or be - (standard output)",
			    path);
}

void options_version(void)
{
	printf("pixpool %s\n", PIXPOOL_VERSION);
}

/* The long option called name (as typed, without "--" and "=VALUE"), or NULL. */
static const struct option *long_option(const struct option *table, const char *name, size_t len,
					int *matches)
{
	const struct option *found = NULL;

	*matches = 0;
	for (const struct option *o = table; o->name; o++) {
		if (strncmp(o->name, name, len))
			continue;
		if (strlen(o->name) == len) {
			*matches = 1;
			return o;
		}
		found = o;
		++*matches;
	}
	return found;
}

static void ambiguous(const struct option *table, const char *name, size_t len)
{
	char list[512] = "";

	for (const struct option *o = table; o->name; o++)
		if (!strncmp(o->name, name, len))
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s--%s",
				 list[0] ? ", " : "", o->name);
	usage_error("--%.*s: ambiguous option: could be %s", (int)len, name, list);
}

static void unknown_long(const struct option *table, const char *name, size_t len)
{
	char typed[128];
	struct suggest s;

	snprintf(typed, sizeof(typed), "%.*s", (int)len, name);
	suggest_init(&s, typed);
	for (const struct option *o = table; o->name; o++)
		suggest_add(&s, o->name);
	if (suggest_best(&s))
		usage_error("--%s: unknown option; did you mean '--%s'?", typed, suggest_best(&s));
	usage_error("--%s: unknown option", typed);
}

/* What getopt_long got wrong, said as pixpool says it. */
static void long_option_error(const struct option *table, const char *arg, int c)
{
	const char *name = arg + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	int matches;
	const struct option *o = long_option(table, name, len, &matches);

	if (matches > 1)
		ambiguous(table, name, len);
	if (!o)
		unknown_long(table, name, len);
	if (c == ':')
		usage_error("--%s: needs a value", o->name);
	usage_error("--%s: takes no value, not '%s'", o->name, eq ? eq + 1 : "");
}

void options_getopt_error(int c, char **argv, const struct option *table)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	if (!strncmp(arg, "--", 2) && arg[2])
		long_option_error(table, arg, c);
	if (c == ':')
		usage_error("-%c: needs a value", optopt);
	if (optopt > ' ' && optopt < 127)
		usage_error("-%c: unknown option", optopt);
	usage_error("%s: unknown option", arg);
}

void options_parse(struct job *job, int argc, char **argv)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:f:j:e:b:qvh0", options_long, NULL)) != -1) {
		if (c == '?' || c == ':')
			options_getopt_error(c, argv, options_long);
		options_set(job, c, optarg);
	}
	job->inputs = (const char **)argv + optind;
	job->ninputs = argc - optind;
	check_files_from(job);
	if (job->in_place)
		check_in_place(job);
	else if (!job->outdir)
		usage_error("-o: no output folder given (-o DIR)");
	else
		check_stdout(job);
	if (job->manifest)
		check_manifest(job->manifest);
	check_outputs(job);
	if (job->intent_given && !job->profile)
		usage_error("--intent: says how --profile converts: give --profile too");
	if (job->engine->single)
		job->workers = 1;
	/*
	 * Only a worker process can be stopped in the middle of an image and
	 * the run go on: a thread or the main loop stuck in a decoder cannot.
	 */
	if (job->timeout > 0 && !job->engine->processes)
		usage_error("--timeout: needs --engine process: only a worker process "
			    "can be stopped in the middle of an image");
}

void options_list(const char *value, void (*each)(char *item, void *data), void *data)
{
	char *copy = strdup(value), *save = NULL;

	if (!copy)
		usage_error("out of memory");
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save))
		each(item, data);
	free(copy);
}

#include "options.h"

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpus.h"
#include "engine.h"
#include "error.h"
#include "meta.h"

static const char usage_text[] =
"usage: pixpool [run] [options] INPUT... -o OUTDIR\n"
"       pixpool bench [options] INPUT...\n"
"       pixpool filters\n"
"       pixpool info FILE...\n"
"       pixpool report MANIFEST.json...\n"
"\n"
"Applies a chain of filters to every image under the INPUT folders (and files),\n"
"on a pool of workers, and writes the results in the same tree under OUTDIR.\n"
"\n"
"  -o, --output DIR         write outputs under DIR, mirroring the input tree\n"
"  -f, --filter CHAIN       filters to apply, e.g. grayscale,blur:sigma=2,resize:width=800\n"
"                           (repeatable; 'pixpool filters' lists them)\n"
"  -j, --jobs N             pool size (default: the CPUs this process may use)\n"
"  -b, --backend NAME       %s (default: %s)\n"
"      --ipc NAME           process results over: pipe | shm (default: pipe)\n"
"      --schedule NAME      dynamic | static | lpt (default: dynamic)\n"
"      --pin                pin worker i to the i-th allowed CPU\n"
"      --format FMT         same | jpg | png | bmp | tga | pnm (default: same)\n"
"      --quality N          JPEG quality, 1..100 (default: 90)\n"
"      --png-level N        PNG compression, 0 (stored) .. 12 (smallest) (default: 1)\n"
"      --no-autoorient      keep JPEG pixels as stored; ignore EXIF Orientation\n"
"      --strip[=PARTS]      drop metadata from JPEG and PNG outputs: all of it, or\n"
"                           a list of exif, xmp, icc, gps (default: keep all)\n"
"      --follow-symlinks    follow symbolic links inside the input folders\n"
"      --max-pixels MP      refuse images over MP megapixels, read or written (default:\n"
"                           178.956970, twice Pillow's decompression-bomb warning)\n"
"      --mem-limit SIZE     memory the images in flight may need together, e.g.\n"
"                           4G or 25%%; a large image waits until it fits\n"
"                           (default: 50%% of the machine's memory; none: no limit)\n"
"      --timeout SEC        kill a worker stuck on one image for SEC seconds\n"
"                           (process backend only)\n"
"      --manifest FILE      one record per image, JSON (.json) or CSV (.csv)\n"
"      --shard K/N          process shard K of N (0 <= K < N): a fixed 1/N of the\n"
"                           images, balanced by pixels, the same on every machine;\n"
"                           'slurm' takes K and N from a Slurm job array task\n"
"      --progress           show a progress line (default: when stderr is a terminal)\n"
"      --no-progress        never show it\n"
"  -q, --quiet              print errors only, no summary\n"
"  -v, --verbose            print one line per image\n"
"  -h, --help               show this help\n"
"\n"
"Exit status: 0 every image written, 1 some image failed (the others are\n"
"written), 2 usage error, 130 interrupted.\n";

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

static void usage(FILE *out)
{
	fprintf(out, usage_text, engine_names(), engine_default()->name);
}

void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pixpool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\ntry 'pixpool --help'\n", stderr);
	exit(2);
}

static const char *const ipc_names[] = { "pipe", "shm", NULL };
static const char *const schedule_names[] = { "dynamic", "static", "lpt", NULL };
static const char *const format_names[] = { "same", "jpg", "png", "bmp", "tga", "pnm", NULL };

const char *ipc_name(enum ipc i) { return ipc_names[i]; }
const char *schedule_name(enum schedule s) { return schedule_names[s]; }

static int pick(const char *option, const char *value, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], value) || (!strcmp(value, "jpeg") && !strcmp(names[i], "jpg")))
			return i;
	usage_error("%s must be one of %s%s%s%s, not '%s'", option, names[0],
		    names[1] ? ", " : "", names[1] ? names[1] : "",
		    names[2] ? ", ..." : "", value);
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
		usage_error("--strip=: name what to drop: exif, xmp, icc, gps");
	return parts;
}

double options_number(const char *option, const char *value, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (end == value || *end || errno || !isfinite(v))
		usage_error("%s needs a number, not '%s'", option, value);
	if (v < min || v > max)
		usage_error("%s must be between %g and %g, not %s", option, min, max, value);
	return v;
}

int options_integer(const char *option, const char *value, int min, int max)
{
	double v = options_number(option, value, min, max);

	if (v != (int)v)
		usage_error("%s needs a whole number, not '%s'", option, value);
	return (int)v;
}

const struct engine *options_engine(const char *option, const char *value)
{
	const struct engine *e = engine_find(value);

	if (!e)
		usage_error("%s must be one of %s, not '%s'", option, engine_names(), value);
	return e;
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
		usage_error("%s needs a size such as 512M, 4G or 50%%, not '%s'", option, value);
	if (!strcmp(end, "%") && v <= 100)
		return memory_share(v);
	if (*end && (end[1] || !(unit = strchr(units, *end))))
		usage_error("%s needs a size such as 512M, 4G or 50%%, not '%s'", option, value);
	if (*end)
		for (const char *u = units; u <= unit; u++)
			scale *= 1024;
	if (v * scale < 1024 * 1024)
		usage_error("%s must be at least 1M, not '%s'", option, value);
	return (uint64_t)(v * scale);
}

void job_init(struct job *job)
{
	memset(job, 0, sizeof(*job));
	job->engine = engine_default();
	job->ipc = IPC_PIPE;
	job->schedule = SCHEDULE_DYNAMIC;
	job->workers = cpus_available();
	job->format = FORMAT_NONE;
	job->quality = 90;
	job->png_level = PNG_LEVEL_DEFAULT;
	job->autoorient = 1;
	job->max_pixels = 2 * 89478485u;	/* Pillow's bomb error: 2 x its warning (1 GiB / 4 / 3) */
	job->mem_limit = memory_share(DEFAULT_MEM_SHARE);
	job->progress = -1;
}

enum {
	OPT_IPC = 256, OPT_SCHEDULE, OPT_PIN, OPT_FORMAT, OPT_QUALITY, OPT_NO_AUTOORIENT,
	OPT_FOLLOW, OPT_MAX_PIXELS, OPT_MEM_LIMIT, OPT_TIMEOUT, OPT_MANIFEST, OPT_PROGRESS, OPT_NO_PROGRESS,
	OPT_PNG_LEVEL, OPT_STRIP, OPT_SHARD,
};

const struct option options_long[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "filter", required_argument, NULL, 'f' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "backend", required_argument, NULL, 'b' },
	{ "ipc", required_argument, NULL, OPT_IPC },
	{ "schedule", required_argument, NULL, OPT_SCHEDULE },
	{ "pin", no_argument, NULL, OPT_PIN },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "quality", required_argument, NULL, OPT_QUALITY },
	{ "png-level", required_argument, NULL, OPT_PNG_LEVEL },
	{ "no-autoorient", no_argument, NULL, OPT_NO_AUTOORIENT },
	{ "strip", optional_argument, NULL, OPT_STRIP },
	{ "follow-symlinks", no_argument, NULL, OPT_FOLLOW },
	{ "max-pixels", required_argument, NULL, OPT_MAX_PIXELS },
	{ "mem-limit", required_argument, NULL, OPT_MEM_LIMIT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "manifest", required_argument, NULL, OPT_MANIFEST },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

void options_set(struct job *job, int c, const char *arg)
{
	switch (c) {
	case 'o': job->outdir = arg; break;
	case 'f':
		if (chain_parse(&job->chain, arg) < 0)
			usage_error("-f: %s", error_message());
		break;
	case 'j': job->workers = options_integer("-j", arg, 1, 4096); break;
	case 'b': job->engine = options_engine("--backend", arg); break;
	case OPT_IPC: job->ipc = pick("--ipc", arg, ipc_names); break;
	case OPT_SCHEDULE: job->schedule = pick("--schedule", arg, schedule_names); break;
	case OPT_PIN: job->pin = 1; break;
	case OPT_FORMAT: job->format = pick("--format", arg, format_names); break;
	case OPT_QUALITY: job->quality = options_integer("--quality", arg, 1, 100); break;
	case OPT_PNG_LEVEL: job->png_level = options_integer("--png-level", arg, 0, 12); break;
	case OPT_NO_AUTOORIENT: job->autoorient = 0; break;
	case OPT_STRIP: job->strip |= arg ? strip_parts(arg) : META_STRIP_ALL; break;
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
	case OPT_PROGRESS: job->progress = 1; break;
	case OPT_NO_PROGRESS: job->progress = 0; break;
	case 'q': job->quiet = 1; break;
	case 'v': job->verbose = 1; break;
	case 'h': usage(stdout); exit(0);
	default: fputs("try 'pixpool --help'\n", stderr); exit(2);
	}
}

static void check_manifest(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot || (strcmp(dot, ".json") && strcmp(dot, ".csv")))
		usage_error("--manifest %s: name must end in .json or .csv", path);
}

void options_parse(struct job *job, int argc, char **argv)
{
	int c;

	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "o:f:j:b:qvh", options_long, NULL)) != -1)
		options_set(job, c, optarg);
	job->inputs = (const char **)argv + optind;
	job->ninputs = argc - optind;
	if (job->ninputs == 0)
		usage_error("no input folder or file");
	if (!job->outdir)
		usage_error("no output folder (-o DIR)");
	if (job->manifest)
		check_manifest(job->manifest);
	if (job->engine->single)
		job->workers = 1;
	/*
	 * Only a worker process can be stopped in the middle of an image and
	 * the run go on: a thread or the main loop stuck in a decoder cannot.
	 */
	if (job->timeout > 0 && !job->engine->processes)
		usage_error("--timeout needs --backend process: only a worker process "
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

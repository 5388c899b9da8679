#include "options.h"

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static const char usage_text[] =
"usage: pixpool [run] [options] INPUT... -o OUTDIR\n"
"       pixpool bench [options] INPUT...\n"
"       pixpool filters\n"
"       pixpool info FILE...\n"
"\n"
"Applies a chain of filters to every image under the INPUT folders (and files),\n"
"on a pool of workers, and writes the results in the same tree under OUTDIR.\n"
"\n"
"  -o, --output DIR         write outputs under DIR, mirroring the input tree\n"
"  -f, --filter CHAIN       filters to apply, e.g. grayscale,blur:sigma=2,resize:width=800\n"
"                           (repeatable; 'pixpool filters' lists them)\n"
"  -j, --jobs N             pool size (default: the CPUs this process may use)\n"
"  -b, --backend NAME       serial | process | openmp (default: process)\n"
"      --ipc NAME           process results over: pipe | shm (default: pipe)\n"
"      --schedule NAME      dynamic | static | lpt (default: dynamic)\n"
"      --pin                pin worker i to the i-th allowed CPU\n"
"      --format FMT         same | jpg | png | bmp | tga | pnm (default: same)\n"
"      --quality N          JPEG quality, 1..100 (default: 90)\n"
"      --no-autoorient      keep JPEG pixels as stored; ignore EXIF Orientation\n"
"      --follow-symlinks    follow symbolic links inside the input folders\n"
"      --max-pixels MP      refuse images over MP megapixels, read or written (default:\n"
"                           178.956970, twice Pillow's decompression-bomb warning)\n"
"      --timeout SEC        kill a worker stuck on one image for SEC seconds\n"
"      --manifest FILE      one record per image, JSON (.json) or CSV (.csv)\n"
"      --progress           show a progress line (default: when stderr is a terminal)\n"
"      --no-progress        never show it\n"
"  -q, --quiet              print errors only, no summary\n"
"  -v, --verbose            print one line per image\n"
"  -h, --help               show this help\n"
"\n"
"Exit status: 0 every image written, 1 some image failed (the others are\n"
"written), 2 usage error, 130 interrupted.\n";

static void usage(FILE *out)
{
	fputs(usage_text, out);
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

static const char *const backend_names[] = { "serial", "process", "openmp", NULL };
static const char *const ipc_names[] = { "pipe", "shm", NULL };
static const char *const schedule_names[] = { "dynamic", "static", "lpt", NULL };
static const char *const format_names[] = { "same", "jpg", "png", "bmp", "tga", "pnm", NULL };

const char *backend_name(enum backend b) { return backend_names[b]; }
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

static double number(const char *option, const char *value, double min, double max)
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

static int integer(const char *option, const char *value, int min, int max)
{
	double v = number(option, value, min, max);

	if (v != (int)v)
		usage_error("%s needs a whole number, not '%s'", option, value);
	return (int)v;
}

int options_cpus_available(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	return 1;
}

void job_init(struct job *job)
{
	memset(job, 0, sizeof(*job));
	job->backend = BACKEND_PROCESS;
	job->ipc = IPC_PIPE;
	job->schedule = SCHEDULE_DYNAMIC;
	job->workers = options_cpus_available();
	job->format = FORMAT_NONE;
	job->quality = 90;
	job->autoorient = 1;
	job->max_pixels = 2 * 89478485u;	/* Pillow's bomb error: 2 x its warning (1 GiB / 4 / 3) */
	job->progress = -1;
}

enum {
	OPT_IPC = 256, OPT_SCHEDULE, OPT_PIN, OPT_FORMAT, OPT_QUALITY, OPT_NO_AUTOORIENT,
	OPT_FOLLOW, OPT_MAX_PIXELS, OPT_TIMEOUT, OPT_MANIFEST, OPT_PROGRESS, OPT_NO_PROGRESS,
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
	{ "no-autoorient", no_argument, NULL, OPT_NO_AUTOORIENT },
	{ "follow-symlinks", no_argument, NULL, OPT_FOLLOW },
	{ "max-pixels", required_argument, NULL, OPT_MAX_PIXELS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "manifest", required_argument, NULL, OPT_MANIFEST },
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
	case 'j': job->workers = integer("-j", arg, 1, 4096); break;
	case 'b': job->backend = pick("--backend", arg, backend_names); break;
	case OPT_IPC: job->ipc = pick("--ipc", arg, ipc_names); break;
	case OPT_SCHEDULE: job->schedule = pick("--schedule", arg, schedule_names); break;
	case OPT_PIN: job->pin = 1; break;
	case OPT_FORMAT: job->format = pick("--format", arg, format_names); break;
	case OPT_QUALITY: job->quality = integer("--quality", arg, 1, 100); break;
	case OPT_NO_AUTOORIENT: job->autoorient = 0; break;
	case OPT_FOLLOW: job->follow_symlinks = 1; break;
	case OPT_MAX_PIXELS:
		job->max_pixels = (uint64_t)(number("--max-pixels", arg, 0.000001, 4096) * 1e6);
		break;
	case OPT_TIMEOUT: job->timeout = number("--timeout", arg, 0, 86400); break;
	case OPT_MANIFEST: job->manifest = arg; break;
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
	if (job->backend == BACKEND_SERIAL)
		job->workers = 1;
}

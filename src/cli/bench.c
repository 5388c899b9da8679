/*
 * The command line of `pixpool bench`: its own options, and the ones it
 * shares with run, which options.c parses and checks. See bench_internal.h.
 */
#include "cli/options.h"
#include "bench/bench.h"
#include "cli/commands.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/preflight.h"

#define MAX_SIZES 256

static const char bench_usage_text[] =
"usage: pixpool bench [options] INPUT...\n"
"\n"
"Runs the same job on each engine and pool size, --repeat times each, and\n"
"reports the median wall time (with its spread), throughput per worker,\n"
"speedup against the 1-worker serial run, efficiency, the Karp-Flatt serial\n"
"fraction and an Amdahl fit, and ends with the pool size to use and why a\n"
"larger one adds little. Outputs go to a scratch folder that is removed\n"
"afterwards, unless -o is given; they are really encoded and written.\n"
"\n"
"  -j, --jobs LIST          pool sizes: 1,2,4,8 or 1..16 or both (default: 1, 2,\n"
"                           4, ... below the usable CPUs, the physical cores and\n"
"                           the usable CPUs)\n"
"  -e, --engine LIST        process,openmp,serial (default: process); the\n"
"                           1-worker serial baseline always runs\n"
"      --repeat N           runs of each configuration (default: 3); 'auto' runs\n"
"                           each until its median moves under 2%% with one more\n"
"                           run (3 to 10 runs; auto:MAX for another most)\n"
"      --explain            also probe the memory bandwidth (a streaming copy at\n"
"                           each pool size) and show the pixels' share of it\n"
"      --wide               every column, on lines as long as they need\n"
"      --warmup             run the job once first, to fill the page cache (default)\n"
"      --no-warmup          measure from whatever is cached\n"
"      --progress           show a progress line over all the runs (default:\n"
"                           when stderr is a terminal)\n"
"      --no-progress        never show it\n"
"      --json FILE          every run and every derived figure\n"
"      --csv FILE           one line per engine and pool size\n"
"      --svg FILE           chart of speedup against workers\n"
"  -o, --output DIR         keep the outputs in DIR\n"
"  -h, --help               show this help\n"
"\n"
"Shared with run (see 'pixpool --help'): -f, --format, --quality, --png-level, --avif-speed,\n"
"--lossless, --tiff-compression, --schedule, --channel, --pin, --max-pixels, --mem-limit,\n"
"--follow-symlinks, --no-autoorient.\n"
"(--timeout is not: the serial baseline cannot stop an image midway.)\n";

/* Options of run that mean the same in bench; -j and --engine take lists here. */
static const char *const shared_options[] = {
	"output", "filter", "format", "quality", "png-level", "avif-speed", "lossless", "tiff-compression", "schedule", "channel", "ipc", "pin", "max-pixels",
	"mem-limit", "follow-symlinks", "no-autoorient", NULL,
};

enum {
	OPT_REPEAT = 1000, OPT_JSON, OPT_SVG, OPT_CSV, OPT_WARMUP, OPT_NO_WARMUP, OPT_PROGRESS,
	OPT_NO_PROGRESS, OPT_EXPLAIN, OPT_WIDE,
};

static const struct option bench_options[] = {
	{ "jobs", required_argument, NULL, 'j' },
	{ "engine", required_argument, NULL, 'e' },
	{ "backend", required_argument, NULL, 'e' },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "warmup", no_argument, NULL, OPT_WARMUP },
	{ "no-warmup", no_argument, NULL, OPT_NO_WARMUP },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "wide", no_argument, NULL, OPT_WIDE },
	{ "help", no_argument, NULL, 'h' },
};

#define NOPTIONS (sizeof(shared_options) / sizeof(*shared_options) + \
		  sizeof(bench_options) / sizeof(*bench_options))

static int is_shared(const char *name)
{
	for (int i = 0; shared_options[i]; i++)
		if (!strcmp(shared_options[i], name))
			return 1;
	return 0;
}

/* run's rows for the shared options, then bench's own, then the zero row. */
static void build_options(struct option *table)
{
	size_t n = 0;

	for (const struct option *o = options_long; o->name; o++)
		if (is_shared(o->name))
			table[n++] = *o;
	for (size_t i = 0; i < sizeof(bench_options) / sizeof(*bench_options); i++)
		table[n++] = bench_options[i];
	memset(&table[n], 0, sizeof(*table));
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Sorts the sizes and drops repeats, so each configuration runs once per repeat. */
static int sort_unique(int *v, int n)
{
	int k = 0;

	qsort(v, (size_t)n, sizeof(*v), cmp_int);
	for (int i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

static void add_size(struct bench *bn, int size)
{
	if (bn->nsizes == MAX_SIZES)
		usage_error("-j: at most %d pool sizes", MAX_SIZES);
	bn->sizes[bn->nsizes++] = size;
}

/* One item of -j: a size ("4") or a range of them ("8..12"). */
static void add_sizes(char *item, void *data)
{
	char *dots = strstr(item, "..");
	int lo, hi;

	if (dots)
		*dots = '\0';
	lo = options_integer("-j", item, 1, 4096);
	hi = dots ? options_integer("-j", dots + 2, 1, 4096) : lo;
	if (hi < lo)
		usage_error("-j %d..%d: the range runs backwards", lo, hi);
	for (int s = lo; s <= hi; s++)
		add_size(data, s);
}

/* "1,2,4", "1..16", "1,8..12": a comma-separated list of sizes and ranges. */
static void parse_sizes(struct bench *bn, const char *arg)
{
	bn->nsizes = 0;
	options_list(arg, add_sizes, bn);
	if (bn->nsizes == 0)
		usage_error("-j %s: needs at least one pool size", arg);
	bn->nsizes = sort_unique(bn->sizes, bn->nsizes);
}

/*
 * 1, 2, 4, ... below the usable CPUs, the physical cores among them (where
 * SMT siblings start to share a core) and the usable CPUs themselves. A
 * quota below the logical CPUs caps them all: past it, workers are throttled.
 */
static void default_sizes(struct bench *bn)
{
	int cpus = bn->machine.usable_cpus, cores = bn->machine.allowed_cores;

	for (int s = 1; s < cpus && bn->nsizes < MAX_SIZES - 2; s *= 2)
		add_size(bn, s);
	if (cores > 0 && cores < cpus)
		add_size(bn, cores);
	add_size(bn, cpus);
	bn->nsizes = sort_unique(bn->sizes, bn->nsizes);
}

/* --repeat N, auto (BENCH_AUTO_MAX runs at most) or auto:MAX. */
static void parse_repeat(struct bench *bn, const char *arg)
{
	if (strncmp(arg, "auto", 4)) {
		bn->repeat = options_integer("--repeat", arg, 1, 1000);
		bn->until_stable = 0;
		return;
	}
	if (arg[4] && arg[4] != ':')
		usage_error("--repeat %s: must be a number, auto or auto:MAX", arg);
	bn->until_stable = 1;
	bn->repeat = arg[4] ? options_integer("--repeat auto:MAX", arg + 5, BENCH_AUTO_MIN, 1000) :
			      BENCH_AUTO_MAX;
}

/* One item of --engine; an engine named twice runs once. */
static void add_engine(char *item, void *data)
{
	struct bench *bn = data;
	const struct engine *b = options_engine("--engine", item);

	for (int i = 0; i < bn->nengines; i++)
		if (bn->engines[i] == b)
			return;
	if (bn->nengines < ENGINE_MAX)
		bn->engines[bn->nengines++] = b;
}

static void parse_engines(struct bench *bn, const char *arg)
{
	bn->nengines = 0;
	options_list(arg, add_engine, bn);
	if (bn->nengines == 0)
		usage_error("--engine %s: needs at least one engine", arg);
}

static void bench_option(struct bench *bn, int c, const char *arg)
{
	switch (c) {
	case 'j': parse_sizes(bn, arg); break;
	case 'b':
	case 'e': parse_engines(bn, arg); break;
	case OPT_REPEAT: parse_repeat(bn, arg); break;
	case OPT_EXPLAIN: bn->explain = 1; break;
	case OPT_WIDE: bn->wide = 1; break;
	case OPT_JSON: bn->json = arg; break;
	case OPT_SVG: bn->svg = arg; break;
	case OPT_CSV: bn->csv = arg; break;
	case OPT_WARMUP: bn->warmup = 1; break;
	case OPT_NO_WARMUP: bn->warmup = 0; break;
	case OPT_PROGRESS: bn->progress = 1; break;
	case OPT_NO_PROGRESS: bn->progress = 0; break;
	case 'h': fputs(bench_usage_text, stdout); exit(0);
	default: options_set(&bn->job, c, arg); break;
	}
}

static void set_defaults(struct bench *bn)
{
	static int sizes[MAX_SIZES];

	job_init(&bn->job);
	/* Per-image lines and a progress line would be timed with the images. */
	bn->job.progress = 0;
	bn->job.quiet = 1;
	bn->sizes = sizes;
	bn->engines[0] = engine_default();
	bn->nengines = 1;
	bn->repeat = 3;
	bn->warmup = 1;
	bn->progress = -1;
}

/*
 * Fills bn with bench's defaults, then with argv (argv[0] is "bench"), and
 * reads the machine (bench_read_machine), whose CPUs and cores set the
 * default pool sizes. Prints the error and exits with 2 on a usage error,
 * among them a report file that cannot be created; prints help and exits
 * 0 on -h.
 */
static void bench_parse(struct bench *bn, int argc, char **argv)
{
	struct option table[NOPTIONS + 1];
	struct preflight pf;
	int c;

	set_defaults(bn);
	build_options(table);
	options_hint("pixpool bench");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:f:j:e:b:h", table, NULL)) != -1) {
		if (c == '?' || c == ':')
			options_getopt_error(c, argv, table);
		bench_option(bn, c, optarg);
	}
	bn->job.inputs = (const char **)argv + optind;
	bn->job.ninputs = argc - optind;
	if (bn->job.ninputs == 0)
		usage_error("INPUT: no input folder or file given");
	bench_read_machine(&bn->machine);
	if (bn->nsizes == 0)
		default_sizes(bn);
	bn->keep_outputs = bn->job.outdir != NULL;
	/* An output folder or report file that cannot be made is found before the runs, not after them. */
	preflight_init(&pf);
	if (bn->job.outdir)
		preflight_folder(&pf, "-o", bn->job.outdir, 1);
	if (bn->json)
		preflight_file(&pf, "--json", bn->json, 1);
	if (bn->csv)
		preflight_file(&pf, "--csv", bn->csv, 1);
	if (bn->svg)
		preflight_file(&pf, "--svg", bn->svg, 1);
	preflight_release(&pf);
	chain_format(&bn->job.chain, bn->chain, sizeof(bn->chain));
}

int bench_main(int argc, char **argv)
{
	static struct bench bn;

	bench_init(&bn);
	bench_parse(&bn, argc, argv);
	return bench_execute(&bn);
}

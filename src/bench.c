/*
 * pixpool bench: the same job on every backend and pool size, repeat after
 * repeat, and what the times say about how it scales. See bench.h.
 */
#include "bench.h"

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "batch.h"
#include "engine.h"
#include "error.h"
#include "report.h"
#include "walk.h"

/* Passed in by the Makefile, so the header says how this binary was built. */
#ifndef PIXPOOL_CFLAGS
#define PIXPOOL_CFLAGS "unknown"
#endif

#define MAX_SIZES 256
#define EXIT_INTERRUPTED 130

static const char bench_usage_text[] =
"usage: pixpool bench [options] INPUT...\n"
"\n"
"Runs the same job on each backend and pool size, --repeat times each, and\n"
"reports the median wall time (with min and max), throughput per worker,\n"
"speedup against the 1-worker serial run, efficiency, the Karp-Flatt serial\n"
"fraction, and an Amdahl fit. Outputs go to a scratch folder that is removed\n"
"afterwards, unless -o is given; they are really encoded and written.\n"
"\n"
"  -j, --jobs LIST          pool sizes: 1,2,4,8 or 1..16 or both (default:\n"
"                           1, 2, 4, ... and the CPUs this process may use)\n"
"  -b, --backend LIST       process,openmp,serial (default: process); the\n"
"                           1-worker serial baseline always runs\n"
"      --repeat N           runs of each configuration (default: 3)\n"
"      --warmup             run the job once first, to fill the page cache (default)\n"
"      --no-warmup          measure from whatever is cached\n"
"      --json FILE          every run and every derived figure\n"
"      --csv FILE           one line per backend and pool size\n"
"      --svg FILE           chart of speedup against workers\n"
"  -o, --output DIR         keep the outputs in DIR\n"
"  -h, --help               show this help\n"
"\n"
"Shared with run (see 'pixpool --help'): -f, --format, --quality, --schedule,\n"
"--ipc, --pin, --max-pixels, --timeout, --follow-symlinks, --no-autoorient.\n";

/* Options of run that mean the same in bench; -j and --backend take lists here. */
static const char *const shared_options[] = {
	"output", "filter", "format", "quality", "schedule", "ipc", "pin", "max-pixels",
	"timeout", "follow-symlinks", "no-autoorient", NULL,
};

enum { OPT_REPEAT = 1000, OPT_JSON, OPT_SVG, OPT_CSV, OPT_WARMUP, OPT_NO_WARMUP };

static const struct option bench_options[] = {
	{ "jobs", required_argument, NULL, 'j' },
	{ "backend", required_argument, NULL, 'b' },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "warmup", no_argument, NULL, OPT_WARMUP },
	{ "no-warmup", no_argument, NULL, OPT_NO_WARMUP },
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

static int whole_number(const char *option, const char *s, int min, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < min || v > max)
		usage_error("%s needs whole numbers from %d to %d, not '%s'", option, min, max, s);
	return (int)v;
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

/* "1,2,4", "1..16", "1,8..12": a comma-separated list of sizes and ranges. */
static void parse_sizes(struct bench *bn, const char *arg)
{
	char *copy = strdup(arg), *save = NULL;

	if (!copy)
		usage_error("out of memory");
	bn->nsizes = 0;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *dots = strstr(item, "..");
		int lo, hi;

		if (dots)
			*dots = '\0';
		lo = whole_number("-j", item, 1, 4096);
		hi = dots ? whole_number("-j", dots + 2, 1, 4096) : lo;
		if (hi < lo)
			usage_error("-j: range %d..%d runs backwards", lo, hi);
		for (int s = lo; s <= hi; s++)
			add_size(bn, s);
	}
	free(copy);
	if (bn->nsizes == 0)
		usage_error("-j needs at least one pool size");
	bn->nsizes = sort_unique(bn->sizes, bn->nsizes);
}

/* 1, 2, 4, ... below the CPUs this process may use, and that number itself. */
static void default_sizes(struct bench *bn)
{
	int cpus = options_cpus_available();

	for (int s = 1; s < cpus && bn->nsizes < MAX_SIZES - 1; s *= 2)
		add_size(bn, s);
	add_size(bn, cpus);
}

static enum backend backend_named(const char *name)
{
	for (int b = BACKEND_SERIAL; b <= BACKEND_OPENMP; b++)
		if (!strcmp(name, backend_name((enum backend)b)))
			return (enum backend)b;
	usage_error("--backend takes serial, process, openmp, not '%s'", name);
}

static void parse_backends(struct bench *bn, const char *arg)
{
	char *copy = strdup(arg), *save = NULL;

	if (!copy)
		usage_error("out of memory");
	bn->nbackends = 0;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		enum backend b = backend_named(item);
		int seen = 0;

		for (int i = 0; i < bn->nbackends; i++)
			seen |= bn->backends[i] == b;
		if (!seen)
			bn->backends[bn->nbackends++] = b;
	}
	free(copy);
	if (bn->nbackends == 0)
		usage_error("--backend needs at least one backend");
}

static void bench_option(struct bench *bn, int c, const char *arg)
{
	switch (c) {
	case 'j': parse_sizes(bn, arg); break;
	case 'b': parse_backends(bn, arg); break;
	case OPT_REPEAT: bn->repeat = whole_number("--repeat", arg, 1, 1000); break;
	case OPT_JSON: bn->json = arg; break;
	case OPT_SVG: bn->svg = arg; break;
	case OPT_CSV: bn->csv = arg; break;
	case OPT_WARMUP: bn->warmup = 1; break;
	case OPT_NO_WARMUP: bn->warmup = 0; break;
	case 'h': fputs(bench_usage_text, stdout); exit(0);
	case '?': fputs("try 'pixpool bench --help'\n", stderr); exit(2);
	default: options_set(&bn->job, c, arg); break;
	}
}

/*
 * A report file that cannot be created is found before the runs, not after
 * them; a file made only to find out is removed again.
 */
static void check_writable(const char *option, const char *path)
{
	int existed = access(path, F_OK) == 0;
	FILE *f = fopen(path, "a");

	if (!f)
		usage_error("%s %s: cannot create: %s", option, path, strerror(errno));
	fclose(f);
	if (!existed)
		remove(path);
}

static void bench_parse(struct bench *bn, int argc, char **argv)
{
	struct option table[NOPTIONS + 1];
	int c;

	build_options(table);
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "o:f:j:b:h", table, NULL)) != -1)
		bench_option(bn, c, optarg);
	bn->job.inputs = (const char **)argv + optind;
	bn->job.ninputs = argc - optind;
	if (bn->job.ninputs == 0)
		usage_error("no input folder or file");
	if (bn->nsizes == 0)
		default_sizes(bn);
	bn->keep_outputs = bn->job.outdir != NULL;
	if (bn->json)
		check_writable("--json", bn->json);
	if (bn->csv)
		check_writable("--csv", bn->csv);
	if (bn->svg)
		check_writable("--svg", bn->svg);
	chain_format(&bn->job.chain, bn->chain, sizeof(bn->chain));
}

static void bench_init(struct bench *bn, int *sizes)
{
	memset(bn, 0, sizeof(*bn));
	job_init(&bn->job);
	/* Per-image lines and a progress line would be timed with the images. */
	bn->job.progress = 0;
	bn->job.quiet = 1;
	bn->sizes = sizes;
	bn->backends[0] = BACKEND_PROCESS;
	bn->nbackends = 1;
	bn->repeat = 3;
	bn->warmup = 1;
	bn->cached_after = NAN;
}

/* The first line of /proc/cpuinfo that names the processor. */
static void read_cpu_model(char *buf, size_t size)
{
	static const char *const keys[] = { "model name", "Model", "Hardware", "cpu model", NULL };
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, size, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		for (int i = 0; colon && keys[i]; i++) {
			if (strncmp(line, keys[i], strlen(keys[i])))
				continue;
			colon += strspn(colon + 1, " \t") + 1;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, size, "%s", colon);
			fclose(f);
			return;
		}
	}
	if (f)
		fclose(f);
}

static uint64_t read_memory_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb = 0;
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return (uint64_t)kb * 1024;
}

static void read_machine(struct bench_machine *m)
{
	struct utsname u;
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	read_cpu_model(m->cpu_model, sizeof(m->cpu_model));
	if (uname(&u) == 0)
		snprintf(m->kernel, sizeof(m->kernel), "%.30s %.30s", u.sysname, u.release);
	else
		snprintf(m->kernel, sizeof(m->kernel), "unknown");
	m->logical_cpus = online > 0 ? (int)online : 1;
	m->allowed_cpus = options_cpus_available();
	m->memory_bytes = read_memory_bytes();
#ifdef __clang__
	m->compiler = "clang " __clang_version__;
#else
	m->compiler = "gcc " __VERSION__;
#endif
	m->cflags = PIXPOOL_CFLAGS;
}

/* The bytes of one file the page cache holds, from mincore() on a mapping of it. */
static uint64_t resident_bytes(const char *path, uint64_t *size)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t resident = 0;
	struct stat st;
	unsigned char *vec = NULL;
	void *map = MAP_FAILED;

	*size = 0;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0)
		goto out;
	*size = (uint64_t)st.st_size;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	vec = malloc(((size_t)st.st_size + (size_t)page - 1) / (size_t)page);
	if (map == MAP_FAILED || !vec || mincore(map, (size_t)st.st_size, vec) < 0)
		goto out;
	for (size_t i = 0; i < ((size_t)st.st_size + (size_t)page - 1) / (size_t)page; i++)
		if (vec[i] & 1)
			resident += (uint64_t)page;
out:
	free(vec);
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	return resident < *size ? resident : *size;
}

/* The fraction of the input bytes in the page cache, 0 .. 1. */
static double cached_fraction(const struct walk *w)
{
	uint64_t resident = 0, total = 0;

	for (size_t i = 0; i < w->ntasks; i++) {
		uint64_t size;

		resident += resident_bytes(w->tasks[i].path, &size);
		total += size;
	}
	return total ? (double)resident / (double)total : 0.0;
}

static double cpu_seconds(void)
{
	struct rusage self, children;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	return self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec +
	       children.ru_stime.tv_sec + (self.ru_utime.tv_usec + self.ru_stime.tv_usec +
	       children.ru_utime.tv_usec + children.ru_stime.tv_usec) / 1e6;
}

static void sum_results(const struct batch *b, struct bench_run *run)
{
	for (size_t i = 0; i < b->ntasks; i++) {
		const struct result *r = &b->results[i];

		run->busy += r->total_ns / 1e9;
		run->read += r->read_ns / 1e9;
		run->decode += r->decode_ns / 1e9;
		run->filter += r->filter_ns / 1e9;
		run->encode += r->encode_ns / 1e9;
		run->write += r->write_ns / 1e9;
		if (r->status == STATUS_OK) {
			run->ok++;
			run->megapixels += (double)r->in_width * r->in_height / 1e6;
		} else {
			run->failed++;
		}
	}
}

/*
 * One run of the whole job. Workers the process engine reaps count in
 * RUSAGE_CHILDREN, threads in RUSAGE_SELF, so the sum covers every backend.
 */
static int measure(const struct bench *bn, const struct walk *w, struct result *results,
		   struct bench_run *run)
{
	struct job job = bn->job;
	struct batch b = { .job = &job, .tasks = w->tasks, .ntasks = w->ntasks,
			   .results = results };
	double cpu = cpu_seconds();
	uint64_t start = clock_ns();
	int ret;

	job.backend = run->backend;
	job.workers = run->workers;
	/*
	 * Every run starts as a separate pixpool command would: with the
	 * buffers the last run kept in this process's heap handed back. Else
	 * serial runs, which run in this process, reuse pages already faulted
	 * in while forked workers fault theirs, and the baseline looks faster
	 * than a serial run ever is.
	 */
	malloc_trim(0);
	ret = engine_run(&b);
	run->wall = (clock_ns() - start) / 1e9;
	run->cpu = cpu_seconds() - cpu;
	if (ret < 0 && !error_message()[0])
		return error("%s backend: cannot run", backend_name(run->backend));
	if (ret < 0)
		return error_prefix(backend_name(run->backend));
	sum_results(&b, run);
	return 0;
}

/* The baseline first, then every other backend at every size: serial only ever at 1. */
static int make_configs(const struct bench *bn, struct bench_row **rows)
{
	int n = 1;

	*rows = calloc(1 + (size_t)bn->nbackends * (size_t)bn->nsizes, sizeof(**rows));
	if (!*rows)
		return error("out of memory");
	(*rows)[0].backend = BACKEND_SERIAL;
	(*rows)[0].workers = 1;
	for (int i = 0; i < bn->nbackends; i++) {
		if (bn->backends[i] == BACKEND_SERIAL)
			continue;
		for (int k = 0; k < bn->nsizes; k++) {
			(*rows)[n].backend = bn->backends[i];
			(*rows)[n++].workers = bn->sizes[k];
		}
	}
	return n;
}

/* The warm-up uses the largest pool of the first parallel backend: the fastest way through. */
static void warmup_config(const struct bench *bn, struct bench_run *run)
{
	const struct bench_row *last = &bn->rows[0];

	for (int i = 1; i < bn->nrows; i++)
		if (bn->rows[i].backend == bn->rows[1].backend)
			last = &bn->rows[i];
	memset(run, 0, sizeof(*run));
	run->backend = last->backend;
	run->workers = last->workers;
	run->repeat = -1;
}

static void progress_line(const struct bench_run *run, size_t done, size_t total)
{
	if (!isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\r\033[K%zu/%zu runs  %s, %d worker%s: %.3f s", done, total,
		backend_name(run->backend), run->workers, run->workers == 1 ? "" : "s",
		run->wall);
	if (done == total)
		fputs("\r\033[K", stderr);
}

/*
 * Repeats are the outer loop: each repeat runs every configuration once, so
 * a slow drift of the machine (heat, other load) spreads over all of them
 * instead of landing on the ones measured last.
 */
static int run_all(struct bench *bn, const struct walk *w, struct result *results)
{
	bn->nruns = 0;
	for (int r = 0; r < bn->repeat; r++) {
		for (int c = 0; c < bn->nrows; c++) {
			struct bench_run *run = &bn->runs[bn->nruns];

			memset(run, 0, sizeof(*run));
			run->backend = bn->rows[c].backend;
			run->workers = bn->rows[c].workers;
			run->repeat = r;
			if (measure(bn, w, results, run) < 0)
				return -1;
			/* A run cut short by Ctrl-C did not do the whole job: leave it out. */
			if (engine_interrupted)
				return 0;
			bn->nruns++;
			progress_line(run, bn->nruns, (size_t)bn->repeat * (size_t)bn->nrows);
		}
	}
	return 0;
}

static int same_config(const struct bench_run *run, const struct bench_row *row)
{
	return run->backend == row->backend && run->workers == row->workers;
}

/* The run of a row whose wall time is its median (the lower one of an even count). */
static const struct bench_run *median_run(const struct bench *bn, const struct bench_row *row)
{
	const struct bench_run *best = NULL;

	for (size_t i = 0; i < bn->nruns; i++) {
		const struct bench_run *run = &bn->runs[i];

		if (!same_config(run, row))
			continue;
		if (!best || fabs(run->wall - row->wall.median) < fabs(best->wall - row->wall.median))
			best = run;
	}
	return best;
}

/* The wall times and utilisations of one row's runs, each summarised. */
static void summarise_row(const struct bench *bn, struct bench_row *row)
{
	double wall[bn->repeat], busy[bn->repeat], cpu[bn->repeat];
	struct spread s;
	int n = 0;

	for (size_t i = 0; i < bn->nruns; i++) {
		const struct bench_run *run = &bn->runs[i];
		double capacity = run->wall * run->workers;

		if (!same_config(run, row))
			continue;
		wall[n] = run->wall;
		busy[n] = capacity > 0 ? run->busy / capacity : 0;
		cpu[n++] = capacity > 0 ? run->cpu / capacity : 0;
	}
	row->runs = n;
	if (n == 0)
		return;
	stats_spread(wall, (size_t)n, &row->wall);
	stats_spread(busy, (size_t)n, &s);
	row->busy_util = s.median;
	stats_spread(cpu, (size_t)n, &s);
	row->cpu_util = s.median;
}

static void derive_row(const struct bench *bn, struct bench_row *row, double t1)
{
	const struct bench_run *mid;

	summarise_row(bn, row);
	mid = median_run(bn, row);
	if (!mid)
		return;
	row->images_per_s = mid->ok / row->wall.median;
	row->mp_per_s = mid->megapixels / row->wall.median;
	row->mp_per_s_per_worker = row->mp_per_s / row->workers;
	row->speedup = stats_speedup(t1, row->wall.median);
	row->efficiency = stats_efficiency(row->speedup, row->workers);
	row->karp_flatt = stats_karp_flatt(row->speedup, row->workers);
}

static void fit_amdahl(struct bench *bn)
{
	double p[bn->nrows], s[bn->nrows];
	int n = 0, largest = 1;

	for (int i = 0; i < bn->nrows; i++) {
		if (bn->rows[i].runs == 0)
			continue;
		p[n] = bn->rows[i].workers;
		s[n++] = bn->rows[i].speedup;
		if (bn->rows[i].workers > largest)
			largest = bn->rows[i].workers;
	}
	bn->amdahl_ok = stats_amdahl_fit(p, s, (size_t)n, &bn->amdahl_f) == 0;
	for (int k = 0; k < 2; k++) {
		bn->predict_at[k] = largest * (k ? 4 : 2);
		bn->predicted[k] = bn->amdahl_ok ?
			stats_amdahl_speedup(bn->amdahl_f, bn->predict_at[k]) : NAN;
	}
}

static void break_down(struct bench *bn)
{
	const struct bench_run *mid = median_run(bn, &bn->rows[0]);
	struct bench_breakdown *d = &bn->breakdown;

	d->walk = bn->walk_s;
	if (!mid)
		return;
	d->read = mid->read;
	d->decode = mid->decode;
	d->filter = mid->filter;
	d->encode = mid->encode;
	d->write = mid->write;
	d->wall = mid->wall;
	d->overhead = mid->wall - (d->read + d->decode + d->filter + d->encode + d->write);
	bn->megapixels = mid->megapixels;
}

static void derive(struct bench *bn)
{
	summarise_row(bn, &bn->rows[0]);
	for (int i = 0; i < bn->nrows; i++)
		derive_row(bn, &bn->rows[i], bn->rows[0].wall.median);
	fit_amdahl(bn);
	break_down(bn);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The scratch output folder, made fresh so that removing it removes only outputs. */
static int make_scratch(char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, size, "%s/pixpool-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(buf))
		return error("%s: cannot create scratch folder: %s", buf, strerror(errno));
	return 0;
}

static int write_files(const struct bench *bn)
{
	int ret = 0;

	if (bn->json && bench_write_json(bn, bn->json) < 0)
		ret = -1;
	if (bn->csv && bench_write_csv(bn, bn->csv) < 0)
		ret = -1;
	if (bn->svg && bench_write_svg(bn, bn->svg) < 0)
		ret = -1;
	return ret;
}

static size_t failed_images(const struct bench *bn)
{
	size_t n = 0;

	for (size_t i = 0; i < bn->nruns; i++)
		n += bn->runs[i].failed;
	return n;
}

/* Walks the inputs, timed, and notes how much of them the page cache held. */
static int walk_inputs(struct bench *bn, struct walk *w)
{
	uint64_t start = clock_ns();
	int ret = batch_walk(&bn->job, w);

	bn->walk_s = (clock_ns() - start) / 1e9;
	report_walk_skips(w);
	if (ret < 0)
		return -1;
	/* Figures over part of the inputs would pass for figures over all of them. */
	if (w->errors)
		return error("not all of the inputs could be walked (named above); "
			     "a benchmark measures all of them or none");
	if (w->ntasks == 0)
		return error("no images found (%zu other files, %zu hidden, %zu links skipped)",
			     w->other, w->hidden, w->links);
	bn->images = w->ntasks;
	for (size_t i = 0; i < w->ntasks; i++)
		bn->input_bytes += w->tasks[i].bytes;
	bn->cached_before = cached_fraction(w);
	return 0;
}

static int warm_up(struct bench *bn, const struct walk *w, struct result *results)
{
	if (!bn->warmup)
		return 0;
	warmup_config(bn, &bn->warm);
	if (measure(bn, w, results, &bn->warm) < 0)
		return -1;
	bn->cached_after = cached_fraction(w);
	return 0;
}

/* Everything between the walk and the report; 0, or -1 with an error. */
static int bench_run(struct bench *bn, struct walk *w)
{
	struct result *results;
	int ret = -1;

	if (walk_inputs(bn, w) < 0)
		return -1;
	bn->nrows = make_configs(bn, &bn->rows);
	if (bn->nrows < 0)
		return -1;
	results = calloc(w->ntasks, sizeof(*results));
	bn->runs = calloc((size_t)bn->nrows * (size_t)bn->repeat, sizeof(*bn->runs));
	if (!results || !bn->runs)
		error("out of memory");
	else if (warm_up(bn, w, results) == 0 && run_all(bn, w, results) == 0)
		ret = 0;
	free(results);
	return ret;
}

static int finish(struct bench *bn, int ret)
{
	if (ret == 0 && bn->nruns > 0) {
		derive(bn);
		bench_print(bn, stdout);
		if (write_files(bn) < 0)
			ret = -1;
	}
	if (ret < 0)
		fprintf(stderr, "pixpool: %s\n", error_message());
	if (engine_interrupted)
		return EXIT_INTERRUPTED;
	if (ret < 0)
		return 1;
	if (failed_images(bn)) {
		fprintf(stderr, "pixpool: %zu images failed over all runs; the figures "
			"count only the images written\n", failed_images(bn));
		return 1;
	}
	return 0;
}

int bench_main(int argc, char **argv)
{
	static int sizes[MAX_SIZES];
	static struct bench bn;
	char scratch[4096] = "";
	struct walk w;
	int ret;

	bench_init(&bn, sizes);
	bench_parse(&bn, argc, argv);
	read_machine(&bn.machine);
	if (!bn.keep_outputs) {
		if (make_scratch(scratch, sizeof(scratch)) < 0) {
			fprintf(stderr, "pixpool: %s\n", error_message());
			return 1;
		}
		bn.job.outdir = scratch;
	}
	engine_catch_signals();
	walk_init(&w);
	ret = finish(&bn, bench_run(&bn, &w));
	walk_release(&w);
	if (scratch[0] && nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		fprintf(stderr, "pixpool: %s: cannot remove scratch folder: %s\n", scratch,
			strerror(errno));
	free(bn.rows);
	free(bn.runs);
	return ret;
}

/*
 * pixpool bench: the same job on every engine and pool size, repeat after
 * repeat, each run timed from outside engine_run. bench_main ties the files
 * of bench together; see bench/bench.h and bench/internal.h.
 */
#include "bench/internal.h"

#include <errno.h>
#include <malloc.h>
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "job/batch.h"
#include "engine/engine.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/interrupt.h"
#include "report/progress.h"
#include "report/report.h"

static double cpu_seconds(void)
{
	struct rusage self, children;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	return self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec +
	       children.ru_stime.tv_sec + (self.ru_utime.tv_usec + self.ru_stime.tv_usec +
	       children.ru_utime.tv_usec + children.ru_stime.tv_usec) / 1e6;
}

/*
 * The bytes of pixels a run streams, estimated: the decoder writes the
 * image, each filter reads one image and writes the next, the encoder reads
 * the last; an image read and written once per stage, (filters + 1) x (in +
 * out), where in and out are the decoded input and output. Caches that hold
 * a whole image make the real traffic less, filters of several passes more.
 */
static double pixel_bytes(const struct result *r, int filters)
{
	double in = (double)r->in_width * r->in_height * r->in_channels;
	double out = (double)r->out_width * r->out_height * r->out_channels;

	return (filters + 1) * (in + out);
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
			run->pixel_bytes += pixel_bytes(r, b->job->chain.len);
		} else {
			run->failed++;
		}
	}
}

/* What every run of the job shares: the tasks, their results, and which failures were told. */
struct runner {
	struct bench *bn;
	const struct walk *w;
	struct result *results;	/* one per task, filled again by each run */
	unsigned char *told;	/* one per task: its error has been printed */
	double fill;		/* progress weight of an image whose header said nothing */
	size_t run, nruns;	/* for the progress line: this run, of all, the warm-up counted */
};

/*
 * A batch_finished_fn. An image that fails, fails in every run: its error
 * is printed the first time only, so the user learns which files failed
 * without one line per image per run.
 */
static void image_finished(const struct result *res, void *data)
{
	struct runner *rn = data;
	int ok = res->status == STATUS_OK;

	progress_done(1, !ok, progress_weight(&rn->w->tasks[res->task], rn->fill),
		      ok ? (double)res->in_width * res->in_height / 1e6 : 0);
	if (ok || rn->told[res->task])
		return;
	rn->told[res->task] = 1;
	progress_hold();
	fprintf(stderr, "pixpool: %s\n", res->error);
	progress_release();
}

/* A batch_warning_fn: a worker that could not be started again, say. */
static void print_warning(const char *message, void *data)
{
	(void)data;
	report_warning(message, NULL);
}

/* "run 3/12: process -j 4" on the progress line; the warm-up is counted apart. */
static void label_run(struct runner *rn, const struct bench_run *run)
{
	char label[64];

	if (run->repeat < 0) {
		snprintf(label, sizeof(label), "warm-up: %s -j %d", run->engine->name,
			 run->workers);
	} else {
		rn->run++;
		snprintf(label, sizeof(label), "run %zu/%zu: %s -j %d", rn->run, rn->nruns,
			 run->engine->name, run->workers);
	}
	progress_label(label);
}

/*
 * One run of the whole job. Workers the process engine reaps count in
 * RUSAGE_CHILDREN, threads in RUSAGE_SELF, so the sum covers every engine.
 */
static int measure(struct runner *rn, struct bench_run *run)
{
	struct job job = rn->bn->job;
	struct batch b = { .job = &job, .tasks = rn->w->tasks, .ntasks = rn->w->ntasks,
			   .results = rn->results, .finished = image_finished,
			   .warning = print_warning, .data = rn };
	double cpu = cpu_seconds();
	uint64_t start = clock_ns();
	int ret;

	job.engine = run->engine;
	job.workers = run->workers;
	label_run(rn, run);
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
		return error("%s engine: cannot run", run->engine->name);
	if (ret < 0)
		return error_prefix(run->engine->name);
	sum_results(&b, run);
	return 0;
}

/* The baseline first, then every other engine at every size: serial only ever at 1. */
static int make_configs(const struct bench *bn, struct bench_row **rows)
{
	int n = 1;

	*rows = calloc(1 + (size_t)bn->nengines * (size_t)bn->nsizes, sizeof(**rows));
	if (!*rows)
		return error("out of memory");
	(*rows)[0].engine = engine_baseline();
	(*rows)[0].workers = 1;
	for (int i = 0; i < bn->nengines; i++) {
		if (bn->engines[i] == engine_baseline())
			continue;
		for (int k = 0; k < bn->nsizes; k++) {
			(*rows)[n].engine = bn->engines[i];
			(*rows)[n++].workers = bn->sizes[k];
		}
	}
	return n;
}

/* The warm-up uses the largest pool of the first parallel engine: the fastest way through. */
static void warmup_config(const struct bench *bn, struct bench_run *run)
{
	const struct bench_row *last = &bn->rows[0];

	for (int i = 1; i < bn->nrows; i++)
		if (bn->rows[i].engine == bn->rows[1].engine)
			last = &bn->rows[i];
	memset(run, 0, sizeof(*run));
	run->engine = last->engine;
	run->workers = last->workers;
	run->repeat = -1;
}

/* One run of configuration c, the r-th of it, appended to bn->runs. */
static int run_config(struct runner *rn, int c, int r)
{
	struct bench *bn = rn->bn;
	struct bench_run *run = &bn->runs[bn->nruns];

	memset(run, 0, sizeof(*run));
	run->engine = bn->rows[c].engine;
	run->workers = bn->rows[c].workers;
	run->repeat = r;
	if (measure(rn, run) < 0)
		return -1;
	/* A run cut short by Ctrl-C did not do the whole job: leave it out. */
	if (!interrupted())
		bn->nruns++;
	return 0;
}

/*
 * Repeats are the outer loop: each repeat runs every configuration once, so
 * a slow drift of the machine (heat, other load) spreads over all of them
 * instead of landing on the ones measured last. With --repeat auto, a
 * configuration whose median has settled sits out the later repeats.
 */
static int run_all(struct runner *rn)
{
	struct bench *bn = rn->bn;
	unsigned char *settled = calloc((size_t)bn->nrows, 1);

	if (!settled)
		return error("out of memory");
	bn->nruns = 0;
	for (int r = 0; r < bn->repeat && !interrupted(); r++) {
		for (int c = 0; c < bn->nrows && !interrupted(); c++) {
			if (settled[c])
				continue;
			if (run_config(rn, c, r) < 0) {
				free(settled);
				return -1;
			}
			settled[c] = bn->until_stable && bench_row_settled(bn, &bn->rows[c]);
		}
	}
	free(settled);
	return 0;
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
		return error("no images found (%zu non-image files, %zu hidden, %zu links skipped)",
			     w->other, w->hidden, w->links);
	bn->images = w->ntasks;
	for (size_t i = 0; i < w->ntasks; i++) {
		bn->input_bytes += w->tasks[i].bytes;
		bn->pixels += w->tasks[i].pixels;
		if (w->tasks[i].pixels > bn->largest_pixels)
			bn->largest_pixels = w->tasks[i].pixels;
	}
	bn->cached_before = bench_cached_fraction(w);
	return 0;
}

static int warm_up(struct runner *rn)
{
	struct bench *bn = rn->bn;

	if (!bn->warmup)
		return 0;
	warmup_config(bn, &bn->warm);
	if (measure(rn, &bn->warm) < 0)
		return -1;
	bn->cached_after = bench_cached_fraction(rn->w);
	return 0;
}

/*
 * One progress line over every run, the warm-up included: the time left is
 * the time so far scaled by the work still to do, so it counts the slower
 * small pools still ahead no better than the runs behind.
 */
static void start_progress(struct runner *rn)
{
	struct bench *bn = rn->bn;
	size_t runs = (size_t)bn->warmup + (size_t)bn->repeat * (size_t)bn->nrows;
	double total = progress_total(rn->w->tasks, rn->w->ntasks, &rn->fill);
	int wanted = bn->progress < 0 ? isatty(STDERR_FILENO) : bn->progress;

	rn->nruns = runs - (size_t)bn->warmup;
	progress_start(wanted, runs * rn->w->ntasks, (double)runs * total);
}

/*
 * The memory probe first (--explain), before the page cache and the heap
 * hold the job; then the warm-up and the runs. 0, or -1 with an error.
 */
static int measure_all(struct runner *rn)
{
	if (rn->bn->explain && bench_probe_memory(rn->bn) < 0)
		return -1;
	start_progress(rn);
	if (warm_up(rn) < 0)
		return -1;
	return run_all(rn);
}

/* Everything between the walk and the report; 0, or -1 with an error. */
static int bench_run(struct bench *bn, struct walk *w)
{
	struct runner rn = { .bn = bn, .w = w };
	int ret = -1;

	if (walk_inputs(bn, w) < 0)
		return -1;
	bn->nrows = make_configs(bn, &bn->rows);
	if (bn->nrows < 0)
		return -1;
	rn.results = calloc(w->ntasks, sizeof(*rn.results));
	rn.told = calloc(w->ntasks, sizeof(*rn.told));
	bn->runs = calloc((size_t)bn->nrows * (size_t)bn->repeat, sizeof(*bn->runs));
	if (!rn.results || !rn.told || !bn->runs)
		error("out of memory");
	else
		ret = measure_all(&rn);
	progress_stop();
	free(rn.results);
	free(rn.told);
	return ret;
}

static int finish(struct bench *bn, int ret)
{
	if (ret == 0 && bn->nruns > 0) {
		bench_derive(bn);
		bench_print(bn, stdout);
		if (write_files(bn) < 0)
			ret = -1;
	}
	if (ret < 0)
		fprintf(stderr, "pixpool: %s\n", error_message());
	if (interrupted())
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

/*
 * Pools larger than the CPUs this process may use measure contention, not
 * scaling: said before the runs, and again beside their figures.
 */
static void warn_oversubscribed(const struct bench *bn)
{
	int largest = bn->sizes[bn->nsizes - 1], cpus = bn->machine.usable_cpus, parallel = 0;

	for (int i = 0; i < bn->nengines; i++)
		parallel |= bn->engines[i] != engine_baseline();
	if (cpus > 0 && largest > cpus && parallel)
		fprintf(stderr, "pixpool: warning: -j %d is more workers than the %d CPU%s pixpool "
			"may use\n  (%s): larger pools measure contention, not scaling\n", largest,
			cpus, cpus == 1 ? "" : "s", bn->machine.usable_why);
}

int bench_execute(struct bench *bn)
{
	char scratch[4096] = "";
	struct walk w;
	int ret;

	warn_oversubscribed(bn);
	if (!bn->keep_outputs) {
		if (make_scratch(scratch, sizeof(scratch)) < 0) {
			fprintf(stderr, "pixpool: %s\n", error_message());
			return 1;
		}
		bn->job.outdir = scratch;
	}
	interrupt_catch();
	walk_init(&w);
	ret = finish(bn, bench_run(bn, &w));
	walk_release(&w);
	if (scratch[0] && nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
		fprintf(stderr, "pixpool: %s: cannot remove scratch folder: %s\n", scratch,
			strerror(errno));
	free(bn->rows);
	free(bn->runs);
	free(bn->probes);
	return ret;
}

void bench_init(struct bench *bn)
{
	memset(bn, 0, sizeof(*bn));
	bn->cached_after = NAN;
}

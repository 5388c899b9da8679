#ifndef PIXPOOL_BENCH_H
#define PIXPOOL_BENCH_H

/*
 * `pixpool bench`: runs the same job on every engine and pool size asked
 * for, several times each, and reports how the throughput scales: a table
 * on stdout, and optionally JSON, CSV and an SVG chart.
 *
 * One job per file:
 *
 *	bench.c          bench_main: walks the inputs once and runs the
 *	                 configurations (the 1-worker serial baseline first)
 *	                 repeat after repeat, timing each engine_run.
 *	bench_options.c  the command line; run's options go through options.c.
 *	bench_machine.c  the machine the figures were taken on, and how much of
 *	                 the input the page cache holds.
 *	bench_derive.c   one row per configuration from its runs, the Amdahl fit
 *	                 and the breakdown, with stats.h.
 *	bench_report.c   the table, JSON and CSV of what was measured.
 *	bench_plot.c     the SVG chart.
 *
 * The functions they share are in bench_internal.h; the ones here write
 * what a finished bench measured:
 *
 *	bench_print(&bench, stdout);
 *	bench_write_json(&bench, path);
 *	bench_write_csv(&bench, path);
 *	bench_write_svg(&bench, path);
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/engine.h"
#include "job/job.h"
#include "base/stats.h"

/* The machine the figures were taken on (bench_machine.c). */
struct bench_machine {
	char cpu_model[128];	/* /proc/cpuinfo, or "unknown" */
	char kernel[64];	/* uname -sr */
	int logical_cpus;	/* online */
	int allowed_cpus;	/* in this process's affinity mask */
	uint64_t memory_bytes;	/* MemTotal, 0 when unknown */
	const char *compiler;	/* __VERSION__ */
	const char *cflags;	/* the flags pixpool was built with */
};

/* One run of the whole job on one configuration (bench.c). Times in seconds. */
struct bench_run {
	const struct engine *engine;
	int workers;
	int repeat;		/* 0 .. repeat-1; -1 for the warm-up */
	double wall;		/* engine_run, start to end */
	double cpu;		/* user + system time of pixpool and its workers */
	double busy;		/* sum of per-image work_run times */
	double read, decode, filter, encode, write;	/* sums over images */
	size_t ok, failed;	/* images written, images not */
	double megapixels;	/* input megapixels of the images written */
};

/* What the runs of one configuration come to (bench_derive.c). */
struct bench_row {
	const struct engine *engine;
	int workers;
	int runs;
	struct spread wall;	/* seconds */
	double images_per_s, mp_per_s, mp_per_s_per_worker;	/* at the median */
	double busy_util;	/* median of busy / (wall * workers) */
	double cpu_util;	/* median of cpu / (wall * workers) */
	double speedup;		/* baseline median wall / median wall */
	double efficiency;	/* speedup / workers */
	double karp_flatt;	/* NAN at 1 worker */
	double spread;		/* max / min wall time over its runs */
	int noisy;		/* spread over BENCH_NOISY: the median may mislead */
	int oversubscribed;	/* more workers than the CPUs this process may use */
};

/* A spread of wall times (max / min) past which a row is flagged as noisy. */
#define BENCH_NOISY 1.2

/* The 1-worker serial time, stage by stage, from its median run. */
struct bench_breakdown {
	double walk, read, decode, filter, encode, write;
	double overhead;	/* wall - the stages: engine, scheduling, bookkeeping */
	double wall;		/* of the run, without the walk */
};

struct bench {
	struct job job;		/* shared options; engine and workers vary */
	int *sizes;		/* pool sizes asked for, ascending */
	int nsizes;
	const struct engine *engines[ENGINE_MAX];	/* as asked for, serial or not */
	int nengines;
	int repeat;
	int warmup;		/* run the job once before measuring */
	int progress;		/* the progress line: 1, 0, -1 when stderr is a terminal */
	const char *json, *svg, *csv;
	int keep_outputs;	/* -o given */
	char chain[256];	/* the filter chain, as text */

	struct bench_machine machine;
	size_t images;		/* tasks walked */
	uint64_t input_bytes;
	double megapixels;	/* of the images written by the baseline */
	double walk_s;
	double cached_before;	/* fraction of input bytes in the page cache */
	double cached_after;	/* after the warm-up; NAN without one */
	struct bench_run warm;	/* valid when warmup */

	struct bench_run *runs;	/* nconfigs * repeat, repeat after repeat */
	size_t nruns;
	struct bench_row *rows;	/* one per configuration, baseline first */
	int nrows;
	int amdahl_ok;		/* the fit needs a row with more than 1 worker */
	double amdahl_f;
	int predict_at[2];	/* 2x and 4x the largest pool */
	double predicted[2];
	struct bench_breakdown breakdown;
};

/* The `bench` subcommand: argv[0] is "bench". Returns the exit status. */
int bench_main(int argc, char **argv);

/* Room for the warnings of bench_warnings, and for each one. */
#define BENCH_WARNINGS 2
#define BENCH_WARNING_BYTES 256

/*
 * What makes the figures doubtful, one sentence each, for the table and the
 * chart alike: rows whose runs spread over BENCH_NOISY, and pools larger
 * than the CPUs allowed. Returns how many lines it filled.
 */
int bench_warnings(const struct bench *bench, char lines[BENCH_WARNINGS][BENCH_WARNING_BYTES]);

/* The machine header, the table, the Amdahl fit and the time breakdown. */
void bench_print(const struct bench *bench, FILE *out);

/* Return 0, or -1 with an error naming the file. */
int bench_write_json(const struct bench *bench, const char *path);
int bench_write_csv(const struct bench *bench, const char *path);
int bench_write_svg(const struct bench *bench, const char *path);

#endif

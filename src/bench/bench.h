#ifndef PIXPOOL_BENCH_H
#define PIXPOOL_BENCH_H

/*
 * `pixpool bench`: runs the same job on every engine and pool size asked
 * for, several times each, and reports how the throughput scales: a table
 * on stdout, and optionally JSON, CSV and an SVG chart.
 *
 * One job per file:
 *
 *	cli/bench.c      the command line, then bench_execute.
 *	bench/run.c      bench_execute: walks the inputs once and runs the
 *	                 configurations (the 1-worker serial baseline first)
 *	                 repeat after repeat, timing each engine_run; with
 *	                 --repeat auto, until each one's median settles.
 *	cli/bench.c      the command line; run's options go through options.c.
 *	bench/machine.c  the machine the figures were taken on, and how much of
 *	                 the input the page cache holds; topology.c its cores,
 *	                 SMT siblings, caches, NUMA nodes and clock.
 *	bench/derive.c   one row per configuration from its runs, the Amdahl fit
 *	                 and the breakdown, with stats.h.
 *	bench/advise.c   the pool size to use, from the measured rows alone, and
 *	                 why throughput stops growing past it.
 *	bench/memory.c   --explain's memory-bandwidth probe.
 *	bench/table.c    the text for a terminal, and the CSV.
 *	bench/json.c     the JSON of every run and every figure.
 *	bench/plot.c     the SVG chart.
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

/* One cache of CPU 0 (topology.c). */
struct bench_cache {
	int level;		/* 1, 2, 3 */
	char type[16];		/* "Data", "Instruction", "Unified" */
	uint64_t bytes;
	int shared_by;		/* logical CPUs sharing it; 0: unknown */
};

#define BENCH_CACHES 8

/* The machine the figures were taken on (machine.c, topology.c). */
struct bench_machine {
	char cpu_model[128];	/* /proc/cpuinfo, or "unknown" */
	char kernel[64];	/* uname -sr */
	int logical_cpus;	/* online */
	int allowed_cpus;	/* in this process's affinity mask */
	int usable_cpus;	/* allowed, capped by a cgroup quota and Slurm (engine/cpus.h) */
	char usable_why[96];	/* what set usable_cpus: "affinity", "cgroup quota 150000/100000" */
	double quota_cpus;	/* the cgroup quota in CPUs, not rounded; 0: none */
	char quota[64];		/* "cgroup quota 150000/100000"; "" when none */
	int physical_cores;	/* online cores, SMT siblings counted once; 0: unknown */
	int allowed_cores;	/* cores with a CPU in the affinity mask; 0: unknown */
	int threads_per_core;	/* the most SMT siblings of a core; 0: unknown */
	int packages;		/* sockets; 0: unknown */
	int numa_nodes;		/* 0: unknown */
	struct bench_cache caches[BENCH_CACHES];
	int ncaches;
	double mhz_max, mhz_cur;	/* 0: unknown */
	const char *mhz_source;	/* "cpufreq", "/proc/cpuinfo" or NULL */
	uint64_t memory_bytes;	/* MemTotal, 0 when unknown */
	const char *compiler;	/* __VERSION__ */
	const char *cflags;	/* the flags pixpool was built with */
};

/* One run of the whole job on one configuration (run.c). Times in seconds. */
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
	double pixel_bytes;	/* bytes of decoded pixels the chain streamed, estimated */
};

/* What the runs of one configuration come to (derive.c). */
struct bench_row {
	const struct engine *engine;
	int workers;
	int runs;
	struct spread wall;	/* seconds */
	double images_per_s, mp_per_s, mp_per_s_per_worker;	/* at the median */
	double mp_per_s_per_core;	/* per physical core busy: differs from per worker under SMT */
	double read_mb_per_s;	/* input bytes over the time spent reading them, per worker */
	double pixel_gb_per_s;	/* pixel_bytes of the median run over its wall time */
	int settled;		/* the median moved under BENCH_SETTLED with the last run */
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

/* --repeat auto: runs until the median moves less than this with one more run. */
#define BENCH_SETTLED 0.02
#define BENCH_AUTO_MIN 3
#define BENCH_AUTO_MAX 10

/* The advice: the smallest pool within this of the fastest row. */
#define BENCH_ENOUGH 0.05

/* Why throughput stops growing past the advised pool (derive.c). */
enum bench_reason {
	REASON_NONE,		/* it did not: the largest pool measured is advised */
	REASON_OVERSUBSCRIBED,	/* the next pool is more workers than usable CPUs */
	REASON_QUOTA,		/* more workers than the cgroup quota's CPUs */
	REASON_NOT_CACHED,	/* the input is read from the disk */
	REASON_WAITING,		/* busy in work_run but not on a CPU: other load, I/O */
	REASON_SMT,		/* CPU-bound; workers share physical cores */
	REASON_MEMORY,		/* CPU-bound; per-worker MP/s falls: memory or caches shared */
	REASON_IMBALANCE,	/* workers idle while a few large images finish */
	REASON_SERIAL,		/* workers idle: the parent's share of the work */
	REASON_FLAT,		/* none of these shows */
};

struct bench_advice {
	int valid;
	const struct bench_row *row;	/* the advised configuration */
	const struct bench_row *next;	/* the next larger pool of its engine; NULL if none */
	const struct bench_row *from;	/* the row the reason was read from */
	enum bench_reason reason;
	char text[1024];	/* "advice: use -j 2: ...", one line */
};

/* The memory-bandwidth probe of --explain (memory.c): a copy at each pool size. */
struct bench_probe {
	int workers;
	double gb_per_s;	/* bytes read + written per second, best of its trials */
};
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
	int repeat;		/* runs of each configuration; with until_stable, the most */
	int until_stable;	/* --repeat auto: stop a configuration once its median settles */
	int explain;		/* --explain: probe the memory bandwidth, show the pixels' share */
	int wide;		/* --wide: every column, lines never wrapped */
	int warmup;		/* run the job once before measuring */
	int progress;		/* the progress line: 1, 0, -1 when stderr is a terminal */
	const char *json, *svg, *csv;
	int keep_outputs;	/* -o given */
	char chain[256];	/* the filter chain, as text */

	struct bench_machine machine;
	size_t images;		/* tasks walked */
	uint64_t input_bytes;
	double megapixels;	/* of the images written by the baseline */
	uint64_t pixels, largest_pixels;	/* from the headers: all images, the largest */
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
	struct bench_advice advice;
	struct bench_probe *probes;	/* --explain: one per pool size, ascending */
	int nprobes;
	size_t probe_bytes;	/* copied by each thread of the probe */
};

/*
 * Fills a bench's defaults before its options are applied: every field 0
 * but those that say "not measured".
 */
void bench_init(struct bench *bench);

/* The machine this process runs on; never fails, "unknown" where it cannot tell. */
void bench_read_machine(struct bench_machine *m);

/*
 * Runs the bench that the command line set up (cli/bench.c): walks its
 * inputs, measures every configuration, prints the table and writes the
 * files asked for; the scratch outputs are removed. Returns the exit status.
 */
int bench_execute(struct bench *bench);

/* Room for the warnings of bench_warnings, and for each one. */
#define BENCH_WARNINGS 2
#define BENCH_WARNING_BYTES 256

/*
 * What makes the figures doubtful, one sentence each, for the table and the
 * chart alike: rows whose runs spread over BENCH_NOISY, and pools larger
 * than the CPUs allowed. Returns how many lines it filled.
 */
int bench_warnings(const struct bench *bench, char lines[BENCH_WARNINGS][BENCH_WARNING_BYTES]);

/*
 * The machine header, the table, the warnings, the advice, the Amdahl fit
 * and the time breakdown: within 100 columns (or a narrower terminal's
 * width), unless bench->wide asks for every column on unwrapped lines.
 */
void bench_print(const struct bench *bench, FILE *out);

/* The reason's name in the JSON: "memory", "imbalance", ...; NULL for REASON_NONE. */
const char *bench_reason_name(enum bench_reason reason);

/* Return 0, or -1 with an error naming the file. */
int bench_write_json(const struct bench *bench, const char *path);
int bench_write_csv(const struct bench *bench, const char *path);
int bench_write_svg(const struct bench *bench, const char *path);

#endif

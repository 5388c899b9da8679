/*
 * What bench's runs come to: one row per configuration (the median wall time
 * with its spread, throughput, utilisation, speedup, efficiency, Karp-Flatt),
 * the Amdahl fit over the rows, and the 1-worker serial time stage by stage.
 * The arithmetic itself is stats.h's. See internal.h.
 */
#include "bench/internal.h"

#include <math.h>

static int same_config(const struct bench_run *run, const struct bench_row *row)
{
	return run->engine == row->engine && run->workers == row->workers;
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

/* The wall times of a row's runs, in the order they ran, into v[bn->repeat]; returns how many. */
static int row_walls(const struct bench *bn, const struct bench_row *row, double *v)
{
	int n = 0;

	for (size_t i = 0; i < bn->nruns && n < bn->repeat; i++)
		if (same_config(&bn->runs[i], row))
			v[n++] = bn->runs[i].wall;
	return n;
}

/*
 * Settled: at least BENCH_AUTO_MIN runs, and the median of them all within
 * BENCH_SETTLED of the median without the last. A median that one more run
 * barely moves is one that more runs would not change much either.
 */
int bench_row_settled(const struct bench *bn, const struct bench_row *row)
{
	double v[bn->repeat > 0 ? bn->repeat : 1];
	struct spread all, before;
	int n = row_walls(bn, row, v);

	if (n < BENCH_AUTO_MIN)
		return 0;
	stats_spread(v, (size_t)n - 1, &before);
	row_walls(bn, row, v);
	stats_spread(v, (size_t)n, &all);
	return all.median > 0 && fabs(all.median - before.median) <= BENCH_SETTLED * all.median;
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

/*
 * What makes a row's figures doubtful: runs that disagree (a busy machine,
 * a CPU changing its clock), or a pool larger than the CPUs it may use,
 * where workers wait for each other's time slices.
 */
static void flag_row(const struct bench *bn, struct bench_row *row)
{
	int cpus = bn->machine.usable_cpus;

	row->spread = row->wall.min > 0 ? row->wall.max / row->wall.min : 1;
	row->noisy = row->spread > BENCH_NOISY;
	row->oversubscribed = cpus > 0 && row->workers > cpus;
}

/*
 * The physical cores a pool keeps busy: one per worker up to the cores it
 * may run on. Under SMT the workers past that share cores, and a figure per
 * worker would understate what each core delivers.
 */
static int cores_busy(const struct bench *bn, int workers)
{
	int cores = bn->machine.allowed_cores ? bn->machine.allowed_cores : bn->machine.usable_cpus;

	return cores > 0 && cores < workers ? cores : workers;
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
	row->mp_per_s_per_core = row->mp_per_s / cores_busy(bn, row->workers);
	row->read_mb_per_s = mid->read > 0 ? bn->input_bytes / 1e6 / mid->read : NAN;
	row->pixel_gb_per_s = mid->pixel_bytes / row->wall.median / 1e9;
	row->settled = bench_row_settled(bn, row);
	row->speedup = stats_speedup(t1, row->wall.median);
	row->efficiency = stats_efficiency(row->speedup, row->workers);
	row->karp_flatt = stats_karp_flatt(row->speedup, row->workers);
	flag_row(bn, row);
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

/* The baseline is summarised first: every other row's speedup is against its median. */
void bench_derive(struct bench *bn)
{
	summarise_row(bn, &bn->rows[0]);
	for (int i = 0; i < bn->nrows; i++)
		derive_row(bn, &bn->rows[i], bn->rows[0].wall.median);
	fit_amdahl(bn);
	break_down(bn);
	bench_advise(bn);
}

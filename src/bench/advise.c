/*
 * bench's advice: the pool size to use, from the measured rows alone, and
 * why throughput stops growing past it, told from the figures of the next
 * larger pool measured. Nothing here projects beyond what was measured: a
 * pool that was not run is never advised. See internal.h.
 */
#include "bench/internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Workers busy at least this share of the wall time are CPU-bound, not waiting. */
#define BUSY 0.85
/* Per-worker throughput this far below one worker's is a fall, not noise. */
#define FALL 0.9
/* The page cache holds less than this of the input: it is read from the disk. */
#define CACHED 0.9

const char *bench_reason_name(enum bench_reason reason)
{
	static const char *const names[] = {
		[REASON_NONE] = NULL, [REASON_OVERSUBSCRIBED] = "oversubscribed",
		[REASON_QUOTA] = "quota", [REASON_NOT_CACHED] = "not-cached",
		[REASON_WAITING] = "waiting", [REASON_SMT] = "smt", [REASON_MEMORY] = "memory",
		[REASON_IMBALANCE] = "imbalance", [REASON_SERIAL] = "serial",
		[REASON_FLAT] = "flat",
	};

	return names[reason];
}

/* Oversubscribed rows measure contention: advised only when nothing else ran. */
static int eligible(const struct bench *bn, const struct bench_row *r, int fits)
{
	(void)bn;
	return r->runs > 0 && r->mp_per_s > 0 && (!fits || !r->oversubscribed);
}

/*
 * The smallest pool within BENCH_ENOUGH of the fastest row, so that no row
 * measured is more than BENCH_ENOUGH faster; among rows of that size, the
 * fastest.
 */
static const struct bench_row *choose(const struct bench *bn)
{
	const struct bench_row *pick = NULL;
	double best = 0;
	int fits = 0;

	for (int i = 0; i < bn->nrows; i++)
		fits |= bn->rows[i].runs > 0 && !bn->rows[i].oversubscribed;
	for (int i = 0; i < bn->nrows; i++)
		if (eligible(bn, &bn->rows[i], fits) && bn->rows[i].mp_per_s > best)
			best = bn->rows[i].mp_per_s;
	for (int i = 0; i < bn->nrows; i++) {
		const struct bench_row *r = &bn->rows[i];

		if (!eligible(bn, r, fits) || r->mp_per_s * (1 + BENCH_ENOUGH) < best)
			continue;
		if (!pick || r->workers < pick->workers ||
		    (r->workers == pick->workers && r->mp_per_s > pick->mp_per_s))
			pick = r;
	}
	return pick;
}

/* The next larger pool measured, of row's engine (the serial baseline's: any parallel one). */
static const struct bench_row *next_row(const struct bench *bn, const struct bench_row *row)
{
	const struct bench_row *next = NULL;

	for (int i = 0; i < bn->nrows; i++) {
		const struct bench_row *r = &bn->rows[i];
		int same = r->engine == row->engine || row->engine == engine_baseline();

		if (!r->runs || !same || r->workers <= row->workers)
			continue;
		if (!next || r->workers < next->workers)
			next = r;
	}
	return next;
}

/* The 1-worker row a pool's per-worker figures are held against: its engine's, else the baseline. */
static const struct bench_row *one_worker(const struct bench *bn, const struct bench_row *row)
{
	for (int i = 0; i < bn->nrows; i++)
		if (bn->rows[i].runs && bn->rows[i].engine == row->engine &&
		    bn->rows[i].workers == 1)
			return &bn->rows[i];
	return &bn->rows[0];
}

/* A few large images: the largest alone is over half of what each of the workers should do. */
static int few_large(const struct bench *bn, int workers)
{
	return bn->pixels && 2.0 * bn->largest_pixels * workers > (double)bn->pixels;
}

static double cached(const struct bench *bn)
{
	return bn->warmup && isfinite(bn->cached_after) ? bn->cached_after : bn->cached_before;
}

/* Why row r (the next pool, or the advised one when none is larger) does not scale. */
static enum bench_reason classify(const struct bench *bn, const struct bench_row *r)
{
	const struct bench_row *one = one_worker(bn, r);
	const struct bench_machine *m = &bn->machine;

	if (r->oversubscribed)
		return REASON_OVERSUBSCRIBED;
	if (m->quota_cpus > 0 && r->workers > m->quota_cpus)
		return REASON_QUOTA;
	if (cached(bn) < CACHED)
		return REASON_NOT_CACHED;
	if (r->workers < 2)
		return REASON_NONE;
	if (r->busy_util >= BUSY && r->cpu_util < BUSY)
		return REASON_WAITING;
	if (r->busy_util >= BUSY && r->mp_per_s_per_worker < FALL * one->mp_per_s_per_worker)
		return m->allowed_cores && r->workers > m->allowed_cores ? REASON_SMT : REASON_MEMORY;
	if (r->busy_util < BUSY)
		return few_large(bn, r->workers) ? REASON_IMBALANCE : REASON_SERIAL;
	return REASON_FLAT;
}

/* The probe's bandwidth at p workers, or at the nearest size below; 0 without --explain. */
static double probe_at(const struct bench *bn, int p)
{
	double gb = 0;

	for (int i = 0; i < bn->nprobes && bn->probes[i].workers <= p; i++)
		gb = bn->probes[i].gb_per_s;
	return gb;
}

/* What the memory probe says of row r: near the copy bandwidth, or well under it. */
static void say_memory(const struct bench *bn, const struct bench_row *r, char *buf, size_t size)
{
	double copy = probe_at(bn, r->workers), share = copy > 0 ? r->pixel_gb_per_s / copy : 0;

	if (copy <= 0) {
		snprintf(buf, size, " (bench --explain measures the memory bandwidth)");
		return;
	}
	snprintf(buf, size, "; pixels move %.1f GB/s, %.0f%% of a %.1f GB/s copy at -j %d%s",
		 r->pixel_gb_per_s, 100 * share, copy, r->workers,
		 share >= 0.5 ? ": near the memory bandwidth" :
		 ", so shared caches or a lower clock more than memory bandwidth");
}

/* CPU-bound, and each worker slower than one alone: cores shared, or memory and caches. */
static void say_falling(const struct bench *bn, const struct bench_row *r, enum bench_reason why,
			char *buf, size_t size)
{
	const struct bench_row *one = one_worker(bn, r);
	char more[160] = "";

	if (why == REASON_MEMORY)
		say_memory(bn, r, more, sizeof(more));
	snprintf(buf, size, "CPU-bound (busy %.0f%%) with per-worker MP/s falling from %.1f to %.1f: "
		 "%s%s", 100 * r->busy_util, one->mp_per_s_per_worker, r->mp_per_s_per_worker,
		 why == REASON_SMT ? "SMT siblings share a physical core" :
		 "the workers share memory bandwidth and caches", more);
}

/* The reason, as the end of the advice line. */
static void say_reason(const struct bench *bn, const struct bench_row *r, enum bench_reason why,
		       char *buf, size_t size)
{
	const struct bench_machine *m = &bn->machine;

	switch (why) {
	case REASON_OVERSUBSCRIBED:
		snprintf(buf, size, "-j %d is more workers than the %d usable CPUs (%s)", r->workers,
			 m->usable_cpus, m->usable_why);
		break;
	case REASON_QUOTA:
		snprintf(buf, size, "the %s gives %.2f CPUs' time", m->quota, m->quota_cpus);
		break;
	case REASON_NOT_CACHED:
		snprintf(buf, size, "input not cached (%.0f%% in the page cache), read at %.1f MB/s "
			 "per worker", 100 * cached(bn), r->read_mb_per_s);
		break;
	case REASON_WAITING:
		snprintf(buf, size, "workers wait off the CPU (busy %.0f%%, on a CPU %.0f%%): other "
			 "load on the machine, or I/O", 100 * r->busy_util, 100 * r->cpu_util);
		break;
	case REASON_SMT:
	case REASON_MEMORY:
		say_falling(bn, r, why, buf, size);
		break;
	case REASON_IMBALANCE:
		snprintf(buf, size, "imbalance: workers idle (busy %.0f%%) while a few large images "
			 "finish; the largest is %.0f%% of the pixels", 100 * r->busy_util,
			 100.0 * bn->largest_pixels / bn->pixels);
		break;
	case REASON_SERIAL:
		snprintf(buf, size, "serial fraction: workers idle (busy %.0f%%, Karp-Flatt %.3f) "
			 "while the parent hands out images and collects results",
			 100 * r->busy_util, r->karp_flatt);
		break;
	case REASON_FLAT:
		snprintf(buf, size, "throughput is flat there, with no one cause in the figures");
		break;
	case REASON_NONE:
		snprintf(buf, size, "scaling at %.0f%% efficiency: more CPUs may help",
			 100 * r->efficiency);
		break;
	}
}

/* "advice: use -j 4: 81.2 MP/s (3.60x serial); -j 8 adds under 5% (+2%): REASON" */
static void write_advice(struct bench_advice *a, const struct bench *bn)
{
	const struct bench_row *r = a->row, *n = a->next;
	char engine[64] = "", reason[512];
	size_t len;

	if (r->engine != engine_default() && r->engine != engine_baseline())
		snprintf(engine, sizeof(engine), " --engine %s", r->engine->name);
	say_reason(bn, a->from, a->reason, reason, sizeof(reason));
	len = (size_t)snprintf(a->text, sizeof(a->text), "advice: use -j %d%s: %.1f MP/s (%.2fx "
			       "the serial run)", r->workers, engine, r->mp_per_s, r->speedup);
	if (len >= sizeof(a->text))
		return;
	if (n && n->mp_per_s > r->mp_per_s)
		snprintf(a->text + len, sizeof(a->text) - len, "; -j %d adds under %.0f%% (%+.1f%%): %s",
			 n->workers, 100 * BENCH_ENOUGH, 100 * (n->mp_per_s / r->mp_per_s - 1), reason);
	else if (n)
		snprintf(a->text + len, sizeof(a->text) - len, "; -j %d is no faster (%+.1f%%): %s",
			 n->workers, 100 * (n->mp_per_s / r->mp_per_s - 1), reason);
	else
		snprintf(a->text + len, sizeof(a->text) - len, "; the largest pool measured, %s",
			 reason);
}

void bench_advise(struct bench *bn)
{
	struct bench_advice *a = &bn->advice;

	memset(a, 0, sizeof(*a));
	a->row = choose(bn);
	if (!a->row)
		return;
	a->valid = 1;
	a->next = next_row(bn, a->row);
	a->from = a->next ? a->next : a->row;
	a->reason = classify(bn, a->from);
	/* The largest pool measured, scaling as well as it can: nothing holds it back. */
	if (!a->next && a->reason == REASON_FLAT)
		a->reason = REASON_NONE;
	write_advice(a, bn);
}

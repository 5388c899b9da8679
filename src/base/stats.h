#ifndef PIXPOOL_STATS_H
#define PIXPOOL_STATS_H

/*
 * The arithmetic of `pixpool bench`, as pure functions so that each figure
 * can be checked against one computed by hand. Times are in any unit, as
 * long as it is the same throughout; p is the number of workers.
 *
 *	stats_spread(walls, repeat, &s);	// s.median is the time of a row
 *	S = stats_speedup(t_serial_1, s.median);
 *	E = stats_efficiency(S, p);
 *	e = stats_karp_flatt(S, p);		// NAN at p = 1
 *	stats_amdahl_fit(ps, speedups, rows, &f);
 *	stats_amdahl_speedup(f, 4 * p_max);
 */

#include <stddef.h>

/* The median, smallest and largest of a set of measurements. */
struct spread {
	double median, min, max;
};

/*
 * Sorts v[0 .. n) in place and fills s; the median of an even count is the
 * mean of the two middle values. n must be at least 1.
 */
void stats_spread(double *v, size_t n, struct spread *s);

/* S = T1 / Tp: how many times faster p workers are than the 1-worker baseline. */
double stats_speedup(double t1, double tp);

/* E = S / p: the fraction of p workers' capacity turned into speedup. */
double stats_efficiency(double speedup, double p);

/*
 * The Karp-Flatt metric, the experimentally determined serial fraction:
 * e = (1/S - 1/p) / (1 - 1/p). It is NAN at p = 1, where it says nothing.
 */
double stats_karp_flatt(double speedup, double p);

/*
 * Fits Amdahl's law T(p) = T1 (f + (1 - f)/p) to n measured speedups, with
 * T1 the baseline they are measured against. Dividing by T(p) gives
 * 1/S = f (1 - 1/p) + 1/p, a line through the baseline point (p = 1,
 * 1/S = 1); f is its least-squares slope of y = 1/S - 1/p over
 * x = 1 - 1/p: f = sum(x y) / sum(x^2). Rows at p = 1 have x = 0 and weigh
 * nothing. Returns -1 (f untouched) when no row has p > 1.
 */
int stats_amdahl_fit(const double *p, const double *speedup, size_t n, double *f);

/* The speedup Amdahl's law predicts at p workers for serial fraction f. */
double stats_amdahl_speedup(double f, double p);

#endif

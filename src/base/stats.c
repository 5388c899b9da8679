/* The arithmetic of `pixpool bench`: see stats.h for what each figure means. */
#include "base/stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void stats_spread(double *v, size_t n, struct spread *s)
{
	qsort(v, n, sizeof(*v), cmp_double);
	s->min = v[0];
	s->max = v[n - 1];
	s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double stats_speedup(double t1, double tp)
{
	return t1 / tp;
}

double stats_efficiency(double speedup, double p)
{
	return speedup / p;
}

double stats_karp_flatt(double speedup, double p)
{
	if (p <= 1)
		return NAN;
	return (1 / speedup - 1 / p) / (1 - 1 / p);
}

int stats_amdahl_fit(const double *p, const double *speedup, size_t n, double *f)
{
	double sxy = 0, sxx = 0;

	for (size_t i = 0; i < n; i++) {
		double x = 1 - 1 / p[i];
		double y = 1 / speedup[i] - 1 / p[i];

		sxy += x * y;
		sxx += x * x;
	}
	if (sxx <= 0)
		return -1;
	*f = sxy / sxx;
	return 0;
}

double stats_amdahl_speedup(double f, double p)
{
	return 1 / (f + (1 - f) / p);
}

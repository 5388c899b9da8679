/* The figures bench derives, each against a value worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>

#include "base/stats.h"

#define EPS 1e-12

/* cmocka's float assertions round to float; these figures need doubles. */
#define assert_double_equal(a, b, eps) assert_near(a, b, eps, #a, __LINE__)

static void assert_near(double got, double want, double eps, const char *what, int line)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("line %d: %s is %.17g, not %.17g (within %g)", line, what, got, want, eps);
}

static void test_median_of_odd_count_is_the_middle_value(void **state)
{
	(void)state;
	double v[] = { 3.0, 1.0, 2.0, 10.0, 0.5 };
	struct spread s;

	stats_spread(v, 5, &s);
	assert_double_equal(s.median, 2.0, EPS);
	assert_double_equal(s.min, 0.5, EPS);
	assert_double_equal(s.max, 10.0, EPS);
}

static void test_median_of_even_count_is_the_mean_of_the_middle_two(void **state)
{
	(void)state;
	double v[] = { 4.0, 1.0, 3.0, 2.0 };
	double one[] = { 7.0 };
	struct spread s;

	stats_spread(v, 4, &s);
	assert_double_equal(s.median, 2.5, EPS);
	assert_double_equal(s.min, 1.0, EPS);
	assert_double_equal(s.max, 4.0, EPS);
	stats_spread(one, 1, &s);
	assert_double_equal(s.median, 7.0, EPS);
	assert_double_equal(s.min, 7.0, EPS);
	assert_double_equal(s.max, 7.0, EPS);
}

static void test_speedup_and_efficiency(void **state)
{
	(void)state;
	/* 12 s on one worker, 4 s on four: 3 times faster, 75% of four workers. */
	assert_double_equal(stats_speedup(12.0, 4.0), 3.0, EPS);
	assert_double_equal(stats_efficiency(3.0, 4.0), 0.75, EPS);
	assert_double_equal(stats_speedup(5.0, 5.0), 1.0, EPS);
	assert_double_equal(stats_efficiency(1.0, 1.0), 1.0, EPS);
}

static void test_karp_flatt_by_hand(void **state)
{
	(void)state;
	/* S = 3 at p = 4: (1/3 - 1/4) / (1 - 1/4) = (1/12) / (3/4) = 1/9. */
	assert_double_equal(stats_karp_flatt(3.0, 4.0), 1.0 / 9, EPS);
	/* Linear speedup: no serial fraction. */
	assert_double_equal(stats_karp_flatt(8.0, 8.0), 0.0, EPS);
	/* No speedup at all: everything is serial. */
	assert_double_equal(stats_karp_flatt(1.0, 2.0), 1.0, EPS);
	/* One worker: undefined. */
	assert_true(isnan(stats_karp_flatt(1.0, 1.0)));
}

static void test_amdahl_prediction_by_hand(void **state)
{
	(void)state;
	/* f = 0.1 at p = 4: 1 / (0.1 + 0.9/4) = 1 / 0.325. */
	assert_double_equal(stats_amdahl_speedup(0.1, 4), 1 / 0.325, EPS);
	assert_double_equal(stats_amdahl_speedup(0.0, 16), 16.0, EPS);
	assert_double_equal(stats_amdahl_speedup(1.0, 16), 1.0, EPS);
	assert_double_equal(stats_amdahl_speedup(0.25, 1), 1.0, EPS);
}

/* Times made by Amdahl's law from a known f give that f back, whatever T1. */
static void test_amdahl_fit_recovers_a_known_serial_fraction(void **state)
{
	(void)state;
	const double fs[] = { 0.0, 0.05, 0.137, 0.5, 1.0 };
	double p[] = { 1, 2, 3, 4, 6, 8, 12, 16 };
	double s[8];

	for (size_t k = 0; k < sizeof(fs) / sizeof(fs[0]); k++) {
		double t1 = 7.3, f = -1;

		for (int i = 0; i < 8; i++)
			s[i] = stats_speedup(t1, t1 * (fs[k] + (1 - fs[k]) / p[i]));
		assert_int_equal(stats_amdahl_fit(p, s, 8, &f), 0);
		assert_double_equal(f, fs[k], 1e-9);
	}
}

/*
 * With noise, the fit is the least-squares slope worked out by hand: for
 * S = 1.8 at p = 2 and S = 3.0 at p = 4, x = 1/2, 3/4 and
 * y = 1/1.8 - 1/2 = 1/18, 1/3 - 1/4 = 1/12, so
 * f = (1/36 + 1/16) / (1/4 + 9/16) = (13/144) / (13/16) = 1/9.
 */
static void test_amdahl_fit_of_noisy_speedups_is_least_squares(void **state)
{
	(void)state;
	double p[] = { 1, 2, 4 };
	double s[] = { 0.97, 1.8, 3.0 };
	double f = -1;

	assert_int_equal(stats_amdahl_fit(p, s, 3, &f), 0);
	assert_double_equal(f, 1.0 / 9, 1e-12);
	/* Karp-Flatt at each point: 1/9 and 1/9, so the fit agrees with both. */
	assert_double_equal(stats_karp_flatt(1.8, 2), 1.0 / 9, 1e-12);
	assert_double_equal(stats_karp_flatt(3.0, 4), 1.0 / 9, 1e-12);
}

/* A noisy set whose points disagree: the fit lies between their Karp-Flatt values. */
static void test_amdahl_fit_of_disagreeing_points(void **state)
{
	(void)state;
	/* p = 2, S = 1.6: x = 1/2, y = 1/8. p = 4, S = 3.2: x = 3/4, y = 1/16.
	 * f = (1/16 + 3/64) / (1/4 + 9/16) = (7/64) / (13/16) = 7/52. */
	double p[] = { 2, 4 };
	double s[] = { 1.6, 3.2 };
	double f = -1;

	assert_int_equal(stats_amdahl_fit(p, s, 2, &f), 0);
	assert_double_equal(f, 7.0 / 52, 1e-12);
	assert_true(f < stats_karp_flatt(1.6, 2) && f > stats_karp_flatt(3.2, 4));
}

/*
 * Times from f = 0.08 with +-2% noise: the fit is the least-squares slope,
 * summed here independently, and lands near the true f.
 */
static void test_amdahl_fit_of_noisy_synthetic_times(void **state)
{
	(void)state;
	const double noise[] = { 1.00, 1.02, 0.98, 1.015, 0.985, 1.01, 0.99, 1.02 };
	double p[8], s[8], sxy = 0, sxx = 0, f = -1;

	for (int i = 0; i < 8; i++) {
		double t1 = 10.0, tp;

		p[i] = i + 1;
		tp = t1 * (0.08 + 0.92 / p[i]) * noise[i];
		s[i] = t1 / tp;
		sxy += (1 - 1 / p[i]) * (1 / s[i] - 1 / p[i]);
		sxx += (1 - 1 / p[i]) * (1 - 1 / p[i]);
	}
	assert_int_equal(stats_amdahl_fit(p, s, 8, &f), 0);
	assert_double_equal(f, sxy / sxx, 1e-12);
	assert_double_equal(f, 0.08, 0.01);
}

static void test_amdahl_fit_needs_more_than_one_worker(void **state)
{
	(void)state;
	double p[] = { 1, 1 };
	double s[] = { 1.0, 0.95 };
	double f = 42;

	assert_int_equal(stats_amdahl_fit(p, s, 2, &f), -1);
	assert_int_equal(stats_amdahl_fit(p, s, 0, &f), -1);
	assert_double_equal(f, 42, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median_of_odd_count_is_the_middle_value),
		cmocka_unit_test(test_median_of_even_count_is_the_mean_of_the_middle_two),
		cmocka_unit_test(test_speedup_and_efficiency),
		cmocka_unit_test(test_karp_flatt_by_hand),
		cmocka_unit_test(test_amdahl_prediction_by_hand),
		cmocka_unit_test(test_amdahl_fit_recovers_a_known_serial_fraction),
		cmocka_unit_test(test_amdahl_fit_of_noisy_speedups_is_least_squares),
		cmocka_unit_test(test_amdahl_fit_of_disagreeing_points),
		cmocka_unit_test(test_amdahl_fit_of_noisy_synthetic_times),
		cmocka_unit_test(test_amdahl_fit_needs_more_than_one_worker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

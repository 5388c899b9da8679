/*
 * bench's advice from made-up rows: the smallest pool within 5% of the
 * fastest, never an oversubscribed one while another ran, and the reason
 * read from the next pool's figures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "bench/internal.h"

static struct bench bn;
static struct bench_row rows[8];

/* A row of the default engine (serial when workers is 0: the baseline at 1). */
static void row(int i, int workers, double mp, double busy, double cpu)
{
	struct bench_row *r = &rows[i];

	memset(r, 0, sizeof(*r));
	r->engine = workers ? engine_default() : engine_baseline();
	r->workers = workers ? workers : 1;
	r->runs = 3;
	r->mp_per_s = mp;
	r->mp_per_s_per_worker = mp / r->workers;
	r->busy_util = busy;
	r->cpu_util = cpu;
	r->speedup = mp / 10;
	r->efficiency = r->speedup / r->workers;
	r->karp_flatt = NAN;
	r->oversubscribed = r->workers > bn.machine.usable_cpus;
	bn.nrows = i + 1;
}

/* A machine of 8 usable CPUs on 4 cores, the input cached, 100 images of equal size. */
static int setup(void **state)
{
	(void)state;
	memset(&bn, 0, sizeof(bn));
	bn.rows = rows;
	bn.machine.usable_cpus = 8;
	bn.machine.allowed_cores = 4;
	snprintf(bn.machine.usable_why, sizeof(bn.machine.usable_why), "affinity");
	bn.warmup = 1;
	bn.cached_after = 1;
	bn.pixels = 100000000;
	bn.largest_pixels = 1000000;
	row(0, 0, 10, 1, 1);
	row(1, 1, 10, 1, 1);
	row(2, 2, 19.8, 0.99, 0.99);
	return 0;
}

static void test_smt_stops_the_scaling(void **state)
{
	(void)state;
	row(3, 4, 38, 0.98, 0.98);
	row(4, 8, 39, 0.98, 0.98);	/* per worker 4.9, under 0.9 x 10: siblings share cores */
	bench_advise(&bn);
	assert_true(bn.advice.valid);
	assert_int_equal(bn.advice.row->workers, 4);
	assert_int_equal(bn.advice.next->workers, 8);
	assert_int_equal(bn.advice.reason, REASON_SMT);
	assert_non_null(strstr(bn.advice.text, "advice: use -j 4: 38.0 MP/s"));
	assert_non_null(strstr(bn.advice.text, "-j 8 adds under 5% (+2.6%)"));
	assert_non_null(strstr(bn.advice.text, "SMT siblings"));
}

static void test_memory_when_the_cores_are_not_shared(void **state)
{
	(void)state;
	row(3, 4, 30, 0.97, 0.97);	/* per worker 7.5: the cores slow each other */
	bench_advise(&bn);
	assert_int_equal(bn.advice.row->workers, 4);
	assert_null(bn.advice.next);
	assert_int_equal(bn.advice.reason, REASON_MEMORY);
	assert_non_null(strstr(bn.advice.text, "the largest pool measured"));
}

static void test_a_few_large_images_leave_workers_idle(void **state)
{
	(void)state;
	bn.largest_pixels = 30000000;
	row(3, 4, 20.5, 0.55, 0.55);
	bench_advise(&bn);
	assert_int_equal(bn.advice.row->workers, 2);
	assert_int_equal(bn.advice.next->workers, 4);
	assert_int_equal(bn.advice.reason, REASON_IMBALANCE);
	assert_non_null(strstr(bn.advice.text, "30% of the pixels"));
}

static void test_idle_workers_without_large_images_are_the_serial_part(void **state)
{
	(void)state;
	row(3, 4, 20.5, 0.55, 0.55);
	bench_advise(&bn);
	assert_int_equal(bn.advice.reason, REASON_SERIAL);
}

static void test_oversubscribed_pool_is_never_advised(void **state)
{
	(void)state;
	row(3, 16, 25, 0.99, 0.6);	/* faster, but more workers than CPUs */
	bench_advise(&bn);
	assert_int_equal(bn.advice.row->workers, 2);
	assert_int_equal(bn.advice.next->workers, 16);
	assert_int_equal(bn.advice.reason, REASON_OVERSUBSCRIBED);
	assert_non_null(strstr(bn.advice.text, "usable CPUs (affinity)"));
}

static void test_a_fractional_quota_is_named(void **state)
{
	(void)state;
	bn.machine.quota_cpus = 1.5;
	snprintf(bn.machine.quota, sizeof(bn.machine.quota), "cgroup quota 150000/100000");
	bench_advise(&bn);
	assert_int_equal(bn.advice.row->workers, 2);
	row(1, 1, 10, 1, 1);
	row(2, 2, 10.2, 0.99, 0.7);
	bench_advise(&bn);
	assert_int_equal(bn.advice.row->workers, 1);
	assert_int_equal(bn.advice.reason, REASON_QUOTA);
	assert_non_null(strstr(bn.advice.text, "the cgroup quota 150000/100000 gives 1.50 CPUs' time"));
}

static void test_uncached_input_is_said_first(void **state)
{
	(void)state;
	bn.cached_after = 0.3;
	row(3, 4, 20, 0.99, 0.4);
	bench_advise(&bn);
	assert_int_equal(bn.advice.row->workers, 2);
	assert_int_equal(bn.advice.reason, REASON_NOT_CACHED);
	assert_non_null(strstr(bn.advice.text, "30% in the page cache"));
}

static void test_scaling_to_the_largest_pool_says_more_may_help(void **state)
{
	(void)state;
	row(3, 4, 39.5, 0.99, 0.99);
	bench_advise(&bn);
	assert_int_equal(bn.advice.row->workers, 4);
	assert_int_equal(bn.advice.reason, REASON_NONE);
	assert_null(bench_reason_name(bn.advice.reason));
	assert_non_null(strstr(bn.advice.text, "more CPUs may help"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_smt_stops_the_scaling, setup),
		cmocka_unit_test_setup(test_memory_when_the_cores_are_not_shared, setup),
		cmocka_unit_test_setup(test_a_few_large_images_leave_workers_idle, setup),
		cmocka_unit_test_setup(test_idle_workers_without_large_images_are_the_serial_part,
				       setup),
		cmocka_unit_test_setup(test_oversubscribed_pool_is_never_advised, setup),
		cmocka_unit_test_setup(test_a_fractional_quota_is_named, setup),
		cmocka_unit_test_setup(test_uncached_input_is_said_first, setup),
		cmocka_unit_test_setup(test_scaling_to_the_largest_pool_says_more_may_help, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

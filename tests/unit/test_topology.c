/*
 * bench's machine topology from a fake /sys and /proc: physical cores
 * against SMT siblings, sockets, NUMA nodes, caches and the clock, and
 * nothing believed from files that do not parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/internal.h"

#include "fake_tree.h"

/* Two sockets of one core each, two SMT siblings a core: CPUs 0,2 and 1,3. */
static void make_smt_machine(void)
{
	static const char *const siblings[] = { "0,2", "1,3", "0,2", "1,3" };
	char path[128];

	fake_put("sys/devices/system/cpu/online", "0-3\n");
	for (int c = 0; c < 4; c++) {
		snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/topology/core_cpus_list", c);
		fake_put(path, siblings[c]);
		snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/topology/physical_package_id",
			 c);
		fake_put(path, c % 2 ? "1\n" : "0\n");
	}
	fake_put("sys/devices/system/cpu/cpu0/cache/index0/level", "1\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index0/type", "Data\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index0/size", "48K\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index0/shared_cpu_list", "0,2\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index1/level", "3\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index1/type", "Unified\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index1/size", "32M\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index1/shared_cpu_list", "0-3\n");
	fake_put("sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "3500000\n");
	fake_put("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "1200000\n");
	fake_put("sys/devices/system/node/online", "0-1\n");
}

static void test_smt_machine(void **state)
{
	struct bench_machine m;

	(void)state;
	make_smt_machine();
	memset(&m, 0, sizeof(m));
	bench_read_topology(&m, fake_root);
	assert_int_equal(m.physical_cores, 2);
	assert_int_equal(m.threads_per_core, 2);
	assert_true(m.allowed_cores >= 1 && m.allowed_cores <= 2);
	assert_int_equal(m.packages, 2);
	assert_int_equal(m.numa_nodes, 2);
	assert_int_equal(m.ncaches, 2);
	assert_int_equal(m.caches[0].level, 1);
	assert_string_equal(m.caches[0].type, "Data");
	assert_int_equal(m.caches[0].bytes, 48 << 10);
	assert_int_equal(m.caches[0].shared_by, 2);
	assert_int_equal(m.caches[1].bytes, 32 << 20);
	assert_int_equal(m.caches[1].shared_by, 4);
	assert_true(m.mhz_max == 3500 && m.mhz_cur == 1200);
	assert_string_equal(m.mhz_source, "cpufreq");
}

/* No cpufreq: the clock comes from /proc/cpuinfo. */
static void test_clock_from_cpuinfo(void **state)
{
	struct bench_machine m;

	(void)state;
	fake_put("proc/cpuinfo", "processor\t: 0\nmodel name\t: Some CPU\ncpu MHz\t\t: 2596.146\n");
	memset(&m, 0, sizeof(m));
	bench_read_topology(&m, fake_root);
	assert_true(m.mhz_cur > 2596 && m.mhz_cur < 2597);
	assert_true(m.mhz_max == 0);
	assert_string_equal(m.mhz_source, "/proc/cpuinfo");
}

/* Files that do not parse leave the figures unknown; nothing reads past a list's bounds. */
static void test_hostile_files_stay_unknown(void **state)
{
	struct bench_machine m;

	(void)state;
	fake_put("sys/devices/system/cpu/online", "0-99999999999\n");
	fake_put("sys/devices/system/node/online", "3-1\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index0/level", "1\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index0/type", "Data\x1b[2J\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index0/size", "48K\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index1/level", "2\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index1/type", "Unified\n");
	fake_put("sys/devices/system/cpu/cpu0/cache/index1/size", "-5K\n");
	fake_put("sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "fast\n");
	memset(&m, 0, sizeof(m));
	bench_read_topology(&m, fake_root);
	assert_int_equal(m.physical_cores, 0);
	assert_int_equal(m.numa_nodes, 0);
	assert_int_equal(m.ncaches, 0);
	assert_true(m.mhz_max == 0 && m.mhz_cur == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_smt_machine, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_clock_from_cpuinfo, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_hostile_files_stay_unknown, fake_setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

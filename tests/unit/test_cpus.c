/*
 * The usable CPUs: the tightest cgroup quota found in fake v1 and v2 trees,
 * walking up from the process's group, and the smallest of affinity, quota
 * and SLURM_CPUS_PER_TASK.
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
#include <unistd.h>

#include "engine/cgroup.h"
#include "engine/cpus.h"

#include "fake_tree.h"

static const char v1_mounts[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
	"34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n";

static void test_v1_takes_the_tightest_quota_above_the_group(void **state)
{
	struct cgroup_quota q;

	(void)state;
	fake_put("proc/self/mountinfo", v1_mounts);
	fake_put("proc/self/cgroup", "3:cpuset:/\n2:cpu,cpuacct:/batch/job7\n0::/\n");
	fake_put("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
	fake_put("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
	fake_put("sys/fs/cgroup/cpu,cpuacct/batch/cpu.cfs_quota_us", "150000\n");
	fake_put("sys/fs/cgroup/cpu,cpuacct/batch/cpu.cfs_period_us", "100000\n");
	fake_put("sys/fs/cgroup/cpu,cpuacct/batch/job7/cpu.cfs_quota_us", "400000\n");
	fake_put("sys/fs/cgroup/cpu,cpuacct/batch/job7/cpu.cfs_period_us", "100000\n");
	cgroup_quota_read(fake_root, &q);
	assert_int_equal(q.version, 1);
	assert_int_equal(q.quota, 150000);
	assert_int_equal(q.period, 100000);
	assert_string_equal(q.file, "/sys/fs/cgroup/cpu,cpuacct/batch/cpu.cfs_quota_us");
	assert_int_equal(cgroup_quota_cpus(&q), 2);
}

static void test_v2_reads_cpu_max_and_ignores_max(void **state)
{
	struct cgroup_quota q;

	(void)state;
	fake_put("proc/self/mountinfo",
	    "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
	fake_put("proc/self/cgroup", "0::/kubepods/pod1/c1\n");
	fake_put("sys/fs/cgroup/cpu.max", "max 100000\n");
	fake_put("sys/fs/cgroup/kubepods/cpu.max", "max 100000\n");
	fake_put("sys/fs/cgroup/kubepods/pod1/cpu.max", "250000 100000\n");
	fake_put("sys/fs/cgroup/kubepods/pod1/c1/cpu.max", "max 100000\n");
	cgroup_quota_read(fake_root, &q);
	assert_int_equal(q.version, 2);
	assert_int_equal(q.quota, 250000);
	assert_string_equal(q.file, "/sys/fs/cgroup/kubepods/pod1/cpu.max");
	assert_int_equal(cgroup_quota_cpus(&q), 3);
}

/* A container's mount shows its own group as the root: the group maps to the mount point. */
static void test_container_mount_root_is_the_group(void **state)
{
	struct cgroup_quota q;

	(void)state;
	fake_put("proc/self/mountinfo",
	    "40 31 0:29 /docker/abc /sys/fs/cgroup/cpu ro - cgroup cgroup rw,cpu\n");
	fake_put("proc/self/cgroup", "2:cpu:/docker/abc\n");
	fake_put("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "50000\n");
	fake_put("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
	cgroup_quota_read(fake_root, &q);
	assert_int_equal(q.quota, 50000);
	assert_int_equal(cgroup_quota_cpus(&q), 1);
}

/* Hostile or broken files: no quota, and nothing read outside the tree. */
static void test_bad_files_give_no_quota(void **state)
{
	static const char *const bad[] = {
		"abc 100000\n", "-5 100000\n", "100000 0\n", "100000\n", "99999999999999999999 1\n",
		"100000 100000x\n", "", " 100000 100000\n",
	};
	struct cgroup_quota q;

	(void)state;
	fake_put("proc/self/mountinfo",
	    "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fake_put("proc/self/cgroup", "0::/a\n");
		fake_put("sys/fs/cgroup/a/cpu.max", bad[i]);
		cgroup_quota_read(fake_root, &q);
		assert_int_equal(q.quota, 0);
	}
	fake_put("proc/self/cgroup", "0::/a/../../../etc\n");
	cgroup_quota_read(fake_root, &q);
	assert_int_equal(q.quota, 0);
	fake_put("proc/self/cgroup", "");
	fake_put("proc/self/mountinfo", "garbage\n- - -\n");
	cgroup_quota_read(fake_root, &q);
	assert_int_equal(q.quota, 0);
}

static void test_hybrid_takes_the_tighter_of_v1_and_v2(void **state)
{
	struct cgroup_quota q;

	(void)state;
	fake_put("proc/self/mountinfo", "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
	    "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
	fake_put("proc/self/cgroup", "1:cpu:/x\n0::/y\n");
	fake_put("sys/fs/cgroup/cpu/x/cpu.cfs_quota_us", "300000\n");
	fake_put("sys/fs/cgroup/cpu/x/cpu.cfs_period_us", "100000\n");
	fake_put("sys/fs/cgroup/unified/y/cpu.max", "100000 50000\n");
	cgroup_quota_read(fake_root, &q);
	assert_int_equal(q.version, 2);
	assert_int_equal(cgroup_quota_cpus(&q), 2);
}

static void test_usable_is_the_smallest_and_says_why(void **state)
{
	struct cgroup_quota none = { 0 }, q = { .quota = 150000, .period = 100000, .version = 1 };
	struct cpus_usable u;

	(void)state;
	cpus_usable_decide(&u, 64, &none, NULL);
	assert_int_equal(u.n, 64);
	assert_string_equal(u.why, "affinity");
	cpus_usable_decide(&u, 64, &q, NULL);
	assert_int_equal(u.n, 2);
	assert_string_equal(u.why, "cgroup quota 150000/100000");
	cpus_usable_decide(&u, 64, &q, "1");
	assert_int_equal(u.n, 1);
	assert_string_equal(u.why, "SLURM_CPUS_PER_TASK");
	cpus_usable_decide(&u, 2, &q, "2");
	assert_int_equal(u.n, 2);
	assert_string_equal(u.why, "affinity");
	for (const char *const *s = (const char *const[]){ "", "0", "-1", "2x", "99999", " 2", NULL };
	     *s; s++) {
		cpus_usable_decide(&u, 8, &none, *s);
		assert_int_equal(u.n, 8);
		assert_int_equal(u.slurm, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_v1_takes_the_tightest_quota_above_the_group,
						fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_v2_reads_cpu_max_and_ignores_max, fake_setup,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_container_mount_root_is_the_group, fake_setup,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_bad_files_give_no_quota, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_hybrid_takes_the_tighter_of_v1_and_v2, fake_setup,
						fake_teardown),
		cmocka_unit_test(test_usable_is_the_smallest_and_says_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

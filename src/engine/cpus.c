/* The CPUs this process may run on, how many it may use, and pinning to one of them. */
#include "engine/cpus.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

/* The most CPUs SLURM_CPUS_PER_TASK is believed for: CPU_SETSIZE. */
#define SLURM_CPUS_MAX 1024

/* SLURM_CPUS_PER_TASK's text as a count: digits alone, 1..SLURM_CPUS_MAX; else 0. */
static int slurm_cpus(const char *text)
{
	long v = 0;

	if (!text || !*text || strlen(text) > 4)
		return 0;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v >= 1 && v <= SLURM_CPUS_MAX ? (int)v : 0;
}

void cpus_usable_decide(struct cpus_usable *u, int affinity, const struct cgroup_quota *q,
			const char *slurm)
{
	memset(u, 0, sizeof(*u));
	u->affinity = affinity > 0 ? affinity : 1;
	u->cgroup = *q;
	u->quota = cgroup_quota_cpus(q);
	u->slurm = slurm_cpus(slurm);
	u->n = u->affinity;
	snprintf(u->why, sizeof(u->why), "affinity");
	if (u->quota && u->quota < u->n) {
		u->n = u->quota;
		snprintf(u->why, sizeof(u->why), "cgroup quota %lld/%lld", q->quota, q->period);
	}
	if (u->slurm && u->slurm < u->n) {
		u->n = u->slurm;
		snprintf(u->why, sizeof(u->why), "SLURM_CPUS_PER_TASK");
	}
}

const struct cpus_usable *cpus_usable(void)
{
	static struct cpus_usable usable;
	static int read;
	const char *root = getenv("PIXPOOL_TEST_CGROUP_ROOT");
	struct cgroup_quota q;

	if (read)
		return &usable;
	cgroup_quota_read(root ? root : "", &q);
	cpus_usable_decide(&usable, cpus_affinity(), &q, getenv("SLURM_CPUS_PER_TASK"));
	read = 1;
	return &usable;
}

int cpus_available(void)
{
	return cpus_usable()->n;
}

int cpus_affinity(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	return 1;
}

int cpus_read(struct cpus *set)
{
	cpu_set_t mask;

	set->cpu = NULL;
	set->n = 0;
	if (sched_getaffinity(0, sizeof(mask), &mask) < 0)
		return error("sched_getaffinity: %s", strerror(errno));
	set->cpu = malloc((size_t)CPU_COUNT(&mask) * sizeof(*set->cpu));
	if (!set->cpu)
		return error("out of memory reading the allowed CPUs");
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &mask))
			set->cpu[set->n++] = cpu;
	return 0;
}

int cpus_pin(const struct cpus *set, int i)
{
	cpu_set_t mask;
	int cpu;

	if (set->n <= 0)
		return error("no CPU to pin to");
	cpu = set->cpu[i % set->n];
	CPU_ZERO(&mask);
	CPU_SET(cpu, &mask);
	if (sched_setaffinity(0, sizeof(mask), &mask) < 0)
		return error("cannot pin to CPU %d: %s", cpu, strerror(errno));
	return 0;
}

void cpus_release(struct cpus *set)
{
	free(set->cpu);
	set->cpu = NULL;
	set->n = 0;
}

#ifndef PIXPOOL_CPUS_H
#define PIXPOOL_CPUS_H

/*
 * The CPUs this process may run on, how many of them it may really use, and
 * pinning a worker to one of them.
 *
 *	const struct cpus_usable *u = cpus_usable();	// the default pool size
 *	... u->n workers; u->why says what set it ...
 *
 *	struct cpus set;
 *	if (cpus_read(&set) < 0)
 *		... error_message() says why ...
 *	cpus_pin(&set, worker);		in each worker or thread
 *	cpus_release(&set);
 *
 * The set and the usable count are read once, before any worker or thread
 * exists: a worker that pinned itself would otherwise see only its own CPU.
 */

#include "engine/cgroup.h"

struct cpus {
	int *cpu;	/* CPU numbers, ascending */
	int n;
};

/*
 * What pixpool may really use: the affinity set, capped by the tightest
 * cgroup CPU quota (rounded up: a quota of 1.5 CPUs still runs 2 workers a
 * share of the time) and by SLURM_CPUS_PER_TASK where set. A container
 * given 2 CPUs of a 64-CPU host sees 64 in its affinity set, and 64
 * workers would all be throttled.
 */
struct cpus_usable {
	int n;			/* >= 1 */
	int affinity;		/* CPUs in the affinity set */
	int quota;		/* CPUs the cgroup quota allows; 0: no quota */
	int slurm;		/* SLURM_CPUS_PER_TASK; 0: unset or not a number */
	struct cgroup_quota cgroup;
	char why[96];		/* "affinity", "cgroup quota 150000/100000", "SLURM_CPUS_PER_TASK" */
};

/*
 * The usable CPUs of this process, read on the first call: the cgroup tree
 * under PIXPOOL_TEST_CGROUP_ROOT when the tests set it (cgroup.h), else the
 * real one.
 */
const struct cpus_usable *cpus_usable(void);

/*
 * The decision alone, for the tests: affinity CPUs, the quota q found, and
 * the text of SLURM_CPUS_PER_TASK (NULL: unset). The smallest wins; on a
 * tie the affinity set, then the quota, is named.
 */
void cpus_usable_decide(struct cpus_usable *u, int affinity, const struct cgroup_quota *q,
			const char *slurm);

/* cpus_usable()->n: the default pool size. */
int cpus_available(void);

/* The number of CPUs in this process's affinity set (sched_getaffinity), at least 1. */
int cpus_affinity(void);

/* Reads the allowed set into *set. Returns 0, or -1 with an error. */
int cpus_read(struct cpus *set);

/*
 * Pins the calling process or thread to the i-th CPU of the set, wrapping
 * round when there are more workers than CPUs. Returns 0, or -1 with an error.
 */
int cpus_pin(const struct cpus *set, int i);

void cpus_release(struct cpus *set);

#endif

#ifndef PIXPOOL_CPUS_H
#define PIXPOOL_CPUS_H

/*
 * The CPUs this process may run on, and pinning a worker to one of them.
 *
 *	struct cpus set;
 *	if (cpus_read(&set) < 0)
 *		... error_message() says why ...
 *	cpus_pin(&set, worker);		in each worker or thread
 *	cpus_release(&set);
 *
 * The set is read once, before any worker or thread exists: a worker that
 * pinned itself would otherwise see only its own CPU.
 */

struct cpus {
	int *cpu;	/* CPU numbers, ascending */
	int n;
};

/* The number of CPUs this process may run on (sched_getaffinity), at least 1. */
int cpus_available(void);

/* Reads the allowed set into *set. Returns 0, or -1 with an error. */
int cpus_read(struct cpus *set);

/*
 * Pins the calling process or thread to the i-th CPU of the set, wrapping
 * round when there are more workers than CPUs. Returns 0, or -1 with an error.
 */
int cpus_pin(const struct cpus *set, int i);

void cpus_release(struct cpus *set);

#endif

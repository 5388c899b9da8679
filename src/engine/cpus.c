/* The CPUs this process may run on, and pinning to one of them. */
#include "engine/cpus.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

int cpus_available(void)
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

/* Memory-aware admission (admit.h). */
#include "engine/admit.h"

#include <time.h>

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 || ATOMIC_LONG_LOCK_FREE == 2,
	       "charges may live in memory shared between processes: they must be lock-free");

void admit_init(struct admit *a, atomic_uint_fast64_t *charge, int nslots, uint64_t budget)
{
	a->charge = charge;
	a->nslots = nslots;
	a->budget = budget;
	for (int i = 0; i < nslots; i++)
		atomic_init(&charge[i], 0);
}

uint64_t admit_held(const struct admit *a)
{
	uint64_t held = 0;

	for (int i = 0; i < a->nslots; i++)
		held += atomic_load(&a->charge[i]);
	return held;
}

int admit_try(struct admit *a, int slot, uint64_t cost)
{
	uint64_t others;

	if (!a->budget)
		return 1;
	atomic_store(&a->charge[slot], cost);
	others = admit_held(a) - cost;
	if (others == 0 || others + cost <= a->budget)
		return 1;
	atomic_store(&a->charge[slot], 0);
	return 0;
}

/* 1 ms, and a little more for higher slots, so two slots that back off together part. */
static void pause_for(int slot)
{
	struct timespec ts = { 0, 1000000L + 50000L * (slot % 16) };

	nanosleep(&ts, NULL);
}

int admit_wait(struct admit *a, int slot, uint64_t cost, atomic_int *stop)
{
	while (!admit_try(a, slot, cost)) {
		if (stop && atomic_load(stop))
			return 0;
		pause_for(slot);
	}
	return 1;
}

void admit_release(struct admit *a, int slot)
{
	if (a->budget)
		atomic_store(&a->charge[slot], 0);
}

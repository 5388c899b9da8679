#ifndef PIXPOOL_ADMIT_H
#define PIXPOOL_ADMIT_H

/*
 * Memory-aware admission: the images in flight together never need more
 * memory than a budget (--mem-limit). Each task has a cost, the bytes its
 * decode and filters are expected to take, known from its header before it
 * is handed out (batch.h). A worker about to start an image asks for its
 * cost; it is admitted when what the others hold leaves room for it, or
 * when nobody else holds anything (so an image larger than the whole budget
 * still runs, alone). Otherwise it waits: a giant waits until it fits
 * instead of two giants pushing the machine into the OOM killer.
 *
 * Each slot (worker or thread) records its own charge; a slot is admitted
 * only after it has published its charge and then seen the others' (both
 * sequentially consistent), so two slots admitted at once always see each
 * other. When both back off instead, each retries after a pause of its own.
 * The charges may live in memory shared between processes: the parent
 * clears the charge of a worker that died.
 *
 *	struct admit a;
 *	admit_init(&a, charges, nslots, budget);
 *	if (admit_try(&a, slot, cost)) ... run ...; admit_release(&a, slot);
 *	admit_wait(&a, slot, cost, stop);	in a worker that may sleep
 */

#include <stdatomic.h>
#include <stdint.h>

struct admit {
	atomic_uint_fast64_t *charge;	/* per slot: bytes it holds, 0 when none */
	int nslots;
	uint64_t budget;		/* 0: no limit */
};

void admit_init(struct admit *a, atomic_uint_fast64_t *charge, int nslots, uint64_t budget);

/* Whether slot may start an image of cost bytes now; if so, it holds them. */
int admit_try(struct admit *a, int slot, uint64_t cost);

/*
 * Waits until admit_try succeeds; returns 1, or 0 without holding anything
 * as soon as *stop (if not NULL) is set.
 */
int admit_wait(struct admit *a, int slot, uint64_t cost, atomic_int *stop);

/* The slot holds nothing any more. */
void admit_release(struct admit *a, int slot);

/* Bytes held by all slots together. */
uint64_t admit_held(const struct admit *a);

#endif

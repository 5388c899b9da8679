#ifndef PIXPOOL_ENGINE_INTERNAL_H
#define PIXPOOL_ENGINE_INTERNAL_H

/*
 * What engine.c hands each engine, and the engines' run functions: private
 * to engine*.c and the process engine's channels. Nothing here calls back
 * into engine.c: engine.c plans and dispatches, the engines run work.
 */

#include <stdint.h>

#include "job/batch.h"
#include "engine/cpus.h"

struct run {
	struct batch *b;
	/*
	 * The order tasks are handed out: order[i] is the id of the i-th task
	 * to start (walk order for dynamic and static, largest first for lpt).
	 */
	const uint32_t *order;
	struct cpus cpus;	/* --pin: the CPUs this process may run on */
};

/* Stores res in its slot of the results, then tells the batch's caller. */
static inline void run_finished(struct run *r, const struct result *res)
{
	struct batch *b = r->b;

	if (&b->results[res->task] != res)
		b->results[res->task] = *res;
	if (b->finished)
		b->finished(&b->results[res->task], b->data);
}

static inline void run_warning(struct run *r, const char *message)
{
	if (r->b->warning)
		r->b->warning(message, r->b->data);
}

/* Each returns 0, or -1 with an error when it could not run at all. */
int engine_serial(struct run *r);
int engine_process(struct run *r);
int engine_openmp(struct run *r);

#endif

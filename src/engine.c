/* The table of engines, and what engine_run does around each: the plan, pinning, Ctrl-C. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"
#include "error.h"

static const struct engine_row {
	struct engine e;
	int (*run)(struct run *r);
} rows[] = {
	{ { "serial", "one loop in this process: the baseline", 1, 0 }, engine_serial },
	{ { "process", "a pool of forked worker processes", 0, 1 }, engine_process },
	{ { "openmp", "OpenMP threads in this process", 0, 0 }, engine_openmp },
};

#define NENGINES (sizeof(rows) / sizeof(rows[0]))

static const struct engine *const list[] = { &rows[0].e, &rows[1].e, &rows[2].e, NULL };

_Static_assert(sizeof(list) / sizeof(list[0]) == NENGINES + 1, "one list entry per row");
_Static_assert(NENGINES <= ENGINE_MAX, "engine.h promises at most ENGINE_MAX engines");

const struct engine *engine_find(const char *name)
{
	for (size_t i = 0; i < NENGINES; i++)
		if (!strcmp(rows[i].e.name, name))
			return &rows[i].e;
	return NULL;
}

const struct engine *const *engine_list(void)
{
	return list;
}

/* rows[] begins with its engine, so a pointer to one is a pointer to the other. */
static const struct engine_row *row_of(const struct engine *e)
{
	return (const struct engine_row *)e;
}

int engine_index(const struct engine *e)
{
	return (int)(row_of(e) - rows);
}

const struct engine *engine_baseline(void)
{
	return &rows[0].e;
}

const struct engine *engine_default(void)
{
	return &rows[1].e;
}

/* Largest file first; ties in walk order, so the plan is deterministic. */
static int larger_first(const void *a, const void *b, void *tasks)
{
	const struct task *x = &((const struct task *)tasks)[*(const uint32_t *)a];
	const struct task *y = &((const struct task *)tasks)[*(const uint32_t *)b];

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Dynamic and static hand tasks out in walk order; lpt (longest processing
 * time first) hands out the largest files first, so that no big image is
 * left to start last while the other workers sit idle.
 */
static uint32_t *plan(const struct batch *b)
{
	uint32_t *order = malloc((b->ntasks ? b->ntasks : 1) * sizeof(*order));

	if (!order)
		return NULL;
	for (size_t i = 0; i < b->ntasks; i++)
		order[i] = (uint32_t)i;
	if (b->job->schedule == SCHEDULE_LPT)
		qsort_r(order, b->ntasks, sizeof(*order), larger_first, (void *)b->tasks);
	return order;
}

/* Images that never started because of Ctrl-C. */
static void mark_skipped(struct batch *b)
{
	for (size_t i = 0; i < b->ntasks; i++) {
		if (b->results[i].status == STATUS_PENDING) {
			b->results[i].task = (uint32_t)i;
			b->results[i].status = STATUS_SKIPPED;
			b->results[i].worker = -1;
		}
	}
}

int engine_run(struct batch *b)
{
	struct run r = { .b = b };
	uint32_t *order = plan(b);
	int ret;

	if (!order)
		return error("out of memory planning %zu tasks", b->ntasks);
	r.order = order;
	memset(b->results, 0, b->ntasks * sizeof(*b->results));
	b->restarts = 0;
	if (b->job->pin && cpus_read(&r.cpus) < 0) {
		free(order);
		return error_prefix("--pin");
	}
	ret = row_of(b->job->engine)->run(&r);
	mark_skipped(b);
	free(order);
	cpus_release(&r.cpus);
	return ret;
}

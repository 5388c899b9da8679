/* The table of engines, and what engine_run does around each: the plan, pinning, Ctrl-C. */
#include "engine/engine.h"

#include <stdlib.h>
#include <string.h>

#include "engine/internal.h"
#include "base/error.h"

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

static int run_tasks(struct batch *b)
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

/*
 * The tasks left to run when some outputs were found done before the run
 * (--skip-existing): a batch of its own, whose task i is task id[i] of the
 * whole batch, so that the engine never sees the others. A re-run over a
 * finished folder then costs no worker and no round trip per image.
 */
struct rest {
	struct batch b;
	struct batch *whole;
	uint32_t *id;
};

/* A result of the rest, stored and told as the whole batch's. */
static void rest_finished(const struct result *res, void *data)
{
	struct rest *r = data;
	uint32_t id = r->id[res->task];

	r->whole->results[id] = *res;
	r->whole->results[id].task = id;
	if (r->whole->finished)
		r->whole->finished(&r->whole->results[id], r->whole->data);
}

static void rest_warning(const char *message, void *data)
{
	struct rest *r = data;

	if (r->whole->warning)
		r->whole->warning(message, r->whole->data);
}

/* Tells the results of the tasks found done, and makes the batch of the others. */
static int split_done(struct batch *b, size_t left, struct rest *r)
{
	struct task *tasks = malloc((left ? left : 1) * sizeof(*tasks));
	size_t n = 0;

	r->id = malloc((left ? left : 1) * sizeof(*r->id));
	r->b = *b;
	r->b.results = calloc(left ? left : 1, sizeof(*r->b.results));
	if (!tasks || !r->id || !r->b.results) {
		free(tasks);
		free(r->id);
		free(r->b.results);
		return error("out of memory planning %zu tasks", b->ntasks);
	}
	memset(b->results, 0, b->ntasks * sizeof(*b->results));
	for (size_t i = 0; i < b->ntasks; i++) {
		if (!b->tasks[i].exists) {
			r->id[n] = (uint32_t)i;
			tasks[n] = b->tasks[i];
			tasks[n].id = (uint32_t)n;
			n++;
			continue;
		}
		b->results[i].task = (uint32_t)i;
		b->results[i].status = STATUS_EXISTS;
		b->results[i].worker = -1;
		if (b->finished)
			b->finished(&b->results[i], b->data);
	}
	r->whole = b;
	r->b.tasks = tasks;
	r->b.ntasks = left;
	r->b.finished = rest_finished;
	r->b.warning = rest_warning;
	r->b.data = r;
	return 0;
}

int engine_run(struct batch *b)
{
	struct rest r;
	size_t left = 0;
	int ret = 0;

	for (size_t i = 0; i < b->ntasks; i++)
		left += !b->tasks[i].exists;
	if (left == b->ntasks)
		return run_tasks(b);
	if (split_done(b, left, &r) < 0)
		return -1;
	b->restarts = 0;
	if (left)
		ret = run_tasks(&r.b);
	/* The images the rest never started (Ctrl-C) are told nowhere: copied as they are. */
	for (size_t i = 0; i < left; i++) {
		b->results[r.id[i]] = r.b.results[i];
		b->results[r.id[i]].task = r.id[i];
	}
	b->restarts = r.b.restarts;
	free((void *)r.b.tasks);
	free(r.b.results);
	free(r.id);
	return ret;
}

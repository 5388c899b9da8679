/*
 * The pipe channel: the parent claims every task and sends its index in
 * order[] (the plan, not the task id: the two differ under lpt) down the
 * worker's pipe; the worker sends the whole result record back up, in one
 * write() (it is far smaller than PIPE_BUF, so it arrives whole). A worker
 * asks for its next image simply by sending the result of the last one.
 *
 * The parent knows at every moment which image each worker holds, because
 * it handed it out: there is nothing for a dying worker to leave unsaid.
 */
#include "engine/process.h"

#include <stdlib.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/interrupt.h"

/* Only the parent hands out tasks, so the charges live in its memory. */
static int pipe_open(struct pool *p)
{
	atomic_uint_fast64_t *charges = calloc((size_t)p->nworkers, sizeof(*charges));

	p->queues = calloc((size_t)p->nqueues, sizeof(*p->queues));
	if (!p->queues || !charges) {
		free(p->queues);
		free(charges);
		return error("out of memory for %d workers", p->nworkers);
	}
	admit_init(&p->admit, charges, p->nworkers, p->r->b->job->mem_limit);
	return 0;
}

static void pipe_work(struct pool *p, int slot, int in, int out)
{
	struct result res;
	uint32_t i;

	while (read_full(in, &i, sizeof(i)) == 0 && i < p->r->b->ntasks) {
		pool_work(p, slot, i, &res);
		if (write(out, &res, sizeof(res)) != (ssize_t)sizeof(res))
			break;
	}
}

/*
 * Hands the worker its next task; closes its pipe down (so it leaves) when
 * there is none. When the next task does not fit in memory beside those in
 * flight, the worker is parked instead, and the task stays first in line:
 * nothing overtakes it, so a large image is never left waiting for ever.
 */
static void dispatch(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	int64_t i = interrupted() ? NO_TASK : queue_peek(queue_of(p, slot));
	uint32_t index = (uint32_t)i;

	w->parked = i != NO_TASK && !admit_try(&p->admit, slot, pool_cost(p, i));
	if (w->parked)
		return;
	if (i != NO_TASK)
		queue_claim(queue_of(p, slot));
	w->current = i;
	if (i == NO_TASK) {
		close(w->task_fd);
		w->task_fd = -1;
		return;
	}
	w->started = clock_ns();
	/* If it died, poll() sees its pipe up close and the reaper records the image. */
	if (write(w->task_fd, &index, sizeof(index)) != (ssize_t)sizeof(index)) {
		close(w->task_fd);
		w->task_fd = -1;
	}
}

/* Memory was given back: the parked workers try again, in slot order. */
static void pipe_freed(struct pool *p)
{
	for (int i = 0; i < p->nworkers; i++)
		if (p->workers[i].parked && p->workers[i].task_fd >= 0)
			dispatch(p, i);
}

static int pipe_collect(struct pool *p, int slot)
{
	struct result res;

	if (read_full(p->workers[slot].fd, &res, sizeof(res)) < 0)
		return -1;
	p->workers[slot].current = NO_TASK;
	admit_release(&p->admit, slot);
	pool_record(p, &res);
	dispatch(p, slot);
	pipe_freed(p);
	return 0;
}

static int64_t pipe_held(struct pool *p, int slot, uint64_t *since)
{
	*since = p->workers[slot].started;
	return p->workers[slot].current;
}

/* On Ctrl-C: idle workers are told to leave; busy ones leave after their image. */
static void pipe_stop(struct pool *p)
{
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];

		if (w->current == NO_TASK && w->task_fd >= 0) {
			close(w->task_fd);
			w->task_fd = -1;
		}
	}
}

static void pipe_close(struct pool *p)
{
	free(p->queues);
	free(p->admit.charge);
	p->queues = NULL;
	p->admit.charge = NULL;
}

const struct channel channel_pipe = {
	.pipe_down = 1,
	.open = pipe_open,
	.work = pipe_work,
	.prepare = dispatch,
	.collect = pipe_collect,
	.held = pipe_held,
	.stop = pipe_stop,
	.freed = pipe_freed,
	.close = pipe_close,
};

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
#include "engine_process.h"

#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "interrupt.h"

static int pipe_open(struct pool *p)
{
	p->queues = calloc((size_t)p->nqueues, sizeof(*p->queues));
	return p->queues ? 0 : error("out of memory");
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

/* Hands the worker its next task; closes its pipe down (so it leaves) when there is none. */
static void dispatch(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	int64_t i = interrupted() ? NO_TASK : queue_claim(queue_of(p, slot));
	uint32_t index = (uint32_t)i;

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

static int pipe_collect(struct pool *p, int slot)
{
	struct result res;

	if (read_full(p->workers[slot].fd, &res, sizeof(res)) < 0)
		return -1;
	p->workers[slot].current = NO_TASK;
	pool_record(p, &res);
	dispatch(p, slot);
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
	p->queues = NULL;
}

const struct channel channel_pipe = {
	.pipe_down = 1,
	.open = pipe_open,
	.work = pipe_work,
	.prepare = dispatch,
	.collect = pipe_collect,
	.held = pipe_held,
	.stop = pipe_stop,
	.close = pipe_close,
};

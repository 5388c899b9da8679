#ifndef PIXPOOL_BATCH_H
#define PIXPOOL_BATCH_H

/*
 * A batch is the record of one run: the job, its tasks, and one result per
 * task. `run` and `bench` set it up the same way: the job's inputs walked
 * into tasks, each with its output path under job->outdir, and the tasks that
 * must not run marked refused before anything is written. An engine
 * (engine.h) then fills the results, telling the caller of each one as it
 * lands; the caller decides what the user sees (report.h).
 *
 *	struct walk w;
 *	walk_init(&w);
 *	if (batch_walk(&job, &w) < 0)
 *		... report error_message(); w may still hold tasks ...
 *	... report walk_skips(&w): what the walk could not take ...
 *	struct batch b = { .job = &job, .tasks = w.tasks, .ntasks = w.ntasks,
 *			   .results = results, .finished = report_result, .data = &report };
 *	engine_run(&b);
 *	batch_totals(&b, &totals);
 *	walk_release(&w);
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "job/job.h"
#include "job/walk.h"

/*
 * Told of each result as it lands, with the batch's data. Engines call it
 * from one thread at a time, in the parent process, so it needs no lock.
 */
typedef void batch_finished_fn(const struct result *res, void *data);

/*
 * Told of something that went wrong beside the images (a worker that could
 * not be started again): the run goes on, and message says what happened.
 */
typedef void batch_warning_fn(const char *message, void *data);

struct batch {
	const struct job *job;
	const struct task *tasks;
	size_t ntasks;
	struct result *results;		/* ntasks records, filled by the engine */
	batch_finished_fn *finished;	/* NULL: nobody is told */
	batch_warning_fn *warning;	/* NULL: nobody is told */
	void *data;			/* for finished and warning */
	int restarts;			/* set by the engine: workers started again after a death */
	struct timespec started;	/* set by the caller: the date the engine started, */
	uint64_t wall_ns;		/*   and how long it ran (for the manifest) */
};

/* Totals of a finished batch. */
struct totals {
	size_t count[STATUS_EXISTS + 1];	/* images per status */
	double megapixels;	/* input megapixels of the images written */
	uint64_t in_bytes, out_bytes;
};

void batch_totals(const struct batch *b, struct totals *t);

/*
 * Walks every input of job into w; with several inputs, each one's tree goes
 * under its own name. The output folder is never entered when it lies inside
 * an input. A task is refused when its output path is an input file, or when
 * an earlier task (in walk order) has the same output path. Inputs and
 * entries that cannot be walked are recorded in w's skips, for the caller to
 * report. Returns -1 when memory ran out; the tasks found are kept.
 */
int batch_walk(const struct job *job, struct walk *w);

/*
 * Whether st is one of the inputs the last batch_walk found, for an output
 * named from its size (--name with {width} or {height}) when it is made:
 * always 0 for other names, which batch_walk checked itself.
 */
int batch_is_input(const struct stat *st);

#endif

#ifndef PIXPOOL_BATCH_H
#define PIXPOOL_BATCH_H

/*
 * Setting up a batch, shared by `run` and `bench`: the job's inputs walked
 * into tasks, each with its output path under job->outdir, and the tasks
 * that must not run marked refused before anything is written.
 *
 *	struct walk w;
 *	walk_init(&w);
 *	if (batch_walk(&job, &w) < 0)
 *		... report error_message(); w may still hold tasks ...
 *	... report walk_skips(&w): what the walk could not take ...
 *	struct batch b = { .job = &job, .tasks = w.tasks, .ntasks = w.ntasks, ... };
 *	engine_run(&b);
 *	walk_release(&w);
 */

#include "options.h"
#include "walk.h"

/*
 * Walks every input of job into w; with several inputs, each one's tree goes
 * under its own name. The output folder is never entered when it lies inside
 * an input. A task is refused when its output path is an input file, or when
 * an earlier task (in walk order) has the same output path. Inputs and
 * entries that cannot be walked are recorded in w's skips, for the caller to
 * report. Returns -1 when memory ran out; the tasks found are kept.
 */
int batch_walk(const struct job *job, struct walk *w);

#endif

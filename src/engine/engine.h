#ifndef PIXPOOL_ENGINE_H
#define PIXPOOL_ENGINE_H

/*
 * Engines run a batch (batch.h): every one calls work_run on each task and
 * fills one result per task; they differ only in who calls it and how the
 * results travel. They are rows of one table:
 *
 *	serial   one loop in this process: the baseline.
 *	process  a pool of long-lived forked workers, sandboxed, results over
 *	         a socket or shared memory (process.h).
 *	openmp   OpenMP threads, results written straight into the array.
 *
 * An engine never prints: it tells the batch's finished() callback of each
 * result as it lands, and its warning() callback of trouble beside the images.
 *
 *	const struct engine *e = engine_find("process");
 *	job.engine = e;
 *	if (engine_run(&batch) < 0)
 *		... error_message() says why it could not run at all ...
 *
 * Adding an engine: one file engine_NAME.c with its run function, declared
 * in engine_internal.h, and one row in the table in engine.c.
 */

#include "job/batch.h"

struct engine {
	const char *name;	/* as --engine takes it */
	const char *help;	/* one line */
	int single;		/* runs one image at a time, whatever -j says */
	int processes;		/* its workers are processes: --channel and --timeout apply */
};

/* No more engines than this: enough for a fixed array of them. */
#define ENGINE_MAX 8

/* The engine named name, or NULL. */
const struct engine *engine_find(const char *name);

/* Every engine, in table order, ending with NULL. */
const struct engine *const *engine_list(void);

/* Its position in engine_list(). */
int engine_index(const struct engine *e);

/* The engine speedups are measured against (serial), and the default (process). */
const struct engine *engine_baseline(void);
const struct engine *engine_default(void);

/*
 * Runs b on b->job->engine: plans the order tasks are handed out, pins
 * workers with --pin, and marks STATUS_SKIPPED the images never started
 * because of Ctrl-C (interrupt.h). A task whose output was found done
 * (task->exists, select.h) is never handed out: its result is
 * STATUS_EXISTS, told before the others. Before it every result is cleared; after
 * it none is STATUS_PENDING. Returns 0, or -1 with an error when the engine
 * could not run at all (no worker could be started).
 */
int engine_run(struct batch *b);

#endif

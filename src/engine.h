#ifndef PIXPOOL_ENGINE_H
#define PIXPOOL_ENGINE_H

/*
 * Engines run a batch of tasks and fill one result per task. They share one
 * signature and differ only in who calls work_run and how results travel:
 *
 *	serial   one loop in this process: the baseline.
 *	process  a pool of long-lived forked workers, results over pipes or a
 *	         shared-memory array (engine_pool.c).
 *	openmp   OpenMP threads, results written straight into the array.
 *
 * Before an engine runs, every result is STATUS_PENDING; after it, none is.
 * An engine returns 0, or -1 when it could not run at all (fork failed).
 */

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "walk.h"
#include "work.h"

struct batch {
	const struct job *job;
	const struct task *tasks;
	size_t ntasks;
	struct result *results;
	uint32_t *order;	/* the order tasks are handed out (plan) */
	int respawns;		/* workers started again after a death */
	int *cpus;		/* --pin: the CPUs this process may run on */
	int ncpus;
};

int engine_run(struct batch *b);

int engine_serial(struct batch *b);
int engine_process(struct batch *b);
int engine_openmp(struct batch *b);

/*
 * Pins the calling process or thread to CPU i of the allowed set (wrapping
 * round when there are more workers than CPUs). Returns 0 or -1.
 */
int engine_pin(const struct batch *b, int i);

/*
 * Set from a SIGINT/SIGTERM handler: engines hand out no new image once it
 * is set, and mark the images never started STATUS_SKIPPED.
 */
extern volatile sig_atomic_t engine_interrupted;

/* Installs the handlers that set engine_interrupted. */
void engine_catch_signals(void);

#endif

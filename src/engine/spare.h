#ifndef PIXPOOL_SPARE_H
#define PIXPOOL_SPARE_H

/*
 * Spare cores: the cores of process workers that found no image left to
 * take, lent to the workers still busy for their filters.
 *
 * At the end of a run fewer images remain than workers; without help, the
 * last image alone sets the makespan while the other cores sit idle. So a
 * worker that leaves for want of work adds its core to a counter in shared
 * memory, and a worker about to run a filter that can split its rows
 * (filter.h) takes what it finds there, runs the filter on that many more
 * threads, and puts them back when the filter is done. Claims are made per
 * filter, not per image: an image dispatched before the others finished
 * gets the cores freed in the meantime at its next filter.
 *
 * Each busy worker takes at most its share: the cores lent so far over
 * the workers still busy, rounded up. The first to reach a filter does
 * not take them all while the others' filters get none.
 *
 * A counter the workers take from, rather than a number of threads the
 * parent hands out with each task, because the cores free up while images
 * are already running, and the shm channel's workers take their tasks
 * without the parent.
 *
 *	spare_open(workers)	in the parent, before the workers are forked
 *	spare_add(1)		in a worker that leaves: no task left
 *	n = spare_claim(most)	before a filter; 0 when none is spare
 *	spare_give(n)		after it
 *	spare_close()		in the parent, once every worker left
 *
 * Without spare_open (the serial and OpenMP engines, bench, the tests)
 * spare_claim always returns 0. A worker hands the filters spare_lender,
 * which claims and gives back through these calls.
 */

#include "filter/chain.h"

/*
 * Maps the counters for a pool of workers, with no core lent. -1 with
 * error() if the shared page cannot be mapped.
 */
int spare_open(int workers);

/* Unmaps it; spare_claim returns 0 again. */
void spare_close(void);

/* Lends n more cores: those of n workers that left. */
void spare_add(int n);

/* Takes up to most cores, as many as are spare, up to a share; returns how many. */
int spare_claim(int most);

/* Gives back n cores taken with spare_claim. */
void spare_give(int n);

/* spare_claim and spare_give, as a chain's lender of cores. */
extern const struct lender spare_lender;

#endif

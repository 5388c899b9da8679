/*
 * The OpenMP engine: the same tasks as the process pool, over N threads of
 * this process, each result written straight into the shared array (every
 * thread writes only the slots of the tasks it ran, so no two threads touch
 * the same record).
 *
 * stb from threads: stb_image keeps its failure reason (stbi_failure_reason)
 * in a thread-local variable when the compiler has them, which C11 does, and
 * codec/stb.c refuses to build otherwise, so one thread's error never
 * shows up in another's result. Its settings (flip on load, unpremultiply,
 * iPhone PNG) are process-wide globals, but pixpool never sets them, so they
 * are only ever read. stb_image_write's settings (PNG compression level and
 * filter, TGA RLE, flip on write) are globals too, likewise never written
 * after start-up. Everything else stb uses is on the stack, in the buffer it
 * is handed, or in constant tables, and pixpool's own error message
 * (error.c) is thread-local as well.
 *
 * --schedule maps onto OpenMP's runtime schedule: dynamic and lpt hand out
 * one image at a time (dynamic,1) in plan order, static cuts the list into
 * one contiguous block per thread.
 */
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/admit.h"
#include "engine/internal.h"
#include "base/error.h"
#include "engine/trim.h"
#include "base/interrupt.h"
#include "base/test_hook.h"

/*
 * A thread waits for memory before its image (admit.h); after Ctrl-C it
 * leaves the image unstarted. The caller's callback is told of one result at
 * a time, as batch.h promises.
 */
static void run_one(struct run *r, struct admit *a, long i)
{
	struct batch *b = r->b;
	uint32_t t = r->order[i];
	int me = omp_get_thread_num();

	admit_wait(a, me, b->tasks[t].cost, NULL);
	if (interrupted()) {
		admit_release(a, me);
		return;
	}
	test_hook_stall(b->tasks[t].rel);
	work_run(b->job, &b->tasks[t], &b->results[t], NULL);
	admit_release(a, me);
	b->results[t].worker = (int16_t)omp_get_thread_num();
	/* Threads share one heap: its peak is the process's, and nobody trims it under the others. */
	b->results[t].peak_rss_kb = heap_peak_kb();
#pragma omp critical(finished)
	run_finished(r, &b->results[t]);
}

int engine_openmp(struct run *r)
{
	const struct job *job = r->b->job;
	long n = (long)r->b->ntasks;
	int pin = job->pin;
	cpu_set_t saved;
	struct admit admit;
	int team = job->workers;
	atomic_uint_fast64_t *charges = calloc((size_t)job->workers, sizeof(*charges));

	if (!charges)
		return error("out of memory for %d threads", job->workers);
	admit_init(&admit, charges, job->workers, job->mem_limit);
	if (job->schedule == SCHEDULE_STATIC)
		omp_set_schedule(omp_sched_static, 0);
	else
		omp_set_schedule(omp_sched_dynamic, 1);
	/* The main thread is thread 0: it gets its own mask back afterwards. */
	if (pin)
		sched_getaffinity(0, sizeof(saved), &saved);
#pragma omp parallel num_threads(job->workers)
	{
		if (omp_get_thread_num() == 0)
			team = omp_get_num_threads();
		if (pin)
			cpus_pin(&r->cpus, omp_get_thread_num());
		/*
		 * OpenMP cannot leave a loop early: once Ctrl-C is seen, the
		 * remaining iterations are handed out but do nothing, and
		 * engine_run records them as skipped.
		 */
#pragma omp for schedule(runtime)
		for (long i = 0; i < n; i++)
			if (!interrupted())
				run_one(r, &admit, i);
	}
	if (pin)
		sched_setaffinity(0, sizeof(saved), &saved);
	free(charges);
	/* OMP_THREAD_LIMIT or OMP_DYNAMIC may give fewer threads than asked: say so, not "N workers". */
	if (team < job->workers) {
		char msg[128];

		snprintf(msg, sizeof(msg), "OpenMP ran %d thread%s of the %d asked "
			 "(OMP_THREAD_LIMIT or OMP_DYNAMIC?)", team, team == 1 ? "" : "s", job->workers);
		run_warning(r, msg);
	}
	return 0;
}

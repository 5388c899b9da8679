/* The serial engine: one loop, the baseline every speedup is measured against. */
#include "engine/internal.h"
#include "engine/trim.h"
#include "base/interrupt.h"
#include "base/test_hook.h"

int engine_serial(struct run *r)
{
	struct batch *b = r->b;
	struct heap heap = { 0 };

	if (b->job->pin)
		cpus_pin(&r->cpus, 0);
	for (size_t i = 0; i < b->ntasks && !interrupted(); i++) {
		struct result *res = &b->results[r->order[i]];

		test_hook_stall(b->tasks[r->order[i]].rel);
		work_run(b->job, &b->tasks[r->order[i]], res, NULL);
		res->worker = 0;
		heap_after_image(&heap, res);
		run_finished(r, res);
	}
	return 0;
}

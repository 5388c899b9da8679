/* The serial engine: one loop, the baseline every speedup is measured against. */
#include "engine.h"
#include "report.h"

int engine_serial(struct batch *b)
{
	if (b->job->pin)
		engine_pin(b, 0);
	for (size_t i = 0; i < b->ntasks && !engine_interrupted; i++) {
		uint32_t t = b->order[i];

		work_run(b->job, &b->tasks[t], &b->results[t]);
		b->results[t].worker = 0;
		report_result(b, &b->results[t]);
	}
	return 0;
}

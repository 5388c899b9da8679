/* What every engine shares: the plan (the order tasks are handed out), and Ctrl-C. */
#include "engine.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

volatile sig_atomic_t engine_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	engine_interrupted = 1;
}

/*
 * The first Ctrl-C lets the images in flight finish and hands out no more;
 * SA_RESETHAND makes a second one kill pixpool at once.
 */
void engine_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static const struct task *lpt_tasks;

/* Largest file first; ties in walk order, so the plan is deterministic. */
static int larger_first(const void *a, const void *b)
{
	const struct task *x = &lpt_tasks[*(const uint32_t *)a];
	const struct task *y = &lpt_tasks[*(const uint32_t *)b];

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Dynamic and static hand tasks out in walk order; lpt (longest processing
 * time first) hands out the largest files first, so that no big image is
 * left to start last while the other workers sit idle.
 */
static void plan(struct batch *b)
{
	for (size_t i = 0; i < b->ntasks; i++)
		b->order[i] = (uint32_t)i;
	if (b->job->schedule == SCHEDULE_LPT) {
		lpt_tasks = b->tasks;
		qsort(b->order, b->ntasks, sizeof(*b->order), larger_first);
	}
}

/*
 * The allowed set is read once, before any worker or thread exists: a worker
 * that pinned itself would otherwise see only its own CPU.
 */
static int allowed_cpus(struct batch *b)
{
	cpu_set_t set;

	b->ncpus = 0;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return error("sched_getaffinity: %s", strerror(errno));
	b->cpus = malloc((size_t)CPU_COUNT(&set) * sizeof(*b->cpus));
	if (!b->cpus)
		return error("out of memory");
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			b->cpus[b->ncpus++] = cpu;
	return 0;
}

int engine_pin(const struct batch *b, int i)
{
	cpu_set_t set;

	if (b->ncpus <= 0)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(b->cpus[i % b->ncpus], &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return error("cannot pin to CPU %d: %s", b->cpus[i % b->ncpus], strerror(errno));
	return 0;
}

/* Images that never started because of Ctrl-C. */
static void mark_skipped(struct batch *b)
{
	for (size_t i = 0; i < b->ntasks; i++) {
		if (b->results[i].status == STATUS_PENDING) {
			b->results[i].task = (uint32_t)i;
			b->results[i].status = STATUS_SKIPPED;
			b->results[i].worker = -1;
		}
	}
}

int engine_run(struct batch *b)
{
	int ret;

	b->order = malloc((b->ntasks ? b->ntasks : 1) * sizeof(*b->order));
	if (!b->order)
		return -1;
	plan(b);
	memset(b->results, 0, b->ntasks * sizeof(*b->results));
	if (b->job->pin && allowed_cpus(b) < 0) {
		free(b->order);
		b->order = NULL;
		return -1;
	}
	switch (b->job->backend) {
	case BACKEND_SERIAL: ret = engine_serial(b); break;
	case BACKEND_OPENMP: ret = engine_openmp(b); break;
	default: ret = engine_process(b); break;
	}
	mark_skipped(b);
	free(b->order);
	free(b->cpus);
	b->order = NULL;
	b->cpus = NULL;
	return ret;
}

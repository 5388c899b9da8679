/*
 * The shared-memory channel. One mmap(MAP_SHARED | MAP_ANONYMOUS) region,
 * made before the first fork so every worker inherits it, holds:
 *
 *	the queues	claim counters: a worker takes its next task with one
 *			fetch-and-add, with no round trip through the parent
 *			(one counter for dynamic and lpt, one per block for static);
 *	the slots	per worker, the index it holds and since when, so the
 *			parent knows which image a dead worker held;
 *	the charges	per worker, the memory its image holds (admit.h): a
 *			worker that claimed an image too large to fit beside
 *			the others' waits until they give enough back;
 *	the results	one record per task, written by the worker that ran it.
 *
 * The parent learns of progress from a pipe up from each worker, on which the
 * worker writes the 4-byte id of every task it finished (atomic, being
 * smaller than PIPE_BUF). We chose a pipe over a process-shared semaphore
 * because poll() on the same pipe also reports end of file when the worker
 * dies, and that is exactly what the pool waits for: one wait for progress
 * and deaths, no busy-waiting, and the id says which record just landed.
 *
 * Claim and publish. A worker is SIGKILLed at any instruction, so it may
 * die between the fetch-and-add that claims index i and the store that
 * writes i into its slot. The worker therefore first stores CLAIMING in its
 * slot, then claims, then stores i:
 *
 *	slot = CLAIMING;  i = fetch_add(next);  slot = i;  run i;
 *	results[task] = record;  slot = NO_TASK;  write(pipe, task id)
 *
 * The stores are sequentially consistent, so when the parent has reaped a
 * worker its slot tells what happened: an index i means it died on image i
 * (crashed); NO_TASK means it held nothing, its last record is complete in
 * results[] even if its id never came up the pipe; CLAIMING means it may or
 * may not have taken one index that it never started. Such an index lies
 * below its queue's counter yet has no record and no live holder; once the
 * last worker has left, shm_close() sweeps the claimed range of every queue
 * and records those as crashed, together with records whose id was lost.
 * So no task is lost, and since a task is claimed once by fetch-and-add and
 * never handed out again, none runs twice. (Such an index is reported with
 * how the last worker caught CLAIMING died; with several, the signal named
 * may be another's. A worker killed after writing its record but before
 * clearing its slot still counts as crashed on that image, though its
 * output may have landed: complete, as every output is.)
 */
#include "engine/process.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/error.h"

/*
 * The counters and slots live in memory shared between processes, where an
 * atomic that needed a lock would be guarded by a lock of one process only.
 */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2 &&
	       ATOMIC_LLONG_LOCK_FREE == 2, "the shm channel needs lock-free atomics");

/* On a cache line of its own, so a worker's stores do not slow its neighbours. */
struct slot {
	_Alignas(64) atomic_int_fast64_t current;
	atomic_uint_fast64_t started;
};

struct shm {
	void *base;
	size_t size;
	atomic_int *stop;	/* Ctrl-C: claim no more */
	struct slot *slots;
	struct result *results;
};

static size_t round_up(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

static int shm_open_region(struct pool *p)
{
	struct shm *s = calloc(1, sizeof(*s));
	size_t q = round_up((size_t)p->nqueues * sizeof(struct queue));
	size_t w = round_up((size_t)p->nworkers * sizeof(struct slot));
	size_t c = round_up((size_t)p->nworkers * sizeof(atomic_uint_fast64_t));
	size_t r = round_up(p->r->b->ntasks * sizeof(struct result));
	char *base;

	if (!s)
		return error("out of memory");
	s->size = 64 + q + w + c + r;
	base = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		int e = errno;
		size_t size = s->size;

		free(s);
		return error("cannot map %zu bytes of shared memory: %s", size, strerror(e));
	}
	s->base = base;
	s->stop = (atomic_int *)base;
	atomic_init(s->stop, 0);
	p->queues = (struct queue *)(base + 64);
	s->slots = (struct slot *)(base + 64 + q);
	admit_init(&p->admit, (atomic_uint_fast64_t *)(base + 64 + q + w), p->nworkers,
		   p->r->b->job->mem_limit);
	s->results = (struct result *)(base + 64 + q + w + c);
	for (int i = 0; i < p->nworkers; i++) {
		atomic_init(&s->slots[i].current, NO_TASK);
		atomic_init(&s->slots[i].started, 0);
	}
	p->shared = s;
	return 0;
}

static void shm_work(struct pool *p, int slot, int in, int out)
{
	struct shm *s = p->shared;
	struct slot *me = &s->slots[slot];
	struct result res;
	int64_t i;

	(void)in;
	for (;;) {
		atomic_store(&me->current, CLAIMING);
		i = atomic_load(s->stop) ? NO_TASK : queue_claim(queue_of(p, slot));
		if (i == NO_TASK)
			break;
		pool_test_die(p, "claimed", i);
		/* Not started while it waits for memory: --timeout does not count the wait. */
		atomic_store(&me->started, 0);
		atomic_store(&me->current, i);
		if (!admit_wait(&p->admit, slot, pool_cost(p, i), s->stop))
			break;
		atomic_store(&me->started, clock_ns());
		pool_work(p, slot, i, &res);
		admit_release(&p->admit, slot);
		s->results[res.task] = res;
		atomic_store(&me->current, NO_TASK);
		pool_test_die(p, "unsent", i);
		if (write(out, &res.task, sizeof(res.task)) != (ssize_t)sizeof(res.task))
			break;
	}
	atomic_store(&me->current, NO_TASK);
}

static void shm_prepare(struct pool *p, int slot)
{
	struct shm *s = p->shared;

	atomic_store(&s->slots[slot].current, NO_TASK);
}

static int shm_collect(struct pool *p, int slot)
{
	struct shm *s = p->shared;
	uint32_t id;

	if (read_full(p->workers[slot].fd, &id, sizeof(id)) < 0)
		return -1;
	if (id < p->r->b->ntasks)
		pool_record(p, &s->results[id]);
	return 0;
}

static int64_t shm_held(struct pool *p, int slot, uint64_t *since)
{
	struct shm *s = p->shared;
	int64_t i = atomic_load(&s->slots[slot].current);

	*since = atomic_load(&s->slots[slot].started);
	return i;
}

static void shm_stop(struct pool *p)
{
	struct shm *s = p->shared;

	atomic_store(s->stop, 1);
}

/* Records what only the shared memory knows: see the comment at the top. */
static void sweep(struct pool *p, struct queue *q)
{
	struct shm *s = p->shared;
	size_t end = atomic_load(&q->next);

	if (end > q->end)
		end = q->end;
	for (size_t i = q->start; i < end; i++) {
		uint32_t t = p->r->order[i];
		struct result res;

		if (p->r->b->results[t].status != STATUS_PENDING)
			continue;
		if (s->results[t].status != STATUS_PENDING) {
			pool_record(p, &s->results[t]);
			continue;
		}
		/*
		 * After a stop, a worker waiting for memory leaves its claim
		 * unstarted: skipped, like every image never started.
		 */
		if (p->claim_slot < 0)
			continue;
		pool_death_result(p, (int64_t)i, p->claim_wstatus,
				  p->stop_deadline ? KILL_STOP : KILL_NONE, &res);
		res.worker = (int16_t)p->claim_slot;
		pool_record(p, &res);
	}
}

static void shm_close(struct pool *p)
{
	struct shm *s = p->shared;

	for (int q = 0; q < p->nqueues; q++)
		sweep(p, &p->queues[q]);
	munmap(s->base, s->size);
	free(s);
	p->queues = NULL;
	p->shared = NULL;
}

const struct channel channel_shm = {
	.pipe_down = 0,
	.open = shm_open_region,
	.work = shm_work,
	.prepare = shm_prepare,
	.collect = shm_collect,
	.held = shm_held,
	.stop = shm_stop,
	.close = shm_close,
};

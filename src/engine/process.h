#ifndef PIXPOOL_ENGINE_PROCESS_H
#define PIXPOOL_ENGINE_PROCESS_H

/*
 * The process engine's private header: its pool, as its channels see it.
 * engine_process.c owns the
 * pool: the worker table, the one fork wrapper, the one reaper, respawning,
 * --timeout and Ctrl-C. A channel owns only how task claims and result
 * records travel between the parent and its workers:
 *
 *	pipe  the parent claims each task and sends its id down a pipe; the
 *	      worker sends the whole result record back up (channel_pipe.c).
 *	shm   workers claim tasks themselves from counters in shared memory
 *	      and write results straight into a shared array; the pipe up only
 *	      carries the id of each finished task (channel_shm.c).
 *
 * Either way every worker has a pipe up to the parent, which the parent
 * poll()s: end of file on it is how the parent learns that a worker died.
 *
 * The pool calls a channel in this order:
 *
 *	open()				before the first fork
 *	prepare()			in the parent, before each fork
 *	work()				in each child
 *	collect()			when a worker's pipe up is readable
 *	held()				to time a worker, and when it died
 *	stop()				on Ctrl-C
 *	close()				after the last worker left
 */

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/admit.h"
#include "engine/internal.h"
#include "engine/trim.h"

/* How a worker that could not set itself up exits: it is not started again. */
#define EXIT_SETUP 3

/* What held() says when a worker holds no task. */
#define NO_TASK (-1)
/*
 * What held() says of a shm worker caught between taking a task from the
 * counter and writing down which one: see channel_shm.c.
 */
#define CLAIMING (-2)

/*
 * A run of order[] that workers take from, one index at a time, with
 * fetch-and-add: one queue for dynamic and lpt, one block per worker for
 * static. next may run past end; what lies there is nobody's.
 */
struct queue {
	atomic_size_t next;
	size_t start, end;
};

/* Why the parent killed a worker. */
enum kill {
	KILL_NONE = 0,
	KILL_TIMEOUT,		/* its image ran past --timeout */
	KILL_STOP,		/* still busy when the run was stopped (Ctrl-C, SIGTERM) */
};

struct worker {
	pid_t pid;		/* 0: not running */
	int fd;			/* parent's end of the pipe up */
	int task_fd;		/* parent's end of the pipe down (pipe channel), or -1 */
	enum kill killed;	/* why the parent killed it, if it did */
	/* The pipe channel's record of what it handed this worker. */
	int64_t current;	/* index in order[], or NO_TASK */
	int parked;		/* waits for memory (admit.h) before its next task */
	uint64_t started;	/* clock_ns() when it got it */
};

struct pool {
	struct run *r;		/* the batch, the plan, the CPUs */
	const struct channel *channel;
	struct worker *workers;
	int nworkers;
	struct queue *queues;	/* where the channel keeps them */
	int nqueues;
	void *shared;		/* the channel's own state */
	/*
	 * clock_ns() by which the workers still busy after Ctrl-C or SIGTERM
	 * are killed; 0 while the run goes on.
	 */
	uint64_t stop_deadline;
	/* The last worker that died CLAIMING (see channel_shm.c), and how. */
	int claim_slot;		/* -1: none did */
	int claim_wstatus;
	int sandbox;		/* workers confine themselves (sandbox.h) */
	struct admit admit;	/* the channel keeps the charges where its workers see them */
	struct heap heap;	/* in a worker: its memory across images */
};

struct channel {
	/* Needs a pipe down to each worker (task ids). */
	int pipe_down;
	/* Sets p->queues (p->nqueues entries) and whatever else it shares. */
	int (*open)(struct pool *p);
	/* The worker's loop: in is the pipe down (or -1), out the pipe up. */
	void (*work)(struct pool *p, int slot, int in, int out);
	/* Readies the slot for a new worker (w->fd and w->task_fd are set). */
	void (*prepare)(struct pool *p, int slot);
	/* Records what came up the pipe; -1 at end of file (the worker left). */
	int (*collect)(struct pool *p, int slot);
	/* The index in order[] the worker holds (NO_TASK, CLAIMING), and since when. */
	int64_t (*held)(struct pool *p, int slot, uint64_t *since);
	void (*stop)(struct pool *p);
	/* Told that a dead worker's memory was given back: a parked worker may fit now. */
	void (*freed)(struct pool *p);
	/* Called once every worker has left and been reaped. */
	void (*close)(struct pool *p);
};

extern const struct channel channel_pipe;
extern const struct channel channel_shm;

/* Takes the next index of queue q, or NO_TASK when it is empty. */
int64_t queue_claim(struct queue *q);

/* The queue worker slot takes from. */
struct queue *queue_of(struct pool *p, int slot);

/* The next index of queue q without taking it, or NO_TASK when it is empty. */
int64_t queue_peek(struct queue *q);

/* The memory the task at index i of order[] is expected to need. */
uint64_t pool_cost(const struct pool *p, int64_t i);

/* Whether q still has tasks to hand out. */
int queue_left(struct queue *q);

/*
 * Runs the task at index i of order[] in a worker: the test hook, then
 * work_run. Fills *res, with the worker's slot.
 */
void pool_work(struct pool *p, int slot, int64_t i, struct result *res);

/*
 * Fills *res for the image at index i of order[] whose worker died
 * (wstatus) or was killed by the parent (killed).
 */
void pool_death_result(struct pool *p, int64_t i, int wstatus, enum kill killed,
		       struct result *res);

/*
 * The test hook PIXPOOL_TEST_DIE=WHEN:TEXT (test_hook.h) for the task at
 * index i of order[]: matched against its relative path.
 */
void pool_test_die(const struct pool *p, const char *when, int64_t i);

/* Stores a result that came back and tells the caller, unless one is there already. */
void pool_record(struct pool *p, const struct result *res);

/* Sets up a freshly forked worker: signals, single thread, --pin. */
void pool_worker_init(struct pool *p, int slot);

/* Reads exactly len bytes, through EINTR; -1 at end of file or on an error. */
int read_full(int fd, void *buf, size_t len);

#endif

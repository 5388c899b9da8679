#ifndef PIXPOOL_ENGINE_PROCESS_H
#define PIXPOOL_ENGINE_PROCESS_H

/*
 * The process engine's private header: its pool, as its channels see it.
 * process.c owns the pool: the worker table, the one fork wrapper, the one
 * reaper, respawning, --timeout and Ctrl-C. order.c hands each task out
 * with its files and takes its record back; record.c checks that record.
 *
 * A worker is assumed compromised once it has read a file's bytes, so it
 * opens nothing and decides nothing for anyone else: the parent claims every
 * task, opens its input and creates its temporary output (work.h), and sends
 * the index and both descriptors down the worker's socket (one
 * SOCK_SEQPACKET socketpair per worker, SCM_RIGHTS). The worker sends its
 * record back; the parent checks it as hostile input, then renames the
 * output into place or removes it. A channel owns only how that record
 * travels:
 *
 *	pipe  the whole record comes up the socket, in one message (pipe.c).
 *	shm   the worker stores it in its own page of shared memory, which
 *	      no other worker maps, and sends only the task id (shm.c).
 *
 * Either way the parent poll()s each worker's socket: end of file on it is
 * how the parent learns that a worker died.
 *
 * The pool calls a channel in this order:
 *
 *	open()				before the first fork
 *	child()				in each new worker, before it is confined
 *	hand()				in the parent, before each task goes out
 *	send()				in the worker, once per task
 *	collect()			when a worker's record came up its socket
 *	left()				after a worker died holding a task
 *	close()				after the last worker left
 */

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/admit.h"
#include "engine/internal.h"
#include "engine/trim.h"
#include "work.h"

/* How a worker that could not set itself up exits: it is not started again. */
#define EXIT_SETUP 3

/* What a worker holds when it holds no task. */
#define NO_TASK (-1)

/*
 * A run of order[] that the parent takes from, one index at a time: one
 * queue for dynamic and lpt, one block per worker for static. next may run
 * past end; what lies there is nobody's.
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

/*
 * The messages of a task's hand-out. The parent sends ORDER_TASK; the
 * worker answers ORDER_OPEN when it is about to read (so an input changed
 * meanwhile is seen as it is then, and the tests' "opening" hooks stop the
 * worker itself); the parent opens the files and sends ORDER_FILES with
 * their descriptors, or with none when they could not be opened (the image
 * is then failed already). The worker's record comes last.
 */
enum order_kind { ORDER_TASK = 1, ORDER_OPEN, ORDER_FILES };

struct order {
	uint32_t kind;		/* enum order_kind */
	uint32_t index;		/* in order[] */
	uint32_t nfds;		/* ORDER_FILES: 0, or 1 (the input) and a temporary file */
				/*   per output (1 + OUTPUTS_MAX at most) */
	uint32_t unused;
	uint64_t size;		/* ORDER_FILES: the input's size when the parent opened it */
};

/* Whatever comes up a worker's socket, read whole. */
union message {
	struct order order;
	struct result result;
	uint32_t id;
};

struct worker {
	pid_t pid;		/* 0: not running */
	int fd;			/* parent's end of its socket */
	enum kill killed;	/* why the parent killed it, if it did */
	int64_t current;	/* the index in order[] it holds, or NO_TASK */
	int opened;		/* the files of current were sent */
	int parked;		/* waits for memory (admit.h) before its next task */
	uint64_t started;	/* clock_ns() when it got it */
	struct work_files files;	/* the current task's, as the parent opened them */
};

struct pool {
	struct run *r;		/* the batch, the plan, the CPUs */
	const struct channel *channel;
	struct worker *workers;
	int nworkers;
	struct queue *queues;
	int nqueues;
	void *shared;		/* the channel's own state */
	/*
	 * clock_ns() by which the workers still busy after Ctrl-C or SIGTERM
	 * are killed; 0 while the run goes on.
	 */
	uint64_t stop_deadline;
	pid_t parent;		/* the parent's pid, for a worker's test hooks */
	int sandbox;		/* workers confine themselves (sandbox.h) */
	struct admit admit;	/* only the parent hands out tasks: the charges are its own */
	struct heap heap;	/* in a worker: its memory across images */
};

struct channel {
	int (*open)(struct pool *p);
	/* In a new worker in slot: lets go of every other worker's share. */
	void (*child)(struct pool *p, int slot);
	/* Readies slot to receive the record of a task about to be handed to it. */
	void (*hand)(struct pool *p, int slot);
	/* In the worker: sends res up its socket fd; -1 when the parent is gone. */
	int (*send)(struct pool *p, int slot, int fd, const struct result *res);
	/*
	 * Makes *res of the message m, len bytes long, that the worker in slot
	 * sent after its files: 1 when it is a record (to be checked: record.c),
	 * 0 when it is none.
	 */
	int (*collect)(struct pool *p, int slot, const union message *m, size_t len,
		       struct result *res);
	/* After the worker in slot died: 1 when it left a record in *res. */
	int (*left)(struct pool *p, int slot, struct result *res);
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

/* The task at index i of order[]. */
const struct task *pool_task(const struct pool *p, int64_t i);

/*
 * In a worker: runs the task at index i of order[] on the files the parent
 * sent: the test hooks, then work_process. Fills *res, with the worker's slot.
 */
void pool_work(struct pool *p, int slot, int64_t i, const struct work_files *f,
	       struct result *res);

/*
 * The test hook PIXPOOL_TEST_DIE=WHEN:TEXT (test_hook.h) for the task at
 * index i of order[]: matched against its relative path.
 */
void pool_test_die(const struct pool *p, const char *when, int64_t i);

/*
 * Fills *res for the image at index i of order[] whose worker died
 * (wstatus) or was killed by the parent (killed).
 */
void pool_death_result(struct pool *p, int64_t i, int wstatus, enum kill killed,
		       struct result *res);

/* Stores a result and tells the caller, unless one is there already. */
void pool_record(struct pool *p, const struct result *res);

/*
 * order.c. In the parent: hands the worker in slot its next task with its
 * files, parks it when that does not fit in memory, or tells it to leave
 * when none is left (or the run was stopped).
 */
void order_next(struct pool *p, int slot);

/* In the parent: the parked workers try again, in slot order. */
void order_unpark(struct pool *p);

/*
 * In the parent: the worker in slot sent m, len bytes long: its request for
 * its files, answered, or its record, taken (order_done) before the worker
 * gets its next task. A message that is neither costs the worker its task.
 */
void order_message(struct pool *p, int slot, const union message *m, size_t len);

/*
 * In the parent: res came from the worker in slot, or (dead) was left by
 * it, for the task it holds: checked, its output renamed into place or
 * removed, recorded. The worker then holds nothing.
 */
void order_done(struct pool *p, int slot, struct result *res);

/*
 * In the parent: the worker in slot died (wstatus) holding a task and left
 * no record: the image is recorded crashed (or timed out, or skipped), and
 * its temporary output removed.
 */
void order_lost(struct pool *p, int slot, int wstatus);

/*
 * record.c, in the parent: checks res, which came from the worker in slot
 * for the task it holds, as hostile input. Returns 0 when it may be
 * believed (res->worker and res->signal are set by the parent), or -1 with
 * res made a failed record of that task that says what was wrong.
 */
int record_check(const struct pool *p, int slot, struct result *res);

/* In a worker: takes orders from fd and runs them until the parent says stop. */
void order_work(struct pool *p, int slot, int fd);

/* Sets up a freshly forked worker: signals, single thread, --pin, limits, sandbox. */
void pool_worker_init(struct pool *p, int slot);

#endif

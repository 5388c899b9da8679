/*
 * The process engine: a pool of long-lived forked workers, each
 * single-threaded, each running work_run on one image at a time.
 *
 * The parent keeps a table of its workers. Each worker has two pipes: task
 * ids go down one, fixed-size result records come back up the other. The
 * parent poll()s the result pipes; a worker asks for its next image simply by
 * sending the result of the last one. When a result pipe reaches end of file
 * the worker has died: the parent reaps it, records the image it held as
 * crashed (or timed out), removes its half-written temporary file, and starts
 * a new worker in the same slot.
 */
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "report.h"

#define NO_TASK (-1)

struct worker {
	pid_t pid;		/* 0: not running */
	int task_fd;		/* parent's end: task ids go down */
	int result_fd;		/* parent's end: results come up */
	int64_t current;	/* index in order[] of the image it holds, or NO_TASK */
	uint64_t started;	/* when it got that image (clock_ns) */
	int timed_out;		/* the parent killed it for --timeout */
};

struct pool {
	struct batch *b;
	struct worker *workers;
	int nworkers;
	/*
	 * Where each worker takes its next task in order[]: dynamic and lpt
	 * share one queue; static gives worker i the i-th contiguous block.
	 */
	size_t *next;
	size_t *end;
	int nqueues;
};

static size_t *queue_next(struct pool *p, int slot)
{
	return &p->next[p->nqueues == 1 ? 0 : slot];
}

static size_t queue_end(struct pool *p, int slot)
{
	return p->end[p->nqueues == 1 ? 0 : slot];
}

/*
 * A hook for the tests: a worker that gets an image whose relative path
 * contains $PIXPOOL_TEST_STALL renames itself "pixpool-stall" (so a test can
 * find it with pgrep) and sleeps until it is killed.
 */
static void test_stall(const struct task *task)
{
	const char *stall = getenv("PIXPOOL_TEST_STALL");

	if (!stall || !*stall || !strstr(task->rel, stall))
		return;
	prctl(PR_SET_NAME, "pixpool-stall", 0, 0, 0);
	for (;;)
		pause();
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/*
 * The worker's life: read a task id, run it, send the result, until the
 * parent closes the task pipe. Ctrl-C goes to the whole process group, but
 * only the parent decides what stops: a worker ignores it and finishes its
 * image, so no output is left half-written. SIGPIPE is ignored so that a
 * worker whose parent died gets a write error and leaves.
 */
static void worker_main(const struct batch *b, int slot, int task_fd, int result_fd)
{
	uint32_t id;
	struct result res;

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* Workers are single-threaded: the pool is the parallelism. */
	omp_set_num_threads(1);
	while (read_full(task_fd, &id, sizeof(id)) == 0 && id < b->ntasks) {
		test_stall(&b->tasks[id]);
		work_run(b->job, &b->tasks[id], &res);
		res.worker = (int16_t)slot;
		if (write(result_fd, &res, sizeof(res)) != (ssize_t)sizeof(res))
			break;
	}
	_exit(0);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * The one fork wrapper. Both pipes are made before fork(); the child closes
 * every parent end it inherited, its siblings' included, so that each pipe
 * has exactly one reader and one writer and end of file means what it says.
 */
static int worker_start(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	int down[2], up[2];
	pid_t pid;

	if (pipe2(down, O_CLOEXEC) < 0)
		return error("cannot create a pipe: %s", strerror(errno));
	if (pipe2(up, O_CLOEXEC) < 0) {
		close(down[0]);
		close(down[1]);
		return error("cannot create a pipe: %s", strerror(errno));
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(down[0]); close(down[1]); close(up[0]); close(up[1]);
		return error("cannot start a worker: %s", strerror(e));
	}
	if (pid == 0) {
		for (int i = 0; i < p->nworkers; i++) {
			close_fd(&p->workers[i].task_fd);
			close_fd(&p->workers[i].result_fd);
		}
		close(down[1]);
		close(up[0]);
		worker_main(p->b, slot, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	w->pid = pid;
	w->task_fd = down[1];
	w->result_fd = up[0];
	w->current = NO_TASK;
	w->timed_out = 0;
	return 0;
}

/* Hands the worker its next task; closes its task pipe (so it leaves) when there is none. */
static void dispatch(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	size_t *next = queue_next(p, slot);
	uint32_t id;

	if (engine_interrupted || *next >= queue_end(p, slot)) {
		close_fd(&w->task_fd);
		return;
	}
	w->current = (int64_t)*next;
	w->started = clock_ns();
	id = p->b->order[(*next)++];
	if (write(w->task_fd, &id, sizeof(id)) != (ssize_t)sizeof(id))
		close_fd(&w->task_fd);	/* it died: poll() will see its result pipe close */
}

static void record(struct pool *p, const struct result *res)
{
	struct batch *b = p->b;

	if (res->task >= b->ntasks || b->results[res->task].status != STATUS_PENDING)
		return;
	b->results[res->task] = *res;
	report_result(b, &b->results[res->task]);
}

/* Records the image a dead worker held, and removes the file it was writing. */
static void record_death(struct pool *p, int slot, int wstatus)
{
	struct worker *w = &p->workers[slot];
	const struct task *t = &p->b->tasks[p->b->order[w->current]];
	struct result res;
	char tmp[4096];

	memset(&res, 0, sizeof(res));
	res.task = t->id;
	res.worker = (int16_t)slot;
	res.cpu = -1;
	res.total_ns = clock_ns() - w->started;
	if (w->timed_out) {
		res.status = STATUS_TIMEOUT;
		res.signal = SIGKILL;
		snprintf(res.error, sizeof(res.error), "%s: worker killed after %g s (--timeout)",
			 t->path, p->b->job->timeout);
	} else {
		res.status = STATUS_CRASHED;
		res.signal = WIFSIGNALED(wstatus) ? (int8_t)WTERMSIG(wstatus) : 0;
		if (WIFSIGNALED(wstatus))
			snprintf(res.error, sizeof(res.error), "%s: worker killed by SIG%s",
				 t->path, sigabbrev_np(WTERMSIG(wstatus)) ? sigabbrev_np(WTERMSIG(wstatus)) : "?");
		else
			snprintf(res.error, sizeof(res.error), "%s: worker exited with status %d",
				 t->path, WEXITSTATUS(wstatus));
	}
	if (t->out && work_temp_path(t->out, w->pid, tmp, sizeof(tmp)) == 0)
		unlink(tmp);
	record(p, &res);
}

/* The one reaper: called when a worker's result pipe closes. */
static void worker_reap(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	int wstatus = 0;

	while (waitpid(w->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	close_fd(&w->result_fd);
	close_fd(&w->task_fd);
	if (w->current != NO_TASK) {
		record_death(p, slot, wstatus);
		w->current = NO_TASK;
		if (!engine_interrupted && *queue_next(p, slot) < queue_end(p, slot)) {
			p->b->respawns++;
			if (worker_start(p, slot) == 0)
				dispatch(p, slot);
			else
				fprintf(stderr, "pixpool: %s\n", error_message());
		}
	}
	if (w->result_fd < 0)
		w->pid = 0;
}

static void worker_read(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	struct result res;

	if (read_full(w->result_fd, &res, sizeof(res)) < 0) {
		worker_reap(p, slot);
		return;
	}
	w->current = NO_TASK;
	record(p, &res);
	dispatch(p, slot);
}

/* Milliseconds poll() may sleep: until the next --timeout expires, or for ever. */
static int poll_timeout(struct pool *p)
{
	uint64_t now = clock_ns(), limit = (uint64_t)(p->b->job->timeout * 1e9), soonest = UINT64_MAX;

	if (!limit)
		return -1;
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];

		if (w->pid && w->current != NO_TASK && !w->timed_out) {
			uint64_t due = w->started + limit;

			if (due <= now) {
				w->timed_out = 1;
				kill(w->pid, SIGKILL);
			} else if (due - now < soonest) {
				soonest = due - now;
			}
		}
	}
	return soonest == UINT64_MAX ? -1 : (int)(soonest / 1000000 + 1);
}

/* On Ctrl-C: idle workers are told to leave; busy ones leave after their image. */
static void stop_handing_out(struct pool *p)
{
	for (int i = 0; i < p->nworkers; i++)
		if (p->workers[i].current == NO_TASK)
			close_fd(&p->workers[i].task_fd);
}

static int loop(struct pool *p)
{
	struct pollfd *fds = calloc((size_t)p->nworkers, sizeof(*fds));
	int *slot = calloc((size_t)p->nworkers, sizeof(*slot));
	int stopped = 0, ret = 0;

	if (!fds || !slot) {
		ret = error("out of memory");
		goto out;
	}
	for (;;) {
		int n = 0;

		if (engine_interrupted && !stopped) {
			stop_handing_out(p);
			stopped = 1;
		}
		for (int i = 0; i < p->nworkers; i++) {
			if (p->workers[i].result_fd >= 0) {
				fds[n] = (struct pollfd){ .fd = p->workers[i].result_fd, .events = POLLIN };
				slot[n++] = i;
			}
		}
		if (n == 0)
			break;
		if (poll(fds, (nfds_t)n, poll_timeout(p)) < 0 && errno != EINTR) {
			ret = error("poll: %s", strerror(errno));
			goto out;
		}
		for (int k = 0; k < n; k++)
			if (fds[k].revents)
				worker_read(p, slot[k]);
	}
out:
	free(fds);
	free(slot);
	return ret;
}

/* Splits order[] into queues: one shared queue, or (static) one block per worker. */
static int make_queues(struct pool *p)
{
	size_t n = p->b->ntasks;

	p->nqueues = p->b->job->schedule == SCHEDULE_STATIC ? p->nworkers : 1;
	p->next = calloc((size_t)p->nqueues, sizeof(*p->next));
	p->end = calloc((size_t)p->nqueues, sizeof(*p->end));
	if (!p->next || !p->end)
		return error("out of memory");
	for (int q = 0; q < p->nqueues; q++) {
		p->next[q] = n * (size_t)q / (size_t)p->nqueues;
		p->end[q] = n * (size_t)(q + 1) / (size_t)p->nqueues;
	}
	return 0;
}

int engine_process(struct batch *b)
{
	struct pool p = { .b = b };
	int started = 0, ret = 0;

	p.nworkers = b->job->workers;
	if ((size_t)p.nworkers > b->ntasks)
		p.nworkers = b->ntasks ? (int)b->ntasks : 1;
	p.workers = calloc((size_t)p.nworkers, sizeof(*p.workers));
	if (!p.workers || make_queues(&p) < 0) {
		ret = error("out of memory");
		goto out;
	}
	for (int i = 0; i < p.nworkers; i++)
		p.workers[i].task_fd = p.workers[i].result_fd = -1;
	for (int i = 0; i < p.nworkers; i++) {
		if (worker_start(&p, i) < 0)
			fprintf(stderr, "pixpool: %s\n", error_message());
		else
			started++;
	}
	if (!started) {
		ret = error("no worker could be started");
		goto out;
	}
	for (int i = 0; i < p.nworkers; i++)
		if (p.workers[i].pid)
			dispatch(&p, i);
	ret = loop(&p);
out:
	free(p.workers);
	free(p.next);
	free(p.end);
	return ret;
}

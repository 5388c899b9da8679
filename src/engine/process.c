/*
 * The process engine: a pool of long-lived forked workers, each
 * single-threaded, each running work_run on one image at a time.
 *
 * The parent keeps a table of its workers. Each worker has a pipe up to the
 * parent, which the parent poll()s; how tasks are claimed and how results
 * travel is the channel's business (engine_process.h). When a pipe up reaches end
 * of file the worker has left: the parent reaps it, records the image it
 * held as crashed (or timed out), removes its half-written temporary file,
 * and starts a new worker in the same slot while tasks remain.
 *
 * Workers are single-threaded while every worker has an image: the pool is
 * the parallelism, and a filter that used OpenMP inside a worker would only
 * fight its siblings for the same cores. pool_worker_init() sets OpenMP to
 * one thread in every worker. Once the queue runs dry, though, a worker
 * that leaves lends its core to those still busy (spare.h): their filters
 * split their rows over that many more threads.
 */
#include "engine/process.h"

#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/escape.h"
#include "engine/trim.h"
#include "base/interrupt.h"
#include "job/cost.h"
#include "engine/sandbox.h"
#include "engine/spare.h"
#include "base/test_hook.h"

int64_t queue_claim(struct queue *q)
{
	size_t i = atomic_fetch_add(&q->next, 1);

	return i < q->end ? (int64_t)i : NO_TASK;
}

struct queue *queue_of(struct pool *p, int slot)
{
	return &p->queues[p->nqueues == 1 ? 0 : slot];
}

int64_t queue_peek(struct queue *q)
{
	size_t i = atomic_load(&q->next);

	return i < q->end ? (int64_t)i : NO_TASK;
}

uint64_t pool_cost(const struct pool *p, int64_t i)
{
	return p->r->b->tasks[p->r->order[i]].cost;
}

int queue_left(struct queue *q)
{
	return atomic_load(&q->next) < q->end;
}

int read_full(int fd, void *buf, size_t len)
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

void pool_test_die(const struct pool *p, const char *when, int64_t i)
{
	test_hook_die(when, p->r->b->tasks[p->r->order[i]].rel);
}

void pool_work(struct pool *p, int slot, int64_t i, struct result *res)
{
	const struct task *t = &p->r->b->tasks[p->r->order[i]];

	test_hook_forbidden(t->rel);
	test_hook_stall(t->rel);
	work_run(p->r->b->job, t, res, &spare_lender);
	res->worker = (int16_t)slot;
	heap_after_image(&p->heap, res);
}

/*
 * AddressSanitizer and ThreadSanitizer reserve terabytes of shadow memory,
 * which a data limit would refuse them.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

/* Room for the program itself beside its images: code, stacks, stb's tables. */
#define WORKER_SLACK (256ull << 20)

/*
 * A runaway decode must cost one worker, not the machine. Each worker may
 * hold the whole --mem-limit, or one image at the pixel limit when that is
 * more, and a little for the program: past that, an allocation fails and the
 * image with it ("out of memory"), while the other workers go on.
 */
static void limit_memory(const struct job *job)
{
	uint64_t one = cost_of_pixels(job->max_pixels, 0, 1);
	uint64_t bytes = (job->mem_limit > one ? job->mem_limit : one) + WORKER_SLACK;
	struct rlimit rl = { bytes, bytes };

#ifndef UNDER_SANITIZER
	if (job->mem_limit)
		setrlimit(RLIMIT_DATA, &rl);
#else
	(void)rl;
#endif
}

/*
 * Ctrl-C goes to the whole process group, but only the parent decides what
 * stops: a worker ignores it and finishes its image, so no output is left
 * half-written. SIGPIPE is ignored so that a worker whose parent died gets a
 * write error and leaves.
 */
void pool_worker_init(struct pool *p, int slot)
{
	interrupt_handle(SIGINT, SIG_IGN);
	interrupt_handle(SIGTERM, SIG_IGN);
	interrupt_handle(SIGPIPE, SIG_IGN);
	/* Workers are single-threaded: the pool is the parallelism. */
	omp_set_num_threads(1);
	if (p->r->b->job->pin)
		cpus_pin(&p->r->cpus, slot);
	limit_memory(p->r->b->job);
	if (p->sandbox && sandbox_enter() < 0)
		_exit(EXIT_SETUP);
}

void pool_record(struct pool *p, const struct result *res)
{
	struct batch *b = p->r->b;

	if (res->task >= b->ntasks || b->results[res->task].status != STATUS_PENDING)
		return;
	run_finished(p->r, res);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_pair(int fds[2])
{
	close_fd(&fds[0]);
	close_fd(&fds[1]);
}

/* The pipe channel claimed a task for a worker that could not be started. */
static void lose_task(struct pool *p, int64_t i, int err)
{
	struct result res;

	pool_death_result(p, i, 0, KILL_NONE, &res);
	res.status = STATUS_FAILED;
	escape_terminal(p->r->b->tasks[res.task].path, res.error, sizeof(res.error) / 2);
	snprintf(res.error + strlen(res.error), sizeof(res.error) - strlen(res.error),
		 ": cannot start a worker: %s", strerror(err));
	pool_record(p, &res);
}

/*
 * The one fork wrapper. The pipes are made before fork(); the child closes
 * every parent end it inherited, its siblings' and its own, so that each
 * pipe has exactly one reader and one writer and end of file means what it
 * says. The channel prepares the slot before the fork, so that the child
 * can never race the parent over it.
 */
static int worker_start(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	int down[2] = { -1, -1 }, up[2] = { -1, -1 };
	pid_t pid, parent;

	if (pipe2(up, O_CLOEXEC) < 0 ||
	    (p->channel->pipe_down && pipe2(down, O_CLOEXEC) < 0)) {
		int e = errno;
		close_pair(up);
		return error("cannot create a pipe: %s", strerror(e));
	}
	w->fd = up[0];
	w->task_fd = down[1];
	w->current = NO_TASK;
	w->killed = KILL_NONE;
	p->channel->prepare(p, slot);
	fflush(NULL);
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		int e = errno;
		/* The parent ends are w's now: the channel may have closed one. */
		close_fd(&up[1]);
		close_fd(&down[0]);
		close_fd(&w->fd);
		close_fd(&w->task_fd);
		if (w->current >= 0)
			lose_task(p, w->current, e);
		return error("cannot start a worker: %s", strerror(e));
	}
	if (pid == 0) {
		/*
		 * A worker never outlives the parent, however the parent ends
		 * (a second Ctrl-C, SIGKILL): if it already died, leave now.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(1);
		for (int i = 0; i < p->nworkers; i++) {
			close_fd(&p->workers[i].fd);
			close_fd(&p->workers[i].task_fd);
		}
		pool_worker_init(p, slot);
		p->channel->work(p, slot, down[0], up[1]);
		/* No image left for this core: the workers still busy may use it. */
		spare_add(1);
		_exit(0);
	}
	close_fd(&down[0]);
	close_fd(&up[1]);
	w->pid = pid;
	return 0;
}

static const char *signal_name(int sig)
{
	const char *name = sigabbrev_np(sig);

	return name ? name : "?";
}

void pool_death_result(struct pool *p, int64_t i, int wstatus, enum kill killed,
		       struct result *res)
{
	const struct task *t = &p->r->b->tasks[p->r->order[i]];
	char path[ERROR_MAX - 48];	/* and room for the longest message below */

	/* Messages name the file escaped for a terminal, as work_run's do (work.h). */
	escape_terminal(t->path, path, sizeof(path));
	memset(res, 0, sizeof(*res));
	res->task = t->id;
	res->cpu = -1;
	if (killed == KILL_STOP) {
		res->status = STATUS_SKIPPED;
		res->signal = SIGKILL;
		snprintf(res->error, sizeof(res->error), "%s: not finished: the run was stopped",
			 path);
	} else if (killed == KILL_TIMEOUT) {
		res->status = STATUS_TIMEOUT;
		res->signal = SIGKILL;
		snprintf(res->error, sizeof(res->error), "%s: worker killed after %g s (--timeout)",
			 path, p->r->b->job->timeout);
	} else {
		res->status = STATUS_CRASHED;
		res->signal = WIFSIGNALED(wstatus) ? (int8_t)WTERMSIG(wstatus) : 0;
		if (WIFSIGNALED(wstatus))
			snprintf(res->error, sizeof(res->error), "%s: worker killed by SIG%s",
				 path, signal_name(WTERMSIG(wstatus)));
		else
			snprintf(res->error, sizeof(res->error), "%s: worker exited with status %d",
				 path, WEXITSTATUS(wstatus));
	}
}

/* Records the image a dead worker held at index i of order[], and removes the file it was writing. */
static void record_death(struct pool *p, int slot, int64_t i, uint64_t since, int wstatus)
{
	struct worker *w = &p->workers[slot];
	const struct task *t = &p->r->b->tasks[p->r->order[i]];
	struct result res;
	char tmp[4096];

	pool_death_result(p, i, wstatus, w->killed, &res);
	res.worker = (int16_t)slot;
	res.total_ns = since ? clock_ns() - since : 0;
	if (t->out && work_temp_path(t->out, w->pid, tmp, sizeof(tmp)) == 0)
		unlink(tmp);
	pool_record(p, &res);
}

/*
 * The one reaper: called when a worker's pipe up closes. A worker that left
 * on its own exits 0; any other end cost it the image it held, if any, and
 * a new worker takes its place while its queue has tasks.
 */
static void worker_reap(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	uint64_t since = 0;
	int64_t held;
	int wstatus = 0;

	while (waitpid(w->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	close_fd(&w->fd);
	close_fd(&w->task_fd);
	held = p->channel->held(p, slot, &since);
	admit_release(&p->admit, slot);
	if (p->channel->freed)
		p->channel->freed(p);
	if (held >= 0) {
		record_death(p, slot, held, since, wstatus);
	} else if (held == CLAIMING) {
		p->claim_slot = slot;
		p->claim_wstatus = wstatus;
	}
	w->pid = 0;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		return;
	/* One that failed before its first image would only fail again. */
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == EXIT_SETUP) {
		run_warning(p->r, "a worker could not set itself up (its sandbox?)");
		return;
	}
	if (interrupted() || !queue_left(queue_of(p, slot)))
		return;
	p->r->b->restarts++;
	if (worker_start(p, slot) < 0)
		run_warning(p->r, error_message());
}

/*
 * Nanoseconds until the next --timeout expires (UINT64_MAX: none), killing
 * the workers whose image has expired. A shm worker takes its next image
 * without telling the parent, so one seen between images is looked at
 * again within 100 ms; and one whose image expires just as it finishes it
 * may be killed on the next one, which is then reported as timed out:
 * --timeout is a guard against a stuck worker, not a stopwatch.
 */
/* How long the workers still busy after Ctrl-C or SIGTERM may take to finish. */
#define STOP_GRACE_NS (5 * 1000000000ull)

static uint64_t timeout_due(struct pool *p, uint64_t now)
{
	uint64_t limit = (uint64_t)(p->r->b->job->timeout * 1e9);
	uint64_t soonest = UINT64_MAX;

	if (!limit)
		return UINT64_MAX;
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		uint64_t since = 0, due;

		if (!w->pid || w->killed)
			continue;
		if (p->channel->held(p, i, &since) < 0 || since == 0) {
			/* Between two images, or waiting for memory (shm): look again soon. */
			soonest = soonest < 100000000 ? soonest : 100000000;
			continue;
		}
		due = since + limit;
		if (due <= now) {
			w->killed = KILL_TIMEOUT;
			kill(w->pid, SIGKILL);
		} else if (due - now < soonest) {
			soonest = due - now;
		}
	}
	return soonest;
}

/* Kills every worker still running: the run was stopped and its grace is over. */
static void kill_busy(struct pool *p)
{
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];

		if (w->pid && !w->killed) {
			w->killed = KILL_STOP;
			kill(w->pid, SIGKILL);
		}
	}
}

/*
 * After Ctrl-C or SIGTERM the pool hands out nothing more, and the workers
 * still busy get STOP_GRACE_NS to finish their image; then, or at once on a
 * second signal, they are killed, their images recorded as skipped and their
 * temporary files removed. So a worker stuck in a system call never keeps
 * pixpool from ending. Returns nanoseconds until the grace is over.
 */
static uint64_t stop_due(struct pool *p, uint64_t now)
{
	if (!interrupted())
		return UINT64_MAX;
	if (!p->stop_deadline) {
		p->channel->stop(p);
		p->stop_deadline = now + STOP_GRACE_NS;
	}
	if (interrupt_count() > 1 || now >= p->stop_deadline) {
		kill_busy(p);
		return UINT64_MAX;
	}
	return p->stop_deadline - now;
}

/* Milliseconds poll() may sleep: until the next timeout or the end of the grace, or for ever. */
static int poll_timeout(struct pool *p)
{
	uint64_t now = clock_ns(), a = timeout_due(p, now), b = stop_due(p, now);
	uint64_t soonest = a < b ? a : b;

	return soonest == UINT64_MAX ? -1 : (int)(soonest / 1000000 + 1);
}

static int loop(struct pool *p)
{
	struct pollfd *fds = calloc((size_t)p->nworkers, sizeof(*fds));
	int *slot = calloc((size_t)p->nworkers, sizeof(*slot));
	int ret = 0;

	if (!fds || !slot) {
		ret = error("out of memory for %d workers", p->nworkers);
		goto out;
	}
	for (;;) {
		int n = 0;

		for (int i = 0; i < p->nworkers; i++) {
			if (p->workers[i].fd >= 0) {
				fds[n] = (struct pollfd){ .fd = p->workers[i].fd, .events = POLLIN };
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
			if (fds[k].revents && p->channel->collect(p, slot[k]) < 0)
				worker_reap(p, slot[k]);
	}
out:
	free(fds);
	free(slot);
	return ret;
}

/* Cuts order[] into queues: one shared queue, or (static) one block per worker. */
static void plan_queues(struct pool *p)
{
	size_t n = p->r->b->ntasks;

	for (int q = 0; q < p->nqueues; q++) {
		p->queues[q].start = n * (size_t)q / (size_t)p->nqueues;
		atomic_init(&p->queues[q].next, p->queues[q].start);
		p->queues[q].end = n * (size_t)(q + 1) / (size_t)p->nqueues;
	}
}

static int start_all(struct pool *p)
{
	int started = 0;

	for (int i = 0; i < p->nworkers; i++)
		p->workers[i].fd = p->workers[i].task_fd = -1;
	for (int i = 0; i < p->nworkers; i++) {
		if (worker_start(p, i) < 0)
			run_warning(p->r, error_message());
		else
			started++;
	}
	return started ? 0 : error("no worker could be started");
}

int engine_process(struct run *r)
{
	const struct batch *b = r->b;
	struct pool p = { .r = r, .claim_slot = -1 };
	struct sigaction ign, old_pipe;
	int ret;

	p.channel = b->job->channel == CHANNEL_SHM ? &channel_shm : &channel_pipe;
	p.nworkers = b->job->workers;
	if ((size_t)p.nworkers > b->ntasks)
		p.nworkers = b->ntasks ? (int)b->ntasks : 1;
	p.nqueues = b->job->schedule == SCHEDULE_STATIC ? p.nworkers : 1;
	p.workers = calloc((size_t)p.nworkers, sizeof(*p.workers));
	if (!p.workers)
		return error("out of memory for %d workers", p.nworkers);
	if (p.channel->open(&p) < 0) {
		free(p.workers);
		return -1;
	}
	plan_queues(&p);
	/*
	 * A worker may die just before the parent writes its next task id: the
	 * write must fail with EPIPE, and the reaper see end of file, rather
	 * than SIGPIPE end pixpool itself.
	 */
	sigemptyset(&ign.sa_mask);
	ign.sa_handler = SIG_IGN;
	ign.sa_flags = 0;
	sigaction(SIGPIPE, &ign, &old_pipe);
	p.sandbox = sandbox_available() == 0;
	if (!p.sandbox)
		run_warning(r, error_message());
	/*
	 * A pinned worker's threads would share its one CPU. Without the
	 * shared page the workers simply never get help.
	 */
	if (!b->job->pin && p.nworkers > 1 && spare_open(p.nworkers) < 0)
		run_warning(r, error_message());
	interrupt_hold_second(1);
	ret = start_all(&p);
	if (ret == 0)
		ret = loop(&p);
	interrupt_hold_second(0);
	/* After a failure, the workers still running are killed and waited for. */
	for (int i = 0; i < p.nworkers; i++) {
		close_fd(&p.workers[i].fd);
		close_fd(&p.workers[i].task_fd);
		if (p.workers[i].pid) {
			kill(p.workers[i].pid, SIGKILL);
			waitpid(p.workers[i].pid, NULL, 0);
		}
	}
	p.channel->close(&p);
	spare_close();
	sigaction(SIGPIPE, &old_pipe, NULL);
	free(p.workers);
	return ret;
}

/*
 * The process engine: a pool of long-lived forked workers, each
 * single-threaded, each running work_process on one image at a time.
 *
 * The parent keeps a table of its workers. Each worker has a socket to the
 * parent, which the parent poll()s; the parent hands tasks out with their
 * files and takes their records back (order.c), and the channel carries
 * the records (process.h). When a socket reaches end of file the worker has
 * left: the parent reaps it, records the image it held as crashed (or timed
 * out), removes its temporary file, and starts a new worker in the same
 * slot while tasks remain.
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
#include <sys/socket.h>
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

const struct task *pool_task(const struct pool *p, int64_t i)
{
	return &p->r->b->tasks[p->r->order[i]];
}

void pool_test_die(const struct pool *p, const char *when, int64_t i)
{
	test_hook_die(when, pool_task(p, i)->rel);
}

/*
 * The test hook PIXPOOL_TEST_ESCAPE=TEXT (test_hook.h): instead of its image,
 * the worker tries every way out of its sandbox and reports the image failed
 * with the list of those that worked. Returns 1 when it did.
 */
static int test_escape(struct pool *p, const struct task *t, struct result *res)
{
	char worked[ERROR_MAX / 4], path[ERROR_MAX / 2];
	uint64_t start = clock_ns();

	if (test_hook_escape(t->path, p->parent, worked, sizeof(worked)) < 0)
		return 0;
	escape_terminal(t->path, path, sizeof(path));
	memset(res, 0, sizeof(*res));
	res->task = t->id;
	res->status = STATUS_FAILED;
	res->cpu = -1;
	snprintf(res->error, sizeof(res->error), "%s: escape attempts that worked: %s", path,
		 worked);
	res->start_ns = start;
	res->total_ns = clock_ns() - start;
	return 1;
}

/*
 * The test hook PIXPOOL_TEST_FORGE=KIND:TEXT (test_hook.h): the worker
 * lies in its record, the way KIND says, as a worker running a file's code
 * could.
 */
static void test_forge(const struct pool *p, const struct task *t, struct result *res)
{
	if (test_hook_forges("other", t->rel))
		res->task = (res->task + 1) % (uint32_t)p->r->b->ntasks;
	if (test_hook_forges("range", t->rel))
		res->task = UINT32_MAX - 1;
	if (test_hook_forges("unterminated", t->rel))
		memset(res->error, 'A', sizeof(res->error));
	if (test_hook_forges("text", t->rel))
		snprintf(res->error, sizeof(res->error), "\033]0;forged\007\033[2J");
	if (test_hook_forges("profile", t->rel))
		snprintf(res->profile, sizeof(res->profile), "\033]0;forged\007 -> sRGB");
	if (test_hook_forges("status", t->rel))
		res->status = 200;
	if (test_hook_forges("sizes", t->rel))
		res->out_width = res->in_height = UINT32_MAX;
	if (test_hook_forges("bytes", t->rel))
		res->out_bytes = UINT64_MAX;
	if (test_hook_forges("times", t->rel))
		res->total_ns = UINT64_MAX;
	if (test_hook_forges("bits", t->rel))
		res->in_bits = UINT8_MAX;
	/* One output's bytes that add up but are not its file's; more decodes than can be. */
	if (test_hook_forges("outputs", t->rel)) {
		res->outs[OUTPUTS_MAX > 1 ? 1 : 0].bytes++;
		res->out_bytes++;
	}
	if (test_hook_forges("decodes", t->rel))
		res->decodes = 9;
}

void pool_work(struct pool *p, int slot, int64_t i, const struct work_files *f,
	       struct result *res)
{
	const struct task *t = pool_task(p, i);

	test_hook_die("claimed", t->rel);
	if (test_escape(p, t, res))
		return;
	test_hook_forbidden(t->rel);
	work_process(p->r->b->job, t, f, res, &spare_lender);
	res->worker = (int16_t)slot;
	heap_after_image(&p->heap, res);
	test_forge(p, t, res);
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
 * A worker needs no terminal and no file of the parent's: its standard
 * input and output go to /dev/null, and so does its standard error, but
 * under a sanitizer, whose reports must reach the tests. Every other
 * descriptor it inherited (its siblings' sockets, the parent's files) is
 * closed but its own socket, which it keeps.
 */
static int worker_descriptors(int sock)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		return -1;
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
#ifndef UNDER_SANITIZER
	dup2(null, STDERR_FILENO);
#endif
	close(null);
	if (sock > STDERR_FILENO + 1)
		close_range(STDERR_FILENO + 1, (unsigned)sock - 1, 0);
	close_range((unsigned)sock + 1, ~0u, 0);
	return 0;
}

/*
 * Ctrl-C goes to the whole process group, but only the parent decides what
 * stops: a worker ignores it and finishes its image, so no output is left
 * half-written. SIGPIPE is ignored so that a worker whose parent died gets a
 * write error and leaves. A worker never outlives the parent, however the
 * parent ends (a second Ctrl-C, SIGKILL); the parent-death signal is set
 * after the privileges are dropped, which clears it.
 */
void pool_worker_init(struct pool *p, int slot)
{
	interrupt_handle(SIGINT, SIG_IGN);
	interrupt_handle(SIGTERM, SIG_IGN);
	interrupt_handle(SIGHUP, SIG_IGN);
	interrupt_handle(SIGQUIT, SIG_IGN);
	interrupt_handle(SIGPIPE, SIG_IGN);
	/* Workers are single-threaded: the pool is the parallelism. */
	omp_set_num_threads(1);
	if (p->r->b->job->pin)
		cpus_pin(&p->r->cpus, slot);
	limit_memory(p->r->b->job);
	if (sandbox_drop_privileges() < 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != p->parent)
		_exit(EXIT_SETUP);
	p->channel->child(p, slot);
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

/* In the new worker: it lets go of what is not its own, confines itself and works. */
static void worker_run(struct pool *p, int slot, int sock)
{
	for (int i = 0; i < p->nworkers; i++)
		p->workers[i].fd = -1;
	if (worker_descriptors(sock) < 0)
		_exit(EXIT_SETUP);
	pool_worker_init(p, slot);
	order_work(p, slot, sock);
	/* No image left for this core: the workers still busy may use it. */
	spare_add(1);
	_exit(0);
}

/*
 * The one fork wrapper. The socketpair is made before fork(); the child
 * closes every descriptor it inherited but its own end, so that end of file
 * on the parent's end means the worker has gone. The worker gets its first
 * task only once it runs (order_next), so it can never race the parent.
 */
static int worker_start(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return error("cannot create a socket pair: %s", strerror(errno));
	w->fd = sv[0];
	w->current = NO_TASK;
	w->killed = KILL_NONE;
	w->parked = 0;
	w->files = (struct work_files)WORK_FILES_INIT;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close_fd(&sv[1]);
		close_fd(&w->fd);
		return error("cannot start a worker: %s", strerror(e));
	}
	if (pid == 0)
		worker_run(p, slot, sv[1]);
	close_fd(&sv[1]);
	w->pid = pid;
	order_next(p, slot);
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

/*
 * The one reaper: called when a worker's socket closes. A worker that left
 * on its own exits 0; any other end cost it the image it held, if any, and
 * a new worker takes its place while its queue has tasks.
 */
static void worker_reap(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	struct result res;
	int wstatus = 0;

	while (waitpid(w->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	close_fd(&w->fd);
	if (w->current >= 0 && p->channel->left(p, slot, &res))
		order_done(p, slot, &res);
	else if (w->current >= 0)
		order_lost(p, slot, wstatus);
	admit_release(&p->admit, slot);
	w->pid = 0;
	w->parked = 0;
	order_unpark(p);
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
 * Reads what came up the socket of the worker in slot, whole (MSG_TRUNC
 * gives a longer message's true length, so it is never taken for a shorter
 * one); -1 when the worker has left.
 */
static int worker_message(struct pool *p, int slot)
{
	union message m;
	ssize_t n;

	while ((n = recv(p->workers[slot].fd, &m, sizeof(m), MSG_TRUNC)) < 0 && errno == EINTR)
		;
	if (n <= 0)
		return -1;
	order_message(p, slot, &m, (size_t)n > sizeof(m) ? sizeof(m) + 1 : (size_t)n);
	return 0;
}

/* How long the workers still busy after Ctrl-C or SIGTERM may take to finish. */
#define STOP_GRACE_NS (5 * 1000000000ull)

/*
 * Nanoseconds until the next --timeout expires (UINT64_MAX: none), killing
 * the workers whose image has expired. The parent handed out every image,
 * so it knows since when each worker holds its own.
 */
static uint64_t timeout_due(struct pool *p, uint64_t now)
{
	uint64_t limit = (uint64_t)(p->r->b->job->timeout * 1e9);
	uint64_t soonest = UINT64_MAX;

	if (!limit)
		return UINT64_MAX;
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];
		uint64_t due;

		if (!w->pid || w->killed || w->current < 0)
			continue;
		due = w->started + limit;
		if (due <= now) {
			w->killed = KILL_TIMEOUT;
			kill(w->pid, SIGKILL);
		} else if (due - now < soonest) {
			soonest = due - now;
		}
	}
	return soonest;
}

/* Idle and parked workers are told to leave; busy ones leave after their image. */
static void stop_idle(struct pool *p)
{
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];

		w->parked = 0;
		if (w->pid && w->current < 0 && w->fd >= 0)
			shutdown(w->fd, SHUT_WR);
	}
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
		stop_idle(p);
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
			if (fds[k].revents && worker_message(p, slot[k]) < 0)
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
		p->workers[i].fd = -1;
	for (int i = 0; i < p->nworkers; i++) {
		if (worker_start(p, i) < 0)
			run_warning(p->r, error_message());
		else
			started++;
	}
	return started ? 0 : error("no worker could be started");
}

/* Sizes the pool and opens its channel; -1 with an error. */
static int pool_open(struct pool *p, struct run *r)
{
	const struct batch *b = r->b;

	p->r = r;
	p->parent = getpid();
	p->channel = b->job->channel == CHANNEL_SHM ? &channel_shm : &channel_pipe;
	p->nworkers = b->job->workers;
	if ((size_t)p->nworkers > b->ntasks)
		p->nworkers = b->ntasks ? (int)b->ntasks : 1;
	p->nqueues = b->job->schedule == SCHEDULE_STATIC ? p->nworkers : 1;
	p->workers = calloc((size_t)p->nworkers, sizeof(*p->workers));
	p->queues = calloc((size_t)p->nqueues, sizeof(*p->queues));
	p->admit.charge = calloc((size_t)p->nworkers, sizeof(*p->admit.charge));
	if (!p->workers || !p->queues || !p->admit.charge || p->channel->open(p) < 0) {
		if (!p->workers || !p->queues || !p->admit.charge)
			error("out of memory for %d workers", p->nworkers);
		free(p->workers);
		free(p->queues);
		free(p->admit.charge);
		return -1;
	}
	admit_init(&p->admit, p->admit.charge, p->nworkers, b->job->mem_limit);
	plan_queues(p);
	return 0;
}

/*
 * After a failure, the workers still running are killed and waited for,
 * and the temporary files of the images they held removed.
 */
static void pool_close(struct pool *p)
{
	for (int i = 0; i < p->nworkers; i++) {
		struct worker *w = &p->workers[i];

		close_fd(&w->fd);
		if (w->pid) {
			kill(w->pid, SIGKILL);
			waitpid(w->pid, NULL, 0);
		}
		if (w->current >= 0) {
			w->killed = KILL_STOP;
			order_lost(p, i, 0);
		}
	}
	p->channel->close(p);
	free(p->workers);
	free(p->queues);
	free(p->admit.charge);
}

/*
 * While the pool runs, the parent cannot be traced or read through /proc by
 * a process of the same user without CAP_SYS_PTRACE (PR_SET_DUMPABLE): a
 * second line behind the workers' sandbox. A worker may die just before the
 * parent sends its next task: the send must fail with EPIPE, and the reaper
 * see end of file, rather than SIGPIPE end pixpool itself.
 */
int engine_process(struct run *r)
{
	struct pool p = { 0 };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), ret;

	if (pool_open(&p, r) < 0)
		return -1;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	p.sandbox = sandbox_available() == 0;
	if (!p.sandbox)
		run_warning(r, error_message());
	/*
	 * A pinned worker's threads would share its one CPU. Without the
	 * shared page the workers simply never get help.
	 */
	if (!r->b->job->pin && p.nworkers > 1 && spare_open(p.nworkers) < 0)
		run_warning(r, error_message());
	interrupt_hold_second(1);
	ret = start_all(&p);
	if (ret == 0)
		ret = loop(&p);
	interrupt_hold_second(0);
	pool_close(&p);
	spare_close();
	if (dumpable > 0)
		prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
	sigaction(SIGPIPE, &old_pipe, NULL);
	return ret;
}

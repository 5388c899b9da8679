/* The progress line, drawn by a thread of its own (progress.h). */
#include "report/progress.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/interrupt.h"

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "progress_abandon reads a flag from a signal handler");

/* About four redraws a second: a clock that moves, at no cost next to the images. */
#define TICK_NS 250000000L

/* Weights are counted in millionths, so that integer atomics carry them. */
#define UNITS 1e6

#define LABEL_BYTES 64
#define FIELD_BYTES 80

static struct {
	atomic_size_t done, failed;
	atomic_uint_fast64_t weight, pixels;	/* in millionths of a weight, of a megapixel */
	atomic_int running;	/* the thread runs */
	atomic_int drawn;	/* the line is on the screen */
	/* Set before the thread starts, read-only afterwards. */
	size_t total;
	double total_weight;
	uint64_t start;
	pthread_t thread;
	/* Under lock: the thread draws only while it holds it. */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stopping;
	int waiting;		/* the thread has reached its first wait */
	int held_for_fork;	/* the lock is held across a fork() (fork_prepare) */
	char label[LABEL_BYTES];
} line = { .lock = PTHREAD_MUTEX_INITIALIZER };

int progress_wanted(const struct job *job)
{
	if (job->quiet || job->progress == 0 || job->progress == PROGRESS_JSON)
		return 0;
	return job->progress == 1 || isatty(STDERR_FILENO);
}

double progress_weight(const struct task *t, double fill)
{
	if (t->refused)
		return 0;
	return t->pixels ? t->pixels / 1e6 : fill;
}

double progress_total(const struct task *tasks, size_t n, double *fill)
{
	double known = 0;
	size_t nknown = 0, nunknown = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t pixels = tasks[i].pixels;

		if (tasks[i].refused || tasks[i].exists)
			continue;
		if (pixels) {
			known += pixels / 1e6;
			nknown++;
		} else {
			nunknown++;
		}
	}
	if (!nknown) {
		*fill = 1;
		return (double)nunknown;
	}
	*fill = known / (double)nknown;
	return known + *fill * (double)nunknown;
}

/*
 * The line is built with these alone, never with stdio: snprintf may lock
 * or allocate, and a fork() on another thread at that moment would hand the
 * child a lock nobody will release.
 */
struct text {
	char s[FIELD_BYTES];
	size_t n;
};

static void put(struct text *t, const char *s)
{
	while (*s && t->n + 1 < sizeof(t->s))
		t->s[t->n++] = *s++;
	t->s[t->n] = '\0';
}

static void put_uint(struct text *t, uint64_t v)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n > 0 && t->n + 1 < sizeof(t->s))
		t->s[t->n++] = digits[--n];
	t->s[t->n] = '\0';
}

/* v with one decimal: "12.5". */
static void put_tenths(struct text *t, double v)
{
	uint64_t tenths = v > 0 && v < 1e15 ? (uint64_t)(v * 10 + 0.5) : 0;
	char d[2] = { (char)('0' + tenths % 10), '\0' };

	put_uint(t, tenths / 10);
	put(t, ".");
	put(t, d);
}

static void put_two(struct text *t, uint64_t v)
{
	if (v < 10)
		put(t, "0");
	put_uint(t, v);
}

/* "0:07", "12:34", "1:02:03". */
static void put_clock(struct text *t, double seconds)
{
	uint64_t s = seconds > 0 && seconds < 1e9 ? (uint64_t)seconds : 0;

	if (s >= 3600) {
		put_uint(t, s / 3600);
		put(t, ":");
		put_two(t, s / 60 % 60);
	} else {
		put_uint(t, s / 60);
	}
	put(t, ":");
	put_two(t, s % 60);
}

/* The fields of the line, in the order they show. */
enum field { F_LABEL, F_COUNT, F_PERCENT, F_RATE, F_MP, F_FAILED, F_ELAPSED, F_ETA, F_STOP, NFIELDS };

/* Which go first when the terminal is too narrow; the count never does. */
static const enum field drop_order[] = {
	F_MP, F_RATE, F_LABEL, F_ELAPSED, F_PERCENT, F_FAILED, F_STOP, F_ETA,
};

/* Seconds left: the time so far, scaled by the weight still to do. */
static double eta(double elapsed, double done, size_t images)
{
	if (images >= line.total)
		return 0;
	if (done <= 0)
		return -1;
	if (line.total_weight <= done)
		return 0;
	return elapsed * (line.total_weight - done) / done;
}

static void fill_fields(struct text *f, double elapsed)
{
	size_t done = atomic_load(&line.done), failed = atomic_load(&line.failed);
	double weight = atomic_load(&line.weight) / UNITS;
	double mp = atomic_load(&line.pixels) / UNITS, left = eta(elapsed, weight, done);

	put(&f[F_LABEL], line.label);
	put_uint(&f[F_COUNT], done);
	put(&f[F_COUNT], "/");
	put_uint(&f[F_COUNT], line.total);
	put(&f[F_COUNT], " images");
	put_uint(&f[F_PERCENT], line.total ? 100 * done / line.total : 100);
	put(&f[F_PERCENT], "%");
	put_tenths(&f[F_RATE], elapsed > 0 ? done / elapsed : 0);
	put(&f[F_RATE], " images/s");
	put_tenths(&f[F_MP], elapsed > 0 ? mp / elapsed : 0);
	put(&f[F_MP], " MP/s");
	if (failed) {
		put_uint(&f[F_FAILED], failed);
		put(&f[F_FAILED], " failed");
	}
	put(&f[F_ELAPSED], "elapsed ");
	put_clock(&f[F_ELAPSED], elapsed);
	put(&f[F_ETA], "ETA ");
	if (left < 0)
		put(&f[F_ETA], "--:--");
	else
		put_clock(&f[F_ETA], left + 0.999);
	if (interrupted())
		put(&f[F_STOP], "stopping");
}

static size_t line_width(const struct text *f)
{
	size_t n = 0;

	for (int i = 0; i < NFIELDS; i++)
		if (f[i].n)
			n += (n ? 2 : 0) + f[i].n;
	return n;
}

/* Columns the line may take: one less than the terminal's, so it never wraps. */
static size_t columns(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return ws.ws_col - 1u;
	return 79;
}

static void write_all(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(STDERR_FILENO, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		s += k;
		n -= (size_t)k;
	}
}

/*
 * Redrawn whole each time, the terminal's width asked again, so that a
 * resized window is fitted on the next tick. Called with the lock held.
 */
static void draw(void)
{
	struct text f[NFIELDS];
	char out[NFIELDS * (FIELD_BYTES + 2) + 8];
	size_t width = columns(), n = 0;
	double elapsed = (clock_ns() - line.start) / 1e9;

	memset(f, 0, sizeof(f));
	fill_fields(f, elapsed);
	for (size_t i = 0; i < sizeof(drop_order) / sizeof(*drop_order); i++)
		if (line_width(f) > width)
			f[drop_order[i]].n = 0;
	out[n++] = '\r';
	for (int i = 0; i < NFIELDS; i++) {
		if (!f[i].n)
			continue;
		if (n > 1) {
			memcpy(out + n, "  ", 2);
			n += 2;
		}
		memcpy(out + n, f[i].s, f[i].n);
		n += f[i].n;
	}
	/* Narrower than the count alone: cut it rather than wrap. */
	if (n - 1 > width)
		n = width + 1;
	memcpy(out + n, "\033[K", 3);
	write_all(out, n + 3);
	atomic_store(&line.drawn, 1);
}

static void clear(void)
{
	if (atomic_exchange(&line.drawn, 0))
		write_all("\r\033[K", 4);
}

static void *draw_loop(void *unused)
{
	struct timespec due;

	(void)unused;
	pthread_mutex_lock(&line.lock);
	line.waiting = 1;
	pthread_cond_broadcast(&line.wake);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &due);
		due.tv_nsec += TICK_NS;
		if (due.tv_nsec >= 1000000000L) {
			due.tv_sec++;
			due.tv_nsec -= 1000000000L;
		}
		while (!line.stopping &&
		       pthread_cond_timedwait(&line.wake, &line.lock, &due) != ETIMEDOUT)
			;
		if (line.stopping)
			break;
		draw();
	}
	pthread_mutex_unlock(&line.lock);
	return NULL;
}

/*
 * The process engine fork()s workers while this thread runs. The child gets
 * only the forking thread, and every lock as it was: one the drawing thread
 * held then (its own, or one inside the C library or a sanitizer's
 * allocator, which it may take while it starts) would never be released
 * there. So a fork waits until the thread is parked in its wait, holding
 * nothing: start_thread() returns only once it is, and around each fork the
 * line's lock is held, which the thread gives up only while it waits. The
 * child, which has no drawing thread, forgets the line.
 */
static void fork_prepare(void)
{
	if (atomic_load(&line.running)) {
		pthread_mutex_lock(&line.lock);
		line.held_for_fork = 1;
	}
}

static void fork_parent(void)
{
	if (line.held_for_fork) {
		line.held_for_fork = 0;
		pthread_mutex_unlock(&line.lock);
	}
}

static void fork_child(void)
{
	atomic_store(&line.running, 0);
	atomic_store(&line.drawn, 0);
	fork_parent();
}

static void register_fork_handlers(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/*
 * The first line is drawn at once, before any image starts; the thread
 * redraws it from then on. It is born with every signal blocked: Ctrl-C
 * must wake the threads that poll for it.
 */
static void start_thread(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_condattr_t attr;
	sigset_t all, old;

	pthread_once(&once, register_fork_handlers);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&line.wake, &attr);
	pthread_condattr_destroy(&attr);
	line.stopping = 0;
	line.waiting = 0;
	pthread_mutex_lock(&line.lock);
	draw();
	pthread_mutex_unlock(&line.lock);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&line.thread, NULL, draw_loop, NULL) == 0) {
		pthread_mutex_lock(&line.lock);
		while (!line.waiting)
			pthread_cond_wait(&line.wake, &line.lock);
		atomic_store(&line.running, 1);
		pthread_mutex_unlock(&line.lock);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!atomic_load(&line.running))
		pthread_cond_destroy(&line.wake);
}

void progress_start(int draw_it, size_t total, double total_weight)
{
	progress_stop();
	atomic_store(&line.done, 0);
	atomic_store(&line.failed, 0);
	atomic_store(&line.weight, 0);
	atomic_store(&line.pixels, 0);
	line.total = total;
	line.total_weight = total_weight;
	line.start = clock_ns();
	line.label[0] = '\0';
	interrupt_at_kill(progress_abandon);
	if (draw_it)
		start_thread();
}

void progress_label(const char *label)
{
	pthread_mutex_lock(&line.lock);
	strncpy(line.label, label, sizeof(line.label) - 1);
	line.label[sizeof(line.label) - 1] = '\0';
	if (atomic_load(&line.running))
		draw();
	pthread_mutex_unlock(&line.lock);
}

void progress_done(size_t images, size_t failed, double weight, double megapixels)
{
	atomic_fetch_add(&line.done, images);
	atomic_fetch_add(&line.failed, failed);
	atomic_fetch_add(&line.weight, (uint_fast64_t)(weight * UNITS + 0.5));
	atomic_fetch_add(&line.pixels, (uint_fast64_t)(megapixels * UNITS + 0.5));
}

void progress_hold(void)
{
	if (!atomic_load(&line.running))
		return;
	pthread_mutex_lock(&line.lock);
	clear();
}

void progress_release(void)
{
	if (atomic_load(&line.running))
		pthread_mutex_unlock(&line.lock);
}

void progress_stop(void)
{
	if (!atomic_load(&line.running))
		return;
	pthread_mutex_lock(&line.lock);
	line.stopping = 1;
	pthread_cond_signal(&line.wake);
	pthread_mutex_unlock(&line.lock);
	pthread_join(line.thread, NULL);
	pthread_cond_destroy(&line.wake);
	atomic_store(&line.running, 0);
	clear();
}

void progress_abandon(void)
{
	if (atomic_load(&line.drawn))
		write_all("\r\033[K", 4);
}

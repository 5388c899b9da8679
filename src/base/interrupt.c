/* Ctrl-C, SIGTERM, SIGHUP and SIGQUIT: handlers that set a flag, or remove temporary files and kill. */
#include "base/interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>


_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler may only touch lock-free atomics");
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2, "a signal handler may only touch lock-free atomics");

static atomic_int count;
static atomic_int hold;

/*
 * The temporary files being written, one slot each. A slot goes from NULL to
 * a path when a writer takes it, and back to NULL when the writer is done or
 * when the killing handler takes the path to unlink it: atomic_exchange lets
 * only one of them do so, so the handler never reads a buffer that its
 * writer has gone on to reuse.
 */
static _Atomic(const char *) owned[INTERRUPT_WRITERS];

/*
 * Writers between taking a slot and the end of their open(), which may be
 * creating a file. The handler sets killing, then waits until there are
 * none: a writer either sees killing and creates nothing, or its file exists
 * before the handler unlinks it (sequentially consistent atomics, as in
 * Dekker's algorithm). Signals are blocked meanwhile, so the handler never
 * runs on a thread that it would wait for.
 */
static atomic_int creating;

/* What the second signal runs first (interrupt_at_kill). */
static _Atomic(void (*)(void)) kill_hook;

void interrupt_at_kill(void (*fn)(void))
{
	atomic_store(&kill_hook, fn);
}
static atomic_int killing;

/* How long the handler waits for an open() (on a hung NFS server, say). */
#define CREATING_WAIT_MS 1000

/* Where a writer waits for the handler to kill pixpool. */
static void sleep_for_ever(void)
{
	for (;;)
		pause();
}

/*
 * The second signal removes the temporary files being written, then kills
 * pixpool the way the signal itself would (so the shell sees death by
 * SIGINT), unless someone holds it: sigaction, raise, unlink and poll are
 * async-signal-safe, and so must the kill hook be.
 */
void interrupt_handle(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void remove_temporaries(void)
{
	for (int ms = 0; ms < CREATING_WAIT_MS && atomic_load(&creating) > 0; ms++)
		poll(NULL, 0, 1);
	for (int i = 0; i < INTERRUPT_WRITERS; i++) {
		const char *tmp = atomic_exchange(&owned[i], NULL);

		if (tmp)
			unlink(tmp);
	}
}

static void on_signal(int sig)
{
	if (atomic_fetch_add(&count, 1) == 0 || atomic_load(&hold))
		return;
	/* A third signal during the clean-up: the second one kills pixpool next. */
	if (atomic_exchange(&killing, 1))
		return;
	/* The shell's prompt comes next: not after a half-drawn progress line. */
	void (*hook)(void) = atomic_load(&kill_hook);

	if (hook)
		hook();
	/* A rename done just before makes unlink fail with ENOENT, which is right. */
	remove_temporaries();
	interrupt_handle(sig, SIG_DFL);
	raise(sig);
}

/*
 * A closed terminal or ssh session (SIGHUP) and SIGQUIT stop a run as
 * SIGTERM does: the images in flight finish rather than die half-written.
 */
void interrupt_catch(void)
{
	interrupt_handle(SIGINT, on_signal);
	interrupt_handle(SIGTERM, on_signal);
	interrupt_handle(SIGHUP, on_signal);
	interrupt_handle(SIGQUIT, on_signal);
}

int interrupted(void)
{
	return atomic_load(&count) > 0;
}

int interrupt_count(void)
{
	return atomic_load(&count);
}

void interrupt_hold_second(int h)
{
	atomic_store(&hold, h);
}

static int take_slot(const char *tmp)
{
	for (int i = 0; i < INTERRUPT_WRITERS; i++) {
		const char *none = NULL;

		if (atomic_compare_exchange_strong(&owned[i], &none, tmp))
			return i;
	}
	return -1;
}

int interrupt_open_owned(const char *tmp, int flags, mode_t mode, int *slot)
{
	sigset_t block, saved;
	int fd = -1, e = 0;

	*slot = -1;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &block, &saved);
	atomic_fetch_add(&creating, 1);
	if (!atomic_load(&killing)) {
		*slot = take_slot(tmp);
		fd = open(tmp, flags, mode);
		e = errno;
	}
	atomic_fetch_sub(&creating, 1);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (fd < 0 && atomic_load(&killing))
		sleep_for_ever();
	errno = e;
	return fd;
}

void interrupt_disown(int slot)
{
	if (slot >= 0 && !atomic_exchange(&owned[slot], NULL))
		sleep_for_ever();
}

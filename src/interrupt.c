/* Ctrl-C and SIGTERM: handlers that only set a flag. */
#include "interrupt.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include "progress.h"

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler may only touch lock-free atomics");

static atomic_int count;
static atomic_int hold;

/*
 * The second signal kills pixpool the way the signal itself would (so the
 * shell sees death by SIGINT), unless someone holds it: sigaction, raise and
 * progress_abandon's write are async-signal-safe.
 */
void interrupt_handle(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void on_signal(int sig)
{
	if (atomic_fetch_add(&count, 1) == 0 || atomic_load(&hold))
		return;
	/* The shell's prompt comes next: not after a half-drawn progress line. */
	progress_abandon();
	interrupt_handle(sig, SIG_DFL);
	raise(sig);
}

void interrupt_catch(void)
{
	interrupt_handle(SIGINT, on_signal);
	interrupt_handle(SIGTERM, on_signal);
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

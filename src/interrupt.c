/* Ctrl-C and SIGTERM: handlers that only set a flag. */
#include "interrupt.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler may only touch lock-free atomics");

static atomic_int flag;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&flag, 1);
}

/* SA_RESETHAND makes a second Ctrl-C kill pixpool at once. */
void interrupt_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int interrupted(void)
{
	return atomic_load(&flag);
}

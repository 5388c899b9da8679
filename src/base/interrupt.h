#ifndef PIXPOOL_INTERRUPT_H
#define PIXPOOL_INTERRUPT_H

#include <sys/types.h>

/*
 * Ctrl-C, SIGTERM, SIGHUP (the terminal or ssh session closed) and SIGQUIT,
 * all alike. The first one lets the images in flight finish: every
 * engine stops handing out new ones once interrupted() says so, and records
 * those never started as skipped. A second one removes the temporary files
 * being written (interrupt_own) and kills pixpool at once, unless
 * the code running can stop at once by itself and says so with
 * interrupt_hold_second() (the process engine, which kills its workers and
 * removes what they were writing).
 *
 *	interrupt_catch();		once, before the run
 *	... engines poll interrupted() ...
 *	return interrupted() ? EXIT_INTERRUPTED : status;
 */

/* The exit status of an interrupted run, as a shell reports death by SIGINT. */
#define EXIT_INTERRUPTED 130

/*
 * Sets what signal sig does (a handler, SIG_IGN or SIG_DFL), with no flags
 * and no signal blocked: sigaction, which is async-signal-safe.
 */
void interrupt_handle(int sig, void (*handler)(int));

/* Installs the handlers that set the flag, for the four signals. */
void interrupt_catch(void);

/*
 * Whether the run was interrupted. Safe from any thread: the flag is a
 * lock-free atomic, which C11 lets a signal handler set and every thread read
 * (a volatile sig_atomic_t is promised only to the thread that ran the handler).
 */
int interrupted(void);

/* How many signals came: 0, 1, or 2 and more. */
int interrupt_count(void);

/*
 * Has the second signal call fn before it removes the temporary files and
 * kills pixpool (the progress line clears itself this way); NULL: nothing.
 * fn runs in a signal handler: async-signal-safe calls only.
 */
void interrupt_at_kill(void (*fn)(void));

/* While hold is set, a second signal is counted instead of killing pixpool. */
void interrupt_hold_second(int hold);

/*
 * The temporary files being written, which a second signal removes before
 * it kills pixpool, so that no partial file outlives it:
 *
 *	fd = interrupt_open_owned(tmp, flags, mode, &slot);	open(2) as well
 *	... write, then rename or unlink tmp ...
 *	interrupt_disown(slot);		whether open worked or not
 *
 * tmp must stay unchanged until interrupt_disown returns. A thread that comes
 * to either call while pixpool is being killed sleeps there until it dies.
 * The process engine's workers ignore the signals: their parent removes what
 * they were writing. Beyond INTERRUPT_WRITERS files at once, a file gets slot
 * -1 and is not removed.
 */
#define INTERRUPT_WRITERS 4096

int interrupt_open_owned(const char *tmp, int flags, mode_t mode, int *slot);
void interrupt_disown(int slot);

#endif

#ifndef PIXPOOL_SANDBOX_H
#define PIXPOOL_SANDBOX_H

/*
 * The process engine's workers decode files that may have been made to
 * attack a decoder. Once set up, each worker confines itself with a seccomp
 * filter that allows only what reading, decoding, filtering and writing an
 * image need. Anything else (starting a program, opening a socket, tracing
 * or signalling another process, making a process or thread, mapping memory
 * executable) kills the worker with SIGSYS, which costs the image it held:
 * the pool reports it crashed and starts a new worker.
 *
 *	if (sandbox_available() < 0)		in the parent, once
 *		... warn: error_message() says why; workers run unconfined ...
 *	sandbox_enter();			in each worker, after set-up
 *
 * The filter cannot tell paths apart: a worker may still open and write
 * files as the user running pixpool can.
 */

/* Returns 0 when this kernel can confine workers, or -1 with an error. */
int sandbox_available(void);

/* Confines the calling process for good. Returns 0, or -1 with an error. */
int sandbox_enter(void);

#endif

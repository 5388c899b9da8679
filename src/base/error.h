#ifndef PIXPOOL_ERROR_H
#define PIXPOOL_ERROR_H

/*
 * Error reporting for code that may run in a worker process or an OpenMP
 * thread: a function that fails records one message and returns -1, and the
 * caller that owns the image (work_run) copies the message into the image's
 * result. Nothing prints but what the user sees (main.c, report.c and
 * bench's report), and nothing exits but main.c and option parsing.
 *
 *	if (n < 0)
 *		return error("%s: cannot read: %s", path, strerror(errno));
 *
 * The message lives in a thread-local buffer, so threads never see each
 * other's errors. Messages are lowercase and say what went wrong first.
 */

#include <stddef.h>

#define ERROR_MAX 200

/* Records a message (printf-style) and returns -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Puts "prefix: " before the last message (e.g. the file it concerns); returns -1. */
int error_prefix(const char *prefix);

/* The last message recorded on this thread, or "" if none. */
const char *error_message(void);

/* Forgets the last message. */
void error_clear(void);

#endif

#ifndef PIXPOOL_PROGRESS_H
#define PIXPOOL_PROGRESS_H

/*
 * The progress line on a terminal: images done of the total, percent,
 * images/s and MP/s, failures so far, the time elapsed and the time left,
 * redrawn about four times a second from the moment the work starts, so the
 * clock moves while the first image is still being decoded. It is cut to
 * the terminal's width, dropping the least useful fields first, and never
 * wraps.
 *
 * The time left is estimated from the megapixels done against the
 * megapixels the headers announced (progress_weight), not from image
 * counts, since a folder of thumbnails and panoramas does not go at one
 * image per second.
 *
 * A thread of its own draws it, so that it moves whatever runs the images:
 * the serial and OpenMP engines run them on the calling threads, and the
 * process engine's parent sleeps in poll(). That thread takes no lock but
 * the line's own, never calls malloc or stdio, and blocks every signal: a
 * fork() on another thread (the process engine starts and restarts its
 * workers in mid-run) never leaves a child holding a lock it needs, and
 * Ctrl-C lands on the threads that act on it. Counts are C11 atomics.
 *
 *	double fill, total = progress_total(tasks, n, &fill);
 *	progress_start(progress_wanted(job), n, total);
 *	... for each result, from any thread:
 *	progress_done(1, failed, progress_weight(&tasks[i], fill), megapixels);
 *	... around any other line written to stderr:
 *	progress_hold();  fprintf(stderr, ...);  progress_release();
 *	progress_stop();	clears the line
 *
 * One line per process: these functions share one state.
 */

#include <stddef.h>

#include "job/job.h"
#include "job/walk.h"

/* Whether the line is wanted: not under -q or --no-progress, and on a terminal unless --progress. */
int progress_wanted(const struct job *job);

/*
 * The megapixels the headers of tasks[0 .. n) announce, refused tasks left
 * out. A task whose header said nothing weighs *fill, the mean of the
 * others; when no header said anything, every task weighs 1, and the time
 * left comes from image counts.
 */
double progress_total(const struct task *tasks, size_t n, double *fill);

/* What one task weighs in that total. */
double progress_weight(const struct task *t, double fill);

/*
 * Starts counting towards total images of total_weight; with draw set, a
 * thread draws the line until progress_stop. Starts the elapsed clock.
 */
void progress_start(int draw, size_t total, double total_weight);

/* Text before the counts, such as which run of a bench this is, shown at once; cut to 63 bytes. */
void progress_label(const char *label);

/* images more finished, failed of them not written, weight of them done, megapixels decoded. */
void progress_done(size_t images, size_t failed, double weight, double megapixels);

/* Clears the line and keeps it off until progress_release: stderr is the caller's. */
void progress_hold(void);
void progress_release(void);

/* Stops the thread and clears the line. */
void progress_stop(void);

/*
 * Clears the line from a signal handler, just before the signal ends the
 * process: write(2) only.
 */
void progress_abandon(void);

#endif

#ifndef PIXPOOL_INFO_H
#define PIXPOOL_INFO_H

/*
 * What pixpool would find and do, without decoding a pixel or writing a
 * byte: `pixpool info` on files and folders, and `pixpool run --dry-run`.
 * Both read only headers (probe.h), as the parent of a run does.
 *
 *	return info_main(argc, argv);		// pixpool info [options] INPUT...
 *
 *	batch_walk(&job, &w);			// pixpool run --dry-run
 *	return info_dry_run(&job, &w);
 */

#include "job/job.h"
#include "job/walk.h"

/*
 * pixpool info: for a file, its format, size, channels and metadata; for a
 * folder, walked as run walks it, the images by format, their count and
 * megapixels, the largest and the memory decoding it needs, and what run
 * would skip or refuse, and why. Returns the exit status.
 */
int info_main(int argc, char **argv);

/*
 * Prints "INPUT -> OUTPUT" for each task of w that a run of job would
 * write, and "INPUT: refused: REASON" for each it would refuse (refused by
 * the walk, or over --max-pixels by its header), one line each on stdout,
 * escaped; with a count on stderr unless job->quiet. Returns the exit status
 * the run would have if every image it writes went well: 0 when all would be
 * written, 1 otherwise.
 */
int info_dry_run(const struct job *job, const struct walk *w);

#endif

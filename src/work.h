#ifndef PIXPOOL_WORK_H
#define PIXPOOL_WORK_H

/*
 * One image, end to end: read, decode, filter, encode, write. Every engine
 * calls work_run; they differ only in who calls it and how the result
 * travels back.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "job/job.h"
#include "filter/chain.h"
#include "job/walk.h"




/*
 * Reads an input file into buf, bounded: refuses, without blocking, what is
 * not a regular file (a FIFO, a device); reads the header first and refuses
 * an image over max_pixels (image_header) before reading the rest; refuses
 * a file larger than an image of that size can need (16 bytes a pixel and
 * 64 MiB more); never reads past the size the file had when opened. The
 * header it parsed goes to *header, unless that is NULL.
 */
int work_read_input(const char *path, uint64_t max_pixels, struct buffer *buf,
		    struct probe *header);

/*
 * Reads only the header of path, opened and checked as work_read_input
 * does, looking at its first cap bytes at most. Returns 0, PROBE_MORE when
 * no whole header lies in them, or -1 with an error.
 */
int work_read_header(const char *path, size_t cap, struct probe *p);

/*
 * work_read_header, and the EXIF orientation (1..8) of a JPEG from the same
 * bytes: 1 when they hold none, or for any other format.
 */
int work_read_orientation(const char *path, size_t cap, struct probe *p, int *orientation);

/*
 * Processes one image and fills *res (res->worker is left to the caller).
 * res->error is escaped for a terminal (escape_terminal): it holds the
 * file's name, and reasons built from the file. Filters that split their
 * rows run on the cores lender lends (NULL: none; filter/chain.h).
 */
void work_run(const struct job *job, const struct task *task, struct result *res,
	      const struct lender *lender);

/*
 * The temporary name work_run writes out under in process pid before renaming
 * it: ".NAME.pixpool-PID.tmp" in the output folder. The pool removes it when
 * a worker dies mid-write. Returns -1 if it does not fit in size.
 */
int work_temp_path(const char *out, pid_t pid, char *buf, size_t size);

/*
 * mkdir -p of the folder holding path (path is changed while it runs, and
 * given back as it was); other processes may create it at the same time.
 */
int work_make_parents(char *path);

#endif

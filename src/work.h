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

#include "error.h"
#include "options.h"
#include "walk.h"

enum status {
	STATUS_PENDING = 0,	/* no result yet */
	STATUS_OK,
	STATUS_SKIPPED,		/* not run: the batch was interrupted */
	STATUS_FAILED,		/* bad input, or output not writable */
	STATUS_CRASHED,		/* the worker died on this image */
	STATUS_TIMEOUT,		/* the worker was killed after --timeout */
	STATUS_EXISTS,		/* not run: its output was done (--skip-existing) */
};

/*
 * The record of one image. Fixed size and far smaller than PIPE_BUF, so a
 * worker sends it to the parent with one atomic write().
 */
struct result {
	uint32_t task;
	uint8_t status;		/* enum status */
	uint8_t in_channels;
	uint8_t out_channels;
	int8_t signal;		/* what killed the worker (crashed, timeout) */
	int16_t worker;		/* 0 .. workers-1 */
	int16_t cpu;		/* CPU the image finished on */
	uint8_t meta;		/* enum meta_fate: what became of its metadata */
	uint32_t in_width, in_height;
	uint32_t out_width, out_height;
	uint64_t out_bytes;
	/* Nanoseconds spent in each stage, and in all of work_run. */
	uint64_t read_ns, decode_ns, filter_ns, encode_ns, write_ns, total_ns;
	uint64_t start_ns;	/* clock_ns() when work_run began */
	/* Peak resident size of the process that ran it, up to this image (KiB). */
	uint32_t peak_rss_kb;
	/* Why it failed; for an image that is ok, why some metadata was dropped, or "". */
	char error[ERROR_MAX];
};

/* "ok", "skipped", "failed", "crashed", "timeout", "exists", "pending". */
const char *status_name(enum status status);

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
 * file's name, and reasons built from the file.
 */
void work_run(const struct job *job, const struct task *task, struct result *res);

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

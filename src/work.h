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
 * One image runs in three steps, so that the process that decodes it need
 * open nothing (a process worker cannot: sandbox.h):
 *
 *	struct work_files f;
 *	if (work_open(job, task, &f) < 0)		opens the input, creates the
 *		... work_failed(task, res) ...		temporary output
 *	work_process(job, task, &f, res);		reads, decodes, filters,
 *							encodes, writes: any process
 *	work_commit(job, task, &f, res);		renames the output into place
 *							if res says ok, else removes it
 *
 * work_run does all three in the calling process.
 */
struct work_files {
	int in;			/* the input, opened read-only and checked */
	uint64_t size;		/* its size when opened: never read past it */
	int out;		/* the temporary output, or -1 when nothing is written */
	int slot;		/* its slot in interrupt.h's list, or -1 */
	char tmp[4096];		/* its name: see work_temp_path */
};

#define WORK_FILES_INIT { -1, 0, -1, -1, "" }

/*
 * Opens task's input (a regular file, not empty, without blocking: see
 * work_read_input) and, when it has an output, makes the output's folders
 * and creates its temporary file, which a second signal removes
 * (interrupt.h). Returns 0, or -1 with an error naming the file, with
 * nothing left open or created. (work_run, and a process worker before it
 * asks for its files, stop at the test hook PIXPOOL_TEST_STOP=opening:NAME.)
 */
int work_open(const struct job *job, const struct task *task, struct work_files *f);

/*
 * Reads f->in, at most f->size bytes, decodes, filters, encodes and writes
 * to f->out, and fills *res (res->worker is left to the caller), as
 * work_run says; opens no path. Leaves the descriptors open: work_commit closes them.
 */
void work_process(const struct job *job, const struct task *task, const struct work_files *f,
		  struct result *res, const struct lender *lender);

/*
 * Closes f's descriptors and, when res says ok, renames the temporary
 * output into place (res becomes failed if that fails), else removes it.
 * Never fails otherwise; f may be WORK_FILES_INIT.
 */
void work_commit(const struct job *job, const struct task *task, struct work_files *f,
		 struct result *res);

/* Fills *res as failed for task, with error_message() escaped as its reason. */
void work_failed(const struct task *task, struct result *res);

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
 * Processes one image in this process, the three steps above, and fills
 * *res (res->worker is left to the caller). res->error is escaped for a
 * terminal (escape_terminal): it holds the file's name, and reasons built
 * from the file. Filters that split their rows run on the cores lender
 * lends (NULL: none; filter/chain.h).
 */
void work_run(const struct job *job, const struct task *task, struct result *res,
	      const struct lender *lender);

/*
 * The temporary name work_open creates in process pid for out:
 * ".NAME.pixpool-PID.tmp" in the output folder. Returns -1 if it does not
 * fit in size.
 */
int work_temp_path(const char *out, pid_t pid, char *buf, size_t size);

/*
 * mkdir -p of the folder holding path (path is changed while it runs, and
 * given back as it was); other processes may create it at the same time.
 */
int work_make_parents(char *path);

#endif

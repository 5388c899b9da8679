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
#include <time.h>

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
	struct timespec dates[2];	/* its access and modification times then (--keep-dates) */
	int nout;		/* the temporary outputs, one per output of the task */
	int out[OUTPUTS_MAX];	/*   (job_outputs), or none when nothing is written */
	int slot[OUTPUTS_MAX];	/* each one's slot in interrupt.h's list */
	char tmp[OUTPUTS_MAX][4096];	/* their names: see work_temp_path */
};

#define WORK_FILES_INIT { -1, 0, { { 0, 0 }, { 0, 0 } }, 0, { 0 }, { 0 }, { "" } }

/*
 * Opens task's input (a regular file, not empty, without blocking: see
 * input_read_file, codec/input.h) and, when it has outputs, makes their folders
 * and creates a temporary file for each, which a second signal removes
 * (interrupt.h). Returns 0, or -1 with an error naming the file, with
 * nothing left open or created. (work_run, and a process worker before it
 * asks for its files, stop at the test hook PIXPOOL_TEST_STOP=opening:NAME.)
 */
int work_open(const struct job *job, const struct task *task, struct work_files *f);

/*
 * Reads f->in, at most f->size bytes, decodes, filters, encodes and writes
 * each output k to f->out[k], and fills *res (res->worker is left to the caller), as
 * work_run says; opens no path. Leaves the descriptors open: work_commit closes them.
 */
void work_process(const struct job *job, const struct task *task, const struct work_files *f,
		  struct result *res, const struct lender *lender);

/*
 * Closes f's descriptors and, when res says ok, renames every temporary
 * output into place (name.h; a name holding {width} or {height} only now
 * known, refused when an output of this run has it already), with its
 * input's dates when job->keep_dates, else removes them: an image's outputs
 * are all written, or none (res becomes failed when one cannot be). Never
 * fails otherwise; f may be WORK_FILES_INIT.
 */
void work_commit(const struct job *job, const struct task *task, struct work_files *f,
		 struct result *res);

/*
 * Records that this run writes name, from input: 0, or -1 with an error
 * naming the input it was written from when an output has it already.
 */
int work_claim_name(const char *name, const char *input);

/* Fills *res as failed for task, with error_message() escaped as its reason. */
void work_failed(const struct task *task, struct result *res);

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
 * ".NAME.pixpool-PID.tmp" in the output folder (".NAME.pixpool-PID-TASK.tmp"
 * for a name made from the output's size: see name.h). Returns -1 if it does not
 * fit in size.
 */
int work_temp_path(const char *out, pid_t pid, char *buf, size_t size);

#endif

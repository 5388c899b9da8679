#include "job/job.h"

#include <stdlib.h>

static const char *const status_names[] = {
	[STATUS_PENDING] = "pending",
	[STATUS_OK] = "ok",
	[STATUS_SKIPPED] = "skipped",
	[STATUS_FAILED] = "failed",
	[STATUS_CRASHED] = "crashed",
	[STATUS_TIMEOUT] = "timeout",
	[STATUS_EXISTS] = "exists",
};

const char *status_name(enum status status)
{
	return status_names[status];
}

const char *const channel_names[] = { "pipe", "shm", NULL };
const char *const schedule_names[] = { "dynamic", "static", "lpt", NULL };

const char *channel_name(enum channel_kind c)
{
	return channel_names[c];
}

const char *schedule_name(enum schedule s)
{
	return schedule_names[s];
}

int job_outputs(const struct job *job)
{
	return (job->nvariants > 1 ? job->nvariants : 1) * (job->nformats > 1 ? job->nformats : 1);
}

static int formats_of(const struct job *job)
{
	return job->nformats > 1 ? job->nformats : 1;
}

const struct variant *job_output_variant(const struct job *job, int k)
{
	return job->nvariants ? &job->variants[k / formats_of(job)] : NULL;
}

enum format job_format_asked(const struct job *job, int k)
{
	return job->nformats ? job->formats[k % formats_of(job)] : job->format;
}

enum format job_output_format(const struct job *job, enum format in, int k)
{
	const struct format_row *row = format_row(in);
	enum format asked = job_format_asked(job, k);

	if (asked)
		return asked;
	if (!row || row->encode)
		return in;
	return row->written_as ? row->written_as : FORMAT_PNG;
}

void task_free_outputs(struct task *task)
{
	if (!task->out)
		return;
	for (char **p = task->out; *p; p++)
		free(*p);
	free(task->out);
	task->out = NULL;
}

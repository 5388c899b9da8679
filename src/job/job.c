#include "job/job.h"

static const char *const status_names[] = {
	[STATUS_PENDING] = "pending",
	[STATUS_OK] = "ok",
	[STATUS_SKIPPED] = "skipped",
	[STATUS_FAILED] = "failed",
	[STATUS_CRASHED] = "crashed",
	[STATUS_TIMEOUT] = "timeout",
	[STATUS_EXISTS] = "exists",
};

enum format job_output_format(const struct job *job, enum format in)
{
	const struct format_row *row = format_row(in);

	if (job->format)
		return job->format;
	return row && !row->encode ? FORMAT_PNG : in;
}

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

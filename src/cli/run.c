/*
 * `pixpool run`, the default command: the job from the command line, its
 * inputs walked into tasks (and cut to a shard), the engine run over them,
 * then the summary, the manifest and the exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/interrupt.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/preflight.h"
#include "codec/input.h"
#include "engine/engine.h"
#include "job/batch.h"
#include "job/select.h"
#include "job/shard.h"
#include "job/walk.h"
#include "report/report.h"

static int exit_status(const struct batch *b, const struct walk *w, int walk_failed)
{
	struct totals t;

	batch_totals(b, &t);
	if (interrupted())
		return EXIT_INTERRUPTED;
	if (walk_failed || w->errors || t.count[STATUS_OK] + t.count[STATUS_EXISTS] != b->ntasks)
		return 1;
	return 0;
}

/*
 * Before any image is read: the output folder made and written to, the
 * manifest created, or one usage error. A dry run only checks that they
 * could be, and makes nothing.
 */
static void check_outputs(const struct job *job, struct preflight *pf)
{
	preflight_init(pf);
	if (job->outdir && !job->to_stdout)
		preflight_folder(pf, "-o", job->outdir, !job->dry_run);
	if (job->manifest && strcmp(job->manifest, "-"))
		preflight_file(pf, "--manifest", job->manifest, !job->dry_run);
}

/*
 * The tasks of the run in w: the inputs walked, what the walk could not take
 * reported, and the shard cut. Returns 0, with *walk_failed set when the walk
 * stopped short (the run goes on with what it found), or -1 when there is
 * nothing to run, said on stderr.
 */
static int find_tasks(struct job *job, struct walk *w, int *walk_failed)
{
	*walk_failed = batch_walk(job, w) < 0;
	report_walk_skips(w);
	if (job->verbose && !job->dry_run)
		report_walk_passed(w);
	if (*walk_failed && error_message()[0])
		fprintf(stderr, "pixpool: %s\n", error_message());
	if (w->ntasks == 0) {
		fprintf(stderr, "pixpool: no images found (%zu non-image files, %zu hidden, %zu links skipped, "
			"%zu excluded)\n", w->other, w->hidden, w->links, w->excluded);
		return -1;
	}
	/*
	 * A shard of a walk cut short would not be the shard the other machines
	 * leave to it. Images done are marked only once the shard is cut, so a
	 * resumed shard is the same shard.
	 */
	if (job->shard.n && (*walk_failed || shard_apply(&job->shard, w) < 0)) {
		fprintf(stderr, "pixpool: --shard: %s\n", *walk_failed ? "the walk stopped short" :
			error_message());
		return -1;
	}
	if (job->shard.n)
		select_existing(job, w);
	return 0;
}

/*
 * Runs the engine over the tasks of w and reports what became of them.
 * Returns the exit status.
 */
static int run_tasks(const struct job *job, struct walk *w, int walk_failed)
{
	struct report rep;
	struct batch b = { .job = job, .tasks = w->tasks, .ntasks = w->ntasks,
			   .finished = report_result, .warning = report_warning, .data = &rep };
	uint64_t start;
	int ret;

	/* A shard may hold no image at all: it still runs, and says so. */
	b.results = calloc(w->ntasks ? w->ntasks : 1, sizeof(*b.results));
	if (!b.results) {
		fprintf(stderr, "pixpool: out of memory for %zu results\n", w->ntasks);
		return 1;
	}
	/* Before the first output, so that every output a later --skip-existing finds is covered. */
	if (select_settings_write(job, w) < 0) {
		fprintf(stderr, "pixpool: %s\n", error_message());
		walk_failed = 1;
	}
	interrupt_catch();
	report_start(&rep, &b);
	clock_gettime(CLOCK_REALTIME, &b.started);
	start = clock_ns();
	if (engine_run(&b) < 0) {
		report_warning(error_message(), &rep);
		walk_failed = 1;
	}
	b.wall_ns = clock_ns() - start;
	report_summary(&rep, w, b.wall_ns);
	if (job->manifest && report_manifest(&b, job->manifest) < 0) {
		fprintf(stderr, "pixpool: %s\n", error_message());
		walk_failed = 1;
	}
	ret = exit_status(&b, w, walk_failed);
	free(b.results);
	return ret;
}

int run_main(int argc, char **argv)
{
	struct job job;
	struct walk w;
	struct preflight pf;
	int walk_failed, ret = 1;
	char why[ERROR_MAX * 8];

	job_init(&job);
	options_parse(&job, argc, argv);
	if (select_settings_check(&job, why, sizeof(why)) < 0)
		usage_error("%s", why);
	check_outputs(&job, &pf);
	walk_init(&w);
	/* The parent keeps standard input whole before any worker starts (codec/input.h). */
	if (job.to_stdout && input_take_stdin(job.max_pixels) < 0) {
		fprintf(stderr, "pixpool: standard input: %s\n", error_message());
		goto out;
	}
	if (find_tasks(&job, &w, &walk_failed) < 0)
		goto out;
	if (job.dry_run) {
		ret = info_dry_run(&job, &w);
		ret = walk_failed ? 1 : ret;
		goto out;
	}
	ret = run_tasks(&job, &w, walk_failed);
out:
	/*
	 * A run that wrote nothing leaves no empty output folder of its making
	 * (a dry run made none).
	 */
	preflight_undo(&pf);
	walk_release(&w);
	job_release(&job);
	return ret;
}

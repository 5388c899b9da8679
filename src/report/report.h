#ifndef PIXPOOL_REPORT_H
#define PIXPOOL_REPORT_H

/*
 * What the user sees of a run, and the only place that prints it: a line per
 * failed image as soon as it fails (and per image with -v), a progress line
 * on a terminal (drawn by progress.h from report_start on), the summary
 * with one line per worker at the end, and the optional manifest file.
 * Engines never print: report_result and report_warning are the callbacks a
 * batch (batch.h) hands them.
 *
 *	struct report rep;
 *	report_start(&rep, &batch);
 *	batch.finished = report_result;
 *	batch.warning = report_warning;
 *	batch.data = &rep;
 *	engine_run(&batch);
 *	report_summary(&rep, &walk, wall_ns);	(ends the progress line)
 *	report_manifest(&batch, path);
 */

#include <stdint.h>
#include <stdio.h>

#include "job/batch.h"
#include "job/walk.h"
#include "report/events.h"

struct report {
	const struct batch *b;
	uint64_t start;		/* clock_ns() at report_start */
	double fill;		/* progress weight of an image whose header said nothing */
	int json;		/* --progress=json: events on stderr */
	struct events events;
};

void report_start(struct report *rep, const struct batch *b);

/* A batch_finished_fn: data is the struct report. */
void report_result(const struct result *res, void *data);

/* A batch_warning_fn: prints "pixpool: MESSAGE" (data may be NULL). */
void report_warning(const char *message, void *data);

void report_summary(struct report *rep, const struct walk *w, uint64_t wall_ns);

/* What a JSON manifest says it is: its "schema" (pixpool report reads it). */
#define MANIFEST_SCHEMA "pixpool-manifest/2"
/*
 * The schema before run.ipc was named run.channel; pixpool report reads
 * both, as it reads no field whose name changed.
 */
#define MANIFEST_SCHEMA_1 "pixpool-manifest/1"

/*
 * Writes one record per image to path, JSON or CSV by its extension; the
 * JSON also holds the run's own record (README.md, "The manifest").
 * Returns 0 or -1.
 */
int report_manifest(const struct batch *b, const char *path);

/* The manifest's escaping, for other files with strings in them (bench's JSON and CSV). */
void report_json_string(FILE *f, const char *s);
void report_csv_string(FILE *f, const char *s);

/* One line per input or entry the walk did not take: "pixpool: PATH: REASON". */
void report_walk_skips(const struct walk *w);

/* One line per file the walk passed over, for -v: "skipped  PATH: REASON". */
void report_walk_passed(const struct walk *w);

#endif

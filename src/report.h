#ifndef PIXPOOL_REPORT_H
#define PIXPOOL_REPORT_H

/*
 * What the user sees of a run: a line per failed image as soon as it fails
 * (and per image with -v), a progress line on a terminal, the summary with
 * one line per worker at the end, and the optional manifest file.
 *
 *	report_start(&batch, &walk);
 *	... engines call report_result() for each image as it lands ...
 *	report_summary(&batch, &walk, wall_ns);
 *	report_manifest(&batch, path);
 */

#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "walk.h"

/* Totals of a finished batch. */
struct totals {
	size_t count[STATUS_TIMEOUT + 1];	/* images per status */
	double megapixels;	/* input megapixels of the images written */
	uint64_t in_bytes, out_bytes;
};

void report_start(const struct batch *b);

/* Called once per image, by whichever process or thread has the result. */
void report_result(const struct batch *b, const struct result *res);

void batch_totals(const struct batch *b, struct totals *t);

void report_summary(const struct batch *b, const struct walk *w, uint64_t wall_ns);

/* Writes one record per image to path, JSON or CSV by its extension. */
int report_manifest(const struct batch *b, const char *path);

/* The manifest's escaping, for other files with strings in them (bench's JSON and CSV). */
void report_json_string(FILE *f, const char *s);
void report_csv_string(FILE *f, const char *s);

/* One line per input or entry the walk did not take: "pixpool: PATH: REASON". */
void report_walk_skips(const struct walk *w);

#endif

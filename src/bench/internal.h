#ifndef PIXPOOL_BENCH_INTERNAL_H
#define PIXPOOL_BENCH_INTERNAL_H

/*
 * What the files of `pixpool bench` hand each other, private to bench*.c.
 * bench.c calls them in this order:
 *
 *	bench_parse(&bn, argc, argv);		bench_options.c
 *	bench_read_machine(&bn.machine);	bench_machine.c
 *	... walk; bn.cached_before = bench_cached_fraction(&w); ...
 *	... the warm-up and the runs, filling bn.runs ...
 *	bench_derive(&bn);			bench_derive.c
 *	bench_print(&bn, stdout);		bench_report.c
 */

#include "bench/bench.h"
#include "job/walk.h"

/*
 * Fills bn with bench's defaults, then with argv (argv[0] is "bench").
 * Prints the error and exits with 2 on a usage error, among them a report
 * file that cannot be created; prints help and exits 0 on -h.
 */
void bench_parse(struct bench *bn, int argc, char **argv);

/* The machine this process runs on; never fails, "unknown" where it cannot tell. */
void bench_read_machine(struct bench_machine *m);

/* The fraction of the bytes of w's input files in the page cache, 0 .. 1. */
double bench_cached_fraction(const struct walk *w);

/*
 * bn->runs, bn->nruns and bn->rows with their engine and workers set: fills
 * in every row, the Amdahl fit, the breakdown of the 1-worker serial time,
 * and bn->megapixels. Needs at least one run.
 */
void bench_derive(struct bench *bn);

#endif

#ifndef PIXPOOL_BENCH_INTERNAL_H
#define PIXPOOL_BENCH_INTERNAL_H

/*
 * What the files of `pixpool bench` hand each other, private to bench*.c.
 * run.c calls them in this order:
 *
 *	bench_read_machine(&bn.machine);	machine.c, from the command
 *						line (cli/bench.c), and that
 *	    bench_read_topology(&bn.machine, "");	topology.c
 *	... walk; bn.cached_before = bench_cached_fraction(&w); ...
 *	bench_probe_memory(&bn);		memory.c, with --explain
 *	... the warm-up and the runs, filling bn.runs ...
 *	bench_derive(&bn);			derive.c, which calls
 *	    bench_advise(&bn);			advise.c
 *	bench_print(&bn, stdout);		table.c
 */

#include "bench/bench.h"
#include "job/walk.h"

/*
 * Its cores, SMT siblings, caches, NUMA nodes and clock, from /sys and
 * /proc/cpuinfo under root ("" for the real ones; a test's fake tree
 * otherwise). What cannot be read stays 0.
 */
void bench_read_topology(struct bench_machine *m, const char *root);

/*
 * --explain: a streaming copy at each pool size of bn->sizes (and 1), into
 * bn->probes. Returns 0, or -1 with an error when out of memory.
 */
int bench_probe_memory(struct bench *bn);

/*
 * Whether a configuration's median has settled (BENCH_SETTLED) over the
 * runs in bn->runs so far: --repeat auto runs it again until it has.
 */
int bench_row_settled(const struct bench *bn, const struct bench_row *row);

/*
 * bn->advice from bn->rows (derived): the smallest pool within
 * BENCH_ENOUGH of the fastest measured row, and why the next pool adds so
 * little. Never projects beyond the rows measured.
 */
void bench_advise(struct bench *bn);

/* Closes f, written to path: 0, or -1 with an error naming path if any write failed. */
int bench_close_file(FILE *f, const char *path);

/* The fraction of the bytes of w's input files in the page cache, 0 .. 1. */
double bench_cached_fraction(const struct walk *w);

/*
 * bn->runs, bn->nruns and bn->rows with their engine and workers set: fills
 * in every row, the Amdahl fit, the breakdown of the 1-worker serial time,
 * and bn->megapixels. Needs at least one run.
 */
void bench_derive(struct bench *bn);

#endif

#ifndef PIXPOOL_COMMANDS_H
#define PIXPOOL_COMMANDS_H

/*
 * The commands of pixpool, one function each: main() (cli/main.c) picks
 * one from its table and hands it argv, argv[0] being the command's name.
 * Each returns the exit status; a usage error exits with 2 from the option
 * parser (cli/options.h) before anything is read or written.
 *
 *	return run_main(argc, argv);		// pixpool [run] [options] INPUT...
 *	return info_main(argc, argv);		// pixpool info [options] INPUT...
 *	return report_main(argc, argv);		// pixpool report MANIFEST...
 *	return bench_main(argc, argv);		// pixpool bench [options] INPUT...
 */

#include "job/job.h"
#include "job/walk.h"

/*
 * pixpool run (cli/run.c): the images of the inputs through the filter
 * chain on the engine's workers; 0 when every image was written (or was
 * done already), 1 when one was not or an input could not be walked, 130
 * when interrupted.
 */
int run_main(int argc, char **argv);

/*
 * pixpool info (cli/info.c): for a file, its format, size, channels and
 * metadata; for a folder, walked as run walks it, the images by format,
 * their count and megapixels, the largest and the memory decoding it needs,
 * and what run would skip or refuse, and why. Reads headers only (codec/),
 * as the parent of a run does.
 */
int info_main(int argc, char **argv);

/*
 * pixpool run --dry-run (cli/info.c): prints "INPUT -> OUTPUT" for each task
 * of w that a run of job would write, and "INPUT: refused: REASON" for each
 * it would refuse (refused by the walk, or over --max-pixels by its header),
 * one line each on stdout, escaped; with a count on stderr unless
 * job->quiet. Returns the exit status the run would have if every image it
 * writes went well: 0 when all would be written, 1 otherwise.
 */
int info_dry_run(const struct job *job, const struct walk *w);

/*
 * pixpool bench (cli/bench.c): its options, then the runs, the table and
 * the files of bench_execute (bench/bench.h).
 */
int bench_main(int argc, char **argv);

/*
 * pixpool report MANIFEST... (cli/report.c): adds up the JSON manifests of
 * one job's shards (pixpool run --shard K/N --manifest FILE.json on each
 * machine) into one summary, per shard and together, text or --json. 0
 * when every shard is there once and every image was written; 1 when an
 * image was not written, a shard is missing, or a manifest cannot be read
 * or does not add up.
 */
int report_main(int argc, char **argv);

#endif

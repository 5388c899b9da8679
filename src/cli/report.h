#ifndef PIXPOOL_MERGE_H
#define PIXPOOL_MERGE_H

/*
 * pixpool report MANIFEST...: adds up the JSON manifests of one job's
 * shards (pixpool run --shard K/N --manifest FILE.json on each machine) into
 * one summary, per shard and together, text or --json.
 *
 *	return merge_main(argc, argv);	// argv[0] is "report"
 *
 * Exit status: 0 every shard there once and every image written; 1 an
 * image not written, a shard missing, or a manifest that cannot be read or
 * does not add up; 2 usage error.
 */

int merge_main(int argc, char **argv);

#endif

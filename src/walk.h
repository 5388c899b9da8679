#ifndef PIXPOOL_WALK_H
#define PIXPOOL_WALK_H

/*
 * Finding the images: walks the inputs (folders recursively, and plain files)
 * and makes one task per image, in a stable order that depends only on the
 * names on disk.
 *
 * A file is an image when its first bytes say so, whatever its name. Hidden
 * files and folders (".name") are skipped, and so are symbolic links unless
 * follow_symlinks is set. Entries of a folder are visited in byte order of
 * their names, depth first, so two walks of the same tree give the same list.
 *
 *	struct walk w;
 *	walk_init(&w);
 *	walk_add(&w, "photos", follow_symlinks);	// once per input
 *	... w.tasks[0 .. w.ntasks) ...
 *	walk_release(&w);
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "image.h"

struct task {
	uint32_t id;		/* index in the task array */
	enum format format;	/* from the first bytes */
	char *path;		/* as opened: input + relative path */
	char *rel;		/* relative path below its input, mirrored under -o */
	char *out;		/* output path, or NULL when nothing is written */
	uint64_t bytes;		/* input file size */
	uint64_t cost;		/* memory it is expected to need (probe.h); 0: unknown */
	dev_t dev;		/* identity of the input file, to refuse */
	ino_t ino;		/*   an output path that resolves to it */
	const char *refused;	/* set before the run: why this image is not processed */
};

struct walk {
	struct task *tasks;
	size_t ntasks;
	size_t alloc;
	size_t other;		/* regular files that are not images */
	size_t hidden;		/* hidden entries skipped */
	size_t links;		/* symbolic links not followed */
	size_t errors;		/* entries that could not be read (reported) */
	int skip;		/* set: do not enter the folder skip_dev/skip_ino */
	dev_t skip_dev;		/*   (the output folder, when it lies inside */
	ino_t skip_ino;		/*   an input, so outputs are never inputs) */
};

void walk_init(struct walk *w);
void walk_release(struct walk *w);

/*
 * Adds the images of one input. rel_prefix is put before every relative
 * path ("" for none). Entries that cannot be read are reported on stderr,
 * counted in errors, and skipped; returns -1 only when the input itself
 * cannot be read.
 */
int walk_add(struct walk *w, const char *input, const char *rel_prefix,
	     int follow_symlinks);

#endif

#ifndef PIXPOOL_WALK_H
#define PIXPOOL_WALK_H

/*
 * Finding the images: walks the inputs (folders recursively, and plain files)
 * and makes one task per image, in a stable order that depends only on the
 * names on disk.
 *
 * A file is an image when its first bytes say so, whatever its name. A file
 * whose name or bytes say it is a photo is a task even when pixpool cannot
 * read it, so that it fails with the reason (codec/unread.h). Hidden
 * files and folders (".name") are skipped, and so are symbolic links unless
 * follow_symlinks is set. Entries of a folder are visited in byte order of
 * their names, depth first, so two walks of the same tree give the same list.
 *
 * The walk never prints. What it could not take (an unreadable folder or
 * file, a dangling link, a link loop, an entry nested too deep) is recorded
 * by path and reason, for the caller to report:
 *
 *	struct walk w;
 *	walk_init(&w);
 *	if (walk_add(&w, "photos", "", follow_symlinks) < 0)	// once per input
 *		... error_message() says where memory ran out ...
 *	... w.tasks[0 .. w.ntasks) ...
 *	skips = walk_skips(&w, &n);	// ... report skips[0 .. n) ...
 *	walk_release(&w);
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "job/job.h"


/* An input or entry the walk did not take. */
struct walk_skip {
	char *path;		/* as the walk reached it */
	const char *reason;	/* why, lowercase (in the same allocation as path) */
};

struct walk {
	struct task *tasks;
	size_t ntasks;
	size_t alloc;
	size_t other;		/* regular files that are not images */
	size_t hidden;		/* hidden entries skipped */
	size_t links;		/* symbolic links not followed */
	size_t excluded;	/* images left out by --include/--exclude (select.h) */
	size_t errors;		/* inputs and entries not walked, each one in */
	struct walk_skip *skips;	/*   skips[] (which is shorter only when */
	size_t nskips;		/*   memory ran out before it was recorded) */
	size_t skips_alloc;
	/*
	 * Set before walking to keep every file passed over (not an image,
	 * hidden, a link not followed, excluded), each with its reason, in
	 * passed[]: what -v and --dry-run list. Unset, they are only counted.
	 */
	int list_passed;
	struct walk_skip *passed;
	size_t npassed;
	size_t passed_alloc;
	void *linked;		/* folders walk_add entered through links, how often */
	int skip;		/* set: do not enter the folder skip_dev/skip_ino */
	dev_t skip_dev;		/*   (the output folder, when it lies inside */
	ino_t skip_ino;		/*   an input, so outputs are never inputs) */
};

void walk_init(struct walk *w);
void walk_release(struct walk *w);

/*
 * Adds the images of one input. rel_prefix is put before every relative
 * path ("" for none). An input that cannot be read, or that is a file but not
 * an image, and every entry below it that cannot be walked, is recorded in
 * skips[] and counted in errors; the walk goes on without it. Returns -1 only
 * when memory ran out: the walk stops there, the tasks found so far are kept,
 * and error_message() names the path where it stopped.
 */
int walk_add(struct walk *w, const char *input, const char *rel_prefix,
	     int follow_symlinks);

/*
 * Records path as not taken, for reason, as the walk records what it cannot
 * walk (counted in errors), for the steps that find inputs in other ways
 * (select.h). Returns -1 only when out of memory.
 */
int walk_not_taken(struct walk *w, const char *path, const char *reason);

/* What the walks so far did not take, in walk order: *n records. */
const struct walk_skip *walk_skips(const struct walk *w, size_t *n);

/*
 * Records path as passed over, for reason (a constant), when list_passed
 * is set: for the steps that leave files out in other ways (select.h).
 * Returns -1 only when out of memory.
 */
int walk_pass(struct walk *w, const char *path, const char *reason);

/* What the walks so far passed over, when list_passed was set: *n records. */
const struct walk_skip *walk_passed(const struct walk *w, size_t *n);

#endif

#ifndef PIXPOOL_PREFLIGHT_H
#define PIXPOOL_PREFLIGHT_H

/*
 * The checks made before any image is read, on the paths a run or a bench
 * will write: a mistake there is one usage error (exit 2) up front, not one
 * error per image after every image was decoded. A failed check leaves
 * nothing behind: what a check made only to find out is removed again.
 *
 *	struct preflight pf;
 *	preflight_init(&pf);
 *	preflight_folder(&pf, "-o", job.outdir, !job.dry_run);
 *	preflight_file(&pf, "--manifest", job.manifest, !job.dry_run);
 *	... run; nothing to do after all: ...
 *	preflight_undo(&pf);		// the folders made here, if still empty
 *	preflight_release(&pf);
 *
 * Permission bits are not trusted to tell (root ignores them, a read-only
 * mount or an immutable folder does not show in them): writing is tried.
 */

#include <stddef.h>

/* More folders than this in one -o path are made, but not undone. */
#define PREFLIGHT_MAX_MADE 64

struct preflight {
	char *made;		/* the path of the folder preflight_folder made, or NULL */
	size_t made_len[PREFLIGHT_MAX_MADE];	/* the lengths of its parts that */
	int nmade;		/*   mkdir made, shallowest first */
	const char *pending;	/* the folder it would have made, without write */
};

void preflight_init(struct preflight *pf);
void preflight_release(struct preflight *pf);

/*
 * dir must be a folder, or a path where one can be made: no part of it a
 * file. With write set, makes it (mkdir -p) and creates and removes a file
 * in it. Otherwise a usage error "OPTION DIR: ...", after undoing what
 * this call made.
 */
void preflight_folder(struct preflight *pf, const char *option, const char *dir, int write);

/*
 * path must be a file that can be created (or written, when it exists): its
 * folder exists (or is, or is inside, the folder preflight_folder would have
 * made without write) and it is not a folder. With write set, opens it for
 * appending, and removes it when it did not exist before. Otherwise a usage
 * error "OPTION PATH: ...", after undoing what preflight_folder made.
 */
void preflight_file(struct preflight *pf, const char *option, const char *path, int write);

/* Removes the folders preflight_folder made, deepest first, those still empty. */
void preflight_undo(struct preflight *pf);

#endif

#ifndef PIXPOOL_CHAIN_H
#define PIXPOOL_CHAIN_H

/*
 * Filter chains: the filters of the table (filter/filter.h) in the order
 * the user gave them, with their parameters. A chain is written as the user types it:
 *
 *	grayscale,blur:sigma=2,resize:width=800,height=600
 *
 * Items are separated by commas. An item "name" or "name:key=value" starts a
 * filter; an item "key=value" sets one more parameter of the filter before it.
 * "name:value" sets the filter's first parameter. Unset parameters take
 * their defaults.
 *
 *	struct chain chain = CHAIN_INIT;
 *	if (chain_parse(&chain, "blur:sigma=2") < 0)
 *		... error_message() names the bad item ...
 *	if (chain_apply(&chain, &img, NULL) < 0)	// or a lender of spare cores
 *		... out of memory, or a filter refused the image ...
 */

#include <stddef.h>
#include <stdint.h>

#include "filter/filter.h"

#define CHAIN_MAX 32

/* One filter of a chain, with all its parameter values. */
struct step {
	const struct filter *filter;
	double args[FILTER_MAX_PARAMS];
};

struct chain {
	int len;
	struct step steps[CHAIN_MAX];
};

#define CHAIN_INIT { 0 }

/* Appends the filters of spec to chain. -1 with error() naming the bad item. */
int chain_parse(struct chain *chain, const char *spec);

/*
 * Cores a step may borrow beyond its own thread, given back when it is done:
 * the process engine lends those of the workers that found no image left
 * (engine/spare.h). claim returns how many it took, up to most.
 */
struct lender {
	int (*claim)(int most);
	void (*give)(int n);
};

/*
 * Applies every step in order. A step that can split its rows over threads
 * (reach or apply_threads in struct filter) runs on one more thread for each
 * core lender lends it (NULL: none); the bytes out are the same.
 */
int chain_apply(const struct chain *chain, struct image *img, const struct lender *lender);

/*
 * The factor (1 or 2) by which a width x height image, turned
 * upright by EXIF orientation (1 .. 8; filter_orient) after it is decoded,
 * can be shrunk on load before this chain: its first filter's load_shrink
 * for the upright size, 1 if it has none. The last row and column of a
 * shrunk image can stand for fewer pixels than the others, which filters
 * expect at the right and bottom; so an image to be turned or mirrored is
 * shrunk only by a factor that divides both its sides.
 */
int chain_load_shrink(const struct chain *chain, int width, int height, int orientation);

/*
 * The most pixels an image of width x height holds at any point of the
 * chain: its own, or any filter's output (resize up, crop then resize).
 */
uint64_t chain_largest(const struct chain *chain, int width, int height);

/* Whether step can run on more than one thread. */
int step_splits(const struct step *step);

/*
 * Applies one step on up to threads threads (fewer for a small image, or
 * when a thread cannot be had); the bytes out are the same for any count.
 */
int step_apply(const struct step *step, struct image *img, int threads);

/*
 * Sets *to to a's steps then b's (--variant: the job's chain, then the
 * variant's). -1 with an error when they are more than CHAIN_MAX together.
 */
int chain_join(struct chain *to, const struct chain *a, const struct chain *b);

/* Writes the chain in canonical form ("blur:sigma=2") into buf. */
void chain_format(const struct chain *chain, char *buf, size_t size);

/*
 * Turns img upright from EXIF orientation 1..8: 1 as stored, 2 mirrored
 * left to right, 3 rotated 180, 4 mirrored top to bottom, 5 transposed,
 * 6 rotated 90 clockwise, 7 transversed, 8 rotated 270 clockwise. A new
 * image replaces the old one (width and height swap for 5..8). The
 * pipeline's autoorient step, built from the rotations and flips of
 * filters/geometry.c. Returns 0, or -1 with an error.
 */
int filter_orient(struct image *img, int orientation);

#endif

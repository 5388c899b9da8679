#ifndef PIXPOOL_FILTER_H
#define PIXPOOL_FILTER_H

/*
 * Filters and filter chains.
 *
 * Every filter is a row in one static table (filter.c): its name, a line of
 * help, its parameters with defaults and ranges, and the function that applies
 * it. The chain parser, `pixpool filters` and --help all read that table.
 *
 * A chain is written as the user types it:
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
 *	if (chain_apply(&chain, &img) < 0)
 *		... out of memory, or a filter refused the image ...
 */

#include "codec/image.h"

#define FILTER_MAX_PARAMS 6
#define CHAIN_MAX 32
/* The most threads one filter runs on. */
#define FILTER_THREADS_MAX 64

/*
 * One parameter. Values are doubles. A parameter with choices takes one of
 * the listed words and stores its index; min and max are then ignored.
 */
struct filter_param {
	const char *name;
	double def;
	double min;
	double max;
	const char *help;
	const char *const *choices;	/* NULL-terminated, or NULL */
};

struct filter {
	const char *name;
	const char *help;
	/*
	 * Applies the filter to img in place; a filter that changes the size
	 * allocates a new image and image_move()s it into img. Returns -1 with
	 * error() on failure (out of memory, image too small for the filter).
	 */
	int (*apply)(struct image *img, const double *args);
	/*
	 * Checks the parameters as a whole (e.g. resize needs a width or a
	 * height); NULL when every value in range is fine. Returns -1 with error().
	 */
	int (*check)(const double *args);
	/*
	 * For a filter whose output row y depends on input rows y - reach ..
	 * y + reach only, in the same way wherever y is: that reach (0 for
	 * a point filter that keeps the size and channels). The filter then
	 * runs on several threads, each on a band of rows with reach more
	 * on each side, with the same bytes out. -1, or NULL, when it cannot.
	 */
	int (*reach)(const double *args);
	/*
	 * For a filter that splits itself over threads: apply with that
	 * many (more than 1), with the same bytes out as apply. NULL if none.
	 */
	int (*apply_threads)(struct image *img, const double *args, int threads);
	/*
	 * For a filter that shrinks: 2 when a width x height image can be
	 * decoded at half size (image_decode_shrunk) with the result still
	 * within what apply makes of the full image, which apply then reads
	 * as standing for it (struct image's shrink); 1 when not. NULL: never.
	 */
	int (*load_shrink)(const double *args, int width, int height);
	/*
	 * For a filter that changes the size: turns *width x *height into the
	 * size it makes of such an image, so that the memory an image will need
	 * is known from its header (chain_largest). NULL: the size is kept.
	 */
	void (*size)(const double *args, int *width, int *height);
	struct filter_param params[FILTER_MAX_PARAMS];
};

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

/* The filter called name, or NULL. */
const struct filter *filter_find(const char *name);

/* Every filter, in the order `pixpool filters` lists them; ends with NULL. */
const struct filter *const *filter_list(void);

/* Number of parameters of a filter. */
int filter_nparams(const struct filter *f);

/* Appends the filters of spec to chain. -1 with error() naming the bad item. */
int chain_parse(struct chain *chain, const char *spec);

/*
 * Applies every step in order. A step that can split its rows over threads
 * (reach or apply_threads above) runs on one more thread for each core it
 * can take from the spare ones (spare.h); the bytes out are the same.
 */
int chain_apply(const struct chain *chain, struct image *img);

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

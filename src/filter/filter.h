#ifndef PIXPOOL_FILTER_H
#define PIXPOOL_FILTER_H

/*
 * A filter is a row in one static table (filter/table.c): its name, a line
 * of help, its parameters with defaults and ranges, and the functions that
 * apply it. The chain parser (filter/chain.h), `pixpool filters` and --help
 * all read that table; each family of filters defines its rows in its own
 * file (filter/kernel.h).
 *
 *	const struct filter *f = filter_find("blur");
 *	for (int i = 0; i < filter_nparams(f); i++)
 *		... f->params[i].name, .def, .min, .max ...
 *	for (const struct filter *const *p = filter_list(); *p; p++)
 *		... every filter, in the order `pixpool filters` lists them ...
 */

#include <stddef.h>
#include <stdint.h>

#include "codec/image.h"

#define FILTER_MAX_PARAMS 6
/* The most threads one filter runs on. */
#define FILTER_THREADS_MAX 64

/*
 * A kind of parameter written as text of its own syntax, such as a
 * geometry ("800x600>", filter/sizing.h), which stands for several
 * numbers. It fills `values` values: its own and those of the
 * parameters after it in the row (resize's size fills width and
 * height too), which a user may still set one by one. `pixpool
 * filters` shows name as its range, and chain_format writes the
 * values back as one text, so that two spellings of one value read
 * the same. parse returns -1 with error() saying what is wrong with
 * the text.
 */
struct param_kind {
	const char *name;
	int values;
	int (*parse)(const char *text, double *values);
	void (*format)(const double *values, char *buf, size_t size);
};

/*
 * One parameter. Values are doubles. A parameter with choices takes one of
 * the listed words and stores its index; one of a kind is parsed by it;
 * min and max are then ignored.
 */
struct filter_param {
	const char *name;
	double def;
	double min;
	double max;
	const char *help;
	const char *const *choices;	/* NULL-terminated, or NULL */
	const struct param_kind *kind;	/* NULL: a number or a choice */
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
	/*
	 * For a filter that holds a larger image on its way than the one it
	 * makes (a cover before its crop): turns *width x *height into that
	 * image's size, for chain_largest. NULL: none but its output.
	 */
	void (*peak)(const double *args, int *width, int *height);
	struct filter_param params[FILTER_MAX_PARAMS];
};

/* The filter called name, or NULL. */
const struct filter *filter_find(const char *name);

/* Every filter, in the order `pixpool filters` lists them; ends with NULL. */
const struct filter *const *filter_list(void);

/* Number of parameters of a filter. */
int filter_nparams(const struct filter *f);

/* Sets args[] to the defaults of f's parameters. */
void filter_defaults(const struct filter *f, double *args);

/*
 * The value of parameter i as a user writes it, from all of f's args:
 * a number, a choice's word, or a kind's text.
 */
void filter_param_text(const struct filter *f, int i, const double *args, char *buf,
		       size_t size);

#endif

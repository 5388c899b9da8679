#ifndef PIXPOOL_SIZING_H
#define PIXPOOL_SIZING_H

/*
 * Geometries: the sizes resize and thumbnail take, written as mogrify
 * writes them ("800x600>", "50%"). A geometry is a parameter kind
 * (filter/filter.h) filling three values, its flags and the width and
 * height parameters after it; it is written back in one spelling, and
 * turns an image's size into the one the filter makes.
 *
 *	double g[GEOMETRY_VALUES];
 *	if (geometry_kind.parse("800x600>", g) < 0)
 *		... error_message() says what is wrong ...
 *	geometry_size(g, 4000, 3000, &w, &h);		// 800x600
 *
 * Sizes follow ImageMagick's: the side a box decides is its own, the other
 * keeps the aspect ratio, rounded to the nearest pixel (an exact half up)
 * and never 0. Every side is 1 to 65535.
 */

#include "filter/filter.h"

/* The values a geometry fills, from the parameter's own on. */
enum { GEOMETRY_FLAGS, GEOMETRY_WIDTH, GEOMETRY_HEIGHT, GEOMETRY_VALUES };

/*
 * What a geometry's flags say. A width and a height with neither INSIDE
 * nor COVER are the exact size ("800x600!", and resize's width and height
 * given one by one); one side alone keeps the aspect ratio. A side of 0 is
 * not given.
 */
enum geometry_flag {
	GEOMETRY_INSIDE = 1,	/* "WxH": the largest size inside the box */
	GEOMETRY_COVER = 2,	/* "WxH^": the smallest that covers it */
	GEOMETRY_SHRINK = 4,	/* ">": no side grows */
	GEOMETRY_ENLARGE = 8,	/* "<": no side shrinks */
	GEOMETRY_PERCENT = 16,	/* "N%", "WxH%": the sides scale by these percentages */
};

/* A geometry, where a number alone is a width ("800" as mogrify reads it). */
extern const struct param_kind geometry_kind;

/* A geometry, where a number alone is the longest side: "800" is "800x800". */
extern const struct param_kind geometry_box_kind;

/* The size geometry g makes of a width x height image. */
void geometry_size(const double *g, int width, int height, int *w, int *h);

/*
 * The box a cover geometry covers, which the overflow is cut down to: its
 * width and height, or a square for one side alone ("400^").
 */
void geometry_box(const double *g, int *w, int *h);

#endif

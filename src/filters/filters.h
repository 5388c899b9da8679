#ifndef PIXPOOL_FILTERS_H
#define PIXPOOL_FILTERS_H

/*
 * The filters, one family per file. Each file holds the per-row work and the
 * table entries of its family; filter.c lists the entries in the order
 * `pixpool filters` shows them.
 *
 * Borders: a neighbourhood filter reads a pixel outside the image as the
 * nearest pixel inside it (clamp, also called replicate).
 */

#include "filter.h"

/* point.c */
extern const struct filter filter_grayscale;

#endif

/*
 * Filters that look at the whole image's histogram first, then map every
 * sample through one table. The histogram counts all colour channels
 * together, so one table serves them all and the filters never shift hue the
 * way per-channel stretching would. Alpha is neither counted nor changed.
 */
#include "filters/filters.h"

#include <string.h>

static void histogram(const struct image *img, size_t hist[256])
{
	size_t n = (size_t)img->width * (size_t)img->height;
	int c = img->channels, colour = colour_channels(img);
	const unsigned char *p = img->pixels;

	memset(hist, 0, 256 * sizeof(*hist));
	for (size_t i = 0; i < n; i++, p += c)
		for (int k = 0; k < colour; k++)
			hist[p[k]]++;
}

/* Stretches the darkest colour sample to 0 and the brightest to 255. */
static int levels(struct image *img, const double *args)
{
	size_t hist[256];
	unsigned char lut[256];
	int lo = 0, hi = 255;

	(void)args;
	histogram(img, hist);
	while (lo < 255 && !hist[lo])
		lo++;
	while (hi > 0 && !hist[hi])
		hi--;
	if (hi <= lo)
		return 0;
	for (int v = 0; v < 256; v++)
		lut[v] = clamp_u8((float)(v - lo) * 255.0f / (float)(hi - lo));
	lut_apply(img, lut);
	return 0;
}

/*
 * The textbook equalisation: v maps to its rank in the cumulative histogram,
 * (cdf(v) - cdf(min)) / (n - cdf(min)) x 255, so the darkest sample stays
 * black and the brightest becomes white.
 */
static int equalize(struct image *img, const double *args)
{
	size_t hist[256], cdf = 0, first = 0, total;
	unsigned char lut[256];

	(void)args;
	histogram(img, hist);
	total = (size_t)img->width * (size_t)img->height * (size_t)colour_channels(img);
	for (int v = 0; v < 256 && !first; v++)
		first = hist[v];
	if (first == total)
		return 0;
	for (int v = 0; v < 256; v++) {
		cdf += hist[v];
		lut[v] = clamp_u8((float)((double)(cdf - (cdf ? first : 0)) * 255.0 /
					  (double)(total - first)));
	}
	lut_apply(img, lut);
	return 0;
}

const struct filter filter_levels = {
	.name = "levels",
	.help = "auto levels: stretches the darkest sample to black and the brightest to white",
	.apply = levels,
};

const struct filter filter_equalize = {
	.name = "equalize",
	.help = "histogram equalisation of the colour channels (one table for all of them)",
	.apply = equalize,
};

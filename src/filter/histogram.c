/*
 * Filters that look at the whole image's histogram first, then map every
 * sample through one table. The histogram counts all colour channels
 * together, so one table serves them all and the filters never shift hue the
 * way per-channel stretching would. Alpha is neither counted nor changed.
 */
#include "filter/kernel.h"

#include <string.h>

/*
 * Counts into four partial histograms in turn, so that a run of equal
 * samples (a sky, a wall) does not make each increment wait for the one
 * before it.
 */
static void histogram(const struct image *img, size_t hist[256])
{
	size_t n = (size_t)img->width * (size_t)img->height, part[4][256];
	int c = img->channels, colour = colour_channels(img);
	const unsigned char *p = img->pixels;

	memset(part, 0, sizeof(part));
	if (colour == c) {
		size_t i, bytes = n * (size_t)c;

		for (i = 0; i + 4 <= bytes; i += 4) {
			part[0][p[i]]++;
			part[1][p[i + 1]]++;
			part[2][p[i + 2]]++;
			part[3][p[i + 3]]++;
		}
		for (; i < bytes; i++)
			part[0][p[i]]++;
	} else {
		for (size_t i = 0; i < n; i++, p += c)
			for (int k = 0; k < colour; k++)
				part[k][p[k]]++;
	}
	for (int v = 0; v < 256; v++)
		hist[v] = part[0][v] + part[1][v] + part[2][v] + part[3][v];
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

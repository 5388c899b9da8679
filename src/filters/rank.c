/*
 * Median filter in constant time per pixel, whatever the radius (Perreault
 * and Hebert, "Median filtering in constant time", IEEE TIP 2007).
 *
 * Each column of the image keeps a histogram of the 2r + 1 samples around
 * the current row; moving down a row removes one sample from it and adds
 * one. The kernel histogram is the sum of 2r + 1 column histograms; moving
 * right adds the column entering and subtracts the one leaving. Histograms
 * have two levels: 16 coarse bins (the high nibble), always kept up to date,
 * and 16 x 16 fine bins, brought up to date only for the coarse bin the
 * median falls in, and only when it is needed. Columns and rows outside the
 * image are the clamped ones (see filters.h). Every channel, alpha
 * included, is filtered on its own.
 */
#include "filters/filters.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/*
 * The state for one channel. Padded column p (0 .. width + 2r - 1) stands
 * for image column clamp(p - r). Fine histograms are stored coarse bin
 * first, so the 16 counts of one coarse bin lie together for every column.
 */
struct median {
	int r, width, height, channels, ncols;
	uint16_t *coarse;	/* [ncols][16] */
	uint16_t *fine;		/* [16][ncols][16] */
	uint16_t kcoarse[16];
	uint16_t kfine[16][16];
	int updated[16];	/* first column of the window kfine[k] holds */
};

static unsigned char sample(const struct image *img, int x, int y, int ch)
{
	return image_row(img, y)[(size_t)x * img->channels + ch];
}

static uint16_t *fine_at(struct median *m, int k, int p)
{
	return m->fine + ((size_t)k * m->ncols + (size_t)p) * 16;
}

/* Adds d (1 or -1) for value v to the histogram of padded column p. */
static void column_add(struct median *m, int p, unsigned v, int d)
{
	m->coarse[(size_t)p * 16 + (v >> 4)] += (uint16_t)d;
	fine_at(m, (int)(v >> 4), p)[v & 15] += (uint16_t)d;
}

/* The column histograms of the first row: rows -r .. r, clamped. */
static void columns_start(struct median *m, const struct image *img, int ch)
{
	memset(m->coarse, 0, (size_t)m->ncols * 16 * sizeof(uint16_t));
	memset(m->fine, 0, (size_t)m->ncols * 256 * sizeof(uint16_t));
	for (int p = 0; p < m->ncols; p++) {
		int x = clamp_index(p - m->r, m->width);

		for (int dy = -m->r; dy <= m->r; dy++)
			column_add(m, p, sample(img, x, clamp_index(dy, m->height), ch), 1);
	}
}

/* Moves every column histogram from row y - 1 to row y. */
static void columns_down(struct median *m, const struct image *img, int y, int ch)
{
	int out = clamp_index(y - m->r - 1, m->height), in = clamp_index(y + m->r, m->height);

	if (out == in)
		return;
	for (int p = 0; p < m->ncols; p++) {
		int x = clamp_index(p - m->r, m->width);

		column_add(m, p, sample(img, x, out, ch), -1);
		column_add(m, p, sample(img, x, in, ch), 1);
	}
}

static void add16(uint16_t *h, const uint16_t *plus)
{
	for (int i = 0; i < 16; i++)
		h[i] = (uint16_t)(h[i] + plus[i]);
}

static void slide16(uint16_t *h, const uint16_t *plus, const uint16_t *minus)
{
	for (int i = 0; i < 16; i++)
		h[i] = (uint16_t)(h[i] + plus[i] - minus[i]);
}

/*
 * Brings kfine[k] to the window of columns x .. x + 2r: by sliding it when
 * it was last used a little to the left, else by summing from scratch.
 */
static void kernel_fine(struct median *m, int k, int x)
{
	uint16_t *h = m->kfine[k];
	int from = m->updated[k], span = 2 * m->r + 1;

	if (from < 0 || x - from >= span) {
		memset(h, 0, 16 * sizeof(uint16_t));
		for (int p = x; p < x + span; p++)
			add16(h, fine_at(m, k, p));
	} else {
		for (int p = from; p < x; p++)
			slide16(h, fine_at(m, k, p + span), fine_at(m, k, p));
	}
	m->updated[k] = x;
}

/* The value of rank t (0-based) in the kernel at column x. */
static unsigned kernel_rank(struct median *m, int x, unsigned t)
{
	unsigned sum = 0;
	int k = 0, j = 0;

	while (sum + m->kcoarse[k] <= t)
		sum += m->kcoarse[k++];
	kernel_fine(m, k, x);
	while (sum + m->kfine[k][j] <= t)
		sum += m->kfine[k][j++];
	return (unsigned)(k * 16 + j);
}

static void median_row(struct median *m, struct image *out, int y, int ch)
{
	int span = 2 * m->r + 1, c = m->channels;
	unsigned t = (unsigned)(span * span) / 2;
	unsigned char *row = image_row(out, y) + ch;

	memset(m->kcoarse, 0, sizeof(m->kcoarse));
	for (int k = 0; k < 16; k++)
		m->updated[k] = -1;
	for (int p = 0; p < span; p++)
		add16(m->kcoarse, m->coarse + (size_t)p * 16);
	for (int x = 0; x < m->width; x++) {
		if (x > 0)
			slide16(m->kcoarse, m->coarse + (size_t)(x + span - 1) * 16,
				m->coarse + (size_t)(x - 1) * 16);
		row[(size_t)x * c] = (unsigned char)kernel_rank(m, x, t);
	}
}

static int median_init(struct median *m, const struct image *img, int r)
{
	m->r = r;
	m->width = img->width;
	m->height = img->height;
	m->channels = img->channels;
	m->ncols = img->width + 2 * r;
	m->coarse = malloc((size_t)m->ncols * 16 * sizeof(uint16_t));
	m->fine = malloc((size_t)m->ncols * 256 * sizeof(uint16_t));
	if (!m->coarse || !m->fine) {
		free(m->coarse);
		free(m->fine);
		return error("out of memory for a median of a %dx%d image", img->width, img->height);
	}
	return 0;
}

static int median(struct image *img, const double *args)
{
	struct image out = IMAGE_INIT;
	struct median m;

	if (image_alloc(&out, img->width, img->height, img->channels) < 0)
		return -1;
	if (median_init(&m, img, (int)lround(args[0])) < 0) {
		image_release(&out);
		return -1;
	}
	for (int ch = 0; ch < img->channels; ch++) {
		columns_start(&m, img, ch);
		for (int y = 0; y < img->height; y++) {
			if (y > 0)
				columns_down(&m, img, y, ch);
			median_row(&m, &out, y, ch);
		}
	}
	free(m.coarse);
	free(m.fine);
	image_move(img, &out);
	return 0;
}

const struct filter filter_median = {
	.name = "median",
	.help = "median of the (2 radius + 1) square around each pixel, per channel",
	.apply = median,
	.params = {
		{ "radius", 2, 1, 50, "half the side of the square, in pixels", NULL },
	},
};

/*
 * Blurs: Gaussian, box, and the unsharp mask built on the Gaussian.
 *
 * Every blur here is separable: it runs along the rows, then along the
 * columns, through one 1-D routine. That routine works on a strip: n samples
 * along the direction of the blur, each sample a vector of up to LANES
 * floats taken across the other direction (several rows side by side for the
 * horizontal pass, several pixels of one row for the vertical one). The
 * inner loops then run over lanes, with no dependence between them, and
 * vectorise; a strip fits in the L2 cache. Between the two passes the image
 * is kept in 8 bits, which costs at most half a level.
 *
 * The Gaussian is a sampled Gaussian kernel (radius 3.5 sigma) for sigma
 * below 2, and from 2 up four passes of an extended box filter (Gwosdek,
 * Grewenig, Bruhn and Weickert, "Theoretical foundations of Gaussian
 * convolution by extended box filtering", 2011): a running sum whose width
 * carries a fractional weight at both ends, chosen so the four passes have
 * exactly the Gaussian's variance. Either way the cost per pixel is bounded
 * whatever sigma is. Against a true Gaussian (double precision, clamped
 * borders) the four boxes are at most 2 levels off on a step edge and about
 * 1 level on photographs; the theoretical worst case, a single bright pixel
 * on black, is 8 levels (half the L1 distance between the kernels, x 255).
 */
#include "filters/filters.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

#define LANES 32
#define FIR_SIGMA_MAX 2.0
#define FIR_RADIUS_MAX 7
#define BOX_PASSES 4

/* A 1-D kernel: either a short sampled one or BOX_PASSES extended boxes. */
struct kernel {
	int pad;		/* samples read past each end */
	int fir;		/* 1: weights, 0: boxes */
	int radius;
	float weight[2 * FIR_RADIUS_MAX + 1];
	int passes;
	float alpha;		/* weight of the samples just outside the box */
	float norm;		/* 1 / total weight */
};

static void kernel_sampled_gaussian(struct kernel *k, double sigma)
{
	double sum = 0;

	k->fir = 1;
	k->radius = (int)ceil(3.5 * sigma);
	if (k->radius > FIR_RADIUS_MAX)
		k->radius = FIR_RADIUS_MAX;
	for (int j = -k->radius; j <= k->radius; j++)
		sum += exp(-j * j / (2 * sigma * sigma));
	for (int j = -k->radius; j <= k->radius; j++)
		k->weight[j + k->radius] = (float)(exp(-j * j / (2 * sigma * sigma)) / sum);
	k->pad = k->radius;
}

/*
 * One box of radius r and end weight alpha has variance
 * (r(r+1)(2r+1)/3 + 2 alpha (r+1)^2) / (2r+1+2 alpha); r is the largest
 * radius whose plain box stays under the wanted variance v, and alpha
 * makes up the rest.
 */
static void kernel_boxes(struct kernel *k, int passes, double v)
{
	int r = (int)((sqrt(12 * v + 1) - 1) / 2);

	while ((r + 1) * (r + 2) / 3.0 <= v)
		r++;
	while (r > 0 && r * (r + 1) / 3.0 > v)
		r--;
	k->fir = 0;
	k->passes = passes;
	k->radius = r;
	k->alpha = (float)((2 * r + 1) * (v - r * (r + 1) / 3.0) / (2 * ((r + 1) * (r + 1) - v)));
	k->norm = 1.0f / (2 * r + 1 + 2 * k->alpha);
	k->pad = passes * (r + 1);
}

static void kernel_gaussian(struct kernel *k, double sigma)
{
	if (sigma < FIR_SIGMA_MAX)
		kernel_sampled_gaussian(k, sigma);
	else
		kernel_boxes(k, BOX_PASSES, sigma * sigma / BOX_PASSES);
}

static void kernel_box(struct kernel *k, int radius)
{
	k->fir = 0;
	k->passes = 1;
	k->radius = radius;
	k->alpha = 0;
	k->norm = 1.0f / (2 * radius + 1);
	k->pad = radius + 1;
}

static void fir_pass(const float *src, float *dst, int lo, int hi, int lanes,
		     const struct kernel *k)
{
	int r = k->radius;

	for (int i = lo; i < hi; i++) {
		float acc[LANES] = { 0 };

		for (int j = -r; j <= r; j++) {
			const float *s = src + (size_t)(i + j) * lanes;
			float w = k->weight[j + r];

			for (int l = 0; l < lanes; l++)
				acc[l] += w * s[l];
		}
		memcpy(dst + (size_t)i * lanes, acc, (size_t)lanes * sizeof(float));
	}
}

/* One extended box over samples lo..hi-1; src must hold r + 1 more on each side. */
static void box_pass(const float *src, float *dst, int lo, int hi, int lanes,
		     const struct kernel *k)
{
	int r = k->radius;
	float sum[LANES] = { 0 }, a = k->alpha, norm = k->norm;

	for (int j = lo - r; j <= lo + r; j++)
		for (int l = 0; l < lanes; l++)
			sum[l] += src[(size_t)j * lanes + l];
	for (int i = lo; i < hi; i++) {
		const float *out = src + (size_t)(i - r - 1) * lanes;
		const float *first = src + (size_t)(i - r) * lanes;
		const float *in = src + (size_t)(i + r + 1) * lanes;
		float *d = dst + (size_t)i * lanes;

		for (int l = 0; l < lanes; l++) {
			d[l] = (sum[l] + a * (out[l] + in[l])) * norm;
			sum[l] += in[l] - first[l];
		}
	}
}

/* Repeats the first and last of n samples (after pad others) into the pad on each side. */
static void strip_pad(float *s, int n, int pad, int lanes)
{
	size_t bytes = (size_t)lanes * sizeof(float);

	for (int i = 0; i < pad; i++) {
		memcpy(s + (size_t)i * lanes, s + (size_t)pad * lanes, bytes);
		memcpy(s + (size_t)(pad + n + i) * lanes, s + (size_t)(pad + n - 1) * lanes, bytes);
	}
}

/* Filters a padded strip held in a; returns the buffer (a or b) holding the result. */
static float *strip_filter(const struct kernel *k, float *a, float *b, int n, int lanes)
{
	int step = k->radius + 1, total = n + 2 * k->pad;

	strip_pad(a, n, k->pad, lanes);
	if (k->fir) {
		fir_pass(a, b, k->pad, k->pad + n, lanes, k);
		return b;
	}
	for (int p = 1; p <= k->passes; p++) {
		float *t;

		box_pass(a, b, p * step, total - p * step, lanes, k);
		t = a;
		a = b;
		b = t;
	}
	return a;
}

/* Buffers for strips of up to n samples. */
struct strips {
	float *a, *b;
};

static int strips_alloc(struct strips *s, int n, const struct kernel *k)
{
	size_t count = ((size_t)n + 2 * (size_t)k->pad) * LANES;

	s->a = malloc(count * sizeof(float));
	s->b = malloc(count * sizeof(float));
	if (!s->a || !s->b) {
		free(s->a);
		free(s->b);
		return error("out of memory for a blur");
	}
	return 0;
}

static void strips_release(struct strips *s)
{
	free(s->a);
	free(s->b);
}

/* Blurs rows y0..y0+m-1 along x: each strip sample holds those m rows' pixel at x. */
static void blur_rows(struct image *img, int y0, int m, const struct kernel *k,
		      struct strips *s)
{
	int c = img->channels, w = img->width, lanes = m * c;
	float *res;

	for (int j = 0; j < m; j++) {
		const unsigned char *row = image_row(img, y0 + j);
		float *d = s->a + (size_t)k->pad * lanes + (size_t)j * c;

		for (int x = 0; x < w; x++)
			for (int ch = 0; ch < c; ch++)
				d[(size_t)x * lanes + ch] = row[(size_t)x * c + ch];
	}
	res = strip_filter(k, s->a, s->b, w, lanes) + (size_t)k->pad * lanes;
	for (int j = 0; j < m; j++) {
		unsigned char *row = image_row(img, y0 + j);
		const float *r = res + (size_t)j * c;

		for (int x = 0; x < w; x++)
			for (int ch = 0; ch < c; ch++)
				row[(size_t)x * c + ch] = clamp_u8(r[(size_t)x * lanes + ch]);
	}
}

/* Blurs columns x0..x0+m-1 along y: each strip sample is m pixels of one row. */
static void blur_columns(struct image *img, int x0, int m, const struct kernel *k,
			 struct strips *s)
{
	int c = img->channels, lanes = m * c;
	size_t off = (size_t)x0 * c;
	float *res;

	for (int y = 0; y < img->height; y++) {
		const unsigned char *row = image_row(img, y) + off;
		float *d = s->a + (size_t)(k->pad + y) * lanes;

		for (int l = 0; l < lanes; l++)
			d[l] = row[l];
	}
	res = strip_filter(k, s->a, s->b, img->height, lanes) + (size_t)k->pad * lanes;
	for (int y = 0; y < img->height; y++) {
		unsigned char *row = image_row(img, y) + off;
		const float *r = res + (size_t)y * lanes;

		for (int l = 0; l < lanes; l++)
			row[l] = clamp_u8(r[l]);
	}
}

static int blur_separable(struct image *img, const struct kernel *k)
{
	struct strips s;
	int per = LANES / img->channels;

	if (strips_alloc(&s, img->width > img->height ? img->width : img->height, k) < 0)
		return -1;
	for (int y = 0; y < img->height; y += per)
		blur_rows(img, y, img->height - y < per ? img->height - y : per, k, &s);
	for (int x = 0; x < img->width; x += per)
		blur_columns(img, x, img->width - x < per ? img->width - x : per, k, &s);
	strips_release(&s);
	return 0;
}

int blur_gaussian(struct image *img, double sigma)
{
	struct kernel k;

	kernel_gaussian(&k, sigma);
	return blur_separable(img, &k);
}

static int blur(struct image *img, const double *args)
{
	return blur_gaussian(img, args[0]);
}

static int boxblur(struct image *img, const double *args)
{
	struct kernel k;

	kernel_box(&k, (int)lround(args[0]));
	return blur_separable(img, &k);
}

/*
 * Unsharp mask: each colour sample moves away from its blurred value by
 * amount times the difference, where that difference is at least threshold
 * (so flat, noisy areas stay as they are). Alpha is kept.
 */
static void sharpen_row(unsigned char *p, const unsigned char *b, int width,
			int channels, int colour, float amount, float threshold)
{
	for (int x = 0; x < width; x++, p += channels, b += channels) {
		for (int k = 0; k < colour; k++) {
			float d = (float)p[k] - (float)b[k];
			float v = (float)p[k] + amount * d;

			p[k] = fabsf(d) >= threshold ? clamp_u8(v) : p[k];
		}
	}
}

static int sharpen(struct image *img, const double *args)
{
	struct image blurred = IMAGE_INIT;

	if (image_alloc(&blurred, img->width, img->height, img->channels) < 0)
		return -1;
	memcpy(blurred.pixels, img->pixels,
	       (size_t)img->width * (size_t)img->height * (size_t)img->channels);
	if (blur_gaussian(&blurred, args[0]) < 0) {
		image_release(&blurred);
		return -1;
	}
	for (int y = 0; y < img->height; y++)
		sharpen_row(image_row(img, y), image_row(&blurred, y), img->width,
			    img->channels, colour_channels(img), (float)args[1], (float)args[2]);
	image_release(&blurred);
	return 0;
}

const struct filter filter_blur = {
	.name = "blur",
	.help = "Gaussian blur (extended box filter from sigma 2, within 2 levels of the true Gaussian on edges)",
	.apply = blur,
	.params = {
		{ "sigma", 2, 0.3, 250, "standard deviation in pixels", NULL },
	},
};

const struct filter filter_boxblur = {
	.name = "boxblur",
	.help = "mean over a (2 radius + 1) square",
	.apply = boxblur,
	.params = {
		{ "radius", 2, 1, 1000, "half the side of the square, in pixels", NULL },
	},
};

const struct filter filter_sharpen = {
	.name = "sharpen",
	.help = "unsharp mask: v + amount (v - gaussian(v)) where |v - gaussian(v)| >= threshold",
	.apply = sharpen,
	.params = {
		{ "sigma", 1, 0.3, 100, "radius of the blur the image is compared with", NULL },
		{ "amount", 1, 0, 10, "strength (0 leaves the image alone)", NULL },
		{ "threshold", 0, 0, 255, "smallest difference that is sharpened", NULL },
	},
};

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
 * The Gaussian is a sampled Gaussian kernel (radius 3 sigma) for sigma
 * below 1, and from 1 up three passes of an extended box filter (Gwosdek,
 * Grewenig, Bruhn and Weickert, "Theoretical foundations of Gaussian
 * convolution by extended box filtering", 2011): a running sum whose width
 * carries a fractional weight at both ends, chosen so the three passes have
 * exactly the Gaussian's variance. Either way the cost per pixel is bounded
 * whatever sigma is.
 *
 * Error bound against a true Gaussian (double precision, clamped borders),
 * tested in tests/unit/test_filters_neighbourhood.c: below sigma 1, 1 level;
 * from sigma 1, 3.5 levels on hard step edges, noise and photographs: the
 * kernels differ by at most 2.5 levels on a step, and the two roundings to
 * 8 bits add at most 1 (3.0 measured on steps, 2.5 on a photograph, under
 * half a level on average). A fourth box would bring the step error to 1.9
 * levels for a third more time. The theoretical worst case, a lone bright
 * pixel on black, is 10 levels (half the L1 distance between the 2-D
 * kernels, times 255).
 */
#include "filter/kernel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

#define LANES 32
#define FIR_SIGMA_MAX 1.0
#define FIR_RADIUS_MAX 3
#define BOX_PASSES 3	/* see the error bound above */

/* A 1-D kernel: either a short sampled one or BOX_PASSES extended boxes. */
struct kernel {
	int pad;		/* samples read past each end */
	int fir;		/* 1: weights, 0: boxes */
	int radius;
	float weight[2 * FIR_RADIUS_MAX + 1];
	int passes;
	float alpha;		/* weight of the samples just outside the box */
	float scale;		/* what the passes' output is multiplied by */
};

static void kernel_sampled_gaussian(struct kernel *k, double sigma)
{
	double sum = 0;

	k->fir = 1;
	k->radius = (int)ceil(3 * sigma);
	if (k->radius > FIR_RADIUS_MAX)
		k->radius = FIR_RADIUS_MAX;
	for (int j = -k->radius; j <= k->radius; j++)
		sum += exp(-j * j / (2 * sigma * sigma));
	for (int j = -k->radius; j <= k->radius; j++)
		k->weight[j + k->radius] = (float)(exp(-j * j / (2 * sigma * sigma)) / sum);
	k->pad = k->radius;
	k->scale = 1;
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
	k->scale = (float)pow(2 * r + 1 + 2 * k->alpha, -passes);
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
	k->scale = 1.0f / (2 * radius + 1);
	k->pad = radius + 1;
}

/*
 * The passes work on whole samples of LANES floats: a constant trip count,
 * so the compiler turns each inner loop into straight vector code. Lanes
 * that carry no pixel are filtered too, and their results dropped.
 */
VECTOR_CLONES static void fir_pass(const float *restrict src, float *restrict dst, int lo, int hi,
				   const struct kernel *k)
{
	int r = k->radius;

	for (int i = lo; i < hi; i++) {
		const float *s = src + (size_t)i * LANES;
		float acc[LANES];

		/* The kernel is symmetric: one multiply serves both sides. */
		for (int l = 0; l < LANES; l++)
			acc[l] = k->weight[r] * s[l];
		for (int j = 1; j <= r; j++) {
			const float *before = s - (ptrdiff_t)j * LANES, *after = s + (ptrdiff_t)j * LANES;
			float w = k->weight[r + j];

			for (int l = 0; l < LANES; l++)
				acc[l] += w * (before[l] + after[l]);
		}
		memcpy(dst + (size_t)i * LANES, acc, sizeof(acc));
	}
}

/*
 * One extended box over samples lo..hi-1; src must hold r + 1 more on each
 * side. The sums are not divided by the box's weight: the division for all
 * passes together is one multiply when the strip goes back to bytes.
 */
VECTOR_CLONES static void box_pass(const float *restrict src, float *restrict dst, int lo, int hi,
		     const struct kernel *k)
{
	int r = k->radius;
	float sum[LANES] = { 0 }, a = k->alpha;

	for (int j = lo - r; j <= lo + r; j++)
		for (int l = 0; l < LANES; l++)
			sum[l] += src[(ptrdiff_t)j * LANES + l];
	for (int i = lo; i < hi; i++) {
		const float *out = src + (ptrdiff_t)(i - r - 1) * LANES;
		const float *first = src + (ptrdiff_t)(i - r) * LANES;
		const float *in = src + (ptrdiff_t)(i + r + 1) * LANES;
		float *d = dst + (size_t)i * LANES;

		for (int l = 0; l < LANES; l++) {
			d[l] = sum[l] + a * (out[l] + in[l]);
			sum[l] += in[l] - first[l];
		}
	}
}

/* Repeats the first and last of n samples (after pad others) into the pad on each side. */
static void strip_pad(float *s, int n, int pad)
{
	size_t bytes = LANES * sizeof(float);

	for (int i = 0; i < pad; i++) {
		memcpy(s + (size_t)i * LANES, s + (size_t)pad * LANES, bytes);
		memcpy(s + (size_t)(pad + n + i) * LANES, s + (size_t)(pad + n - 1) * LANES, bytes);
	}
}

/* Filters a padded strip held in a; returns the first result sample (in a or b). */
static const float *strip_filter(const struct kernel *k, float *a, float *b, int n)
{
	int step = k->radius + 1, total = n + 2 * k->pad;

	strip_pad(a, n, k->pad);
	if (k->fir) {
		fir_pass(a, b, k->pad, k->pad + n, k);
		return b + (size_t)k->pad * LANES;
	}
	for (int p = 1; p <= k->passes; p++) {
		float *t;

		box_pass(a, b, p * step, total - p * step, k);
		t = a;
		a = b;
		b = t;
	}
	return a + (size_t)k->pad * LANES;
}

/* Buffers for strips of up to n samples. */
struct strips {
	float *a, *b;
	unsigned char *bytes;	/* one strip in 8 bits, for transposing */
};

static void strips_release(struct strips *s)
{
	free(s->a);
	free(s->b);
	free(s->bytes);
}

static int strips_alloc(struct strips *s, int n, const struct kernel *k)
{
	size_t count = ((size_t)n + 2 * (size_t)k->pad) * LANES;

	/* Calloc: lanes that carry no pixel must still hold numbers. */
	s->a = calloc(count, sizeof(float));
	s->b = calloc(count, sizeof(float));
	s->bytes = calloc((size_t)n, LANES);
	if (!s->a || !s->b || !s->bytes) {
		strips_release(s);
		return error("out of memory for a blur");
	}
	return 0;
}

/*
 * Rows y0..y0+m-1 go into a strip along x: sample x holds those m rows'
 * pixel x side by side. The transposition moves whole pixels, in bytes;
 * the conversions to and from float then run over contiguous lanes and
 * vectorise. Compiled once per channel count (WITH_CHANNELS), so the
 * copies unroll.
 */
static inline void rows_to_bytes(unsigned char *d, unsigned char *const *rows, int w, int m, int c)
{
	for (int x = 0; x < w; x++, d += LANES)
		for (int j = 0; j < m; j++)
			memcpy(d + j * c, rows[j] + x * c, (size_t)c);
}

static inline void bytes_to_rows(unsigned char *const *rows, const unsigned char *s, int w, int m, int c)
{
	for (int x = 0; x < w; x++, s += LANES)
		for (int j = 0; j < m; j++)
			memcpy(rows[j] + x * c, s + j * c, (size_t)c);
}

static void bytes_to_floats(float *restrict d, const unsigned char *restrict s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

static void floats_to_bytes(unsigned char *restrict d, const float *restrict s, size_t n,
			    float scale)
{
	for (size_t i = 0; i < n; i++)
		d[i] = clamp_u8(s[i] * scale);
}

VECTOR_CLONES static void blur_rows(struct image *img, int y0, int m, const struct kernel *k,
				    struct strips *s)
{
	unsigned char *rows[LANES];
	size_t n = (size_t)img->width * LANES;
	int w = img->width;

	for (int j = 0; j < m; j++)
		rows[j] = image_row(img, y0 + j);
	WITH_CHANNELS(img->channels, rows_to_bytes, s->bytes, rows, w, m);
	bytes_to_floats(s->a + (size_t)k->pad * LANES, s->bytes, n);
	floats_to_bytes(s->bytes, strip_filter(k, s->a, s->b, w), n, k->scale);
	WITH_CHANNELS(img->channels, bytes_to_rows, rows, s->bytes, w, m);
}

/*
 * Bytes x0..x0+m-1 of every row go into a strip along y. Along a column
 * every byte is filtered on its own, so a strip is simply LANES
 * neighbouring bytes of each row, whatever channel each belongs to.
 */
VECTOR_CLONES static void blur_columns(struct image *img, size_t x0, int m, const struct kernel *k,
			 struct strips *s)
{
	float *d = s->a + (size_t)k->pad * LANES;
	const float *r;

	for (int y = 0; y < img->height; y++) {
		const unsigned char *row = image_row(img, y) + x0;

		for (int l = 0; l < m; l++)
			d[(size_t)y * LANES + l] = row[l];
	}
	r = strip_filter(k, s->a, s->b, img->height);
	for (int y = 0; y < img->height; y++) {
		unsigned char *row = image_row(img, y) + x0;

		for (int l = 0; l < m; l++)
			row[l] = clamp_u8(r[(size_t)y * LANES + l] * k->scale);
	}
}

/* Rows y .. y + per - 1 of img, along x: the first pass. */
static void blur_row_strip(struct image *img, int y, const struct kernel *k, struct strips *s)
{
	int per = LANES / img->channels;

	blur_rows(img, y, img->height - y < per ? img->height - y : per, k, s);
}

/* Bytes x .. x + LANES - 1 of every row, along y: the second pass. */
static void blur_column_strip(struct image *img, size_t x, const struct kernel *k,
			      struct strips *s)
{
	size_t bytes = (size_t)img->width * img->channels;

	blur_columns(img, x, bytes - x < LANES ? (int)(bytes - x) : LANES, k, s);
}

/* Blurs img along its rows, then along its columns, with strips s (big enough). */
static void blur_strips(struct image *img, const struct kernel *k, struct strips *s)
{
	int per = LANES / img->channels;
	size_t bytes = (size_t)img->width * img->channels;

	for (int y = 0; y < img->height; y += per)
		blur_row_strip(img, y, k, s);
	for (size_t x = 0; x < bytes; x += LANES)
		blur_column_strip(img, x, k, s);
}

static int blur_separable(struct image *img, const struct kernel *k)
{
	struct strips s;

	if (strips_alloc(&s, img->width > img->height ? img->width : img->height, k) < 0)
		return -1;
	blur_strips(img, k, &s);
	strips_release(&s);
	return 0;
}

/*
 * On threads: every strip is filtered on its own, from the image as the
 * pass before left it, so part i takes its share of the strips of rows,
 * and once every part is done, its share of the strips of columns; each
 * strip's bytes are those of one thread.
 */
struct blur_parts {
	struct image *img;
	const struct kernel *k;
	struct strips s[FILTER_THREADS_MAX];
};

/* Strips first .. end - 1 of count, for part i of n. */
static size_t part_first(size_t count, int i, int n)
{
	return count * (size_t)i / (size_t)n;
}

static void blur_rows_part(void *arg, int i, int n)
{
	struct blur_parts *b = arg;
	size_t per = (size_t)(LANES / b->img->channels);
	size_t count = ((size_t)b->img->height + per - 1) / per;

	for (size_t j = part_first(count, i, n); j < part_first(count, i + 1, n); j++)
		blur_row_strip(b->img, (int)(j * per), b->k, &b->s[i]);
}

static void blur_columns_part(void *arg, int i, int n)
{
	struct blur_parts *b = arg;
	size_t count = ((size_t)b->img->width * b->img->channels + LANES - 1) / LANES;

	for (size_t j = part_first(count, i, n); j < part_first(count, i + 1, n); j++)
		blur_column_strip(b->img, j * LANES, b->k, &b->s[i]);
}

static int blur_threads(struct image *img, const struct kernel *k, int threads)
{
	struct blur_parts *b = calloc(1, sizeof(*b));
	int n = 0, longest = img->width > img->height ? img->width : img->height;

	if (threads > FILTER_THREADS_MAX)
		threads = FILTER_THREADS_MAX;
	/* Out of memory for more strips: one thread needs one set. */
	while (b && n < threads && strips_alloc(&b->s[n], longest, k) == 0)
		n++;
	if (n < 2) {
		if (n)
			strips_release(&b->s[0]);
		free(b);
		return blur_separable(img, k);
	}
	b->img = img;
	b->k = k;
	filter_parallel(n, blur_rows_part, b);
	filter_parallel(n, blur_columns_part, b);
	for (int i = 0; i < n; i++)
		strips_release(&b->s[i]);
	free(b);
	return 0;
}

int blur_gaussian(struct image *img, double sigma)
{
	struct kernel k;

	kernel_gaussian(&k, sigma);
	return blur_separable(img, &k);
}

/*
 * Each filter's parameters, by their place in its table row below, whose
 * entries are initialised at these indices.
 */
enum { BLUR_SIGMA };
enum { BOXBLUR_RADIUS };
enum { SHARPEN_SIGMA, SHARPEN_AMOUNT, SHARPEN_THRESHOLD };

static int blur(struct image *img, const double *args)
{
	return blur_gaussian(img, args[BLUR_SIGMA]);
}

static int blur_split(struct image *img, const double *args, int threads)
{
	struct kernel k;

	kernel_gaussian(&k, args[BLUR_SIGMA]);
	return blur_threads(img, &k, threads);
}

static int boxblur(struct image *img, const double *args)
{
	struct kernel k;

	kernel_box(&k, (int)lround(args[BOXBLUR_RADIUS]));
	return blur_separable(img, &k);
}

static int boxblur_split(struct image *img, const double *args, int threads)
{
	struct kernel k;

	kernel_box(&k, (int)lround(args[BOXBLUR_RADIUS]));
	return blur_threads(img, &k, threads);
}

/*
 * Unsharp mask: each colour sample moves away from its blurred value by
 * amount times the difference, where that difference is at least threshold
 * (so flat, noisy areas stay as they are). The loop runs over every sample,
 * alpha too, so it vectorises; alpha stays because the blurred copy gets
 * the original alpha back first.
 */
VECTOR_CLONES static void unsharp(unsigned char *restrict p, const unsigned char *restrict b,
				  size_t n, float amount, float threshold)
{
	for (size_t i = 0; i < n; i++) {
		float d = (float)p[i] - (float)b[i];
		unsigned char v = clamp_u8((float)p[i] + amount * d);

		p[i] = (d >= threshold || -d >= threshold) ? v : p[i];
	}
}

/*
 * Sharpens band rows y0..y0+rows-1 through band, which gets those rows
 * with halo more above and below (clamped, as the border rule says): as
 * many as the blur reaches, so the blur of the middle rows is exact.
 *
 * The rows above y0 in img are sharpened already, so the band takes them
 * from above, which holds the input's last halo rows before y0 (row r in
 * slot r % halo); before this band's rows are sharpened in img, their input
 * goes into above for the next band.
 */
static void sharpen_band(struct image *img, struct image *band, struct image *above, int y0,
			 int rows, int halo, const struct kernel *k, struct strips *s,
			 const double *args)
{
	size_t row = (size_t)img->width * img->channels;

	band->height = rows + 2 * halo;
	for (int j = 0; j < band->height; j++) {
		int r = clamp_index(y0 - halo + j, img->height);

		memcpy(image_row(band, j), r < y0 ? image_row(above, r % halo) : image_row(img, r), row);
	}
	for (int r = y0 + rows - halo > y0 ? y0 + rows - halo : y0; halo && r < y0 + rows; r++)
		memcpy(image_row(above, r % halo), image_row(band, halo + r - y0), row);
	blur_strips(band, k, s);
	/* Where the blurred copy equals the image, unsharp() changes nothing. */
	copy_alpha(image_row(band, halo), image_row(img, y0), (size_t)rows * img->width,
		   img->channels);
	unsharp(image_row(img, y0), image_row(band, halo), (size_t)rows * row,
		(float)args[SHARPEN_AMOUNT], (float)args[SHARPEN_THRESHOLD]);
}

/*
 * The image is sharpened in bands of SHARPEN_BAND rows, so the blurred
 * copy it is compared with stays small and in cache, and no copy of the
 * whole image is ever made: only of the halo rows above the band.
 */
#define SHARPEN_BAND 128

static int sharpen(struct image *img, const double *args)
{
	struct image band = IMAGE_INIT, above = IMAGE_INIT;
	struct strips s;
	struct kernel k;
	int halo, rows;

	kernel_gaussian(&k, args[SHARPEN_SIGMA]);
	halo = k.pad;
	rows = img->height < SHARPEN_BAND ? img->height : SHARPEN_BAND;
	if (image_alloc(&band, img->width, rows + 2 * halo, img->channels) < 0)
		return -1;
	if (image_alloc(&above, img->width, halo > 0 ? halo : 1, img->channels) < 0 ||
	    strips_alloc(&s, img->width > band.height ? img->width : band.height, &k) < 0) {
		image_release(&above);
		image_release(&band);
		return -1;
	}
	for (int y = 0; y < img->height; y += rows)
		sharpen_band(img, &band, &above, y, img->height - y < rows ? img->height - y : rows,
			     halo, &k, &s, args);
	strips_release(&s);
	image_release(&above);
	image_release(&band);
	return 0;
}

const struct filter filter_blur = {
	.name = "blur",
	.help = "Gaussian blur (from sigma 1 three extended boxes, within 3.5 levels of the true Gaussian)",
	.apply = blur,
	.apply_threads = blur_split,
	.params = {
		[BLUR_SIGMA] = { "sigma", 2, 0.3, 250, "standard deviation in pixels", NULL, NULL },
	},
};

const struct filter filter_boxblur = {
	.name = "boxblur",
	.help = "mean over a (2 radius + 1) square",
	.apply = boxblur,
	.apply_threads = boxblur_split,
	.params = {
		[BOXBLUR_RADIUS] = { "radius", 2, 1, 1000,
				     "half the side of the square, in pixels", NULL, NULL },
	},
};

const struct filter filter_sharpen = {
	.name = "sharpen",
	.help = "unsharp mask: v + amount (v - gaussian(v)) where |v - gaussian(v)| >= threshold",
	.apply = sharpen,
	.params = {
		[SHARPEN_SIGMA] = { "sigma", 1, 0.3, 100,
				    "radius of the blur the image is compared with", NULL, NULL },
		[SHARPEN_AMOUNT] = { "amount", 1, 0, 10,
				     "strength (0 leaves the image alone)", NULL, NULL },
		[SHARPEN_THRESHOLD] = { "threshold", 0, 0, 255,
					"smallest difference that is sharpened", NULL, NULL },
	},
};

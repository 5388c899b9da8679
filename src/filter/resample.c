/*
 * Resampling: resize, thumbnail and pixelate.
 *
 * Resize is separable. For each output column (and each output row) the
 * weights of the input pixels it reads are computed once: the kernel is
 * centred on the output pixel's centre mapped into the input, and when
 * shrinking it is stretched by the scale factor, so that every input pixel
 * counts and fine detail averages out instead of aliasing. Weights that
 * fall outside the image are moved onto the edge pixel (the clamp rule of
 * filters.h). Each output row is first a weighted sum of input rows, taken
 * over whole rows so it vectorises, then the horizontal weights turn that
 * float row into output pixels. All channels, alpha included, are resampled
 * alike. A fast shrink (thumbnail's default, resize's fast=1) first averages
 * whole blocks of pixels (box_factor), and the kernel finishes on the small
 * image. When it is the first filter, a JPEG is decoded at half size in
 * place of the first 2x2 of those blocks (load_shrink, image_decode_shrunk).
 */
#include "filter/kernel.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "filter/sizing.h"

enum kernel { KERNEL_LANCZOS3, KERNEL_BILINEAR, KERNEL_BOX };

static const char *const kernel_names[] = { "lanczos3", "bilinear", "box", NULL };

static const double kernel_support[] = { 3, 1, 0.5 };

static double sinc(double x)
{
	if (x == 0)
		return 1;
	x *= M_PI;
	return sin(x) / x;
}

static double kernel_weight(enum kernel k, double x)
{
	switch (k) {
	case KERNEL_LANCZOS3:
		return fabs(x) < 3 ? sinc(x) * sinc(x / 3) : 0;
	case KERNEL_BILINEAR:
		return fabs(x) < 1 ? 1 - fabs(x) : 0;
	default:
		return x >= -0.5 && x < 0.5 ? 1 : 0;
	}
}

/* Which input pixels each of n output pixels reads, and with what weights. */
struct taps {
	int n;
	int max;		/* taps per output pixel, the row length of weight */
	int *start;		/* first input pixel of output pixel i */
	int *count;
	float *weight;		/* [n][max] */
};

static void taps_release(struct taps *t)
{
	free(t->start);
	free(t->count);
	free(t->weight);
}

/*
 * Weights of output pixel i over input pixels lo .. lo + max - 1, folded
 * into 0 .. in - 1 and normalised to add up to one.
 */
static void taps_one(struct taps *t, int i, int in, double scale, enum kernel k, int lo)
{
	double f = scale > 1 ? scale : 1, centre = (i + 0.5) * scale, total = 0;
	float *w = t->weight + (size_t)i * t->max;
	int base = lo > 0 ? lo : 0, first = in, last = -1;

	for (int j = 0; j < t->max; j++)
		total += kernel_weight(k, (lo + j + 0.5 - centre) / f);
	memset(w, 0, (size_t)t->max * sizeof(float));
	for (int j = 0; j < t->max && total != 0; j++) {
		double v = kernel_weight(k, (lo + j + 0.5 - centre) / f);
		int p = clamp_index(lo + j, in);

		if (v == 0)
			continue;
		first = p < first ? p : first;
		last = p > last ? p : last;
		w[p - base] += (float)(v / total);
	}
	if (last < 0) {
		first = last = clamp_index((int)centre, in);
		w[first - base] = 1;
	}
	/* Drop leading zero weights, so that start is the first pixel read. */
	t->start[i] = first;
	t->count[i] = last - first + 1;
	memmove(w, w + (first - base), (size_t)t->count[i] * sizeof(float));
}

/*
 * Taps of out pixels over in, where the in pixels span extent pixels of the
 * picture: extent is in itself, or less after a box stage whose last block
 * was partly outside the picture (box_shrink).
 */
static int taps_init(struct taps *t, int out, int in, double extent, enum kernel k)
{
	double scale = extent / out, f = scale > 1 ? scale : 1;
	double support = kernel_support[k] * f;

	t->n = out;
	t->max = (int)ceil(2 * support) + 2;
	t->start = malloc((size_t)out * sizeof(int));
	t->count = malloc((size_t)out * sizeof(int));
	t->weight = malloc((size_t)out * t->max * sizeof(float));
	if (!t->start || !t->count || !t->weight) {
		taps_release(t);
		return error("out of memory for resize weights");
	}
	for (int i = 0; i < out; i++)
		taps_one(t, i, in, scale, k, (int)floor((i + 0.5) * scale - support));
	return 0;
}

/* acc = sum of the rows of img that output row i reads, weighted. */
VECTOR_CLONES
static void resample_column(float *acc, const struct image *img, const struct taps *ty, int i)
{
	size_t n = (size_t)img->width * img->channels;
	const float *w = ty->weight + (size_t)i * ty->max;

	memset(acc, 0, n * sizeof(float));
	for (int j = 0; j < ty->count[i]; j++) {
		const unsigned char *row = image_row(img, ty->start[i] + j);
		float wj = w[j];

		for (size_t l = 0; l < n; l++)
			acc[l] += wj * row[l];
	}
}

/* Four floats, for a pixel's channels in one vector register. */
typedef float float4 __attribute__((vector_size(16)));

/*
 * One output row from the float row acc; compiled per channel count
 * (WITH_CHANNELS). A pixel of 3 or 4 channels is summed as one vector of
 * four (acc has a float to spare at its end for the last pixel of 3): each
 * lane adds the same products in the same order as one float would, so
 * the bytes are those of a loop over the channels.
 */
static inline void resample_row(unsigned char *out, const float *acc, const struct taps *tx, int c)
{
	for (int i = 0; i < tx->n; i++) {
		const float *w = tx->weight + (size_t)i * tx->max;
		const float *in = acc + (size_t)tx->start[i] * c;
		float sum[4] = { 0, 0, 0, 0 };

		if (c >= 3) {
			float4 v = { 0, 0, 0, 0 }, p;

			for (int j = 0; j < tx->count[i]; j++) {
				memcpy(&p, in + j * c, sizeof(p));
				v += w[j] * p;
			}
			memcpy(sum, &v, sizeof(v));
		} else {
			for (int j = 0; j < tx->count[i]; j++)
				for (int k = 0; k < c; k++)
					sum[k] += w[j] * in[j * c + k];
		}
		for (int k = 0; k < c; k++)
			out[i * c + k] = clamp_u8(sum[k]);
	}
}

VECTOR_CLONES
static void resample_rows(struct image *out, const struct image *in, const struct taps *tx,
			  const struct taps *ty, float *acc)
{
	for (int y = 0; y < out->height; y++) {
		unsigned char *row = image_row(out, y);

		resample_column(acc, in, ty, y);
		WITH_CHANNELS(in->channels, resample_row, row, acc, tx);
	}
}

/*
 * The box stage of a fast shrink. The kernel's cost grows with the scale
 * (its taps stretch with it), so a large reduction first averages blocks
 * of sx x sy pixels, which costs one addition a sample, and leaves the
 * kernel at most a 2x to 4x reduction on a small image; libvips makes its
 * thumbnails the same way. The factor is the largest that keeps the image
 * at least twice the target, so that the kernel still removes what the
 * blocks' averaging lets through: the result stays within a grey level or
 * two of the kernel alone (the tests bound it). At most 2048, which keeps
 * a block's sum in 32 bits and its division exact (divide).
 */
static int box_factor(int in, int out)
{
	int s = in / (2 * out);

	return s < 1 ? 1 : s > 2048 ? 2048 : s;
}

/*
 * Rounded division by n of the block sums, as a multiplication: a
 * division per sample would cost more than the sums. With l = ceil(log2
 * n) and sums below 2^(8 + l) (at most 255 n + n / 2), m = ceil(2^(8 + 2l)
 * / n) gives floor(v / n) = (v m) >> (8 + 2l) exactly (Granlund and
 * Montgomery, 1994), in 64 bits while n < 2^23: box_factor keeps blocks
 * under 2^22 pixels.
 */
struct divisor {
	unsigned n;
	unsigned shift;
	uint64_t m;
};

static struct divisor divisor_of(unsigned n)
{
	unsigned l = 0;

	while ((1u << l) < n)
		l++;
	return (struct divisor){ n, 8 + 2 * l, (((uint64_t)1 << (8 + 2 * l)) + n - 1) / n };
}

static inline unsigned char divide(unsigned v, const struct divisor *d)
{
	v += d->n / 2;
	return (unsigned char)((v * d->m) >> d->shift);
}

/* The means of blocks whole blocks of sx pixels; inline, for constant sx and c. */
static inline void box_blocks(unsigned char *out, const unsigned *sum, int blocks,
			      const struct divisor *d, int sx, int c)
{
	for (int bx = 0; bx < blocks; bx++) {
		const unsigned *p = sum + (size_t)bx * sx * c;
		unsigned v[4] = { 0, 0, 0, 0 };

		for (int x = 0; x < sx; x++)
			for (int k = 0; k < c; k++)
				v[k] += p[x * c + k];
		for (int k = 0; k < c; k++)
			out[bx * c + k] = divide(v[k], d);
	}
}

/*
 * One output row from the column sums of a band, over blocks of sx pixels;
 * the usual factors get a loop of their own, unrolled.
 */
static inline void box_row(unsigned char *out, const unsigned *sum, int w, int sx, int rows, int c)
{
	struct divisor full = divisor_of((unsigned)(sx * rows));
	int blocks = w / sx, rest = w - blocks * sx;

	switch (sx) {
	case 2: box_blocks(out, sum, blocks, &full, 2, c); break;
	case 3: box_blocks(out, sum, blocks, &full, 3, c); break;
	case 4: box_blocks(out, sum, blocks, &full, 4, c); break;
	default: box_blocks(out, sum, blocks, &full, sx, c); break;
	}
	if (rest) {
		struct divisor part = divisor_of((unsigned)(rest * rows));

		box_blocks(out + (size_t)blocks * c, sum + (size_t)blocks * sx * c, 1, &part, rest, c);
	}
}

/* sum = the rows of img from y0 on, rows of them, added sample by sample. */
VECTOR_CLONES
static void box_column(unsigned *sum, const struct image *img, int y0, int rows)
{
	size_t n = (size_t)img->width * img->channels;
	const unsigned char *p = image_row(img, y0);

	for (size_t l = 0; l < n; l++)
		sum[l] = p[l];
	for (int y = y0 + 1; y < y0 + rows; y++) {
		p = image_row(img, y);
		for (size_t l = 0; l < n; l++)
			sum[l] += p[l];
	}
}

/*
 * img shrunk by sx across and sy down: each pixel the rounded mean of its
 * block, channel by channel; the blocks at the right and bottom edges hold
 * only the pixels there are, like pixelate's.
 */
static int box_shrink(struct image *img, int sx, int sy)
{
	struct image out = IMAGE_INIT;
	unsigned *sum;

	if (image_alloc(&out, (img->width + sx - 1) / sx, (img->height + sy - 1) / sy,
			img->channels) < 0)
		return -1;
	sum = malloc((size_t)img->width * img->channels * sizeof(*sum));
	if (!sum) {
		image_release(&out);
		return error("out of memory for a resize");
	}
	for (int by = 0; by < out.height; by++) {
		int y0 = by * sy, rows = img->height - y0 < sy ? img->height - y0 : sy;

		box_column(sum, img, y0, rows);
		WITH_CHANNELS(img->channels, box_row, image_row(&out, by), sum, img->width, sx, rows);
	}
	free(sum);
	image_move(img, &out);
	return 0;
}

/* The size img stands for: its own, or the one it was shrunk from on load. */
static int full_width(const struct image *img)
{
	return img->shrink ? img->full_width : img->width;
}

static int full_height(const struct image *img)
{
	return img->shrink ? img->full_height : img->height;
}

/*
 * Resamples img to width x height with kernel k; fast puts a box stage
 * before a large reduction (box_factor).
 */
static int resample(struct image *img, int width, int height, enum kernel k, int fast)
{
	struct image out = IMAGE_INIT;
	struct taps tx = { 0 }, ty = { 0 };
	int pre = img->shrink ? img->shrink : 1;
	double ex = (double)full_width(img) / pre, ey = (double)full_height(img) / pre;
	float *acc = NULL;
	int ret = -1;

	if (!img->shrink && width == img->width && height == img->height)
		return 0;
	if (fast) {
		/* A shrink on load has done part of the box stage. */
		int sx = box_factor(full_width(img), width) / pre;
		int sy = box_factor(full_height(img), height) / pre;

		sx = sx < 1 ? 1 : sx;
		sy = sy < 1 ? 1 : sy;
		ex /= sx;
		ey /= sy;
		if ((sx > 1 || sy > 1) && box_shrink(img, sx, sy) < 0)
			return -1;
	}
	if (image_alloc(&out, width, height, img->channels) < 0)
		return -1;
	if (taps_init(&tx, width, img->width, ex, k) < 0)
		goto fail;
	if (taps_init(&ty, height, img->height, ey, k) < 0)
		goto fail;
	/* One float more, read (and not used) by resample_row for the last pixel of 3. */
	acc = calloc((size_t)img->width * img->channels + 1, sizeof(float));
	if (!acc) {
		error("out of memory for a resize");
		goto fail;
	}
	resample_rows(&out, img, &tx, &ty, acc);
	image_move(img, &out);
	ret = 0;
fail:
	free(acc);
	taps_release(&tx);
	taps_release(&ty);
	image_release(&out);
	return ret;
}

/*
 * Each filter's parameters, by their place in its table row below, whose
 * entries are initialised at these indices. A geometry fills its own
 * value and the width and height after it (filter/sizing.h).
 */
enum { RESIZE_SIZE, RESIZE_WIDTH, RESIZE_HEIGHT, RESIZE_KERNEL, RESIZE_FAST, RESIZE_CROP };
enum { THUMBNAIL_SIZE, THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT, THUMBNAIL_FAST, THUMBNAIL_CROP };

static const char *const fast_names[] = { "0", "1", NULL };
enum { PIXELATE_SIZE };

/*
 * The shrink on load (filter.h) for in -> out: 2 where the box stage would
 * average at least 2x2 pixels on both axes anyway, and the decode at half
 * size takes its place.
 */
static int load_shrink_to(int in_w, int in_h, int out_w, int out_h)
{
	return box_factor(in_w, out_w) >= 2 && box_factor(in_h, out_h) >= 2 ? 2 : 1;
}

/*
 * A geometry with what its filter adds: thumbnail never enlarges, as if
 * every geometry it takes ended in ">".
 */
struct sizing {
	double g[GEOMETRY_VALUES];
	enum cut_at crop;
};

/* The sizing of a filter whose geometry is args[size] on and whose crop is args[crop]. */
static struct sizing sizing_of(const double *args, int size, int crop, int never_enlarge)
{
	struct sizing s;

	memcpy(s.g, args + size, sizeof(s.g));
	if (never_enlarge)
		s.g[GEOMETRY_FLAGS] = (int)s.g[GEOMETRY_FLAGS] | GEOMETRY_SHRINK;
	s.crop = (enum cut_at)args[crop];
	return s;
}

static struct sizing resize_sizing(const double *args)
{
	return sizing_of(args, RESIZE_SIZE, RESIZE_CROP, 0);
}

static struct sizing thumbnail_sizing(const double *args)
{
	return sizing_of(args, THUMBNAIL_SIZE, THUMBNAIL_CROP, 1);
}

/* The size a crop cuts a w x h result down to: the cover's box, where the result overflows it. */
static void cut_size(const struct sizing *s, int *w, int *h)
{
	int bw, bh;

	if (s->crop == CUT_NONE)
		return;
	geometry_box(s->g, &bw, &bh);
	*w = *w < bw ? *w : bw;
	*h = *h < bh ? *h : bh;
}

/* Resamples img to its geometry's size, then cuts the overflow off a cover. */
static int sized(struct image *img, const struct sizing *s, enum kernel k, int fast)
{
	int w, h, cw, ch;

	geometry_size(s->g, full_width(img), full_height(img), &w, &h);
	cw = w;
	ch = h;
	cut_size(s, &cw, &ch);
	if (resample(img, w, h, k, fast) < 0)
		return -1;
	return s->crop == CUT_NONE ? 0 : cut_to(img, cw, ch, s->crop);
}

/* The size s makes of *width x *height, crop included. */
static void sized_out(const struct sizing *s, int *width, int *height)
{
	geometry_size(s->g, *width, *height, width, height);
	cut_size(s, width, height);
}

static int sized_load_shrink(const struct sizing *s, int fast, int width, int height)
{
	int w, h;

	if (!fast)
		return 1;
	geometry_size(s->g, width, height, &w, &h);
	return load_shrink_to(width, height, w, h);
}

/* What resize and thumbnail both refuse in a geometry, for filter name. */
static int sizing_check(const char *name, const double *g, int crop)
{
	int flags = (int)g[GEOMETRY_FLAGS];

	if (lround(g[GEOMETRY_WIDTH]) == 0 && lround(g[GEOMETRY_HEIGHT]) == 0)
		return error("filter %s: give a size, a width or a height", name);
	if ((flags & GEOMETRY_PERCENT) && (!g[GEOMETRY_WIDTH] || !g[GEOMETRY_HEIGHT]))
		return error("filter %s: a percentage of 0 leaves no image", name);
	if (crop != CUT_NONE && !(flags & GEOMETRY_COVER))
		return error("filter %s: crop cuts what a cover overflows; give a size that "
			     "ends in ^, such as 400x400^", name);
	return 0;
}

static int resize(struct image *img, const double *args)
{
	struct sizing s = resize_sizing(args);

	return sized(img, &s, (enum kernel)args[RESIZE_KERNEL], (int)args[RESIZE_FAST]);
}

static void resize_out(const double *args, int *width, int *height)
{
	struct sizing s = resize_sizing(args);

	sized_out(&s, width, height);
}

static void resize_peak(const double *args, int *width, int *height)
{
	struct sizing s = resize_sizing(args);

	/* The cover, before its crop. */
	geometry_size(s.g, *width, *height, width, height);
}

static int resize_load_shrink(const double *args, int width, int height)
{
	struct sizing s = resize_sizing(args);

	return sized_load_shrink(&s, (int)args[RESIZE_FAST], width, height);
}

static int resize_check(const double *args)
{
	return sizing_check("resize", args + RESIZE_SIZE, (int)args[RESIZE_CROP]);
}

/* Fits the image to its geometry, keeping its aspect ratio; never enlarges. */
static int thumbnail(struct image *img, const double *args)
{
	struct sizing s = thumbnail_sizing(args);

	return sized(img, &s, KERNEL_LANCZOS3, (int)args[THUMBNAIL_FAST]);
}

static void thumbnail_out(const double *args, int *width, int *height)
{
	struct sizing s = thumbnail_sizing(args);

	sized_out(&s, width, height);
}

static void thumbnail_peak(const double *args, int *width, int *height)
{
	struct sizing s = thumbnail_sizing(args);

	/* The cover, before its crop. */
	geometry_size(s.g, *width, *height, width, height);
}

static int thumbnail_load_shrink(const double *args, int width, int height)
{
	struct sizing s = thumbnail_sizing(args);

	return sized_load_shrink(&s, (int)args[THUMBNAIL_FAST], width, height);
}

static int thumbnail_check(const double *args)
{
	if ((int)args[THUMBNAIL_SIZE] & GEOMETRY_ENLARGE)
		return error("filter thumbnail: never enlarges, so '<' would leave every "
			     "image as it is");
	return sizing_check("thumbnail", args + THUMBNAIL_SIZE, (int)args[THUMBNAIL_CROP]);
}

/*
 * Pixelate: each size x size block (smaller at the right and bottom edges)
 * becomes the rounded mean of its pixels, channel by channel.
 */
static void pixelate_band(struct image *img, int y0, int rows, int n, unsigned *sum)
{
	int w = img->width, c = img->channels;

	memset(sum, 0, (size_t)w * c * sizeof(*sum));
	for (int y = y0; y < y0 + rows; y++) {
		const unsigned char *p = image_row(img, y);

		for (int x = 0; x < w; x++)
			for (int k = 0; k < c; k++)
				sum[(x / n) * c + k] += p[x * c + k];
	}
	for (int bx = 0; bx * n < w; bx++) {
		int cols = w - bx * n < n ? w - bx * n : n;
		unsigned count = (unsigned)(cols * rows);

		for (int k = 0; k < c; k++)
			sum[bx * c + k] = (sum[bx * c + k] + count / 2) / count;
	}
	for (int y = y0; y < y0 + rows; y++) {
		unsigned char *p = image_row(img, y);

		for (int x = 0; x < w; x++)
			for (int k = 0; k < c; k++)
				p[x * c + k] = (unsigned char)sum[(x / n) * c + k];
	}
}

static int pixelate(struct image *img, const double *args)
{
	int n = (int)lround(args[PIXELATE_SIZE]);
	unsigned *sum = malloc((size_t)img->width * img->channels * sizeof(*sum));

	if (!sum)
		return error("out of memory for pixelate");
	for (int y = 0; y < img->height; y += n)
		pixelate_band(img, y, img->height - y < n ? img->height - y : n, n, sum);
	free(sum);
	return 0;
}

#define GEOMETRY_HELP							\
	"WxH fits inside, W or xH sets one side, WxH^ covers, WxH! is exact; "	\
	"> only shrinks, < only enlarges; N% scales"

const struct filter filter_resize = {
	.name = "resize",
	.help = "scales to a geometry (mogrify's) or to width x height; one side alone "
		"keeps the aspect ratio",
	.apply = resize,
	.check = resize_check,
	.load_shrink = resize_load_shrink,
	.size = resize_out,
	.peak = resize_peak,
	.params = {
		[RESIZE_SIZE] = { "size", 0, 0, 0, GEOMETRY_HELP "; sets width and height",
				  NULL, &geometry_kind },
		[RESIZE_WIDTH] = { "width", 0, 0, 65535,
				   "output width (0: from height and the aspect ratio)", NULL, NULL },
		[RESIZE_HEIGHT] = { "height", 0, 0, 65535,
				    "output height (0: from width and the aspect ratio)", NULL, NULL },
		[RESIZE_KERNEL] = { "kernel", KERNEL_LANCZOS3, 0, 0,
				    "lanczos3 (sharp), bilinear or box (area average)",
		  kernel_names, NULL },
		[RESIZE_FAST] = { "fast", 0, 0, 0,
				  "1: box-average by an integer factor first when shrinking over 4x, "
				  "then the kernel (faster, within a level or two); as the first "
				  "filter, decode a JPEG at half size for that", fast_names, NULL },
		[RESIZE_CROP] = { "crop", CUT_NONE, 0, 0,
				  "after a cover (WxH^), cut the overflow to WxH: keep the centre, "
				  "or the part with the most detail (entropy)", cut_names, NULL },
	},
};

const struct filter filter_thumbnail = {
	.name = "thumbnail",
	.help = "shrinks to a geometry, keeping the aspect ratio; never enlarges",
	.apply = thumbnail,
	.check = thumbnail_check,
	.load_shrink = thumbnail_load_shrink,
	.size = thumbnail_out,
	.peak = thumbnail_peak,
	.params = {
		[THUMBNAIL_SIZE] = { "size", GEOMETRY_INSIDE, 0, 0,
				     "N: the longest side; else as resize's size, but never "
				     "enlarging", NULL, &geometry_box_kind },
		[THUMBNAIL_WIDTH] = { "width", 256, 0, 65535,
				      "width of the box (0: from height)", NULL, NULL },
		[THUMBNAIL_HEIGHT] = { "height", 256, 0, 65535,
				       "height of the box (0: from width)", NULL, NULL },
		[THUMBNAIL_FAST] = { "fast", 1, 0, 0,
				     "0: no box stage nor half-size decode before Lanczos "
				     "(see resize's fast)",
				     fast_names, NULL },
		[THUMBNAIL_CROP] = { "crop", CUT_NONE, 0, 0,
				     "after a cover (WxH^), cut the overflow to WxH (see "
				     "resize's crop)", cut_names, NULL },
	},
};

const struct filter filter_pixelate = {
	.name = "pixelate",
	.help = "replaces each size x size block with its mean colour",
	.apply = pixelate,
	.params = {
		[PIXELATE_SIZE] = { "size", 8, 1, 65535, "side of a block in pixels", NULL, NULL },
	},
};

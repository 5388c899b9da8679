/*
 * Geometry: crop, and the eight rotations and mirrors of the EXIF
 * orientations, which rotate and flip are named cases of. Pixels move
 * whole, alpha with them.
 */
#include "filter/chain.h"
#include "filter/kernel.h"

#include <math.h>
#include <string.h>

#include "base/error.h"

/*
 * Where orientation o sends the source pixel (x, y): to x' = ax x + bx y
 * and y' = ay x + by y, plus w' - 1 or h' - 1 where a coefficient is
 * negative. When ax is 0 the result is h x w.
 */
static const struct {
	int ax, bx, ay, by;
} orientations[9] = {
	[1] = { 1, 0, 0, 1 },		/* as stored */
	[2] = { -1, 0, 0, 1 },		/* mirrored left to right */
	[3] = { -1, 0, 0, -1 },		/* rotated 180 */
	[4] = { 1, 0, 0, -1 },		/* mirrored top to bottom */
	[5] = { 0, 1, 1, 0 },		/* transposed */
	[6] = { 0, -1, 1, 0 },		/* rotated 90 clockwise */
	[7] = { 0, -1, -1, 0 },		/* transversed */
	[8] = { 0, 1, -1, 0 },		/* rotated 270 clockwise */
};

/* Pixels are copied in square tiles, so that a transposing copy stays in cache. */
#define TILE 32

static inline void copy_tile(unsigned char *dst, const struct image *src, int x0, int y0,
			     ptrdiff_t origin, ptrdiff_t sx, ptrdiff_t sy, int c)
{
	int x1 = x0 + TILE < src->width ? x0 + TILE : src->width;
	int y1 = y0 + TILE < src->height ? y0 + TILE : src->height;

	for (int y = y0; y < y1; y++) {
		const unsigned char *p = image_row(src, y);
		ptrdiff_t base = origin + y * sy;

		for (int x = x0; x < x1; x++)
			memcpy(dst + (base + x * sx) * c, p + (size_t)x * c, (size_t)c);
	}
}

static void copy_oriented(unsigned char *dst, const struct image *src, ptrdiff_t origin,
			  ptrdiff_t sx, ptrdiff_t sy)
{
	for (int y0 = 0; y0 < src->height; y0 += TILE) {
		for (int x0 = 0; x0 < src->width; x0 += TILE)
			WITH_CHANNELS(src->channels, copy_tile, dst, src, x0, y0, origin, sx, sy);
	}
}

/* Swaps two runs of c bytes. */
static inline void swap_bytes(unsigned char *a, unsigned char *b, int c)
{
	for (int k = 0; k < c; k++) {
		unsigned char t = a[k];

		a[k] = b[k];
		b[k] = t;
	}
}

static void mirror_rows(struct image *img)
{
	int w = img->width, c = img->channels;

	for (int y = 0; y < img->height; y++) {
		unsigned char *row = image_row(img, y);

		for (int x = 0; x < w / 2; x++)
			swap_bytes(row + (size_t)x * c, row + (size_t)(w - 1 - x) * c, c);
	}
}

static void mirror_columns(struct image *img)
{
	int row = img->width * img->channels;

	for (int y = 0; y < img->height / 2; y++)
		swap_bytes(image_row(img, y), image_row(img, img->height - 1 - y), row);
}

/*
 * The orientations that keep the size (2, 3, 4) are done in place: no new
 * image, so nothing to allocate and no page to fault in.
 */
static int orient_in_place(struct image *img, int orientation)
{
	if (orientation == 2 || orientation == 3)
		mirror_rows(img);
	if (orientation == 3 || orientation == 4)
		mirror_columns(img);
	return 0;
}

int filter_orient(struct image *img, int orientation)
{
	struct image out = IMAGE_INIT;
	int ax, bx, ay, by, w, h;
	ptrdiff_t origin;

	if (orientation < 1 || orientation > 8)
		return error("EXIF orientation %d is not 1 to 8", orientation);
	if (orientation <= 4)
		return orient_in_place(img, orientation);
	ax = orientations[orientation].ax;
	bx = orientations[orientation].bx;
	ay = orientations[orientation].ay;
	by = orientations[orientation].by;
	w = ax ? img->width : img->height;
	h = ax ? img->height : img->width;
	if (image_alloc(&out, w, h, img->channels) < 0)
		return -1;
	origin = (ptrdiff_t)(ay + by < 0 ? h - 1 : 0) * w + (ax + bx < 0 ? w - 1 : 0);
	copy_oriented(out.pixels, img, origin, (ptrdiff_t)ay * w + ax, (ptrdiff_t)by * w + bx);
	/* Orientations 5 to 8 swap the sides, of a shrunk image's full size too. */
	out.bits = img->bits;
	out.pages = img->pages;
	out.shrink = img->shrink;
	out.full_width = img->full_height;
	out.full_height = img->full_width;
	image_move(img, &out);
	return 0;
}

/*
 * Each filter's parameters, by their place in its table row below, whose
 * entries are initialised at these indices.
 */
enum { CROP_X, CROP_Y, CROP_WIDTH, CROP_HEIGHT };
enum { ROTATE_ANGLE };
enum { FLIP_AXIS };

/*
 * The rectangle crop cuts from a width x height image, a width or height
 * of 0 reaching the edge: 1 when it lies inside the image, 0 when not.
 */
static int crop_rect(const double *args, int width, int height, long *w, long *h)
{
	long x = lround(args[CROP_X]), y = lround(args[CROP_Y]);

	*w = lround(args[CROP_WIDTH]);
	*h = lround(args[CROP_HEIGHT]);
	*w = *w ? *w : width - x;
	*h = *h ? *h : height - y;
	return x < width && y < height && *w > 0 && *h > 0 && x + *w <= width &&
	       y + *h <= height;
}

/* Keeps the w x h rectangle at (x, y), which lies inside img. */
static int keep_rect(struct image *img, long x, long y, long w, long h)
{
	struct image out = IMAGE_INIT;
	size_t c = (size_t)img->channels;

	if (w == img->width && h == img->height)
		return 0;
	if (image_alloc(&out, (int)w, (int)h, img->channels) < 0)
		return -1;
	for (int row = 0; row < h; row++)
		memcpy(image_row(&out, row), image_row(img, (int)y + row) + x * c, (size_t)w * c);
	image_move(img, &out);
	return 0;
}

static int crop(struct image *img, const double *args)
{
	long x = lround(args[CROP_X]), y = lround(args[CROP_Y]), w, h;

	if (!crop_rect(args, img->width, img->height, &w, &h))
		return error("crop %ldx%ld+%ld+%ld falls outside the %dx%d image",
			     w > 0 ? w : lround(args[CROP_WIDTH]),
			     h > 0 ? h : lround(args[CROP_HEIGHT]),
			     x, y, img->width, img->height);
	return keep_rect(img, x, y, w, h);
}

/* The size crop makes: the rectangle, or the image's own when it falls outside (crop fails). */
static void crop_out(const double *args, int *width, int *height)
{
	long w, h;

	if (crop_rect(args, *width, *height, &w, &h)) {
		*width = (int)w;
		*height = (int)h;
	}
}

const char *const cut_names[] = {
	[CUT_NONE] = "none", [CUT_CENTRE] = "centre", [CUT_ENTROPY] = "entropy", NULL,
};

/*
 * The Shannon entropy, in bits, of the samples of the w x h rectangle at
 * (x, y): one histogram a channel, side by side, over all the samples, as
 * libvips measures it. Colour counts as much as its alpha lets it show
 * (premultiplied, rounded down), so that what hides in transparent parts
 * draws no crop.
 */
static double entropy_of(const struct image *img, int x, int y, int w, int h)
{
	size_t hist[4][256] = { { 0 } }, n = (size_t)w * h * img->channels;
	int c = img->channels, cc = colour_channels(img);
	double e = 0;

	for (int row = y; row < y + h; row++) {
		const unsigned char *p = image_row(img, row) + (size_t)x * c;

		for (int i = 0; i < w; i++, p += c)
			for (int k = 0; k < c; k++)
				hist[k][k < cc && cc < c ? p[k] * p[cc] / 255 : p[k]]++;
	}
	for (int k = 0; k < c; k++)
		for (int v = 0; v < 256; v++) {
			double q = (double)hist[k][v] / n;

			if (hist[k][v])
				e -= q * log2(q);
		}
	return e;
}

/*
 * The corner of the width x height rectangle with the most detail: slices
 * come off the sides, left or right and then top or bottom, whichever of
 * the two has less entropy (the right or the bottom when they tie), until
 * the rectangle is left; a slice is an eighth of the larger overflow, so
 * that it takes about eight rounds.
 */
static void entropy_corner(const struct image *img, int width, int height, int *x, int *y)
{
	int w = img->width, h = img->height;
	int dx = (w - width + 7) / 8, dy = (h - height + 7) / 8;
	int slice = dx > dy ? dx : dy;

	*x = *y = 0;
	while (w > width || h > height) {
		int sw = w - width < slice ? w - width : slice;
		int sh = h - height < slice ? h - height : slice;

		if (sw > 0) {
			double left = entropy_of(img, *x, *y, sw, h);
			double right = entropy_of(img, *x + w - sw, *y, sw, h);

			w -= sw;
			*x += left < right ? sw : 0;
		}
		if (sh > 0) {
			double top = entropy_of(img, *x, *y, w, sh);
			double bottom = entropy_of(img, *x, *y + h - sh, w, sh);

			h -= sh;
			*y += top < bottom ? sh : 0;
		}
	}
}

int cut_to(struct image *img, int width, int height, enum cut_at at)
{
	int x, y;

	width = width < img->width ? width : img->width;
	height = height < img->height ? height : img->height;
	if (at == CUT_NONE || (width == img->width && height == img->height))
		return 0;
	if (at == CUT_ENTROPY) {
		entropy_corner(img, width, height, &x, &y);
	} else {
		x = (img->width - width) / 2;
		y = (img->height - height) / 2;
	}
	return keep_rect(img, x, y, width, height);
}

static const char *const angles[] = { "90", "180", "270", NULL };
/* The axis of flip, by the place of its word in axes[]. */
enum axis { AXIS_H, AXIS_V };
static const char *const axes[] = { [AXIS_H] = "h", [AXIS_V] = "v", NULL };

static int rotate(struct image *img, const double *args)
{
	static const int orientation[] = { 6, 3, 8 };

	return filter_orient(img, orientation[(int)args[ROTATE_ANGLE]]);
}

/* 90 and 270 degrees swap the sides. */
static void rotate_out(const double *args, int *width, int *height)
{
	int w = *width;

	if ((int)args[ROTATE_ANGLE] != 1) {
		*width = *height;
		*height = w;
	}
}

static int flip(struct image *img, const double *args)
{
	return filter_orient(img, (enum axis)args[FLIP_AXIS] == AXIS_H ? 2 : 4);
}

const struct filter filter_crop = {
	.name = "crop",
	.help = "keeps the width x height rectangle whose top left corner is (x, y)",
	.apply = crop,
	.size = crop_out,
	.params = {
		[CROP_X] = { "x", 0, 0, 65535, "left edge", NULL, NULL },
		[CROP_Y] = { "y", 0, 0, 65535, "top edge", NULL, NULL },
		[CROP_WIDTH] = { "width", 0, 0, 65535, "width (0: up to the right edge)", NULL, NULL },
		[CROP_HEIGHT] = { "height", 0, 0, 65535,
				  "height (0: down to the bottom edge)", NULL, NULL },
	},
};

const struct filter filter_rotate = {
	.name = "rotate",
	.help = "rotates clockwise by a right angle",
	.apply = rotate,
	.size = rotate_out,
	.params = {
		[ROTATE_ANGLE] = { "angle", 0, 0, 0, "90, 180 or 270 degrees clockwise", angles, NULL },
	},
};

const struct filter filter_flip = {
	.name = "flip",
	.help = "mirrors left to right (h) or top to bottom (v)",
	.apply = flip,
	.params = {
		[FLIP_AXIS] = { "axis", AXIS_H, 0, 0,
				"h (about the vertical axis) or v (about the horizontal one)", axes, NULL },
	},
};

/*
 * Point filters: each output pixel depends only on the input pixel at the
 * same place. Alpha passes through untouched. Filters that map one sample to
 * one sample build a 256-entry table once and apply it to every row; the
 * ones that mix channels work in 16-bit fixed point.
 */
#include "filter/kernel.h"

#include <math.h>

/*
 * Compiled once per channel count (WITH_CHANNELS), so each copy has a
 * constant stride and the compiler unrolls it; 1 and 3 channels map every
 * byte.
 */
static inline void lut_row(unsigned char *p, size_t n, const unsigned char *lut,
			   int channels)
{
	if (channels == 1 || channels == 3) {
		for (size_t i = 0; i < n * (size_t)channels; i++)
			p[i] = lut[p[i]];
	} else if (channels == 2) {
		for (size_t i = 0; i < n; i++)
			p[2 * i] = lut[p[2 * i]];
	} else {
		for (size_t i = 0; i < n; i++) {
			p[4 * i] = lut[p[4 * i]];
			p[4 * i + 1] = lut[p[4 * i + 1]];
			p[4 * i + 2] = lut[p[4 * i + 2]];
		}
	}
}

void lut_apply(struct image *img, const unsigned char lut[256])
{
	size_t n = (size_t)img->width * (size_t)img->height;

	WITH_CHANNELS(img->channels, lut_row, img->pixels, n, lut);
}

/* Builds the table of f(v) for v = 0..255, rounded and clamped, and applies it. */
static int lut_apply_function(struct image *img, double (*f)(double v, const double *args),
			      const double *args)
{
	unsigned char lut[256];

	for (int v = 0; v < 256; v++)
		lut[v] = clamp_u8((float)f(v, args));
	lut_apply(img, lut);
	return 0;
}

/*
 * The filters that mix channels run on colour images only (3 or 4
 * channels). Their loops take the channel count as a constant: each is
 * inlined into colour_pixels() twice, once for 3 and once for 4, so the
 * compiler knows the stride and vectorises.
 */
#define colour_pixels(img, fn, ...)						\
	do {									\
		size_t n_ = (size_t)(img)->width * (size_t)(img)->height;	\
		if ((img)->channels == 3)					\
			fn((img)->pixels, n_, 3, __VA_ARGS__);			\
		else if ((img)->channels == 4)					\
			fn((img)->pixels, n_, 4, __VA_ARGS__);			\
	} while (0)

/*
 * Each filter's parameters, by their place in its table row below, whose
 * entries are initialised at these indices.
 */
enum { GRAYSCALE_CHANNELS };
enum { BRIGHTNESS_AMOUNT };
enum { CONTRAST_AMOUNT };
enum { GAMMA_VALUE };
enum { SATURATE_AMOUNT };
enum { THRESHOLD_LEVEL };

/* grayscale's channels: one grey channel (and alpha), or the input's count. */
enum { GREY_ONE, GREY_KEEP };
static const char *const grey_channels[] = { [GREY_ONE] = "1", [GREY_KEEP] = "keep", NULL };

/*
 * Luma from Rec. 601 (the weights JPEG's YCbCr uses): Y = 0.299 R + 0.587 G
 * + 0.114 B, in 16-bit fixed point (19595 + 38470 + 7471 = 65536), rounded.
 * Written back into every colour channel, for channels=keep.
 */
static inline void grayscale_pixels(unsigned char *restrict p, size_t n, int c, int unused)
{
	(void)unused;
	for (size_t i = 0; i < n; i++, p += c) {
		unsigned y = luma601(p[0], p[1], p[2]);

		p[0] = p[1] = p[2] = (unsigned char)y;
	}
}

/*
 * Luma into a grey image of c - 2 channels (grey, or grey and alpha): a
 * third of the samples to filter and encode, and a JPEG or PNG of one
 * channel, with the same grey values as channels=keep.
 */
static inline void grayscale_copy(const unsigned char *restrict p, unsigned char *restrict q,
				  size_t n, int c)
{
	for (size_t i = 0; i < n; i++, p += c, q += c - 2) {
		q[0] = (unsigned char)luma601(p[0], p[1], p[2]);
		if (c == 4)
			q[1] = p[3];
	}
}

static int grayscale(struct image *img, const double *args)
{
	struct image grey = IMAGE_INIT;
	size_t n = (size_t)img->width * (size_t)img->height;

	if (img->channels < 3)
		return 0;
	if ((int)args[GRAYSCALE_CHANNELS] == GREY_KEEP) {
		colour_pixels(img, grayscale_pixels, 0);
		return 0;
	}
	if (image_alloc(&grey, img->width, img->height, img->channels - 2) < 0)
		return -1;
	if (img->channels == 3)
		grayscale_copy(img->pixels, grey.pixels, n, 3);
	else
		grayscale_copy(img->pixels, grey.pixels, n, 4);
	image_move(img, &grey);
	return 0;
}

static double invert_value(double v, const double *args)
{
	(void)args;
	return 255 - v;
}

static int invert(struct image *img, const double *args)
{
	return lut_apply_function(img, invert_value, args);
}

/* amount is a fraction of full scale: 0.1 adds 25.5 to every sample. */
static double brightness_value(double v, const double *args)
{
	return v + args[BRIGHTNESS_AMOUNT] * 255;
}

static int brightness(struct image *img, const double *args)
{
	return lut_apply_function(img, brightness_value, args);
}

/*
 * Contrast scales the distance from mid-grey (127.5) by a factor that
 * amount maps onto smoothly: -1 gives flat grey (factor 0), 0 leaves the
 * image alone (factor 1), 0.5 doubles the contrast and 1 leaves only black
 * and white (an infinite factor, a threshold at mid-grey).
 */
static double contrast_value(double v, const double *args)
{
	double a = args[CONTRAST_AMOUNT], d = v - 127.5;

	if (a >= 1)
		return d < 0 ? 0 : 255;
	return 127.5 + d * (a <= 0 ? 1 + a : 1 / (1 - a));
}

static int contrast(struct image *img, const double *args)
{
	return lut_apply_function(img, contrast_value, args);
}

/* As ImageMagick's -gamma: out = 255 (v / 255)^(1 / value), so values above 1 brighten. */
static double gamma_value(double v, const double *args)
{
	return 255 * pow(v / 255, 1 / args[GAMMA_VALUE]);
}

static int gamma_filter(struct image *img, const double *args)
{
	return lut_apply_function(img, gamma_value, args);
}

/*
 * Saturation moves each colour channel away from the pixel's luma by the
 * factor amount (0 grey, 1 unchanged, 2 twice as vivid), in 8.8 fixed point.
 * Grey images have no colour to scale and are left as they are.
 */
static inline void saturate_pixels(unsigned char *restrict p, size_t n, int c, int s)
{
	for (size_t i = 0; i < n; i++, p += c) {
		int y = (int)luma601(p[0], p[1], p[2]);

		for (int k = 0; k < 3; k++)
			p[k] = clamp_byte(y + (((p[k] - y) * s + 128) >> 8));
	}
}

VECTOR_CLONES static int saturate(struct image *img, const double *args)
{
	colour_pixels(img, saturate_pixels, (int)lround(args[SATURATE_AMOUNT] * 256));
	return 0;
}

/*
 * The sepia matrix Microsoft published for its imaging samples, in 10-bit
 * fixed point. It needs colour to work on, so grey images are left alone.
 */
static inline void sepia_pixels(unsigned char *restrict p, size_t n, int c, int unused)
{
	(void)unused;
	for (size_t i = 0; i < n; i++, p += c) {
		int r = p[0], g = p[1], b = p[2];

		p[0] = clamp_byte((402 * r + 787 * g + 194 * b + 512) >> 10);	/* .393 .769 .189 */
		p[1] = clamp_byte((357 * r + 702 * g + 172 * b + 512) >> 10);	/* .349 .686 .168 */
		p[2] = clamp_byte((279 * r + 547 * g + 134 * b + 512) >> 10);	/* .272 .534 .131 */
	}
}

VECTOR_CLONES static int sepia(struct image *img, const double *args)
{
	(void)args;
	colour_pixels(img, sepia_pixels, 0);
	return 0;
}

/*
 * Threshold turns every pixel black or white: white where its luma (the
 * grey value itself for grey images) is at least level.
 */
static inline void threshold_pixels(unsigned char *restrict p, size_t n, int c, int level)
{
	for (size_t i = 0; i < n; i++, p += c) {
		unsigned char v = (int)luma601(p[0], p[1], p[2]) >= level ? 255 : 0;

		p[0] = p[1] = p[2] = v;
	}
}

static double threshold_value(double v, const double *args)
{
	return v >= args[THRESHOLD_LEVEL] ? 255 : 0;
}

static int threshold(struct image *img, const double *args)
{
	if (img->channels < 3)
		return lut_apply_function(img, threshold_value, args);
	colour_pixels(img, threshold_pixels, (int)ceil(args[THRESHOLD_LEVEL]));
	return 0;
}

/*
 * Every pixel on its own: bands of rows filter in place, on as many
 * threads as there are bands (filter.h). Not grayscale to one channel,
 * which makes a new image.
 */
static int point_reach(const double *args)
{
	(void)args;
	return 0;
}

static int grayscale_reach(const double *args)
{
	return (int)args[GRAYSCALE_CHANNELS] == GREY_KEEP ? 0 : -1;
}

const struct filter filter_grayscale = {
	.name = "grayscale",
	.help = "grey from Rec. 601 luma (0.299 R + 0.587 G + 0.114 B), one channel (and alpha)",
	.apply = grayscale,
	.reach = grayscale_reach,
	.params = {
		[GRAYSCALE_CHANNELS] = { "channels", GREY_ONE, 0, 0,
					 "1: one grey channel, plus alpha if any; keep: grey in every colour channel",
					 grey_channels, NULL },
	},
};

const struct filter filter_invert = {
	.name = "invert",
	.help = "negative: every colour sample v becomes 255 - v",
	.apply = invert,
	.reach = point_reach,
};

const struct filter filter_brightness = {
	.name = "brightness",
	.help = "adds amount x 255 to every colour sample",
	.apply = brightness,
	.reach = point_reach,
	.params = {
		[BRIGHTNESS_AMOUNT] = { "amount", 0.1, -1, 1,
					"fraction of full scale to add (-1 black, 1 white)", NULL, NULL },
	},
};

const struct filter filter_contrast = {
	.name = "contrast",
	.help = "scales the distance from mid-grey: -1 flat grey, 0 unchanged, 0.5 doubled, 1 black and white",
	.apply = contrast,
	.reach = point_reach,
	.params = {
		[CONTRAST_AMOUNT] = { "amount", 0.25, -1, 1,
				      "the factor is 1 + amount below 0, 1 / (1 - amount) above", NULL, NULL },
	},
};

const struct filter filter_gamma = {
	.name = "gamma",
	.help = "gamma correction: 255 (v/255)^(1/value); above 1 brightens the mid-tones",
	.apply = gamma_filter,
	.reach = point_reach,
	.params = {
		[GAMMA_VALUE] = { "value", 1.2, 0.05, 20, "gamma (1 unchanged)", NULL, NULL },
	},
};

const struct filter filter_saturate = {
	.name = "saturate",
	.help = "scales each colour's distance from its luma: 0 grey, 1 unchanged, 2 twice as vivid",
	.apply = saturate,
	.reach = point_reach,
	.params = {
		[SATURATE_AMOUNT] = { "amount", 1.5, 0, 8, "saturation factor", NULL, NULL },
	},
};

const struct filter filter_sepia = {
	.name = "sepia",
	.help = "warm brown tone (the classic sepia matrix); grey images are left as they are",
	.apply = sepia,
	.reach = point_reach,
};

const struct filter filter_threshold = {
	.name = "threshold",
	.help = "white where the luma is at least level, black elsewhere",
	.apply = threshold,
	.reach = point_reach,
	.params = {
		[THRESHOLD_LEVEL] = { "level", 128, 0, 255,
				      "luma at and above which a pixel turns white", NULL, NULL },
	},
};

#ifndef PIXPOOL_KERNEL_H
#define PIXPOOL_KERNEL_H

/*
 * The filters, one family per file. Each file holds its family's pixel loops
 * and table rows; filter/table.c lists the rows in the order `pixpool
 * filters` shows them.
 *
 * A filter gets the whole image, not a row at a time, and walks it in the
 * order that keeps its data in cache: the point filters, levels and equalize
 * run over all the pixels as one array; the blurs over strips of rows, then
 * strips of columns (sharpen over bands of rows); the median over vertical
 * stripes (from radius 3) or row by row; a quarter turn over square tiles;
 * the others row by row. A filter runs on the thread that calls it and
 * says why it failed through error(); files are the caller's business.
 * Threads too, with two exceptions: a filter with a reach (filter/filter.h) is run
 * by filter/chain.c on bands of rows, one thread each, and the blurs split their
 * strips of rows, then of columns, over threads (apply_threads); either way
 * every byte is computed exactly as on one thread.
 *
 * Borders: a neighbourhood filter (blur, boxblur, sharpen, edges, emboss,
 * median, resize, thumbnail) reads a pixel outside the image as the nearest
 * pixel inside it (clamp, also called replicate), the rule photo editors
 * use, which neither darkens nor wraps the edges. Each gets its border from
 * clamp_index() (one coordinate) or border_pad_row() (a row with its end
 * pixels repeated, border.c); the blur's strips repeat their end samples
 * the same way. The tests compare every one of them with a reference that
 * clamps its coordinates.
 *
 * Alpha: colour filters (every point filter, levels, equalize, edges, emboss,
 * sharpen) leave alpha untouched. Filters that move or mix pixels (blur,
 * boxblur, median, resize, thumbnail, pixelate, crop, rotate, flip) treat
 * alpha as one more channel, so it moves with its pixel.
 */

#include <stddef.h>

#include "filter/filter.h"

/* point.c */
extern const struct filter filter_grayscale;
extern const struct filter filter_invert;
extern const struct filter filter_brightness;
extern const struct filter filter_contrast;
extern const struct filter filter_gamma;
extern const struct filter filter_saturate;
extern const struct filter filter_sepia;
extern const struct filter filter_threshold;

/* histogram.c */
extern const struct filter filter_levels;
extern const struct filter filter_equalize;

/* blur.c */
extern const struct filter filter_blur;
extern const struct filter filter_boxblur;
extern const struct filter filter_sharpen;

/* edge.c */
extern const struct filter filter_edges;
extern const struct filter filter_emboss;

/* rank.c */
extern const struct filter filter_median;

/* resample.c */
extern const struct filter filter_resize;
extern const struct filter filter_thumbnail;
extern const struct filter filter_pixelate;

/* geometry.c */
extern const struct filter filter_crop;
extern const struct filter filter_rotate;
extern const struct filter filter_flip;

/*
 * Helpers shared by the families.
 */

/* Row y of img. */
static inline unsigned char *image_row(const struct image *img, int y)
{
	return img->pixels + (size_t)y * (size_t)img->width * (size_t)img->channels;
}

/* The channels that carry colour: all but the alpha of a 2- or 4-channel image. */
static inline int colour_channels(const struct image *img)
{
	return img->channels == 2 || img->channels == 4 ? img->channels - 1 : img->channels;
}

/*
 * v rounded and clamped to 0..255. Written so that GCC vectorises loops
 * over it (rounding first, then clamping, then an int conversion).
 */
static inline unsigned char clamp_u8(float v)
{
	v += 0.5f;
	v = v < 0.0f ? 0.0f : v;
	v = v > 255.0f ? 255.0f : v;
	return (unsigned char)(int)v;
}

/* v clamped to 0..255, for integer arithmetic. */
static inline unsigned char clamp_byte(int v)
{
	v = v < 0 ? 0 : v;
	v = v > 255 ? 255 : v;
	return (unsigned char)v;
}

/* Rec. 601 luma of an RGB pixel, in 16-bit fixed point, rounded. */
static inline unsigned luma601(unsigned r, unsigned g, unsigned b)
{
	return (19595u * r + 38470u * g + 7471u * b + 32768u) >> 16;
}

/*
 * Marks a hot function to be compiled twice, for the x86-64 baseline (SSE2)
 * and for AVX2, the copy picked when the program starts by what the CPU
 * can do. The binary stays portable; machines with AVX2 get twice the
 * vector width in the loops the compiler vectorises. -DPIXPOOL_NO_CLONES
 * builds the baseline alone, to measure it.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
	!defined(PIXPOOL_NO_CLONES)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

/*
 * Calls fn(..., c) with the channel count c as a constant: 1, 2, 3, or 4
 * for anything else. A pixel loop with a constant stride is unrolled and
 * vectorised, and one with a variable stride is not, so the families write
 * such loops as static inline functions that take the channel count last,
 * and call them through this switch: each is compiled once per count, with
 * no test of the count inside the loop.
 */
#define WITH_CHANNELS(channels, fn, ...)				\
	do {								\
		switch (channels) {					\
		case 1: fn(__VA_ARGS__, 1); break;			\
		case 2: fn(__VA_ARGS__, 2); break;			\
		case 3: fn(__VA_ARGS__, 3); break;			\
		default: fn(__VA_ARGS__, 4); break;			\
		}							\
	} while (0)

/* point.c: maps every colour sample v of img to lut[v]; alpha is left alone. */
void lut_apply(struct image *img, const unsigned char lut[256]);

/* The clamp rule for one coordinate: i moved into 0 .. n - 1. */
static inline int clamp_index(int i, int n)
{
	return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/*
 * Copies a row of width pixels into dst, with pad copies of its first pixel
 * before it and pad copies of its last after it: dst holds (width + 2 pad)
 * pixels. A filter can then read pad pixels past either end without a test.
 */
void border_pad_row(unsigned char *dst, const unsigned char *row, int width,
		    int channels, int pad);

/*
 * border.c: copies the alpha of n pixels from src to dst (nothing for 1 or 3
 * channels). Colour filters whose loops run over every sample, so that they
 * vectorise, put alpha back with it.
 */
void copy_alpha(unsigned char *dst, const unsigned char *src, size_t n, int channels);

/*
 * filter.c: runs fn(arg, i, n) for every part i of n (at most
 * FILTER_THREADS_MAX), part 0 on the calling thread and the others on
 * threads of their own, and returns once all are done. A part that gets no
 * thread runs on the caller, so what each part computes must not depend on
 * which thread runs it, nor on the order the parts run in.
 */
void filter_parallel(int n, void (*fn)(void *arg, int i, int n), void *arg);

/*
 * geometry.c: where a cut down to a smaller size keeps its rectangle: none
 * (no cut), the centre, or the part with the most detail, found by
 * repeatedly dropping whichever of two opposite slices has less entropy
 * (libvips's smartcrop, interesting=entropy). cut_names[] holds their
 * words, for a filter's choices.
 */
enum cut_at { CUT_NONE, CUT_CENTRE, CUT_ENTROPY };
extern const char *const cut_names[];

/* Cuts img down to width x height (each no larger than img's), placed by at. */
int cut_to(struct image *img, int width, int height, enum cut_at at);

/* blur.c: Gaussian blur of img in place, for sharpen and whoever needs it. */
int blur_gaussian(struct image *img, double sigma);

#endif

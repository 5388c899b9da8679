/*
 * Helpers for the filter tests: images made to order, filters applied by
 * their chain spelling (so the tests go through the same table users do),
 * comparisons with references computed in double precision, and the test
 * photographs in tests/data.
 */
#ifndef PIXPOOL_FILTER_TEST_H
#define PIXPOOL_FILTER_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "filter/chain.h"

/* Sample k of pixel (x, y). */
static inline unsigned char *px(const struct image *img, int x, int y, int k)
{
	return img->pixels + ((size_t)y * img->width + x) * img->channels + k;
}

/* The sample at (x, y) with both clamped into the image: the border rule. */
static inline double clamped(const struct image *img, int x, int y, int k)
{
	x = x < 0 ? 0 : x >= img->width ? img->width - 1 : x;
	y = y < 0 ? 0 : y >= img->height ? img->height - 1 : y;
	return *px(img, x, y, k);
}

static inline struct image image_new(int w, int h, int c)
{
	struct image img = IMAGE_INIT;

	if (image_alloc(&img, w, h, c) < 0)
		fail_msg("%s", error_message());
	return img;
}

/* Uniform noise: every sample value equally likely; seeded, so runs repeat. */
static inline struct image image_noise(int w, int h, int c, unsigned seed)
{
	struct image img = image_new(w, h, c);
	size_t n = (size_t)w * h * c;

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1664525u + 1013904223u;
		img.pixels[i] = (unsigned char)(seed >> 24);
	}
	return img;
}

/* Smooth gradients with mild noise, like a photo; alpha (if any) varies too. */
static inline struct image image_photo(int w, int h, int c, unsigned seed)
{
	struct image img = image_new(w, h, c);

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			for (int k = 0; k < c; k++) {
				double v = 128 + 90 * sin(x * 0.05 + k) * cos(y * 0.037 - k);

				seed = seed * 1664525u + 1013904223u;
				v += (int)(seed >> 28) - 8;
				*px(&img, x, y, k) = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
			}
	return img;
}

static inline struct image image_copy(const struct image *src)
{
	struct image img = image_new(src->width, src->height, src->channels);

	memcpy(img.pixels, src->pixels, (size_t)src->width * src->height * src->channels);
	return img;
}

/* Applies a chain spelled as on the command line; the test fails if it is refused. */
static inline void apply(const char *spec, struct image *img)
{
	struct chain chain = CHAIN_INIT;

	if (chain_parse(&chain, spec) < 0 || chain_apply(&chain, img, NULL) < 0)
		fail_msg("%s: %s", spec, error_message());
}

/* Applies a chain that must fail; returns the error message. */
static inline const char *apply_fails(const char *spec, struct image *img)
{
	struct chain chain = CHAIN_INIT;

	error_clear();
	if (chain_parse(&chain, spec) < 0)
		fail_msg("%s: refused at parse time: %s", spec, error_message());
	if (chain_apply(&chain, img, NULL) == 0)
		fail_msg("%s: accepted", spec);
	return error_message();
}

/* Fails unless out is within tol levels of ref everywhere; ref holds doubles. */
static inline void assert_close(const char *what, const struct image *out, const double *ref,
				double tol)
{
	size_t n = (size_t)out->width * out->height * out->channels, worst = 0;
	double d = 0;

	for (size_t i = 0; i < n; i++) {
		double r = ref[i] < 0 ? 0 : ref[i] > 255 ? 255 : ref[i];
		double e = fabs(out->pixels[i] - r);

		if (e > d) {
			d = e;
			worst = i;
		}
	}
	if (d > tol)
		fail_msg("%s on %dx%dx%d: %.2f levels off at sample %zu (got %d, want %.2f), over %g",
			 what, out->width, out->height, out->channels, d, worst,
			 out->pixels[worst], ref[worst], tol);
}

static inline void assert_same_image(const struct image *a, const struct image *b)
{
	assert_int_equal(a->width, b->width);
	assert_int_equal(a->height, b->height);
	assert_int_equal(a->channels, b->channels);
	assert_memory_equal(a->pixels, b->pixels, (size_t)a->width * a->height * a->channels);
}

/* Fails unless channel k (alpha) of a and b are equal. */
static inline void assert_channel_kept(const struct image *a, const struct image *b, int k)
{
	for (int y = 0; y < a->height; y++)
		for (int x = 0; x < a->width; x++)
			if (*px(a, x, y, k) != *px(b, x, y, k))
				fail_msg("channel %d changed at (%d, %d)", k, x, y);
}

/*
 * Reads tests/data/name whatever the working directory: looks next to the
 * test binary's ancestors (build/tests, build/asan/tests) first.
 */
static inline unsigned char *read_test_file(const char *name, size_t *size)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	FILE *f = NULL;
	unsigned char *data;
	long len;

	dir[n > 0 ? n : 0] = '\0';
	for (char *slash; !f && (slash = strrchr(dir, '/')); *slash = '\0') {
		snprintf(path, sizeof(path), "%.*s/tests/data/%s", (int)(slash - dir), dir, name);
		f = fopen(path, "rb");
	}
	if (!f && !(f = fopen(name, "rb")))
		fail_msg("cannot find tests/data/%s", name);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	data = malloc((size_t)len);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*size = (size_t)len;
	return data;
}

static inline struct image load_photo(const char *name)
{
	struct image img = IMAGE_INIT;
	size_t size;
	unsigned char *data = read_test_file(name, &size);

	if (image_decode(&img, data, size, 1u << 26, name) < 0)
		fail_msg("%s", error_message());
	free(data);
	return img;
}

#endif

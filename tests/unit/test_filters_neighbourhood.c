/*
 * Neighbourhood filters (blur, boxblur, sharpen, edges, emboss, median,
 * pixelate) against straightforward references in double precision with
 * clamped borders: on every channel count, on 1x1, 1xN, Nx1 and odd sizes,
 * on a real photo, and at sampled points of an image far larger than the
 * caches.
 */
#include "filter_test.h"

static const int sizes[][2] = { { 1, 1 }, { 1, 13 }, { 13, 1 }, { 2, 2 }, { 37, 23 } };

/* A normalised 1-D kernel of radius r: a sampled Gaussian, or a box when sigma is 0. */
static double *kernel_1d(double sigma, int r)
{
	double *k = malloc((2 * (size_t)r + 1) * sizeof(double)), sum = 0;

	for (int j = -r; j <= r; j++)
		sum += k[j + r] = sigma > 0 ? exp(-j * j / (2 * sigma * sigma)) : 1;
	for (int j = -r; j <= r; j++)
		k[j + r] /= sum;
	return k;
}

static int gauss_radius(double sigma)
{
	return (int)ceil(4 * sigma);
}

/* The separable convolution of img with k (radius r) along x then y, in double. */
static double *convolve(const struct image *img, const double *k, int r)
{
	int w = img->width, h = img->height, c = img->channels;
	size_t n = (size_t)w * h * c;
	double *tmp = calloc(n, sizeof(double)), *out = calloc(n, sizeof(double));

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			for (int ch = 0; ch < c; ch++)
				for (int j = -r; j <= r; j++)
					tmp[((size_t)y * w + x) * c + ch] += k[j + r] * clamped(img, x + j, y, ch);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			for (int ch = 0; ch < c; ch++)
				for (int j = -r; j <= r; j++) {
					int yy = y + j < 0 ? 0 : y + j >= h ? h - 1 : y + j;

					out[((size_t)y * w + x) * c + ch] +=
						k[j + r] * tmp[((size_t)yy * w + x) * c + ch];
				}
	free(tmp);
	return out;
}

static double *true_gaussian(const struct image *img, double sigma)
{
	double *k = kernel_1d(sigma, gauss_radius(sigma));
	double *out = convolve(img, k, gauss_radius(sigma));

	free(k);
	return out;
}

/* The same convolution at one sample only, for images too large to do whole. */
static double convolve_at(const struct image *img, const double *k, int r, int x, int y, int ch)
{
	double sum = 0;

	for (int j = -r; j <= r; j++) {
		double row = 0;

		for (int i = -r; i <= r; i++)
			row += k[i + r] * clamped(img, x + i, y + j, ch);
		sum += k[j + r] * row;
	}
	return sum;
}

/* Mean absolute difference between out and the reference ref. */
static double mean_error(const struct image *out, const double *ref)
{
	size_t n = (size_t)out->width * out->height * out->channels;
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += fabs(out->pixels[i] - fmin(fmax(ref[i], 0), 255));
	return sum / (double)n;
}

/* Blurs in and fails unless it is within tol levels of the true Gaussian; returns the mean error. */
static double check_gaussian(struct image *in, double sigma, double tol)
{
	struct image out = image_copy(in);
	char spec[64];
	double *want = true_gaussian(in, sigma), mean;

	snprintf(spec, sizeof(spec), "blur:sigma=%g", sigma);
	apply(spec, &out);
	assert_close(spec, &out, want, tol);
	mean = mean_error(&out, want);
	free(want);
	image_release(&out);
	return mean;
}

static void test_blur_below_sigma_1_is_a_sampled_gaussian_within_1_level(void **state)
{
	static const double sigmas[] = { 0.3, 0.6, 0.8, 0.99 };

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++)
		for (int c = 1; c <= 4; c++)
			for (size_t i = 0; i < sizeof(sigmas) / sizeof(*sigmas); i++) {
				struct image in = image_noise(sizes[s][0], sizes[s][1], c, (unsigned)s);

				check_gaussian(&in, sigmas[i], 1);
				image_release(&in);
			}
}

/*
 * From sigma 1 the blur is three extended boxes. The bound chosen is 3.5
 * levels: a hard step is the worst case for an edge, where the kernels
 * differ by up to 2.5 levels, and the two roundings to 8 bits add up to 1
 * (3.0 measured).
 */
static void test_blur_matches_true_gaussian_within_3_5_levels(void **state)
{
	static const double sigmas[] = { 1, 1.5, 2, 3, 5.5, 10, 30 };

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++)
		for (int c = 1; c <= 4; c++) {
			struct image in = image_photo(sizes[s][0], sizes[s][1], c, (unsigned)s);

			for (size_t i = 0; i < sizeof(sigmas) / sizeof(*sigmas); i++)
				check_gaussian(&in, sigmas[i], 3.5);
			image_release(&in);
		}
}

/* On a photograph the error is 3.5 levels at most and under half a level on average. */
static void test_blur_of_a_real_photo_is_within_3_5_levels_of_true_gaussian(void **state)
{
	static const double sigmas[] = { 0.7, 1, 2, 4, 12 };
	struct image photo = load_photo("chelsea.png");

	(void)state;
	for (size_t i = 0; i < sizeof(sigmas) / sizeof(*sigmas); i++)
		assert_true(check_gaussian(&photo, sigmas[i], sigmas[i] < 1 ? 1 : 3.5) < 0.5);
	image_release(&photo);
}

static void test_blur_of_a_step_edge_is_within_3_5_levels_of_true_gaussian(void **state)
{
	(void)state;
	for (double sigma = 1; sigma <= 40; sigma *= 1.7) {
		struct image step = image_new(301, 3, 1);

		for (int y = 0; y < 3; y++)
			for (int x = 0; x < 301; x++)
				*px(&step, x, y, 0) = x < 150 ? 0 : 255;
		check_gaussian(&step, sigma, 3.5);
		image_release(&step);
	}
}

static void test_blur_keeps_a_constant_image_and_its_mean(void **state)
{
	(void)state;
	struct image img = image_new(64, 32, 4);

	memset(img.pixels, 200, 64 * 32 * 4);
	apply("blur:sigma=7", &img);
	for (int i = 0; i < 64 * 32 * 4; i++)
		assert_int_equal(img.pixels[i], 200);
	image_release(&img);
}

static void test_boxblur_is_the_mean_of_the_square_within_1_level(void **state)
{
	static const int radii[] = { 1, 2, 7 };

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++)
		for (int c = 1; c <= 4; c++)
			for (size_t i = 0; i < sizeof(radii) / sizeof(*radii); i++) {
				struct image in = image_noise(sizes[s][0], sizes[s][1], c, 9), out = image_copy(&in);
				double *k = kernel_1d(0, radii[i]), *want = convolve(&in, k, radii[i]);
				char spec[64];

				snprintf(spec, sizeof(spec), "boxblur:radius=%d", radii[i]);
				apply(spec, &out);
				assert_close(spec, &out, want, 1);
				free(k);
				free(want);
				image_release(&in);
				image_release(&out);
			}
}

/* The unsharp mask of img with a true Gaussian, for the colour channels. */
static double *true_unsharp(const struct image *img, double sigma, double amount, double threshold)
{
	double *want = true_gaussian(img, sigma);
	int c = img->channels, colour = c == 2 || c == 4 ? c - 1 : c;

	for (size_t i = 0; i < (size_t)img->width * img->height * c; i++) {
		double v = img->pixels[i], d = v - want[i];

		want[i] = (int)(i % c) < colour && fabs(d) >= threshold ? v + amount * d : v;
	}
	return want;
}

/*
 * Below sigma 1 the blur is within 1 level of the true Gaussian, so the
 * mask, scaled by amount 1.5, is within 1.5 levels, plus the rounding.
 */
static void test_sharpen_is_an_unsharp_mask_within_2_levels(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++)
		for (int c = 1; c <= 4; c++) {
			struct image in = image_photo(sizes[s][0], sizes[s][1], c, 5), out = image_copy(&in);
			double *want = true_unsharp(&in, 0.8, 1.5, 0);

			apply("sharpen:sigma=0.8,amount=1.5", &out);
			assert_close("sharpen", &out, want, 2);
			if (c == 2 || c == 4)
				assert_channel_kept(&in, &out, c - 1);
			free(want);
			image_release(&in);
			image_release(&out);
		}
}

/*
 * Sharpening works through the image in bands of rows; the rows above a band
 * that its blur reads must be the input's, not the ones the band before has
 * already sharpened. A photo taller than a band, sharpened hard, shows it.
 */
static void test_sharpen_of_a_tall_photo_reads_only_unsharpened_rows(void **state)
{
	struct image photo = load_photo("chelsea.png"), out = image_copy(&photo);
	double *want = true_unsharp(&photo, 0.8, 4, 0);

	(void)state;
	for (size_t i = 0; i < (size_t)photo.width * photo.height * photo.channels; i++)
		want[i] = want[i] < 0 ? 0 : want[i] > 255 ? 255 : want[i];
	apply("sharpen:sigma=0.8,amount=4", &out);
	/* The blur is within 1 level of the true one: 4 levels after amount 4, and rounding. */
	assert_close("sharpen of a photo", &out, want, 5);
	free(want);
	image_release(&photo);
	image_release(&out);
}

static void test_sharpen_threshold_leaves_faint_noise_alone(void **state)
{
	(void)state;
	struct image img = image_new(40, 20, 1), in;

	for (int y = 0; y < 20; y++)
		for (int x = 0; x < 40; x++)
			*px(&img, x, y, 0) = (unsigned char)((x < 20 ? 60 : 190) + (x * 7 + y * 3) % 5);
	in = image_copy(&img);
	apply("sharpen:sigma=1.5,amount=2,threshold=10", &img);
	/* Far from the edge the noise (0..4 levels) stays exactly as it was... */
	for (int y = 0; y < 20; y++)
		for (int x = 0; x < 12; x++)
			assert_int_equal(*px(&img, x, y, 0), *px(&in, x, y, 0));
	/* ...while the edge overshoots on both sides. */
	assert_true(*px(&img, 19, 10, 0) < 50);
	assert_true(*px(&img, 20, 10, 0) > 200);
	image_release(&img);
	image_release(&in);
}

static double sobel_at(const struct image *img, int x, int y, int k)
{
	double gx = 0, gy = 0;
	static const int w[3] = { 1, 2, 1 };

	for (int j = -1; j <= 1; j++) {
		gx += w[j + 1] * (clamped(img, x + 1, y + j, k) - clamped(img, x - 1, y + j, k));
		gy += w[j + 1] * (clamped(img, x + j, y + 1, k) - clamped(img, x + j, y - 1, k));
	}
	return sqrt(gx * gx + gy * gy);
}

static double emboss_at(const struct image *img, int x, int y, int k)
{
	static const int m[3][3] = { { -2, -1, 0 }, { -1, 1, 1 }, { 0, 1, 2 } };
	double v = 0;

	for (int j = -1; j <= 1; j++)
		for (int i = -1; i <= 1; i++)
			v += m[j + 1][i + 1] * clamped(img, x + i, y + j, k);
	return v;
}

static int compare_bytes(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

static int median_radius;

static double median_at(const struct image *img, int x, int y, int k)
{
	int r = median_radius, n = 0;
	unsigned char v[(2 * 12 + 1) * (2 * 12 + 1)];

	for (int j = -r; j <= r; j++)
		for (int i = -r; i <= r; i++)
			v[n++] = (unsigned char)clamped(img, x + i, y + j, k);
	qsort(v, (size_t)n, 1, compare_bytes);
	return v[n / 2];
}

typedef double sample_fn(const struct image *img, int x, int y, int k);

/* The reference image of a filter defined sample by sample; alpha is kept where colour_only. */
static double *reference(const struct image *in, sample_fn *f, int colour_only)
{
	int c = in->channels, colour = colour_only && (c == 2 || c == 4) ? c - 1 : c;
	double *want = malloc((size_t)in->width * in->height * c * sizeof(double));

	for (int y = 0; y < in->height; y++)
		for (int x = 0; x < in->width; x++)
			for (int k = 0; k < c; k++)
				want[((size_t)y * in->width + x) * c + k] =
					k < colour ? f(in, x, y, k) : *px(in, x, y, k);
	return want;
}

static void check_sampled(const char *spec, sample_fn *f, int colour_only, double tol)
{
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++)
		for (int c = 1; c <= 4; c++) {
			struct image in = image_noise(sizes[s][0], sizes[s][1], c, (unsigned)(c + s));
			struct image out = image_copy(&in);
			double *want = reference(&in, f, colour_only);

			apply(spec, &out);
			assert_close(spec, &out, want, tol);
			free(want);
			image_release(&in);
			image_release(&out);
		}
}

static void test_edges_is_the_sobel_gradient_magnitude(void **state)
{
	(void)state;
	check_sampled("edges", sobel_at, 1, 0.5);
}

static void test_emboss_is_the_emboss_kernel(void **state)
{
	(void)state;
	check_sampled("emboss", emboss_at, 1, 0);
}

static void test_median_is_the_exact_median_of_the_square(void **state)
{
	static const int radii[] = { 1, 2, 5, 12 };

	(void)state;
	for (size_t i = 0; i < sizeof(radii) / sizeof(*radii); i++) {
		char spec[32];

		median_radius = radii[i];
		snprintf(spec, sizeof(spec), "median:radius=%d", radii[i]);
		check_sampled(spec, median_at, 0, 0);
	}
}

static void test_median_of_a_photo_removes_salt_and_pepper(void **state)
{
	(void)state;
	struct image img = load_photo("camera.png"), clean = image_copy(&img);
	size_t n = (size_t)img.width * img.height, bad = 0;

	apply("median:radius=1", &clean);
	for (size_t i = 0; i < n; i += 37)
		img.pixels[i] = i % 2 ? 255 : 0;
	apply("median:radius=1", &img);
	for (size_t i = 0; i < n; i++)
		bad += abs(img.pixels[i] - clean.pixels[i]) > 40;
	assert_true(bad < n / 200);
	image_release(&img);
	image_release(&clean);
}

static int pixelate_size;

static double pixelate_at(const struct image *img, int x, int y, int k)
{
	int n = pixelate_size, x0 = x / n * n, y0 = y / n * n, count = 0;
	double sum = 0;

	for (int j = y0; j < y0 + n && j < img->height; j++)
		for (int i = x0; i < x0 + n && i < img->width; i++, count++)
			sum += *px(img, i, j, k);
	return sum / count;
}

static void test_pixelate_fills_each_block_with_its_mean(void **state)
{
	(void)state;
	pixelate_size = 4;
	check_sampled("pixelate:size=4", pixelate_at, 0, 0.5);
	pixelate_size = 1;
	check_sampled("pixelate:size=1", pixelate_at, 0, 0);
}

/*
 * An image far larger than the caches: each filter is checked at the
 * corners, along the edges and at scattered points inside.
 */
static void check_large(const char *spec, sample_fn *f, double tol)
{
	struct image in = image_photo(3000, 2000, 3, 11), out = image_copy(&in);
	unsigned seed = 5;

	apply(spec, &out);
	for (int i = 0; i < 400; i++) {
		int x, y;

		seed = seed * 1664525u + 1013904223u;
		x = i < 100 ? (i % 2) * 2999 : (int)(seed >> 8) % 3000;
		y = i < 100 ? (int)(seed >> 8) % 2000 : i < 200 ? (i % 2) * 1999 : (int)(seed >> 12) % 2000;
		for (int k = 0; k < 3; k++) {
			double want = f(&in, x, y, k);

			want = want < 0 ? 0 : want > 255 ? 255 : want;
			if (fabs(*px(&out, x, y, k) - want) > tol)
				fail_msg("%s on 3000x2000: (%d, %d) channel %d is %d, want %.2f", spec,
					 x, y, k, *px(&out, x, y, k), want);
		}
	}
	image_release(&in);
	image_release(&out);
}

static double large_sigma;
static double *large_kernel;

static double gaussian_at(const struct image *img, int x, int y, int k)
{
	return convolve_at(img, large_kernel, gauss_radius(large_sigma), x, y, k);
}

static void test_neighbourhood_filters_hold_on_an_image_larger_than_the_cache(void **state)
{
	static const double sigmas[] = { 0.8, 1.2, 3, 25 };

	(void)state;
	for (size_t i = 0; i < sizeof(sigmas) / sizeof(*sigmas); i++) {
		char spec[32];

		large_sigma = sigmas[i];
		large_kernel = kernel_1d(sigmas[i], gauss_radius(sigmas[i]));
		snprintf(spec, sizeof(spec), "blur:sigma=%g", sigmas[i]);
		check_large(spec, gaussian_at, sigmas[i] < 1 ? 1 : 3.5);
		free(large_kernel);
	}
	check_large("edges", sobel_at, 0.5);
	check_large("emboss", emboss_at, 0);
	median_radius = 3;
	check_large("median:radius=3", median_at, 0);
	pixelate_size = 7;
	check_large("pixelate:size=7", pixelate_at, 0.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blur_below_sigma_1_is_a_sampled_gaussian_within_1_level),
		cmocka_unit_test(test_blur_matches_true_gaussian_within_3_5_levels),
		cmocka_unit_test(test_blur_of_a_real_photo_is_within_3_5_levels_of_true_gaussian),
		cmocka_unit_test(test_blur_of_a_step_edge_is_within_3_5_levels_of_true_gaussian),
		cmocka_unit_test(test_blur_keeps_a_constant_image_and_its_mean),
		cmocka_unit_test(test_boxblur_is_the_mean_of_the_square_within_1_level),
		cmocka_unit_test(test_sharpen_is_an_unsharp_mask_within_2_levels),
		cmocka_unit_test(test_sharpen_of_a_tall_photo_reads_only_unsharpened_rows),
		cmocka_unit_test(test_sharpen_threshold_leaves_faint_noise_alone),
		cmocka_unit_test(test_edges_is_the_sobel_gradient_magnitude),
		cmocka_unit_test(test_emboss_is_the_emboss_kernel),
		cmocka_unit_test(test_median_is_the_exact_median_of_the_square),
		cmocka_unit_test(test_median_of_a_photo_removes_salt_and_pepper),
		cmocka_unit_test(test_pixelate_fills_each_block_with_its_mean),
		cmocka_unit_test(test_neighbourhood_filters_hold_on_an_image_larger_than_the_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Point and histogram filters against their textbook definitions, computed
 * in double precision: every filter, every channel count, sizes down to 1x1.
 */
#include "filter_test.h"

static const int sizes[][2] = { { 1, 1 }, { 1, 9 }, { 9, 1 }, { 33, 17 }, { 64, 48 } };

static int colours(int c)
{
	return c == 2 || c == 4 ? c - 1 : c;
}

static double luma(const unsigned char *p)
{
	return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
}

/* Reference of a filter mapping one pixel at a time; sets out for colour channels. */
typedef void reference_fn(const unsigned char *in, double *out, int c);

static void ref_grayscale(const unsigned char *in, double *out, int c)
{
	for (int k = 0; k < colours(c); k++)
		out[k] = c >= 3 ? luma(in) : in[k];
}

static void ref_invert(const unsigned char *in, double *out, int c)
{
	for (int k = 0; k < colours(c); k++)
		out[k] = 255 - in[k];
}

static void ref_brightness(const unsigned char *in, double *out, int c)
{
	for (int k = 0; k < colours(c); k++)
		out[k] = in[k] - 0.3 * 255;
}

static void ref_contrast_doubled(const unsigned char *in, double *out, int c)
{
	for (int k = 0; k < colours(c); k++)
		out[k] = 127.5 + 2 * (in[k] - 127.5);
}

static void ref_contrast_halved(const unsigned char *in, double *out, int c)
{
	for (int k = 0; k < colours(c); k++)
		out[k] = 127.5 + 0.5 * (in[k] - 127.5);
}

static void ref_gamma(const unsigned char *in, double *out, int c)
{
	for (int k = 0; k < colours(c); k++)
		out[k] = 255 * pow(in[k] / 255.0, 1 / 2.2);
}

static void ref_saturate(const unsigned char *in, double *out, int c)
{
	for (int k = 0; k < colours(c); k++)
		out[k] = c >= 3 ? luma(in) + 1.7 * (in[k] - luma(in)) : in[k];
}

static void ref_sepia(const unsigned char *in, double *out, int c)
{
	static const double m[3][3] = {
		{ 0.393, 0.769, 0.189 }, { 0.349, 0.686, 0.168 }, { 0.272, 0.534, 0.131 },
	};

	for (int k = 0; k < colours(c); k++)
		out[k] = c >= 3 ? m[k][0] * in[0] + m[k][1] * in[1] + m[k][2] * in[2] : in[k];
}

static void ref_threshold(const unsigned char *in, double *out, int c)
{
	double y = c >= 3 ? floor(luma(in) + 0.5) : in[0];

	for (int k = 0; k < colours(c); k++)
		out[k] = y >= 100 ? 255 : 0;
}

/* Runs spec on every size and channel count and compares with ref, within tol. */
static void check_point_filter(const char *spec, reference_fn *ref, double tol)
{
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
		for (int c = 1; c <= 4; c++) {
			struct image in = image_noise(sizes[s][0], sizes[s][1], c, (unsigned)(s * 4 + c));
			struct image out = image_copy(&in);
			size_t n = (size_t)in.width * in.height;
			double *want = malloc(n * c * sizeof(double));

			apply(spec, &out);
			for (size_t i = 0; i < n; i++) {
				for (int k = 0; k < c; k++)
					want[i * c + k] = in.pixels[i * c + k];
				ref(in.pixels + i * c, &want[i * c], c);
			}
			assert_close(spec, &out, want, tol);
			if (c == 2 || c == 4)
				assert_channel_kept(&in, &out, c - 1);
			free(want);
			image_release(&in);
			image_release(&out);
		}
	}
}

static void test_grayscale_keep_is_rec601_luma(void **state)
{
	(void)state;
	check_point_filter("grayscale:keep", ref_grayscale, 1);
}

/*
 * Plain grayscale drops the colour channels that keep would fill with the
 * same luma: RGB becomes one channel, RGBA grey and alpha, and grey stays.
 */
static void test_grayscale_writes_one_channel_and_alpha(void **state)
{
	(void)state;
	for (int c = 1; c <= 4; c++) {
		struct image one = image_noise(37, 5, c, (unsigned)c), keep = image_copy(&one);
		int grey = c >= 3 ? c - 2 : c;

		apply("grayscale", &one);
		apply("grayscale:channels=keep", &keep);
		assert_int_equal(one.channels, grey);
		assert_int_equal(one.width, 37);
		assert_int_equal(one.height, 5);
		for (size_t i = 0; i < 37 * 5; i++) {
			assert_int_equal(one.pixels[i * grey], keep.pixels[i * c]);
			if (grey == 2)
				assert_int_equal(one.pixels[i * 2 + 1], keep.pixels[i * c + c - 1]);
		}
		image_release(&one);
		image_release(&keep);
	}
}

static void test_invert_negates_colour_and_keeps_alpha(void **state)
{
	(void)state;
	check_point_filter("invert", ref_invert, 0);
}

static void test_brightness_adds_a_fraction_of_full_scale(void **state)
{
	(void)state;
	check_point_filter("brightness:amount=-0.3", ref_brightness, 1);
}

static void test_contrast_scales_distance_from_mid_grey(void **state)
{
	(void)state;
	check_point_filter("contrast:amount=0.5", ref_contrast_doubled, 1);
	check_point_filter("contrast:amount=-0.5", ref_contrast_halved, 1);
}

static void test_contrast_extremes_give_flat_grey_and_black_and_white(void **state)
{
	(void)state;
	struct image img = image_noise(16, 16, 3, 7);

	apply("contrast:-1", &img);
	for (size_t i = 0; i < 16 * 16 * 3; i++)
		assert_in_range(img.pixels[i], 127, 128);
	image_release(&img);
	img = image_noise(16, 16, 3, 7);
	apply("contrast:1", &img);
	for (size_t i = 0; i < 16 * 16 * 3; i++)
		assert_true(img.pixels[i] == 0 || img.pixels[i] == 255);
	image_release(&img);
}

static void test_gamma_above_one_brightens(void **state)
{
	(void)state;
	check_point_filter("gamma:2.2", ref_gamma, 1);
}

static void test_saturate_scales_distance_from_luma(void **state)
{
	(void)state;
	check_point_filter("saturate:1.7", ref_saturate, 1);
}

static void test_saturate_zero_is_grayscale(void **state)
{
	(void)state;
	struct image a = image_noise(31, 7, 3, 3), b = image_copy(&a);

	apply("saturate:0", &a);
	apply("grayscale:keep", &b);
	for (size_t i = 0; i < 31 * 7 * 3; i++)
		assert_true(abs(a.pixels[i] - b.pixels[i]) <= 1);
	image_release(&a);
	image_release(&b);
}

static void test_sepia_is_the_sepia_matrix(void **state)
{
	(void)state;
	check_point_filter("sepia", ref_sepia, 1);
}

static void test_threshold_splits_on_luma(void **state)
{
	(void)state;
	check_point_filter("threshold:level=100", ref_threshold, 0);
}

static void test_levels_stretches_to_full_range(void **state)
{
	(void)state;
	for (int c = 1; c <= 4; c++) {
		struct image img = image_noise(40, 30, c, (unsigned)c), in;
		size_t n = (size_t)40 * 30;
		double *want = malloc(n * c * sizeof(double));
		int lo = 255, hi = 0;

		/* Squeeze the colour samples into 60..180 first. */
		for (size_t i = 0; i < n * c; i++)
			if ((int)(i % c) < colours(c))
				img.pixels[i] = (unsigned char)(60 + img.pixels[i] * 120 / 255);
		in = image_copy(&img);
		for (size_t i = 0; i < n * c; i++) {
			if ((int)(i % c) < colours(c)) {
				lo = in.pixels[i] < lo ? in.pixels[i] : lo;
				hi = in.pixels[i] > hi ? in.pixels[i] : hi;
			}
		}
		for (size_t i = 0; i < n * c; i++)
			want[i] = (int)(i % c) < colours(c) ? (in.pixels[i] - lo) * 255.0 / (hi - lo)
							    : in.pixels[i];
		apply("levels", &img);
		assert_close("levels", &img, want, 0.5);
		free(want);
		image_release(&img);
		image_release(&in);
	}
}

static void test_levels_and_equalize_leave_flat_images_alone(void **state)
{
	(void)state;
	struct image img = image_new(5, 3, 3);

	memset(img.pixels, 77, 5 * 3 * 3);
	apply("levels,equalize", &img);
	for (int i = 0; i < 5 * 3 * 3; i++)
		assert_int_equal(img.pixels[i], 77);
	image_release(&img);
}

static void test_equalize_maps_through_the_cumulative_histogram(void **state)
{
	(void)state;
	for (int c = 1; c <= 4; c++) {
		struct image img = image_photo(50, 40, c, (unsigned)c), in = image_copy(&img);
		size_t n = (size_t)50 * 40, hist[256] = { 0 }, cdf[256], total = 0, first = 0;
		double *want = malloc(n * c * sizeof(double));

		for (size_t i = 0; i < n * c; i++)
			if ((int)(i % c) < colours(c))
				hist[in.pixels[i]]++, total++;
		for (int v = 0; v < 256; v++) {
			cdf[v] = hist[v] + (v ? cdf[v - 1] : 0);
			if (!first)
				first = cdf[v];
		}
		for (size_t i = 0; i < n * c; i++)
			want[i] = (int)(i % c) < colours(c)
				  ? (double)(cdf[in.pixels[i]] - first) * 255 / (double)(total - first)
				  : in.pixels[i];
		apply("equalize", &img);
		assert_close("equalize", &img, want, 0.5);
		free(want);
		image_release(&img);
		image_release(&in);
	}
}

static void test_equalize_spreads_a_photo_over_the_range(void **state)
{
	(void)state;
	struct image img = load_photo("camera.png");
	size_t hist[4] = { 0 }, n = (size_t)img.width * img.height;

	apply("equalize", &img);
	for (size_t i = 0; i < n; i++)
		hist[img.pixels[i] / 64]++;
	/* Every quarter of the range now holds about a quarter of the pixels. */
	for (int q = 0; q < 4; q++)
		assert_in_range(hist[q], n / 6, n / 3);
	image_release(&img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grayscale_keep_is_rec601_luma),
		cmocka_unit_test(test_grayscale_writes_one_channel_and_alpha),
		cmocka_unit_test(test_invert_negates_colour_and_keeps_alpha),
		cmocka_unit_test(test_brightness_adds_a_fraction_of_full_scale),
		cmocka_unit_test(test_contrast_scales_distance_from_mid_grey),
		cmocka_unit_test(test_contrast_extremes_give_flat_grey_and_black_and_white),
		cmocka_unit_test(test_gamma_above_one_brightens),
		cmocka_unit_test(test_saturate_scales_distance_from_luma),
		cmocka_unit_test(test_saturate_zero_is_grayscale),
		cmocka_unit_test(test_sepia_is_the_sepia_matrix),
		cmocka_unit_test(test_threshold_splits_on_luma),
		cmocka_unit_test(test_levels_stretches_to_full_range),
		cmocka_unit_test(test_levels_and_equalize_leave_flat_images_alone),
		cmocka_unit_test(test_equalize_maps_through_the_cumulative_histogram),
		cmocka_unit_test(test_equalize_spreads_a_photo_over_the_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

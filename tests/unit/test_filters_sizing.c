/*
 * Geometries: the sizes resize and thumbnail make, against ImageMagick's own
 * for every flag on images smaller and larger than the box; one spelling
 * for each geometry; clear refusals; and the memory estimate and the
 * half-size decode following the geometry.
 */
#include "filter_test.h"
#include "filter/sizing.h"

/*
 * `convert -size WxH xc:gray -resize GEOMETRY -format %wx%h info:` with
 * ImageMagick 6.9.11, for each row; less those it refuses (a side over
 * its limit, or of 0), which test_halves_round_up_and_no_side_is_0 covers.
 */
static const struct {
	int width, height;
	const char *geometry;
	int w, h;
} imagemagick[] = {
	{ 640, 480, "800", 800, 600 },
	{ 640, 480, "x800", 1067, 800 },
	{ 640, 480, "800x800", 800, 600 },
	{ 640, 480, "800x800^", 1067, 800 },
	{ 640, 480, "800x800!", 800, 800 },
	{ 640, 480, "800x800>", 640, 480 },
	{ 640, 480, "800x800<", 800, 600 },
	{ 640, 480, "400", 400, 300 },
	{ 640, 480, "x400", 533, 400 },
	{ 640, 480, "400x400", 400, 300 },
	{ 640, 480, "400x400^", 533, 400 },
	{ 640, 480, "400x400!", 400, 400 },
	{ 640, 480, "400x400>", 400, 300 },
	{ 640, 480, "400x400<", 640, 480 },
	{ 640, 480, "400x300>", 400, 300 },
	{ 640, 480, "500x100<", 640, 480 },
	{ 640, 480, "400x>", 400, 300 },
	{ 640, 480, "x100<", 640, 480 },
	{ 640, 480, "50%", 320, 240 },
	{ 640, 480, "33.3%", 213, 160 },
	{ 640, 480, "150%", 960, 720 },
	{ 640, 480, "50x25%", 320, 120 },
	{ 640, 480, "1x1", 1, 1 },
	{ 640, 480, "3x1000^", 1333, 1000 },
	{ 640, 480, "400^", 533, 400 },
	{ 640, 480, "2x2^", 3, 2 },
	{ 640, 480, "1%", 6, 5 },
	{ 300, 200, "800", 800, 533 },
	{ 300, 200, "x800", 1200, 800 },
	{ 300, 200, "800x800", 800, 533 },
	{ 300, 200, "800x800^", 1200, 800 },
	{ 300, 200, "800x800!", 800, 800 },
	{ 300, 200, "800x800>", 300, 200 },
	{ 300, 200, "800x800<", 800, 533 },
	{ 300, 200, "400", 400, 267 },
	{ 300, 200, "x400", 600, 400 },
	{ 300, 200, "400x400", 400, 267 },
	{ 300, 200, "400x400^", 600, 400 },
	{ 300, 200, "400x400!", 400, 400 },
	{ 300, 200, "400x400>", 300, 200 },
	{ 300, 200, "400x400<", 400, 267 },
	{ 300, 200, "400x300>", 300, 200 },
	{ 300, 200, "500x100<", 300, 200 },
	{ 300, 200, "400x>", 300, 200 },
	{ 300, 200, "x100<", 300, 200 },
	{ 300, 200, "50%", 150, 100 },
	{ 300, 200, "33.3%", 100, 67 },
	{ 300, 200, "150%", 450, 300 },
	{ 300, 200, "50x25%", 150, 50 },
	{ 300, 200, "1x1", 1, 1 },
	{ 300, 200, "3x1000^", 1500, 1000 },
	{ 300, 200, "400^", 600, 400 },
	{ 300, 200, "2x2^", 3, 2 },
	{ 300, 200, "1%", 3, 2 },
	{ 200, 300, "800", 800, 1200 },
	{ 200, 300, "x800", 533, 800 },
	{ 200, 300, "800x800", 533, 800 },
	{ 200, 300, "800x800^", 800, 1200 },
	{ 200, 300, "800x800!", 800, 800 },
	{ 200, 300, "800x800>", 200, 300 },
	{ 200, 300, "800x800<", 533, 800 },
	{ 200, 300, "400", 400, 600 },
	{ 200, 300, "x400", 267, 400 },
	{ 200, 300, "400x400", 267, 400 },
	{ 200, 300, "400x400^", 400, 600 },
	{ 200, 300, "400x400!", 400, 400 },
	{ 200, 300, "400x400>", 200, 300 },
	{ 200, 300, "400x400<", 267, 400 },
	{ 200, 300, "400x300>", 200, 300 },
	{ 200, 300, "500x100<", 200, 300 },
	{ 200, 300, "400x>", 200, 300 },
	{ 200, 300, "x100<", 200, 300 },
	{ 200, 300, "50%", 100, 150 },
	{ 200, 300, "33.3%", 67, 100 },
	{ 200, 300, "150%", 300, 450 },
	{ 200, 300, "50x25%", 100, 75 },
	{ 200, 300, "1x1", 1, 1 },
	{ 200, 300, "3x1000^", 667, 1000 },
	{ 200, 300, "400^", 400, 600 },
	{ 200, 300, "2x2^", 2, 3 },
	{ 200, 300, "1%", 2, 3 },
	{ 4000, 3000, "800", 800, 600 },
	{ 4000, 3000, "x800", 1067, 800 },
	{ 4000, 3000, "800x800", 800, 600 },
	{ 4000, 3000, "800x800^", 1067, 800 },
	{ 4000, 3000, "800x800!", 800, 800 },
	{ 4000, 3000, "800x800>", 800, 600 },
	{ 4000, 3000, "800x800<", 4000, 3000 },
	{ 4000, 3000, "400", 400, 300 },
	{ 4000, 3000, "x400", 533, 400 },
	{ 4000, 3000, "400x400", 400, 300 },
	{ 4000, 3000, "400x400^", 533, 400 },
	{ 4000, 3000, "400x400!", 400, 400 },
	{ 4000, 3000, "400x400>", 400, 300 },
	{ 4000, 3000, "400x400<", 4000, 3000 },
	{ 4000, 3000, "400x300>", 400, 300 },
	{ 4000, 3000, "500x100<", 4000, 3000 },
	{ 4000, 3000, "400x>", 400, 300 },
	{ 4000, 3000, "x100<", 4000, 3000 },
	{ 4000, 3000, "50%", 2000, 1500 },
	{ 4000, 3000, "33.3%", 1332, 999 },
	{ 4000, 3000, "150%", 6000, 4500 },
	{ 4000, 3000, "50x25%", 2000, 750 },
	{ 4000, 3000, "1x1", 1, 1 },
	{ 4000, 3000, "3x1000^", 1333, 1000 },
	{ 4000, 3000, "400^", 533, 400 },
	{ 4000, 3000, "2x2^", 3, 2 },
	{ 4000, 3000, "1%", 40, 30 },
	{ 1000, 10, "800", 800, 8 },
	{ 1000, 10, "800x800", 800, 8 },
	{ 1000, 10, "800x800!", 800, 800 },
	{ 1000, 10, "800x800>", 800, 8 },
	{ 1000, 10, "800x800<", 1000, 10 },
	{ 1000, 10, "400", 400, 4 },
	{ 1000, 10, "400x400", 400, 4 },
	{ 1000, 10, "400x400!", 400, 400 },
	{ 1000, 10, "400x400>", 400, 4 },
	{ 1000, 10, "400x400<", 1000, 10 },
	{ 1000, 10, "400x300>", 400, 4 },
	{ 1000, 10, "500x100<", 1000, 10 },
	{ 1000, 10, "400x>", 400, 4 },
	{ 1000, 10, "x100<", 10000, 100 },
	{ 1000, 10, "50%", 500, 5 },
	{ 1000, 10, "33.3%", 333, 3 },
	{ 1000, 10, "150%", 1500, 15 },
	{ 1000, 10, "50x25%", 500, 3 },
	{ 1000, 10, "1x1", 1, 1 },
	{ 1000, 10, "2x2^", 200, 2 },
	{ 7, 5, "800", 800, 571 },
	{ 7, 5, "x800", 1120, 800 },
	{ 7, 5, "800x800", 800, 571 },
	{ 7, 5, "800x800^", 1120, 800 },
	{ 7, 5, "800x800!", 800, 800 },
	{ 7, 5, "800x800>", 7, 5 },
	{ 7, 5, "800x800<", 800, 571 },
	{ 7, 5, "400", 400, 286 },
	{ 7, 5, "x400", 560, 400 },
	{ 7, 5, "400x400", 400, 286 },
	{ 7, 5, "400x400^", 560, 400 },
	{ 7, 5, "400x400!", 400, 400 },
	{ 7, 5, "400x400>", 7, 5 },
	{ 7, 5, "400x400<", 400, 286 },
	{ 7, 5, "400x300>", 7, 5 },
	{ 7, 5, "500x100<", 140, 100 },
	{ 7, 5, "400x>", 7, 5 },
	{ 7, 5, "x100<", 140, 100 },
	{ 7, 5, "50%", 4, 3 },
	{ 7, 5, "33.3%", 2, 2 },
	{ 7, 5, "150%", 11, 8 },
	{ 7, 5, "50x25%", 4, 1 },
	{ 7, 5, "1x1", 1, 1 },
	{ 7, 5, "3x1000^", 1400, 1000 },
	{ 7, 5, "400^", 560, 400 },
	{ 7, 5, "2x2^", 3, 2 },
};

/* The size of a width x height image after resize:size=geometry, through the filter's size hook. */
static void resized_size(const char *geometry, int width, int height, int *w, int *h)
{
	char spec[128];
	struct chain c = CHAIN_INIT;

	snprintf(spec, sizeof(spec), "resize:size=%s", geometry);
	if (chain_parse(&c, spec) < 0)
		fail_msg("%s: %s", spec, error_message());
	*w = width;
	*h = height;
	c.steps[0].filter->size(c.steps[0].args, w, h);
}

static void test_sizes_match_imagemagick_for_every_flag(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(imagemagick) / sizeof(*imagemagick); i++) {
		int w, h;

		resized_size(imagemagick[i].geometry, imagemagick[i].width,
			     imagemagick[i].height, &w, &h);
		if (w != imagemagick[i].w || h != imagemagick[i].h)
			fail_msg("%s of %dx%d: %dx%d, ImageMagick makes %dx%d",
				 imagemagick[i].geometry, imagemagick[i].width,
				 imagemagick[i].height, w, h, imagemagick[i].w, imagemagick[i].h);
	}
}

/*
 * Where ImageMagick differs on purpose: an exact half rounds up (its
 * floating point takes 6x15 to width 49 as 49x122, the exact height being
 * 122.5, as resize:width=49 always made 49x123), and a percentage never
 * makes a side of 0 (ImageMagick refuses 1% of 1000x10). A side stops at
 * 65535, the most an image has, where ImageMagick refuses the size.
 */
static void test_halves_round_up_and_no_side_is_0(void **state)
{
	int w, h;

	(void)state;
	resized_size("49", 6, 15, &w, &h);
	assert_true(w == 49 && h == 123);
	resized_size("1%", 1000, 10, &w, &h);
	assert_true(w == 10 && h == 1);
	resized_size("1x1", 5000, 3, &w, &h);
	assert_true(w == 1 && h == 1);
	resized_size("x800", 1000, 10, &w, &h);
	assert_true(w == 65535 && h == 800);
}

static void format_is(const char *spec, const char *want)
{
	struct chain c = CHAIN_INIT;
	char buf[256];

	if (chain_parse(&c, spec) < 0)
		fail_msg("%s: %s", spec, error_message());
	chain_format(&c, buf, sizeof(buf));
	if (strcmp(buf, want))
		fail_msg("%s formats as '%s', not '%s'", spec, buf, want);
}

/*
 * The settings file of --skip-existing compares chains as chain_format
 * writes them: each geometry has one spelling, and that spelling reads
 * back as itself.
 */
static void test_one_geometry_has_one_spelling(void **state)
{
	static const char *const same[][3] = {
		{ "resize:size=800x600!", "resize:width=800,height=600", "resize:800X600!" },
		{ "resize:800x600>", "resize:size=0800x600>", "resize:width=9,size=800x600>" },
		{ "resize:400^", "resize:x400^", "resize:400x400^" },
		{ "resize:x300", "resize:height=300", "resize:size=x300" },
		{ "resize:800", "resize:width=800", "resize:800x" },
		{ "resize:50%", "resize:50x50%", "resize:50x50.0%" },
		{ "thumbnail", "thumbnail:256", "thumbnail:256x256" },
		{ "thumbnail:800x", "thumbnail:width=800,height=0", "thumbnail:800x,fast=1" },
	};
	static const char *const spelt[] = {
		"resize:size=800x600!,kernel=lanczos3,fast=0,crop=none",
		"resize:size=800x600>,kernel=lanczos3,fast=0,crop=none",
		"resize:size=400x400^,kernel=lanczos3,fast=0,crop=none",
		"resize:size=x300,kernel=lanczos3,fast=0,crop=none",
		"resize:size=800,kernel=lanczos3,fast=0,crop=none",
		"resize:size=50%,kernel=lanczos3,fast=0,crop=none",
		"thumbnail:size=256,fast=1,crop=none",
		"thumbnail:size=800x,fast=1,crop=none",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++) {
		for (int k = 0; k < 3; k++)
			format_is(same[i][k], spelt[i]);
		format_is(spelt[i], spelt[i]);
	}
	format_is("thumbnail:300x200^,crop=entropy,resize:33.3x50%",
		  "thumbnail:size=300x200^,fast=1,crop=entropy,"
		  "resize:size=33.3x50%,kernel=lanczos3,fast=0,crop=none");
}

static void refused(const char *spec, const char *want)
{
	struct chain c = CHAIN_INIT;

	error_clear();
	if (chain_parse(&c, spec) == 0)
		fail_msg("%s accepted", spec);
	if (!strstr(error_message(), want))
		fail_msg("%s: '%s' does not say '%s'", spec, error_message(), want);
}

static void test_what_is_no_geometry_is_refused_with_the_reason(void **state)
{
	(void)state;
	refused("resize:800y600", "filter resize: size: '800y600' is not a geometry");
	refused("resize:size=", "is not a geometry");
	refused("resize:x", "is not a geometry");
	refused("resize:.x600", "is not a geometry");
	refused("resize:-800", "is not a geometry");
	refused("resize:800x600>>", "is not a geometry");
	refused("resize:0x600", "'0x600': a side of 0 leaves no image");
	refused("resize:0x10", "a side of 0");
	refused("resize:800x600^!", "at most one of ^ and !");
	refused("resize:800x600<>", "one of > and <");
	refused("resize:50%>", "a percentage takes no ^, !, > nor <");
	refused("resize:800!", "! needs a width and a height");
	refused("resize:8.5x600", "sides are whole pixels");
	refused("resize:70000", "at most 65535 pixels");
	refused("thumbnail:400x400<", "never enlarges");
	refused("thumbnail:400x400,crop=entropy", "give a size that ends in ^");
	refused("resize:width=0", "give a size, a width or a height");
	refused("resize:size=50%,height=0", "a percentage of 0");
}

static uint64_t largest(const char *spec, int width, int height)
{
	struct chain c = CHAIN_INIT;

	if (chain_parse(&c, spec) < 0)
		fail_msg("%s: %s", spec, error_message());
	return chain_largest(&c, width, height);
}

static int load_shrink(const char *spec, int width, int height)
{
	struct chain c = CHAIN_INIT;

	if (chain_parse(&c, spec) < 0)
		fail_msg("%s: %s", spec, error_message());
	return chain_load_shrink(&c, width, height, 1);
}

/*
 * The memory an image needs is known from its header (chain_largest), and
 * a JPEG is decoded at half size when the filter shrinks it at least 4x
 * (chain_load_shrink): both from the size the geometry makes, a cover's
 * before its crop too.
 */
static void test_memory_estimate_and_half_size_decode_follow_the_geometry(void **state)
{
	(void)state;
	assert_true(largest("resize:size=2048x2048>", 640, 480) == 640 * 480);
	assert_true(largest("resize:size=2048x2048<", 640, 480) == 2048 * 1536);
	assert_true(largest("resize:size=200%", 640, 480) == 1280 * 960);
	assert_true(largest("thumbnail:size=2048x2048^", 640, 480) == 640 * 480);
	assert_true(largest("resize:size=400x400^,crop=centre,resize:100", 640, 480) ==
		    640 * 480);
	assert_true(largest("resize:size=1000x1000^,crop=entropy,rotate:90", 640, 480) ==
		    1333 * 1000);
	assert_int_equal(load_shrink("thumbnail:500", 4000, 1000), 2);
	/* Covering 500x500 leaves 2000x500: only 2x across, so no half-size decode. */
	assert_int_equal(load_shrink("thumbnail:500x500^,crop=entropy", 4000, 1000), 1);
	assert_int_equal(load_shrink("resize:size=10%,fast=1", 4000, 3000), 2);
	assert_int_equal(load_shrink("resize:size=4000x4000>,fast=1", 4000, 3000), 1);
	assert_int_equal(load_shrink("resize:size=400x300!,fast=1", 4000, 3000), 2);
	assert_int_equal(load_shrink("resize:size=400x3000!,fast=1", 4000, 3000), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_match_imagemagick_for_every_flag),
		cmocka_unit_test(test_halves_round_up_and_no_side_is_0),
		cmocka_unit_test(test_one_geometry_has_one_spelling),
		cmocka_unit_test(test_what_is_no_geometry_is_refused_with_the_reason),
		cmocka_unit_test(test_memory_estimate_and_half_size_decode_follow_the_geometry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Colour management: lcms2's sRGB saved the same way every time, the
 * user's profile checked, RGB and RGBA pixels converted with alpha kept,
 * grey and untagged images left alone, one transform per profile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lcms2.h>

#include "base/error.h"
#include "codec/icc.h"
#include "codec/image.h"

#define COLORD "/usr/share/color/icc/colord/"

/* The bytes of a profile file, in b. */
static void read_file(const char *path, struct buffer *b)
{
	FILE *f = fopen(path, "rb");
	unsigned char chunk[4096];
	size_t n;

	if (!f)
		fail_msg("cannot read %s (colord-data)", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buffer_put(b, chunk, n);
	fclose(f);
}

/* A w x h image of channels, its samples a ramp. */
static void ramp(struct image *img, int w, int h, int channels)
{
	assert_int_equal(image_alloc(img, w, h, channels), 0);
	for (size_t i = 0; i < (size_t)w * h * channels; i++)
		img->pixels[i] = (unsigned char)(i * 7 % 256);
}

static void test_srgb_is_compact_and_the_same_every_time(void **state)
{
	struct icc_target a, b;

	(void)state;
	assert_int_equal(icc_target_load(&a, "srgb"), 0);
	sleep(1);	/* lcms2 stamps the second it saves */
	assert_int_equal(icc_target_load(&b, "srgb"), 0);
	assert_true(a.srgb);
	assert_string_equal(a.name, "sRGB");
	assert_true(a.icc.len < 1024);
	assert_int_equal(a.icc.len, b.icc.len);
	assert_memory_equal(a.icc.data, b.icc.data, a.icc.len);
	assert_int_equal(icc_is_srgb(a.icc.data, a.icc.len), 1);
	icc_target_release(&a);
	icc_target_release(&b);
}

static void test_user_profiles_are_checked(void **state)
{
	struct icc_target t;
	cmsToneCurve *gamma = cmsBuildGamma(NULL, 2.2);
	cmsHPROFILE grey = cmsCreateGrayProfile(cmsD50_xyY(), gamma);
	char path[] = "/tmp/pixpool-grey-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_true(cmsSaveProfileToFile(grey, path));
	cmsCloseProfile(grey);
	cmsFreeToneCurve(gamma);
	assert_int_equal(icc_target_load(&t, path), -1);
	assert_non_null(strstr(error_message(), "a GRAY profile, not RGB"));
	unlink(path);
	assert_int_equal(icc_target_load(&t, "/nonexistent.icc"), -1);
	assert_non_null(strstr(error_message(), "cannot read"));
	assert_int_equal(icc_target_load(&t, "/etc/passwd"), -1);
	assert_int_equal(icc_target_load(&t, COLORD "AdobeRGB1998.icc"), 0);
	assert_false(t.srgb);
	assert_string_equal(t.name, "Compatible with Adobe RGB (1998)");
	icc_target_release(&t);
}

static void test_wide_gamut_is_not_srgb(void **state)
{
	struct buffer adobe = BUFFER_INIT, srgb = BUFFER_INIT;

	(void)state;
	read_file(COLORD "AdobeRGB1998.icc", &adobe);
	read_file(COLORD "sRGB.icc", &srgb);
	assert_int_equal(icc_is_srgb(adobe.data, adobe.len), 0);
	assert_int_equal(icc_is_srgb(srgb.data, srgb.len), 1);
	assert_int_equal(icc_is_srgb(adobe.data, 100), -1);
	buffer_release(&adobe);
	buffer_release(&srgb);
}

/*
 * Adobe RGB's red is redder than sRGB can show: converted, it clips at
 * 255 and loses its green and blue; alpha goes through untouched.
 */
static void test_rgba_converts_and_keeps_alpha(void **state)
{
	struct icc_target t;
	struct buffer adobe = BUFFER_INIT;
	struct image img = IMAGE_INIT;
	char note[96];

	(void)state;
	read_file(COLORD "AdobeRGB1998.icc", &adobe);
	assert_int_equal(icc_target_load(&t, "srgb"), 0);
	assert_int_equal(image_alloc(&img, 2, 1, 4), 0);
	memcpy(img.pixels, (unsigned char[]){ 255, 0, 0, 77, 128, 128, 128, 200 }, 8);
	assert_int_equal(icc_convert(&img, adobe.data, adobe.len, &t, COLOUR_RELATIVE, note,
					sizeof(note)), 1);
	assert_string_equal(note, "Compatible with Adobe RGB (1998) -> sRGB");
	assert_int_equal(img.pixels[0], 255);
	assert_int_equal(img.pixels[1], 0);
	assert_int_equal(img.pixels[3], 77);
	assert_int_equal(img.pixels[7], 200);
	/* A neutral grey stays neutral, and near where it was (both gammas are about 2.2). */
	assert_int_equal(img.pixels[4], img.pixels[5]);
	assert_int_equal(img.pixels[5], img.pixels[6]);
	assert_in_range(img.pixels[4], 120, 136);
	image_release(&img);
	buffer_release(&adobe);
	icc_target_release(&t);
}

static void test_grey_untagged_and_same_profile_stay(void **state)
{
	struct icc_target t;
	struct buffer adobe = BUFFER_INIT;
	struct image img = IMAGE_INIT, copy = IMAGE_INIT;
	char note[96];

	(void)state;
	read_file(COLORD "AdobeRGB1998.icc", &adobe);
	assert_int_equal(icc_target_load(&t, "srgb"), 0);
	ramp(&img, 16, 4, 1);
	ramp(&copy, 16, 4, 1);
	assert_int_equal(icc_convert(&img, adobe.data, adobe.len, &t, COLOUR_RELATIVE, note,
					sizeof(note)), 0);
	assert_memory_equal(img.pixels, copy.pixels, 64);
	image_release(&img);
	image_release(&copy);
	ramp(&img, 16, 4, 3);
	ramp(&copy, 16, 4, 3);
	assert_int_equal(icc_convert(&img, NULL, 0, &t, COLOUR_RELATIVE, note, sizeof(note)), 0);
	assert_int_equal(icc_convert(&img, t.icc.data, t.icc.len, &t, COLOUR_RELATIVE, note,
					sizeof(note)), 0);
	assert_memory_equal(img.pixels, copy.pixels, 16 * 4 * 3);
	assert_string_equal(note, "");
	image_release(&img);
	image_release(&copy);
	buffer_release(&adobe);
	icc_target_release(&t);
}

/* A folder of one camera's photos builds one transform; another intent, one more. */
static void test_one_transform_per_profile_and_intent(void **state)
{
	struct icc_target t;
	struct buffer prophoto = BUFFER_INIT, broken = BUFFER_INIT;
	struct image img = IMAGE_INIT;
	unsigned long before;
	char note[96];

	(void)state;
	read_file(COLORD "ProPhotoRGB.icc", &prophoto);
	assert_int_equal(icc_target_load(&t, "srgb"), 0);
	before = icc_transforms_built();
	for (int i = 0; i < 5; i++) {
		ramp(&img, 8, 8, 3);
		assert_int_equal(icc_convert(&img, prophoto.data, prophoto.len, &t,
						COLOUR_PERCEPTUAL, note, sizeof(note)), 1);
		image_release(&img);
	}
	assert_int_equal(icc_transforms_built() - before, 1);
	ramp(&img, 8, 8, 3);
	assert_int_equal(icc_convert(&img, prophoto.data, prophoto.len, &t, COLOUR_ABSOLUTE,
					note, sizeof(note)), 1);
	assert_int_equal(icc_transforms_built() - before, 2);
	/* A damaged copy is another profile, and an unusable one. */
	buffer_put(&broken, prophoto.data, prophoto.len);
	memcpy(broken.data + 36, "xxxx", 4);
	assert_int_equal(icc_convert(&img, broken.data, broken.len, &t, COLOUR_PERCEPTUAL,
					note, sizeof(note)), -1);
	assert_non_null(strstr(error_message(), "malformed"));
	image_release(&img);
	buffer_release(&prophoto);
	buffer_release(&broken);
	icc_target_release(&t);
}

/* Untagged images taken as sRGB, converted to the user's profile: one transform for all. */
static void test_untagged_converts_to_a_user_profile(void **state)
{
	struct icc_target t;
	struct image img = IMAGE_INIT;
	unsigned long before;
	char note[96];

	(void)state;
	assert_int_equal(icc_target_load(&t, COLORD "AdobeRGB1998.icc"), 0);
	before = icc_transforms_built();
	for (int i = 0; i < 3; i++) {
		ramp(&img, 8, 8, 3);
		img.pixels[0] = 255;
		img.pixels[1] = img.pixels[2] = 0;
		assert_int_equal(icc_convert(&img, NULL, 0, &t, COLOUR_RELATIVE, note,
						sizeof(note)), 1);
		assert_string_equal(note, "sRGB (assumed) -> Compatible with Adobe RGB (1998)");
		/* sRGB's red lies inside Adobe RGB: less red, some green. */
		assert_in_range(img.pixels[0], 200, 230);
		assert_in_range(img.pixels[1], 1, 20);
		image_release(&img);
	}
	assert_int_equal(icc_transforms_built() - before, 1);
	icc_target_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srgb_is_compact_and_the_same_every_time),
		cmocka_unit_test(test_user_profiles_are_checked),
		cmocka_unit_test(test_wide_gamut_is_not_srgb),
		cmocka_unit_test(test_rgba_converts_and_keeps_alpha),
		cmocka_unit_test(test_grey_untagged_and_same_profile_stay),
		cmocka_unit_test(test_one_transform_per_profile_and_intent),
		cmocka_unit_test(test_untagged_converts_to_a_user_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

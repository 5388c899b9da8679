/*
 * --background: colours read by name and hex, alpha flattened onto one with
 * every sample correctly rounded (against a double-precision reference), and
 * the rows that need it (opaque) the rows whose files hold no alpha.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/colour.h"
#include "codec/image.h"

static void test_colours_by_name_and_hex(void **state)
{
	uint32_t rgb = 0;

	(void)state;
	assert_int_equal(colour_parse("white", &rgb), 0);
	assert_int_equal(rgb, 0xffffff);
	assert_int_equal(colour_parse("Gray", &rgb), 0);
	assert_int_equal(rgb, 0x808080);
	assert_int_equal(colour_parse("#102030", &rgb), 0);
	assert_int_equal(rgb, 0x102030);
	assert_int_equal(colour_parse("#aBc", &rgb), 0);
	assert_int_equal(rgb, 0xaabbcc);
	assert_int_equal(colour_parse("#12345", &rgb), -1);
	assert_int_equal(colour_parse("#1234567", &rgb), -1);
	assert_int_equal(colour_parse("#12g456", &rgb), -1);
	assert_int_equal(colour_parse("#", &rgb), -1);
	assert_int_equal(colour_parse("whte", &rgb), -1);
	assert_int_equal(colour_parse("", &rgb), -1);
}

static unsigned char reference(int fg, int a, int bg)
{
	return (unsigned char)lround((a * fg + (255.0 - a) * bg) / 255.0);
}

/* Every alpha and a spread of samples: RGBA onto a colour, each sample rounded right. */
static void test_every_alpha_rounds_right(void **state)
{
	struct image img = IMAGE_INIT;
	const uint32_t bg = 0x10f080;

	(void)state;
	assert_int_equal(image_alloc(&img, 256, 7, 4), 0);
	for (int y = 0; y < 7; y++)
		for (int a = 0; a < 256; a++) {
			unsigned char *p = img.pixels + ((size_t)y * 256 + (size_t)a) * 4;

			p[0] = (unsigned char)(y * 42);
			p[1] = (unsigned char)(255 - y * 37);
			p[2] = (unsigned char)(a ^ (y * 29));
			p[3] = (unsigned char)a;
		}
	assert_int_equal(image_flatten(&img, bg), 0);
	assert_int_equal(img.channels, 3);
	for (int y = 0; y < 7; y++)
		for (int a = 0; a < 256; a++) {
			const unsigned char *p = img.pixels + ((size_t)y * 256 + (size_t)a) * 3;

			assert_int_equal(p[0], reference(y * 42, a, 0x10));
			assert_int_equal(p[1], reference(255 - y * 37, a, 0xf0));
			assert_int_equal(p[2], reference((a ^ (y * 29)) & 255, a, 0x80));
		}
	image_release(&img);
}

/* Grey and alpha: grey over grey, RGB over a colour; no alpha: untouched. */
static void test_grey_stays_grey_on_grey(void **state)
{
	struct image img = IMAGE_INIT;

	(void)state;
	assert_int_equal(image_alloc(&img, 2, 1, 2), 0);
	img.pixels[0] = 200, img.pixels[1] = 128, img.pixels[2] = 10, img.pixels[3] = 0;
	assert_int_equal(image_flatten(&img, 0x808080), 0);
	assert_int_equal(img.channels, 1);
	assert_int_equal(img.pixels[0], reference(200, 128, 128));
	assert_int_equal(img.pixels[1], 128);
	image_release(&img);

	assert_int_equal(image_alloc(&img, 1, 1, 2), 0);
	img.pixels[0] = 200, img.pixels[1] = 128;
	assert_int_equal(image_flatten(&img, 0x102030), 0);
	assert_int_equal(img.channels, 3);
	assert_int_equal(img.pixels[0], reference(200, 128, 0x10));
	assert_int_equal(img.pixels[2], reference(200, 128, 0x30));
	image_release(&img);

	assert_int_equal(image_alloc(&img, 1, 1, 3), 0);
	img.pixels[0] = 1, img.pixels[1] = 2, img.pixels[2] = 3;
	assert_int_equal(image_flatten(&img, 0), 0);
	assert_int_equal(img.channels, 3);
	assert_int_equal(img.pixels[2], 3);
	image_release(&img);
}

/*
 * Each row's opaque says what its encode does: a row that keeps alpha gives
 * back four channels, one marked opaque fewer, so no row is flattened that
 * needs not be, nor drops alpha unflattened.
 */
static void test_opaque_rows_are_those_that_drop_alpha(void **state)
{
	(void)state;
	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++) {
		const struct format_row *row = format_row((enum format)f);
		const struct encode_options o = ENCODE_OPTIONS_INIT;
		struct image img = IMAGE_INIT, back = IMAGE_INIT;
		struct buffer buf = BUFFER_INIT;

		if (!row->encode)
			continue;
		assert_int_equal(image_alloc(&img, 8, 8, 4), 0);
		memset(img.pixels, 128, 8 * 8 * 4);
		assert_int_equal(image_encode_with(&img, (enum format)f, &o, &buf), 0);
		assert_int_equal(image_decode(&back, buf.data, buf.len, UINT64_MAX, row->name), 0);
		if ((back.channels == 4) == row->opaque)
			fail_msg("%s: opaque %d, but its files give back %d channels", row->name,
				 row->opaque, back.channels);
		image_release(&img);
		image_release(&back);
		buffer_release(&buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_colours_by_name_and_hex),
		cmocka_unit_test(test_every_alpha_rounds_right),
		cmocka_unit_test(test_grey_stays_grey_on_grey),
		cmocka_unit_test(test_opaque_rows_are_those_that_drop_alpha),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

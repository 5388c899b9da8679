/* Codecs: formats are told by their bytes, lossless formats give back every pixel, limits hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "codec/image.h"

/* A w x h x c image whose every sample differs from its neighbours. */
static struct image pattern(int w, int h, int c)
{
	struct image img = IMAGE_INIT;

	assert_int_equal(image_alloc(&img, w, h, c), 0);
	for (size_t i = 0; i < (size_t)w * h * c; i++)
		img.pixels[i] = (unsigned char)(i * 37 + i / 7);
	return img;
}

static struct image round_trip(const struct image *img, enum format format)
{
	struct buffer buf = BUFFER_INIT;
	struct image back = IMAGE_INIT;

	assert_int_equal(image_encode(img, format, 90, PNG_LEVEL_DEFAULT, &buf), 0);
	assert_int_equal(format_of(buf.data, buf.len), format);
	if (image_decode(&back, buf.data, buf.len, 1u << 30, "mem") < 0)
		fail_msg("%s", error_message());
	buffer_release(&buf);
	return back;
}

/*
 * Every PNG level, from stored to smallest, decodes to the same samples, on
 * an image with runs (where deflate finds matches) and noise (where it
 * finds none), in every channel count.
 */
static void test_png_gives_back_every_sample_at_every_level(void **state)
{
	(void)state;
	for (int level = 0; level <= 12; level++) {
		for (int c = 1; c <= 4; c++) {
			struct image img = pattern(301, 23, c), back = IMAGE_INIT;
			struct buffer buf = BUFFER_INIT;
			size_t n = (size_t)301 * 23 * c;

			memset(img.pixels, 200, n / 3);
			assert_int_equal(image_encode(&img, FORMAT_PNG, 90, level, &buf), 0);
			if (image_decode(&back, buf.data, buf.len, 1u << 30, "mem") < 0)
				fail_msg("level %d: %s", level, error_message());
			assert_int_equal(back.channels, c);
			assert_memory_equal(back.pixels, img.pixels, n);
			buffer_release(&buf);
			image_release(&img);
			image_release(&back);
		}
	}
}

static void test_lossless_formats_give_back_every_sample(void **state)
{
	static const enum format lossless[] = { FORMAT_PNG, FORMAT_TGA };

	(void)state;
	for (size_t f = 0; f < sizeof(lossless) / sizeof(lossless[0]); f++) {
		for (int c = 1; c <= 4; c++) {
			struct image img = pattern(13, 7, c);
			struct image back = round_trip(&img, lossless[f]);

			assert_int_equal(back.width, 13);
			assert_int_equal(back.height, 7);
			assert_int_equal(back.channels, c);
			assert_memory_equal(back.pixels, img.pixels, 13 * 7 * c);
			image_release(&img);
			image_release(&back);
		}
	}
}

static void test_pnm_keeps_grey_and_colour_and_drops_alpha(void **state)
{
	(void)state;
	for (int c = 1; c <= 4; c++) {
		struct image img = pattern(5, 3, c);
		struct image back = round_trip(&img, FORMAT_PNM);
		int out = c >= 3 ? 3 : 1;

		assert_int_equal(back.channels, out);
		for (int i = 0; i < 5 * 3; i++)
			assert_memory_equal(back.pixels + i * out, img.pixels + i * c, out);
		image_release(&img);
		image_release(&back);
	}
}

static void test_bmp_keeps_colour_samples(void **state)
{
	(void)state;
	struct image img = pattern(9, 4, 3);
	struct image back = round_trip(&img, FORMAT_BMP);

	assert_int_equal(back.channels, 3);
	assert_memory_equal(back.pixels, img.pixels, 9 * 4 * 3);
	image_release(&img);
	image_release(&back);
}

static void test_jpeg_is_close_to_the_original(void **state)
{
	(void)state;
	struct image img = IMAGE_INIT, back;
	long err = 0;

	assert_int_equal(image_alloc(&img, 64, 64, 3), 0);
	for (int i = 0; i < 64 * 64 * 3; i++)
		img.pixels[i] = (unsigned char)((i / 3 % 64) * 2 + (i / 192) + 40);
	back = round_trip(&img, FORMAT_JPEG);
	for (int i = 0; i < 64 * 64 * 3; i++)
		err += abs(back.pixels[i] - img.pixels[i]);
	assert_true(err / (64 * 64 * 3) <= 2);
	image_release(&img);
	image_release(&back);
}

static void test_oversized_image_is_refused_before_decoding(void **state)
{
	(void)state;
	struct image img = pattern(100, 100, 3), back = IMAGE_INIT;
	struct buffer buf = BUFFER_INIT;

	assert_int_equal(image_encode(&img, FORMAT_PNG, 0, PNG_LEVEL_DEFAULT, &buf), 0);
	assert_int_equal(image_decode(&back, buf.data, buf.len, 9999, "big.png"), -1);
	assert_non_null(strstr(error_message(), "big.png"));
	assert_non_null(strstr(error_message(), "--max-pixels"));
	assert_null(back.pixels);
	assert_int_equal(image_decode(&back, buf.data, buf.len, 10000, "big.png"), 0);
	image_release(&back);
	image_release(&img);
	buffer_release(&buf);
}

static void test_truncated_file_fails_with_its_name(void **state)
{
	(void)state;
	struct image img = pattern(40, 40, 3), back = IMAGE_INIT;
	struct buffer buf = BUFFER_INIT;

	assert_int_equal(image_encode(&img, FORMAT_PNG, 0, PNG_LEVEL_DEFAULT, &buf), 0);
	for (size_t cut = 8; cut < buf.len; cut += buf.len / 5) {
		error_clear();
		assert_int_equal(image_decode(&back, buf.data, cut, 1u << 30, "cut.png"), -1);
		assert_non_null(strstr(error_message(), "cut.png: cannot decode"));
	}
	image_release(&img);
	buffer_release(&buf);
}

static void test_sniff_knows_each_format_and_nothing_else(void **state)
{
	static const unsigned char tga[18] = { 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 4, 0, 24, 0 };

	(void)state;
	assert_int_equal(format_of((const unsigned char *)"\xff\xd8\xff\xe1", 4), FORMAT_JPEG);
	assert_int_equal(format_of((const unsigned char *)"BM\0\0\0\0\0\0\0\0\0\0\0\0", 14), FORMAT_BMP);
	assert_int_equal(format_of((const unsigned char *)"P5\n", 3), FORMAT_PNM);
	assert_int_equal(format_of(tga, sizeof(tga)), FORMAT_TGA);
	assert_int_equal(format_of((const unsigned char *)"P3\n", 3), FORMAT_NONE);	/* ASCII PNM: stb can't */
	assert_int_equal(format_of((const unsigned char *)"hello, world, hello", 18), FORMAT_NONE);
	assert_int_equal(format_of((const unsigned char *)"GIF89a", 6), FORMAT_GIF);
	assert_int_equal(format_of((const unsigned char *)"GIF88a", 6), FORMAT_NONE);
	assert_int_equal(format_of((const unsigned char *)"8BPS\0\1", 6), FORMAT_PSD);
	assert_int_equal(format_of((const unsigned char *)"8BPS\0\2", 6), FORMAT_NONE);	/* PSB */
	assert_int_equal(format_of((const unsigned char *)"", 0), FORMAT_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lossless_formats_give_back_every_sample),
		cmocka_unit_test(test_png_gives_back_every_sample_at_every_level),
		cmocka_unit_test(test_pnm_keeps_grey_and_colour_and_drops_alpha),
		cmocka_unit_test(test_bmp_keeps_colour_samples),
		cmocka_unit_test(test_jpeg_is_close_to_the_original),
		cmocka_unit_test(test_oversized_image_is_refused_before_decoding),
		cmocka_unit_test(test_truncated_file_fails_with_its_name),
		cmocka_unit_test(test_sniff_knows_each_format_and_nothing_else),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

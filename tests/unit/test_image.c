/* Codecs: formats are told by their bytes, lossless formats give back every pixel, limits hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
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

static struct buffer webp_encoded(const struct image *img, int quality, int lossless)
{
	struct encode_options o = ENCODE_OPTIONS_INIT;
	struct buffer buf = BUFFER_INIT;

	o.quality = quality;
	o.lossless = lossless;
	assert_int_equal(image_encode_with(img, FORMAT_WEBP, &o, &buf), 0);
	assert_int_equal(format_of(buf.data, buf.len), FORMAT_WEBP);
	return buf;
}

static struct image decoded(const struct buffer *buf)
{
	struct image back = IMAGE_INIT;

	if (image_decode(&back, buf->data, buf->len, 1u << 30, "mem") < 0)
		fail_msg("%s", error_message());
	return back;
}

/* Lossless WebP gives back every sample; grey comes back as RGB, grey and alpha as RGBA. */
static void test_webp_lossless_gives_back_every_sample(void **state)
{
	(void)state;
	for (int c = 1; c <= 4; c++) {
		struct image img = pattern(37, 11, c), back;
		struct buffer buf = webp_encoded(&img, 0, 1);
		int out = c % 2 ? 3 : 4;

		back = decoded(&buf);
		assert_int_equal(back.width, 37);
		assert_int_equal(back.height, 11);
		assert_int_equal(back.channels, out);
		assert_int_equal(back.pages, 0);
		for (int i = 0; i < 37 * 11; i++) {
			const unsigned char *s = img.pixels + i * c, *d = back.pixels + i * out;

			for (int k = 0; k < out; k++)
				assert_int_equal(d[k], c >= 3 ? s[k] : k < 3 ? s[0] : s[1]);
		}
		buffer_release(&buf);
		image_release(&img);
		image_release(&back);
	}
}

/* Lossy WebP is close at the default quality, and smaller at a lower one. */
static void test_webp_lossy_is_close_to_the_original(void **state)
{
	struct image img = IMAGE_INIT, back;
	struct buffer q80, q20;
	long err = 0;

	(void)state;
	assert_int_equal(image_alloc(&img, 64, 64, 3), 0);
	for (int i = 0; i < 64 * 64 * 3; i++)
		img.pixels[i] = (unsigned char)((i / 3 % 64) * 2 + (i / 192) + 40);
	q80 = webp_encoded(&img, 0, 0);
	q20 = webp_encoded(&img, 20, 0);
	back = decoded(&q80);
	assert_int_equal(back.channels, 3);
	for (int i = 0; i < 64 * 64 * 3; i++)
		err += abs(back.pixels[i] - img.pixels[i]);
	assert_true(err / (64 * 64 * 3) <= 2);
	assert_true(q20.len < q80.len);
	buffer_release(&q80);
	buffer_release(&q20);
	image_release(&img);
	image_release(&back);
}

static void put24(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
}

/* An ANMF chunk at out: a frame at (x, y), the chunks of the simple WebP in frame after it. */
static size_t anmf(unsigned char *out, const struct buffer *frame, uint32_t x, uint32_t y,
		   uint32_t w, uint32_t h)
{
	size_t len = 16 + frame->len - 12;

	memcpy(out, "ANMF", 4);
	put24(out + 4, (uint32_t)len);
	out[7] = 0;
	memset(out + 8, 0, 16);
	put24(out + 8, x / 2);
	put24(out + 11, y / 2);
	put24(out + 14, w - 1);
	put24(out + 17, h - 1);
	put24(out + 20, 100);	/* duration, ms */
	memcpy(out + 24, frame->data + 12, frame->len - 12);
	return 8 + len;
}

/*
 * An animation is its first frame, in its place on a transparent canvas
 * of the animation's size; pages counts the frames.
 */
static void test_webp_animation_decodes_its_first_frame(void **state)
{
	struct image one = pattern(5, 4, 4), two = pattern(9, 8, 4), back;
	struct buffer f1 = webp_encoded(&one, 0, 1), f2 = webp_encoded(&two, 0, 1);
	struct buffer anim = { calloc(1, 128 + f1.len + f2.len), 0, 0, 0 };
	unsigned char *d = anim.data;

	(void)state;
	memcpy(d, "RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x12\0\0\0", 24);
	put24(d + 24, 9 - 1);
	put24(d + 27, 8 - 1);
	memcpy(d + 30, "ANIM\x06\0\0\0\0\0\0\0\0\0", 14);
	anim.len = 44;
	anim.len += anmf(d + anim.len, &f1, 2, 4, 5, 4);
	anim.len += anmf(d + anim.len, &f2, 0, 0, 9, 8);
	put24(d + 4, (uint32_t)anim.len - 8);
	back = decoded(&anim);
	assert_int_equal(back.width, 9);
	assert_int_equal(back.height, 8);
	assert_int_equal(back.channels, 4);
	assert_int_equal(back.pages, 2);
	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 9; x++) {
			const unsigned char *p = back.pixels + (y * 9 + x) * 4;
			int inside = x >= 2 && x < 7 && y >= 4 && y < 8;
			unsigned char zero[4] = { 0, 0, 0, 0 };

			assert_memory_equal(p, inside ? one.pixels + ((y - 4) * 5 + x - 2) * 4 : zero, 4);
		}
	buffer_release(&anim);
	buffer_release(&f1);
	buffer_release(&f2);
	image_release(&one);
	image_release(&two);
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
	assert_int_equal(format_of((const unsigned char *)"RIFF\0\0\0\0WEBPVP8 ", 16), FORMAT_WEBP);
	assert_int_equal(format_of((const unsigned char *)"RIFF\0\0\0\0WAVEfmt ", 16), FORMAT_NONE);
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
		cmocka_unit_test(test_webp_lossless_gives_back_every_sample),
		cmocka_unit_test(test_webp_lossy_is_close_to_the_original),
		cmocka_unit_test(test_webp_animation_decodes_its_first_frame),
		cmocka_unit_test(test_oversized_image_is_refused_before_decoding),
		cmocka_unit_test(test_truncated_file_fails_with_its_name),
		cmocka_unit_test(test_sniff_knows_each_format_and_nothing_else),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

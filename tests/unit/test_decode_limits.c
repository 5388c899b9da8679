/*
 * Decoding hostile files: limits hold on what is read and what is written,
 * files that lack what their header promises are refused with a true reason,
 * and the inputs that reach stb_image's undefined behaviour are kept from it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "codec/image.h"
#include "codec/probe.h"

static struct image pattern(int w, int h, int c)
{
	struct image img = IMAGE_INIT;

	assert_int_equal(image_alloc(&img, w, h, c), 0);
	for (size_t i = 0; i < (size_t)w * h * c; i++)
		img.pixels[i] = (unsigned char)(i * 37 + i / 7);
	return img;
}

static struct buffer encoded(int w, int h, int c, enum format format)
{
	struct image img = pattern(w, h, c);
	struct buffer buf = BUFFER_INIT;

	assert_int_equal(image_encode(&img, format, 90, PNG_LEVEL_DEFAULT, &buf), 0);
	image_release(&img);
	return buf;
}

static void expect_refused(const unsigned char *data, size_t size, uint64_t max_pixels,
			   const char *reason)
{
	struct image img = IMAGE_INIT;

	error_clear();
	if (image_decode(&img, data, size, max_pixels, "f") == 0)
		fail_msg("%zu bytes decoded; want '%s'", size, reason);
	if (!strstr(error_message(), reason))
		fail_msg("'%s' does not say '%s'", error_message(), reason);
}

static void test_limit_is_inclusive(void **state)
{
	struct buffer png = encoded(100, 50, 3, FORMAT_PNG);
	struct image img = IMAGE_INIT;

	(void)state;
	assert_int_equal(image_decode(&img, png.data, png.len, 5000, "f"), 0);
	image_release(&img);
	expect_refused(png.data, png.len, 4999,
		       "f: PNG larger than the limit: 100x50 is 5000 pixels, over 4999 (--max-pixels)");
	buffer_release(&png);
}

static void test_every_format_says_when_it_is_cut_short(void **state)
{
	static const enum format formats[] = { FORMAT_JPEG, FORMAT_PNG, FORMAT_BMP, FORMAT_TGA,
					       FORMAT_PNM, FORMAT_AVIF,
					       FORMAT_WEBP };
	char reason[64];

	(void)state;
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		struct buffer buf = encoded(61, 40, 3, formats[f]);

		snprintf(reason, sizeof(reason), "f: cannot decode: truncated %s",
			 format_name(formats[f]));
		for (size_t cut = 40; cut < buf.len - 4; cut += buf.len / 7)
			expect_refused(buf.data, cut, 1u << 30, reason);
		expect_refused(buf.data, buf.len - 4, 1u << 30, reason);
		buffer_release(&buf);
	}
}

static void put32(unsigned char *p, uint32_t v, int big)
{
	for (int i = 0; i < 4; i++)
		p[big ? 3 - i : i] = (unsigned char)(v >> 8 * i);
}

static void test_top_down_bmp_decodes_as_bottom_up(void **state)
{
	struct buffer bmp = encoded(8, 6, 3, FORMAT_BMP);
	unsigned char *flipped = malloc(bmp.len);
	struct image a = IMAGE_INIT, b = IMAGE_INIT;
	size_t start = 54, stride = 24;

	(void)state;
	memcpy(flipped, bmp.data, start);
	put32(flipped + 22, (uint32_t)-6, 0);
	for (size_t y = 0; y < 6; y++)
		memcpy(flipped + start + y * stride, bmp.data + start + (5 - y) * stride, stride);
	assert_int_equal(image_decode(&a, bmp.data, bmp.len, 1000, "up"), 0);
	assert_int_equal(image_decode(&b, flipped, bmp.len, 1000, "down"), 0);
	assert_int_equal(b.height, 6);
	assert_memory_equal(a.pixels, b.pixels, 8 * 6 * 3);
	image_release(&a);
	image_release(&b);
	free(flipped);
	buffer_release(&bmp);
}

static void test_sizes_are_refused_from_the_header(void **state)
{
	static const unsigned char pnm_long[] = "P5\n99999999999 1\n255\n";
	static const unsigned char pnm_deep[] = "P5\n1 1\n65536\n\0\0";
	unsigned char png[33];
	struct buffer real = encoded(4, 4, 1, FORMAT_PNG);

	(void)state;
	memcpy(png, real.data, sizeof(png));
	put32(png + 16, 100000, 1);
	put32(png + 20, 100000, 1);
	expect_refused(png, sizeof(png), 178956970,
		       "f: PNG larger than the limit: 100000x100000 is 10000000000 pixels");
	put32(png + 16, 70000, 1);
	put32(png + 20, 1, 1);
	expect_refused(png, sizeof(png), 178956970,
		       "f: PNG with a side longer than 65535 pixels: 70000x1");
	expect_refused(png, 33, 178956970, "PNG");
	expect_refused(pnm_long, sizeof(pnm_long), 1u << 30,
		       "f: cannot decode: corrupt PNM: a number in the header is too long");
	expect_refused(pnm_deep, sizeof(pnm_deep), 1u << 30, "PNM with samples over 16 bits");
	buffer_release(&real);
}

/*
 * A WebP of the simple lossy file in lossy (its VP8 chunk from byte 12)
 * under a VP8X chunk with flags and a w x h canvas.
 */
static struct buffer webp_extended(const struct buffer *lossy, unsigned flags, uint32_t w,
				   uint32_t h)
{
	size_t n = lossy->len + 18;
	struct buffer out = { calloc(1, n), n, 0, 0 };

	memcpy(out.data, "RIFF", 4);
	put32(out.data + 4, (uint32_t)n - 8, 0);
	memcpy(out.data + 8, "WEBPVP8X", 8);
	put32(out.data + 16, 10, 0);
	out.data[20] = (unsigned char)flags;
	put32(out.data + 24, w - 1, 0);	/* 24 bits each, little-endian */
	put32(out.data + 27, h - 1, 0);	/* its fourth byte is the next chunk's, set below */
	memcpy(out.data + 30, lossy->data + 12, lossy->len - 12);
	return out;
}

/* A canvas over the limit is refused from the first 30 bytes, before anything is allocated. */
static void test_webp_sizes_are_refused_from_the_header(void **state)
{
	struct buffer lossy = encoded(61, 40, 3, FORMAT_WEBP);
	struct buffer big = webp_extended(&lossy, 0, 16000, 16000);
	struct buffer wide = webp_extended(&lossy, 0, 70000, 1);

	(void)state;
	expect_refused(big.data, 30, 1000000,
		       "f: WebP larger than the limit: 16000x16000 is 256000000 pixels");
	expect_refused(wide.data, 30, 1u << 30, "f: WebP with a side longer than 65535 pixels");
	memcpy(lossy.data + 26, "\xff\x3f\xff\x3f", 4);	/* VP8: 16383 x 16383 */
	expect_refused(lossy.data, 30, 1000000,
		       "f: WebP larger than the limit: 16383x16383 is 268402689 pixels");
	buffer_release(&big);
	buffer_release(&wide);
	buffer_release(&lossy);
}

/* Every chunk within the RIFF data, the image the canvas's size, the bitstream's header whole. */
static void test_webp_structure_is_checked(void **state)
{
	struct buffer lossy = encoded(61, 40, 3, FORMAT_WEBP);
	struct buffer fits = webp_extended(&lossy, 0, 61, 40);
	struct buffer other = webp_extended(&lossy, 0, 62, 40);
	struct image img = IMAGE_INIT;

	(void)state;
	assert_int_equal(image_decode(&img, fits.data, fits.len, 1u << 30, "f"), 0);
	assert_int_equal(img.width * img.height * img.channels, 61 * 40 * 3);
	image_release(&img);
	expect_refused(other.data, other.len, 1u << 30,
		       "f: cannot decode: corrupt WebP: the image is not the size of the canvas");
	put32(fits.data + 34, (uint32_t)fits.len, 0);	/* the VP8 chunk's size */
	expect_refused(fits.data, fits.len, 1u << 30,
		       "f: cannot decode: corrupt WebP: a chunk runs past the end of the RIFF data");
	lossy.data[23] = 0;
	expect_refused(lossy.data, lossy.len, 1u << 30,
		       "f: cannot decode: corrupt WebP: bad VP8 start code");
	memcpy(lossy.data + 12, "VP8L", 4);
	expect_refused(lossy.data, lossy.len, 1u << 30,
		       "f: cannot decode: corrupt WebP: bad VP8L signature");
	memcpy(lossy.data + 12, "ALPH", 4);
	expect_refused(lossy.data, lossy.len, 1u << 30,
		       "f: cannot decode: corrupt WebP: no VP8 or VP8L image where one belongs");
	buffer_release(&fits);
	buffer_release(&other);
	buffer_release(&lossy);
}

/*
 * An AVIF whose ispe claims more than the limit, or a side over 65535, is
 * refused from its header, before libheif sees it; so is one whose pixels
 * are larger than its ispe says.
 */
static void test_heif_sizes_are_refused_from_the_header(void **state)
{
	struct buffer avif = encoded(64, 48, 3, FORMAT_AVIF);
	unsigned char *ispe = memmem(avif.data, avif.len, "ispe", 4);

	(void)state;
	assert_non_null(ispe);
	put32(ispe + 8, 100000, 1);
	put32(ispe + 12, 100000, 1);
	expect_refused(avif.data, avif.len, 178956970,
		       "f: AVIF larger than the limit: 100000x100000 is 10000000000 pixels");
	put32(ispe + 8, 70000, 1);
	put32(ispe + 12, 1, 1);
	expect_refused(avif.data, avif.len, 178956970,
		       "f: AVIF with a side longer than 65535 pixels: 70000x1");
	put32(ispe + 8, 32, 1);
	put32(ispe + 12, 24, 1);
	expect_refused(avif.data, avif.len, 178956970, "f: ");
	buffer_release(&avif);
}

/* A PNG with one chunk inserted after IHDR (which ends at byte 33). */
static struct buffer png_with_chunk(const struct buffer *png, const char *type, size_t len)
{
	struct buffer out = { malloc(png->len + 12 + len), png->len + 12 + len, 0, 0 };

	memcpy(out.data, png->data, 33);
	put32(out.data + 33, (uint32_t)len, 1);
	memcpy(out.data + 37, type, 4);
	memset(out.data + 41, 'x', len + 4);
	memcpy(out.data + 45 + len, png->data + 33, png->len - 33);
	return out;
}

static void test_unknown_critical_chunk_is_named_without_its_bytes(void **state)
{
	struct buffer png = encoded(4, 4, 3, FORMAT_PNG);
	struct buffer odd = png_with_chunk(&png, "\x1b[2J", 1);

	(void)state;
	expect_refused(odd.data, odd.len, 1000,
		       "f: cannot decode: PNG with an unknown critical chunk, which pixpool does not read");
	assert_null(strchr(error_message(), '\x1b'));
	buffer_release(&odd);
	buffer_release(&png);
}

static void test_empty_idat_decodes_like_none(void **state)
{
	struct buffer png = encoded(9, 5, 3, FORMAT_PNG);
	struct buffer empty = png_with_chunk(&png, "IDAT", 0);
	struct image a = IMAGE_INIT, b = IMAGE_INIT;

	(void)state;
	assert_int_equal(image_decode(&a, png.data, png.len, 1000, "f"), 0);
	assert_int_equal(image_decode(&b, empty.data, empty.len, 1000, "f"), 0);
	assert_memory_equal(a.pixels, b.pixels, 9 * 5 * 3);
	image_release(&a);
	image_release(&b);
	buffer_release(&empty);
	buffer_release(&png);
}

static void test_stb_reasons_are_told_per_format(void **state)
{
	struct buffer jpg = encoded(16, 16, 3, FORMAT_JPEG);
	size_t sof = 2;

	(void)state;
	while (jpg.data[sof + 1] != 0xc0)
		sof += 2 + ((size_t)jpg.data[sof + 2] << 8 | jpg.data[sof + 3]);
	jpg.data[sof + 4] = 12;
	expect_refused(jpg.data, jpg.len, 1000,
		       "f: cannot decode: JPEG with 12-bit samples that pixpool does not read");
	buffer_release(&jpg);
}

/* An 8-bit 4x1 BMP with a palette of two colours (black, white) and the given indices. */
static void bmp_with_palette(unsigned char *b, const unsigned char index[4])
{
	memset(b, 0, 66);
	b[0] = 'B';
	b[1] = 'M';
	put32(b + 2, 66, 0);
	put32(b + 10, 62, 0);
	put32(b + 14, 40, 0);
	put32(b + 18, 4, 0);
	put32(b + 22, 1, 0);
	b[26] = 1;
	b[28] = 8;
	memset(b + 58, 0xff, 3);
	memcpy(b + 62, index, 4);
}

static void test_palette_index_past_the_palette(void **state)
{
	unsigned char bmp[66];
	struct image img = IMAGE_INIT;

	(void)state;
	bmp_with_palette(bmp, (const unsigned char[]){ 0, 1, 1, 0 });
	assert_int_equal(image_decode(&img, bmp, sizeof(bmp), 100, "f"), 0);
	assert_int_equal(img.pixels[3], 255);
	image_release(&img);
	bmp_with_palette(bmp, (const unsigned char[]){ 0, 1, 200, 0 });
	expect_refused(bmp, sizeof(bmp), 100,
		       "f: cannot decode: corrupt BMP: a pixel names a colour past its palette");
}

static void test_filter_results_are_held_to_the_limit(void **state)
{
	struct image img = IMAGE_INIT;

	(void)state;
	image_limit_pixels(100);
	assert_int_equal(image_alloc(&img, 10, 10, 4), 0);
	image_release(&img);
	error_clear();
	assert_int_equal(image_alloc(&img, 101, 1, 1), -1);
	assert_non_null(strstr(error_message(), "101x1 image is 101 pixels, over the limit of 100"));
	assert_null(img.pixels);
	image_limit_pixels(UINT64_MAX);
}

/* The encoders refuse by size alone, before they look at a pixel. */
static void test_too_large_to_encode_is_refused_first(void **state)
{
	struct image wide = { .width = 70000, .height = 10, .channels = 3 };
	struct image big = { .width = 40000, .height = 40000, .channels = 1 };
	struct buffer buf = BUFFER_INIT;

	(void)state;
	assert_int_equal(image_encode(&wide, FORMAT_JPEG, 90, PNG_LEVEL_DEFAULT, &buf), -1);
	assert_non_null(strstr(error_message(), "cannot encode 70000x10 as JPEG"));
	assert_int_equal(image_encode(&wide, FORMAT_TGA, 90, PNG_LEVEL_DEFAULT, &buf), -1);
	assert_int_equal(image_encode(&big, FORMAT_PNG, 90, PNG_LEVEL_DEFAULT, &buf), -1);
	assert_non_null(strstr(error_message(), "cannot encode 40000x40000 as PNG"));
	assert_null(buf.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_is_inclusive),
		cmocka_unit_test(test_every_format_says_when_it_is_cut_short),
		cmocka_unit_test(test_top_down_bmp_decodes_as_bottom_up),
		cmocka_unit_test(test_sizes_are_refused_from_the_header),
		cmocka_unit_test(test_heif_sizes_are_refused_from_the_header),
		cmocka_unit_test(test_webp_sizes_are_refused_from_the_header),
		cmocka_unit_test(test_webp_structure_is_checked),
		cmocka_unit_test(test_unknown_critical_chunk_is_named_without_its_bytes),
		cmocka_unit_test(test_empty_idat_decodes_like_none),
		cmocka_unit_test(test_stb_reasons_are_told_per_format),
		cmocka_unit_test(test_palette_index_past_the_palette),
		cmocka_unit_test(test_filter_results_are_held_to_the_limit),
		cmocka_unit_test(test_too_large_to_encode_is_refused_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

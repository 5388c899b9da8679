/*
 * The format table: every row whole, found by its words, its extensions and
 * its own output's first bytes; and the channels the probe reads from a
 * header agreeing with what stb_image (libwebp, for WebP) says of the same
 * bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "base/error.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/probe.h"

#include "codec/meta.h"
#include "codec/stb.h"
#include <stb/stb_image.h>
#include <webp/decode.h>

static void test_every_row_is_whole(void **state)
{
	(void)state;
	assert_null(format_row(FORMAT_NONE));
	assert_null(format_row(FORMAT_COUNT));
	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++) {
		const struct format_row *row = format_row((enum format)f);

		assert_non_null(row);
		assert_non_null(row->name);
		assert_non_null(row->ext);
		assert_non_null(row->words);
		assert_non_null(row->words[0]);
		assert_non_null(row->extensions);
		assert_non_null(row->sniff);
		assert_non_null(row->header);
		assert_non_null(row->complete);
		assert_non_null(row->decode);
		/* A row whose library writes the metadata itself (AVIF) has no meta_write. */
		assert_int_equal(!row->meta_at, !row->meta_write);
		assert_true(!row->meta_write || row->meta_collect);
		assert_int_equal(!row->meta_collect, !row->meta_parts);
		/* What pixpool reads but does not write is written in a format it writes. */
		assert_true(!row->encode || !row->written_as);
		assert_true(!row->written_as || format_row(row->written_as)->encode);
		assert_int_equal(format_find(row->words[0]), f);
		assert_int_equal(format_of_extension(row->ext), f);
	}
	assert_string_equal(format_list(), "JPEG, PNG, BMP, TGA, PNM, GIF, PSD, HEIC, AVIF, WebP, TIFF or RAW");
	assert_string_equal(format_not_an_image(),
			    "not an image: the content is not JPEG, PNG, BMP, TGA, PNM, GIF, PSD, HEIC, AVIF, WebP, TIFF or RAW");
}

static void test_format_words_and_extensions(void **state)
{
	static const struct {
		const char *word;
		enum format format;
	} words[] = {
		{ "jpg", FORMAT_JPEG }, { "jpeg", FORMAT_JPEG }, { "png", FORMAT_PNG },
		{ "bmp", FORMAT_BMP }, { "tga", FORMAT_TGA }, { "pnm", FORMAT_PNM },
		{ "gif", FORMAT_GIF }, { "psd", FORMAT_PSD },
		{ "avif", FORMAT_AVIF }, { "heic", FORMAT_HEIC }, { "webp", FORMAT_WEBP },
		{ "tiff", FORMAT_TIFF }, { "tif", FORMAT_TIFF }, { "raw", FORMAT_RAW },
		{ "same", FORMAT_NONE }, { "JPG", FORMAT_NONE }, { "jxl", FORMAT_NONE },
		{ "", FORMAT_NONE },
	};
	static const struct {
		const char *ext;
		enum format format;
	} exts[] = {
		{ "JPG", FORMAT_JPEG }, { "jpe", FORMAT_JPEG }, { "Jpeg", FORMAT_JPEG },
		{ "png", FORMAT_PNG }, { "ppm", FORMAT_PNM }, { "pgm", FORMAT_PNM },
		{ "TGA", FORMAT_TGA }, { "bmp", FORMAT_BMP }, { "GIF", FORMAT_GIF },
		{ "Psd", FORMAT_PSD }, { "jxl", FORMAT_NONE }, { "psb", FORMAT_NONE },
		{ "jpgx", FORMAT_NONE }, { "HEIC", FORMAT_HEIC }, { "heif", FORMAT_HEIC },
		{ "hif", FORMAT_HEIC }, { "AVIF", FORMAT_AVIF }, { "WebP", FORMAT_WEBP },
		{ "TIF", FORMAT_TIFF }, { "tiff", FORMAT_TIFF }, { "DNG", FORMAT_RAW },
		{ "nef", FORMAT_RAW }, { "CR2", FORMAT_RAW }, { "cr3", FORMAT_RAW },
		{ "ARW", FORMAT_RAW }, { "orf", FORMAT_RAW }, { "rw2", FORMAT_RAW },
		{ "raf", FORMAT_RAW }, { "pef", FORMAT_RAW },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		assert_int_equal(format_find(words[i].word), words[i].format);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		assert_int_equal(format_of_extension(exts[i].ext), exts[i].format);
	assert_string_equal(format_name(FORMAT_NONE), "none");
	assert_string_equal(format_extension(FORMAT_NONE), "");
	assert_string_equal(format_name(FORMAT_TGA), "TGA");
	assert_string_equal(format_extension(FORMAT_JPEG), "jpg");
}

/* A small image of noise, encoded by the row of format. */
static struct buffer encoded(int w, int h, int channels, enum format format)
{
	struct image img = IMAGE_INIT;
	struct buffer buf = BUFFER_INIT;

	assert_int_equal(image_alloc(&img, w, h, channels), 0);
	for (size_t i = 0; i < (size_t)w * h * channels; i++)
		img.pixels[i] = (unsigned char)(i * 37 + i / 7);
	assert_int_equal(image_encode(&img, format, 90, PNG_LEVEL_DEFAULT, &buf), 0);
	image_release(&img);
	return buf;
}

/* What the reference decoder says of a file: libwebp for WebP, stbi_info for the rest. */
static int reference_info(const unsigned char *d, size_t n, int *x, int *y, int *c)
{
	WebPBitstreamFeatures f;

	if (format_of(d, n) != FORMAT_WEBP)
		return stbi_info_from_memory(d, (int)n, x, y, c);
	if (WebPGetFeatures(d, n, &f) != VP8_STATUS_OK)
		return 0;
	*x = f.width;
	*y = f.height;
	*c = f.has_alpha ? 4 : 3;
	return 1;
}

/* The probe's channels of a whole file, which must be what the reference says. */
static void expect_channels(const unsigned char *d, size_t n, enum format format, int channels)
{
	struct probe p;
	int x, y, c;

	assert_int_equal(format_of(d, n), format);
	assert_int_equal(probe_header(&p, d, n), 0);
	assert_int_equal(probe_complete(&p, d, n), 0);
	assert_int_equal(reference_info(d, n, &x, &y, &c), 1);
	assert_int_equal(p.width, x);
	assert_int_equal(p.height, y);
	assert_int_equal(c, channels);
	assert_int_equal(p.channels, c);
}

/* A TIFF's channels, as its probe and its decode say: every channel is written. */
static void expect_tiff_channels(const struct buffer *buf, int channels)
{
	struct image img = IMAGE_INIT;
	struct probe p;

	assert_int_equal(format_of(buf->data, buf->len), FORMAT_TIFF);
	assert_int_equal(probe_header(&p, buf->data, buf->len), 0);
	assert_int_equal(probe_complete(&p, buf->data, buf->len), 0);
	assert_int_equal(p.channels, channels);
	assert_int_equal(p.pages, 0);	/* one page */
	assert_int_equal(image_decode(&img, buf->data, buf->len, 1u << 30, "f"), 0);
	assert_int_equal(img.channels, channels);
	assert_int_equal(img.width, 13);
	assert_int_equal(img.height, 7);
	image_release(&img);
}

static void test_each_row_reads_its_own_output(void **state)
{
	(void)state;
	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++) {
		/*
		 * A format pixpool only reads is tested from files made by hand
		 * (test_gif_psd.c, test_bmff.c); libheif's AVIF has a test of its own, below.
		 */
		for (int c = 1; c <= 4 && format_row((enum format)f)->encode && f != FORMAT_AVIF; c++) {
			struct buffer buf = encoded(13, 7, c, (enum format)f);
			int x, y, expect;

			if (f == FORMAT_TIFF) {
				expect_tiff_channels(&buf, c);
				buffer_release(&buf);
				continue;
			}
			/* What the file holds, as its reference reads it back: the expectation. */
			assert_int_equal(reference_info(buf.data, buf.len, &x, &y, &expect), 1);
			expect_channels(buf.data, buf.len, (enum format)f, expect);
			buffer_release(&buf);
		}
	}
}

/*
 * An AVIF of each channel count is recognised by its bytes, and its header
 * says the size and the channels libheif's decode gives: RGB, or RGBA when
 * it has an alpha plane (grey is written as monochrome and read as RGB).
 */
static void test_avif_reads_its_own_output(void **state)
{
	(void)state;
	for (int c = 1; c <= 4; c++) {
		struct buffer buf = encoded(13, 7, c, FORMAT_AVIF);
		struct image img = IMAGE_INIT;
		struct probe p;

		assert_int_equal(format_of(buf.data, buf.len), FORMAT_AVIF);
		assert_int_equal(probe_header(&p, buf.data, buf.len), 0);
		assert_int_equal(probe_complete(&p, buf.data, buf.len), 0);
		assert_int_equal(p.width, 13);
		assert_int_equal(p.height, 7);
		assert_int_equal(p.channels, c % 2 ? 3 : 4);
		assert_int_equal(image_decode(&img, buf.data, buf.len, UINT64_MAX, "t.avif"), 0);
		assert_int_equal(img.width, 13);
		assert_int_equal(img.height, 7);
		assert_int_equal(img.channels, p.channels);
		assert_int_equal(img.bits, 8);
		image_release(&img);
		buffer_release(&buf);
	}
}

static void put32be(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static size_t chunk(unsigned char *out, const char *type, const void *body, uint32_t len)
{
	put32be(out, len);
	memcpy(out + 4, type, 4);
	memcpy(out + 8, body, len);
	put32be(out + 8 + len, (uint32_t)crc32(crc32(0, out + 4, 4), body, len));
	return 12 + len;
}

/* A 2x2 PNG of palette indices, with a tRNS chunk before or after its image data, or none. */
static size_t palette_png(unsigned char *out, int trns)
{
	static const unsigned char ihdr[13] = { 0, 0, 0, 2, 0, 0, 0, 2, 8, 3, 0, 0, 0 };
	static const unsigned char plte[6] = { 255, 0, 0, 0, 0, 255 };
	static const unsigned char rows[6] = { 0, 0, 1, 0, 1, 0 };
	static const unsigned char alpha[2] = { 128, 255 };
	unsigned char z[64];
	uLongf zlen = sizeof(z);
	size_t n = 8;

	assert_int_equal(compress(z, &zlen, rows, sizeof(rows)), Z_OK);
	memcpy(out, "\x89PNG\r\n\x1a\n", 8);
	n += chunk(out + n, "IHDR", ihdr, sizeof(ihdr));
	n += chunk(out + n, "PLTE", plte, sizeof(plte));
	if (trns == 1)
		n += chunk(out + n, "tRNS", alpha, sizeof(alpha));
	n += chunk(out + n, "IDAT", z, (uint32_t)zlen);
	if (trns == 2)
		n += chunk(out + n, "tRNS", alpha, sizeof(alpha));
	n += chunk(out + n, "IEND", "", 0);
	return n;
}

static void put32le(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

/* A 2x2 BMP of header size hsz, bpp bits, compression, and alpha mask (V4 and V5 headers). */
static size_t bmp(unsigned char *out, uint32_t hsz, unsigned bpp, uint32_t compression,
		  uint32_t alpha)
{
	size_t start = 14 + hsz, stride = ((2 * bpp / 8) + 3) & ~(size_t)3;

	memset(out, 0, start + 2 * stride);
	out[0] = 'B';
	out[1] = 'M';
	put32le(out + 2, (uint32_t)(start + 2 * stride));
	put32le(out + 10, (uint32_t)start);
	put32le(out + 14, hsz);
	put32le(out + 18, 2);
	put32le(out + 22, 2);
	out[26] = 1;		/* planes */
	out[28] = (unsigned char)bpp;
	put32le(out + 30, compression);
	if (compression == 3) {
		put32le(out + 54, bpp == 16 ? 0x7c00 : 0xff0000);
		put32le(out + 58, bpp == 16 ? 0x03e0 : 0xff00);
		put32le(out + 62, bpp == 16 ? 0x001f : 0xff);
	}
	if (hsz >= 108)
		put32le(out + 66, alpha);
	return start + 2 * stride;
}

static void test_header_channels_agree_with_stb(void **state)
{
	unsigned char b[512];

	(void)state;
	expect_channels(b, palette_png(b, 0), FORMAT_PNG, 3);
	expect_channels(b, palette_png(b, 1), FORMAT_PNG, 4);
	expect_channels(b, palette_png(b, 2), FORMAT_PNG, 3);	/* stbi_info stops at IDAT */
	expect_channels(b, bmp(b, 40, 24, 0, 0), FORMAT_BMP, 3);
	expect_channels(b, bmp(b, 40, 32, 0, 0), FORMAT_BMP, 4);
	expect_channels(b, bmp(b, 40, 32, 3, 0), FORMAT_BMP, 3);
	expect_channels(b, bmp(b, 40, 16, 0, 0), FORMAT_BMP, 3);
	expect_channels(b, bmp(b, 108, 32, 3, 0), FORMAT_BMP, 3);
	expect_channels(b, bmp(b, 108, 32, 3, 0xff000000u), FORMAT_BMP, 4);
	expect_channels(b, bmp(b, 124, 32, 0, 0), FORMAT_BMP, 4);
	expect_channels(b, bmp(b, 124, 24, 0, 0xff000000u), FORMAT_BMP, 3);
	expect_channels(b, bmp(b, 108, 16, 0, 0x8000), FORMAT_BMP, 4);
	expect_channels(b, bmp(b, 108, 16, 3, 0), FORMAT_BMP, 3);
}

/* A noise image as WebP: lossy or lossless, with an ICC profile (so a VP8X chunk) or not. */
static struct buffer webp(int w, int h, int channels, int lossless, int icc)
{
	struct encode_options o = ENCODE_OPTIONS_INIT;
	struct image img = IMAGE_INIT;
	struct buffer buf = BUFFER_INIT;
	struct meta m = META_INIT;

	assert_int_equal(image_alloc(&img, w, h, channels), 0);
	for (size_t i = 0; i < (size_t)w * h * channels; i++)
		img.pixels[i] = (unsigned char)(i * 37 + i / 7);
	o.lossless = lossless;
	assert_int_equal(image_encode_with(&img, FORMAT_WEBP, &o, &buf), 0);
	if (icc) {
		unsigned char profile[200] = { 0 };

		buffer_put(&m.icc, profile, sizeof(profile));
		assert_int_equal(meta_insert(&m, FORMAT_WEBP, &buf), 0);
		assert_memory_equal(buf.data + 12, "VP8X", 4);
	}
	meta_release(&m);
	image_release(&img);
	return buf;
}

/*
 * Lossy (VP8, with ALPH for alpha), lossless (VP8L), simple and extended
 * (VP8X), at sizes that use every bit of the headers' fields: the probe
 * says what libwebp says.
 */
static void test_webp_headers_agree_with_libwebp(void **state)
{
	static const int sizes[][2] = { { 1, 1 }, { 13, 7 }, { 300, 2 }, { 16383, 1 } };

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int c = 1; c <= 4; c++)
			for (int kind = 0; kind < 4; kind++) {
				struct buffer buf = webp(sizes[s][0], sizes[s][1], c, kind & 1,
							 kind >> 1);

				expect_channels(buf.data, buf.len, FORMAT_WEBP, c % 2 ? 3 : 4);
				buffer_release(&buf);
			}
}

/* The probe refuses what stbi_info refuses, in the words the decode gives. */
static void expect_refused(const unsigned char *d, size_t n, const char *reason)
{
	struct image img = IMAGE_INIT;
	struct probe p;
	int x, y, c;

	assert_int_equal(stbi_info_from_memory(d, (int)n, &x, &y, &c), 0);
	assert_int_equal(probe_header(&p, d, n), 0);
	assert_int_equal(probe_complete(&p, d, n), -1);
	assert_int_equal(image_decode(&img, d, n, 1u << 30, "f"), -1);
	assert_string_equal(error_message(), reason);
}

/* A copy of the PNG in b with IHDR's byte at (from IHDR's body) set to v. */
static size_t png_with(unsigned char *b, size_t at, unsigned char v)
{
	size_t n = palette_png(b, 0);

	b[16 + at] = v;
	return n;
}

static void test_header_refusals_agree_with_stb(void **state)
{
	unsigned char b[512];
	size_t n;

	(void)state;
	expect_refused(b, bmp(b, 40, 8, 1, 0), "f: cannot decode: BMP compressed with RLE that pixpool does not read");
	expect_refused(b, bmp(b, 40, 24, 4, 0), "f: cannot decode: BMP holding JPEG or PNG data that pixpool does not read");
	expect_refused(b, bmp(b, 40, 24, 3, 0), "f: cannot decode: corrupt BMP");
	n = bmp(b, 40, 32, 3, 0);
	memset(b + 54, 0, 12);	/* every colour from the same bits */
	expect_refused(b, n, "f: cannot decode: corrupt BMP");
	n = bmp(b, 40, 24, 0, 0);
	b[26] = 2;		/* two planes */
	expect_refused(b, n, "f: cannot decode: corrupt BMP");
	expect_refused(b, png_with(b, 8, 7), "f: cannot decode: corrupt PNG: bad bit depth");
	expect_refused(b, png_with(b, 9, 5), "f: cannot decode: corrupt PNG: bad colour type");
	expect_refused(b, png_with(b, 10, 1), "f: cannot decode: corrupt PNG: bad compression method");
	expect_refused(b, png_with(b, 11, 1), "f: cannot decode: corrupt PNG: bad filter method");
	expect_refused(b, png_with(b, 12, 2), "f: cannot decode: corrupt PNG: bad interlace method");
	n = palette_png(b, 0);
	memcpy(b + 33 + 4, "pLTE", 4);	/* the palette becomes an unknown ancillary chunk */
	expect_refused(b, n, "f: cannot decode: corrupt PNG: no palette");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_is_whole),
		cmocka_unit_test(test_format_words_and_extensions),
		cmocka_unit_test(test_each_row_reads_its_own_output),
		cmocka_unit_test(test_avif_reads_its_own_output),
		cmocka_unit_test(test_header_channels_agree_with_stb),
		cmocka_unit_test(test_webp_headers_agree_with_libwebp),
		cmocka_unit_test(test_header_refusals_agree_with_stb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

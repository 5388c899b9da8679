/*
 * The formats pixpool reads but does not write, from files made here byte
 * by byte: GIF (the first frame, the frames counted), PSD (the composite,
 * 8 and 16 bits, raw and RLE) and 16-bit PNG, with 16-bit samples rounded
 * to the nearest 8-bit one rather than cut; each cut short or over the
 * limit refused before decoding. And the photo formats pixpool does not
 * read, known by name and first bytes, only where no row claims them.
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
#include "codec/unread.h"

static const unsigned char palette[4][3] = {
	{ 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 200, 100, 50 },
};

/* Codes of 3 bits, first bit lowest, into out; the bytes written. */
struct bits {
	unsigned char *out;
	size_t len;
	unsigned acc, n;
};

static void put_code(struct bits *b, unsigned code)
{
	b->acc |= code << b->n;
	for (b->n += 3; b->n >= 8; b->n -= 8, b->acc >>= 8)
		b->out[b->len++] = (unsigned char)b->acc;
}

/*
 * A frame's image data: LZW with a minimum code size of 2, a clear code
 * before every index so that codes stay 3 bits wide, then end of data.
 */
static size_t lzw(unsigned char *out, const unsigned char *index, size_t n)
{
	struct bits b = { out + 2, 0, 0, 0 };

	for (size_t i = 0; i < n; i++) {
		put_code(&b, 4);
		put_code(&b, index[i]);
	}
	put_code(&b, 5);
	if (b.n)
		b.out[b.len++] = (unsigned char)b.acc;
	out[0] = 2;
	out[1] = (unsigned char)b.len;
	out[2 + b.len] = 0;
	return 3 + b.len;
}

/* A 3x2 GIF of frames frames, frame f holding indices (i + f) % 4, with a comment. */
static size_t gif(unsigned char *out, int frames)
{
	static const unsigned char screen[] = { 3, 0, 2, 0, 0x81, 0, 0 };
	static const unsigned char comment[] = { 0x21, 0xfe, 3, 'h', 'i', '!', 0 };
	size_t n = 0;

	memcpy(out, "GIF89a", 6);
	memcpy(out + 6, screen, sizeof(screen));
	memcpy(out + 13, palette, sizeof(palette));
	n = 13 + sizeof(palette);
	memcpy(out + n, comment, sizeof(comment));
	n += sizeof(comment);
	for (int f = 0; f < frames; f++) {
		unsigned char index[6], frame[10] = { 0x2c, 0, 0, 0, 0, 3, 0, 2, 0, 0 };

		for (int i = 0; i < 6; i++)
			index[i] = (unsigned char)((i + f) % 4);
		memcpy(out + n, frame, sizeof(frame));
		n += sizeof(frame);
		n += lzw(out + n, index, 6);
	}
	out[n++] = 0x3b;
	return n;
}

static void test_gif_gives_its_first_frame_and_counts_them(void **state)
{
	unsigned char file[512];
	struct image img = IMAGE_INIT;
	size_t n = gif(file, 3);

	(void)state;
	assert_int_equal(format_of(file, n), FORMAT_GIF);
	assert_int_equal(image_decode(&img, file, n, 1u << 30, "a.gif"), 0);
	assert_int_equal(img.width, 3);
	assert_int_equal(img.height, 2);
	assert_int_equal(img.channels, 4);
	assert_int_equal(img.pages, 3);
	for (int i = 0; i < 6; i++) {
		assert_memory_equal(img.pixels + 4 * i, palette[i % 4], 3);
		assert_int_equal(img.pixels[4 * i + 3], 255);
	}
	image_release(&img);
	n = gif(file, 1);
	assert_int_equal(image_decode(&img, file, n, 1u << 30, "one.gif"), 0);
	assert_int_equal(img.pages, 0);
	image_release(&img);
}

/* A file that must be refused, and the words its reason must hold. */
static void expect_refused(const unsigned char *d, size_t n, uint64_t max_pixels,
			   const char *reason)
{
	struct image img = IMAGE_INIT;

	error_clear();
	assert_int_equal(image_decode(&img, d, n, max_pixels, "f"), -1);
	assert_null(img.pixels);
	if (!strstr(error_message(), reason))
		fail_msg("\"%s\" does not say \"%s\"", error_message(), reason);
}

static void test_gif_cut_short_forged_or_too_large_is_refused(void **state)
{
	unsigned char file[512];
	size_t n = gif(file, 2);

	(void)state;
	for (size_t cut = 6; cut < n; cut++)
		expect_refused(file, cut, 1u << 30, "truncated GIF");
	expect_refused(file, n, 5, "GIF larger than the limit: 3x2 is 6 pixels, over 5");
	/* A screen of 65535x65535 in a file of a few bytes: refused before any allocation. */
	file[6] = file[7] = file[8] = file[9] = 0xff;
	expect_refused(file, n, 1u << 30, "GIF larger than the limit");
	n = gif(file, 1);
	file[13 + sizeof(palette) + 7 + 5] = 4;	/* the first frame 4 pixels wide */
	expect_refused(file, n, 1u << 30, "corrupt GIF: a frame lies outside the image");
	n = gif(file, 1);
	file[10] = 0;	/* no colour table at all */
	memmove(file + 13, file + 13 + sizeof(palette), n - 13 - sizeof(palette));
	expect_refused(file, n - sizeof(palette), 1u << 30, "corrupt GIF: no colour table");
}

/*
 * A 3x2 PSD in RGB: depth 8 or 16, raw or RLE (8 bits only), sample k of
 * channel c being sample(c, k); with alpha, a fourth channel of 1, whose
 * colours are all darker than it allows (stb would un-matte them).
 */
static unsigned sample(int c, int k, int depth)
{
	static const unsigned wide[] = { 0x12ff, 0x34c0, 0x0001, 0xffff, 0x807f, 0x7f80 };

	return depth == 16 ? wide[(k + c) % 6] : (unsigned)(40 * c + 30 * k);
}

static size_t psd_channels(unsigned char *out, int depth, int rle, int channels)
{
	static const unsigned char header[26] = {
		'8', 'B', 'P', 'S', 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 8, 0, 3
	};
	size_t n = sizeof(header);

	memcpy(out, header, n);
	out[13] = (unsigned char)channels;
	out[23] = (unsigned char)depth;
	memset(out + n, 0, 12);	/* colour mode data, image resources, layers: empty */
	n += 12;
	out[n++] = 0;
	out[n++] = (unsigned char)rle;
	if (rle) {
		for (int r = 0; r < channels * 2; r++) {
			out[n++] = 0;
			out[n++] = 4;	/* a row: one literal run of 3 bytes */
		}
	}
	for (int c = 0; c < channels; c++) {
		for (int k = 0; k < 6; k++) {
			unsigned v = c < 3 ? sample(c, k, depth) : 1;

			if (rle && k % 3 == 0)
				out[n++] = 2;
			if (depth == 16)
				out[n++] = (unsigned char)(v >> 8);
			out[n++] = (unsigned char)v;
		}
	}
	return n;
}

static size_t psd(unsigned char *out, int depth, int rle)
{
	return psd_channels(out, depth, rle, 3);
}

static void test_psd_gives_its_composite(void **state)
{
	static const struct { int depth, rle, channels; } kinds[] = {
		{ 8, 0, 3 }, { 8, 1, 3 }, { 16, 0, 3 }, { 8, 0, 4 }, { 8, 1, 5 }, { 16, 0, 4 },
	};
	unsigned char file[512];

	(void)state;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct image img = IMAGE_INIT;
		size_t n = psd_channels(file, kinds[i].depth, kinds[i].rle, kinds[i].channels);

		assert_int_equal(format_of(file, n), FORMAT_PSD);
		assert_int_equal(image_decode(&img, file, n, 1u << 30, "a.psd"), 0);
		assert_int_equal(img.width, 3);
		assert_int_equal(img.height, 2);
		assert_int_equal(img.channels, 3);
		assert_int_equal(img.bits, kinds[i].depth);
		for (int k = 0; k < 6; k++)
			for (int c = 0; c < 3; c++) {
				unsigned v = sample(c, k, kinds[i].depth);

				assert_int_equal(img.pixels[3 * k + c],
						 kinds[i].depth == 16 ? (v * 255 + 32767) / 65535 : v);
			}
		image_release(&img);
	}
}

static void test_psd_cut_short_or_not_read_is_refused(void **state)
{
	unsigned char file[512];
	size_t n = psd(file, 8, 1);

	(void)state;
	for (size_t cut = 6; cut < n; cut++)
		expect_refused(file, cut, 1u << 30, "truncated PSD");
	n = psd(file, 16, 0);
	for (size_t cut = 6; cut < n; cut++)
		expect_refused(file, cut, 1u << 30, "truncated PSD");
	expect_refused(file, n, 5, "PSD larger than the limit: 3x2 is 6 pixels, over 5");
	n = psd(file, 16, 1);
	expect_refused(file, n, 1u << 30, "PSD with 16-bit samples compressed with RLE");
	n = psd(file, 8, 0);
	file[25] = 4;	/* CMYK */
	expect_refused(file, n, 1u << 30, "PSD in a colour mode other than RGB");
}

static void put32be(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (24 - 8 * i));
}

static size_t chunk(unsigned char *out, const char *type, const void *body, uint32_t len)
{
	put32be(out, len);
	memcpy(out + 4, type, 4);
	memcpy(out + 8, body, len);
	put32be(out + 8 + len, (uint32_t)crc32(crc32(0, out + 4, 4), body, len));
	return 12 + len;
}

/*
 * A 3x2 grey PNG of 16-bit samples, each of which stb alone would cut to
 * its high byte: 0x12ff is 18 cut, 19 rounded.
 */
static void test_png_16_bit_samples_are_rounded(void **state)
{
	static const unsigned char ihdr[13] = { 0, 0, 0, 3, 0, 0, 0, 2, 16, 0, 0, 0, 0 };
	unsigned char rows[2 * 7], z[128], file[256];
	uLongf zlen = sizeof(z);
	struct image img = IMAGE_INIT;
	size_t n = 8;

	(void)state;
	for (int y = 0; y < 2; y++) {
		rows[7 * y] = 0;
		for (int x = 0; x < 3; x++) {
			rows[7 * y + 1 + 2 * x] = (unsigned char)(sample(0, 3 * y + x, 16) >> 8);
			rows[7 * y + 2 + 2 * x] = (unsigned char)sample(0, 3 * y + x, 16);
		}
	}
	assert_int_equal(compress(z, &zlen, rows, sizeof(rows)), Z_OK);
	memcpy(file, "\x89PNG\r\n\x1a\n", 8);
	n += chunk(file + n, "IHDR", ihdr, sizeof(ihdr));
	n += chunk(file + n, "IDAT", z, (uint32_t)zlen);
	n += chunk(file + n, "IEND", "", 0);
	assert_int_equal(image_decode(&img, file, n, 1u << 30, "a.png"), 0);
	assert_int_equal(img.channels, 1);
	assert_int_equal(img.bits, 16);
	for (int k = 0; k < 6; k++)
		assert_int_equal(img.pixels[k], sample_16_to_8(sample(0, k, 16)));
	assert_int_equal(img.pixels[0], 19);
	assert_int_equal(img.pixels[1], 53);	/* 0x34c0: 52 cut */
	image_release(&img);
}

static void expect_unread(const char *head, size_t n, const char *name, const char *format)
{
	const struct unread *u = unread_of((const unsigned char *)head, n, name);

	if (!format) {
		if (u)
			fail_msg("%s: taken for %s", name, u->name);
		return;
	}
	if (!u)
		fail_msg("%s: not known as %s", name, format);
	assert_string_equal(u->name, format);
	assert_non_null(strstr(u->reason, format));
	assert_non_null(strstr(u->reason, ": not a format pixpool reads"));
}

static void test_photos_not_read_are_known_where_no_row_claims_them(void **state)
{
	(void)state;
	expect_unread("junk", 4, "a/photo.jxl", "JPEG XL");
	expect_unread("\xff\x0a\x01\x02", 4, "noname", "JPEG XL");
	expect_unread("\0\0\0\x0cJXL \r\n\x87\n", 12, "x.bin", "JPEG XL");
	expect_unread("\0\0\0\x0cjP  \r\n\x87\n", 12, "x", "JPEG 2000");
	expect_unread("FOVb", 4, "IMG.X3F", "camera RAW");
	expect_unread("II*\0", 4, "DSC_0001.X3F", "camera RAW");	/* the name first */
	expect_unread("II\xbc\x01", 4, "IMG_0001.JPG", "JPEG XR");	/* the bytes */
	expect_unread("8BPS\0\x02", 6, "big", "PSB");
	/* What a row claims: bytes it reads, names it takes (a broken JPEG is a JPEG). */
	expect_unread("\x89PNG\r\n\x1a\n", 8, "x.jxl", NULL);
	expect_unread("junk", 4, "x.jpg", NULL);
	expect_unread("GIF89a", 6, "x.jxl", NULL);
	expect_unread("\0\0\0\030ftypcrx ", 12, "IMG_0001.JPG", NULL);	/* the RAW row's */
	expect_unread("II*\0", 4, "DSC_0001.dng", NULL);
	expect_unread("RIFF\0\0\0\0WEBP", 12, "IMG_0001.JPG", NULL);	/* WebP is read */
	expect_unread("junk", 4, "notes.txt", NULL);
	expect_unread("", 0, "x", NULL);
	expect_unread("junk", 4, "dir.jxl/notes", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gif_gives_its_first_frame_and_counts_them),
		cmocka_unit_test(test_gif_cut_short_forged_or_too_large_is_refused),
		cmocka_unit_test(test_psd_gives_its_composite),
		cmocka_unit_test(test_psd_cut_short_or_not_read_is_refused),
		cmocka_unit_test(test_png_16_bit_samples_are_rounded),
		cmocka_unit_test(test_photos_not_read_are_known_where_no_row_claims_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

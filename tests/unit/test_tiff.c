/*
 * TIFF and the RAWs built on it, from bytes made here: the bounded IFD
 * parse (sizes, refusals, strips within the file, pages, loops), the rule
 * that tells a DNG from a TIFF, the RAWs known by their first bytes, and
 * the decode of layouts pixpool's own encoder never writes (16 bits,
 * premultiplied alpha, white is zero).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "base/error.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/probe.h"
#include "codec/tiff.h"

#define SHORT 3
#define LONG 4
#define DATA 0xffffffffu	/* a value: the offset of the data after the IFD */

struct tag {
	uint16_t tag, type;
	uint32_t count, value;
};

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* A little-endian TIFF of one IFD at offset 8 holding tags, then len bytes of data. */
static size_t tiff(unsigned char *out, const struct tag *t, int n, const void *data, size_t len)
{
	uint32_t at = 8 + 2 + 12 * (uint32_t)n + 4;

	memcpy(out, "II*\0", 4);
	put32(out + 4, 8);
	put16(out + 8, (uint32_t)n);
	for (int i = 0; i < n; i++) {
		unsigned char *e = out + 10 + 12 * i;

		put16(e, t[i].tag);
		put16(e + 2, t[i].type);
		put32(e + 4, t[i].count);
		if (t[i].type == SHORT && t[i].count == 1 && t[i].value != DATA)
			put16(e + 8, t[i].value), put16(e + 10, 0);
		else
			put32(e + 8, t[i].value == DATA ? at : t[i].value);
	}
	put32(out + 10 + 12 * n, 0);
	memcpy(out + at, data, len);
	return at + len;
}

/* A w x h image of spp samples of bits, photometric, in one strip of the data. */
static size_t simple(unsigned char *out, uint32_t w, uint32_t h, uint32_t spp, uint32_t bits,
		     uint32_t photometric, uint32_t extra, const void *data, size_t len)
{
	struct tag t[] = {
		{ 256, LONG, 1, w }, { 257, LONG, 1, h }, { 258, SHORT, 1, bits },
		{ 259, SHORT, 1, 1 }, { 262, SHORT, 1, photometric }, { 273, LONG, 1, DATA },
		{ 277, SHORT, 1, spp }, { 278, LONG, 1, h }, { 279, LONG, 1, (uint32_t)len },
		{ 338, SHORT, 1, extra },
	};

	return tiff(out, t, extra ? 10 : 9, data, len);
}

static void test_sizes_layouts_and_pages(void **state)
{
	unsigned char b[512], px[16] = { 0 };
	struct probe p;
	size_t n = simple(b, 2, 2, 3, 8, 2, 0, px, 12);

	(void)state;
	assert_int_equal(format_of(b, n), FORMAT_TIFF);
	assert_int_equal(probe_header(&p, b, n), 0);
	assert_int_equal(p.width, 2);
	assert_int_equal(p.height, 2);
	assert_int_equal(p.channels, 3);
	assert_int_equal(probe_complete(&p, b, n), 0);
	assert_int_equal(p.pages, 0);	/* one page */
	/* Cut before its IFD ends: more bytes are asked for. */
	assert_int_equal(probe_header(&p, b, 20), PROBE_MORE);
	/* Cut inside its strip: refused whole. */
	assert_int_equal(probe_complete(&p, b, n - 1), -1);
	assert_string_equal(error_message(), "truncated TIFF: strip or tile 0 lies past the end");
	n = simple(b, 2, 2, 2, 8, 1, 2, px, 8);
	assert_int_equal(probe_header(&p, b, n), 0);
	assert_int_equal(p.channels, 2);
	n = simple(b, 2, 2, 4, 8, 2, 0, px, 16);	/* an extra sample that is not alpha */
	assert_int_equal(probe_header(&p, b, n), 0);
	assert_int_equal(p.channels, 3);
}

/* Three IFDs chained, or a chain that loops back. */
static void test_pages_counted_and_loops_refused(void **state)
{
	unsigned char b[512], px[4] = { 0 };
	size_t n = simple(b, 2, 2, 1, 8, 1, 0, px, sizeof(px));
	uint32_t ifd0_next = 8 + 2 + 12 * 9;
	struct probe p;

	(void)state;
	/* IFD1 and IFD2: copies of IFD0 after the data, chained. */
	memcpy(b + n, b + 8, 2 + 12 * 9 + 4);
	memcpy(b + n + 2 + 12 * 9 + 4, b + 8, 2 + 12 * 9 + 4);
	put32(b + ifd0_next, (uint32_t)n);
	put32(b + n + 2 + 12 * 9, (uint32_t)(n + 2 + 12 * 9 + 4));
	assert_int_equal(probe_header(&p, b, n + 2 * (2 + 12 * 9 + 4)), 0);
	assert_int_equal(probe_complete(&p, b, n + 2 * (2 + 12 * 9 + 4)), 0);
	assert_int_equal(p.pages, 3);
	put32(b + n + 2 * (2 + 12 * 9) + 4, (uint32_t)n);	/* IFD2 back to IFD1 */
	assert_int_equal(probe_complete(&p, b, n + 2 * (2 + 12 * 9 + 4)), -1);
	assert_string_equal(error_message(), "corrupt TIFF: the IFD chain loops");
}

static void test_what_is_refused(void **state)
{
	unsigned char b[512], px[16] = { 0 };
	struct image img = IMAGE_INIT;
	struct probe p;
	size_t n;

	(void)state;
	memcpy(b, "II+\0\x08\0\0\0\x10\0\0\0\0\0\0\0", 16);
	assert_int_equal(format_of(b, 16), FORMAT_TIFF);
	assert_int_equal(probe_header(&p, b, 16), -1);
	assert_string_equal(error_message(), "BigTIFF, which pixpool does not read");
	/* 100000 x 100000: refused before anything is allocated. */
	n = simple(b, 100000, 100000, 3, 8, 2, 0, px, 12);
	assert_int_equal(image_decode(&img, b, n, 178956970, "f"), -1);
	assert_string_equal(error_message(), "f: TIFF larger than the limit: 100000x100000 is "
			    "10000000000 pixels, over 178956970 (--max-pixels)");
	assert_null(img.pixels);
}

static void test_floating_point_and_old_jpeg_refused(void **state)
{
	unsigned char b[512], px[16] = { 0 };
	struct tag t[] = {
		{ 256, LONG, 1, 2 }, { 257, LONG, 1, 2 }, { 258, SHORT, 1, 32 },
		{ 259, SHORT, 1, 1 }, { 262, SHORT, 1, 1 }, { 273, LONG, 1, DATA },
		{ 277, SHORT, 1, 1 }, { 278, LONG, 1, 2 }, { 279, LONG, 1, 16 },
		{ 339, SHORT, 1, 3 },
	};
	struct probe p;
	size_t n = tiff(b, t, 10, px, sizeof(px));

	(void)state;
	assert_int_equal(probe_header(&p, b, n), -1);
	assert_string_equal(error_message(), "TIFF with floating-point samples, which pixpool does not read");
	t[3].value = 6;
	t[2].value = 8;
	t[9].value = 1;
	n = tiff(b, t, 10, px, sizeof(px));
	assert_int_equal(probe_header(&p, b, n), -1);
	assert_string_equal(error_message(), "TIFF with old-style JPEG compression, which pixpool does not read");
}

/* 16 bits reduced with sample_16_to_8; premultiplied alpha undone; white-is-zero inverted. */
static void test_decodes_what_pixpool_never_writes(void **state)
{
	uint16_t rgb16[4 * 3] = { 0, 128, 129, 257, 32767, 65535, 383, 384, 65407, 1, 2, 3 };
	unsigned char b[512], ga[4 * 2] = { 100, 200, 50, 100, 0, 0, 255, 255 };
	unsigned char white[4] = { 0, 255, 10, 200 };
	struct image img = IMAGE_INIT;
	size_t n = simple(b, 2, 2, 3, 16, 2, 0, rgb16, sizeof(rgb16));

	(void)state;
	assert_int_equal(image_decode(&img, b, n, 1u << 30, "f"), 0);
	assert_int_equal(img.bits, 16);
	assert_int_equal(img.pages, 0);	/* one page */
	for (int i = 0; i < 12; i++)
		assert_int_equal(img.pixels[i], sample_16_to_8(rgb16[i]));
	image_release(&img);
	n = simple(b, 2, 2, 2, 8, 1, 1, ga, sizeof(ga));
	assert_int_equal(image_decode(&img, b, n, 1u << 30, "f"), 0);
	assert_int_equal(img.channels, 2);
	assert_int_equal(img.pixels[0], 128);	/* 100 * 255 / 200, rounded */
	assert_int_equal(img.pixels[2], 128);
	assert_int_equal(img.pixels[4], 0);
	assert_int_equal(img.pixels[6], 255);
	image_release(&img);
	n = simple(b, 2, 2, 1, 8, 0, 0, white, sizeof(white));
	assert_int_equal(image_decode(&img, b, n, 1u << 30, "f"), 0);
	assert_int_equal(img.pixels[0], 255);
	assert_int_equal(img.pixels[3], 55);
	image_release(&img);
}

/* A DNGVersion tag, or colour-filter-array samples, make a TIFF-looking file a RAW. */
static void test_raw_told_from_tiff(void **state)
{
	unsigned char b[512], px[8] = { 0 };
	struct tag t[] = {
		{ 256, LONG, 1, 2 }, { 257, LONG, 1, 2 }, { 258, SHORT, 1, 16 },
		{ 259, SHORT, 1, 1 }, { 262, SHORT, 1, 32803 }, { 273, LONG, 1, DATA },
		{ 277, SHORT, 1, 1 }, { 278, LONG, 1, 2 }, { 279, LONG, 1, 8 },
		{ 0xc612, 1, 4, 0x00000401 },
	};
	struct probe p;
	size_t n = tiff(b, t, 10, px, sizeof(px));

	(void)state;
	assert_int_equal(format_of(b, n), FORMAT_TIFF);
	assert_int_equal(probe_header(&p, b, n), 0);
	assert_int_equal(p.format, FORMAT_RAW);
	assert_int_equal(p.width, 2);
	assert_int_equal(p.channels, 3);
	assert_int_equal(probe_complete(&p, b, n), 0);
	assert_int_equal(probe_complete(&p, b, n - 1), -1);
	assert_string_equal(error_message(), "truncated RAW: strip or tile 0 lies past the end");
	t[4].value = 1;	/* grey samples, but still a DNGVersion */
	n = tiff(b, t, 10, px, sizeof(px));
	assert_int_equal(probe_header(&p, b, n), 0);
	assert_int_equal(p.format, FORMAT_RAW);
	n = tiff(b, t, 9, px, sizeof(px));	/* neither: a TIFF */
	assert_int_equal(probe_header(&p, b, n), 0);
	assert_int_equal(p.format, FORMAT_TIFF);
}

/*
 * The parent's read of a TIFF whose IFD0 is past the first bytes: the
 * header from a window of the file at IFD0's offset, and nothing outside
 * the window trusted (before it or past it is PROBE_MORE).
 */
static void test_header_from_a_window(void **state)
{
	static const unsigned char pixels[4 * 2 * 3];
	unsigned char f[512];
	struct tag t[] = {
		{ 256, LONG, 1, 4 }, { 257, LONG, 1, 2 }, { 258, SHORT, 3, 200 },
		{ 262, SHORT, 1, 2 }, { 273, LONG, 1, DATA }, { 274, SHORT, 1, 6 },
		{ 277, SHORT, 1, 3 }, { 278, LONG, 1, 2 }, { 279, LONG, 1, sizeof(pixels) },
	};
	size_t n = tiff(f, t, 9, pixels, sizeof(pixels));
	struct probe p;
	int o = 0;

	(void)state;
	put16(f + 200, 8), put16(f + 202, 8), put16(f + 204, 8);	/* BitsPerSample 8,8,8 */
	assert_int_equal(tiff_ifd0_offset(f, 8), 8);
	assert_int_equal(tiff_header_window(&p, &o, f, 8, f + 8, n + 200 - 8, 8), 0);
	assert_int_equal(p.format, FORMAT_TIFF);
	assert_int_equal(p.width, 4);
	assert_int_equal(p.height, 2);
	assert_int_equal(p.channels, 3);
	assert_int_equal(o, 6);
	/* BitsPerSample's values past the window; IFD0 before it; the window cut in IFD0. */
	assert_int_equal(tiff_header_window(&p, &o, f, 8, f + 8, 150, 8), PROBE_MORE);
	assert_int_equal(tiff_header_window(&p, &o, f, 8, f + 9, 150, 9), PROBE_MORE);
	assert_int_equal(tiff_header_window(&p, &o, f, 8, f + 8, 20, 8), PROBE_MORE);
	/* A count no IFD has, and a file that is no classic TIFF. */
	put16(f + 8, 60000);
	assert_int_equal(tiff_header_window(&p, &o, f, 8, f + 8, n - 8, 8), -1);
	assert_string_equal(error_message(), "corrupt TIFF: IFD of 60000 entries");
	assert_int_equal(tiff_ifd0_offset((const unsigned char *)"II+\0\x08\0\0\0", 8), 0);
	assert_int_equal(tiff_ifd0_offset((const unsigned char *)"II*\0\x08\0\0\0", 4), 0);
}

/*
 * ORF and RW2 are TIFF structures under magic numbers of their own: the
 * Orientation of their IFD0 turns them, as a DNG's does.
 */
static void test_orf_and_rw2_turned(void **state)
{
	static const unsigned char le[] = {
		'I', 'I', 'R', 'O', 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,
		0, 0, 0, 0,
	};
	static const unsigned char be[] = {
		'M', 'M', 'O', 'R', 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0,
		0, 0, 0, 0,
	};
	unsigned char f[sizeof(le)];

	(void)state;
	assert_int_equal(format_of(le, sizeof(le)), FORMAT_RAW);
	assert_int_equal(image_exif_orientation(le, sizeof(le)), 6);
	assert_int_equal(image_exif_orientation(be, sizeof(be)), 8);
	memcpy(f, le, sizeof(f));
	memcpy(f, "IIU\0", 4);	/* RW2 */
	assert_int_equal(image_exif_orientation(f, sizeof(f)), 6);
	memcpy(f, "IIXX", 4);	/* no RAW's, no TIFF's */
	assert_int_equal(image_exif_orientation(f, sizeof(f)), 1);
}

static void test_raws_known_by_their_first_bytes(void **state)
{
	static const char *const heads[] = {
		"II*\0\x10\0\0\0CR\x02\0\0\0\0\0\0\0", "IIRO\x08\0\0\0\0\0\0\0\0\0\0\0\0\0",
		"MMOR\0\0\0\x08\0\0\0\0\0\0\0\0\0\0", "IIU\0\x08\0\0\0\0\0\0\0\0\0\0\0\0\0",
		"\0\0\0\030ftypcrx \0\0\0\0\0\0", "FUJIFILMCCD-RAW 0201",
	};
	struct probe p;

	(void)state;
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		assert_int_equal(format_of((const unsigned char *)heads[i], SNIFF_BYTES), FORMAT_RAW);
	/* A CR3's size is in its moov box, past these bytes (test_cr3). */
	assert_int_equal(probe_header(&p, (const unsigned char *)heads[4], 18), PROBE_MORE);
	/* A RAF's sizes are in its CFA header, past these bytes (test_raf). */
	assert_int_equal(probe_header(&p, (const unsigned char *)heads[5], 18), PROBE_MORE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_layouts_and_pages),
		cmocka_unit_test(test_pages_counted_and_loops_refused),
		cmocka_unit_test(test_what_is_refused),
		cmocka_unit_test(test_floating_point_and_old_jpeg_refused),
		cmocka_unit_test(test_decodes_what_pixpool_never_writes),
		cmocka_unit_test(test_orf_and_rw2_turned),
		cmocka_unit_test(test_header_from_a_window),
		cmocka_unit_test(test_raw_told_from_tiff),
		cmocka_unit_test(test_raws_known_by_their_first_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Fujifilm's RAF, from bytes made here: pixpool's reader of its header and
 * CFA header (the sizes libraw develops, forged counts and records,
 * offsets past the end, SuperCCD sensors refused), the pixel limit checked
 * before any decode, the Orientation from the embedded JPEG's EXIF, and
 * libraw held to the size the header gave.
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
#include "codec/raf.h"
#include "codec/raw_call.h"

#define JPEG_AT 0x94
#define RAW_W 64
#define RAW_H 48
#define MAX_BYTES (JPEG_AT + 256 + 256 + 2 * RAW_W * RAW_H)

/* A RAF being built: its bytes, and where the parts start. */
struct raf {
	unsigned char d[MAX_BYTES];
	size_t n, meta_at, cfa_at;
};

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void add(struct raf *r, const void *bytes, size_t len)
{
	memcpy(r->d + r->n, bytes, len);
	r->n += len;
}

/* An embedded JPEG: SOI, an EXIF block first (Make, Model, Orientation), EOI. */
static void add_jpeg(struct raf *r, unsigned orientation)
{
	unsigned char tiff[] = {
		'M', 'M', 0, 42, 0, 0, 0, 8, 0, 3,
		1, 15, 0, 2, 0, 0, 0, 9, 0, 0, 0, 50,		/* Make, at 50 */
		1, 16, 0, 2, 0, 0, 0, 13, 0, 0, 0, 59,		/* Model, at 59 */
		1, 18, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0,		/* Orientation, at 42 */
		0, 0, 0, 0,
		'F', 'U', 'J', 'I', 'F', 'I', 'L', 'M', 0,
		'F', 'i', 'n', 'e', 'P', 'i', 'x', ' ', 'X', '1', '0', '0', 0,
	};
	unsigned char app1[] = { 0xff, 0xd8, 0xff, 0xe1, 0, 0, 'E', 'x', 'i', 'f', 0, 0 };

	put16(app1 + 4, 2 + 6 + sizeof(tiff));
	put16(tiff + 42, orientation);
	add(r, app1, sizeof(app1));
	add(r, tiff, sizeof(tiff));
	add(r, "\xff\xd9", 2);
}

/*
 * A RAF of a FinePix X100 with the CFA header's records given (tag, size,
 * data), count the count it claims, and a CFA of RAW_W x RAW_H samples.
 */
static void make(struct raf *r, const unsigned char *records, size_t len, uint32_t count)
{
	memset(r, 0, sizeof(*r));
	add(r, "FUJIFILMCCD-RAW 0201FF383501FinePix X100", 40);
	r->n = JPEG_AT;
	add_jpeg(r, 6);
	r->meta_at = r->n;
	put32(r->d + r->n, count);
	r->n += 4;
	add(r, records, len);
	r->cfa_at = r->n;
	for (int i = 0; i < RAW_W * RAW_H; i++, r->n += 2)
		put16(r->d + r->n, (uint32_t)(i * 37 % 4000));
	put32(r->d + 84, JPEG_AT);
	put32(r->d + 88, (uint32_t)(r->meta_at - JPEG_AT));
	put32(r->d + 92, (uint32_t)r->meta_at);
	put32(r->d + 96, (uint32_t)(r->cfa_at - r->meta_at));
	put32(r->d + 100, (uint32_t)r->cfa_at);
	put32(r->d + 104, (uint32_t)(r->n - r->cfa_at));
}

/* RawImageFullSize and RawImageSize of the sensor made here. */
static const unsigned char sizes[] = {
	1, 0, 0, 4, 0, RAW_H, 0, RAW_W, 1, 0x21, 0, 4, 0, RAW_H, 0, RAW_W,
};

static int header(const struct raf *r, struct probe *p)
{
	return probe_header(p, r->d, r->n);
}

static void test_sizes_as_libraw_reads_them(void **state)
{
	/* The developed size larger than the full one, then FujiLayout's pairs of rows. */
	static const unsigned char larger[] = { 1, 0, 0, 4, 0, 10, 0, 20, 1, 0x21, 0, 4, 0, 12, 0, 16 };
	static const unsigned char paired[] = {
		1, 0, 0, 4, 0, 10, 0, 20, 1, 0x21, 0, 4, 0, 12, 0, 16, 1, 0x30, 0, 4, 0x80, 8, 0, 0,
	};
	static const unsigned char widened[] = { 1, 0x21, 0, 4, 0, 1, 0x10, 0xbc };
	struct raf r;
	struct probe p;

	(void)state;
	make(&r, sizes, sizeof(sizes), 2);
	assert_int_equal(format_of(r.d, SNIFF_BYTES), FORMAT_RAW);
	assert_int_equal(header(&r, &p), 0);
	assert_int_equal(p.format, FORMAT_RAW);
	assert_int_equal(p.width, RAW_W);
	assert_int_equal(p.height, RAW_H);
	assert_int_equal(p.channels, 3);
	assert_int_equal(probe_complete(&p, r.d, r.n), 0);
	make(&r, larger, sizeof(larger), 2);
	assert_int_equal(header(&r, &p), 0);
	assert_int_equal(p.width, 20);
	assert_int_equal(p.height, 12);
	make(&r, paired, sizeof(paired), 3);
	assert_int_equal(header(&r, &p), 0);
	assert_int_equal(p.width, 20);
	assert_int_equal(p.height, 24);
	make(&r, widened, sizeof(widened), 1);	/* 4284 wide: libraw makes it 4287 */
	assert_int_equal(header(&r, &p), 0);
	assert_int_equal(p.width, 4287);
	assert_int_equal(p.height, 1);
}

static void expect_header_refused(const unsigned char *records, size_t len, uint32_t count,
				  const char *why)
{
	struct raf r;
	struct probe p;

	make(&r, records, len, count);
	assert_int_equal(header(&r, &p), -1);
	assert_string_equal(error_message(), why);
}

static void test_forged_records_refused(void **state)
{
	static const unsigned char past[] = { 1, 0, 0, 200, 0, 1, 0, 1 };
	static const unsigned char short_size[] = { 1, 0x21, 0, 2, 0, 1 };
	static const unsigned char super_ccd[] = {
		1, 0, 0, 4, 0, RAW_H, 0, RAW_W, 1, 0x30, 0, 4, 1, 2, 1, 0,
	};
	static const unsigned char no_size[] = { 0x2f, 0xf0, 0, 4, 1, 1, 1, 1 };

	(void)state;
	expect_header_refused(sizes, sizeof(sizes), 256, "corrupt RAW: RAF CFA header of 256 records");
	expect_header_refused(sizes, sizeof(sizes), 3,
			      "corrupt RAW: RAF record 2 runs past its CFA header");
	expect_header_refused(past, sizeof(past), 1,
			      "corrupt RAW: RAF record 0 runs past its CFA header");
	expect_header_refused(short_size, sizeof(short_size), 1,
			      "corrupt RAW: RAF record 0x121 of 2 bytes");
	expect_header_refused(super_ccd, sizeof(super_ccd), 2,
			      "RAF of a SuperCCD sensor not supported");
	expect_header_refused(no_size, sizeof(no_size), 1,
			      "corrupt RAW: no size in its RAF CFA header");
}

static void test_offsets_past_the_end(void **state)
{
	struct raf r;
	struct probe p;

	(void)state;
	/* The header wants more bytes until the CFA header's are given. */
	make(&r, sizes, sizeof(sizes), 2);
	assert_int_equal(probe_header(&p, r.d, 100), PROBE_MORE);
	assert_int_equal(probe_header(&p, r.d, r.cfa_at - 1), PROBE_MORE);
	assert_int_equal(probe_header(&p, r.d, r.cfa_at), 0);
	assert_int_equal(probe_complete(&p, r.d, r.n - 1), -1);
	assert_string_equal(error_message(), "truncated RAW: the RAF's CFA lies past the end");
	put32(r.d + 100, 0xfffffff0u);
	assert_int_equal(header(&r, &p), 0);
	assert_int_equal(probe_complete(&p, r.d, r.n), -1);
	assert_string_equal(error_message(), "truncated RAW: the RAF's CFA lies past the end");
	make(&r, sizes, sizeof(sizes), 2);
	put32(r.d + 88, 0xfffffff0u);
	assert_int_equal(probe_complete(&p, r.d, r.n), -1);
	assert_string_equal(error_message(), "truncated RAW: the RAF's JPEG lies past the end");
	make(&r, sizes, sizeof(sizes), 2);
	put32(r.d + 96, 0xfffffff0u);
	assert_int_equal(header(&r, &p), PROBE_MORE);
	assert_int_equal(probe_complete(&p, r.d, r.n), -1);
	assert_string_equal(error_message(), "truncated RAW: the RAF CFA header lies past the end");
	make(&r, sizes, sizeof(sizes), 2);
	put32(r.d + 92, 40);	/* within the header */
	assert_int_equal(header(&r, &p), -1);
	assert_string_equal(error_message(), "corrupt RAW: RAF CFA header at 40, within the RAF header");
}

/* The parent's read of a CFA header past its first bytes (input.c), from a window. */
static void test_header_from_a_window(void **state)
{
	struct raf r;
	struct probe p;
	int orientation = 0;
	size_t head;

	(void)state;
	make(&r, sizes, sizeof(sizes), 2);
	head = r.meta_at - 2;	/* the JPEG, its EXIF whole, but its end */
	assert_int_equal(probe_header(&p, r.d, head), PROBE_MORE);
	assert_int_equal(raf_meta_offset(r.d, head), r.meta_at);
	assert_int_equal(raf_header_window(&p, &orientation, r.d, head, r.d + r.meta_at,
					   r.n - r.meta_at, r.meta_at), 0);
	assert_int_equal(p.format, FORMAT_RAW);
	assert_int_equal(p.width, RAW_W);
	assert_int_equal(p.height, RAW_H);
	assert_int_equal(orientation, 6);
	/* A window that starts after the CFA header, or ends within it. */
	assert_int_equal(raf_header_window(&p, &orientation, r.d, head, r.d + r.meta_at + 1,
					   r.n - r.meta_at - 1, r.meta_at + 1), PROBE_MORE);
	assert_int_equal(raf_header_window(&p, &orientation, r.d, head, r.d + r.meta_at, 10,
					   r.meta_at), PROBE_MORE);
	/* Forged records are refused there as in the first bytes. */
	put32(r.d + r.meta_at, 256);
	assert_int_equal(raf_header_window(&p, &orientation, r.d, head, r.d + r.meta_at,
					   r.n - r.meta_at, r.meta_at), -1);
	assert_string_equal(error_message(), "corrupt RAW: RAF CFA header of 256 records");
	assert_int_equal(raf_meta_offset(r.d, 100), 0);
	assert_int_equal(raf_meta_offset((const unsigned char *)"II*\0", 4), 0);
}

static void test_pixel_limit_before_any_decode(void **state)
{
	static const unsigned char bomb[] = { 1, 0, 0, 4, 0xff, 0xff, 0xff, 0xff };
	struct image img = IMAGE_INIT;
	struct raf r;

	(void)state;
	make(&r, bomb, sizeof(bomb), 1);
	assert_int_equal(image_decode(&img, r.d, r.n, (uint64_t)1 << 30, "bomb.raf"), -1);
	assert_string_equal(error_message(), "bomb.raf: RAW larger than the limit: 65535x65535 is "
			    "4294836225 pixels, over 1073741824 (--max-pixels)");
	assert_null(img.pixels);
	make(&r, sizes, sizeof(sizes), 2);
	assert_int_equal(image_decode(&img, r.d, r.n, RAW_W * RAW_H - 1, "small.raf"), -1);
	assert_non_null(strstr(error_message(), "RAW larger than the limit: 64x48"));
	assert_null(img.pixels);
}

static void test_orientation_from_the_embedded_jpeg(void **state)
{
	struct raf r;

	(void)state;
	make(&r, sizes, sizeof(sizes), 2);
	assert_int_equal(image_exif_orientation(r.d, r.n), 6);
	/* The header bytes alone, as the parent reads them, hold it too. */
	assert_int_equal(image_exif_orientation(r.d, r.cfa_at), 6);
	/* Cut within the JPEG: no EXIF found, nothing read past the bytes given. */
	assert_int_equal(image_exif_orientation(r.d, JPEG_AT + 20), 1);
	put32(r.d + 84, 0xfffffff0u);
	assert_int_equal(image_exif_orientation(r.d, r.n), 1);
}

static void test_libraw_held_to_the_header_size(void **state)
{
	struct image img = IMAGE_INIT;
	struct raf r;

	(void)state;
	make(&r, sizes, sizeof(sizes), 2);
	assert_int_equal(image_decode(&img, r.d, r.n, UINT64_MAX, "fine.raf"), 0);
	assert_int_equal(img.width, RAW_W);
	assert_int_equal(img.height, RAW_H);
	image_release(&img);
	assert_int_equal(raw_decode_within(&img, r.d, r.n, RAW_W, RAW_H - 1), -1);
	assert_string_equal(error_message(), "cannot decode RAW: libraw would develop 64x48, more "
			    "than the 64x47 its header gives");
	assert_null(img.pixels);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_as_libraw_reads_them),
		cmocka_unit_test(test_forged_records_refused),
		cmocka_unit_test(test_offsets_past_the_end),
		cmocka_unit_test(test_header_from_a_window),
		cmocka_unit_test(test_pixel_limit_before_any_decode),
		cmocka_unit_test(test_orientation_from_the_embedded_jpeg),
		cmocka_unit_test(test_libraw_held_to_the_header_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

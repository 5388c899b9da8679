/* Metadata: EXIF checked and edited in place in both byte orders, profiles carried whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "codec/exif.h"
#include "codec/image.h"
#include "codec/meta.h"

/* A TIFF block written in either byte order, field by field. */
struct tiff {
	unsigned char b[512];
	size_t n;
	int big;
};

static void w16(struct tiff *t, size_t at, unsigned v)
{
	t->b[at + !t->big] = (unsigned char)(v >> 8);
	t->b[at + t->big] = (unsigned char)v;
}

static void w32(struct tiff *t, size_t at, uint32_t v)
{
	w16(t, at + (t->big ? 0 : 2), v >> 16);
	w16(t, at + (t->big ? 2 : 0), v & 0xffff);
}

static void entry(struct tiff *t, size_t at, unsigned tag, unsigned type, uint32_t count,
		  uint32_t value)
{
	w16(t, at, tag);
	w16(t, at + 2, type);
	w32(t, at + 4, count);
	if (type == 3 && count == 1)
		w16(t, at + 8, value);
	else
		w32(t, at + 8, value);
}

/*
 * IFD0 at 8: Make "Cam" (inline), Orientation 6, Copyright at 130, GPS IFD
 * at 100; IFD1 at 150 with a 16-byte thumbnail at 300, the block's end.
 */
static struct tiff block(int big)
{
	struct tiff t = { .n = 316, .big = big };

	memcpy(t.b, big ? "MM\0*" : "II*\0", 4);
	w32(&t, 4, 8);
	w16(&t, 8, 4);
	entry(&t, 10, 0x010f, 2, 4, 0);
	memcpy(t.b + 18, "Cam", 4);
	entry(&t, 22, 0x0112, 3, 1, 6);
	entry(&t, 34, 0x8298, 2, 10, 130);
	memcpy(t.b + 130, "(c) Owner", 10);
	entry(&t, 46, 0x8825, 4, 1, 100);
	w32(&t, 58, 150);
	w16(&t, 100, 1);
	entry(&t, 102, 2, 5, 1, 120);	/* GPSLatitude, one RATIONAL at 120 */
	w32(&t, 120, 48);
	w32(&t, 124, 1);
	w16(&t, 150, 2);
	entry(&t, 152, 0x0201, 4, 1, 300);
	entry(&t, 164, 0x0202, 4, 1, 16);
	memset(t.b + 300, 0xee, 16);
	return t;
}

static void test_exif_edits_in_both_byte_orders(void **state)
{
	(void)state;
	for (int big = 0; big <= 1; big++) {
		struct tiff t = block(big), before = t;
		struct exif x;
		char s[32];

		assert_int_equal(exif_parse(&x, t.b, t.n), 0);
		assert_int_equal(exif_orientation(&x), 6);
		exif_string(&x, x.copyright, s, sizeof(s));
		assert_string_equal(s, "(c) Owner");
		assert_int_equal(exif_set_upright(&x), 1);
		assert_int_equal(exif_orientation(&x), 1);
		assert_int_equal(exif_set_upright(&x), 0);
		/* Only the value's two bytes changed. */
		for (size_t i = 0; i < t.n; i++)
			if (i != 30 && i != 31)
				assert_int_equal(t.b[i], before.b[i]);
		assert_int_equal(exif_drop_thumbnail(&x), 1);
		assert_int_equal(x.n, 140);	/* the thumbnail and IFD1 were last */
		assert_int_equal(exif_drop_gps(&x), 1);
		assert_int_equal(t.b[120 + (big ? 3 : 0)], 0);	/* the position is gone */
		assert_int_equal(exif_parse(&x, t.b, 140), 0);
		assert_int_equal(x.gps_entry, 0);
		assert_int_equal(x.ifd1, 0);
		exif_string(&x, x.make, s, sizeof(s));
		assert_string_equal(s, "Cam");
	}
}

static void test_malformed_exif_is_refused(void **state)
{
	struct tiff t;
	struct exif x;

	(void)state;
	t = block(1);
	w32(&t, 150 + 2 + 24, 8);	/* IFD1's next IFD is IFD0: a loop */
	assert_int_equal(exif_parse(&x, t.b, t.n), -1);
	assert_non_null(strstr(error_message(), "loop"));
	t = block(0);
	w32(&t, 42, 0xfffffff0);	/* Copyright far past the end */
	assert_int_equal(exif_parse(&x, t.b, t.n), -1);
	t = block(1);
	assert_int_equal(exif_parse(&x, t.b, 60), -1);	/* truncated in IFD0 */
	t = block(0);
	w16(&t, 8, 0xffff);	/* more entries than the block holds */
	assert_int_equal(exif_parse(&x, t.b, t.n), -1);
	assert_int_equal(exif_parse(&x, t.b, 7), -1);
}

/* A profile of n bytes with a GRAY or RGB colour space. */
static unsigned char *profile(size_t n, const char *space)
{
	unsigned char *p = malloc(n);

	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + i / 251);
	memcpy(p + 16, space, 4);
	return p;
}

static void encoded(enum format format, int channels, struct buffer *out)
{
	struct image img = IMAGE_INIT;

	assert_int_equal(image_alloc(&img, 4, 3, channels), 0);
	memset(img.pixels, 90, 4 * 3 * (size_t)channels);
	assert_int_equal(image_encode(&img, format, 90, PNG_LEVEL_DEFAULT, out), 0);
	image_release(&img);
}

/* A profile goes out and comes back byte for byte, split over APP2 parts past 64 KB. */
/* IFD0 holding Orientation twice: first, then second. */
static struct tiff two_orientations(int big, unsigned first, unsigned second)
{
	struct tiff t = { .n = 8 + 2 + 2 * 12 + 4, .big = big };

	memcpy(t.b, big ? "MM\0*" : "II*\0", 4);
	w32(&t, 4, 8);
	w16(&t, 8, 2);
	entry(&t, 10, 0x0112, 3, 1, first);
	entry(&t, 22, 0x0112, 3, 1, second);
	w32(&t, 34, 0);
	return t;
}

/* The value of the Orientation entry at e (a SHORT), in t's byte order. */
static unsigned value_at(const struct tiff *t, size_t e)
{
	const unsigned char *p = t->b + e + 8;

	return t->big ? (unsigned)(p[0] << 8 | p[1]) : (unsigned)(p[1] << 8 | p[0]);
}

/*
 * The pixels and the metadata read one orientation, the first tag's, as
 * exiftool reads it; turning them upright sets every copy to 1, so that
 * no viewer turns them again.
 */
static void test_two_orientation_tags_the_first_decides_and_both_reset(void **state)
{
	(void)state;
	for (int big = 0; big <= 1; big++) {
		struct tiff t = two_orientations(big, 6, 1);
		struct exif x;

		assert_int_equal(exif_read_orientation(t.b, t.n), 6);
		assert_int_equal(exif_parse(&x, t.b, t.n), 0);
		assert_int_equal(exif_orientation(&x), 6);
		assert_int_equal(exif_set_upright(&x), 1);
		assert_int_equal(value_at(&t, 10), 1);
		assert_int_equal(value_at(&t, 22), 1);
		assert_int_equal(exif_read_orientation(t.b, t.n), 1);
		t = two_orientations(big, 1, 6);
		assert_int_equal(exif_read_orientation(t.b, t.n), 1);
		t = two_orientations(big, 9, 6);	/* the first decides, even when it is no orientation */
		assert_int_equal(exif_read_orientation(t.b, t.n), 1);
		assert_int_equal(exif_parse(&x, t.b, t.n), 0);
		assert_int_equal(exif_orientation(&x), 1);
	}
}

/* A JPEG whose EXIF is t, after SOI. */
static void jpeg_with_exif(const struct tiff *t, struct buffer *out)
{
	struct buffer jpg = BUFFER_INIT;
	unsigned char seg[4] = { 0xff, 0xe1, (unsigned char)((t->n + 8) >> 8),
				 (unsigned char)(t->n + 8) };

	encoded(FORMAT_JPEG, 3, &jpg);
	buffer_put(out, jpg.data, 2);
	buffer_put(out, seg, 4);
	buffer_put(out, "Exif\0\0", 6);
	buffer_put(out, t->b, t->n);
	buffer_put(out, jpg.data + 2, jpg.len - 2);
	buffer_release(&jpg);
}

static void test_upright_output_says_1_in_every_copy(void **state)
{
	struct tiff t = two_orientations(1, 6, 1);
	struct buffer in = BUFFER_INIT, out = BUFFER_INIT;
	struct meta m = META_INIT;
	struct meta_edit e = { .oriented = 1, .pixels_changed = 1, .width = 8, .height = 8,
			       .channels = 3, .format = FORMAT_JPEG };
	struct exif x;

	(void)state;
	jpeg_with_exif(&t, &in);
	assert_int_equal(image_exif_orientation(in.data, in.len), 6);
	meta_collect(&m, in.data, in.len, FORMAT_JPEG);
	assert_int_equal(meta_prepare(&m, &e), META_CHANGED);
	encoded(FORMAT_JPEG, 3, &out);
	assert_int_equal(meta_insert(&m, FORMAT_JPEG, &out), 0);
	assert_int_equal(image_exif_orientation(out.data, out.len), 1);
	meta_release(&m);
	/* Both tags of the output's IFD0 say 1. */
	meta_collect(&m, out.data, out.len, FORMAT_JPEG);
	assert_int_equal(m.exif.len, t.n);
	memcpy(t.b, m.exif.data, t.n);
	assert_int_equal(value_at(&t, 10), 1);
	assert_int_equal(value_at(&t, 22), 1);
	assert_int_equal(exif_parse(&x, t.b, t.n), 0);
	meta_release(&m);
	buffer_release(&in);
	buffer_release(&out);
}

static void test_icc_profile_carried_whole(void **state)
{
	static const size_t sizes[] = { 200, 65519, 65520, 300000 };
	static const enum format formats[] = { FORMAT_JPEG, FORMAT_PNG };

	(void)state;
	for (size_t f = 0; f < 2; f++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			struct meta m = META_INIT, back = META_INIT;
			struct buffer out = BUFFER_INIT;
			struct meta_edit e = { .width = 4, .height = 3, .channels = 3,
					       .format = formats[f] };
			unsigned char *p = profile(sizes[s], "RGB ");

			m.icc.data = p;
			m.icc.len = m.icc.alloc = sizes[s];
			m.had = 1;
			assert_int_equal(meta_prepare(&m, &e), META_KEPT);
			encoded(formats[f], 3, &out);
			assert_int_equal(meta_insert(&m, formats[f], &out), 0);
			meta_collect(&back, out.data, out.len, formats[f]);
			assert_string_equal(back.warning, "");
			assert_int_equal(back.icc.len, sizes[s]);
			assert_memory_equal(back.icc.data, p, sizes[s]);
			meta_release(&m);
			meta_release(&back);
			buffer_release(&out);
		}
	}
}

static void test_grey_image_takes_only_grey_profile(void **state)
{
	static const char *const space[] = { "RGB ", "GRAY" };

	(void)state;
	for (int grey = 0; grey <= 1; grey++) {
		for (int channels = 1; channels <= 3; channels += 2) {
			struct meta m = META_INIT;
			struct meta_edit e = { .width = 1, .height = 1, .channels = channels,
					       .format = FORMAT_PNG };

			m.icc.data = profile(500, space[grey]);
			m.icc.len = m.icc.alloc = 500;
			m.had = 1;
			meta_prepare(&m, &e);
			assert_int_equal(m.icc.len != 0, grey == (channels == 1));
			meta_release(&m);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_orientation_tags_the_first_decides_and_both_reset),
		cmocka_unit_test(test_upright_output_says_1_in_every_copy),
		cmocka_unit_test(test_exif_edits_in_both_byte_orders),
		cmocka_unit_test(test_malformed_exif_is_refused),
		cmocka_unit_test(test_icc_profile_carried_whole),
		cmocka_unit_test(test_grey_image_takes_only_grey_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

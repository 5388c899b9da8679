/* Metadata: EXIF checked and edited in place in both byte orders, profiles carried whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "base/error.h"
#include "codec/exif.h"
#include "codec/image.h"
#include "codec/meta.h"
#include "codec/xmp.h"

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

/* Whether the bytes from `from` to `to` of t are all zero. */
static int zeroed(const struct tiff *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (t->b[i])
			return 0;
	return 1;
}

/*
 * A pixelated output's thumbnail must not show the faces: unlinking IFD1
 * is not enough when the block cannot be cut short because other data
 * (here the Copyright's value) lies after the thumbnail.
 */
static void test_dropped_thumbnail_leaves_no_byte_when_data_follows(void **state)
{
	(void)state;
	for (int big = 0; big <= 1; big++) {
		struct tiff t = block(big);
		struct exif x;
		char s[32];

		entry(&t, 34, 0x8298, 2, 10, 316);
		memcpy(t.b + 316, "(c) Owner", 10);
		t.n = 326;
		assert_int_equal(exif_parse(&x, t.b, t.n), 0);
		assert_int_equal(exif_drop_thumbnail(&x), 1);
		assert_int_equal(x.n, 326);
		assert_null(memchr(t.b, 0xee, t.n));	/* the thumbnail */
		assert_true(zeroed(&t, 130, 316));	/* IFD1, the old Copyright */
		assert_int_equal(exif_parse(&x, t.b, x.n), 0);
		assert_int_equal(exif_loose_bytes(&x), 0);
		assert_int_equal(x.ifd1, 0);
		exif_string(&x, x.copyright, s, sizeof(s));
		assert_string_equal(s, "(c) Owner");
		assert_int_equal(exif_drop_thumbnail(&x), 0);	/* nothing left to drop */
	}
}

/*
 * IFD0 at 8: Make "Cam", the Exif IFD at 64, GPS IFDs at 100 and 200.
 * The Exif IFD points at a third GPS IFD, at 160, as exiftool follows;
 * GPS data that no pointer reaches lies at 260. Each GPS IFD holds one
 * RATIONAL latitude, 20 bytes after it.
 */
static struct tiff gps_block(int big)
{
	static const size_t gps[] = { 100, 160, 200, 260 };
	struct tiff t = { .n = 300, .big = big };

	memcpy(t.b, big ? "MM\0*" : "II*\0", 4);
	w32(&t, 4, 8);
	w16(&t, 8, 4);
	entry(&t, 10, 0x010f, 2, 4, 0);
	memcpy(t.b + 18, "Cam", 4);
	entry(&t, 22, 0x8769, 4, 1, 64);
	entry(&t, 34, 0x8825, 4, 1, 100);
	entry(&t, 46, 0x8825, 4, 1, 200);
	w16(&t, 64, 1);
	entry(&t, 66, 0x8825, 4, 1, 160);
	for (size_t i = 0; i < 4; i++) {
		w16(&t, gps[i], 1);
		entry(&t, gps[i] + 2, 2, 5, 1, (uint32_t)gps[i] + 20);
		w32(&t, gps[i] + 20, 48 + (uint32_t)i);
		w32(&t, gps[i] + 24, 1);
	}
	return t;
}

static void test_every_gps_pointer_and_unreferenced_gps_data_go(void **state)
{
	(void)state;
	for (int big = 0; big <= 1; big++) {
		struct tiff t = gps_block(big);
		struct exif x;
		char s[8];

		assert_int_equal(exif_parse(&x, t.b, t.n), 0);
		assert_int_equal(x.gps_pointers, 3);
		assert_int_equal(exif_drop_gps(&x), 1);
		assert_true(zeroed(&t, 82, 300));	/* every GPS IFD and value, linked or not */
		assert_int_equal(exif_parse(&x, t.b, t.n), 0);
		assert_int_equal(x.gps_pointers, 0);
		assert_int_equal(x.gps_entry, 0);
		assert_int_equal(exif_loose_bytes(&x), 0);
		exif_string(&x, x.make, s, sizeof(s));
		assert_string_equal(s, "Cam");
		assert_int_equal(exif_drop_gps(&x), 0);
	}
	/* Loose GPS data alone, no pointer left to it: still zeroed. */
	{
		struct tiff t = gps_block(1);
		struct exif x;

		w16(&t, 8, 1);
		w32(&t, 22, 0);
		assert_int_equal(exif_parse(&x, t.b, t.n), 0);
		assert_int_equal(x.gps_pointers, 0);
		assert_true(exif_loose_bytes(&x) > 0);
		assert_int_equal(exif_drop_gps(&x), 1);
		assert_true(zeroed(&t, 22, 300));
	}
}

/* xmp_remove over a packet given as text, the result compared as text. */
static void assert_xmp(const char *in, xmp_name_fn *goes, int removed, const char *want)
{
	struct buffer out = BUFFER_INIT;

	assert_int_equal(xmp_remove(&out, (const unsigned char *)in, strlen(in), goes), removed);
	if (removed < 0)
		return;
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
	buffer_release(&out);
}

static void test_xmp_positions_go_by_element_and_attribute(void **state)
{
	static const char in[] =
		"<?xpacket begin=\"\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF>"
		"<rdf:Description xmlns:exif=\"e\" xmlns:gps=\"g\" exif:GPSLatitude=\"1\" "
		"a:b='x > y' drone-dji:GpsLongitude = '2'\n Camera:RelativeAltitude=\"3\">"
		"<exif:GPSLatitude>4</exif:GPSLatitude>"
		"<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">t</rdf:li></rdf:Alt></dc:title>"
		"<Camera:GPSXYZ><rdf:Seq><rdf:li>5</rdf:li><Camera:GPSXYZ/></rdf:Seq></Camera:GPSXYZ>"
		"<!-- <exif:GPSAltitude> --><![CDATA[<exif:GPSAltitude>]]><exif:GPSVersionID />"
		"<gps:Make>kept</gps:Make><drone-dji:AbsoluteAltitude rdf:resource=\"6\"/>"
		"</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
	static const char want[] =
		"<?xpacket begin=\"\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF>"
		"<rdf:Description xmlns:exif=\"e\" xmlns:gps=\"g\" a:b='x > y'>"
		"<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">t</rdf:li></rdf:Alt></dc:title>"
		"<!-- <exif:GPSAltitude> --><![CDATA[<exif:GPSAltitude>]]>"
		"<gps:Make>kept</gps:Make>"
		"</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";

	(void)state;
	assert_xmp(in, xmp_position, 7, want);
	assert_xmp(want, xmp_position, 0, want);
	assert_xmp("<a xmpNote:HasExtendedXMP=\"F\" b=\"c\"/>", xmp_extended_link, 1,
		   "<a b=\"c\"/>");
}

static void test_malformed_xmp_is_refused(void **state)
{
	static const char *const bad[] = {
		"<a b=\"1>", "<a b>", "<a b=1>", "<!DOCTYPE a><a/>", "<a><exif:GPSLatitude>1",
		"<a", "<", "<a><!-- x", "<?xpacket", "<a><![CDATA[x", "<a></a", "<a/ >",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_xmp(bad[i], xmp_position, -1, NULL);
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
	static const enum format formats[] = { FORMAT_JPEG, FORMAT_PNG, FORMAT_WEBP };

	(void)state;
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
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

/* A WebP with m's metadata put in by libwebpmux, and its VP8X flags. */
static unsigned webp_with(struct meta *m, int channels, struct buffer *out)
{
	encoded(FORMAT_WEBP, channels, out);
	assert_int_equal(meta_insert(m, FORMAT_WEBP, out), 0);
	assert_memory_equal(out->data + 12, "VP8X", 4);
	return out->data[20];
}

/*
 * EXIF, ICC and XMP go into WebP chunks that its VP8X flags announce (ICC
 * 0x20, EXIF 0x08, XMP 0x04), come back byte for byte, and the EXIF
 * Orientation is what --autoorient obeys; the image still decodes, alpha
 * and all. A chunk that starts with JPEG's "Exif\0\0" is read past it.
 */
static void test_webp_carries_exif_icc_and_xmp(void **state)
{
	static const char xmp[] = "<x:xmpmeta xmlns:x='adobe:ns:meta/'></x:xmpmeta>";
	struct tiff t = block(0);
	unsigned char *p = profile(300, "RGB ");
	struct meta m = META_INIT, back = META_INIT;
	struct buffer out = BUFFER_INIT;
	struct image img = IMAGE_INIT;

	(void)state;
	buffer_put(&m.exif, t.b, t.n);
	buffer_put(&m.xmp, xmp, sizeof(xmp) - 1);
	buffer_put(&m.icc, p, 300);
	assert_int_equal(webp_with(&m, 4, &out) & 0x3c, 0x3c);
	meta_collect(&back, out.data, out.len, FORMAT_WEBP);
	assert_string_equal(back.warning, "");
	assert_int_equal(back.exif.len, t.n);
	assert_memory_equal(back.exif.data, t.b, t.n);
	assert_int_equal(back.xmp.len, sizeof(xmp) - 1);
	assert_memory_equal(back.xmp.data, xmp, sizeof(xmp) - 1);
	assert_int_equal(back.icc.len, 300);
	assert_memory_equal(back.icc.data, p, 300);
	assert_int_equal(image_exif_orientation(out.data, out.len), 6);
	assert_int_equal(image_decode(&img, out.data, out.len, 100, "f"), 0);
	assert_int_equal(img.channels, 4);
	image_release(&img);
	meta_release(&m);
	meta_release(&back);
	buffer_release(&out);

	buffer_put(&m.exif, "Exif\0\0", 6);
	buffer_put(&m.exif, t.b, t.n);
	assert_int_equal(webp_with(&m, 3, &out) & 0x3c, 0x08);
	meta_collect(&back, out.data, out.len, FORMAT_WEBP);
	assert_int_equal(back.exif.len, t.n);
	assert_memory_equal(back.exif.data, t.b, t.n);
	assert_int_equal(image_exif_orientation(out.data, out.len), 6);
	meta_release(&m);
	meta_release(&back);
	buffer_release(&out);
	free(p);
}

/*
 * AVIF's metadata goes out through libheif (the encoder writes it) and
 * comes back through pixpool's box reader: the profile and the XMP byte for
 * byte, the EXIF with its Orientation reset to 1, since a HEIF's own
 * transforms, never its EXIF, turn its pixels.
 */
static void test_avif_carries_profile_exif_and_xmp(void **state)
{
	static const char xmp[] = "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>";
	struct tiff t = block(1);
	struct meta m = META_INIT, back = META_INIT;
	struct buffer out = BUFFER_INIT;
	struct image img = IMAGE_INIT;
	struct encode_options o = ENCODE_OPTIONS_INIT;
	unsigned char *p = profile(70000, "RGB ");
	struct exif x;

	(void)state;
	buffer_put(&m.icc, p, 70000);
	buffer_put(&m.exif, t.b, t.n);
	buffer_put(&m.xmp, xmp, sizeof(xmp) - 1);
	o.meta = &m;
	o.avif_speed = 10;
	assert_int_equal(image_alloc(&img, 16, 8, 3), 0);
	memset(img.pixels, 90, 16 * 8 * 3);
	assert_int_equal(image_encode_with(&img, FORMAT_AVIF, &o, &out), 0);
	assert_int_equal(meta_insert(&m, FORMAT_AVIF, &out), 0);	/* the encoder's job */
	meta_collect(&back, out.data, out.len, FORMAT_AVIF);
	assert_string_equal(back.warning, "");
	assert_int_equal(back.icc.len, 70000);
	assert_memory_equal(back.icc.data, p, 70000);
	assert_int_equal(back.xmp.len, sizeof(xmp) - 1);
	assert_memory_equal(back.xmp.data, xmp, sizeof(xmp) - 1);
	assert_int_equal(back.exif.len, t.n);
	assert_int_equal(exif_parse(&x, back.exif.data, back.exif.len), 0);
	assert_int_equal(exif_orientation(&x), 1);
	assert_int_equal(exif_parse(&x, m.exif.data, m.exif.len), 0);
	assert_int_equal(exif_orientation(&x), 6);
	image_release(&img);
	free(p);
	meta_release(&m);
	meta_release(&back);
	buffer_release(&out);
}

/* PNG keeps grey grey; WebP writes grey as RGB, so a grey image there takes a colour profile. */
static void test_grey_image_takes_only_grey_profile(void **state)
{
	static const char *const space[] = { "RGB ", "GRAY" };
	static const enum format formats[] = { FORMAT_PNG, FORMAT_WEBP };

	(void)state;
	for (int f = 0; f < 2; f++)
		for (int grey = 0; grey <= 1; grey++) {
			for (int channels = 1; channels <= 3; channels += 2) {
				struct meta m = META_INIT;
				struct meta_edit e = { .width = 1, .height = 1, .channels = channels,
						       .format = formats[f] };
				int grey_file = channels == 1 && formats[f] == FORMAT_PNG;

				m.icc.data = profile(500, space[grey]);
				m.icc.len = m.icc.alloc = 500;
				m.had = 1;
				meta_prepare(&m, &e);
				assert_int_equal(m.icc.len != 0, grey == grey_file);
				meta_release(&m);
			}
		}
}

/* A PNG chunk of type (4 letters) around body; its CRC is not what is under test. */
static void png_chunk(struct buffer *out, const char *type, const void *a, size_t alen,
		      const void *b, size_t blen)
{
	unsigned char h[8] = { (unsigned char)((alen + blen) >> 24),
			       (unsigned char)((alen + blen) >> 16),
			       (unsigned char)((alen + blen) >> 8), (unsigned char)(alen + blen) };

	memcpy(h + 4, type, 4);
	buffer_put(out, h, 8);
	buffer_put(out, a, alen);
	buffer_put(out, b, blen);
	buffer_put(out, "\0\0\0\0", 4);
}

/* n zero bytes, deflated: a few kilobytes that claim megabytes. */
static unsigned char *deflated_zeros(size_t n, uLongf *len)
{
	unsigned char *zeros = calloc(n, 1), *z;

	*len = compressBound((uLong)n);
	z = malloc(*len);
	assert_non_null(zeros);
	assert_non_null(z);
	assert_int_equal(compress2(z, len, zeros, (uLong)n, 9), Z_OK);
	free(zeros);
	return z;
}

/*
 * Many iCCP and compressed iTXt chunks that each inflate past their bound:
 * the file's inflating is bounded by one budget, not a bound per chunk,
 * so a small file cannot cost minutes. The metadata goes, the image stays.
 */
static void test_png_metadata_inflates_within_one_budget(void **state)
{
	uLongf icc_len, xmp_len;
	unsigned char *icc = deflated_zeros(META_ICC_MAX + 1, &icc_len);
	unsigned char *xmp = deflated_zeros(META_XMP_MAX + 1, &xmp_len);
	struct buffer png = BUFFER_INIT, in = BUFFER_INIT;
	struct meta m = META_INIT;

	(void)state;
	encoded(FORMAT_PNG, 3, &png);
	buffer_put(&in, png.data, 33);
	for (int i = 0; i < 40; i++) {
		png_chunk(&in, "iCCP", "p\0\0", 3, icc, icc_len);
		png_chunk(&in, "iTXt", "XML:com.adobe.xmp\0\1\0\0\0", 22, xmp, xmp_len);
	}
	buffer_put(&in, png.data + 33, png.len - 33);
	meta_collect(&m, in.data, in.len, FORMAT_PNG);
	assert_int_equal(m.icc.len, 0);
	assert_int_equal(m.xmp.len, 0);
	assert_non_null(strstr(m.warning, "dropped"));
	/* One try of each kind, each stopped at most an inflate step past its bound. */
	assert_true(m.inflated > META_ICC_MAX);
	assert_true(m.inflated <= META_INFLATE_MAX + 2 * 16384);
	meta_release(&m);
	buffer_release(&in);
	buffer_release(&png);
	free(icc);
	free(xmp);
}

/*
 * A TIFF file's IFD0 at 8: ImageWidth, Make "Cam", StripOffsets,
 * Orientation 6, the Exif IFD at 200 (DateTimeOriginal at 240, the
 * Interoperability IFD at 270) and the GPS IFD at 300 (a latitude, three
 * RATIONALs at 320).
 */
static struct tiff tiff_with_exif(int big)
{
	struct tiff t = { .n = 420, .big = big };

	memcpy(t.b, big ? "MM\0*" : "II*\0", 4);
	w32(&t, 4, 8);
	w16(&t, 8, 6);
	entry(&t, 10, 0x0100, 3, 1, 2);
	entry(&t, 22, 0x010f, 2, 4, 0);
	memcpy(t.b + 30, "Cam", 4);
	entry(&t, 34, 0x0111, 4, 1, 400);
	entry(&t, 46, 0x0112, 3, 1, 6);
	entry(&t, 58, 0x8769, 4, 1, 200);
	entry(&t, 70, 0x8825, 4, 1, 300);
	w16(&t, 200, 2);
	entry(&t, 202, 0x9003, 2, 20, 240);
	entry(&t, 214, 0xa005, 4, 1, 270);
	memcpy(t.b + 240, "2021:06:01 12:34:56", 20);
	w16(&t, 270, 1);
	entry(&t, 272, 0x0001, 2, 4, 0);
	memcpy(t.b + 280, "R98", 4);
	w16(&t, 300, 1);
	entry(&t, 302, 0x0002, 5, 3, 320);
	for (int i = 0; i < 3; i++) {
		w32(&t, 320 + 8 * (size_t)i, i == 0 ? 48 : i == 1 ? 51 : 2400);
		w32(&t, 324 + 8 * (size_t)i, i == 2 ? 100 : 1);
	}
	return t;
}

/* The tags of the IFD at ifd in a parsed block, in order, ended by 0. */
static void tags_of(const struct exif *x, size_t ifd, unsigned *tags, int most)
{
	struct exif_field f;
	int i = 0;

	while (i < most - 1 && exif_field(x, ifd, (unsigned)i, &f))
		tags[i++] = f.tag;
	tags[i] = 0;
}

static void test_tiff_exif_built_from_its_ifds(void **state)
{
	(void)state;
	for (int big = 0; big <= 1; big++) {
		struct tiff t = tiff_with_exif(big);
		struct meta m = META_INIT;
		struct exif x;
		unsigned tags[8];
		char text[32];

		meta_collect(&m, t.b, t.n, FORMAT_TIFF);
		assert_string_equal(m.warning, "");
		assert_true(m.exif.len > 8);
		assert_memory_equal(m.exif.data, big ? "MM\0*" : "II*\0", 4);
		assert_int_equal(exif_parse(&x, m.exif.data, m.exif.len), 0);
		assert_int_equal(exif_loose_bytes(&x), 0);
		assert_int_equal(exif_orientation(&x), 6);
		exif_string(&x, x.make, text, sizeof(text));
		assert_string_equal(text, "Cam");
		exif_string(&x, x.original, text, sizeof(text));
		assert_string_equal(text, "2021:06:01 12:34:56");
		/* IFD0 keeps what describes the photo and the links, not the layout. */
		tags_of(&x, x.ifd0, tags, 8);
		assert_memory_equal(tags, ((unsigned[]){ 0x010f, 0x0112, 0x8769, 0x8825, 0 }),
				    5 * sizeof(unsigned));
		tags_of(&x, x.gps_ifd, tags, 8);
		assert_int_equal(tags[0], 2);
		assert_int_equal(x.ifds, 4);	/* IFD0, Exif, Interop, GPS */
		meta_release(&m);
	}
}

static void test_tiff_exif_forged_costs_the_exif_alone(void **state)
{
	struct {
		size_t at;
		uint32_t value;
		const char *why;
	} forged[] = {
		{ 58 + 8, 5000, "the IFD of tag 0x8769 lies past the end" },
		{ 202 + 4, 0x40000000, "tag 0x9003 has its value past the end" },
		{ 302 + 4, 0x20000000, "tag 0x0002 has its value past the end" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		struct tiff t = tiff_with_exif(1);
		struct meta m = META_INIT;
		char want[128];

		w32(&t, forged[i].at, forged[i].value);
		meta_collect(&m, t.b, t.n, FORMAT_TIFF);
		assert_int_equal(m.exif.len, 0);
		assert_true(m.had);
		snprintf(want, sizeof(want), "malformed EXIF (%s), dropped", forged[i].why);
		assert_string_equal(m.warning, want);
		meta_release(&m);
	}
}

/* A TIFF whose IFD0 says only how its pixels lie has no EXIF to carry. */
static void test_tiff_of_layout_alone_has_no_exif(void **state)
{
	struct tiff t = tiff_with_exif(0);
	struct meta m = META_INIT;

	(void)state;
	w16(&t, 8, 4);
	entry(&t, 22, 0x011a, 5, 1, 320);	/* XResolution */
	entry(&t, 58, 0x0128, 3, 1, 2);		/* ResolutionUnit */
	meta_collect(&m, t.b, t.n, FORMAT_TIFF);
	assert_int_equal(m.exif.len, 0);
	assert_false(m.had);
	assert_string_equal(m.warning, "");
}

/*
 * An Orientation of many values reads as 1 and is left behind: a writer
 * that set it to 1 in place (libheif does) would leave its values unlinked.
 */
static void test_tiff_orientation_copied_only_as_one_short(void **state)
{
	struct tiff t = tiff_with_exif(1);
	struct meta m = META_INIT;
	struct exif x;
	unsigned tags[8];

	(void)state;
	entry(&t, 46, 0x0112, 3, 40, 340);
	meta_collect(&m, t.b, t.n, FORMAT_TIFF);
	assert_string_equal(m.warning, "");
	assert_int_equal(exif_parse(&x, m.exif.data, m.exif.len), 0);
	tags_of(&x, x.ifd0, tags, 8);
	assert_memory_equal(tags, ((unsigned[]){ 0x010f, 0x8769, 0x8825, 0 }), 4 * sizeof(unsigned));
	assert_int_equal(exif_orientation(&x), 1);
	meta_release(&m);
}

static void test_exif_write_bounded(void **state)
{
	const unsigned char text[] = "a long enough value";
	struct exif_field f[2] = { { 0x010f, 2, sizeof(text), text, -1 },
				   { 0x8769, 4, 1, NULL, 1 } };
	struct exif_dir dirs[2] = { { f, 2 }, { f, 1 } };
	unsigned char *block = NULL;
	size_t len = 0;
	struct exif x;

	(void)state;
	assert_int_equal(exif_write(&block, &len, 0, dirs, 2, 63), -1);
	assert_int_equal(exif_write(&block, &len, 0, dirs, 1, 4096), -1);	/* a link to IFD 1 of 1 */
	error_clear();
	assert_int_equal(exif_write(&block, &len, 1, dirs, 2, 4096), 0);
	assert_int_equal(exif_parse(&x, block, len), 0);
	assert_int_equal(x.exif_ifd, 8 + 2 + 24 + 4 + 20);
	assert_int_equal(exif_loose_bytes(&x), 0);
	free(block);
}

/* TIFF out and in again: libtiff writes IFD0's tags and the Exif and GPS IFDs. */
static void test_tiff_writes_its_exif(void **state)
{
	struct tiff t = tiff_with_exif(0);
	struct meta m = META_INIT, back = META_INIT;
	struct meta_edit e = { .width = 4, .height = 3, .channels = 3, .format = FORMAT_TIFF };
	struct encode_options o = ENCODE_OPTIONS_INIT;
	struct image img = IMAGE_INIT;
	struct buffer out = BUFFER_INIT;
	struct exif x;
	char text[32];

	(void)state;
	meta_collect(&m, t.b, t.n, FORMAT_TIFF);
	assert_int_equal(meta_prepare(&m, &e), META_KEPT);
	assert_int_equal(image_alloc(&img, 4, 3, 3), 0);
	memset(img.pixels, 90, 4 * 3 * 3);
	o.meta = &m;
	assert_int_equal(image_encode_with(&img, FORMAT_TIFF, &o, &out), 0);
	assert_int_equal(image_exif_orientation(out.data, out.len), 6);
	meta_collect(&back, out.data, out.len, FORMAT_TIFF);
	assert_string_equal(back.warning, "");
	assert_int_equal(exif_parse(&x, back.exif.data, back.exif.len), 0);
	exif_string(&x, x.make, text, sizeof(text));
	assert_string_equal(text, "Cam");
	exif_string(&x, x.original, text, sizeof(text));
	assert_string_equal(text, "2021:06:01 12:34:56");
	assert_int_equal(exif_orientation(&x), 6);
	assert_true(x.gps_entry != 0);
	image_release(&img);
	buffer_release(&out);
	meta_release(&m);
	meta_release(&back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_orientation_tags_the_first_decides_and_both_reset),
		cmocka_unit_test(test_upright_output_says_1_in_every_copy),
		cmocka_unit_test(test_exif_edits_in_both_byte_orders),
		cmocka_unit_test(test_malformed_exif_is_refused),
		cmocka_unit_test(test_dropped_thumbnail_leaves_no_byte_when_data_follows),
		cmocka_unit_test(test_every_gps_pointer_and_unreferenced_gps_data_go),
		cmocka_unit_test(test_xmp_positions_go_by_element_and_attribute),
		cmocka_unit_test(test_malformed_xmp_is_refused),
		cmocka_unit_test(test_png_metadata_inflates_within_one_budget),
		cmocka_unit_test(test_icc_profile_carried_whole),
		cmocka_unit_test(test_webp_carries_exif_icc_and_xmp),
		cmocka_unit_test(test_grey_image_takes_only_grey_profile),
		cmocka_unit_test(test_avif_carries_profile_exif_and_xmp),
		cmocka_unit_test(test_tiff_exif_built_from_its_ifds),
		cmocka_unit_test(test_tiff_exif_forged_costs_the_exif_alone),
		cmocka_unit_test(test_tiff_of_layout_alone_has_no_exif),
		cmocka_unit_test(test_tiff_orientation_copied_only_as_one_short),
		cmocka_unit_test(test_exif_write_bounded),
		cmocka_unit_test(test_tiff_writes_its_exif),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

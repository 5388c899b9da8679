/*
 * Geometry (crop, rotate, flip), the eight EXIF orientations, and reading
 * the orientation out of JPEG files, hostile ones included.
 */
#include "filter_test.h"

/* A 3x2 image whose samples name their pixel: 1 2 3 over 4 5 6 (times 10 plus the channel). */
static struct image pattern(int c)
{
	struct image img = image_new(3, 2, c);

	for (int i = 0; i < 6; i++)
		for (int k = 0; k < c; k++)
			img.pixels[i * c + k] = (unsigned char)((i + 1) * 10 + k);
	return img;
}

static void assert_pattern(const struct image *img, int w, int h, const char *want)
{
	assert_int_equal(img->width, w);
	assert_int_equal(img->height, h);
	for (int i = 0; i < w * h; i++)
		for (int k = 0; k < img->channels; k++)
			if (img->pixels[i * img->channels + k] != (want[i] - '0') * 10 + k)
				fail_msg("pixel %d channel %d is %d, want %d", i, k,
					 img->pixels[i * img->channels + k], (want[i] - '0') * 10 + k);
}

/* What each orientation turns 123/456 into, worked out by hand from the EXIF definitions. */
static const struct {
	int w, h;
	const char *pixels;
} upright[9] = {
	[1] = { 3, 2, "123456" },
	[2] = { 3, 2, "321654" },	/* mirrored left to right */
	[3] = { 3, 2, "654321" },	/* rotated 180 */
	[4] = { 3, 2, "456123" },	/* mirrored top to bottom */
	[5] = { 2, 3, "142536" },	/* transposed */
	[6] = { 2, 3, "415263" },	/* rotated 90 clockwise */
	[7] = { 2, 3, "635241" },	/* transversed */
	[8] = { 2, 3, "362514" },	/* rotated 270 clockwise */
};

static void test_orient_applies_all_eight_exif_orientations(void **state)
{
	(void)state;
	for (int o = 1; o <= 8; o++)
		for (int c = 1; c <= 4; c++) {
			struct image img = pattern(c);

			img.bits = 12;	/* what the file said is kept, turned or not */
			img.pages = 3;
			assert_int_equal(filter_orient(&img, o), 0);
			assert_pattern(&img, upright[o].w, upright[o].h, upright[o].pixels);
			assert_int_equal(img.bits, 12);
			assert_int_equal(img.pages, 3);
			image_release(&img);
		}
}

static void test_orient_refuses_values_outside_1_to_8(void **state)
{
	(void)state;
	struct image img = pattern(3);

	assert_int_equal(filter_orient(&img, 0), -1);
	assert_int_equal(filter_orient(&img, 9), -1);
	assert_pattern(&img, 3, 2, "123456");
	image_release(&img);
}

static void test_rotate_and_flip_are_the_named_orientations(void **state)
{
	static const struct {
		const char *spec;
		int orientation;
	} cases[] = {
		{ "rotate:90", 6 }, { "rotate:angle=180", 3 }, { "rotate:270", 8 },
		{ "flip:h", 2 }, { "flip:axis=v", 4 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct image img = pattern(2);
		int o = cases[i].orientation;

		apply(cases[i].spec, &img);
		assert_pattern(&img, upright[o].w, upright[o].h, upright[o].pixels);
		image_release(&img);
	}
}

static void test_four_quarter_turns_and_two_flips_give_the_image_back(void **state)
{
	static const int sizes[][2] = { { 1, 1 }, { 1, 7 }, { 7, 1 }, { 67, 45 } };

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++)
		for (int c = 1; c <= 4; c++) {
			struct image in = image_noise(sizes[s][0], sizes[s][1], c, 3), img = image_copy(&in);

			apply("rotate:90,rotate:90,rotate:90,rotate:90", &img);
			assert_same_image(&in, &img);
			apply("rotate:90,rotate:270,flip:h,flip:h,flip:v,flip:v,rotate:180,rotate:180", &img);
			assert_same_image(&in, &img);
			image_release(&in);
			image_release(&img);
		}
}

static void test_crop_keeps_the_rectangle(void **state)
{
	(void)state;
	for (int c = 1; c <= 4; c++) {
		struct image in = image_noise(20, 10, c, 1), img = image_copy(&in);

		apply("crop:x=3,y=2,width=5,height=4", &img);
		assert_int_equal(img.width, 5);
		assert_int_equal(img.height, 4);
		for (int y = 0; y < 4; y++)
			assert_memory_equal(px(&img, 0, y, 0), px(&in, 3, y + 2, 0), (size_t)5 * c);
		image_release(&img);
		img = image_copy(&in);
		apply("crop:x=19,y=9", &img);	/* width and height 0 reach the edges */
		assert_int_equal(img.width, 1);
		assert_int_equal(img.height, 1);
		assert_memory_equal(img.pixels, px(&in, 19, 9, 0), (size_t)c);
		image_release(&img);
		image_release(&in);
	}
}

static void test_crop_outside_the_image_is_a_clear_error(void **state)
{
	static const char *const specs[] = {
		"crop:x=20,y=0,width=1,height=1", "crop:x=0,y=10", "crop:x=15,width=6",
		"crop:y=5,height=6",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(*specs); i++) {
		struct image img = image_noise(20, 10, 3, 1);
		const char *msg = apply_fails(specs[i], &img);

		if (!strstr(msg, "outside the 20x10 image"))
			fail_msg("%s: error '%s'", specs[i], msg);
		assert_int_equal(img.width, 20);
		image_release(&img);
	}
}

/*
 * JPEGs with EXIF. The image is encoded by stb, then an APP1 segment built
 * byte by byte goes in right after SOI, as cameras put it.
 */
struct bytes {
	unsigned char data[512];
	size_t len;
};

static void put8(struct bytes *b, unsigned v)
{
	b->data[b->len++] = (unsigned char)v;
}

static void put16(struct bytes *b, unsigned v, int big)
{
	put8(b, big ? v >> 8 : v & 0xff);
	put8(b, big ? v & 0xff : v >> 8);
}

static void put32(struct bytes *b, unsigned v, int big)
{
	put16(b, big ? v >> 16 : v & 0xffff, big);
	put16(b, big ? v & 0xffff : v >> 16, big);
}

/* The fields of an Exif segment a test may spoil; exif_valid() gives a good one. */
struct exif {
	int big;		/* MM rather than II */
	char magic;		/* 'I' or 'M' as it should be, else anything */
	unsigned ifd;		/* offset of IFD0 in the TIFF block */
	unsigned entries;
	unsigned type;		/* 3, SHORT */
	unsigned count;		/* 1 */
	unsigned value;		/* the orientation */
	int length_extra;	/* added to the segment's length field */
};

static struct exif exif_valid(int orientation, int big)
{
	struct exif e = { big, big ? 'M' : 'I', 8, 2, 3, 1, (unsigned)orientation, 0 };

	return e;
}

/* A TIFF block whose IFD0 holds a Make tag, then Orientation. */
static void put_tiff(struct bytes *b, const struct exif *e)
{
	int big = e->big;

	put8(b, (unsigned char)e->magic);
	put8(b, (unsigned char)e->magic);
	put16(b, 42, big);
	put32(b, e->ifd, big);
	put16(b, e->entries, big);
	put16(b, 0x010f, big);			/* Make, ASCII, 4 bytes inline */
	put16(b, 2, big);
	put32(b, 4, big);
	put32(b, 0x50495800, 1);		/* "PIX\0" */
	put16(b, 0x0112, big);			/* Orientation */
	put16(b, e->type, big);
	put32(b, e->count, big);
	put16(b, e->value, big);
	put16(b, 0, big);
	put32(b, 0, big);			/* no IFD1 */
}

/* An APP1 "Exif" segment around a TIFF block. */
static struct bytes exif_segment(const struct exif *e)
{
	struct bytes b = { .len = 0 };
	unsigned len;

	put8(&b, 0xff);
	put8(&b, 0xe1);
	put16(&b, 0, 1);			/* length, filled in below */
	memcpy(b.data + b.len, "Exif\0\0", 6);
	b.len += 6;
	put_tiff(&b, e);
	len = (unsigned)((int)b.len - 2 + e->length_extra);
	b.data[2] = (unsigned char)(len >> 8);
	b.data[3] = (unsigned char)(len & 0xff);
	return b;
}

/* A real JPEG of the 3x2 pattern with seg spliced in after SOI; *size gets its length. */
static unsigned char *jpeg_with(const struct bytes *seg, size_t *size)
{
	struct image img = pattern(3);
	struct buffer jpg = BUFFER_INIT;
	unsigned char *out;

	assert_int_equal(image_encode(&img, FORMAT_JPEG, 95, PNG_LEVEL_DEFAULT, &jpg), 0);
	*size = jpg.len + seg->len;
	out = malloc(*size);
	memcpy(out, jpg.data, 2);
	memcpy(out + 2, seg->data, seg->len);
	memcpy(out + 2 + seg->len, jpg.data + 2, jpg.len - 2);
	buffer_release(&jpg);
	image_release(&img);
	return out;
}

static void test_exif_orientation_is_read_in_both_byte_orders(void **state)
{
	(void)state;
	for (int big = 0; big <= 1; big++)
		for (int o = 1; o <= 8; o++) {
			struct exif e = exif_valid(o, big);
			struct bytes seg = exif_segment(&e);
			size_t size;
			unsigned char *jpg = jpeg_with(&seg, &size);
			struct image img = IMAGE_INIT;

			assert_int_equal(image_exif_orientation(jpg, size), o);
			/* The file is still a JPEG that decodes, and turns upright. */
			assert_int_equal(image_decode(&img, jpg, size, 1000, "exif.jpg"), 0);
			assert_int_equal(filter_orient(&img, image_exif_orientation(jpg, size)), 0);
			assert_int_equal(img.width, upright[o].w);
			assert_int_equal(img.height, upright[o].h);
			image_release(&img);
			free(jpg);
		}
}

static void test_exif_orientation_is_1_without_exif(void **state)
{
	(void)state;
	struct bytes none = { .len = 0 };
	struct bytes xmp = { .len = 0 };
	size_t size;
	unsigned char *jpg = jpeg_with(&none, &size);

	assert_int_equal(image_exif_orientation(jpg, size), 1);
	assert_int_equal(image_exif_orientation(jpg, 0), 1);
	assert_int_equal(image_exif_orientation((const unsigned char *)"\x89PNG\r\n\x1a\n", 8), 1);
	free(jpg);
	/* An XMP APP1 first does not hide the Exif one after it. */
	put8(&xmp, 0xff);
	put8(&xmp, 0xe1);
	put16(&xmp, 2 + 10, 1);
	memcpy(xmp.data + xmp.len, "http://ns.", 10);
	xmp.len += 10;
	{
		struct exif e = exif_valid(6, 1);
		struct bytes exif = exif_segment(&e);

		memcpy(xmp.data + xmp.len, exif.data, exif.len);
		xmp.len += exif.len;
	}
	jpg = jpeg_with(&xmp, &size);
	assert_int_equal(image_exif_orientation(jpg, size), 6);
	free(jpg);
}

/* Every read must stay inside an exactly sized copy, so ASan catches any overrun. */
static int orientation_of_prefix(const unsigned char *data, size_t n)
{
	unsigned char *copy = malloc(n ? n : 1);
	int o;

	memcpy(copy, data, n);
	o = image_exif_orientation(copy, n);
	free(copy);
	return o;
}

static void test_truncated_exif_gives_1_without_reading_past_the_end(void **state)
{
	(void)state;
	for (int big = 0; big <= 1; big++) {
		struct exif e = exif_valid(7, big);
		struct bytes seg = exif_segment(&e);
		size_t size;
		unsigned char *jpg = jpeg_with(&seg, &size);

		for (size_t n = 0; n < 2 + seg.len; n++)
			assert_int_equal(orientation_of_prefix(jpg, n), 1);
		for (size_t n = 2 + seg.len; n <= size; n += 7)
			assert_int_equal(orientation_of_prefix(jpg, n), 7);
		free(jpg);
	}
}

/* Applies damage number i to a valid segment; false when there are no more. */
static int spoil(struct exif *e, int i)
{
	switch (i) {
	case 0: e->magic = 'X'; return 1;		/* neither II nor MM */
	case 1: e->ifd = 0xffff0000u; return 1;		/* IFD0 far past the end */
	case 2: e->ifd = 41; return 1;			/* its count straddles the end */
	case 3: e->ifd = 42; return 1;			/* right at the end */
	case 4: e->entries = 1; return 1;		/* Orientation not counted in */
	case 5: e->type = 4; return 1;			/* LONG, not SHORT */
	case 6: e->count = 9; return 1;
	case 7: e->value = 9; return 1;			/* no such orientation */
	case 8: e->value = 0; return 1;
	case 9: e->length_extra = 100; return 1;	/* segment longer than the file */
	case 10: e->length_extra = -40; return 1;	/* too short to hold the TIFF block */
	default: return 0;
	}
}

static void test_garbage_exif_gives_1_without_reading_out_of_bounds(void **state)
{
	(void)state;
	for (int big = 0; big <= 1; big++) {
		struct exif e = exif_valid(8, big);

		for (int i = 0; spoil(&e, i); i++, e = exif_valid(8, big)) {
			struct bytes seg = exif_segment(&e);
			unsigned char *file = malloc(2 + seg.len);
			int o;

			file[0] = 0xff;
			file[1] = 0xd8;
			memcpy(file + 2, seg.data, seg.len);
			o = orientation_of_prefix(file, 2 + seg.len);
			if (o != 1)
				fail_msg("damage %d (%s): orientation %d", i, big ? "MM" : "II", o);
			free(file);
		}
		/* A count beyond the data: the entries that are there are still read. */
		e.entries = 65535;
		{
			struct bytes seg = exif_segment(&e);
			unsigned char *file = malloc(2 + seg.len);

			file[0] = 0xff;
			file[1] = 0xd8;
			memcpy(file + 2, seg.data, seg.len);
			assert_int_equal(orientation_of_prefix(file, 2 + seg.len), 8);
			free(file);
		}
	}
}

static void test_random_bytes_after_soi_give_1(void **state)
{
	(void)state;
	unsigned seed = 42;

	for (int t = 0; t < 2000; t++) {
		unsigned char buf[64];
		size_t n = 4 + (size_t)t % 60;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1664525u + 1013904223u;
			buf[i] = (unsigned char)(seed >> 24);
		}
		buf[0] = 0xff;
		buf[1] = 0xd8;
		if (t % 2) {
			buf[2] = 0xff;
			buf[3] = 0xe1;
		}
		assert_in_range(orientation_of_prefix(buf, n), 1, 8);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orient_applies_all_eight_exif_orientations),
		cmocka_unit_test(test_orient_refuses_values_outside_1_to_8),
		cmocka_unit_test(test_rotate_and_flip_are_the_named_orientations),
		cmocka_unit_test(test_four_quarter_turns_and_two_flips_give_the_image_back),
		cmocka_unit_test(test_crop_keeps_the_rectangle),
		cmocka_unit_test(test_crop_outside_the_image_is_a_clear_error),
		cmocka_unit_test(test_exif_orientation_is_read_in_both_byte_orders),
		cmocka_unit_test(test_exif_orientation_is_1_without_exif),
		cmocka_unit_test(test_truncated_exif_gives_1_without_reading_past_the_end),
		cmocka_unit_test(test_garbage_exif_gives_1_without_reading_out_of_bounds),
		cmocka_unit_test(test_random_bytes_after_soi_give_1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

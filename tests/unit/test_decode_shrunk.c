/*
 * JPEG decoding: at full size, stb's own bytes through pixpool's faster
 * colour conversion; and at half size (image_decode_shrunk): the size it gives and
 * records, a flat colour kept flat, a photo close to the 2x2 means of its
 * full decode, the formats, files and factors it leaves to the full
 * decode, the same failure as the full decode on a broken file, and a
 * thumbnail made from it against one made from the full decode, upright or
 * turned; and when a chain asks for it.
 */
#include "filter_test.h"

#include "codec/image.h"
#include "codec/stb.h"
#include <stb/stb_image.h>

/* img as a JPEG file in memory: stb writes 4:2:0 up to q90, 4:4:4 above. */
static struct buffer jpeg_of(const struct image *img, int quality)
{
	struct buffer buf = BUFFER_INIT;

	if (image_encode(img, FORMAT_JPEG, quality, PNG_LEVEL_DEFAULT, &buf) < 0)
		fail_msg("%s", error_message());
	return buf;
}

static struct image decoded(const struct buffer *file, int shrink)
{
	struct image img = IMAGE_INIT;

	if (image_decode_shrunk(&img, file->data, file->len, 1u << 26, "test.jpg", shrink) < 0)
		fail_msg("%s", error_message());
	return img;
}

/* The s x s block means of img, the last row and column of blocks cut short. */
static struct image box_of(const struct image *img, int s)
{
	struct image out = image_new((img->width + s - 1) / s, (img->height + s - 1) / s,
				     img->channels);

	for (int by = 0; by < out.height; by++)
		for (int bx = 0; bx < out.width; bx++)
			for (int k = 0; k < img->channels; k++) {
				unsigned sum = 0, n = 0;

				for (int y = by * s; y < by * s + s && y < img->height; y++)
					for (int x = bx * s; x < bx * s + s && x < img->width; x++, n++)
						sum += *px(img, x, y, k);
				*px(&out, bx, by, k) = (unsigned char)((sum + n / 2) / n);
			}
	return out;
}

static double psnr(const struct image *a, const struct image *b)
{
	size_t n = (size_t)a->width * a->height * a->channels;
	double se = 0;

	assert_int_equal(a->width, b->width);
	assert_int_equal(a->height, b->height);
	assert_int_equal(a->channels, b->channels);
	for (size_t i = 0; i < n; i++)
		se += (double)(a->pixels[i] - b->pixels[i]) * (a->pixels[i] - b->pixels[i]);
	return se == 0 ? INFINITY : 10 * log10(255.0 * 255 * n / se);
}

/*
 * The full decode is stb's, byte for byte: its colour conversion is
 * pixpool's (vectorised; its AVX2 copy on a CPU that has it, the baseline
 * in the build without clones), with stb's arithmetic. Noise reaches the
 * clamps at 0 and 255; sizes cut the 8x8 and 16x16 blocks; stb writes 4:2:0
 * up to quality 90 and 4:4:4 above.
 */
static void test_a_full_decode_gives_stbs_own_bytes(void **state)
{
	static const int sizes[][2] = { { 1, 1 }, { 17, 9 }, { 37, 23 }, { 256, 130 } };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++)
		for (int kind = 0; kind < 2; kind++)
			for (int q = 50; q <= 100; q += 25) {
				struct image in = kind ? image_noise(sizes[i][0], sizes[i][1], 3, 9)
						       : image_photo(sizes[i][0], sizes[i][1], 3, 9);
				struct buffer file = jpeg_of(&in, q);
				struct image img = decoded(&file, 1);
				int w, h, c;
				unsigned char *want = stbi_load_from_memory(file.data, (int)file.len,
									    &w, &h, &c, 0);

				assert_non_null(want);
				assert_int_equal(img.width, w);
				assert_int_equal(img.height, h);
				assert_int_equal(img.channels, c);
				if (memcmp(img.pixels, want, (size_t)w * h * c) != 0)
					fail_msg("%dx%d %s at q%d: not stb's bytes", w, h,
						 kind ? "noise" : "photo", q);
				stbi_image_free(want);
				image_release(&img);
				buffer_release(&file);
				image_release(&in);
			}
	{
		struct image photo = load_photo("chelsea.png");
		struct buffer file = jpeg_of(&photo, 90);
		struct image img = decoded(&file, 1);
		int w, h, c;
		unsigned char *want = stbi_load_from_memory(file.data, (int)file.len, &w, &h, &c, 0);

		assert_non_null(want);
		assert_memory_equal(img.pixels, want, (size_t)w * h * c);
		stbi_image_free(want);
		image_release(&img);
		buffer_release(&file);
		image_release(&photo);
	}
}

static void test_a_shrunk_decode_has_the_rounded_up_size_and_records_the_full_one(void **state)
{
	static const int sizes[][2] = { { 1, 1 }, { 7, 5 }, { 8, 8 }, { 9, 17 }, { 37, 23 },
					{ 64, 48 }, { 451, 300 } };
	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++)
		for (int q = 80; q <= 95; q += 15) {
			struct image in = image_photo(sizes[i][0], sizes[i][1], 3, (unsigned)i);
			struct buffer file = jpeg_of(&in, q);

			struct image img = decoded(&file, 2);

			assert_int_equal(img.width, (in.width + 1) / 2);
			assert_int_equal(img.height, (in.height + 1) / 2);
			assert_int_equal(img.channels, 3);
			assert_int_equal(img.shrink, 2);
			assert_int_equal(img.full_width, in.width);
			assert_int_equal(img.full_height, in.height);
			image_release(&img);
			buffer_release(&file);
			image_release(&in);
		}
}

static void test_a_flat_colour_stays_that_colour(void **state)
{
	(void)state;
	for (int q = 80; q <= 95; q += 15) {
		struct image in = image_new(45, 29, 3), full;
		struct buffer file;

		for (size_t i = 0; i < (size_t)in.width * in.height; i++) {
			in.pixels[3 * i] = 200;
			in.pixels[3 * i + 1] = 60;
			in.pixels[3 * i + 2] = 30;
		}
		file = jpeg_of(&in, q);
		full = decoded(&file, 1);
		{
			struct image img = decoded(&file, 2);

			for (int y = 0; y < img.height; y++)
				for (int x = 0; x < img.width; x++)
					for (int k = 0; k < 3; k++)
						if (*px(&img, x, y, k) != *px(&full, 0, 0, k))
							fail_msg("q%d: (%d,%d) channel %d is %d, the "
								 "full decode %d", q, x, y, k,
								 *px(&img, x, y, k),
								 *px(&full, 0, 0, k));
			image_release(&img);
		}
		image_release(&full);
		buffer_release(&file);
		image_release(&in);
	}
}

/*
 * Against the 2x2 means of the full decode, on a photo: the shrunk decode
 * keeps each block's frequencies below what the small picture can hold
 * (sharper than the means, which soften), so the two are close, not equal.
 * These measure 42.4 to 42.8 dB on chelsea and 39.1 to 39.2 on camera;
 * the floors are a dB and a bit under. Each block's rows written upside
 * down measures 23 dB, and its AC coefficients weighed 10% too much, 38.9
 * dB on chelsea at q85.
 */
static void test_a_photo_is_close_to_the_means_of_its_full_decode(void **state)
{
	static const char *const photos[] = { "chelsea.png", "camera.png" };
	static const double floor_db[] = { 41, 38 };

	(void)state;
	for (size_t p = 0; p < sizeof(photos) / sizeof(*photos); p++)
		for (int q = 85; q <= 95; q += 10) {
			struct image photo = load_photo(photos[p]), full;
			struct buffer file = jpeg_of(&photo, q);

			full = decoded(&file, 1);
			assert_int_equal(full.shrink, 0);
			{
				struct image img = decoded(&file, 2), box = box_of(&full, 2);
				double db = psnr(&img, &box);

				print_message("%s q%d: %.1f dB from the means of the full decode\n",
					      photos[p], q, db);
				if (db < floor_db[p])
					fail_msg("%s q%d: %.1f dB, under %.0f", photos[p], q, db,
						 floor_db[p]);
				image_release(&img);
				image_release(&box);
			}
			image_release(&full);
			buffer_release(&file);
			image_release(&photo);
		}
}

static void test_a_png_or_a_shrink_but_2_decodes_in_full(void **state)
{
	struct image in = image_photo(40, 30, 3, 7), img = IMAGE_INIT;
	struct buffer png = BUFFER_INIT, jpeg;

	(void)state;
	assert_int_equal(image_encode(&in, FORMAT_PNG, 0, PNG_LEVEL_DEFAULT, &png), 0);
	assert_int_equal(image_decode_shrunk(&img, png.data, png.len, 1u << 26, "t.png", 4), 0);
	assert_int_equal(img.width, 40);
	assert_int_equal(img.shrink, 0);
	assert_same_image(&in, &img);
	image_release(&img);
	jpeg = jpeg_of(&in, 90);
	for (int s = 0; s <= 8; s++) {
		if (s == 2)
			continue;
		img = decoded(&jpeg, s);
		assert_int_equal(img.width, 40);
		assert_int_equal(img.shrink, 0);
		image_release(&img);
	}
	buffer_release(&jpeg);
	buffer_release(&png);
	image_release(&in);
}

static struct buffer webp_of(const struct image *img, int lossless)
{
	struct encode_options o = ENCODE_OPTIONS_INIT;
	struct buffer buf = BUFFER_INIT;

	o.quality = 90;
	o.lossless = lossless;
	if (image_encode_with(img, FORMAT_WEBP, &o, &buf) < 0)
		fail_msg("%s", error_message());
	return buf;
}

/*
 * WebP at half size, by libwebp's scaling as it decodes: half each even
 * side, the full size recorded, close to the 2x2 means of the full decode
 * (lossless: the means of the very pixels; lossy: of Y, U and V, before
 * their conversion); odd sides decode in full; and a thumbnail from it is
 * close to one from the full decode.
 */
static void test_a_webp_halves_as_libwebp_scales_it(void **state)
{
	struct image photo = load_photo("chelsea.png");

	(void)state;
	for (int lossless = 0; lossless <= 1; lossless++)
		for (int odd = 0; odd <= 1; odd++) {
			struct image in = image_new(448 - odd, 296, 3), full, half, box;
			struct buffer file;
			struct chain chain = CHAIN_INIT;
			double db;

			for (int y = 0; y < in.height; y++)
				memcpy(px(&in, 0, y, 0), px(&photo, 0, y, 0), (size_t)in.width * 3);
			file = webp_of(&in, lossless);
			full = decoded(&file, 1);
			half = decoded(&file, 2);
			assert_int_equal(full.shrink, 0);
			assert_int_equal(half.shrink, odd ? 0 : 2);
			assert_int_equal(half.width, odd ? in.width : in.width / 2);
			assert_int_equal(half.full_width, odd ? 0 : in.width);
			assert_int_equal(half.full_height, odd ? 0 : in.height);
			box = box_of(&full, odd ? 1 : 2);
			db = psnr(&half, &box);
			if (db < (lossless ? 50 : 35))
				fail_msg("lossless %d, odd %d: %.1f dB from the means", lossless, odd, db);
			assert_int_equal(chain_parse(&chain, "thumbnail:size=100"), 0);
			assert_int_equal(chain_apply(&chain, &full, NULL), 0);
			assert_int_equal(chain_apply(&chain, &half, NULL), 0);
			if ((db = psnr(&half, &full)) < 40)
				fail_msg("lossless %d, odd %d: thumbnails %.1f dB apart", lossless, odd, db);
			image_release(&box);
			image_release(&full);
			image_release(&half);
			buffer_release(&file);
			image_release(&in);
		}
	image_release(&photo);
}

/* The offset of the first marker m (0xff m) in a JPEG, after SOI. */
static size_t marker_at(const struct buffer *file, unsigned char m)
{
	for (size_t i = 2; i + 1 < file->len; i++)
		if (file->data[i] == 0xff && file->data[i + 1] == m)
			return i;
	fail_msg("no marker %02x", m);
	return 0;
}

/*
 * A broken file fails as the full decode fails, with the same words: a
 * frame header with a bad sampling factor, and one whose components sample
 * in ratios stb cannot resample.
 */
static void test_a_broken_jpeg_fails_as_the_full_decode_does(void **state)
{
	struct image in = image_photo(64, 48, 3, 3), img = IMAGE_INIT;

	(void)state;
	for (int broken = 0; broken < 2; broken++) {
		struct buffer file = jpeg_of(&in, 95);
		/* SOF0: length, precision, height, width, count, then 3 bytes a component. */
		size_t sof = marker_at(&file, 0xc0);
		char full_error[512];

		file.data[sof + 10 + 1] = broken ? 0x31 : 0x05;	/* Y: 3x1, or a V of 5 */
		if (broken)
			file.data[sof + 10 + 4] = 0x21;	/* Cb: 2x1, and 3 % 2 != 0 */
		assert_int_equal(image_decode(&img, file.data, file.len, 1u << 26, "b.jpg"), -1);
		snprintf(full_error, sizeof(full_error), "%s", error_message());
		error_clear();
		assert_int_equal(image_decode_shrunk(&img, file.data, file.len, 1u << 26, "b.jpg", 2),
				 -1);
		assert_null(img.pixels);
		assert_string_equal(error_message(), full_error);
		buffer_release(&file);
	}
	image_release(&in);
}

/*
 * What the run does with a thumbnail: the shrink the chain allows, the
 * decode, the orientation, the chain; against the full decode through the
 * same steps. The same size, and within 40 dB, for every orientation that
 * turns the image and for odd sizes (the partial last block).
 */
static void test_a_thumbnail_from_a_shrunk_decode_matches_one_from_the_full_decode(void **state)
{
	static const char *const specs[] = { "thumbnail:size=100", "thumbnail:size=37",
					     "resize:width=60,fast=1", "resize:height=50,fast=1" };
	struct image photo = load_photo("chelsea.png");

	(void)state;
	for (int odd = 0; odd < 2; odd++) {
		struct image in = image_new(448 - odd, 296 + odd, 3);
		struct buffer file;

		for (int y = 0; y < in.height; y++)
			memcpy(px(&in, 0, y, 0), px(&photo, 0, y, 0), (size_t)in.width * 3);
		file = jpeg_of(&in, 95);
		for (size_t i = 0; i < sizeof(specs) / sizeof(*specs); i++)
			for (int o = 1; o <= 8; o += 5) {
				struct chain chain = CHAIN_INIT;
				struct image full, fast;
				int s;

				assert_int_equal(chain_parse(&chain, specs[i]), 0);
				s = chain_load_shrink(&chain, in.width, in.height, o);
				/* An odd-sized image to be turned is not shrunk. */
				assert_int_equal(s, odd && o != 1 ? 1 : 2);
				full = decoded(&file, 1);
				fast = decoded(&file, s);
				assert_int_equal(filter_orient(&full, o), 0);
				assert_int_equal(filter_orient(&fast, o), 0);
				assert_int_equal(chain_apply(&chain, &full, NULL), 0);
				assert_int_equal(chain_apply(&chain, &fast, NULL), 0);
				assert_int_equal(fast.shrink, 0);
				if (psnr(&fast, &full) < 40)
					fail_msg("%s, %dx%d, orientation %d, 1/%d: %.1f dB", specs[i],
						 in.width, in.height, o, s, psnr(&fast, &full));
				image_release(&full);
				image_release(&fast);
			}
		buffer_release(&file);
		image_release(&in);
	}
	image_release(&photo);
}

/* The chain asks for a shrink only where a box stage of that factor would run anyway. */
static void test_the_chain_asks_for_a_shrink_only_when_it_shrinks_enough(void **state)
{
	static const struct {
		const char *spec;
		int w, h, orientation, shrink;
	} cases[] = {
		{ "thumbnail:size=800", 4000, 3000, 1, 2 },	/* 5x: a box of 2 */
		{ "thumbnail:size=256", 6000, 4000, 1, 2 },	/* 23.4x: 11 */
		{ "thumbnail:size=800", 3000, 4000, 1, 2 },
		{ "thumbnail:size=800", 1599, 1000, 1, 1 },	/* under 2x the box */
		{ "thumbnail:size=800", 700, 500, 1, 1 },	/* fits already */
		{ "thumbnail:size=800,fast=0", 4000, 3000, 1, 1 },
		{ "resize:width=1000", 4000, 3000, 1, 1 },	/* fast=0 */
		{ "resize:width=1000,fast=1", 4000, 3000, 1, 2 },
		{ "resize:width=1000,height=1500,fast=1", 4000, 3000, 1, 1 },	/* 2x tall */
		/* 6x as it is, a box of 3; turned upright first, 3x, a box of 1. */
		{ "resize:width=1000,fast=1", 6000, 3000, 1, 2 },
		{ "resize:width=1000,fast=1", 6000, 3000, 6, 1 },
		/* Turned or mirrored: only if 2 divides both sides. */
		{ "thumbnail:size=256", 6002, 4000, 3, 2 },
		{ "thumbnail:size=256", 6001, 4000, 2, 1 },
		{ "thumbnail:size=256", 6002, 4001, 8, 1 },
		{ "thumbnail:size=256", 6001, 4001, 1, 2 },
		{ "blur,thumbnail:size=100", 4000, 3000, 1, 1 },	/* not the first step */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct chain chain = CHAIN_INIT;

		assert_int_equal(chain_parse(&chain, cases[i].spec), 0);
		int got = chain_load_shrink(&chain, cases[i].w, cases[i].h, cases[i].orientation);

		if (got != cases[i].shrink)
			fail_msg("%s on %dx%d, orientation %d: %d, not %d", cases[i].spec,
				 cases[i].w, cases[i].h, cases[i].orientation, got, cases[i].shrink);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_full_decode_gives_stbs_own_bytes),
		cmocka_unit_test(test_a_webp_halves_as_libwebp_scales_it),
		cmocka_unit_test(test_a_shrunk_decode_has_the_rounded_up_size_and_records_the_full_one),
		cmocka_unit_test(test_a_flat_colour_stays_that_colour),
		cmocka_unit_test(test_a_photo_is_close_to_the_means_of_its_full_decode),
		cmocka_unit_test(test_a_png_or_a_shrink_but_2_decodes_in_full),
		cmocka_unit_test(test_a_broken_jpeg_fails_as_the_full_decode_does),
		cmocka_unit_test(test_a_thumbnail_from_a_shrunk_decode_matches_one_from_the_full_decode),
		cmocka_unit_test(test_the_chain_asks_for_a_shrink_only_when_it_shrinks_enough),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

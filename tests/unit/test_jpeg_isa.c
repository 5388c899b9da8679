/*
 * The JPEG encoder's two builds, baseline and AVX2 (src/codec/stb_jpeg.c),
 * write the same bytes: a folder encoded on a cluster of mixed machines
 * gives the same files on each. Photos and noise, every channel count,
 * sizes that cut the 8x8 and 16x16 blocks, qualities from 1 to 100.
 */
#include "filter_test.h"

#include "codec/stb.h"
#include <stb/stb_image_write.h>

static void encode_into(void *ctx, void *data, int size)
{
	buffer_put(ctx, data, (size_t)size);
}

/* Fails unless both builds encode img at quality q to the same bytes. */
static void assert_same_jpeg(const struct image *img, int q)
{
	struct buffer base = BUFFER_INIT, avx2 = BUFFER_INIT;
	int w = img->width, h = img->height, c = img->channels;

	assert_int_equal(stbi_write_jpg_to_func(encode_into, &base, w, h, c, img->pixels, q), 1);
#ifdef STB_JPEG_AVX2
	assert_int_equal(stb_write_jpg_avx2(encode_into, &avx2, w, h, c, img->pixels, q), 1);
#else
	fail_msg("no AVX2 build of the encoder");
#endif
	assert_true(base.len > 0);
	if (base.len != avx2.len || memcmp(base.data, avx2.data, base.len) != 0)
		fail_msg("%dx%dx%d at quality %d: the AVX2 build wrote different bytes (%zu, %zu)",
			 w, h, c, q, base.len, avx2.len);
	buffer_release(&base);
	buffer_release(&avx2);
}

static void test_both_builds_write_the_same_jpeg(void **state)
{
	static const int sizes[][2] = { { 1, 1 }, { 17, 9 }, { 37, 23 }, { 256, 130 } };
	static const int qualities[] = { 1, 50, 90, 100 };

	(void)state;
#ifndef STB_JPEG_AVX2
	skip();
#else
	if (!__builtin_cpu_supports("avx2"))
		skip();
#endif
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++)
		for (int c = 1; c <= 4; c++)
			for (size_t q = 0; q < sizeof(qualities) / sizeof(*qualities); q++) {
				struct image photo = image_photo(sizes[s][0], sizes[s][1], c, (unsigned)s);
				struct image noise = image_noise(sizes[s][0], sizes[s][1], c, (unsigned)q);

				assert_same_jpeg(&photo, qualities[q]);
				assert_same_jpeg(&noise, qualities[q]);
				image_release(&photo);
				image_release(&noise);
			}
	{
		struct image photo = load_photo("chelsea.png");

		assert_same_jpeg(&photo, 90);
		image_release(&photo);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_builds_write_the_same_jpeg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

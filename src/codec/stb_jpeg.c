/*
 * stb_image_write's JPEG encoder a second time, compiled for AVX2, the copy
 * that stb_write_jpg (stb.c) calls on a CPU that has it. The encoder's
 * colour conversion and DCT are float loops; with AVX2's three-operand
 * instructions they take 9% fewer instructions for the same bytes: AVX2
 * alone, without FMA, and -std=c11 keeps GCC from contracting a*b+c, so
 * every product is rounded as in the baseline copy and the files are the
 * same on every machine (tests/unit/test_jpeg_isa.c checks it).
 *
 * The implementation is static here, so its names do not clash with
 * stb.c's. Only GCC on x86-64 builds the copy, as with the filters'
 * target_clones (src/filter/kernel.h); -DPIXPOOL_NO_CLONES leaves it out.
 */
#include "codec/stb.h"

#ifdef STB_JPEG_AVX2
#pragma GCC target("avx2")

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

int stb_write_jpg_avx2(void (*func)(void *ctx, void *data, int size), void *ctx, int w, int h,
		       int comp, const void *data, int quality)
{
	return stbi_write_jpg_to_func(func, ctx, w, h, comp, data, quality);
}
#else
typedef int stb_jpeg_no_avx2_copy;
#endif

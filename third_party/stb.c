/*
 * The one translation unit that compiles stb_image and stb_image_write, from
 * Debian's libstb-dev, with pixpool's configuration.
 *
 * Decoding hostile files is the riskiest thing pixpool does, so the decoder is
 * cut down to the formats pixpool reads, and every image is decoded from
 * memory: pixpool reads the file itself, so stdio is compiled out of both
 * libraries.
 */
#include "stb_config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

/*
 * stb leaves unwritten what a short or broken file does not supply (the
 * rows of a cut TGA, the whole of a cut PNM), and the allocator hands back
 * the freed buffers of the image before. So every block stb_image allocates
 * is zero-filled: an image holds pixels of its own file or zeros, never
 * what ran before it on the same worker. stb_image grows blocks only through
 * STBI_REALLOC_SIZED, which passes the old size, so the new tail is zeroed
 * too; STBI_REALLOC is left undefined, so a later stb_image that called
 * plain realloc would not compile.
 */
static void *stb_zero_realloc(void *p, size_t old, size_t size)
{
	unsigned char *q = realloc(p, size);

	if (q && size > old)
		memset(q + old, 0, size - old);
	return q;
}

#define STBI_MALLOC(size) calloc(1, size)
#define STBI_REALLOC_SIZED(p, old, size) stb_zero_realloc(p, old, size)
#define STBI_FREE(p) free(p)

#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

/*
 * PNG's deflate and CRC come from libdeflate rather than stb_image_write's
 * own: stb's compressor spends most of an image's encode time and writes
 * larger files. The level is per thread, since the OpenMP engine encodes on
 * several threads at once and stb passes only its one global level.
 */
static _Thread_local int png_level = 1;

void stb_png_level(int level)
{
	png_level = level;
}

/* stb's zlib hook: a malloc'd zlib stream of data, or NULL with stb failing the write. */
static unsigned char *png_deflate(unsigned char *data, int len, int *out_len)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(png_level);
	unsigned char *out = NULL;
	size_t bound, n = 0;

	if (!c)
		return NULL;
	bound = libdeflate_zlib_compress_bound(c, (size_t)len);
	if (bound <= INT_MAX)
		out = malloc(bound);
	if (out)
		n = libdeflate_zlib_compress(c, data, (size_t)len, out, bound);
	libdeflate_free_compressor(c);
	if (!n) {
		free(out);
		return NULL;
	}
	*out_len = (int)n;
	return out;
}

#define STBIW_ZLIB_COMPRESS(data, len, out_len, quality) ((void)(quality), png_deflate(data, len, out_len))
#define STBIW_CRC32(data, len) ((unsigned)libdeflate_crc32(0, data, (size_t)(len)))
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

int stb_write_jpg(void (*func)(void *ctx, void *data, int size), void *ctx, int w, int h,
		  int comp, const void *data, int quality)
{
#ifdef STB_JPEG_AVX2
	if (__builtin_cpu_supports("avx2"))
		return stb_write_jpg_avx2(func, ctx, w, h, comp, data, quality);
#endif
	return stbi_write_jpg_to_func(func, ctx, w, h, comp, data, quality);
}

/*
 * stb_image_write chooses each PNG row's filter by running all five and
 * keeping the one with the smallest sum of absolute differences. On photos
 * and edge maps it keeps Average (3) nearly always: forcing Average writes
 * files within 0.02% of the same size at two thirds of the instructions,
 * libdeflate's included. Flat graphics lose (20-30% larger), and those are
 * not what pixpool is for. stb reads the choice from a global, so it is set
 * once, before any thread runs.
 */
__attribute__((constructor)) static void png_filter_average(void)
{
	stbi_write_force_png_filter = 3;
}

/*
 * The OpenMP engine decodes on several threads at once: stb's failure
 * reason must then be thread-local, or one thread would report another's
 * error (see src/engine_omp.c).
 */
#ifndef STBI_THREAD_LOCAL
#error "stb_image has no thread-local failure reason with this compiler"
#endif

void stb_failure_clear(void)
{
	stbi__g_failure_reason = NULL;
}

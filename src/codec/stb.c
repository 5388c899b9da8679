/*
 * The one translation unit that compiles stb_image and stb_image_write, from
 * Debian's libstb-dev, with pixpool's configuration.
 *
 * Decoding hostile files is the riskiest thing pixpool does, so the decoder is
 * cut down to the formats pixpool reads, and every image is decoded from
 * memory: pixpool reads the file itself, so stdio is compiled out of both
 * libraries.
 */
#include "codec/stb.h"

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
 * error (see src/engine/openmp.c).
 */
#ifndef STBI_THREAD_LOCAL
#error "stb_image has no thread-local failure reason with this compiler"
#endif

void stb_failure_clear(void)
{
	stbi__g_failure_reason = NULL;
}

/*
 * YCbCr to RGB for the JPEG decoder, 3 bytes a pixel. stb's SIMD
 * conversion handles only 4 bytes a pixel (RGBA) and falls back to its
 * scalar loop for RGB, which pixpool always asks for: a fifth of a full
 * decode. This is the same fixed-point arithmetic, so the same bytes (a
 * unit test compares them with stb's own decode), written as a loop GCC
 * vectorises, and cloned for AVX2 (picked at start-up, as the filters'
 * clones are) where the JPEG encoder has its AVX2 copy.
 */
#ifdef STB_JPEG_AVX2
__attribute__((target_clones("avx2", "default")))
#endif
static void ycc_rgb3(stbi_uc *out, const stbi_uc *y, const stbi_uc *pcb, const stbi_uc *pcr,
		     int count, int step)
{
	if (step != 3) {
		stbi__YCbCr_to_RGB_row(out, y, pcb, pcr, count, step);
		return;
	}
	for (int i = 0; i < count; i++) {
		int y_fixed = (y[i] << 20) + (1 << 19), cr = pcr[i] - 128, cb = pcb[i] - 128;
		int r = (y_fixed + cr * stbi__float2fixed(1.40200f)) >> 20;
		int g = (y_fixed + cr * -stbi__float2fixed(0.71414f) +
			 ((cb * -stbi__float2fixed(0.34414f)) & (int)0xffff0000)) >> 20;
		int b = (y_fixed + cb * stbi__float2fixed(1.77200f)) >> 20;

		out[3 * i] = (stbi_uc)(r < 0 ? 0 : r > 255 ? 255 : r);
		out[3 * i + 1] = (stbi_uc)(g < 0 ? 0 : g > 255 ? 255 : g);
		out[3 * i + 2] = (stbi_uc)(b < 0 ? 0 : b > 255 ? 255 : b);
	}
}

/* stb's decoder set up with pixpool's colour conversion. */
static void jpeg_setup(stbi__jpeg *z)
{
	stbi__setup_jpeg(z);
	z->YCbCr_to_RGB_kernel = ycc_rgb3;
}

/* A whole JPEG, as stbi_load_from_memory decodes it (no flip, no conversion), with jpeg_setup. */
static stbi_uc *jpeg_load_full(const unsigned char *data, int len, int *x, int *y, int *comp)
{
	stbi__context s;
	stbi__jpeg *z = stbi__malloc(sizeof(*z));
	stbi_uc *out;

	if (!z)
		return stbi__errpuc("outofmem", "Out of memory");
	stbi__start_mem(&s, data, len);
	z->s = &s;
	jpeg_setup(z);
	out = load_jpeg_image(z, x, y, comp, 0);
	STBI_FREE(z);
	return out;
}

/*
 * JPEG decoding at half size, for thumbnails and other large reductions
 * (image_decode_shrunk), the way libjpeg's scaled decoding does it. A
 * block's 8x8 coefficients describe its pixels as a sum of cosines;
 * keeping the 4x4 lowest and taking a 4-point inverse DCT gives that sum,
 * cut to the frequencies a 4x4 picture can hold, at the centre of each
 * 2x2 square: along an axis, cos((2x + 1) u pi / 16) at x = 2k + 1/2 is
 * cos((2k + 1) u pi / 8). Against a full decode, that skips the 8x8
 * transform of every block and does the upsampling and colour conversion
 * on a quarter of the pixels. It is sharper than a 2x2 box average of the
 * full decode, and a Lanczos reduction finishing from it lands closer to
 * one from the full image (measured against ImageMagick's Lanczos from a
 * float decode: 0.2 to 1.6 dB closer than the box, on 12 MP photos), as
 * nothing a half-size picture cannot hold folds back into it.
 *
 * libjpeg also decodes at a quarter and an eighth. pixpool does not: there
 * a block keeps only its 2x2 or 1x1 lowest coefficients, and near a
 * saturated edge (a bright disc on black) the clamping a full decode does
 * is lost, measured 5 dB further from the reference on such a photo;
 * and the half already takes most of the decode's cost away.
 *
 * stb_image has no scaled decoding, so pixpool hands stb's decoder its own
 * block transform (idct_block_kernel) and converts the small planes
 * itself, with stb's own row kernels. stb gives the block transform no
 * context, only where the block's 8x8 pixels would go in the full-size
 * plane of its component; so the thread decoding says in shrink_planes
 * where its small planes are, and each block's 4x4 pixels go straight to
 * their place there. stb's full-size planes are allocated but never
 * touched, and so cost no memory.
 */

/* idct[k][u] = C(u) / 2 cos((2k + 1) u pi / 8): the 4-point inverse DCT. */
static float shrink_idct4[4][4];

/* The planes a shrinking decode writes into, for shrink_dest. */
struct shrink_planes {
	const stbi__jpeg *z;	/* the decoder, whose full-size planes stb would fill */
	int w2[4], h2[4];	/* the size of stb's planes, from the frame header */
	stbi_uc *plane[4];	/* the half-size ones */
	int pw[4];		/* their stride: w2 / 2 */
	/* Each component's last block: the next is most often the one beside it. */
	uintptr_t last[4], row_end[4];
	stbi_uc *last_dest[4];
};

static _Thread_local struct shrink_planes *shrink_planes;

/* Where the pixels of the block stb would write at out go; *pw: their plane's stride. */
static stbi_uc *shrink_dest(const stbi_uc *out, int stride, int *pw)
{
	struct shrink_planes *t = shrink_planes;
	uintptr_t at = (uintptr_t)out;
	int k;

	for (k = 0; k < t->z->s->img_n; k++)
		if (t->last[k] && at == t->last[k] + 8 && at < t->row_end[k] &&
		    stride == t->w2[k]) {
			t->last[k] = at;
			t->last_dest[k] += 4;
			*pw = t->pw[k];
			return t->last_dest[k];
		}
	for (k = 0; k < t->z->s->img_n; k++) {
		uintptr_t base = (uintptr_t)t->z->img_comp[k].data;

		if (stride == t->w2[k] && at >= base &&
		    at - base < (size_t)stride * (size_t)t->h2[k]) {
			size_t off = at - base, row = off / (size_t)stride;
			size_t col = off - row * (size_t)stride;

			/* Blocks start on every 8th row and column (stbi__jpeg_decode_block's callers). */
			if (row % 8 || col % 8)
				break;
			t->last[k] = at;
			t->row_end[k] = base + (row + 1) * (size_t)stride;
			t->last_dest[k] = t->plane[k] + row / 2 * (size_t)t->pw[k] + col / 2;
			*pw = t->pw[k];
			return t->last_dest[k];
		}
	}
	abort();	/* not reached: stb writes whole blocks, and only into its planes */
}

/*
 * A pixel from v = its value + 128.5: rounded half up, as stb's own
 * transform rounds (a block's mean is often a half: its DC over 8), and
 * clamped to 0..255.
 */
static inline unsigned char shrink_clamp(float v)
{
	return v <= 0 ? 0 : v >= 255 ? 255 : (unsigned char)v;
}

/*
 * The 4x4 pixels of a block, rows stride apart at dst: I F I^T with I =
 * shrink_idct4 and F cut to its 4x4 lowest. The sums run in the order
 * the vectors below run them, so the two give the same bytes.
 */
static void shrink_block_scalar(stbi_uc *dst, int stride, const short *data)
{
	float h[4][4] = { { 0 } };
	int r, k, u;

	for (r = 0; r < 4; r++)
		for (k = 0; k < 4; k++)
			for (u = 0; u < 4; u++)
				h[k][u] += shrink_idct4[k][r] * data[r * 8 + u];
	for (r = 0; r < 4; r++)
		for (k = 0; k < 4; k++) {
			float v = 128.5f;

			for (u = 0; u < 4; u++)
				v += shrink_idct4[k][u] * h[r][u];
			dst[r * stride + k] = shrink_clamp(v);
		}
}

/*
 * The build without clones (-DPIXPOOL_NO_CLONES) runs the portable code
 * here too, so that the tests cover it.
 */
#if defined(STBI_SSE2) && !defined(PIXPOOL_NO_CLONES)
#define SHRINK_SSE2 1
#endif

#ifdef SHRINK_SSE2
/* shrink_idct4's entries broadcast ([k][u]), and its columns ([u]). */
static __m128 shrink_idct4_ps[4][4], shrink_idct4_col[4];

static void shrink_idct4_sse2(void)
{
	for (int k = 0; k < 4; k++)
		for (int u = 0; u < 4; u++)
			shrink_idct4_ps[k][u] = _mm_set1_ps(shrink_idct4[k][u]);
	for (int u = 0; u < 4; u++)
		shrink_idct4_col[u] = _mm_setr_ps(shrink_idct4[0][u], shrink_idct4[1][u],
						  shrink_idct4[2][u], shrink_idct4[3][u]);
}

/*
 * The 4x4 pixels of a block in vectors: H = I F, one row of H a vector,
 * skipping the rows of F that are zero; then each row of the result,
 * H[y] I^T, as the columns of I weighted by H[y]'s entries.
 */
static void shrink_block(stbi_uc *out, int stride, short data[64])
{
	__m128 h[4], v[4];
	__m128i zero = _mm_setzero_si128(), px;
	int pw, r, k;
	stbi_uc *dst = shrink_dest(out, stride, &pw);

	for (k = 0; k < 4; k++)
		h[k] = _mm_setzero_ps();
	for (r = 0; r < 4; r++) {
		__m128i f = _mm_loadl_epi64((const __m128i *)(data + 8 * r));
		__m128 ff;

		if (_mm_movemask_epi8(_mm_cmpeq_epi16(f, zero)) == 0xffff)
			continue;
		ff = _mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpacklo_epi16(f, f), 16));
		for (k = 0; k < 4; k++)
			h[k] = _mm_add_ps(h[k], _mm_mul_ps(shrink_idct4_ps[k][r], ff));
	}
	for (k = 0; k < 4; k++) {
		v[k] = _mm_set1_ps(128.5f);
		v[k] = _mm_add_ps(v[k], _mm_mul_ps(_mm_shuffle_ps(h[k], h[k], 0x00),
						   shrink_idct4_col[0]));
		v[k] = _mm_add_ps(v[k], _mm_mul_ps(_mm_shuffle_ps(h[k], h[k], 0x55),
						   shrink_idct4_col[1]));
		v[k] = _mm_add_ps(v[k], _mm_mul_ps(_mm_shuffle_ps(h[k], h[k], 0xaa),
						   shrink_idct4_col[2]));
		v[k] = _mm_add_ps(v[k], _mm_mul_ps(_mm_shuffle_ps(h[k], h[k], 0xff),
						   shrink_idct4_col[3]));
	}
	/* As shrink_clamp: v + 128.5 truncated, clamped by the saturating packs. */
	px = _mm_packus_epi16(_mm_packs_epi32(_mm_cvttps_epi32(v[0]), _mm_cvttps_epi32(v[1])),
			      _mm_packs_epi32(_mm_cvttps_epi32(v[2]), _mm_cvttps_epi32(v[3])));
	for (r = 0; r < 4; r++) {
		int row = _mm_cvtsi128_si32(px);

		memcpy(dst + (size_t)r * pw, &row, 4);
		px = _mm_srli_si128(px, 4);
	}
}
#else
static void shrink_block(stbi_uc *out, int stride, short data[64])
{
	int pw;
	stbi_uc *dst = shrink_dest(out, stride, &pw);

	shrink_block_scalar(dst, pw, data);
}
#endif

/* Set once, before any thread runs, like the PNG filter above. */
__attribute__((constructor)) static void shrink_init(void)
{
	const double pi = acos(-1.0);

	for (int k = 0; k < 4; k++)
		for (int u = 0; u < 4; u++)
			shrink_idct4[k][u] = (float)(cos((2 * k + 1) * u * pi / 8) *
						     (u ? 0.5 : 0.5 / sqrt(2.0)));
#ifdef SHRINK_SSE2
	shrink_idct4_sse2();
#endif
}

/* One component's walk down its rows as the output rows go by (stb's fancy upsampling). */
struct shrink_comp {
	resample_row_func resample;
	stbi_uc *plane, *line0, *line1, *linebuf;
	int hs, vs, w_lores, ystep, ypos, rows, pw;
};

static stbi_uc *shrink_row(struct shrink_comp *c)
{
	int bottom = c->ystep >= (c->vs >> 1);
	stbi_uc *row = c->resample(c->linebuf, bottom ? c->line1 : c->line0,
				   bottom ? c->line0 : c->line1, c->w_lores, c->hs);

	if (++c->ystep >= c->vs) {
		c->ystep = 0;
		c->line0 = c->line1;
		if (++c->ypos < c->rows)
			c->line1 += c->pw;
	}
	return row;
}

/*
 * The size of the planes stb will allocate for z's components, from the
 * frame header alone (stbi__process_frame_header's arithmetic), and the
 * half-size planes, so that they exist before the first block is decoded.
 */
static int shrink_alloc(struct shrink_planes *t, const stbi__jpeg *z)
{
	int hmax = 1, vmax = 1, k, mx, my;

	for (k = 0; k < z->s->img_n; k++) {
		hmax = z->img_comp[k].h > hmax ? z->img_comp[k].h : hmax;
		vmax = z->img_comp[k].v > vmax ? z->img_comp[k].v : vmax;
	}
	mx = (int)(z->s->img_x + hmax * 8 - 1) / (hmax * 8);
	my = (int)(z->s->img_y + vmax * 8 - 1) / (vmax * 8);
	for (k = 0; k < z->s->img_n; k++) {
		t->w2[k] = mx * z->img_comp[k].h * 8;
		t->h2[k] = my * z->img_comp[k].v * 8;
		t->pw[k] = t->w2[k] / 2;
		t->plane[k] = stbi__malloc_mad2(t->pw[k], t->h2[k] / 2, 0);
		if (!t->plane[k])
			return stbi__err("outofmem", "Out of memory");
	}
	return 1;
}

/* Upsamples and converts the half-size planes into interleaved pixels. */
static stbi_uc *shrink_output(const stbi__jpeg *z, const struct shrink_planes *t, int *x,
			      int *y, int *comp)
{
	int img_n = z->s->img_n, channels = img_n == 3 ? 3 : 1;
	int w = (int)(z->s->img_x + 1) / 2, h = (int)(z->s->img_y + 1) / 2;
	int is_rgb = img_n == 3 && (z->rgb == 3 || (z->app14_color_transform == 0 && !z->jfif));
	struct shrink_comp c[3] = { { 0 } };
	stbi_uc *out = NULL, *row[3];
	int i, k, j;

	for (k = 0; k < img_n; k++) {
		/* stb has allocated what shrink_alloc expected. */
		if (z->img_comp[k].w2 != t->w2[k] || z->img_comp[k].h2 != t->h2[k]) {
			stbi__err("bad plane", "Corrupt JPEG");
			goto done;
		}
		c[k].hs = z->img_h_max / z->img_comp[k].h;
		c[k].vs = z->img_v_max / z->img_comp[k].v;
		c[k].ystep = c[k].vs >> 1;
		c[k].w_lores = (w + c[k].hs - 1) / c[k].hs;
		c[k].rows = (z->img_comp[k].y + 1) / 2;
		c[k].pw = t->pw[k];
		c[k].linebuf = stbi__malloc(w + 3);
		if (!c[k].linebuf) {
			stbi__err("outofmem", "Out of memory");
			goto done;
		}
		c[k].line0 = c[k].line1 = t->plane[k];
		if (c[k].hs == 1 && c[k].vs == 1)
			c[k].resample = resample_row_1;
		else if (c[k].hs == 1 && c[k].vs == 2)
			c[k].resample = stbi__resample_row_v_2;
		else if (c[k].hs == 2 && c[k].vs == 1)
			c[k].resample = stbi__resample_row_h_2;
		else if (c[k].hs == 2 && c[k].vs == 2)
			c[k].resample = z->resample_row_hv_2_kernel;
		else
			c[k].resample = stbi__resample_row_generic;
	}
	/* One byte more: stb's colour conversion writes a fourth byte after each pixel. */
	out = stbi__malloc_mad3(channels, w, h, 1);
	if (!out) {
		stbi__err("outofmem", "Out of memory");
		goto done;
	}
	for (j = 0; j < h; j++) {
		stbi_uc *o = out + (size_t)channels * w * j;

		for (k = 0; k < img_n; k++)
			row[k] = shrink_row(&c[k]);
		if (channels == 1)
			memcpy(o, row[0], (size_t)w);
		else if (!is_rgb)
			z->YCbCr_to_RGB_kernel(o, row[0], row[1], row[2], w, 3);
		else
			for (i = 0; i < w; i++, o += 3) {
				o[0] = row[0][i];
				o[1] = row[1][i];
				o[2] = row[2][i];
			}
	}
	*x = w;
	*y = h;
	*comp = channels;
done:
	for (k = 0; k < img_n; k++)
		STBI_FREE(c[k].linebuf);
	return out;
}

/* The full decode, for what stb_jpeg_load does not shrink. */
static unsigned char *shrink_none(const unsigned char *data, int len, int *shrink, int *x,
				  int *y, int *comp, int *full_x, int *full_y)
{
	unsigned char *out = jpeg_load_full(data, len, x, y, comp);

	*shrink = 1;
	*full_x = *x;
	*full_y = *y;
	return out;
}

unsigned char *stb_jpeg_load(const unsigned char *data, int len, int *shrink, int *x, int *y,
			     int *comp, int *full_x, int *full_y)
{
	struct shrink_planes t = { 0 };
	stbi__context s;
	stbi__jpeg *z;
	stbi_uc *out = NULL;
	int k, n;

	if (*shrink != 2)
		return shrink_none(data, len, shrink, x, y, comp, full_x, full_y);
	z = stbi__malloc(sizeof(*z));
	if (!z)
		return stbi__errpuc("outofmem", "Out of memory");
	stbi__start_mem(&s, data, len);
	z->s = &s;
	jpeg_setup(z);
	/*
	 * CMYK and YCCK files (four components) are rare, and a corrupt header
	 * fails the same way either way: those decode in full.
	 */
	n = stbi__decode_jpeg_header(z, STBI__SCAN_header) ? s.img_n : 0;
	if (n != 1 && n != 3) {
		STBI_FREE(z);
		return shrink_none(data, len, shrink, x, y, comp, full_x, full_y);
	}
	if (shrink_alloc(&t, z)) {
		t.z = z;
		shrink_planes = &t;
		stbi__start_mem(&s, data, len);
		z->idct_block_kernel = shrink_block;
		s.img_n = 0;
		if (stbi__decode_jpeg_image(z) && s.img_n == n)
			out = shrink_output(z, &t, x, y, comp);
		shrink_planes = NULL;
		*full_x = (int)s.img_x;
		*full_y = (int)s.img_y;
		stbi__cleanup_jpeg(z);
	}
	for (k = 0; k < n; k++)
		STBI_FREE(t.plane[k]);
	STBI_FREE(z);
	return out;
}

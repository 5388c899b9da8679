/*
 * pixpool's configuration of stb_image and stb_image_write, and the calls
 * the format table's rows make into them. Every file that includes an stb
 * header includes this one first, so the declarations always match the
 * implementation compiled in stb.c. Only codec/ includes it.
 *
 *	stb_decode(&img, &probe, data, size);	// a file the probe accepted
 *	stb_decode_jpeg(&img, &probe, data, size, shrink);
 *	stb_encode_png(&img, png_level, &buf);	// or _jpeg, _bmp, _tga
 *
 * Each returns 0, or -1 with an error() in pixpool's words: stb's own
 * failure text is never shown, since one of its messages is built from a
 * file's bytes.
 */
#ifndef PIXPOOL_STB_CONFIG_H
#define PIXPOOL_STB_CONFIG_H

#include <stddef.h>

/* Only the formats pixpool reads: no PIC or HDR decoders to attack. */
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_ONLY_TGA
#define STBI_ONLY_PNM
#define STBI_ONLY_GIF
#define STBI_ONLY_PSD
#define STBI_NO_LINEAR
#define STBI_NO_HDR

/* pixpool reads files itself and hands stb a buffer. */
#define STBI_NO_STDIO
#define STBI_WRITE_NO_STDIO

/*
 * A corrupt header can claim any size. No camera makes a side longer than
 * 65535 pixels (the JPEG limit), so anything beyond is refused before stb
 * allocates; the pixel budget (--max-pixels) is checked before decoding too.
 */
#define STBI_MAX_DIMENSIONS 65535

struct image;
struct probe;
struct buffer;

/*
 * Decodes with stb_image a whole file that the probe accepted, keeping its
 * channels; refuses one whose size reads otherwise to stb than to the probe.
 * A file of 16 bits a sample (p->bits) is decoded at 16 bits and each
 * sample rounded to the nearest 8-bit one (sample_16_to_8), where stb alone
 * would cut the low byte off; img->bits and img->pages come from the probe.
 */
int stb_decode(struct image *img, const struct probe *p, const unsigned char *data, size_t size);

/* stb_decode, with the channels p->channels says (1 to 4) rather than the file's own. */
int stb_decode_channels(struct image *img, const struct probe *p, const unsigned char *data,
			size_t size);

/* stb_decode for a JPEG, at half size when shrink is 2 (stb_jpeg_load). */
int stb_decode_jpeg(struct image *img, const struct probe *p, const unsigned char *data,
		    size_t size, int shrink);

/* Appends img encoded to buf; the row has checked that the format holds its size. */
int stb_encode_jpeg(const struct image *img, int quality, struct buffer *buf);
int stb_encode_png(const struct image *img, int level, struct buffer *buf);
int stb_encode_bmp(const struct image *img, struct buffer *buf);
int stb_encode_tga(const struct image *img, struct buffer *buf);

/*
 * Forgets this thread's stbi_failure_reason(). Some of stb's failure paths
 * return without setting a reason, and the reason left over from an earlier
 * image must not be taken for the reason of this one.
 */
void stb_failure_clear(void);

/*
 * The libdeflate level (0..12) of the PNGs this thread writes: 0 stores,
 * 1 is fastest, 12 smallest. image_encode sets it before every PNG.
 */
void stb_png_level(int level);

/*
 * stbi_write_jpg_to_func through the copy of the encoder built for this
 * CPU: the AVX2 one (stb_jpeg.c) where the CPU has AVX2, the baseline
 * otherwise. Both write the same bytes.
 */
int stb_write_jpg(void (*func)(void *ctx, void *data, int size), void *ctx, int w, int h,
		  int comp, const void *data, int quality);

/*
 * Decodes a JPEG held in memory, as stbi_load_from_memory does with the
 * same bytes out, but for a faster colour conversion (stb.c);
 * at half its size (sides rounded up) when *shrink is 2, each pixel
 * standing for a 2x2 square of the full decode, at a fraction of its cost.
 * A four-component (CMYK) JPEG, or any other *shrink, is decoded at full
 * size, and *shrink set to 1. *full_x x *full_y is the size in the file.
 * NULL, with stbi_failure_reason(), where stbi_load_from_memory would fail.
 */
unsigned char *stb_jpeg_load(const unsigned char *data, int len, int *shrink, int *x, int *y,
			     int *comp, int *full_x, int *full_y);

/*
 * The AVX2 copy itself, for the tests; built by GCC on x86-64 unless
 * -DPIXPOOL_NO_CLONES, as the filters' clones are (src/filter/kernel.h).
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
	!defined(PIXPOOL_NO_CLONES)
#define STB_JPEG_AVX2 1
#endif
int stb_write_jpg_avx2(void (*func)(void *ctx, void *data, int size), void *ctx, int w, int h,
		       int comp, const void *data, int quality);

#endif

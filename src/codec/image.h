#ifndef PIXPOOL_IMAGE_H
#define PIXPOOL_IMAGE_H

/*
 * An image in memory, and the codecs that turn file bytes into one and back:
 * the entry points, which dispatch to the format table's rows (format.h).
 *
 * Pixels are 8 bits per channel, interleaved, rows top to bottom with no
 * padding: the sample of channel k at (x, y) is pixels[(y * width + x) *
 * channels + k]. channels is 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).
 *
 *	struct image img = IMAGE_INIT;
 *	if (image_decode(&img, data, size, max_pixels, path) < 0)
 *		... error_message() says why ...
 *	... filters change img ...
 *	image_encode(&img, FORMAT_PNG, 0, PNG_LEVEL_DEFAULT, &buf);
 *	image_release(&img);
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "codec/format.h"

struct image {
	int width;
	int height;
	int channels;
	unsigned char *pixels;
	/*
	 * Set only by a decode that shrank on load (image_decode_shrunk): the
	 * image stands for one of full_width x full_height, each pixel for a
	 * shrink x shrink square of it (the last row and column of squares
	 * cut short by the edge), so width is full_width / shrink rounded up.
	 * 0 otherwise; image_alloc and filters leave them 0.
	 */
	int shrink;
	int full_width;
	int full_height;
	/*
	 * Set by a decode, about the file: the bits per sample it stored (16
	 * for a 16-bit PNG, TIFF or RAW, whose samples the decode reduced with
	 * sample_16_to_8), and how many pages or frames it holds, of which the
	 * decode took the first. 0 when the decode does not say (8 bits, one page).
	 */
	int bits;
	int pages;
};

#define IMAGE_INIT { 0, 0, 0, NULL, 0, 0, 0, 0, 0 }

/* A 16-bit sample as the nearest 8-bit one: round(v * 255 / 65535). */
static inline unsigned char sample_16_to_8(unsigned v)
{
	return (unsigned char)((v + 128u) / 257u);
}

/*
 * The longest side pixpool decodes: no camera makes a longer one (the JPEG
 * limit). stb_image is configured with the same (STBI_MAX_DIMENSIONS).
 */
#define IMAGE_MAX_SIDE 65535

/*
 * Allocates an uninitialised width x height x channels image; -1 if over
 * this thread's pixel limit (image_limit_pixels) or out of memory.
 */
int image_alloc(struct image *img, int width, int height, int channels);

/*
 * The most pixels image_alloc hands out on this thread; unlimited until set.
 * work_run sets it from --max-pixels, so a filter whose result would be
 * larger fails before it allocates.
 */
void image_limit_pixels(uint64_t max_pixels);

/* Frees the pixels and resets img to IMAGE_INIT. */
void image_release(struct image *img);

/* Hands the pixels of *from to *to (releasing what *to held) and resets *from. */
void image_move(struct image *to, struct image *from);

/*
 * Drops img's alpha, laying each pixel over the colour rgb (0xrrggbb):
 * out = (a * fg + (255 - a) * bg) / 255, rounded to the nearest, on the
 * 8-bit samples as they are (sRGB, as ImageMagick's flatten). Grey and
 * alpha becomes grey on a grey background, RGB on any other; an image with
 * no alpha is left as it is. Returns 0, or -1 out of memory.
 */
int image_flatten(struct image *img, uint32_t rgb);

struct probe;

/*
 * Reads the format, width and height from the first n bytes of a file
 * (probe.h), and refuses an image of more than max_pixels pixels or with a
 * side longer than 65535. The limit is inclusive: an image of exactly
 * max_pixels pixels is accepted. Returns 0, PROBE_MORE when the header goes
 * on past n bytes, or -1 with an error() that names no file.
 */
int image_header(struct probe *p, const unsigned char *data, size_t n, uint64_t max_pixels);

/*
 * The limits image_header applies to a header already parsed: 0, or -1
 * with an error() that names no file.
 */
int image_check_size(const struct probe *p, uint64_t max_pixels);

/*
 * Decodes a whole file held in memory. Refuses, before allocating, what
 * image_header refuses, and a file that does not hold all its header
 * promises ("NAME: cannot decode: truncated PNG"). The file's own channel
 * count is kept. A pixel that stb_image cannot fill from the file is zero,
 * never a byte of an earlier image. name is only used in error messages.
 */
int image_decode(struct image *img, const unsigned char *data, size_t size,
		 uint64_t max_pixels, const char *name);

/*
 * image_decode, with a JPEG decoded at half its size (sides rounded up)
 * when shrink is 2: each pixel stands for a 2x2 square of the full decode
 * (its 4x4 lowest frequencies of each 8x8 block, as libjpeg's scaled
 * decoding), at about half the decode's time, and img->shrink, full_width
 * and full_height say so; a still WebP with even sides too, each pixel the
 * mean of its 2x2 square, as libwebp scales while it decodes. Other
 * formats, a CMYK JPEG, a WebP animation or one with an odd side, and any
 * other shrink decode at full size, with img->shrink 0.
 */
int image_decode_shrunk(struct image *img, const unsigned char *data, size_t size,
			uint64_t max_pixels, const char *name, int shrink);

/* A growable byte buffer, the target of image_encode. */
struct buffer {
	unsigned char *data;
	size_t len;
	size_t alloc;
	int failed;	/* set when an append ran out of memory */
};

#define BUFFER_INIT { NULL, 0, 0, 0 }

void buffer_release(struct buffer *buf);

/* Makes room for len more bytes: 0, or -1 with buf->failed set when memory runs out. */
int buffer_grow(struct buffer *buf, size_t len);

/*
 * Appends len bytes; when memory runs out, sets buf->failed and drops them.
 * Inline, since encoders hand their output over a few bytes at a time.
 */
static inline void buffer_put(struct buffer *buf, const void *data, size_t len)
{
	if (buf->failed || !len || (len > buf->alloc - buf->len && buffer_grow(buf, len) < 0))
		return;
	memcpy(buf->data + buf->len, data, len);
	buf->len += len;
}

/*
 * Encodes img in format and appends to buf. quality (1..100) applies to
 * JPEG, png_level (0 stored .. 12 smallest, PNG_LEVEL_DEFAULT) to PNG; a
 * PNG's pixels are the same at every level.
 * An image larger than the format or stb_image_write can hold (a JPEG or
 * TGA side over 65535, a PNG over about 950 MB of samples, any image over
 * 2 GiB of samples) is refused before encoding.
 */
int image_encode(const struct image *img, enum format format, int quality, int png_level,
		 struct buffer *buf);

/* image_encode with every setting of every format (format.h). */
int image_encode_with(const struct image *img, enum format format,
		      const struct encode_options *o, struct buffer *buf);

/*
 * The EXIF Orientation (1..8) that --autoorient obeys, of a file held in
 * memory (its first bytes are enough for a JPEG, whose EXIF comes before
 * its frame header): 1 when it has none, or when its format's pixels are
 * never turned. It is the first Orientation tag of IFD0 (exif.h), read by
 * the same code as the metadata's copy of it.
 */
int image_exif_orientation(const unsigned char *data, size_t size);

/*
 * For a row's encode: refuses img as too large for format, saying why, in
 * image_encode's words; returns -1.
 */
int image_refuse_encode(const struct image *img, enum format format, const char *why);

#endif

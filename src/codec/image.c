#include "codec/image.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "codec/exif.h"
#include "codec/probe.h"

/* This thread's limit on image_alloc, in pixels. */
static _Thread_local uint64_t alloc_limit = UINT64_MAX;

void image_limit_pixels(uint64_t max_pixels)
{
	alloc_limit = max_pixels;
}

int image_alloc(struct image *img, int width, int height, int channels)
{
	size_t bytes;

	if (width <= 0 || height <= 0 || channels < 1 || channels > 4)
		return error("bad image size %dx%dx%d", width, height, channels);
	if ((uint64_t)width * (uint64_t)height > alloc_limit)
		return error("a %dx%d image is %llu pixels, over the limit of %llu (--max-pixels)",
			     width, height, (unsigned long long)width * (unsigned long long)height,
			     (unsigned long long)alloc_limit);
	if (__builtin_mul_overflow((size_t)width, (size_t)height, &bytes) ||
	    __builtin_mul_overflow(bytes, (size_t)channels, &bytes))
		return error("image %dx%d too large", width, height);
	img->pixels = malloc(bytes);
	if (!img->pixels)
		return error("out of memory for a %dx%d image", width, height);
	img->width = width;
	img->height = height;
	img->channels = channels;
	return 0;
}

void image_release(struct image *img)
{
	free(img->pixels);
	*img = (struct image)IMAGE_INIT;
}

/* One sample of fg at opacity a over bg, correctly rounded (255 is odd: no ties). */
static inline unsigned char over(unsigned fg, unsigned a, unsigned bg)
{
	return (unsigned char)((a * fg + (255 - a) * bg + 127) / 255);
}

/*
 * In place: each pixel of grey or RGB and alpha becomes grey or RGB over bg.
 * A pixel is read whole before it is written, and its output lies before
 * the next pixel's input, so nothing is overwritten before it is read.
 */
static void flatten_in_place(struct image *img, const unsigned char *bg)
{
	size_t n = (size_t)img->width * (size_t)img->height;
	const unsigned char *s = img->pixels;
	unsigned char *d = img->pixels;

	if (img->channels == 2) {
		for (size_t i = 0; i < n; i++, s += 2)
			d[i] = over(s[0], s[1], bg[0]);
	} else {
		for (size_t i = 0; i < n; i++, s += 4, d += 3) {
			unsigned char r = over(s[0], s[3], bg[0]), g = over(s[1], s[3], bg[1]),
				      b = over(s[2], s[3], bg[2]);

			d[0] = r;
			d[1] = g;
			d[2] = b;
		}
	}
	img->channels--;
}

/* Grey and alpha over a colour that is not grey: RGB, in a new image. */
static int flatten_to_colour(struct image *img, const unsigned char *bg)
{
	struct image rgb = IMAGE_INIT;
	size_t n = (size_t)img->width * (size_t)img->height;

	if (image_alloc(&rgb, img->width, img->height, 3) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			rgb.pixels[i * 3 + (size_t)k] = over(img->pixels[i * 2], img->pixels[i * 2 + 1],
							     bg[k]);
	rgb.bits = img->bits;
	rgb.pages = img->pages;
	image_move(img, &rgb);
	return 0;
}

int image_flatten(struct image *img, uint32_t rgb)
{
	const unsigned char bg[3] = {
		(unsigned char)(rgb >> 16), (unsigned char)(rgb >> 8), (unsigned char)rgb,
	};

	if (img->channels != 2 && img->channels != 4)
		return 0;
	if (img->channels == 2 && (bg[0] != bg[1] || bg[1] != bg[2]))
		return flatten_to_colour(img, bg);
	flatten_in_place(img, bg);
	return 0;
}

void image_move(struct image *to, struct image *from)
{
	image_release(to);
	*to = *from;
	*from = (struct image)IMAGE_INIT;
}

int image_check_size(const struct probe *p, uint64_t max_pixels)
{
	unsigned long long pixels = (unsigned long long)p->width * p->height;

	if (pixels > max_pixels)
		return error("%s larger than the limit: %ux%u is %llu pixels, over %llu (--max-pixels)",
			     format_name(p->format), p->width, p->height, pixels,
			     (unsigned long long)max_pixels);
	if (p->width > IMAGE_MAX_SIDE || p->height > IMAGE_MAX_SIDE)
		return error("%s with a side longer than %d pixels: %ux%u", format_name(p->format),
			     IMAGE_MAX_SIDE, p->width, p->height);
	return 0;
}

int image_header(struct probe *p, const unsigned char *data, size_t n, uint64_t max_pixels)
{
	int ret = probe_header(p, data, n);

	if (ret < 0 && p->format != FORMAT_NONE)
		return error_prefix("cannot decode");
	return ret ? ret : image_check_size(p, max_pixels);
}

int image_decode(struct image *img, const unsigned char *data, size_t size,
		 uint64_t max_pixels, const char *name)
{
	return image_decode_shrunk(img, data, size, max_pixels, name, 1);
}

int image_decode_shrunk(struct image *img, const unsigned char *data, size_t size,
			uint64_t max_pixels, const char *name, int shrink)
{
	struct probe p;
	int ret = image_header(&p, data, size, max_pixels);

	if (ret == PROBE_MORE)
		ret = error("cannot decode: truncated %s", format_name(p.format));
	if (ret == 0 && probe_complete(&p, data, size) < 0)
		ret = error_prefix("cannot decode");
	if (ret == 0 && size > INT_MAX)
		ret = error("%s file of %zu bytes, more than the decoder reads (2 GiB)",
			    format_name(p.format), size);
	if (ret == 0)
		ret = format_row(p.format)->decode(img, &p, data, size, shrink);
	return ret < 0 ? error_prefix(name) : 0;
}

void buffer_release(struct buffer *buf)
{
	free(buf->data);
	*buf = (struct buffer)BUFFER_INIT;
}

int buffer_grow(struct buffer *buf, size_t len)
{
	size_t need = buf->len + len, alloc = buf->alloc ? buf->alloc : 65536;
	unsigned char *p;

	if (buf->failed)
		return -1;
	if (need <= buf->alloc)
		return 0;
	while (alloc < need)
		alloc *= 2;
	p = realloc(buf->data, alloc);
	if (!p) {
		buf->failed = 1;
		return -1;
	}
	buf->data = p;
	buf->alloc = alloc;
	return 0;
}

int image_refuse_encode(const struct image *img, enum format format, const char *why)
{
	return error("cannot encode %dx%d as %s: %s", img->width, img->height,
		     format_name(format), why);
}

/*
 * What no row can write: stb_image_write indexes samples with int, and
 * some formats store each side in 16 bits. A row checks what is its own.
 */
static int check_encodable(const struct image *img, const struct format_row *row,
			   enum format format)
{
	uint64_t w = (uint64_t)img->width, h = (uint64_t)img->height, c = (uint64_t)img->channels;
	char why[64];

	if (row->max_side && (w > row->max_side || h > row->max_side)) {
		snprintf(why, sizeof(why), "a side is longer than the format's %u pixels",
			 (unsigned)row->max_side);
		return image_refuse_encode(img, format, why);
	}
	if (w * h * c > INT_MAX)
		return image_refuse_encode(img, format,
					   "more than 2 GiB of pixels, over what the encoder takes");
	return 0;
}

int image_encode(const struct image *img, enum format format, int quality, int png_level,
		 struct buffer *buf)
{
	struct encode_options o = ENCODE_OPTIONS_INIT;

	o.quality = quality;
	o.png_level = png_level;
	return image_encode_with(img, format, &o, buf);
}

int image_encode_with(const struct image *img, enum format format,
		      const struct encode_options *o, struct buffer *buf)
{
	const struct format_row *row = format_row(format);

	if (!row || !row->encode)
		return error("no output format");
	if (check_encodable(img, row, format) < 0 || row->encode(img, o, buf) < 0)
		return -1;
	if (buf->failed)
		return error("out of memory while encoding %s", format_name(format));
	return 0;
}

/*
 * The orientation is read from IFD0 alone, so that a block whose other
 * IFDs are broken (which the metadata then drops whole) still turns the
 * pixels as it says.
 */
int image_exif_orientation(const unsigned char *data, size_t size)
{
	const struct format_row *row = format_row(format_of(data, size));
	const unsigned char *block;
	size_t len;

	if (!row || !row->exif || !row->exif(data, size, &block, &len))
		return 1;
	return exif_read_orientation(block, len);
}

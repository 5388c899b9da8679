#include "image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "stb_config.h"
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

static const struct {
	const char *ext;
	const char *name;
} formats[] = {
	[FORMAT_NONE] = { "", "none" },
	[FORMAT_JPEG] = { "jpg", "JPEG" },
	[FORMAT_PNG] = { "png", "PNG" },
	[FORMAT_BMP] = { "bmp", "BMP" },
	[FORMAT_TGA] = { "tga", "TGA" },
	[FORMAT_PNM] = { "pnm", "PNM" },
};

const char *format_extension(enum format format)
{
	return formats[format].ext;
}

const char *format_name(enum format format)
{
	return formats[format].name;
}

static unsigned le16(const unsigned char *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

/*
 * TGA has no magic number: accept only a header whose every field holds a
 * value the format allows, as stb's own test does, so that text and random
 * bytes are not taken for an image.
 */
static int is_tga(const unsigned char *h, size_t n)
{
	if (n < 18 || h[1] > 1)
		return 0;
	if (h[1] == 0 && h[2] != 2 && h[2] != 3 && h[2] != 10 && h[2] != 11)
		return 0;
	if (h[1] == 1 && h[2] != 1 && h[2] != 9)
		return 0;
	if (h[1] == 1 && h[7] != 15 && h[7] != 16 && h[7] != 24 && h[7] != 32)
		return 0;
	if (h[1] == 0 && (h[3] | h[4] | h[5] | h[6] | h[7]))
		return 0;
	if (!le16(h + 12) || !le16(h + 14))
		return 0;
	return h[16] == 8 || h[16] == 15 || h[16] == 16 || h[16] == 24 || h[16] == 32;
}

enum format image_sniff(const unsigned char *h, size_t n)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	if (n >= 3 && h[0] == 0xff && h[1] == 0xd8 && h[2] == 0xff)
		return FORMAT_JPEG;
	if (n >= 8 && !memcmp(h, png, 8))
		return FORMAT_PNG;
	if (n >= 14 && h[0] == 'B' && h[1] == 'M')
		return FORMAT_BMP;
	if (n >= 3 && h[0] == 'P' && (h[1] == '5' || h[1] == '6') &&
	    strchr(" \t\r\n#", h[2]))
		return FORMAT_PNM;
	if (is_tga(h, n))
		return FORMAT_TGA;
	return FORMAT_NONE;
}

int image_alloc(struct image *img, int width, int height, int channels)
{
	size_t bytes;

	if (width <= 0 || height <= 0 || channels < 1 || channels > 4)
		return error("bad image size %dx%dx%d", width, height, channels);
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

void image_move(struct image *to, struct image *from)
{
	image_release(to);
	*to = *from;
	*from = (struct image)IMAGE_INIT;
}

int image_decode(struct image *img, const unsigned char *data, size_t size,
		 uint64_t max_pixels, const char *name)
{
	int w, h, c;

	if (size > INT32_MAX)
		return error("%s: file too large to decode", name);
	if (!stbi_info_from_memory(data, (int)size, &w, &h, &c))
		return error("%s: cannot decode: %s", name, stbi_failure_reason());
	if ((uint64_t)w * (uint64_t)h > max_pixels)
		return error("%s: %dx%d is %.1f megapixels, over the limit of %.1f (--max-pixels)",
			     name, w, h, (double)w * h / 1e6, (double)max_pixels / 1e6);
	img->pixels = stbi_load_from_memory(data, (int)size, &w, &h, &c, 0);
	if (!img->pixels)
		return error("%s: cannot decode: %s", name, stbi_failure_reason());
	img->width = w;
	img->height = h;
	img->channels = c;
	return 0;
}

void buffer_release(struct buffer *buf)
{
	free(buf->data);
	*buf = (struct buffer)BUFFER_INIT;
}

static void buffer_append(void *ctx, void *data, int len)
{
	struct buffer *buf = ctx;
	size_t need = buf->len + (size_t)len;

	if (buf->failed)
		return;
	if (need > buf->alloc) {
		size_t alloc = buf->alloc ? buf->alloc : 65536;
		unsigned char *p;

		while (alloc < need)
			alloc *= 2;
		p = realloc(buf->data, alloc);
		if (!p) {
			buf->failed = 1;
			return;
		}
		buf->data = p;
		buf->alloc = alloc;
	}
	memcpy(buf->data + buf->len, data, (size_t)len);
	buf->len = need;
}

/* Binary PNM: P5 for grey, P6 for colour; alpha is dropped (PNM has none). */
static int encode_pnm(const struct image *img, struct buffer *buf)
{
	int colour = img->channels >= 3, out = colour ? 3 : 1;
	size_t row = (size_t)img->width * out;
	unsigned char *line = malloc(row);
	char head[64];
	int n;

	if (!line)
		return error("out of memory");
	n = snprintf(head, sizeof(head), "P%c\n%d %d\n255\n", colour ? '6' : '5',
		     img->width, img->height);
	buffer_append(buf, head, n);
	for (int y = 0; y < img->height; y++) {
		const unsigned char *p = img->pixels + (size_t)y * img->width * img->channels;

		for (int x = 0; x < img->width; x++)
			memcpy(line + (size_t)x * out, p + (size_t)x * img->channels, (size_t)out);
		buffer_append(buf, line, (int)row);
	}
	free(line);
	return 0;
}

int image_encode(const struct image *img, enum format format, int quality,
		 struct buffer *buf)
{
	int w = img->width, h = img->height, c = img->channels, ok = 1;

	switch (format) {
	case FORMAT_JPEG:
		ok = stbi_write_jpg_to_func(buffer_append, buf, w, h, c, img->pixels, quality);
		break;
	case FORMAT_PNG:
		ok = stbi_write_png_to_func(buffer_append, buf, w, h, c, img->pixels, w * c);
		break;
	case FORMAT_BMP:
		ok = stbi_write_bmp_to_func(buffer_append, buf, w, h, c, img->pixels);
		break;
	case FORMAT_TGA:
		ok = stbi_write_tga_to_func(buffer_append, buf, w, h, c, img->pixels);
		break;
	case FORMAT_PNM:
		if (encode_pnm(img, buf) < 0)
			return -1;
		break;
	case FORMAT_NONE:
		return error("no output format");
	}
	if (!ok)
		return error("cannot encode %s", format_name(format));
	if (buf->failed)
		return error("out of memory while encoding %s", format_name(format));
	return 0;
}

/*
 * EXIF. Every read below is checked against the bytes that are there: the
 * file may be truncated or built to mislead, and a bad tag costs only the
 * orientation, never a read out of bounds.
 */
static unsigned get16(const unsigned char *p, int big)
{
	return big ? (unsigned)p[0] << 8 | p[1] : p[0] | (unsigned)p[1] << 8;
}

static uint32_t get32(const unsigned char *p, int big)
{
	return big ? (uint32_t)get16(p, 1) << 16 | get16(p + 2, 1)
		   : get16(p, 0) | (uint32_t)get16(p + 2, 0) << 16;
}

#define EXIF_ORIENTATION 0x0112
#define TIFF_SHORT 3

/* The Orientation tag of IFD0 in a TIFF block of n bytes (an Exif APP1 body). */
static int tiff_orientation(const unsigned char *t, size_t n)
{
	uint32_t ifd;
	unsigned count;
	int big;

	if (n < 8)
		return 1;
	if (!memcmp(t, "MM\0*", 4))
		big = 1;
	else if (!memcmp(t, "II*\0", 4))
		big = 0;
	else
		return 1;
	ifd = get32(t + 4, big);
	if (ifd > n || n - ifd < 2)
		return 1;
	count = get16(t + ifd, big);
	for (size_t i = 0, e = ifd + 2; i < count && n - e >= 12; i++, e += 12) {
		unsigned value;

		if (get16(t + e, big) != EXIF_ORIENTATION)
			continue;
		if (get16(t + e + 2, big) != TIFF_SHORT || get32(t + e + 4, big) != 1)
			return 1;
		value = get16(t + e + 8, big);
		return value >= 1 && value <= 8 ? (int)value : 1;
	}
	return 1;
}

/* Markers without a length: TEM, RST0..7 and SOI. */
static int jpeg_standalone(unsigned marker)
{
	return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

/*
 * Walks the marker segments before the image data, looking for the APP1
 * segment that starts with "Exif\0\0".
 */
int image_exif_orientation(const unsigned char *data, size_t size)
{
	size_t pos = 2;

	if (size < 4 || data[0] != 0xff || data[1] != 0xd8)
		return 1;
	while (size - pos >= 4) {
		unsigned marker = data[pos + 1];
		size_t len;

		if (data[pos] != 0xff)
			return 1;
		if (marker == 0xff || jpeg_standalone(marker)) {
			pos += marker == 0xff ? 1 : 2;
			continue;
		}
		if (marker == 0xda || marker == 0xd9)
			return 1;	/* start of scan or end of image: no EXIF */
		len = get16(data + pos + 2, 1);
		if (len < 2 || len > size - pos - 2)
			return 1;
		if (marker == 0xe1 && len - 2 >= 6 && !memcmp(data + pos + 4, "Exif\0\0", 6))
			return tiff_orientation(data + pos + 10, len - 8);
		pos += 2 + len;
	}
	return 1;
}

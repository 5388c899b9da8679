#include "codec/image.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "codec/probe.h"
#include "codec/stb.h"
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

static unsigned get16(const unsigned char *p, int big)
{
	return big ? (unsigned)p[0] << 8 | p[1] : p[0] | (unsigned)p[1] << 8;
}

static uint32_t get32(const unsigned char *p, int big)
{
	return big ? (uint32_t)get16(p, 1) << 16 | get16(p + 2, 1)
		   : get16(p, 0) | (uint32_t)get16(p + 2, 0) << 16;
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
	if (p->width > STBI_MAX_DIMENSIONS || p->height > STBI_MAX_DIMENSIONS)
		return error("%s with a side longer than %d pixels: %ux%u", format_name(p->format),
			     STBI_MAX_DIMENSIONS, p->width, p->height);
	return 0;
}

int image_header(struct probe *p, const unsigned char *data, size_t n, uint64_t max_pixels)
{
	int ret = probe_header(p, data, n);

	if (ret < 0 && p->format != FORMAT_NONE)
		return error_prefix("cannot decode");
	return ret ? ret : image_check_size(p, max_pixels);
}

enum reason_kind { CORRUPT, UNSUPPORTED, OTHER };

/*
 * stb_image's failure codes in pixpool's words. A code not listed is told
 * as a corrupt file of the sniffed format: stb's own text is never shown,
 * since one of its messages is built from the file's bytes.
 */
static const struct {
	const char *stb;
	enum reason_kind kind;
	const char *text;
} stb_reasons[] = {
	{ "outofmem", OTHER, "out of memory" },
	{ "only 8-bit", UNSUPPORTED, "with 12-bit samples" },
	{ "unknown marker", OTHER, "corrupt JPEG, or coded in a way pixpool does not read (unknown marker)" },
	{ "expected marker", CORRUPT, "a marker is missing" },
	{ "no SOF", CORRUPT, "no frame header" },
	{ "bad SOF len", CORRUPT, "bad frame header" },
	{ "bad component count", CORRUPT, "bad frame header" },
	{ "bad H", CORRUPT, "bad frame header" },
	{ "bad V", CORRUPT, "bad frame header" },
	{ "bad TQ", CORRUPT, "bad frame header" },
	{ "bad SOS", CORRUPT, "bad scan header" },
	{ "bad SOS len", CORRUPT, "bad scan header" },
	{ "bad SOS component count", CORRUPT, "bad scan header" },
	{ "bad DC huff", CORRUPT, "bad scan header" },
	{ "bad AC huff", CORRUPT, "bad scan header" },
	{ "can't merge dc and ac", CORRUPT, "bad progressive scan" },
	{ "bad DQT type", CORRUPT, "bad quantisation table" },
	{ "bad DRI len", CORRUPT, "bad restart interval" },
	{ "bad APP len", CORRUPT, "bad segment length" },
	{ "bad COM len", CORRUPT, "bad segment length" },
	{ "first not IHDR", CORRUPT, "the first chunk is not IHDR" },
	{ "multiple IHDR", CORRUPT, "more than one IHDR chunk" },
	{ "bad IHDR len", CORRUPT, "bad IHDR chunk" },
	{ "bad tRNS len", CORRUPT, "bad transparency chunk" },
	{ "tRNS after IDAT", CORRUPT, "bad transparency chunk" },
	{ "tRNS before PLTE", CORRUPT, "bad transparency chunk" },
	{ "tRNS with alpha", CORRUPT, "bad transparency chunk" },
	{ "invalid width", CORRUPT, "bad width" },
	{ "bad comp method", CORRUPT, "bad compression method" },
	{ "bad filter method", CORRUPT, "bad filter method" },
	{ "bad interlace method", CORRUPT, "bad interlace method" },
	{ "BMP RLE", UNSUPPORTED, "compressed with RLE" },
	{ "BMP JPEG/PNG", UNSUPPORTED, "holding JPEG or PNG data" },
	{ "bad huffman code", CORRUPT, "bad Huffman code" },
	{ "bad code lengths", CORRUPT, "bad Huffman table" },
	{ "bad codelengths", CORRUPT, "bad Huffman table" },
	{ "bad DHT header", CORRUPT, "bad Huffman table" },
	{ "bad DQT table", CORRUPT, "bad quantisation table" },
	{ "zlib corrupt", CORRUPT, "bad compressed data" },
	{ "bad zlib header", CORRUPT, "bad compressed data" },
	{ "bad dist", CORRUPT, "bad compressed data" },
	{ "read past buffer", CORRUPT, "bad compressed data" },
	{ "output buffer limit", CORRUPT, "bad compressed data" },
	{ "bad compression", CORRUPT, "bad compressed data" },
	{ "no preset dict", CORRUPT, "bad compressed data" },
	{ "not enough pixels", CORRUPT, "the image data ends early" },
	{ "invalid filter", CORRUPT, "bad row filter" },
	{ "1/2/4/8/16-bit only", CORRUPT, "bad bit depth" },
	{ "bad ctype", CORRUPT, "bad colour type" },
	{ "no IDAT", CORRUPT, "no image data" },
	{ "no PLTE", CORRUPT, "no palette" },
	{ "invalid PLTE", CORRUPT, "bad palette" },
	{ "bad palette", CORRUPT, "bad palette" },
	{ "bad masks", CORRUPT, "bad colour masks" },
	{ "bad offset", CORRUPT, "bad pixel data offset" },
	{ "bad bpp", CORRUPT, "bad bits per pixel" },
};

/* Why stb_image failed on a file of this format, from its failure code. */
static int stb_failure(enum format format)
{
	const char *code = stbi_failure_reason();
	const char *name = format_name(format);

	for (size_t i = 0; code && i < sizeof(stb_reasons) / sizeof(stb_reasons[0]); i++) {
		if (strcmp(code, stb_reasons[i].stb))
			continue;
		if (stb_reasons[i].kind == UNSUPPORTED)
			return error("cannot decode: %s %s that pixpool does not read", name,
				     stb_reasons[i].text);
		if (stb_reasons[i].kind == OTHER)
			return error("cannot decode: %s", stb_reasons[i].text);
		return error("cannot decode: corrupt %s: %s", name, stb_reasons[i].text);
	}
	return error("cannot decode: corrupt %s", name);
}

/*
 * Copies one PNG chunk of len bytes at d (whole, with its CRC) to out, in
 * the form stb_image can read safely; returns the bytes written. stb copies
 * each IDAT chunk to a buffer it allocates at the first one with data, so an
 * empty one before is a memcpy to NULL: empty IDAT chunks hold nothing and
 * are dropped. stb keeps the palette in an uninitialised array on the stack
 * and looks up indices past its end: a short palette is padded with black to
 * 256 colours. stb checks no CRC, so the old one is kept.
 */
static size_t png_safe_chunk(const unsigned char *d, size_t len, unsigned char *out)
{
	uint32_t data = get32(d, 1);

	if (len == 12 && !memcmp(d + 4, "IDAT", 4))
		return 0;
	if (memcmp(d + 4, "PLTE", 4) || data % 3 || data >= 3 * 256) {
		memcpy(out, d, len);
		return len;
	}
	memcpy(out, "\0\0\3\0PLTE", 8);
	memcpy(out + 8, d + 8, data);
	memset(out + 8 + data, 0, 3 * 256 - data);
	memcpy(out + 8 + 3 * 256, d + 8 + data, 4);
	return 12 + 3 * 256;
}

/* The next chunk after the one at pos; probe_complete found every chunk whole up to IEND. */
static size_t png_next(const unsigned char *d, size_t pos)
{
	return pos + 12 + get32(d + pos, 1);
}

/* A copy of a PNG whose chunks probe_complete checked, for png_safe_chunk's reasons. */
static unsigned char *png_safe_copy(const unsigned char *d, size_t n, size_t *len)
{
	size_t pos, out = 8, grow = 0;
	unsigned char *copy;

	for (pos = 8; memcmp(d + pos + 4, "IEND", 4); pos = png_next(d, pos))
		grow += memcmp(d + pos + 4, "PLTE", 4) ? 0 : 3 * 256;
	copy = malloc(n + grow);
	if (!copy)
		return NULL;
	memcpy(copy, d, 8);
	for (pos = 8; memcmp(d + pos + 4, "IEND", 4); pos = png_next(d, pos))
		out += png_safe_chunk(d + pos, png_next(d, pos) - pos, copy + out);
	memcpy(copy + out, d + pos, n - pos);
	*len = out + n - pos;
	return copy;
}

/* Decodes with stb_image a file that the probe accepted. */
static int stb_decode(struct image *img, const struct probe *p, const unsigned char *data,
		      size_t size, int shrink)
{
	int w, h, c, full_w, full_h;

	stb_failure_clear();
	if (p->format == FORMAT_JPEG) {
		img->pixels = stb_jpeg_load(data, (int)size, &shrink, &w, &h, &c, &full_w, &full_h);
	} else {
		img->pixels = stbi_load_from_memory(data, (int)size, &w, &h, &c, 0);
		full_w = w;
		full_h = h;
		shrink = 1;
	}
	if (!img->pixels)
		return stb_failure(p->format);
	if ((uint32_t)full_w != p->width || (uint32_t)full_h != p->height) {
		image_release(img);
		return error("cannot decode: corrupt %s: its size reads two ways",
			     format_name(p->format));
	}
	img->width = w;
	img->height = h;
	img->channels = c;
	if (shrink > 1) {
		img->shrink = shrink;
		img->full_width = full_w;
		img->full_height = full_h;
	}
	return 0;
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
	unsigned char *copy = NULL;
	int ret = image_header(&p, data, size, max_pixels);

	if (ret == PROBE_MORE)
		ret = error("cannot decode: truncated %s", format_name(p.format));
	if (ret == 0 && probe_complete(&p, data, size) < 0)
		ret = error_prefix("cannot decode");
	if (ret == 0 && size > INT_MAX)
		ret = error("%s file of %zu bytes, more than the decoder reads (2 GiB)",
			    format_name(p.format), size);
	if (ret == 0 && (p.empty_idat || p.short_palette)) {
		copy = png_safe_copy(data, size, &size);
		data = copy;
		if (!copy)
			ret = error("out of memory");
	}
	if (ret == 0)
		ret = stb_decode(img, &p, data, size, shrink);
	free(copy);
	return ret < 0 ? error_prefix(name) : 0;
}

void buffer_release(struct buffer *buf)
{
	free(buf->data);
	*buf = (struct buffer)BUFFER_INIT;
}

void buffer_put(struct buffer *buf, const void *data, size_t len)
{
	size_t need = buf->len + len;

	if (buf->failed || !len)
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
	memcpy(buf->data + buf->len, data, len);
	buf->len = need;
}

/* stb_image_write's output callback. */
static void buffer_append(void *ctx, void *data, int len)
{
	buffer_put(ctx, data, (size_t)len);
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

/*
 * Filtered PNG rows (a filter byte and width x channels samples each) that
 * stb_image_write can compress: its deflate may spend 9 bits on a byte, and
 * it grows the output by doubling an int, so the output must stay under
 * 2^30 bytes.
 */
#define PNG_ENCODE_MAX ((1u << 30) / 9 * 8 - 65536)

/*
 * Why stb_image_write (or the PNM writer) cannot encode img as format, or
 * NULL when it can. It indexes samples with int; JPEG and TGA store each
 * side in 16 bits; a BMP stores its file size in 32 bits, at up to 4 bytes
 * a pixel and 3 of padding a row.
 */
static const char *too_large_to_encode(const struct image *img, enum format format)
{
	uint64_t w = (uint64_t)img->width, h = (uint64_t)img->height, c = (uint64_t)img->channels;

	if ((format == FORMAT_JPEG || format == FORMAT_TGA) && (w > 65535 || h > 65535))
		return "a side is longer than the format's 65535 pixels";
	if (w * h * c > INT_MAX || (format == FORMAT_BMP && (4 * w + 3) * h + 122 > INT_MAX))
		return "more than 2 GiB of pixels, over what the encoder takes";
	if (format == FORMAT_PNG && (w * c + 1) * h > PNG_ENCODE_MAX)
		return "over the 950 MB of pixels the PNG encoder takes";
	return NULL;
}

int image_encode(const struct image *img, enum format format, int quality, int png_level,
		 struct buffer *buf)
{
	int w = img->width, h = img->height, c = img->channels, ok = 1;
	const char *too_large = too_large_to_encode(img, format);

	if (too_large)
		return error("cannot encode %dx%d as %s: %s", w, h, format_name(format), too_large);
	switch (format) {
	case FORMAT_JPEG:
		ok = stb_write_jpg(buffer_append, buf, w, h, c, img->pixels, quality);
		break;
	case FORMAT_PNG:
		stb_png_level(png_level);
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

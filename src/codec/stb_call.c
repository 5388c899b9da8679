/*
 * The rows' calls into stb_image and stb_image_write (stb.h): decode into a
 * struct image, encode into a buffer, and stb's failures in pixpool's words.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/probe.h"
#include "codec/stb.h"
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

_Static_assert(STBI_MAX_DIMENSIONS == IMAGE_MAX_SIDE,
	       "stb_image refuses what image_check_size lets through, or the reverse");

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
	{ "bad Image Descriptor", CORRUPT, "a frame lies outside the image" },
	{ "missing color table", CORRUPT, "no colour table" },
	{ "wrong color format", UNSUPPORTED, "in a colour mode other than RGB" },
	{ "corrupt", CORRUPT, "bad compressed data" },
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

/* What stb decoded, checked against the probe's header, into img. */
struct decoded {
	unsigned char *pixels;
	int w, h, c, full_w, full_h, shrink;
};

static int take(struct image *img, const struct probe *p, const struct decoded *r)
{
	if (!r->pixels)
		return stb_failure(p->format);
	if ((uint32_t)r->full_w != p->width || (uint32_t)r->full_h != p->height) {
		stbi_image_free(r->pixels);
		return error("cannot decode: corrupt %s: its size reads two ways",
			     format_name(p->format));
	}
	img->pixels = r->pixels;
	img->width = r->w;
	img->height = r->h;
	img->channels = r->c;
	if (r->shrink > 1) {
		img->shrink = r->shrink;
		img->full_width = r->full_w;
		img->full_height = r->full_h;
	}
	return 0;
}

/*
 * n samples of 16 bits reduced in place to 8 (sample_16_to_8), the block
 * then shrunk to their size. Sample i is written to byte i only once
 * sample i (bytes 2i and 2i + 1) and every one before it have been read.
 */
static unsigned char *reduce_16(stbi_us *samples, size_t n)
{
	unsigned char *bytes = (unsigned char *)samples, *shrunk;

	for (size_t i = 0; i < n; i++)
		bytes[i] = sample_16_to_8(samples[i]);
	shrunk = realloc(bytes, n ? n : 1);
	return shrunk ? shrunk : bytes;
}

/* stbi_load_from_memory, 16-bit files reduced here with rounding; req: channels, 0 the file's. */
static void load(struct decoded *r, const struct probe *p, const unsigned char *data,
		 size_t size, int req)
{
	stbi_us *wide;

	stb_failure_clear();
	if (p->bits != 16) {
		r->pixels = stbi_load_from_memory(data, (int)size, &r->w, &r->h, &r->c, req);
	} else {
		wide = stbi_load_16_from_memory(data, (int)size, &r->w, &r->h, &r->c, req);
		r->pixels = NULL;
		if (wide)
			r->pixels = reduce_16(wide, (size_t)r->w * (size_t)r->h *
					      (size_t)(req ? req : r->c));
	}
	if (req)
		r->c = req;
	r->full_w = r->w;
	r->full_h = r->h;
}

static int decoded(struct image *img, const struct probe *p, const struct decoded *r)
{
	if (take(img, p, r) < 0)
		return -1;
	img->bits = p->bits;
	img->pages = p->pages;
	return 0;
}

int stb_decode(struct image *img, const struct probe *p, const unsigned char *data, size_t size)
{
	struct decoded r = { .shrink = 1 };

	load(&r, p, data, size, 0);
	return decoded(img, p, &r);
}

int stb_decode_channels(struct image *img, const struct probe *p, const unsigned char *data,
			size_t size)
{
	struct decoded r = { .shrink = 1 };

	load(&r, p, data, size, p->channels);
	return decoded(img, p, &r);
}

int stb_decode_jpeg(struct image *img, const struct probe *p, const unsigned char *data,
		    size_t size, int shrink)
{
	struct decoded r = { .shrink = shrink };

	stb_failure_clear();
	r.pixels = stb_jpeg_load(data, (int)size, &r.shrink, &r.w, &r.h, &r.c, &r.full_w,
				 &r.full_h);
	return take(img, p, &r);
}

/* stb_image_write's output callback. */
static void append(void *ctx, void *data, int len)
{
	buffer_put(ctx, data, (size_t)len);
}

static int written(int ok, enum format format)
{
	return ok ? 0 : error("cannot encode %s", format_name(format));
}

int stb_encode_jpeg(const struct image *img, int quality, struct buffer *buf)
{
	return written(stb_write_jpg(append, buf, img->width, img->height, img->channels,
				     img->pixels, quality), FORMAT_JPEG);
}

int stb_encode_png(const struct image *img, int level, struct buffer *buf)
{
	stb_png_level(level);
	return written(stbi_write_png_to_func(append, buf, img->width, img->height, img->channels,
					      img->pixels, img->width * img->channels), FORMAT_PNG);
}

int stb_encode_bmp(const struct image *img, struct buffer *buf)
{
	return written(stbi_write_bmp_to_func(append, buf, img->width, img->height, img->channels,
					      img->pixels), FORMAT_BMP);
}

int stb_encode_tga(const struct image *img, struct buffer *buf)
{
	return written(stbi_write_tga_to_func(append, buf, img->width, img->height, img->channels,
					      img->pixels), FORMAT_TGA);
}

/* TGA's row of the format table (format.h): read and written, without metadata. */
#include "base/error.h"
#include "codec/bytes.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/probe.h"
#include "codec/stb.h"

/*
 * TGA has no magic number: accept only a header whose every field holds a
 * value the format allows, as stb's own test does, so that text and random
 * bytes are not taken for an image.
 */
static int tga_sniff(const unsigned char *h, size_t n)
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

/*
 * The channels stb_image gives for bits a pixel (of the colour map, for an
 * image of indices): grey, grey and alpha (16-bit grey), RGB (15 and 16-bit
 * colour, 24), RGBA (32).
 */
static int channels(unsigned bits, int grey)
{
	switch (bits) {
	case 8: return 1;
	case 16: return grey ? 2 : 3;
	case 15: return 3;
	case 24: return 3;
	case 32: return 4;
	default: return 0;
	}
}

static int tga_header(struct probe *p, const unsigned char *d, size_t n)
{
	if (n < 18)
		return PROBE_MORE;
	p->width = le16(d + 12);
	p->height = le16(d + 14);
	p->channels = d[1] ? channels(d[7], 0) : channels(d[16], d[2] == 3 || d[2] == 11);
	if (!p->width || !p->height)
		return error("corrupt TGA: zero width or height");
	return 0;
}

/* The end of run-length encoded pixels that start at pos; n + 1 when they run past n. */
static uint64_t rle_end(const unsigned char *d, size_t n, uint64_t pos, uint64_t pixels,
			unsigned bytes)
{
	for (uint64_t done = 0; done < pixels; ) {
		unsigned packet;
		uint64_t count;

		if (pos >= n)
			return (uint64_t)n + 1;
		packet = d[pos++];
		count = (packet & 127) + 1;
		if (count > pixels - done)
			count = pixels - done;
		pos += packet & 128 ? bytes : count * bytes;
		done += count;
	}
	return pos;
}

/*
 * The bytes stb_image reads: the 18-byte header, the image ID, the colour
 * map (from its first entry), then one pixel or index per pixel, or packets
 * of them when run-length encoded (types 9, 10 and 11).
 */
static int tga_complete(struct probe *p, const unsigned char *d, size_t n)
{
	uint64_t pos = 18 + (uint64_t)d[0];
	uint64_t pixels = (uint64_t)p->width * p->height;
	unsigned bytes = (d[16] + 7u) / 8;

	if (d[1])
		pos += le16(d + 3) + (uint64_t)le16(d + 5) * ((d[7] + 7u) / 8);
	if (d[2] >= 8)
		pos = rle_end(d, n, pos, pixels, bytes);
	else
		pos += pixels * bytes;
	return pos > n ? error("truncated %s", format_name(p->format)) : 0;
}

static int tga_decode(struct image *img, const struct probe *p, const unsigned char *d,
		      size_t n, int shrink)
{
	(void)shrink;
	return stb_decode(img, p, d, n);
}

static int tga_encode(const struct image *img, const struct encode_options *o,
		      struct buffer *buf)
{
	(void)o;
	return stb_encode_tga(img, buf);
}

static const char *const tga_extensions[] = { "tga", NULL };
static const char *const tga_words[] = { "tga", NULL };

const struct format_row format_tga = {
	.name = "TGA",
	.ext = "tga",
	.words = tga_words,
	.extensions = tga_extensions,
	.sniff = tga_sniff,
	.header = tga_header,
	.complete = tga_complete,
	.decode = tga_decode,
	.encode = tga_encode,
	.max_side = 65535,
};

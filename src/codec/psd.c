/*
 * PSD's row of the format table (format.h): read, not written. stb_image
 * reads the composite image Photoshop stores after the layers ("maximise
 * compatibility"), in RGB, 8 or 16 bits a sample: its colour, flattened on
 * white; the layers and the alpha channel are not read.
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/probe.h"
#include "codec/stb.h"

#define PSD_HEADER 26
#define PSD_RGB 3
#define PSD_RAW 0
#define PSD_RLE 1
/* The largest side Photoshop writes in a PSD (a PSB holds more). */
#define PSD_MAX_SIDE 30000

static int psd_sniff(const unsigned char *h, size_t n)
{
	return n >= 6 && !memcmp(h, "8BPS", 4) && be16(h + 4) == 1;
}

/*
 * The header: channels, height, width, depth and colour mode. stb_image
 * reads RGB alone, and gives four channels; the decode asks for three,
 * the composite's colour (see three_channels).
 */
static int psd_header(struct probe *p, const unsigned char *d, size_t n)
{
	unsigned channels, depth;

	if (n < PSD_HEADER)
		return PROBE_MORE;
	channels = be16(d + 12);
	p->height = be32(d + 14);
	p->width = be32(d + 18);
	depth = be16(d + 22);
	if (!p->width || !p->height || p->width > PSD_MAX_SIDE || p->height > PSD_MAX_SIDE)
		return error("corrupt PSD: bad width or height");
	if (channels < 1 || channels > 56)
		return error("corrupt PSD: bad channel count");
	if (depth != 8 && depth != 16)
		return error("PSD with %u-bit samples, which pixpool does not read", depth);
	if (be16(d + 24) != PSD_RGB)
		return error("PSD in a colour mode other than RGB, which pixpool does not read");
	if (channels > 16)
		return error("PSD with more than 16 channels, which pixpool does not read");
	p->channels = 3;
	p->bits = (int)depth;
	return 0;
}

/* Steps over a section that starts with its length in 32 bits; -1 when it runs past the end. */
static int skip_section(const unsigned char *d, size_t n, uint64_t *pos)
{
	if (!bytes_fit(n, *pos, 4) || !bytes_fit(n, *pos + 4, be32(d + *pos)))
		return -1;
	*pos += 4 + (uint64_t)be32(d + *pos);
	return 0;
}

/*
 * RLE data: a 16-bit byte count for every row of every channel, then the
 * rows; every row within the file.
 */
static int rle_complete(const unsigned char *d, size_t n, uint64_t pos, uint64_t rows)
{
	uint64_t data = pos + 2 * rows;

	if (!bytes_fit(n, pos, 2 * rows))
		return error("truncated PSD");
	for (uint64_t r = 0; r < rows; r++)
		data += be16(d + pos + 2 * r);
	return data <= n ? 0 : error("truncated PSD");
}

/*
 * The sections (colour mode data, image resources, layers and masks), each
 * within the file, then the composite image whole: every sample of every
 * channel stored raw, or every row of RLE. stb_image reads 16-bit RLE as if
 * it were 8-bit, so that is refused.
 */
static int psd_complete(struct probe *p, const unsigned char *d, size_t n)
{
	uint64_t pos = PSD_HEADER, channels = be16(d + 12);
	unsigned compression;

	for (int section = 0; section < 3; section++)
		if (skip_section(d, n, &pos) < 0)
			return error("truncated PSD");
	if (!bytes_fit(n, pos, 2))
		return error("truncated PSD");
	compression = be16(d + pos);
	pos += 2;
	if (compression == PSD_RLE && p->bits == 16)
		return error("PSD with 16-bit samples compressed with RLE, which pixpool does not read");
	if (compression == PSD_RLE)
		return rle_complete(d, n, pos, channels * p->height);
	if (compression != PSD_RAW)
		return error("PSD compressed with ZIP, which pixpool does not read");
	if (!bytes_fit(n, pos, channels * p->width * p->height * (p->bits == 16 ? 2 : 1)))
		return error("truncated PSD");
	return 0;
}

/* Where the composite's compression field lies: past the sections psd_complete checked. */
static size_t composite_at(const unsigned char *d, size_t n)
{
	uint64_t pos = PSD_HEADER;

	for (int section = 0; section < 3; section++)
		if (skip_section(d, n, &pos) < 0)
			return n;
	return (size_t)pos;
}

/*
 * A copy of a PSD of more than three channels that says three. stb_image
 * takes the fourth for alpha and "removes the white matte" from the colour
 * with a float to integer conversion that overflows, undefined, where a
 * colour is darker than its alpha allows, as in a hostile file. What is
 * read is the colour of the composite, flattened on white as Photoshop
 * stores it: the first three channels, whose rows (raw, or RLE after the
 * table of every channel's row lengths) come first. The table keeps the
 * lengths of the three alone.
 */
static unsigned char *three_channels(const unsigned char *d, size_t n, const struct probe *p,
				     size_t *len)
{
	size_t at = composite_at(d, n) + 2, keep = at, drop = 0;
	unsigned char *copy;

	if (be16(d + at - 2) == PSD_RLE) {
		keep = at + 2 * 3 * (size_t)p->height;
		drop = 2 * (be16(d + 12) - 3) * (size_t)p->height;
	}
	if (keep + drop > n || !(copy = malloc(n - drop)))
		return NULL;
	memcpy(copy, d, keep);
	memcpy(copy + keep, d + keep + drop, n - keep - drop);
	copy[12] = 0;
	copy[13] = 3;
	*len = n - drop;
	return copy;
}

static int psd_decode(struct image *img, const struct probe *p, const unsigned char *d,
		      size_t n, int shrink)
{
	unsigned char *copy = NULL;
	int ret;

	(void)shrink;
	if (be16(d + 12) > 3) {
		copy = three_channels(d, n, p, &n);
		if (!copy)
			return error("out of memory");
		d = copy;
	}
	ret = stb_decode_channels(img, p, d, n);
	free(copy);
	return ret;
}

static const char *const psd_extensions[] = { "psd", NULL };
static const char *const psd_words[] = { "psd", NULL };

const struct format_row format_psd = {
	.name = "PSD",
	.ext = "psd",
	.words = psd_words,
	.extensions = psd_extensions,
	.sniff = psd_sniff,
	.header = psd_header,
	.complete = psd_complete,
	.decode = psd_decode,
};

/*
 * GIF's row of the format table (format.h): read, not written. An animated
 * GIF is decoded to its first frame, as stb_image reads it; the probe
 * counts the frames, so that the user is told how many there were.
 */
#include <string.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/probe.h"
#include "codec/stb.h"

#define GIF_IMAGE 0x2c
#define GIF_EXTENSION 0x21
#define GIF_TRAILER 0x3b
/* The frames counted at most: the count is for a message, the walk need go no further. */
#define GIF_MAX_FRAMES 65535

static int gif_sniff(const unsigned char *h, size_t n)
{
	return n >= 6 && (!memcmp(h, "GIF87a", 6) || !memcmp(h, "GIF89a", 6));
}

/* The logical screen: width and height; stb_image gives every GIF four channels. */
static int gif_header(struct probe *p, const unsigned char *d, size_t n)
{
	if (n < 13)
		return PROBE_MORE;
	p->width = le16(d + 6);
	p->height = le16(d + 8);
	p->channels = 4;
	if (!p->width || !p->height)
		return error("corrupt GIF: bad width or height");
	return 0;
}

/* The bytes of a colour table its flags announce: 3 x 2^(size + 1), or 0. */
static size_t colour_table(unsigned flags)
{
	return flags & 0x80 ? 3u << ((flags & 7) + 1) : 0;
}

/* Steps over the sub-blocks at *pos and their terminator; -1 when they run past the end. */
static int skip_sub_blocks(const unsigned char *d, size_t n, size_t *pos)
{
	while (*pos < n) {
		size_t len = d[(*pos)++];

		if (!len)
			return 0;
		if (!bytes_fit(n, *pos, len))
			return -1;
		*pos += len;
	}
	return -1;
}

/*
 * An image descriptor at *pos (its separator included), stepped over. The
 * first frame, which stb_image decodes, must lie within the screen, have a
 * colour table and an LZW code size stb reads.
 */
static int frame(const struct probe *p, const unsigned char *d, size_t n, size_t *pos,
		 int first, unsigned screen_flags)
{
	const unsigned char *f = d + *pos;
	size_t table;

	if (!bytes_fit(n, *pos, 11))
		return error("truncated GIF");
	table = colour_table(f[9]);
	if (first && ((uint64_t)le16(f + 1) + le16(f + 5) > p->width ||
		      (uint64_t)le16(f + 3) + le16(f + 7) > p->height))
		return error("corrupt GIF: a frame lies outside the image");
	if (first && !table && !(screen_flags & 0x80))
		return error("corrupt GIF: no colour table");
	*pos += 10;
	if (!bytes_fit(n, *pos, table + 1))
		return error("truncated GIF");
	*pos += table;
	if (first && d[*pos] > 12)
		return error("corrupt GIF: bad LZW code size");
	++*pos;
	return skip_sub_blocks(d, n, pos) < 0 ? error("truncated GIF") : 0;
}

/*
 * Every block from the screen's colour table to the trailer, within the
 * file: image descriptors (counted), extensions, and nothing else.
 */
static int gif_complete(struct probe *p, const unsigned char *d, size_t n)
{
	size_t pos = 13 + colour_table(d[10]);
	int frames = 0;

	while (bytes_fit(n, pos, 1) && d[pos] != GIF_TRAILER) {
		if (d[pos] == GIF_IMAGE) {
			if (frame(p, d, n, &pos, frames == 0, d[10]) < 0)
				return -1;
			frames += frames < GIF_MAX_FRAMES;
		} else if (d[pos] == GIF_EXTENSION) {
			pos += 2;
			if (pos > n || skip_sub_blocks(d, n, &pos) < 0)
				return error("truncated GIF");
		} else {
			return error("corrupt GIF: a block of unknown kind");
		}
	}
	if (!bytes_fit(n, pos, 1))
		return error("truncated GIF");
	if (!frames)
		return error("corrupt GIF: no frame");
	p->pages = frames > 1 ? frames : 0;
	return 0;
}

static int gif_decode(struct image *img, const struct probe *p, const unsigned char *d,
		      size_t n, int shrink)
{
	(void)shrink;
	return stb_decode_channels(img, p, d, n);
}

static const char *const gif_extensions[] = { "gif", NULL };
static const char *const gif_words[] = { "gif", NULL };

const struct format_row format_gif = {
	.name = "GIF",
	.ext = "gif",
	.words = gif_words,
	.extensions = gif_extensions,
	.sniff = gif_sniff,
	.header = gif_header,
	.complete = gif_complete,
	.decode = gif_decode,
};

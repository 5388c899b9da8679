/* PNM's row of the format table (format.h): binary P5 (grey) and P6 (colour), without metadata. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/probe.h"
#include "codec/stb.h"

static int pnm_sniff(const unsigned char *h, size_t n)
{
	return n >= 3 && h[0] == 'P' && (h[1] == '5' || h[1] == '6') && strchr(" \t\r\n#", h[2]);
}

static int space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Whitespace and '#' comments, as stb_image skips them. */
static void skip(const unsigned char *d, size_t n, size_t *pos)
{
	while (*pos < n) {
		if (space(d[*pos]))
			++*pos;
		else if (d[*pos] == '#')
			while (*pos < n && d[*pos] != '\n' && d[*pos] != '\r')
				++*pos;
		else
			break;
	}
}

/*
 * The next number of the header. stb_image adds up every digit in an int,
 * which overflows on a long number: more than 9 digits is refused here.
 */
static int number(const unsigned char *d, size_t n, size_t *pos, uint32_t *value)
{
	int digits = 0;

	skip(d, n, pos);
	for (*value = 0; *pos < n && d[*pos] >= '0' && d[*pos] <= '9'; ++*pos) {
		if (++digits > 9)
			return error("corrupt PNM: a number in the header is too long");
		*value = *value * 10 + (uint32_t)(d[*pos] - '0');
	}
	if (*pos >= n)
		return PROBE_MORE;
	return digits ? 0 : error("corrupt PNM: a number is missing from the header");
}

/* The size and sample range from the header, and where the pixels start. */
static int parse(struct probe *p, const unsigned char *d, size_t n, uint32_t *max, size_t *start)
{
	size_t pos = 2;
	int ret;

	p->channels = d[1] == '6' ? 3 : 1;
	if ((ret = number(d, n, &pos, &p->width)) ||
	    (ret = number(d, n, &pos, &p->height)) ||
	    (ret = number(d, n, &pos, max)))
		return ret;
	if (!p->width || !p->height)
		return error("corrupt PNM: zero width or height");
	if (*max > 65535)
		return error("PNM with samples over 16 bits, which pixpool does not read");
	*start = pos + 1;	/* one whitespace byte ends the header */
	return 0;
}

static int pnm_header(struct probe *p, const unsigned char *d, size_t n)
{
	uint32_t max;
	size_t start;

	return parse(p, d, n, &max, &start);
}

static int pnm_complete(struct probe *p, const unsigned char *d, size_t n)
{
	uint32_t max = 0;
	size_t start = 0;
	uint64_t samples;
	int ret = parse(p, d, n, &max, &start);

	if (ret)
		return ret == PROBE_MORE ? error("truncated %s", format_name(p->format)) : ret;
	samples = (uint64_t)p->width * p->height * (d[1] == '6' ? 3 : 1);
	if (start + samples * (max > 255 ? 2 : 1) > n)
		return error("truncated %s", format_name(p->format));
	return 0;
}

static int pnm_decode(struct image *img, const struct probe *p, const unsigned char *d,
		      size_t n, int shrink)
{
	(void)shrink;
	return stb_decode(img, p, d, n);
}

/* Binary PNM: P5 for grey, P6 for colour; alpha is dropped (PNM has none). */
static int pnm_encode(const struct image *img, const struct encode_options *o,
		      struct buffer *buf)
{
	int colour = img->channels >= 3, out = colour ? 3 : 1;
	size_t row = (size_t)img->width * out;
	unsigned char *line = malloc(row);
	char head[64];
	int n;

	(void)o;
	if (!line)
		return error("out of memory");
	n = snprintf(head, sizeof(head), "P%c\n%d %d\n255\n", colour ? '6' : '5',
		     img->width, img->height);
	buffer_put(buf, head, (size_t)n);
	for (int y = 0; y < img->height; y++) {
		const unsigned char *p = img->pixels + (size_t)y * img->width * img->channels;

		for (int x = 0; x < img->width; x++)
			memcpy(line + (size_t)x * out, p + (size_t)x * img->channels, (size_t)out);
		buffer_put(buf, line, row);
	}
	free(line);
	return 0;
}

static const char *const pnm_extensions[] = { "pnm", "ppm", "pgm", NULL };
static const char *const pnm_words[] = { "pnm", NULL };

const struct format_row format_pnm = {
	.name = "PNM",
	.ext = "pnm",
	.words = pnm_words,
	.extensions = pnm_extensions,
	.sniff = pnm_sniff,
	.header = pnm_header,
	.complete = pnm_complete,
	.decode = pnm_decode,
	.encode = pnm_encode,
	.opaque = 1,
};

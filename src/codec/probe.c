#include "codec/probe.h"

#include <string.h>

#include "base/error.h"

static uint32_t be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return be16(p) << 16 | be16(p + 2);
}

static uint32_t le16(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static int truncated(const struct probe *p)
{
	return error("truncated %s", format_name(p->format));
}

/*
 * JPEG. The walks below skip what stb_image skips: stray bytes before a
 * marker, 0xff fill bytes, and segments by their length.
 */

/* Markers without a length: TEM, RST0..7, SOI and EOI. */
static int jpeg_standalone(int marker)
{
	return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd9);
}

/* Frame headers, SOF0..SOF15: every 0xcN but DHT, JPG and DAC. */
static int jpeg_frame(int marker)
{
	return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 &&
	       marker != 0xcc;
}

/* The marker at or after *pos, left on its code byte; -1 when the data ends first. */
static int jpeg_marker(const unsigned char *d, size_t n, size_t *pos)
{
	const unsigned char *ff = *pos < n ? memchr(d + *pos, 0xff, n - *pos) : NULL;
	size_t i;

	if (!ff)
		return -1;
	for (i = (size_t)(ff - d); i < n && d[i] == 0xff; i++)
		continue;
	if (i >= n)
		return -1;
	*pos = i;
	return d[i];
}

/*
 * Skips entropy-coded data from *pos to the next marker that is not a
 * restart or a stuffed 0xff00; leaves *pos on its code byte, as jpeg_marker.
 */
static int jpeg_skip_scan(const unsigned char *d, size_t n, size_t *pos)
{
	for (size_t i = *pos; i + 1 < n; i++) {
		const unsigned char *ff = memchr(d + i, 0xff, n - i - 1);
		int m;

		if (!ff)
			return -1;
		i = (size_t)(ff - d);
		m = d[i + 1];
		if (m != 0x00 && m != 0xff && (m < 0xd0 || m > 0xd7)) {
			*pos = i + 1;
			return m;
		}
	}
	return -1;
}

/* Width and height from the frame header whose length field starts at s (n bytes there). */
static int jpeg_size(struct probe *p, const unsigned char *s, size_t n)
{
	if (n < 7)
		return PROBE_MORE;
	p->height = be16(s + 3);
	p->width = be16(s + 5);
	if (!p->width)
		return error("corrupt JPEG: zero width");
	if (!p->height)
		return error("JPEG with its height after the image data (DNL), which pixpool does not read");
	return 0;
}

/*
 * The Huffman tables of a DHT segment whose length field starts at s (n
 * bytes there), read as stb_image reads them. It stores the code lengths of
 * each table in an array of 257 and the symbols in one of 256, and does not
 * check that the 16 counts add up to at most 256: such a table is refused.
 */
static int jpeg_tables(const unsigned char *s, size_t n)
{
	int64_t left = (int64_t)be16(s) - 2;
	size_t pos = 2;

	while (left > 0 && n - pos >= 17) {
		unsigned symbols = 0;

		for (int i = 1; i <= 16; i++)
			symbols += s[pos + i];
		if (symbols > 256)
			return error("corrupt JPEG: bad Huffman table");
		pos += 17 + symbols;
		left -= 17 + (int64_t)symbols;
		if (pos > n)
			break;
	}
	return 0;
}

/*
 * Walks the segments of a JPEG from SOI. With frame set, stops at the first
 * frame header and reads the size; otherwise walks through every scan to
 * EOI. Returns 0 when found, PROBE_MORE when the data ends first, or -1.
 */
static int jpeg_walk(struct probe *p, const unsigned char *d, size_t n, int frame)
{
	size_t pos = 2;
	int m = jpeg_marker(d, n, &pos);

	while (m >= 0) {
		if (m == 0xd9)
			return frame ? error("corrupt JPEG: no frame header") : 0;
		if (jpeg_standalone(m)) {
			pos++;
			m = jpeg_marker(d, n, &pos);
			continue;
		}
		if (n - pos < 3)
			return PROBE_MORE;
		if (be16(d + pos + 1) < 2)
			return error("corrupt JPEG: bad segment length");
		if (frame && jpeg_frame(m))
			return jpeg_size(p, d + pos + 1, n - pos - 1);
		if (frame && m == 0xda)
			return error("corrupt JPEG: image data before the frame header");
		if (m == 0xc4 && jpeg_tables(d + pos + 1, n - pos - 1) < 0)
			return -1;
		pos += 1 + be16(d + pos + 1);
		m = pos >= n ? -1 : m == 0xda ? jpeg_skip_scan(d, n, &pos) : jpeg_marker(d, n, &pos);
	}
	return PROBE_MORE;
}

static int jpeg_complete(struct probe *p, const unsigned char *d, size_t n)
{
	int ret = jpeg_walk(p, d, n, 0);

	return ret == PROBE_MORE ? truncated(p) : ret;
}

/* PNG. */

#define PNG_TYPE(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define PNG_IHDR PNG_TYPE('I', 'H', 'D', 'R')
#define PNG_IDAT PNG_TYPE('I', 'D', 'A', 'T')
#define PNG_IEND PNG_TYPE('I', 'E', 'N', 'D')
#define PNG_PLTE PNG_TYPE('P', 'L', 'T', 'E')
#define PNG_CGBI PNG_TYPE('C', 'g', 'B', 'I')
/* The spec's bound on a chunk's length and on a width or height. */
#define PNG_MAX 0x7fffffffu

/*
 * Whether stb_image reads chunk type t, or skips it. It fails on other
 * critical chunks (bit 5 of the first letter clear) with a message built
 * in a static buffer from the type's raw bytes, shared by every thread:
 * such files are refused here and never reach it.
 */
static int png_chunk_known(uint32_t t)
{
	return t == PNG_IHDR || t == PNG_IDAT || t == PNG_IEND || t == PNG_PLTE ||
	       t == PNG_CGBI || (t & 0x20000000u);
}

/* The size from IHDR, which only Apple's CgBI chunk may precede. */
static int png_header(struct probe *p, const unsigned char *d, size_t n)
{
	for (size_t pos = 8;;) {
		uint32_t len, type;

		if (n - pos < 8)
			return PROBE_MORE;
		len = be32(d + pos);
		type = be32(d + pos + 4);
		if (type == PNG_IHDR) {
			if (n - pos < 16)
				return PROBE_MORE;
			p->width = be32(d + pos + 8);
			p->height = be32(d + pos + 12);
			if (!p->width || !p->height || p->width > PNG_MAX || p->height > PNG_MAX)
				return error("corrupt PNG: bad width or height");
			return 0;
		}
		if (type != PNG_CGBI)
			return error("corrupt PNG: the first chunk is not IHDR");
		if (len > PNG_MAX || n - pos - 8 < (uint64_t)len + 4)
			return PROBE_MORE;
		pos += 12 + (size_t)len;
	}
}

/* Every chunk up to IEND: present in full, known to stb, image data under 2 GiB. */
static int png_chunks(struct probe *p, const unsigned char *d, size_t n)
{
	uint64_t idat = 0;
	int indexed = 0;

	for (size_t pos = 8;;) {
		uint32_t len, type;

		if (n - pos < 8)
			return truncated(p);
		len = be32(d + pos);
		type = be32(d + pos + 4);
		if (len > PNG_MAX)
			return error("corrupt PNG: bad chunk length");
		if (n - pos - 8 < (uint64_t)len + 4)
			return truncated(p);
		if (type == PNG_IEND)
			return 0;
		if (!png_chunk_known(type))
			return error("PNG with an unknown critical chunk, which pixpool does not read");
		if (type == PNG_IHDR && len >= 10)
			indexed = d[pos + 8 + 9] == 3;
		if (type == PNG_PLTE && indexed && len < 3 * 256)
			p->short_palette = 1;
		if (type == PNG_IDAT && len == 0 && idat == 0)
			p->empty_idat = 1;
		if (type == PNG_IDAT && (idat += len) > INT32_MAX)
			return error("PNG with over 2 GiB of image data, more than pixpool reads");
		pos += 12 + (size_t)len;
	}
}

/* BMP. */

/* The header sizes stb_image reads: OS/2 1.x, Windows 3 and the V2 to V5 headers. */
static int bmp_header_known(uint32_t size)
{
	return size == 12 || size == 40 || size == 56 || size == 108 || size == 124;
}

static int bmp_header(struct probe *p, const unsigned char *d, size_t n)
{
	uint32_t hsz;
	int32_t w, h;

	if (n < 26)
		return PROBE_MORE;
	hsz = le32(d + 14);
	if (!bmp_header_known(hsz))
		return error("BMP with an unknown header size, which pixpool does not read");
	w = hsz == 12 ? (int32_t)le16(d + 18) : (int32_t)le32(d + 18);
	h = hsz == 12 ? (int32_t)le16(d + 20) : (int32_t)le32(d + 22);
	/* A negative height is a top-down BMP; stb_image takes abs(), so not INT32_MIN. */
	if (w <= 0 || h == 0 || h == INT32_MIN)
		return error("corrupt BMP: bad width or height");
	p->width = (uint32_t)w;
	p->height = h < 0 ? (uint32_t)-h : (uint32_t)h;
	return 0;
}

/* Bytes in one row of pixels, before padding, as stb_image reads them; 0 for depths it refuses. */
static uint64_t bmp_row(uint32_t width, unsigned bpp)
{
	switch (bpp) {
	case 1: return ((uint64_t)width + 7) / 8;
	case 4: return ((uint64_t)width + 1) / 2;
	case 8: return width;
	case 16: return 2 * (uint64_t)width;
	case 24: return 3 * (uint64_t)width;
	case 32: return 4 * (uint64_t)width;
	default: return 0;
	}
}

/*
 * The colours in a BMP's palette as stb_image counts them, from the offset
 * of the pixel data: a quotient truncated for OS/2 headers, and shifted
 * right (so rounded down) for the others. It refuses 0 and more than 256,
 * but not a negative count, which leaves it no palette at all.
 */
static int64_t bmp_palette_size(const unsigned char *d)
{
	int64_t start = (int32_t)le32(d + 10), hsz = le32(d + 14);
	int64_t room = start - 14 - hsz;

	if (hsz == 12)
		return (start - 14 - 24) / 3;
	return room >= 0 ? room / 4 : -((-room + 3) / 4);
}

/*
 * stb_image keeps a BMP's palette in an uninitialised array of 256 colours
 * on the stack, and looks up every index the pixels hold: an index past the
 * palette would show whatever an earlier call left there. Such a file is
 * refused. Only called once every row is known to be there.
 */
static int bmp_indices(const struct probe *p, const unsigned char *d, unsigned bpp)
{
	int64_t colours = bmp_palette_size(d);
	uint64_t start = le32(d + 10), stride = (bmp_row(p->width, bpp) + 3) & ~(uint64_t)3;

	if (colours == 0 || colours > 256 || colours >= 1 << bpp)
		return 0;
	if (colours < 0)
		return error("corrupt BMP: no room for its palette");
	for (uint64_t y = 0; y < p->height; y++) {
		const unsigned char *row = d + start + y * stride;

		for (uint64_t x = 0; x < p->width; x++) {
			uint64_t bit = x * bpp;
			unsigned v = row[bit / 8] >> (8 - bpp - bit % 8) & ((1u << bpp) - 1);

			if (v >= colours)
				return error("corrupt BMP: a pixel names a colour past its palette");
		}
	}
	return 0;
}

/*
 * Rows are padded to 4 bytes; the last row's padding is not required, as
 * some writers leave it out. Compressed BMPs are left to stb_image, which
 * refuses them.
 */
static int bmp_complete(const struct probe *p, const unsigned char *d, size_t n)
{
	uint32_t hsz = le32(d + 14), start = le32(d + 10);
	unsigned bpp, compression = 0;
	uint64_t row;

	if (n < 14 + (uint64_t)hsz)
		return truncated(p);
	bpp = le16(d + (hsz == 12 ? 24 : 28));
	if (hsz != 12)
		compression = le32(d + 30);
	row = bmp_row(p->width, bpp);
	if ((compression != 0 && compression != 3) || !row)
		return 0;
	if (start < 14 + hsz)
		start = 14 + hsz;
	if (n < start + ((row + 3) & ~(uint64_t)3) * (p->height - 1) + row)
		return truncated(p);
	return bpp <= 8 ? bmp_indices(p, d, bpp) : 0;
}

/* TGA. */

static int tga_header(struct probe *p, const unsigned char *d, size_t n)
{
	if (n < 18)
		return PROBE_MORE;
	p->width = le16(d + 12);
	p->height = le16(d + 14);
	if (!p->width || !p->height)
		return error("corrupt TGA: zero width or height");
	return 0;
}

/* The end of run-length encoded pixels that start at pos; n + 1 when they run past n. */
static uint64_t tga_rle_end(const unsigned char *d, size_t n, uint64_t pos, uint64_t pixels,
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
static int tga_complete(const struct probe *p, const unsigned char *d, size_t n)
{
	uint64_t pos = 18 + (uint64_t)d[0];
	uint64_t pixels = (uint64_t)p->width * p->height;
	unsigned bytes = (d[16] + 7u) / 8;

	if (d[1])
		pos += le16(d + 3) + (uint64_t)le16(d + 5) * ((d[7] + 7u) / 8);
	if (d[2] >= 8)
		pos = tga_rle_end(d, n, pos, pixels, bytes);
	else
		pos += pixels * bytes;
	return pos > n ? truncated(p) : 0;
}

/* PNM (binary: P5 grey, P6 colour). */

static int pnm_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Whitespace and '#' comments, as stb_image skips them. */
static void pnm_skip(const unsigned char *d, size_t n, size_t *pos)
{
	while (*pos < n) {
		if (pnm_space(d[*pos]))
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
static int pnm_number(const unsigned char *d, size_t n, size_t *pos, uint32_t *value)
{
	int digits = 0;

	pnm_skip(d, n, pos);
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
static int pnm_parse(struct probe *p, const unsigned char *d, size_t n, uint32_t *max,
		     size_t *start)
{
	size_t pos = 2;
	int ret;

	if ((ret = pnm_number(d, n, &pos, &p->width)) ||
	    (ret = pnm_number(d, n, &pos, &p->height)) ||
	    (ret = pnm_number(d, n, &pos, max)))
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

	return pnm_parse(p, d, n, &max, &start);
}

static int pnm_complete(struct probe *p, const unsigned char *d, size_t n)
{
	uint32_t max;
	size_t start;
	uint64_t samples;
	int ret = pnm_parse(p, d, n, &max, &start);

	if (ret)
		return ret == PROBE_MORE ? truncated(p) : ret;
	samples = (uint64_t)p->width * p->height * (d[1] == '6' ? 3 : 1);
	return start + samples * (max > 255 ? 2 : 1) > n ? truncated(p) : 0;
}

int probe_header(struct probe *p, const unsigned char *data, size_t n)
{
	memset(p, 0, sizeof(*p));
	p->format = image_sniff(data, n < SNIFF_BYTES ? n : SNIFF_BYTES);
	switch (p->format) {
	case FORMAT_JPEG: return jpeg_walk(p, data, n, 1);
	case FORMAT_PNG: return png_header(p, data, n);
	case FORMAT_BMP: return bmp_header(p, data, n);
	case FORMAT_TGA: return tga_header(p, data, n);
	case FORMAT_PNM: return pnm_header(p, data, n);
	case FORMAT_NONE: break;
	}
	return error("not an image: the content is not JPEG, PNG, BMP, TGA or PNM");
}

int probe_complete(struct probe *p, const unsigned char *data, size_t n)
{
	switch (p->format) {
	case FORMAT_JPEG: return jpeg_complete(p, data, n);
	case FORMAT_PNG: return png_chunks(p, data, n);
	case FORMAT_BMP: return bmp_complete(p, data, n);
	case FORMAT_TGA: return tga_complete(p, data, n);
	case FORMAT_PNM: return pnm_complete(p, data, n);
	case FORMAT_NONE: break;
	}
	return error("not an image: the content is not JPEG, PNG, BMP, TGA or PNM");
}

/*
 * PNG's row of the format table (format.h). The structure check, the copy
 * stb_image can read safely and the metadata copy walk the chunks with one
 * function, png_next.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/meta.h"
#include "codec/probe.h"
#include "codec/stb.h"

#define PNG_TYPE(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define PNG_IHDR PNG_TYPE('I', 'H', 'D', 'R')
#define PNG_IDAT PNG_TYPE('I', 'D', 'A', 'T')
#define PNG_IEND PNG_TYPE('I', 'E', 'N', 'D')
#define PNG_PLTE PNG_TYPE('P', 'L', 'T', 'E')
#define PNG_TRNS PNG_TYPE('t', 'R', 'N', 'S')
#define PNG_CGBI PNG_TYPE('C', 'g', 'B', 'I')
#define PNG_ICCP PNG_TYPE('i', 'C', 'C', 'P')
#define PNG_EXIF PNG_TYPE('e', 'X', 'I', 'f')
#define PNG_ITXT PNG_TYPE('i', 'T', 'X', 't')
/* The spec's bound on a chunk's length and on a width or height. */
#define PNG_MAX 0x7fffffffu

#define COLOUR_PALETTE 3

static const unsigned char signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const char xmp_keyword[] = "XML:com.adobe.xmp";

static int png_sniff(const unsigned char *h, size_t n)
{
	return n >= 8 && !memcmp(h, signature, 8);
}

/* One chunk, whole: its length, type and body; it ends 12 + len bytes after at. */
struct chunk {
	size_t at;
	uint32_t len;
	uint32_t type;
	const unsigned char *body;
};

/*
 * The chunk at *pos, whole with its CRC, in c, and *pos moved past it: 1;
 * 0 when the data ends first; -1 for a length over the spec's bound.
 */
static int png_next(const unsigned char *d, size_t n, size_t *pos, struct chunk *c)
{
	if (n < *pos || n - *pos < 8)
		return 0;
	c->at = *pos;
	c->len = be32(d + *pos);
	c->type = be32(d + *pos + 4);
	c->body = d + *pos + 8;
	if (c->len > PNG_MAX)
		return -1;
	if (n - *pos - 8 < (uint64_t)c->len + 4)
		return 0;
	*pos += 12 + (size_t)c->len;
	return 1;
}

/* The channels stb_image gives for an IHDR colour type (a palette: 3, or 4 with tRNS). */
static int colour_channels(unsigned colour)
{
	return colour == COLOUR_PALETTE ? 3 : (colour & 2 ? 3 : 1) + (colour & 4 ? 1 : 0);
}

/* The size and channels from IHDR, which only Apple's CgBI chunk may precede. */
static int png_header(struct probe *p, const unsigned char *d, size_t n)
{
	for (size_t pos = 8;;) {
		uint32_t len, type;

		if (n - pos < 8)
			return PROBE_MORE;
		len = be32(d + pos);
		type = be32(d + pos + 4);
		if (type == PNG_IHDR) {
			if (n - pos < 18)
				return PROBE_MORE;
			p->width = be32(d + pos + 8);
			p->height = be32(d + pos + 12);
			p->channels = colour_channels(d[pos + 17]);
			p->bits = d[pos + 16];
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

/*
 * Whether stb_image reads chunk type t, or skips it. It fails on other
 * critical chunks (bit 5 of the first letter clear) with a message built
 * in a static buffer from the type's raw bytes, shared by every thread:
 * such files are refused here and never reach it.
 */
static int chunk_known(uint32_t t)
{
	return t == PNG_IHDR || t == PNG_IDAT || t == PNG_IEND || t == PNG_PLTE ||
	       t == PNG_CGBI || (t & 0x20000000u);
}

/* What the chunks before IEND have told so far. */
struct chunks_seen {
	int indexed;		/* IHDR says the pixels are palette indices */
	int idat;		/* an IDAT chunk, even an empty one */
	uint64_t idat_bytes;
};

/* What one chunk before IEND tells: a palette's size, transparency, image data. */
static int note_chunk(struct probe *p, const struct chunk *c, struct chunks_seen *seen)
{
	if (!chunk_known(c->type))
		return error("PNG with an unknown critical chunk, which pixpool does not read");
	if (c->type == PNG_IHDR && c->len >= 10)
		seen->indexed = c->body[9] == COLOUR_PALETTE;
	if (c->type == PNG_PLTE && seen->indexed && c->len < 3 * 256)
		p->short_palette = 1;
	/* stb_image gives an indexed image alpha when tRNS comes before the image data. */
	if (c->type == PNG_TRNS && seen->indexed && !seen->idat)
		p->channels = 4;
	if (c->type != PNG_IDAT)
		return 0;
	if (c->len == 0 && seen->idat_bytes == 0)
		p->empty_idat = 1;
	seen->idat = 1;
	if ((seen->idat_bytes += c->len) > INT32_MAX)
		return error("PNG with over 2 GiB of image data, more than pixpool reads");
	return 0;
}

/* IHDR's fields, as stb_image checks them; its words for each refusal (stb_call.c). */
static int check_ihdr(const struct chunk *c)
{
	const unsigned char *b = c->body;
	unsigned depth, colour;
	uint32_t w, h, samples;

	if (c->len != 13)
		return error("corrupt PNG: bad IHDR chunk");
	w = be32(b);
	h = be32(b + 4);
	depth = b[8];
	colour = b[9];
	if (depth != 1 && depth != 2 && depth != 4 && depth != 8 && depth != 16)
		return error("corrupt PNG: bad bit depth");
	if (colour > 6 || (colour == COLOUR_PALETTE && depth == 16) ||
	    (colour != COLOUR_PALETTE && (colour & 1)))
		return error("corrupt PNG: bad colour type");
	if (b[10])
		return error("corrupt PNG: bad compression method");
	if (b[11])
		return error("corrupt PNG: bad filter method");
	if (b[12] > 1)
		return error("corrupt PNG: bad interlace method");
	/* stb's bound on the samples it inflates: 2^30, at 4 a pixel for an indexed image. */
	samples = colour == COLOUR_PALETTE ? 4 : (uint32_t)colour_channels(colour);
	if (w && h && (1u << 30) / w / samples < h)
		return error("corrupt PNG");
	return 0;
}

/*
 * The header as stb_image reads it for its size and channels: IHDR, and
 * for an indexed image the chunks up to the image data, where it wants a
 * palette of whole colours (a tRNS chunk before ends its look). A file
 * that passes decodes as far as stb's header goes; one that does not is
 * refused in the words stb's failure would have been given. It is read as
 * stb will read safe_copy's version of it: empty IDAT chunks are not
 * there, and an empty palette is one of 256 black colours.
 */
static int check_header(const unsigned char *d, size_t n)
{
	size_t pos = 8;
	struct chunk c;
	int seen_ihdr = 0, indexed = 0, palette = 0;

	while (png_next(d, n, &pos, &c) == 1 && c.type != PNG_IEND) {
		if (c.type == PNG_IHDR && seen_ihdr)
			return error("corrupt PNG: more than one IHDR chunk");
		if (c.type == PNG_IHDR && check_ihdr(&c) < 0)
			return -1;
		if (c.type == PNG_IHDR) {
			seen_ihdr = 1;
			indexed = c.body[9] == COLOUR_PALETTE;
			if (!indexed)
				return 0;
		}
		if (c.type == PNG_PLTE && (c.len > 3 * 256 || c.len % 3))
			return error("corrupt PNG: bad palette");
		palette |= c.type == PNG_PLTE;
		if (c.type == PNG_TRNS)
			return 0;
		if (c.type == PNG_IDAT && c.len > 0)
			return palette ? 0 : error("corrupt PNG: no palette");
	}
	return 0;
}

/*
 * Every chunk up to IEND: present in full, known to stb, image data under
 * 2 GiB; then the header as stb reads it, so that what stb would refuse
 * first is refused here, in the same words.
 */
static int png_complete(struct probe *p, const unsigned char *d, size_t n)
{
	struct chunks_seen seen = { 0, 0, 0 };
	size_t pos = 8;
	struct chunk c;
	int ret;

	while ((ret = png_next(d, n, &pos, &c)) == 1) {
		if (c.type == PNG_IEND)
			return check_header(d, n);
		if (note_chunk(p, &c, &seen) < 0)
			return -1;
	}
	if (ret < 0)
		return error("corrupt PNG: bad chunk length");
	return error("truncated %s", format_name(p->format));
}

/*
 * Copies one PNG chunk (whole, with its CRC) to out, in the form stb_image
 * can read safely; returns the bytes written. stb copies each IDAT chunk
 * to a buffer it allocates at the first one with data, so an empty one
 * before is a memcpy to NULL: empty IDAT chunks hold nothing and are
 * dropped. stb keeps the palette in an uninitialised array on the stack and
 * looks up indices past its end: a short palette is padded with black to
 * 256 colours. stb checks no CRC, so the old one is kept.
 */
static size_t safe_chunk(const struct chunk *c, const unsigned char *d, unsigned char *out)
{
	size_t whole = 12 + (size_t)c->len;

	if (c->len == 0 && c->type == PNG_IDAT)
		return 0;
	if (c->type != PNG_PLTE || c->len % 3 || c->len >= 3 * 256) {
		memcpy(out, d + c->at, whole);
		return whole;
	}
	memcpy(out, "\0\0\3\0PLTE", 8);
	memcpy(out + 8, c->body, c->len);
	memset(out + 8 + c->len, 0, 3 * 256 - c->len);
	memcpy(out + 8 + 3 * 256, c->body + c->len, 4);
	return 12 + 3 * 256;
}

/* A copy of a PNG whose chunks png_complete checked, for safe_chunk's reasons. */
static unsigned char *safe_copy(const unsigned char *d, size_t n, size_t *len)
{
	size_t pos = 8, out = 8, grow = 0, tail;
	unsigned char *copy;
	struct chunk c = { 0, 0, 0, NULL };

	while (png_next(d, n, &pos, &c) == 1 && c.type != PNG_IEND)
		grow += c.type == PNG_PLTE ? 3 * 256 : 0;
	if (n < 8 || c.type != PNG_IEND || !(copy = malloc(n + grow)))
		return NULL;
	tail = c.at;	/* IEND and whatever follows it */
	memcpy(copy, d, 8);
	pos = 8;
	while (png_next(d, n, &pos, &c) == 1 && c.type != PNG_IEND)
		out += safe_chunk(&c, d, copy + out);
	memcpy(copy + out, d + tail, n - tail);
	*len = out + n - tail;
	return copy;
}

static int png_decode(struct image *img, const struct probe *p, const unsigned char *d,
		      size_t n, int shrink)
{
	unsigned char *copy = NULL;
	int ret;

	(void)shrink;
	if (p->empty_idat || p->short_palette) {
		copy = safe_copy(d, n, &n);
		if (!copy)
			return error("out of memory");
		d = copy;
	}
	ret = stb_decode(img, p, d, n);
	free(copy);
	return ret;
}

/*
 * Filtered PNG rows (a filter byte and width x channels samples each) that
 * stb_image_write can compress: its deflate may spend 9 bits on a byte, and
 * it grows the output by doubling an int, so the output must stay under
 * 2^30 bytes.
 */
#define PNG_ENCODE_MAX ((1u << 30) / 9 * 8 - 65536)

static int png_encode(const struct image *img, const struct encode_options *o,
		      struct buffer *buf)
{
	if (((uint64_t)img->width * (uint64_t)img->channels + 1) * (uint64_t)img->height >
	    PNG_ENCODE_MAX)
		return image_refuse_encode(img, FORMAT_PNG,
					   "over the 950 MB of pixels the PNG encoder takes");
	return stb_encode_png(img, o->png_level, buf);
}

/* Metadata in. */

/*
 * Inflates a zlib stream into out, refusing to grow it past max bytes:
 * a few bytes of deflate can claim gigabytes. *made counts what was
 * inflated, kept or not.
 */
static int inflate_bounded(const unsigned char *p, size_t n, size_t max, struct buffer *out,
			   size_t *made)
{
	z_stream z;
	unsigned char chunk[16384];
	int ret;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		ret = inflate(&z, Z_NO_FLUSH);
		if (ret != Z_OK && ret != Z_STREAM_END)
			break;
		*made += sizeof(chunk) - z.avail_out;
		if (out->len + (sizeof(chunk) - z.avail_out) > max) {
			ret = Z_MEM_ERROR;
			break;
		}
		buffer_put(out, chunk, sizeof(chunk) - z.avail_out);
	} while (ret == Z_OK && z.avail_in + (sizeof(chunk) - z.avail_out) > 0);
	inflateEnd(&z);
	if (ret == Z_STREAM_END && !out->failed)
		return 0;
	buffer_release(out);
	return -1;
}

/* The chunk kinds one file has inflated: each is tried once, kept or not. */
struct inflated {
	int icc, xmp;
};

/* Inflates into out under both bounds: the part's own, and what is left of the file's budget. */
static int inflate_meta(struct meta *m, const unsigned char *p, size_t n, size_t max,
			struct buffer *out)
{
	size_t left = META_INFLATE_MAX - m->inflated;

	return inflate_bounded(p, n, max < left ? max : left, out, &m->inflated);
}

/* iCCP: a name of 1..79 bytes, NUL, method 0, then the zlib stream. */
static void collect_iccp(struct meta *m, struct inflated *tried, const unsigned char *p,
			 size_t n)
{
	const unsigned char *nul = memchr(p, 0, n < 80 ? n : 80);

	m->had = 1;
	if (tried->icc)
		return;
	tried->icc = 1;
	if (!nul || nul == p || (size_t)(nul - p) + 2 > n || nul[1] != 0) {
		meta_warn(m, "%s: malformed iCCP chunk, dropped", "ICC profile");
		return;
	}
	if (inflate_meta(m, nul + 2, n - (size_t)(nul - p) - 2, META_ICC_MAX, &m->icc) < 0)
		meta_warn(m, "%s: cannot inflate the iCCP chunk, or over the size pixpool carries, "
			  "dropped", "ICC profile");
}

/* iTXt: keyword NUL, flag, method, language NUL, translated keyword NUL, text. */
static void collect_itxt(struct meta *m, struct inflated *tried, const unsigned char *p,
			 size_t n)
{
	const unsigned char *end = p + n, *q;

	if (n < sizeof(xmp_keyword) || memcmp(p, xmp_keyword, sizeof(xmp_keyword)))
		return;
	m->had = 1;
	q = p + sizeof(xmp_keyword) + 2;
	for (int i = 0; i < 2 && q && q < end; i++) {
		q = memchr(q, 0, (size_t)(end - q));
		q = q ? q + 1 : NULL;
	}
	if (!q || q > end || n < sizeof(xmp_keyword) + 2) {
		meta_warn(m, "%s: malformed iTXt chunk, dropped", "XMP");
		return;
	}
	if (p[sizeof(xmp_keyword)] == 0) {
		meta_keep(m, &m->xmp, q, (size_t)(end - q), META_XMP_MAX, "XMP");
		return;
	}
	if (m->xmp.len || tried->xmp)
		return;
	tried->xmp = 1;
	if (inflate_meta(m, q, (size_t)(end - q), META_XMP_MAX, &m->xmp) < 0)
		meta_warn(m, "%s: cannot inflate the iTXt chunk, or over the size pixpool carries, "
			  "dropped", "XMP");
}

static void png_meta_collect(struct meta *m, const unsigned char *d, size_t n)
{
	struct inflated tried = { 0, 0 };
	size_t pos = 8;
	struct chunk c;

	while (png_next(d, n, &pos, &c) == 1 && c.type != PNG_IEND) {
		if (c.type == PNG_ICCP)
			collect_iccp(m, &tried, c.body, c.len);
		else if (c.type == PNG_EXIF)
			meta_keep(m, &m->exif, c.body, c.len, META_EXIF_MAX, "EXIF");
		else if (c.type == PNG_ITXT)
			collect_itxt(m, &tried, c.body, c.len);
	}
}

/* Metadata out. */

static void write_chunk(struct buffer *out, const char *type, const void *a, size_t alen,
			const void *b, size_t blen)
{
	unsigned char h[8], c[4];
	uint32_t crc;

	put_be32(h, (uint32_t)(alen + blen));
	memcpy(h + 4, type, 4);
	crc = (uint32_t)crc32(0, h + 4, 4);
	if (alen)
		crc = (uint32_t)crc32(crc, a, (uInt)alen);
	if (blen)
		crc = (uint32_t)crc32(crc, b, (uInt)blen);
	put_be32(c, crc);
	buffer_put(out, h, 8);
	buffer_put(out, a, alen);
	buffer_put(out, b, blen);
	buffer_put(out, c, 4);
}

/* iCCP holds the profile deflated, under a name of our choosing. */
static void write_icc(struct meta *m, struct buffer *out)
{
	static const char head[] = "ICC profile\0";	/* name, NUL, method 0 */
	uLongf len = compressBound((uLong)m->icc.len);
	unsigned char *z = malloc(len);

	if (!z || compress2(z, &len, m->icc.data, (uLong)m->icc.len, 9) != Z_OK) {
		free(z);
		out->failed = 1;
		return;
	}
	write_chunk(out, "iCCP", head, sizeof(head), z, len);
	free(z);
}

static void png_meta_write(struct meta *m, struct buffer *out)
{
	/* keyword NUL, not compressed, method 0, no language NUL, no translation NUL */
	static const char head[] = "XML:com.adobe.xmp\0\0\0\0";

	if (m->icc.len)
		write_icc(m, out);
	if (m->exif.len)
		write_chunk(out, "eXIf", m->exif.data, m->exif.len, NULL, 0);
	if (m->xmp.len)
		write_chunk(out, "iTXt", head, sizeof(head), m->xmp.data, m->xmp.len);
}

/* After the signature and IHDR, the first chunk stb_image_write writes. */
static size_t png_meta_at(const struct buffer *encoded)
{
	(void)encoded;
	return 33;
}

static const char *const png_extensions[] = { "png", NULL };
static const char *const png_words[] = { "png", NULL };

const struct format_row format_png = {
	.name = "PNG",
	.ext = "png",
	.words = png_words,
	.extensions = png_extensions,
	.sniff = png_sniff,
	.header = png_header,
	.complete = png_complete,
	.decode = png_decode,
	.encode = png_encode,
	.meta_parts = FORMAT_META_EXIF | FORMAT_META_XMP | FORMAT_META_ICC,
	.meta_collect = png_meta_collect,
	.meta_at = png_meta_at,
	.meta_write = png_meta_write,
};

/*
 * WebP's row of the format table (format.h): read and written with
 * libwebp (webp_call.c), its metadata set with libwebpmux. The header,
 * the structure check, the metadata copy and the EXIF look-up walk the
 * RIFF chunks with one function, webp_next; libwebp only ever sees a file
 * whose every chunk lies within it and whose image agrees with the header.
 *
 * An animation is read as its first frame, placed on a transparent (or,
 * without alpha, black) canvas of the animation's size, as libwebp's
 * animation decoder shows it before any other frame is blended in;
 * pages says how many frames the file holds.
 */
#include <string.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/meta.h"
#include "codec/probe.h"
#include "codec/webp.h"

/* VP8X flags. */
#define FLAG_ANIMATION 0x02
#define FLAG_ALPHA 0x10

/* The bytes a chunk's header and each kind of bitstream header take. */
#define CHUNK_HEAD 8
#define VP8X_BYTES 10
#define VP8_HEAD 10
#define VP8L_HEAD 5
#define ANMF_HEAD 16

static int webp_sniff(const unsigned char *h, size_t n)
{
	return n >= 12 && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "WEBP", 4);
}

static uint32_t le24(const unsigned char *p)
{
	return le16(p) | (uint32_t)p[2] << 16;
}

/* One chunk: its four-letter id and its body, len bytes (padded to even in the file). */
struct chunk {
	const unsigned char *id;
	const unsigned char *body;
	uint32_t len;
};

static int is(const struct chunk *c, const char *id)
{
	return !memcmp(c->id, id, 4);
}

/*
 * The chunk at *pos in c, and *pos moved past it and its padding: 1; 0
 * when fewer than a chunk header's bytes are left before end; -1 when its
 * body runs past end.
 */
static int webp_next(const unsigned char *d, size_t end, size_t *pos, struct chunk *c)
{
	if (!bytes_fit(end, *pos, CHUNK_HEAD))
		return 0;
	c->id = d + *pos;
	c->len = le32(d + *pos + 4);
	c->body = d + *pos + CHUNK_HEAD;
	if (!bytes_fit(end, *pos + CHUNK_HEAD, c->len))
		return -1;
	*pos += CHUNK_HEAD + (size_t)c->len + (c->len & 1);
	return 1;
}

/* What a VP8 or VP8L bitstream's own header says. */
struct bitstream {
	uint32_t width, height;
	int alpha;
};

/*
 * The lossy header: a 3-byte frame tag (a key frame, shown, of profile 0
 * to 3), the start code 9d 01 2a, then 14-bit width and height (the two
 * bits above them scale the display, not the decode).
 */
static int read_vp8(const unsigned char *b, struct bitstream *s)
{
	uint32_t tag = le24(b);

	if ((tag & 1) || ((tag >> 1) & 7) > 3 || !((tag >> 4) & 1))
		return error("WebP coded in a way pixpool does not read (not a key frame)");
	if (b[3] != 0x9d || b[4] != 0x01 || b[5] != 0x2a)
		return error("corrupt WebP: bad VP8 start code");
	s->width = le16(b + 6) & 0x3fff;
	s->height = le16(b + 8) & 0x3fff;
	s->alpha = 0;
	return s->width && s->height ? 0 : error("corrupt WebP: bad width or height");
}

/* The lossless header: signature 0x2f, then 14 bits each of width - 1 and height - 1, alpha, version 0. */
static int read_vp8l(const unsigned char *b, struct bitstream *s)
{
	uint32_t bits = le32(b + 1);

	if (b[0] != 0x2f)
		return error("corrupt WebP: bad VP8L signature");
	if (bits >> 29)
		return error("WebP coded in a way pixpool does not read (VP8L version %u)", bits >> 29);
	s->width = (bits & 0x3fff) + 1;
	s->height = ((bits >> 14) & 0x3fff) + 1;
	s->alpha = (bits >> 28) & 1;
	return 0;
}

/* A bitstream chunk's header from avail bytes of its body: 0, PROBE_MORE, or -1. */
static int read_bitstream(const struct chunk *c, size_t avail, struct bitstream *s)
{
	int lossless = is(c, "VP8L");

	if (!lossless && !is(c, "VP8 "))
		return error("corrupt WebP: no VP8 or VP8L image where one belongs");
	if (c->len < (lossless ? VP8L_HEAD : VP8_HEAD))
		return error("corrupt WebP: bad %s chunk", lossless ? "VP8L" : "VP8");
	if (avail < (lossless ? VP8L_HEAD : VP8_HEAD))
		return PROBE_MORE;
	return lossless ? read_vp8l(c->body, s) : read_vp8(c->body, s);
}

/* VP8X's canvas: 24 bits each of width - 1 and height - 1, after the flags and 3 reserved bytes. */
static int read_vp8x(const struct chunk *c, uint32_t *w, uint32_t *h, unsigned *flags)
{
	if (c->len != VP8X_BYTES)
		return error("corrupt WebP: bad VP8X chunk");
	*flags = c->body[0];
	*w = le24(c->body + 4) + 1;
	*h = le24(c->body + 7) + 1;
	return 0;
}

/*
 * The size from the first chunk: VP8X's canvas (alpha as its flag says),
 * or a simple file's VP8 or VP8L bitstream header.
 */
static int webp_header(struct probe *p, const unsigned char *d, size_t n)
{
	struct chunk c = { d + 12, d + 12 + CHUNK_HEAD, 0 };
	struct bitstream s;
	unsigned flags = 0;
	int ret;

	if (n < 12 + CHUNK_HEAD)
		return PROBE_MORE;
	c.len = le32(d + 16);
	if (is(&c, "VP8X")) {
		if (n < 12 + CHUNK_HEAD + VP8X_BYTES)
			return PROBE_MORE;
		if (read_vp8x(&c, &p->width, &p->height, &flags) < 0)
			return -1;
		p->channels = flags & FLAG_ALPHA ? 4 : 3;
		return 0;
	}
	if ((ret = read_bitstream(&c, n - 12 - CHUNK_HEAD, &s)) != 0)
		return ret;
	p->width = s.width;
	p->height = s.height;
	p->channels = s.alpha ? 4 : 3;
	return 0;
}

/* What the chunks hold, as webp_layout finds them. */
struct layout {
	int extended;		/* the first chunk is VP8X */
	unsigned flags;		/* its flags */
	uint32_t width, height;	/* the canvas: VP8X's, or the bitstream's */
	int images;		/* still images (VP8 or VP8L chunks) at the top level */
	int alpha;		/* an ALPH chunk, or a VP8L bitstream's alpha bit */
	int frames;		/* ANMF chunks */
	/* What libwebp decodes: the whole file, or the first frame's chunks. */
	const unsigned char *image;
	size_t image_len;
	uint32_t x, y;		/* the first frame's place on the canvas */
	struct bitstream first;	/* the still image's, or the first frame's, header */
};

/* An animation's image is its first frame; a still image chunk beside it is not read. */
static int animated(const struct layout *l)
{
	return l->extended && (l->flags & FLAG_ANIMATION);
}

/* The first frame: its place, its size and its ALPH and VP8/VP8L chunks, which must agree. */
static int note_frame(struct layout *l, const struct chunk *c)
{
	const unsigned char *b = c->body;
	size_t pos = ANMF_HEAD;
	struct chunk in;
	int ret;

	if (c->len < ANMF_HEAD + CHUNK_HEAD)
		return error("corrupt WebP: bad ANMF chunk");
	l->x = 2 * le24(b);
	l->y = 2 * le24(b + 3);
	while ((ret = webp_next(b, c->len, &pos, &in)) == 1 && is(&in, "ALPH"))
		;
	if (ret != 1)
		return error("corrupt WebP: a frame's chunk runs past the frame");
	if (read_bitstream(&in, in.len, &l->first) != 0)
		return -1;
	if (l->first.width != le24(b + 6) + 1 || l->first.height != le24(b + 9) + 1)
		return error("corrupt WebP: a frame's image is not the size the frame says");
	l->image = b + ANMF_HEAD;
	l->image_len = c->len - ANMF_HEAD;
	return 0;
}

static int note_chunk(struct layout *l, const struct chunk *c, const unsigned char *d, size_t n)
{
	int still = is(c, "VP8 ") || is(c, "VP8L");

	if (is(c, "ANMF") && animated(l) && l->frames++ == 0)
		return note_frame(l, c);
	if (is(c, "ALPH"))
		l->alpha = 1;
	if (!still || animated(l) || l->images++)
		return 0;
	if (read_bitstream(c, c->len, &l->first) != 0)
		return -1;
	l->alpha |= l->first.alpha;
	l->image = d;
	l->image_len = n;
	return 0;
}

/*
 * Walks the whole file: the RIFF size within it, every chunk within the
 * RIFF data, and what they hold in l. -1 with an error for a file cut
 * short or a chunk that runs past the RIFF data.
 */
static int webp_layout(struct layout *l, const unsigned char *d, size_t n)
{
	size_t pos = 12, end;
	struct chunk c;
	int ret;

	memset(l, 0, sizeof(*l));
	if (n < 12 + CHUNK_HEAD || le32(d + 4) > n - 8)
		return error("truncated WebP");
	end = 8 + (size_t)le32(d + 4);
	while ((ret = webp_next(d, end, &pos, &c)) == 1) {
		if (c.body == d + 12 + CHUNK_HEAD && is(&c, "VP8X")) {
			l->extended = 1;
			if (read_vp8x(&c, &l->width, &l->height, &l->flags) < 0)
				return -1;
		} else if (note_chunk(l, &c, d, n) < 0)
			return -1;
	}
	if (ret < 0)
		return error("corrupt WebP: a chunk runs past the end of the RIFF data");
	if (!l->extended) {
		l->width = l->first.width;
		l->height = l->first.height;
	}
	return 0;
}

/*
 * The image libwebp will decode is there and fits: a still image the size
 * of the canvas, or a first frame inside it. The channels are libwebp's:
 * an extended file has alpha when its flag says so or a still image has an
 * ALPH chunk; a simple one when its lossless bitstream says so.
 */
static int webp_complete(struct probe *p, const unsigned char *d, size_t n)
{
	struct layout l;

	if (webp_layout(&l, d, n) < 0)
		return -1;
	if (animated(&l) && !l.frames)
		return error("corrupt WebP: an animation without frames");
	if (!animated(&l) && !l.images)
		return error("corrupt WebP: no image data");
	if (animated(&l) && ((uint64_t)l.x + l.first.width > l.width ||
			     (uint64_t)l.y + l.first.height > l.height))
		return error("corrupt WebP: the first frame lies outside the canvas");
	if (!animated(&l) && (l.first.width != l.width || l.first.height != l.height))
		return error("corrupt WebP: the image is not the size of the canvas");
	if (l.extended)
		p->channels = (l.flags & FLAG_ALPHA) || (!animated(&l) && l.alpha) ? 4 : 3;
	else
		p->channels = l.first.alpha ? 4 : 3;
	p->pages = l.frames > 1 ? l.frames : 0;
	return 0;
}

/*
 * Whether to decode at half size: asked for, a still image (a frame's
 * place on its canvas would not halve), both sides even, so that each
 * pixel is the mean of a whole 2x2 square, as libwebp's scaling makes it
 * (of Y, U and V before their conversion to RGB, for lossy images).
 */
static int halved(const struct layout *l, const struct probe *p, int shrink)
{
	return shrink == 2 && !animated(l) && p->width % 2 == 0 && p->height % 2 == 0;
}

static void note_halved(struct image *img, const struct probe *p)
{
	img->shrink = 2;
	img->full_width = (int)p->width;
	img->full_height = (int)p->height;
}

/*
 * A chain that starts by shrinking asks for shrink 2: libwebp then scales
 * while it decodes, which spares the full-size conversion to RGB and the
 * full-size image (vips thumbnails WebP the same way).
 */
static int webp_decode(struct image *img, const struct probe *p, const unsigned char *d,
		       size_t n, int shrink)
{
	struct layout l;
	struct webp_target t = { NULL, 0, 0, p->channels, 0, 0 };
	int half;

	if (webp_layout(&l, d, n) < 0)
		return -1;
	half = halved(&l, p, shrink);
	if (half) {
		t.width = (int)p->width / 2;
		t.height = (int)p->height / 2;
	}
	if (image_alloc(img, half ? t.width : (int)p->width, half ? t.height : (int)p->height,
			p->channels) < 0)
		return -1;
	t.stride = (size_t)img->width * (size_t)p->channels;
	t.size = t.stride * (size_t)img->height;
	memset(img->pixels, 0, t.size);
	t.pixels = img->pixels;
	if (animated(&l))
		t.pixels += (size_t)l.y * t.stride + (size_t)l.x * (size_t)p->channels;
	t.size -= (size_t)(t.pixels - img->pixels);
	if (webp_decode_into(l.image, l.image_len, &t) < 0) {
		image_release(img);
		return -1;
	}
	if (half)
		note_halved(img, p);
	img->pages = p->pages;
	return 0;
}

static int webp_encode_row(const struct image *img, const struct encode_options *o,
			   struct buffer *buf)
{
	return webp_encode(img, format_quality(&format_webp, o), o->lossless, buf);
}

/* Metadata in. */

/* The chunks of the first n bytes that the RIFF size covers. */
static size_t riff_end(const unsigned char *d, size_t n)
{
	uint32_t riff = n >= 12 ? le32(d + 4) : 0;

	return n < 12 ? 0 : riff > n - 8 ? n : 8 + (size_t)riff;
}

/* Some writers put JPEG's "Exif\0\0" before the TIFF block; the chunk is the block alone. */
static void exif_block(const struct chunk *c, const unsigned char **block, size_t *len)
{
	size_t skip = c->len >= 6 && !memcmp(c->body, "Exif\0\0", 6) ? 6 : 0;

	*block = c->body + skip;
	*len = c->len - skip;
}

static void webp_meta_collect(struct meta *m, const unsigned char *d, size_t n)
{
	size_t pos = 12, end = riff_end(d, n), len;
	const unsigned char *block;
	struct chunk c;

	while (webp_next(d, end, &pos, &c) == 1) {
		if (is(&c, "ICCP"))
			meta_keep(m, &m->icc, c.body, c.len, META_ICC_MAX, "ICC profile");
		else if (is(&c, "XMP "))
			meta_keep(m, &m->xmp, c.body, c.len, META_XMP_MAX, "XMP");
		else if (is(&c, "EXIF")) {
			exif_block(&c, &block, &len);
			meta_keep(m, &m->exif, block, len, META_EXIF_MAX, "EXIF");
		}
	}
}

static int webp_exif(const unsigned char *d, size_t n, const unsigned char **block, size_t *len)
{
	size_t pos = 12, end = riff_end(d, n);
	struct chunk c;

	while (webp_next(d, end, &pos, &c) == 1)
		if (is(&c, "EXIF")) {
			exif_block(&c, block, len);
			return 1;
		}
	return 0;
}

/* Metadata out. */

/*
 * The metadata chunks are announced by VP8X flags and must come in the
 * container's order (ICCP before the image, EXIF and XMP after), so the
 * whole file is handed to libwebpmux to rebuild: meta_at asks for all of
 * it, and meta_write replaces it.
 */
static size_t webp_meta_at(const struct buffer *encoded)
{
	return encoded->len;
}

static void webp_meta_write(struct meta *m, struct buffer *out)
{
	if (webp_set_meta(out, m) < 0 && !out->failed)
		meta_warn(m, "%s: libwebpmux refused the file, dropped", "metadata");
}

static const char *const webp_extensions[] = { "webp", NULL };
static const char *const webp_words[] = { "webp", NULL };

/*
 * Quality 80: what sharp writes by default, a little above cwebp's and
 * libvips's 75, for photos that are often made again from (the JPEG row's
 * default is 90).
 */
const struct format_row format_webp = {
	.name = "WebP",
	.ext = "webp",
	.words = webp_words,
	.extensions = webp_extensions,
	.sniff = webp_sniff,
	.header = webp_header,
	.complete = webp_complete,
	.decode = webp_decode,
	.encode = webp_encode_row,
	.max_side = WEBP_SIDE_MAX,
	.default_quality = 80,
	.colour_only = 1,
	.meta_parts = FORMAT_META_EXIF | FORMAT_META_XMP | FORMAT_META_ICC,
	.meta_collect = webp_meta_collect,
	.meta_at = webp_meta_at,
	.meta_write = webp_meta_write,
	.exif = webp_exif,
};

/*
 * JPEG's row of the format table (format.h): the one walk of a JPEG's
 * marker segments, which the header probe, the structure check, the EXIF
 * that --autoorient obeys and the metadata copy all go through, so that
 * they read a hostile file the same way as one another and as stb_image.
 */
#include <string.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/meta.h"
#include "codec/probe.h"
#include "codec/stb.h"

static const char exif_id[] = "Exif\0";		/* 6 bytes with the final NUL */
static const char xmp_id[] = "http://ns.adobe.com/xap/1.0/";	/* 29 with NUL */
static const char xmp_ext_id[] = "http://ns.adobe.com/xmp/extension/";	/* 35 with NUL */
static const char icc_id[] = "ICC_PROFILE";	/* 12 with NUL */

/* A JPEG segment holds 65535 bytes with its length: what is left after each header. */
#define JPEG_SEGMENT 65533u
#define ICC_PART (JPEG_SEGMENT - sizeof(icc_id) - 2)

#define M_SOF0 0xc0
#define M_DHT 0xc4
#define M_SOS 0xda
#define M_EOI 0xd9
#define M_APP0 0xe0
#define M_APP1 0xe1
#define M_APP2 0xe2

static int jpeg_sniff(const unsigned char *h, size_t n)
{
	return n >= 3 && h[0] == 0xff && h[1] == 0xd8 && h[2] == 0xff;
}

/*
 * The walk. It skips what stb_image skips: stray bytes before a marker,
 * 0xff fill bytes, markers without a length, segments by their length, and
 * the entropy-coded data after each start of scan.
 */

/* One marker segment: its body is the bytes after the length field. */
struct segment {
	int marker;			/* the code after 0xff */
	const unsigned char *body;
	size_t len;			/* as the length field says, less its 2 bytes */
	/*
	 * The bytes from body to the end of the data, which may be fewer than
	 * len, or more: stb_image reads a DHT segment's tables past its length.
	 */
	size_t avail;
};

/*
 * Where the walk is: the next marker is looked for from pos, through the
 * entropy-coded data when the last segment was a start of scan. It is
 * looked for only when asked, so that a reader of the segments before the
 * image data never pays for a search through the scan.
 */
struct walk {
	const unsigned char *d;
	size_t n;
	size_t pos;
	int after_scan;
};

/* Markers without a length: TEM, RST0..7, SOI and EOI. */
static int standalone(int marker)
{
	return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd9);
}

/* Frame headers, SOF0..SOF15: every 0xcN but DHT, JPG and DAC. */
static int frame(int marker)
{
	return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 &&
	       marker != 0xcc;
}

/* The marker at or after *pos, left on its code byte; -1 when the data ends first. */
static int find_marker(const unsigned char *d, size_t n, size_t *pos)
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
 * restart or a stuffed 0xff00; leaves *pos on its code byte, as find_marker.
 */
static int skip_scan(const unsigned char *d, size_t n, size_t *pos)
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

static void walk_start(struct walk *w, const unsigned char *d, size_t n)
{
	w->d = d;
	w->n = n;
	w->pos = 2;	/* after SOI */
	w->after_scan = 0;
}

/* The next marker, with w->pos left on its code byte; -1 when the data ends first. */
static int next_marker(struct walk *w)
{
	int m;

	if (w->pos >= w->n)
		return -1;
	m = w->after_scan ? skip_scan(w->d, w->n, &w->pos) : find_marker(w->d, w->n, &w->pos);
	w->after_scan = 0;
	while (m >= 0 && m != M_EOI && standalone(m)) {
		w->pos++;
		m = find_marker(w->d, w->n, &w->pos);
	}
	return m;
}

/* walk_next's answer when the data ends before the next segment's length field. */
#define WALK_MORE 2

/*
 * The next segment with a length, in s: 1; 0 at EOI; WALK_MORE; or -1
 * with an error() for a length under 2. A segment may run past the data
 * (s->avail < s->len).
 */
static int walk_next(struct walk *w, struct segment *s)
{
	const unsigned char *d = w->d;
	size_t n = w->n;
	int m = next_marker(w);

	if (m < 0)
		return WALK_MORE;
	if (m == M_EOI)
		return 0;
	if (n - w->pos < 3)
		return WALK_MORE;
	if (be16(d + w->pos + 1) < 2)
		return error("corrupt JPEG: bad segment length");
	s->marker = m;
	s->body = d + w->pos + 3;
	s->len = be16(d + w->pos + 1) - 2;
	s->avail = n - w->pos - 3;
	w->pos += 3 + s->len;
	w->after_scan = m == M_SOS;
	return 1;
}

/*
 * The segments before the image data, whole, for the readers of metadata:
 * 1 with the next, 0 at the first scan or where the walk cannot go on.
 */
static int walk_next_header(struct walk *w, struct segment *s)
{
	int ret = walk_next(w, s);

	if (ret < 0)
		error_clear();
	return ret == 1 && s->marker != M_SOS && s->avail >= s->len;
}

/* The header probe. */

/* Width, height and channels from a frame header's body. */
static int frame_size(struct probe *p, const struct segment *s)
{
	if (s->avail < 6)
		return PROBE_MORE;
	p->height = be16(s->body + 1);
	p->width = be16(s->body + 3);
	/* stb_image gives grey for one component, RGB for three or four (CMYK). */
	p->channels = s->body[5] >= 3 ? 3 : 1;
	if (!p->width)
		return error("corrupt JPEG: zero width");
	if (!p->height)
		return error("JPEG with its height after the image data (DNL), which pixpool does not read");
	return 0;
}

/*
 * The Huffman tables of a DHT segment, read as stb_image reads them. It
 * stores the code lengths of each table in an array of 257 and the symbols
 * in one of 256, and does not check that the 16 counts add up to at most
 * 256: such a table is refused.
 */
static int huffman_tables(const struct segment *s)
{
	int64_t left = (int64_t)s->len;
	size_t pos = 0;

	while (left > 0 && s->avail - pos >= 17) {
		unsigned symbols = 0;

		for (int i = 1; i <= 16; i++)
			symbols += s->body[pos + i];
		if (symbols > 256)
			return error("corrupt JPEG: bad Huffman table");
		pos += 17 + symbols;
		left -= 17 + (int64_t)symbols;
		if (pos > s->avail)
			break;
	}
	return 0;
}

/* Up to the first frame header. */
static int jpeg_header(struct probe *p, const unsigned char *d, size_t n)
{
	struct walk w;
	struct segment s;
	int ret;

	walk_start(&w, d, n);
	while ((ret = walk_next(&w, &s)) == 1) {
		if (frame(s.marker))
			return frame_size(p, &s);
		if (s.marker == M_SOS)
			return error("corrupt JPEG: image data before the frame header");
		if (s.marker == M_DHT && huffman_tables(&s) < 0)
			return -1;
	}
	if (ret == WALK_MORE)
		return PROBE_MORE;
	return ret == 0 ? error("corrupt JPEG: no frame header") : ret;
}

/* Through every scan to EOI. */
static int jpeg_complete(struct probe *p, const unsigned char *d, size_t n)
{
	struct walk w;
	struct segment s;
	int ret;

	walk_start(&w, d, n);
	while ((ret = walk_next(&w, &s)) == 1)
		if (s.marker == M_DHT && huffman_tables(&s) < 0)
			return -1;
	return ret == WALK_MORE ? error("truncated %s", format_name(p->format)) : ret;
}

static int jpeg_decode(struct image *img, const struct probe *p, const unsigned char *d,
		       size_t n, int shrink)
{
	return stb_decode_jpeg(img, p, d, n, shrink);
}

static int jpeg_encode(const struct image *img, const struct encode_options *o,
		       struct buffer *buf)
{
	return stb_encode_jpeg(img, format_quality(&format_jpeg, o), buf);
}

/* Metadata in. */

static int starts(const struct segment *s, const char *id, size_t idlen)
{
	return s->len >= idlen && !memcmp(s->body, id, idlen);
}

/* The first APP1 "Exif" segment before the image data: the one both readers of EXIF take. */
static int jpeg_exif(const unsigned char *d, size_t n, const unsigned char **block, size_t *len)
{
	struct walk w;
	struct segment s;

	if (!jpeg_sniff(d, n))
		return 0;
	walk_start(&w, d, n);
	while (walk_next_header(&w, &s)) {
		if (s.marker == M_APP1 && starts(&s, exif_id, 6)) {
			*block = s.body + 6;
			*len = s.len - 6;
			return 1;
		}
	}
	return 0;
}

/*
 * ICC parts of a JPEG, in file order: each says its number and how many
 * there are. They are put together once every part has been seen.
 */
struct icc_parts {
	const unsigned char *part[256];
	size_t len[256];
	unsigned count;
	int bad;
};

static void icc_part(struct icc_parts *ip, const unsigned char *p, size_t n)
{
	unsigned seq, count;

	if (n < 2) {
		ip->bad = 1;
		return;
	}
	seq = p[0];
	count = p[1];
	if (!seq || seq > count || (ip->count && count != ip->count) || ip->part[seq])
		ip->bad = 1;
	else {
		ip->count = count;
		ip->part[seq] = p + 2;
		ip->len[seq] = n - 2;
	}
}

static void icc_join(struct meta *m, const struct icc_parts *ip)
{
	size_t total = 0;

	if (!ip->count && !ip->bad)
		return;
	m->had = 1;
	for (unsigned i = 1; i <= ip->count && !ip->bad; i++) {
		if (!ip->part[i]) {
			meta_warn(m, "%s: a part is missing, dropped", "ICC profile");
			return;
		}
		total += ip->len[i];
	}
	if (ip->bad) {
		meta_warn(m, "%s: parts numbered wrongly, dropped", "ICC profile");
		return;
	}
	if (total > META_ICC_MAX) {
		meta_warn(m, "%s over the size pixpool carries, dropped", "ICC profile");
		return;
	}
	for (unsigned i = 1; i <= ip->count; i++)
		buffer_put(&m->icc, ip->part[i], ip->len[i]);
}

/* One APP1 or APP2 segment. Extended XMP is kept whole, marker and length with it. */
static void collect_segment(struct meta *m, struct icc_parts *ip, const struct segment *s)
{
	if (s->marker == M_APP1 && starts(s, exif_id, 6))
		meta_keep(m, &m->exif, s->body + 6, s->len - 6, META_EXIF_MAX, "EXIF");
	else if (s->marker == M_APP1 && starts(s, xmp_id, sizeof(xmp_id)))
		meta_keep(m, &m->xmp, s->body + sizeof(xmp_id), s->len - sizeof(xmp_id),
			  META_XMP_MAX, "XMP");
	else if (s->marker == M_APP1 && starts(s, xmp_ext_id, sizeof(xmp_ext_id))) {
		m->had = 1;
		if (m->xmp_ext.len + s->len + 4 > META_XMP_EXT_MAX)
			meta_warn(m, "%s over the size pixpool carries, dropped", "extended XMP");
		else
			buffer_put(&m->xmp_ext, s->body - 4, s->len + 4);
	} else if (s->marker == M_APP2 && starts(s, icc_id, sizeof(icc_id)))
		icc_part(ip, s->body + sizeof(icc_id), s->len - sizeof(icc_id));
}

static void jpeg_meta_collect(struct meta *m, const unsigned char *d, size_t n)
{
	static struct icc_parts zero;
	struct icc_parts ip = zero;
	struct walk w;
	struct segment s;

	if (!jpeg_sniff(d, n))
		return;
	walk_start(&w, d, n);
	while (walk_next_header(&w, &s))
		collect_segment(m, &ip, &s);
	icc_join(m, &ip);
}

/* Metadata out. */

static void segment_header(struct buffer *out, unsigned marker, size_t body, const char *id,
			   size_t idlen)
{
	unsigned char h[4] = { 0xff, (unsigned char)marker, 0, 0 };

	put_be16(h + 2, (uint32_t)(2 + idlen + body));
	buffer_put(out, h, 4);
	buffer_put(out, id, idlen);
}

/* The profile in numbered APP2 parts of at most ICC_PART bytes. */
static void write_icc(struct meta *m, struct buffer *out)
{
	size_t parts = (m->icc.len + ICC_PART - 1) / ICC_PART;

	if (parts > 255) {
		meta_warn(m, "%s too large for a JPEG, dropped", "ICC profile");
		return;
	}
	for (size_t i = 0; i < parts; i++) {
		size_t at = i * ICC_PART, len = m->icc.len - at < ICC_PART ? m->icc.len - at : ICC_PART;
		unsigned char seq[2] = { (unsigned char)(i + 1), (unsigned char)parts };

		segment_header(out, M_APP2, len + 2, icc_id, sizeof(icc_id));
		buffer_put(out, seq, 2);
		buffer_put(out, m->icc.data + at, len);
	}
}

static void jpeg_meta_write(struct meta *m, struct buffer *out)
{
	if (m->exif.len > JPEG_SEGMENT - 6)
		meta_warn(m, "%s too large for a JPEG segment, dropped", "EXIF");
	else if (m->exif.len) {
		segment_header(out, M_APP1, m->exif.len, exif_id, 6);
		buffer_put(out, m->exif.data, m->exif.len);
	}
	if (m->xmp.len > JPEG_SEGMENT - sizeof(xmp_id))
		meta_warn(m, "%s too large for a JPEG segment, dropped", "XMP");
	else if (m->xmp.len) {
		segment_header(out, M_APP1, m->xmp.len, xmp_id, sizeof(xmp_id));
		buffer_put(out, m->xmp.data, m->xmp.len);
		buffer_put(out, m->xmp_ext.data, m->xmp_ext.len);
	}
	if (m->icc.len)
		write_icc(m, out);
}

/*
 * After SOI, and after the JFIF APP0 segment that stb_image_write puts
 * there: JFIF asks to come first, and readers look for it there.
 */
static size_t jpeg_meta_at(const struct buffer *buf)
{
	const unsigned char *d = buf->data;

	if (buf->len >= 6 && d[2] == 0xff && d[3] == M_APP0 && be16(d + 4) + 4u <= buf->len)
		return 4 + be16(d + 4);
	return 2;
}

static const char *const jpeg_extensions[] = { "jpg", "jpeg", "jpe", NULL };
static const char *const jpeg_words[] = { "jpg", "jpeg", NULL };

const struct format_row format_jpeg = {
	.name = "JPEG",
	.ext = "jpg",
	.words = jpeg_words,
	.extensions = jpeg_extensions,
	.sniff = jpeg_sniff,
	.header = jpeg_header,
	.complete = jpeg_complete,
	.decode = jpeg_decode,
	.encode = jpeg_encode,
	.max_side = 65535,
	.default_quality = 90,
	.opaque = 1,
	.meta_parts = FORMAT_META_EXIF | FORMAT_META_XMP | FORMAT_META_XMP_EXT | FORMAT_META_ICC,
	.meta_collect = jpeg_meta_collect,
	.meta_at = jpeg_meta_at,
	.meta_write = jpeg_meta_write,
	.exif = jpeg_exif,
};

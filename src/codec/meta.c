/* Metadata carried from input to output around stb: collect, make true, write. */
#include "codec/meta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "codec/exif.h"

static const char exif_id[] = "Exif\0";		/* 6 bytes with the final NUL */
static const char xmp_id[] = "http://ns.adobe.com/xap/1.0/";	/* 29 with NUL */
static const char xmp_ext_id[] = "http://ns.adobe.com/xmp/extension/";	/* 35 with NUL */
static const char icc_id[] = "ICC_PROFILE";	/* 12 with NUL */
static const char xmp_keyword[] = "XML:com.adobe.xmp";

/* A JPEG segment holds 65535 bytes with its length: what is left after each header. */
#define JPEG_SEGMENT 65533u
#define ICC_PART (JPEG_SEGMENT - sizeof(icc_id) - 2)

static unsigned be16(const unsigned char *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}


static void warn(struct meta *m, const char *fmt, const char *what)
{
	m->changed = 1;
	if (!m->warning[0])
		snprintf(m->warning, sizeof(m->warning), fmt, what);
}

/* Keeps the first block of a kind, if it is within its bound. */
static void keep(struct meta *m, struct buffer *to, const unsigned char *p, size_t n,
		 size_t max, const char *what)
{
	m->had = 1;
	if (to->len)
		return;
	if (n > max) {
		warn(m, "%s over the size pixpool carries, dropped", what);
		return;
	}
	buffer_put(to, p, n);
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
			warn(m, "%s: a part is missing, dropped", "ICC profile");
			return;
		}
		total += ip->len[i];
	}
	if (ip->bad) {
		warn(m, "%s: parts numbered wrongly, dropped", "ICC profile");
		return;
	}
	if (total > META_ICC_MAX) {
		warn(m, "%s over the size pixpool carries, dropped", "ICC profile");
		return;
	}
	for (unsigned i = 1; i <= ip->count; i++)
		buffer_put(&m->icc, ip->part[i], ip->len[i]);
}

static int starts(const unsigned char *p, size_t n, const char *id, size_t idlen)
{
	return n >= idlen && !memcmp(p, id, idlen);
}

/* One APP1 or APP2 segment's body (p, n), the marker and length at seg. */
static void jpeg_segment(struct meta *m, struct icc_parts *ip, unsigned marker,
			 const unsigned char *seg, const unsigned char *p, size_t n)
{
	if (marker == 0xe1 && starts(p, n, exif_id, 6))
		keep(m, &m->exif, p + 6, n - 6, META_EXIF_MAX, "EXIF");
	else if (marker == 0xe1 && starts(p, n, xmp_id, sizeof(xmp_id)))
		keep(m, &m->xmp, p + sizeof(xmp_id), n - sizeof(xmp_id), META_XMP_MAX, "XMP");
	else if (marker == 0xe1 && starts(p, n, xmp_ext_id, sizeof(xmp_ext_id))) {
		m->had = 1;
		if (m->xmp_ext.len + n + 4 > META_XMP_EXT_MAX)
			warn(m, "%s over the size pixpool carries, dropped", "extended XMP");
		else
			buffer_put(&m->xmp_ext, seg, n + 4);
	} else if (marker == 0xe2 && starts(p, n, icc_id, sizeof(icc_id)))
		icc_part(ip, p + sizeof(icc_id), n - sizeof(icc_id));
}

/* Markers without a length: TEM, RST0..7 and SOI. */
static int standalone(unsigned marker)
{
	return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

/* Walks the segments before the first scan, as image_exif_orientation does. */
static void collect_jpeg(struct meta *m, const unsigned char *d, size_t size)
{
	static struct icc_parts zero;
	struct icc_parts ip = zero;
	size_t pos = 2;

	while (size >= 4 && size - pos >= 4 && d[pos] == 0xff) {
		unsigned marker = d[pos + 1];
		size_t len;

		if (marker == 0xff || standalone(marker)) {
			pos += marker == 0xff ? 1 : 2;
			continue;
		}
		len = be16(d + pos + 2);
		if (marker == 0xda || marker == 0xd9 || len < 2 || len > size - pos - 2)
			break;
		jpeg_segment(m, &ip, marker, d + pos, d + pos + 4, len - 2);
		pos += 2 + len;
	}
	icc_join(m, &ip);
}

/*
 * Inflates a zlib stream into out, refusing to grow it past max bytes:
 * a few bytes of deflate can claim gigabytes.
 */
static int inflate_bounded(const unsigned char *p, size_t n, size_t max, struct buffer *out)
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

/* iCCP: a name of 1..79 bytes, NUL, method 0, then the zlib stream. */
static void png_iccp(struct meta *m, const unsigned char *p, size_t n)
{
	const unsigned char *nul = memchr(p, 0, n < 80 ? n : 80);

	m->had = 1;
	if (m->icc.len)
		return;
	if (!nul || nul == p || (size_t)(nul - p) + 2 > n || nul[1] != 0) {
		warn(m, "%s: malformed iCCP chunk, dropped", "ICC profile");
		return;
	}
	if (inflate_bounded(nul + 2, n - (size_t)(nul - p) - 2, META_ICC_MAX, &m->icc) < 0)
		warn(m, "%s: cannot inflate the iCCP chunk, or over the size pixpool carries, dropped",
		     "ICC profile");
}

/* iTXt: keyword NUL, flag, method, language NUL, translated keyword NUL, text. */
static void png_itxt(struct meta *m, const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n, *q;

	if (!starts(p, n, xmp_keyword, sizeof(xmp_keyword)))
		return;
	m->had = 1;
	q = p + sizeof(xmp_keyword) + 2;
	for (int i = 0; i < 2 && q && q < end; i++) {
		q = memchr(q, 0, (size_t)(end - q));
		q = q ? q + 1 : NULL;
	}
	if (!q || q > end || n < sizeof(xmp_keyword) + 2) {
		warn(m, "%s: malformed iTXt chunk, dropped", "XMP");
		return;
	}
	if (p[sizeof(xmp_keyword)] == 0) {
		keep(m, &m->xmp, q, (size_t)(end - q), META_XMP_MAX, "XMP");
		return;
	}
	if (!m->xmp.len &&
	    inflate_bounded(q, (size_t)(end - q), META_XMP_MAX, &m->xmp) < 0)
		warn(m, "%s: cannot inflate the iTXt chunk, or over the size pixpool carries, "
		     "dropped", "XMP");
}

/* The chunks of a PNG that probe_complete already walked: lengths are within the file. */
static void collect_png(struct meta *m, const unsigned char *d, size_t size)
{
	size_t pos = 8;

	while (size >= 8 && size - pos >= 12) {
		uint32_t len = be32(d + pos);
		const unsigned char *type = d + pos + 4, *body = d + pos + 8;

		if (len > size - pos - 12)
			break;
		if (!memcmp(type, "iCCP", 4))
			png_iccp(m, body, len);
		else if (!memcmp(type, "eXIf", 4))
			keep(m, &m->exif, body, len, META_EXIF_MAX, "EXIF");
		else if (!memcmp(type, "iTXt", 4))
			png_itxt(m, body, len);
		else if (!memcmp(type, "IEND", 4))
			break;
		pos += 12 + (size_t)len;
	}
}

void meta_collect(struct meta *m, const unsigned char *data, size_t size, enum format format)
{
	if (format == FORMAT_JPEG && size >= 2 && data[0] == 0xff && data[1] == 0xd8)
		collect_jpeg(m, data, size);
	else if (format == FORMAT_PNG)
		collect_png(m, data, size);
	if (m->exif.failed || m->xmp.failed || m->xmp_ext.failed || m->icc.failed) {
		meta_release(m);
		m->had = 1;
		warn(m, "%s: out of memory, dropped", "metadata");
	}
}

void meta_release(struct meta *m)
{
	buffer_release(&m->exif);
	buffer_release(&m->xmp);
	buffer_release(&m->xmp_ext);
	buffer_release(&m->icc);
}

static void drop(struct meta *m, struct buffer *b)
{
	if (b->len)
		m->changed = 1;
	buffer_release(b);
}

/* The EXIF made true: upright, the output's size, no stale thumbnail, no GPS if asked. */
static void prepare_exif(struct meta *m, const struct meta_edit *e)
{
	struct exif x;

	if (exif_parse(&x, m->exif.data, m->exif.len) < 0) {
		char why[ERROR_MAX / 2];

		snprintf(why, sizeof(why), "EXIF (%.80s)", error_message());
		error_clear();
		drop(m, &m->exif);
		warn(m, "malformed %s, dropped", why);
		return;
	}
	if (e->oriented)
		m->changed |= exif_set_upright(&x);
	m->changed |= exif_set_size(&x, e->width, e->height);
	if (e->pixels_changed)
		m->changed |= exif_drop_thumbnail(&x);
	if (e->strip & META_STRIP_GPS)
		m->changed |= exif_drop_gps(&x);
	m->exif.len = x.n;
}

/*
 * A profile describes the colour space of the pixels it travels with: a
 * grey image takes only a grey ('GRAY') profile, a colour image only a
 * colour one. A profile that no longer fits is dropped.
 */
static void prepare_icc(struct meta *m, const struct meta_edit *e)
{
	int grey_profile = m->icc.len >= 20 && !memcmp(m->icc.data + 16, "GRAY", 4);

	if (m->icc.len < 128) {
		drop(m, &m->icc);
		return;
	}
	if (grey_profile != (e->channels <= 2))
		drop(m, &m->icc);
}

static int mentions(const struct buffer *b, const char *text)
{
	return b->len && memmem(b->data, b->len, text, strlen(text));
}

/*
 * XMP is XML that pixpool does not edit, and it may repeat the EXIF GPS
 * position (exif:GPSLatitude...): --strip=gps drops an XMP packet that
 * mentions GPS whole.
 */
static void prepare_xmp(struct meta *m, const struct meta_edit *e)
{
	static const char gps[] = "exif:GPS";

	if ((e->strip & META_STRIP_GPS) && (mentions(&m->xmp, gps) || mentions(&m->xmp_ext, gps)))
		drop(m, &m->xmp);
	if (!m->xmp.len || e->format != FORMAT_JPEG)
		drop(m, &m->xmp_ext);
}

enum meta_fate meta_prepare(struct meta *m, const struct meta_edit *e)
{
	if (e->format != FORMAT_JPEG && e->format != FORMAT_PNG)
		meta_release(m);
	if (e->strip & META_STRIP_EXIF)
		drop(m, &m->exif);
	if (e->strip & META_STRIP_XMP)
		drop(m, &m->xmp);
	if (e->strip & META_STRIP_ICC)
		drop(m, &m->icc);
	if (m->exif.len)
		prepare_exif(m, e);
	prepare_icc(m, e);
	prepare_xmp(m, e);
	if (!m->had)
		return META_NONE;
	if (!m->exif.len && !m->xmp.len && !m->icc.len)
		return META_DROPPED;
	return m->changed ? META_CHANGED : META_KEPT;
}

const char *meta_fate_name(enum meta_fate fate)
{
	static const char *const names[] = { "none", "kept", "changed", "dropped" };

	return names[fate];
}

/* JPEG output. */

static void jpeg_header(struct buffer *out, unsigned marker, size_t body, const char *id,
			size_t idlen)
{
	unsigned char h[4] = { 0xff, (unsigned char)marker, 0, 0 };
	size_t len = 2 + idlen + body;

	h[2] = (unsigned char)(len >> 8);
	h[3] = (unsigned char)len;
	buffer_put(out, h, 4);
	buffer_put(out, id, idlen);
}

/* The profile in numbered APP2 parts of at most ICC_PART bytes. */
static void jpeg_icc(struct meta *m, struct buffer *out)
{
	size_t parts = (m->icc.len + ICC_PART - 1) / ICC_PART;

	if (parts > 255) {
		warn(m, "%s too large for a JPEG, dropped", "ICC profile");
		return;
	}
	for (size_t i = 0; i < parts; i++) {
		size_t at = i * ICC_PART, len = m->icc.len - at < ICC_PART ? m->icc.len - at : ICC_PART;
		unsigned char seq[2] = { (unsigned char)(i + 1), (unsigned char)parts };

		jpeg_header(out, 0xe2, len + 2, icc_id, sizeof(icc_id));
		buffer_put(out, seq, 2);
		buffer_put(out, m->icc.data + at, len);
	}
}

static void jpeg_segments(struct meta *m, struct buffer *out)
{
	if (m->exif.len > JPEG_SEGMENT - 6)
		warn(m, "%s too large for a JPEG segment, dropped", "EXIF");
	else if (m->exif.len) {
		jpeg_header(out, 0xe1, m->exif.len, exif_id, 6);
		buffer_put(out, m->exif.data, m->exif.len);
	}
	if (m->xmp.len > JPEG_SEGMENT - sizeof(xmp_id))
		warn(m, "%s too large for a JPEG segment, dropped", "XMP");
	else if (m->xmp.len) {
		jpeg_header(out, 0xe1, m->xmp.len, xmp_id, sizeof(xmp_id));
		buffer_put(out, m->xmp.data, m->xmp.len);
		buffer_put(out, m->xmp_ext.data, m->xmp_ext.len);
	}
	if (m->icc.len)
		jpeg_icc(m, out);
}

/*
 * After SOI, and after the JFIF APP0 segment that stb_image_write puts
 * there: JFIF asks to come first, and readers look for it there.
 */
static size_t jpeg_insert_at(const struct buffer *buf)
{
	const unsigned char *d = buf->data;

	if (buf->len >= 6 && d[2] == 0xff && d[3] == 0xe0 && be16(d + 4) + 4u <= buf->len)
		return 4 + be16(d + 4);
	return 2;
}

/* PNG output. */

static void png_chunk(struct buffer *out, const char *type, const void *a, size_t alen,
		      const void *b, size_t blen)
{
	unsigned char h[8], c[4];
	uint32_t len = (uint32_t)(alen + blen), crc;

	h[0] = (unsigned char)(len >> 24), h[1] = (unsigned char)(len >> 16);
	h[2] = (unsigned char)(len >> 8), h[3] = (unsigned char)len;
	memcpy(h + 4, type, 4);
	crc = (uint32_t)crc32(0, h + 4, 4);
	if (alen)
		crc = (uint32_t)crc32(crc, a, (uInt)alen);
	if (blen)
		crc = (uint32_t)crc32(crc, b, (uInt)blen);
	c[0] = (unsigned char)(crc >> 24), c[1] = (unsigned char)(crc >> 16);
	c[2] = (unsigned char)(crc >> 8), c[3] = (unsigned char)crc;
	buffer_put(out, h, 8);
	buffer_put(out, a, alen);
	buffer_put(out, b, blen);
	buffer_put(out, c, 4);
}

/* iCCP holds the profile deflated, under a name of our choosing. */
static void png_icc(struct meta *m, struct buffer *out)
{
	static const char head[] = "ICC profile\0";	/* name, NUL, method 0 */
	uLongf len = compressBound((uLong)m->icc.len);
	unsigned char *z = malloc(len);

	if (!z || compress2(z, &len, m->icc.data, (uLong)m->icc.len, 9) != Z_OK) {
		free(z);
		out->failed = 1;
		return;
	}
	png_chunk(out, "iCCP", head, sizeof(head), z, len);
	free(z);
}

static void png_chunks(struct meta *m, struct buffer *out)
{
	/* keyword NUL, not compressed, method 0, no language NUL, no translation NUL */
	static const char head[] = "XML:com.adobe.xmp\0\0\0\0";

	if (m->icc.len)
		png_icc(m, out);
	if (m->exif.len)
		png_chunk(out, "eXIf", m->exif.data, m->exif.len, NULL, 0);
	if (m->xmp.len)
		png_chunk(out, "iTXt", head, sizeof(head), m->xmp.data, m->xmp.len);
}

/* After the signature and IHDR, the first chunk stb_image_write writes. */
#define PNG_INSERT_AT 33

int meta_insert(struct meta *m, enum format format, struct buffer *buf)
{
	struct buffer out = BUFFER_INIT;
	size_t at;

	if ((format != FORMAT_JPEG && format != FORMAT_PNG) ||
	    (!m->exif.len && !m->xmp.len && !m->icc.len))
		return 0;
	at = format == FORMAT_JPEG ? jpeg_insert_at(buf) : PNG_INSERT_AT;
	if (buf->len < at)
		return error("encoded %s too short for metadata", format_name(format));
	buffer_put(&out, buf->data, at);
	if (format == FORMAT_JPEG)
		jpeg_segments(m, &out);
	else
		png_chunks(m, &out);
	buffer_put(&out, buf->data + at, buf->len - at);
	if (out.failed) {
		buffer_release(&out);
		return error("out of memory while writing metadata");
	}
	buffer_release(buf);
	*buf = out;
	return 0;
}

/* What a file carries, for pixpool info. */

static void describe_exif(const struct meta *m, char *buf, size_t size)
{
	struct exif x;
	char make[64], model[64], date[32];
	struct buffer copy = BUFFER_INIT;

	buffer_put(&copy, m->exif.data, m->exif.len);
	if (copy.failed || exif_parse(&x, copy.data, copy.len) < 0) {
		snprintf(buf, size, "EXIF malformed (%s)", copy.failed ? "out of memory"
			 : error_message());
		buffer_release(&copy);
		return;
	}
	exif_string(&x, x.make, make, sizeof(make));
	exif_string(&x, x.model, model, sizeof(model));
	exif_string(&x, x.original ? x.original : x.datetime, date, sizeof(date));
	snprintf(buf, size, "EXIF %zu bytes: camera \"%s%s%s\", date \"%s\", orientation %d, "
		 "GPS %s, thumbnail %s", m->exif.len, make, make[0] && model[0] ? " " : "", model,
		 date, exif_orientation(&x), x.gps_entry ? "yes" : "no",
		 x.thumb_bytes ? "yes" : "no");
	buffer_release(&copy);
}

void meta_describe(const struct meta *m, char *buf, size_t size)
{
	char exif[400] = "no EXIF", desc[128];
	int n;

	if (m->exif.len)
		describe_exif(m, exif, sizeof(exif));
	meta_icc_description(m->icc.data, m->icc.len, desc, sizeof(desc));
	n = snprintf(buf, size, "%s; ", exif);
	if (n >= 0 && (size_t)n < size && m->icc.len)
		n += snprintf(buf + n, size - (size_t)n, "ICC \"%s\" %zu bytes; ", desc, m->icc.len);
	else if (n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "no ICC profile; ");
	if (n >= 0 && (size_t)n < size && m->xmp.len)
		snprintf(buf + n, size - (size_t)n, "XMP %zu bytes", m->xmp.len + m->xmp_ext.len);
	else if (n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "no XMP");
}

/* Text of a 'desc' (v2: count then ASCII) or 'mluc' (v4: the first record, UTF-16BE) tag. */
static void icc_text(const unsigned char *t, size_t n, char *buf, size_t size)
{
	size_t len = 0, at = 0, step = 1;

	if (n >= 12 && !memcmp(t, "desc", 4)) {
		len = be32(t + 8);
		at = 12;
	} else if (n >= 28 && !memcmp(t, "mluc", 4) && be32(t + 8) > 0) {
		len = be32(t + 20) / 2;
		at = be32(t + 24) + 1;	/* the low byte of each UTF-16BE unit */
		step = 2;
	}
	for (size_t i = 0, o = 0; i < len && o + 1 < size && at + i * step < n; i++) {
		unsigned char c = t[at + i * step];

		if (!c)
			break;
		buf[o++] = c < 0x80 ? (char)c : '?';
		buf[o] = '\0';
	}
}

void meta_icc_description(const unsigned char *icc, size_t n, char *buf, size_t size)
{
	uint32_t count;

	buf[0] = '\0';
	if (n < 132 || size == 0)
		return;
	count = be32(icc + 128);
	for (uint32_t i = 0; i < count && i < (n - 132) / 12; i++) {
		const unsigned char *e = icc + 132 + 12 * (size_t)i;
		uint32_t at = be32(e + 4), len = be32(e + 8);

		if (!memcmp(e, "desc", 4) && at <= n && len <= n - at) {
			icc_text(icc + at, len, buf, size);
			return;
		}
	}
}

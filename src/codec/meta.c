/* Metadata carried from input to output around stb: collect, make true, write (meta.h). */
#include "codec/meta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/bytes.h"
#include "codec/exif.h"
#include "codec/xmp.h"

void meta_warn(struct meta *m, const char *fmt, const char *what)
{
	m->changed = 1;
	if (!m->warning[0])
		snprintf(m->warning, sizeof(m->warning), fmt, what);
}

void meta_keep(struct meta *m, struct buffer *to, const unsigned char *p, size_t n,
	       size_t max, const char *what)
{
	m->had = 1;
	if (to->len)
		return;
	if (n > max) {
		meta_warn(m, "%s over the size pixpool carries, dropped", what);
		return;
	}
	buffer_put(to, p, n);
}

void meta_collect(struct meta *m, const unsigned char *data, size_t size, enum format format)
{
	const struct format_row *row = format_row(format);

	if (row && row->meta_collect)
		row->meta_collect(m, data, size);
	if (m->exif.failed || m->xmp.failed || m->xmp_ext.failed || m->icc.failed) {
		meta_release(m);
		m->had = 1;
		meta_warn(m, "%s: out of memory, dropped", "metadata");
	}
}

void meta_release(struct meta *m)
{
	buffer_release(&m->exif);
	buffer_release(&m->xmp);
	buffer_release(&m->xmp_ext);
	buffer_release(&m->icc);
}

void meta_set_icc(struct meta *m, const unsigned char *profile, size_t n)
{
	if (m->icc.len == n && !memcmp(m->icc.data, profile, n))
		return;
	buffer_release(&m->icc);
	buffer_put(&m->icc, profile, n);
	if (m->icc.failed) {
		buffer_release(&m->icc);
		meta_warn(m, "%s: out of memory, dropped", "ICC profile");
	}
	m->had = 1;
	m->changed = 1;
}

static void drop(struct meta *m, struct buffer *b)
{
	if (b->len)
		m->changed = 1;
	buffer_release(b);
}

/* Drops a part that cannot be read or edited, saying why (error_message()). */
static void drop_malformed(struct meta *m, struct buffer *b, const char *what)
{
	char why[ERROR_MAX / 2];

	snprintf(why, sizeof(why), "%s (%.80s)", what, error_message());
	error_clear();
	drop(m, b);
	meta_warn(m, "malformed %s, dropped", why);
}

/*
 * The EXIF made true: upright, the output's size, no stale thumbnail, no
 * GPS if asked. Dropping a thumbnail or the GPS zeroes what is no longer
 * linked (exif.h); a block where that cannot be done goes whole.
 */
static void prepare_exif(struct meta *m, const struct meta_edit *e)
{
	struct exif x;
	int thumb = 0, gps = 0;

	if (exif_parse(&x, m->exif.data, m->exif.len) < 0) {
		drop_malformed(m, &m->exif, "EXIF");
		return;
	}
	if (e->oriented)
		m->changed |= exif_set_upright(&x);
	m->changed |= exif_set_size(&x, e->width, e->height);
	if (e->pixels_changed)
		thumb = exif_drop_thumbnail(&x);
	if (thumb >= 0 && (e->strip & META_STRIP_GPS))
		gps = exif_drop_gps(&x);
	if (thumb < 0 || gps < 0) {
		drop_malformed(m, &m->exif, "EXIF");
		return;
	}
	m->changed |= thumb | gps;
	m->exif.len = x.n;
}

/*
 * A profile describes the colour space of the pixels it travels with: a
 * grey image takes only a grey ('GRAY') profile, a colour image only a
 * colour one; a grey image its format writes as RGB is a colour one. A
 * profile that no longer fits is dropped.
 */
static void prepare_icc(struct meta *m, const struct meta_edit *e)
{
	const struct format_row *row = format_row(e->format);
	int grey_profile = m->icc.len >= 20 && !memcmp(m->icc.data + 16, "GRAY", 4);
	int grey = e->channels <= 2 && !(row && row->colour_only);

	if (m->icc.len < 128) {
		drop(m, &m->icc);
		return;
	}
	if (grey_profile != grey)
		drop(m, &m->icc);
}

/* What the output's format carries (FORMAT_META_*). */
static unsigned parts_out(const struct meta_edit *e)
{
	const struct format_row *row = format_row(e->format);

	return row ? row->meta_parts : 0;
}

/*
 * The packet without the properties goes names: 1 if any went, 0, or -1
 * when it is not XML pixpool can edit (then it goes whole, with a warning).
 */
static int xmp_without(struct meta *m, xmp_name_fn *goes)
{
	struct buffer out = BUFFER_INIT;
	int removed = xmp_remove(&out, m->xmp.data, m->xmp.len, goes);

	if (removed < 0) {
		drop_malformed(m, &m->xmp, "XMP");
		return -1;
	}
	if (removed > 0) {
		buffer_release(&m->xmp);
		m->xmp = out;
		m->changed = 1;
	} else
		buffer_release(&out);
	return removed > 0;
}

/*
 * --strip=gps takes every position out of the XMP, by element and by
 * attribute, in any namespace (xmp_position), and keeps the rest. Extended
 * XMP is one document cut into parts under its MD5 digest, which the main
 * packet names: pixpool does not rewrite it, so it goes with its link.
 */
static void strip_xmp_positions(struct meta *m, const struct meta_edit *e)
{
	if (m->xmp_ext.len) {
		drop(m, &m->xmp_ext);
		if (parts_out(e) & FORMAT_META_XMP_EXT)
			meta_warn(m, "%s: --strip=gps does not edit it, dropped", "extended XMP");
		if (m->xmp.len && xmp_without(m, xmp_extended_link) < 0)
			return;
	}
	if (m->xmp.len)
		xmp_without(m, xmp_position);
}

static void prepare_xmp(struct meta *m, const struct meta_edit *e)
{
	if (e->strip & META_STRIP_GPS)
		strip_xmp_positions(m, e);
	if (!m->xmp.len || !(parts_out(e) & FORMAT_META_XMP_EXT))
		drop(m, &m->xmp_ext);
}

enum meta_fate meta_prepare(struct meta *m, const struct meta_edit *e)
{
	unsigned parts = parts_out(e);

	/* An output that carries no metadata at all did not drop it against anyone's wish. */
	if (!parts)
		meta_release(m);
	if ((e->strip & META_STRIP_EXIF) || !(parts & FORMAT_META_EXIF))
		drop(m, &m->exif);
	if ((e->strip & META_STRIP_XMP) || !(parts & FORMAT_META_XMP))
		drop(m, &m->xmp);
	if ((e->strip & META_STRIP_ICC) || !(parts & FORMAT_META_ICC))
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

int meta_insert(struct meta *m, enum format format, struct buffer *buf)
{
	const struct format_row *row = format_row(format);
	struct buffer out = BUFFER_INIT;
	size_t at;

	if (!row || !row->meta_write || (!m->exif.len && !m->xmp.len && !m->icc.len))
		return 0;
	at = row->meta_at(buf);
	if (buf->len < at)
		return error("encoded %s too short for metadata", format_name(format));
	buffer_put(&out, buf->data, at);
	row->meta_write(m, &out);
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

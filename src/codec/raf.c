/*
 * Fujifilm's RAF (raf.h), read by the RAW row (raw.c).
 *
 * A RAF is big-endian: its magic and camera at the start, then, at byte
 * 84, three offsets each with its length: an embedded JPEG (the camera's
 * own, whose EXIF holds the Orientation), the CFA header, and the CFA (the
 * sensor's samples, which libraw alone reads). The CFA header is a count
 * of records, each a tag, a size and that many bytes; pixpool reads its
 * sizes from them as libraw 0.20 does (its parse_fuji):
 *
 *	0x100	RawImageFullSize: height, width (u16 each), the sensor's
 *	0x121	RawImageSize: height, width, what libraw develops
 *	0x130	FujiLayout: byte 0's top bit halves the width and doubles the
 *		height; byte 1's bit 3 clear is a SuperCCD sensor
 *
 * The size reported is the larger of each side, as libraw's raw size
 * grows to hold the developed one: an upper bound of what libraw
 * develops, which the RAW row holds libraw to (raw_decode_within).
 *
 * A SuperCCD sensor (the S2Pro to S5Pro and FinePix compacts of their
 * time) lies at 45 degrees: libraw develops it turned, into a square of
 * another size than either, its corners empty. Those RAFs are refused by
 * name: no RAF of one may be shipped to test its development with, and
 * pixpool does not bound in advance what it cannot check.
 */
#include "codec/raf.h"

#include <string.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/probe.h"
#include "codec/raw_call.h"

#define RAF_MAGIC "FUJIFILMCCD-RAW"
#define RAF_DIRECTORY 84	/* the JPEG's, CFA header's and CFA's offset and length */
#define RAF_HEAD (RAF_DIRECTORY + 24)
/* libraw ignores a CFA header of more records; no camera writes that many. */
#define RAF_MAX_RECORDS 255
#define TAG_FULL_SIZE 0x100
#define TAG_SIZE 0x121
#define TAG_LAYOUT 0x130
/* A width libraw widens by 3 (parse_fuji), which the bound follows. */
#define WIDTH_WIDENED 4284

struct range {
	uint32_t at, len;
};

struct raf {
	struct range jpeg, meta, cfa;	/* meta: the CFA header */
	uint32_t full_width, full_height;
	uint32_t width, height;
	int layout;		/* 1: the sensor's rows are read in pairs */
	int super_ccd;
};

int raf_sniff(const unsigned char *head, size_t n)
{
	return n >= sizeof(RAF_MAGIC) - 1 && !memcmp(head, RAF_MAGIC, sizeof(RAF_MAGIC) - 1);
}

static struct range range_at(const unsigned char *d, int i)
{
	const unsigned char *at = d + RAF_DIRECTORY + 8 * i;

	return (struct range){ be32(at), be32(at + 4) };
}

/* One record of the CFA header, of len bytes at v. */
static int read_record(struct raf *r, uint32_t tag, const unsigned char *v, uint32_t len)
{
	if (tag != TAG_FULL_SIZE && tag != TAG_SIZE && tag != TAG_LAYOUT)
		return 0;
	if (len < (tag == TAG_LAYOUT ? 2u : 4u))
		return error("corrupt RAW: RAF record 0x%x of %u bytes", (unsigned)tag,
			     (unsigned)len);
	if (tag == TAG_FULL_SIZE) {
		r->full_height = be16(v);
		r->full_width = be16(v + 2);
	} else if (tag == TAG_SIZE) {
		r->height = be16(v);
		r->width = be16(v + 2);
	} else {
		r->layout = v[0] >> 7;
		r->super_ccd = !(v[1] & 8);
	}
	return 0;
}

/* The CFA header's records, every one within its length, from its bytes at m. */
static int read_records(struct raf *r, const unsigned char *m)
{
	uint32_t count, at = 4;

	if (r->meta.len < 4)
		return error("corrupt RAW: RAF CFA header of %u bytes", (unsigned)r->meta.len);
	count = be32(m);
	if (count > RAF_MAX_RECORDS)
		return error("corrupt RAW: RAF CFA header of %u records", (unsigned)count);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t len = bytes_fit(r->meta.len, at, 4) ? be16(m + at + 2) : UINT32_MAX;

		if (!bytes_fit(r->meta.len, (uint64_t)at + 4, len))
			return error("corrupt RAW: RAF record %u runs past its CFA header",
				     (unsigned)i);
		if (read_record(r, be16(m + at), m + at + 4, len) < 0)
			return -1;
		at += 4 + len;
	}
	return 0;
}

static uint32_t larger(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* The directory at byte 84, from the first n bytes: 0, PROBE_MORE or -1. */
static int read_directory(struct raf *r, const unsigned char *d, size_t n)
{
	*r = (struct raf){ 0 };
	if (n < RAF_HEAD)
		return PROBE_MORE;
	r->jpeg = range_at(d, 0);
	r->meta = range_at(d, 1);
	r->cfa = range_at(d, 2);
	if (r->meta.at < RAF_HEAD)
		return error("corrupt RAW: RAF CFA header at %u, within the RAF header",
			     (unsigned)r->meta.at);
	return 0;
}

/* The directory and the CFA header from the first n bytes: 0, PROBE_MORE or -1. */
static int raf_read(struct raf *r, const unsigned char *d, size_t n)
{
	int ret = read_directory(r, d, n);

	if (ret)
		return ret;
	if (!bytes_fit(n, r->meta.at, r->meta.len))
		return PROBE_MORE;
	return read_records(r, d + r->meta.at);
}

/* The size the CFA header gives, into p. */
static int raf_size(struct probe *p, const struct raf *r)
{
	uint32_t width, height;

	if (r->super_ccd)
		return error("RAF of a SuperCCD sensor not supported");
	/* libraw's parse_fuji: the developed size, and the raw size grown to hold it. */
	width = (r->width == WIDTH_WIDENED ? r->width + 3 : r->width) >> r->layout;
	height = r->height << r->layout;
	p->width = larger(r->full_width, width);
	p->height = larger(r->full_height, height);
	if (!p->width || !p->height)
		return error("corrupt RAW: no size in its RAF CFA header");
	p->format = FORMAT_RAW;
	p->channels = 3;
	p->bits = 16;	/* libraw develops at 16 bits: the memory estimate counts them */
	return 0;
}

int raf_header(struct probe *p, const unsigned char *d, size_t n)
{
	struct raf r;
	int ret = raf_read(&r, d, n);

	return ret ? ret : raf_size(p, &r);
}

uint32_t raf_meta_offset(const unsigned char *d, size_t n)
{
	struct raf r;

	if (!raf_sniff(d, n) || read_directory(&r, d, n)) {
		error_clear();
		return 0;
	}
	return r.meta.at;
}

int raf_header_window(struct probe *p, int *orientation, const unsigned char *head, size_t n,
		      const unsigned char *w, size_t wn, uint64_t at)
{
	struct raf r;
	int ret = read_directory(&r, head, n);

	if (ret)
		return ret;
	if (r.meta.at < at || !bytes_fit(wn, r.meta.at - at, r.meta.len))
		return PROBE_MORE;
	memset(p, 0, sizeof(*p));
	ret = read_records(&r, w + (r.meta.at - at));
	ret = ret ? ret : raf_size(p, &r);
	/* The JPEG's EXIF comes first in it, within the first bytes. */
	*orientation = ret ? 1 : image_exif_orientation(head, n);
	return ret;
}

int raf_complete(struct probe *p, const unsigned char *d, size_t n)
{
	struct raf r;
	int ret = raf_read(&r, d, n);

	if (ret == PROBE_MORE)
		return error("truncated RAW: the RAF CFA header lies past the end");
	if (ret < 0 || raf_size(p, &r) < 0)
		return -1;
	if (!bytes_fit(n, r.jpeg.at, r.jpeg.len))
		return error("truncated RAW: the RAF's JPEG lies past the end");
	if (!r.cfa.len || r.cfa.at < RAF_HEAD)
		return error("corrupt RAW: RAF CFA of %u bytes at %u", (unsigned)r.cfa.len,
			     (unsigned)r.cfa.at);
	if (!bytes_fit(n, r.cfa.at, r.cfa.len))
		return error("truncated RAW: the RAF's CFA lies past the end");
	return 0;
}

/* The embedded JPEG's EXIF, from as much of the JPEG as the n bytes hold. */
int raf_exif(const unsigned char *d, size_t n, const unsigned char **block, size_t *len)
{
	struct range jpeg;

	if (!raf_sniff(d, n) || n < RAF_HEAD)
		return 0;
	jpeg = range_at(d, 0);
	if (jpeg.at < RAF_HEAD || jpeg.at >= n)
		return 0;
	return format_jpeg.exif(d + jpeg.at, n - jpeg.at < jpeg.len ? n - jpeg.at : jpeg.len,
				block, len);
}

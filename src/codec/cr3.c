/*
 * pixpool's reader of CR3 headers (cr3.h). Every path is fixed and every
 * list bounded, so no walk recurses and a forged file costs at most
 * CR3_MAX_BOXES boxes per level.
 */
#include "codec/cr3.h"

#include <string.h>

#include "base/error.h"
#include "codec/bmff.h"
#include "codec/bytes.h"
#include "codec/probe.h"

#define T_MOOV BMFF_TYPE('m', 'o', 'o', 'v')
#define T_UUID BMFF_TYPE('u', 'u', 'i', 'd')
#define T_CMT1 BMFF_TYPE('C', 'M', 'T', '1')
#define T_TRAK BMFF_TYPE('t', 'r', 'a', 'k')
#define T_MDIA BMFF_TYPE('m', 'd', 'i', 'a')
#define T_MINF BMFF_TYPE('m', 'i', 'n', 'f')
#define T_STBL BMFF_TYPE('s', 't', 'b', 'l')
#define T_STSD BMFF_TYPE('s', 't', 's', 'd')
#define T_CRAW BMFF_TYPE('C', 'R', 'A', 'W')
#define T_CMP1 BMFF_TYPE('C', 'M', 'P', '1')
#define T_STSZ BMFF_TYPE('s', 't', 's', 'z')
#define T_CO64 BMFF_TYPE('c', 'o', '6', '4')
#define T_STCO BMFF_TYPE('s', 't', 'c', 'o')

/* Canon's uuid, under moov, holding CMT1..CMT4 and the thumbnail. */
static const unsigned char canon_uuid[16] = {
	0x85, 0xc0, 0xb6, 0x87, 0x82, 0x0f, 0x11, 0xe0,
	0x81, 0x11, 0xf4, 0xce, 0x46, 0x2b, 0x6a, 0x48,
};

/* A visual sample entry's width and height: after 6 reserved bytes, the
 * data reference index, and 16 bytes of predefined and reserved fields. */
#define ENTRY_WIDTH_AT 24

int cr3_sniff(const unsigned char *d, size_t n)
{
	return n >= 12 && !memcmp(d + 4, "ftypcrx ", 8);
}

/* bmff_next, its complaint made a RAW's. */
static int next(const unsigned char *d, size_t end, size_t *pos, struct bmff_box *b)
{
	int ret = bmff_next(d, end, pos, b);

	if (ret < 0) {
		error_clear();
		return error("corrupt RAW: a CR3 box's size does not fit in its parent");
	}
	return ret;
}

/* The first child of type within parent, from its byte skip: 1, 0 if none, -1. */
static int child(const unsigned char *d, const struct bmff_box *parent, size_t skip,
		 uint32_t type, struct bmff_box *out)
{
	size_t pos = parent->at + skip, end = parent->at + parent->len;
	int ret = 0;

	if (skip > parent->len)
		return error("corrupt RAW: a CR3 box cut short");
	for (int count = 0; count < CR3_MAX_BOXES && (ret = next(d, end, &pos, out)) == 1; count++)
		if (out->type == type)
			return 1;
	return ret < 0 ? -1 : ret ? error("corrupt RAW: over %d boxes in one", CR3_MAX_BOXES) : 0;
}

/* A raw track's sample: stsz's size, co64's or stco's offset, CMP1's header size. */
static int read_sample(struct cr3 *h, const unsigned char *d, const struct bmff_box *stbl,
		       const struct bmff_box *stsd)
{
	struct bmff_box entry, cmp1, stsz, chunk;
	struct cr3_sample *s;

	if (h->nsamples >= CR3_MAX_TRACKS)
		return 0;
	s = &h->samples[h->nsamples];
	/* A track of CRX data has a CMP1 box after its CRAW entry's 82 bytes; a preview has none. */
	if (child(d, stsd, 8, T_CRAW, &entry) != 1 || entry.len < 82 ||
	    child(d, &entry, 82, T_CMP1, &cmp1) != 1 || cmp1.len < 32) {
		error_clear();
		return 0;
	}
	if (child(d, stbl, 0, T_STSZ, &stsz) != 1 || stsz.len < 12)
		return error("corrupt RAW: a CR3 raw track without its sample's size");
	s->len = be32(d + stsz.at + 4);
	if (child(d, stbl, 0, T_CO64, &chunk) == 1 && chunk.len >= 16)
		s->at = (uint64_t)be32(d + chunk.at + 8) << 32 | be32(d + chunk.at + 12);
	else if (child(d, stbl, 0, T_STCO, &chunk) == 1 && chunk.len >= 12)
		s->at = be32(d + chunk.at + 8);
	else
		return error("corrupt RAW: a CR3 raw track without its sample's offset");
	s->head_len = be32(d + cmp1.at + 28);
	h->nsamples++;
	return 0;
}

/* One trak: its raw sample, and the largest of its stsd's CRAW entries' sizes into h. */
static int read_trak(struct cr3 *h, const unsigned char *d, const struct bmff_box *trak)
{
	static const uint32_t path[] = { T_MDIA, T_MINF, T_STBL, T_STSD };
	/* The trak, then each box down its path: b[3] is stbl, b[4] stsd. */
	struct bmff_box b[5] = { *trak }, e;
	size_t pos, end;
	int ret = 0;

	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++)
		if ((ret = child(d, &b[i], 0, path[i], &b[i + 1])) != 1)
			return ret;
	/* stsd: version and flags, then the count of entries, which the boxes themselves bound. */
	if (b[4].len < 8)
		return error("corrupt RAW: a CR3 sample description cut short");
	if (read_sample(h, d, &b[3], &b[4]) < 0)
		return -1;
	pos = b[4].at + 8;
	end = b[4].at + b[4].len;
	for (int count = 0; count < CR3_MAX_BOXES && (ret = next(d, end, &pos, &e)) == 1; count++) {
		uint32_t w, hh;

		if (e.type != T_CRAW)
			continue;
		if (e.len < ENTRY_WIDTH_AT + 4)
			return error("corrupt RAW: a CR3 image entry cut short");
		w = be16(d + e.at + ENTRY_WIDTH_AT);
		hh = be16(d + e.at + ENTRY_WIDTH_AT + 2);
		if ((uint64_t)w * hh > (uint64_t)h->width * h->height) {
			h->width = w;
			h->height = hh;
		}
	}
	return ret < 0 ? -1 : 0;
}

/* Canon's uuid box: where CMT1, IFD0, lies. */
static int read_canon(struct cr3 *h, const unsigned char *d, const struct bmff_box *uuid)
{
	struct bmff_box cmt1;
	int ret;

	if (uuid->len < 16 || memcmp(d + uuid->at, canon_uuid, 16))
		return 0;
	ret = child(d, uuid, 16, T_CMT1, &cmt1);
	if (ret == 1) {
		h->ifd0_at = cmt1.at;
		h->ifd0_len = cmt1.len;
	}
	return ret < 0 ? -1 : 0;
}

static int read_moov(struct cr3 *h, const unsigned char *d, const struct bmff_box *moov)
{
	size_t pos = moov->at, end = moov->at + moov->len;
	struct bmff_box b;
	int ret = 0, tracks = 0;

	for (int count = 0; count < CR3_MAX_BOXES && (ret = next(d, end, &pos, &b)) == 1; count++) {
		if (b.type == T_UUID)
			ret = read_canon(h, d, &b);
		else if (b.type == T_TRAK && tracks++ < CR3_MAX_TRACKS)
			ret = read_trak(h, d, &b);
		if (ret < 0)
			return -1;
	}
	if (ret < 0)
		return -1;
	if (!h->width || !h->height)
		return error("corrupt RAW: no image size in the CR3's tracks");
	return 0;
}

int cr3_header(struct cr3 *h, const unsigned char *d, size_t n)
{
	struct bmff_box moov;
	int ret;

	memset(h, 0, sizeof(*h));
	ret = bmff_top_box(d, n, T_MOOV, "RAW", &moov);
	return ret ? ret : read_moov(h, d, &moov);
}

int cr3_complete(const unsigned char *d, size_t n)
{
	return bmff_boxes_within(d, n, "RAW");
}

/* One CRX header: its marker, its size at 4 and, for a subband, its padding. */
static int crx_sample(const struct cr3_sample *s, const unsigned char *d, size_t n)
{
	uint64_t data = s->at + s->head_len, tile = data, plane = data, band = data;

	if (s->at > n || s->len > n - s->at || s->head_len > n - s->at)
		return error("truncated RAW: a CR3 sample lies past the end of the file");
	for (uint64_t pos = s->at; pos + 12 <= s->at + s->head_len; pos += 12) {
		uint32_t marker = be16(d + pos), size = be32(d + pos + 4);

		if (marker == 0xFF01) {
			plane = band = tile;
			tile += size;
			pos += be16(d + pos + 2) > 8 ? be16(d + pos + 2) - 8u : 0;
		} else if (marker == 0xFF02) {
			band = plane;
			plane += size;
		} else if (marker == 0xFF03) {
			band += size;
			if (band > n)
				return error("truncated RAW: a CR3 plane lies past the end of the file");
		} else {
			break;
		}
	}
	return 0;
}

int cr3_samples_complete(const struct cr3 *h, const unsigned char *d, size_t n)
{
	for (int i = 0; i < h->nsamples; i++)
		if (crx_sample(&h->samples[i], d, n))
			return -1;
	return 0;
}

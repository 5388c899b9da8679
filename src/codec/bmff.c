/*
 * pixpool's reader of HEIF's boxes (bmff.h). A cursor reads big-endian
 * fields within one box and remembers when a read went past its end, so
 * every parser checks once, at the end, whether all it read was there.
 */
#include "codec/bmff.h"

#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/image.h"
#include "codec/probe.h"

#define T_META BMFF_TYPE('m', 'e', 't', 'a')
#define T_PITM BMFF_TYPE('p', 'i', 't', 'm')
#define T_IINF BMFF_TYPE('i', 'i', 'n', 'f')
#define T_INFE BMFF_TYPE('i', 'n', 'f', 'e')
#define T_ILOC BMFF_TYPE('i', 'l', 'o', 'c')
#define T_IREF BMFF_TYPE('i', 'r', 'e', 'f')
#define T_IPRP BMFF_TYPE('i', 'p', 'r', 'p')
#define T_IPCO BMFF_TYPE('i', 'p', 'c', 'o')
#define T_IPMA BMFF_TYPE('i', 'p', 'm', 'a')
#define T_IDAT BMFF_TYPE('i', 'd', 'a', 't')
#define T_ISPE BMFF_TYPE('i', 's', 'p', 'e')
#define T_IROT BMFF_TYPE('i', 'r', 'o', 't')
#define T_IMIR BMFF_TYPE('i', 'm', 'i', 'r')
#define T_PIXI BMFF_TYPE('p', 'i', 'x', 'i')
#define T_COLR BMFF_TYPE('c', 'o', 'l', 'r')
#define T_AUXC BMFF_TYPE('a', 'u', 'x', 'C')
#define T_HVC1 BMFF_TYPE('h', 'v', 'c', '1')
#define T_AV01 BMFF_TYPE('a', 'v', '0', '1')
#define T_GRID BMFF_TYPE('g', 'r', 'i', 'd')
#define T_EXIF BMFF_TYPE('E', 'x', 'i', 'f')
#define T_MIME BMFF_TYPE('m', 'i', 'm', 'e')
#define T_DIMG BMFF_TYPE('d', 'i', 'm', 'g')
#define T_AUXL BMFF_TYPE('a', 'u', 'x', 'l')
#define T_CDSC BMFF_TYPE('c', 'd', 's', 'c')
#define T_PROF BMFF_TYPE('p', 'r', 'o', 'f')
#define T_RICC BMFF_TYPE('r', 'I', 'C', 'C')

/* Big-endian fields within [at, end); bad is set by the first read past end. */
struct cursor {
	const unsigned char *d;
	size_t at, end;
	int bad;
};

static struct cursor cursor_of(const unsigned char *d, const struct bmff_box *b)
{
	return (struct cursor){ d, b->at, b->at + b->len, 0 };
}

/* An unsigned field of 0, 1, 2, 4 or 8 bytes (iloc's sizes may be 0: absent). */
static uint64_t take(struct cursor *c, unsigned bytes)
{
	uint64_t v = 0;

	if (c->bad || bytes > c->end - c->at) {
		c->bad = 1;
		return 0;
	}
	for (unsigned i = 0; i < bytes; i++)
		v = v << 8 | c->d[c->at++];
	return v;
}

/* A NUL-terminated string's start, the cursor moved past its NUL. */
static const char *take_string(struct cursor *c)
{
	const unsigned char *s = c->d + c->at;
	const unsigned char *nul = c->bad ? NULL : memchr(s, 0, c->end - c->at);

	if (!nul) {
		c->bad = 1;
		return "";
	}
	c->at += (size_t)(nul - s) + 1;
	return (const char *)s;
}

int bmff_next(const unsigned char *d, size_t end, size_t *pos, struct bmff_box *b)
{
	uint64_t size, head = 8;

	if (*pos >= end)
		return 0;
	if (end - *pos < 8)
		return error("corrupt HEIF: a box header cut short");
	size = be32(d + *pos);
	b->type = be32(d + *pos + 4);
	if (size == 1) {
		if (end - *pos < 16)
			return error("corrupt HEIF: a box header cut short");
		size = (uint64_t)be32(d + *pos + 8) << 32 | be32(d + *pos + 12);
		head = 16;
	} else if (size == 0)
		size = end - *pos;	/* to the end of its parent */
	if (size < head || size > end - *pos)
		return error("corrupt HEIF: a box's size does not fit in its parent");
	b->at = *pos + (size_t)head;
	b->len = (size_t)(size - head);
	*pos += (size_t)size;
	return 1;
}

/* The first child of type within parent (from its byte skip on): 1, 0 if none, -1. */
static int find_child(const unsigned char *d, const struct bmff_box *parent, size_t skip,
		      uint32_t type, struct bmff_box *out)
{
	size_t pos = parent->at + skip, end = parent->at + parent->len;
	struct bmff_box b = { 0, 0, 0 };
	int ret, count = 0;

	if (skip > parent->len)
		return error("corrupt HEIF: a box cut short");
	while ((ret = bmff_next(d, end, &pos, &b)) == 1) {
		if (b.type == type) {
			*out = b;
			return 1;
		}
		if (++count > BMFF_MAX_ENTRIES)
			return error("corrupt HEIF: over %d boxes in one", BMFF_MAX_ENTRIES);
	}
	return ret;
}

/* A full box's cursor past its version and flags. */
static struct cursor full_box(const unsigned char *d, const struct bmff_box *b, int *version,
			      uint32_t *flags)
{
	struct cursor c = cursor_of(d, b);

	*version = (int)take(&c, 1);
	*flags = (uint32_t)take(&c, 3);
	return c;
}

/* A printable four-character code, for messages. */
static void fourcc(uint32_t t, char out[5])
{
	for (int i = 0; i < 4; i++) {
		unsigned char ch = (unsigned char)(t >> (24 - 8 * i));

		out[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[4] = '\0';
}

/* Items: iinf's infe boxes. */

struct item_info {
	uint32_t id, type;
	const char *content_type;	/* a mime item's, "" otherwise */
};

/* One infe box (version 2 or 3; older ones name no type, and are left out: 0). */
static int read_infe(const unsigned char *d, const struct bmff_box *b, struct item_info *it)
{
	int version;
	uint32_t flags;
	struct cursor c = full_box(d, b, &version, &flags);

	if (version < 2)
		return 0;
	it->id = (uint32_t)take(&c, version == 2 ? 2 : 4);
	take(&c, 2);	/* protection index */
	it->type = (uint32_t)take(&c, 4);
	take_string(&c);	/* name */
	it->content_type = it->type == T_MIME ? take_string(&c) : "";
	if (c.bad)
		return error("corrupt HEIF: bad item info");
	return 1;
}

/* The info of item id: 1, 0 when iinf does not list it, -1. */
static int item_info(const struct bmff *h, const unsigned char *d, uint32_t id,
		     struct item_info *it)
{
	int version, ret, count = 0;
	uint32_t flags;
	struct cursor c = full_box(d, &h->iinf, &version, &flags);
	size_t pos;
	struct bmff_box b = { 0, 0, 0 };

	take(&c, version == 0 ? 2 : 4);	/* the entry count: the boxes say it */
	if (c.bad)
		return error("corrupt HEIF: bad item info");
	pos = c.at;
	while ((ret = bmff_next(d, c.end, &pos, &b)) == 1) {
		if (++count > BMFF_MAX_ENTRIES)
			return error("corrupt HEIF: over %d items", BMFF_MAX_ENTRIES);
		if (b.type != T_INFE)
			continue;
		ret = read_infe(d, &b, it);
		if (ret < 0 || (ret == 1 && it->id == id))
			return ret;
	}
	return ret;
}

static uint32_t item_type(const struct bmff *h, const unsigned char *d, uint32_t id)
{
	struct item_info it;

	return item_info(h, d, id, &it) == 1 ? it.type : 0;
}

/* Properties: ipma's associations of an item to ipco's boxes. */

/* The index-th (from 1) property box of ipco: 1, 0, -1. */
static int property(const struct bmff *h, const unsigned char *d, unsigned index,
		    struct bmff_box *out)
{
	size_t pos = h->ipco.at, end = h->ipco.at + h->ipco.len;
	int ret;

	for (unsigned i = 1; (ret = bmff_next(d, end, &pos, out)) == 1; i++)
		if (i == index)
			return 1;
	return ret;
}

/* The first property of type associated with item: 1, 0 when none, -1. */
static int item_property(const struct bmff *h, const unsigned char *d, uint32_t item,
			 uint32_t type, struct bmff_box *out)
{
	struct cursor c = cursor_of(d, &h->ipma);
	uint32_t entries;

	c.at += 4;	/* version and flags, read by bmff_header */
	entries = (uint32_t)take(&c, 4);
	if (entries > BMFF_MAX_ENTRIES)
		return error("corrupt HEIF: over %d property associations", BMFF_MAX_ENTRIES);
	for (uint32_t e = 0; e < entries && !c.bad; e++) {
		uint32_t id = (uint32_t)take(&c, h->ipma_version < 1 ? 2 : 4);
		unsigned count = (unsigned)take(&c, 1);

		for (unsigned a = 0; a < count && !c.bad; a++) {
			unsigned index = (unsigned)take(&c, h->ipma_flags & 1 ? 2 : 1);

			index &= h->ipma_flags & 1 ? 0x7fff : 0x7f;
			if (id != item || c.bad)
				continue;
			int found = index ? property(h, d, index, out) : 0;

			if (found < 0)
				return -1;
			if (found && out->type == type)
				return 1;
		}
	}
	return c.bad ? error("corrupt HEIF: bad property associations") : 0;
}

/* References: iref's boxes, each from one item to a list of others. */

struct ref {
	uint32_t type, from;
	struct cursor to;	/* the item ids it points to */
	unsigned count;
	unsigned wide;		/* bytes an id: 2, or 4 from iref version 1 */
};

/* The next reference after *pos in iref: 1, 0 at end, -1. */
static int next_ref(const struct bmff *h, const unsigned char *d, size_t *pos, struct ref *r)
{
	struct bmff_box b = { 0, 0, 0 };
	int ret = bmff_next(d, h->iref.at + h->iref.len, pos, &b);

	if (ret != 1)
		return ret;
	r->type = b.type;
	r->wide = h->iref_version == 0 ? 2 : 4;
	r->to = cursor_of(d, &b);
	r->from = (uint32_t)take(&r->to, r->wide);
	r->count = (unsigned)take(&r->to, 2);
	if (r->to.bad || r->count > (r->to.end - r->to.at) / r->wide)
		return error("corrupt HEIF: bad item reference");
	return 1;
}

/* The first of r's targets equal to id: whether there is one. */
static int ref_names(struct ref *r, uint32_t id)
{
	struct cursor c = r->to;

	for (unsigned i = 0; i < r->count; i++)
		if (take(&c, r->wide) == id)
			return 1;
	return 0;
}

/* Whether an auxC property says item is an alpha plane (HEVC's or MPEG-B's words). */
static int is_alpha(const struct bmff *h, const unsigned char *d, uint32_t item)
{
	struct bmff_box b = { 0, 0, 0 };
	struct cursor c;
	const char *urn;

	if (item_property(h, d, item, T_AUXC, &b) != 1)
		return 0;
	c = cursor_of(d, &b);
	take(&c, 4);
	urn = take_string(&c);
	return !c.bad && (!strcmp(urn, "urn:mpeg:hevc:2015:auxid:1") ||
			  !strcmp(urn, "urn:mpeg:mpegB:cicp:systems:auxiliary:alpha"));
}

/* Notes what an item that points to the primary one is: its alpha, its EXIF, its XMP. */
static void note_describer(struct bmff *h, const unsigned char *d, const struct ref *r)
{
	struct item_info it;

	if (r->type == T_AUXL && is_alpha(h, d, r->from))
		h->alpha = 1;
	if (r->type != T_CDSC || item_info(h, d, r->from, &it) != 1)
		return;
	if (it.type == T_EXIF && !h->exif_item)
		h->exif_item = r->from;
	if (it.type == T_MIME && !h->xmp_item && !strcmp(it.content_type, "application/rdf+xml"))
		h->xmp_item = r->from;
}

/* The items that describe the primary one, through iref. */
static int read_describers(struct bmff *h, const unsigned char *d)
{
	size_t pos = h->iref.at + 4;
	struct ref r = { 0, 0, { NULL, 0, 0, 1 }, 0, 2 };
	int ret, count = 0;

	if (!h->iref.type)
		return 0;
	while ((ret = next_ref(h, d, &pos, &r)) == 1) {
		if (++count > BMFF_MAX_ENTRIES)
			return error("corrupt HEIF: over %d item references", BMFF_MAX_ENTRIES);
		if (ref_names(&r, h->primary))
			note_describer(h, d, &r);
	}
	if (ret == 0)
		error_clear();	/* a describer's broken info costs that describer alone */
	return ret;
}

/* A grid's tiles: the dimg reference from it, found into *r: 1, 0, -1. */
static int grid_tiles(const struct bmff *h, const unsigned char *d, struct ref *r)
{
	size_t pos = h->iref.at + 4;
	int ret, count = 0;

	if (!h->iref.type)
		return 0;
	while ((ret = next_ref(h, d, &pos, r)) == 1) {
		if (r->type == T_DIMG && r->from == h->primary)
			return 1;
		if (++count > BMFF_MAX_ENTRIES)
			return error("corrupt HEIF: over %d item references", BMFF_MAX_ENTRIES);
	}
	return ret;
}

/* Every tile of a grid is coded alike, in HEVC or AV1, and is no grid itself. */
static int read_grid(struct bmff *h, const unsigned char *d)
{
	struct ref r = { 0, 0, { NULL, 0, 0, 1 }, 0, 2 };
	struct cursor c;
	int ret = grid_tiles(h, d, &r);

	if (ret <= 0)
		return ret < 0 ? -1 : error("corrupt HEIF: a grid without tiles");
	c = r.to;
	for (unsigned i = 0; i < r.count; i++) {
		uint32_t type = item_type(h, d, (uint32_t)take(&c, r.wide));

		if (i == 0)
			h->coded = type;
		if (type != h->coded || (type != T_HVC1 && type != T_AV01))
			return error("corrupt HEIF: a grid's tiles are not all HEVC or all AV1");
	}
	return r.count ? 0 : error("corrupt HEIF: a grid without tiles");
}

/* Locations: iloc's extents of an item, in the file or in idat. */

struct loc {
	int method;		/* 0: offsets in the file; 1: in idat */
	uint64_t base;
	unsigned count;
	struct cursor extents;
	unsigned index_size, offset_size, length_size;
};

/* The field sizes of iloc, from its version and first two bytes. */
static void loc_sizes(const struct bmff *h, struct cursor *c, struct loc *l, unsigned *base)
{
	unsigned a = (unsigned)take(c, 1), b = (unsigned)take(c, 1);

	l->offset_size = a >> 4;
	l->length_size = a & 15;
	*base = b >> 4;
	l->index_size = h->iloc_version >= 1 ? b & 15 : 0;
}

/* Steps over one item's entry, its extents kept in l. */
static uint32_t loc_entry(const struct bmff *h, struct cursor *c, struct loc *l, unsigned base)
{
	uint32_t id = (uint32_t)take(c, h->iloc_version < 2 ? 2 : 4);
	size_t each = l->index_size + l->offset_size + l->length_size;

	l->method = h->iloc_version >= 1 ? (int)(take(c, 2) & 15) : 0;
	take(c, 2);	/* data reference: 0, this file */
	l->base = take(c, base);
	l->count = (unsigned)take(c, 2);
	l->extents = *c;
	if (!c->bad && (uint64_t)l->count * each > c->end - c->at)
		c->bad = 1;
	else if (!c->bad)
		c->at += l->count * each;
	return id;
}

/* Where item's bytes are: 1, 0 when iloc does not list it, -1. */
static int find_loc(const struct bmff *h, const unsigned char *d, uint32_t item, struct loc *l)
{
	struct cursor c = cursor_of(d, &h->iloc);
	unsigned base;
	uint32_t count;

	if (!h->iloc.type)
		return 0;
	c.at += 4;
	loc_sizes(h, &c, l, &base);
	count = (uint32_t)take(&c, h->iloc_version < 2 ? 2 : 4);
	if (count > BMFF_MAX_ENTRIES)
		return error("corrupt HEIF: over %d item locations", BMFF_MAX_ENTRIES);
	for (uint32_t i = 0; i < count && !c.bad; i++)
		if (loc_entry(h, &c, l, base) == item && !c.bad)
			return 1;
	return c.bad ? error("corrupt HEIF: bad item locations") : 0;
}

/*
 * The next extent of l, as an offset and length in d: 0, or -1 when it lies
 * outside its data (the n bytes of the file, or idat). A length of 0 runs
 * to the end of its data.
 */
static int loc_extent(const struct bmff *h, struct loc *l, size_t n, uint64_t *at,
		      uint64_t *len)
{
	uint64_t start = 0, end = n, off;

	take(&l->extents, l->index_size);
	off = take(&l->extents, l->offset_size);
	*len = take(&l->extents, l->length_size);
	if (l->method == 1) {
		start = h->idat.at;
		end = h->idat.type ? h->idat.at + h->idat.len : 0;
	} else if (l->method != 0)
		return error("HEIF item made of other items, which pixpool does not read");
	if (l->extents.bad)
		return error("corrupt HEIF: bad item location");
	if (l->base > end - start || off > end - start - l->base)
		return error("truncated HEIF: an item's data lies past the end of the file");
	*at = start + l->base + off;
	if (*len == 0)
		*len = end - *at;
	if (*len > end - *at)
		return error("truncated HEIF: an item's data lies past the end of the file");
	return 0;
}

/*
 * Whether every extent of item lies within the file, and it holds some
 * bytes (libheif's AV1 decoder leaks what it set up for an empty one): 0,
 * or -1 (a missing item too).
 */
static int item_within(const struct bmff *h, const unsigned char *d, size_t n, uint32_t item)
{
	struct loc l;
	uint64_t at = 0, len = 0, total = 0;
	int ret = find_loc(h, d, item, &l);

	if (ret <= 0)
		return ret < 0 ? -1 : error("corrupt HEIF: an image item has no location");
	for (unsigned i = 0; i < l.count; i++) {
		if (loc_extent(h, &l, n, &at, &len) < 0)
			return -1;
		total += len;
	}
	return total ? 0 : error("corrupt HEIF: an image item holds no data");
}

int bmff_item_copy(const struct bmff *h, const unsigned char *d, size_t n, uint32_t item,
		   struct buffer *out, size_t max)
{
	struct loc l;
	uint64_t at = 0, len = 0, total = 0;

	if (find_loc(h, d, item, &l) != 1)
		return -1;
	for (unsigned i = 0; i < l.count; i++) {
		if (loc_extent(h, &l, n, &at, &len) < 0 || len > max - total)
			return -1;
		total += len;
		buffer_put(out, d + at, (size_t)len);
	}
	return 0;
}

/* The header. */

/* A child that must be there: 0, or -1 with an error() naming what is missing. */
static int need_child(const unsigned char *d, const struct bmff_box *parent, size_t skip,
		      uint32_t type, struct bmff_box *out)
{
	char name[5];
	int ret = find_child(d, parent, skip, type, out);

	if (ret == 0) {
		fourcc(type, name);
		return error("corrupt HEIF: no %s box", name);
	}
	return ret < 0 ? -1 : 0;
}

/* meta's children that the lookups read, with the versions they depend on. */
static int read_meta_children(struct bmff *h, const unsigned char *d)
{
	struct bmff_box iprp, pitm;
	struct cursor c;
	uint32_t flags;
	int v;

	if (need_child(d, &h->meta, 4, T_PITM, &pitm) < 0 ||
	    need_child(d, &h->meta, 4, T_IINF, &h->iinf) < 0 ||
	    need_child(d, &h->meta, 4, T_IPRP, &iprp) < 0 ||
	    need_child(d, &iprp, 0, T_IPCO, &h->ipco) < 0 ||
	    need_child(d, &iprp, 0, T_IPMA, &h->ipma) < 0 ||
	    find_child(d, &h->meta, 4, T_ILOC, &h->iloc) < 0 ||
	    find_child(d, &h->meta, 4, T_IREF, &h->iref) < 0 ||
	    find_child(d, &h->meta, 4, T_IDAT, &h->idat) < 0)
		return -1;
	c = full_box(d, &pitm, &v, &flags);
	h->primary = (uint32_t)take(&c, v == 0 ? 2 : 4);
	full_box(d, &h->ipma, &h->ipma_version, &flags);
	h->ipma_flags = (int)flags;
	if (h->iloc.type)
		full_box(d, &h->iloc, &h->iloc_version, &flags);
	if (h->iref.type)
		full_box(d, &h->iref, &h->iref_version, &flags);
	if (c.bad || h->ipma.len < 4 || h->iloc_version > 2 || h->iinf.len < 6 ||
	    (h->iref.type && h->iref.len < 4) || (h->iloc.type && h->iloc.len < 8))
		return error("corrupt HEIF: bad primary item, item info or locations");
	return 0;
}

/* ispe, irot, imir, pixi and colr of the primary item. */
static int read_properties(struct bmff *h, const unsigned char *d)
{
	struct bmff_box b = { 0, 0, 0 };
	struct cursor c;

	int ret = item_property(h, d, h->primary, T_ISPE, &b);

	if (ret <= 0)
		return ret < 0 ? -1 : error("corrupt HEIF: the image has no size");
	c = cursor_of(d, &b);
	take(&c, 4);
	h->width = (uint32_t)take(&c, 4);
	h->height = (uint32_t)take(&c, 4);
	if (c.bad || !h->width || !h->height)
		return error("corrupt HEIF: bad image size");
	if (item_property(h, d, h->primary, T_IROT, &b) == 1 && b.len >= 1)
		h->rotation = d[b.at] & 3;
	h->mirror = item_property(h, d, h->primary, T_IMIR, &b) == 1;
	if (item_property(h, d, h->primary, T_PIXI, &b) == 1 && b.len >= 6)
		h->bits = d[b.at + 5];
	if (item_property(h, d, h->primary, T_COLR, &b) == 1 && b.len >= 4 &&
	    (be32(d + b.at) == T_PROF || be32(d + b.at) == T_RICC))
		h->icc = (struct bmff_box){ be32(d + b.at), b.at + 4, b.len - 4 };
	return 0;
}

/* The primary item's type and coding: HEVC, AV1, or a grid of either. */
static int read_type(struct bmff *h, const unsigned char *d)
{
	struct item_info it;
	char name[5];
	int ret = item_info(h, d, h->primary, &it);

	if (ret <= 0)
		return ret < 0 ? -1 : error("corrupt HEIF: the primary item is not listed");
	h->type = it.type;
	if (h->type == T_GRID)
		return read_grid(h, d);
	h->coded = h->type;
	if (h->type == T_HVC1 || h->type == T_AV01)
		return 0;
	fourcc(h->type, name);
	return error("HEIF image of type '%s', which pixpool does not read", name);
}

static int read_meta(struct bmff *h, const unsigned char *d)
{
	if (read_meta_children(h, d) < 0 || read_type(h, d) < 0 || read_properties(h, d) < 0 ||
	    read_describers(h, d) < 0)
		return -1;
	if (h->rotation & 1) {
		uint32_t w = h->width;

		h->width = h->height;
		h->height = w;
	}
	return 0;
}

/*
 * A box before the one looked for (mdat, say) is stepped over by its size,
 * so the box is looked for past it only when those bytes were read.
 */
int bmff_top_box(const unsigned char *d, size_t n, uint32_t type, const char *name,
		 struct bmff_box *out)
{
	size_t pos = 0;
	char want[5];

	fourcc(type, want);
	for (int count = 0; count < BMFF_MAX_ENTRIES; count++) {
		uint64_t size, head = 8;

		if (n - pos < 16)
			return PROBE_MORE;
		size = be32(d + pos);
		if (size == 1) {
			size = (uint64_t)be32(d + pos + 8) << 32 | be32(d + pos + 12);
			head = 16;
		}
		if (size && size < head)
			return error("corrupt %s: a top-level box too short", name);
		if (size < head)
			return error("corrupt %s: a top-level box runs to the end of the file before "
				     "any %s box", name, want);
		if (be32(d + pos + 4) == type) {
			if (size > n - pos)
				return PROBE_MORE;
			*out = (struct bmff_box){ type, pos + (size_t)head, (size_t)(size - head) };
			return 0;
		}
		if (size >= n - pos)
			return PROBE_MORE;
		pos += (size_t)size;
	}
	return error("corrupt %s: over %d boxes before %s", name, BMFF_MAX_ENTRIES, want);
}

int bmff_header(struct bmff *h, const unsigned char *d, size_t n)
{
	int ret;

	memset(h, 0, sizeof(*h));
	ret = bmff_top_box(d, n, T_META, "HEIF", &h->meta);
	return ret ? ret : read_meta(h, d);
}

int bmff_boxes_within(const unsigned char *d, size_t n, const char *name)
{
	size_t pos = 0;
	struct bmff_box b = { 0, 0, 0 };
	int ret;

	for (int count = 0; (ret = bmff_next(d, n, &pos, &b)) == 1; count++)
		if (count > BMFF_MAX_ENTRIES)
			return error("corrupt %s: over %d top-level boxes", name, BMFF_MAX_ENTRIES);
	if (ret < 0) {
		error_clear();
		return error("truncated %s: a box runs past the end of the file", name);
	}
	return 0;
}

/* The alpha plane's item, if any: its extents are read with the image's. */
static uint32_t alpha_item(const struct bmff *h, const unsigned char *d)
{
	size_t pos = h->iref.at + 4;
	struct ref r = { 0, 0, { NULL, 0, 0, 1 }, 0, 2 };

	while (h->iref.type && next_ref(h, d, &pos, &r) == 1)
		if (r.type == T_AUXL && ref_names(&r, h->primary) && is_alpha(h, d, r.from))
			return r.from;
	return 0;
}

int bmff_complete(const struct bmff *h, const unsigned char *d, size_t n)
{
	struct ref r = { 0, 0, { NULL, 0, 0, 1 }, 0, 2 };
	uint32_t alpha = h->alpha ? alpha_item(h, d) : 0;

	if (bmff_boxes_within(d, n, "HEIF") < 0 || item_within(h, d, n, h->primary) < 0)
		return -1;
	if (alpha && item_within(h, d, n, alpha) < 0)
		return -1;
	if (h->type != T_GRID)
		return 0;
	if (grid_tiles(h, d, &r) != 1)
		return -1;
	for (unsigned i = 0; i < r.count; i++)
		if (item_within(h, d, n, (uint32_t)take(&r.to, r.wide)) < 0)
			return -1;
	return 0;
}

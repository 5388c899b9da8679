#ifndef PIXPOOL_BMFF_H
#define PIXPOOL_BMFF_H

/*
 * pixpool's own reader of HEIF files (HEIC, AVIF): the ISO base media file
 * format's boxes, bounded, for what the parent and the probe need before
 * libheif sees a byte, and for the metadata. Every box's size is checked
 * against its parent's (32-bit sizes, 64-bit ones, and 0 for "to the end of
 * the parent"); every list is bounded (BMFF_MAX_ENTRIES); containers are
 * read along fixed paths (meta, then iinf, iloc, iref, iprp/ipco/ipma), so
 * no walk recurses.
 *
 *	struct bmff h;
 *	int r = bmff_header(&h, data, n);	// n: the first bytes of the file
 *	if (r == PROBE_MORE)
 *		... read more and call again ...
 *	... h.width x h.height, upright ...
 *	if (bmff_complete(&h, data, size) < 0)	// size: the whole file
 *		... error_message() says why ...
 *	bmff_item_copy(&h, data, size, h.exif_item, &buf, max);
 */

#include <stddef.h>
#include <stdint.h>

struct buffer;

#define BMFF_TYPE(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* The most items, properties, associations, references or extents one file may list. */
#define BMFF_MAX_ENTRIES 4096

/* A box: its type, and its body (after the size, type and any full box's version). */
struct bmff_box {
	uint32_t type;
	size_t at;	/* the body's offset in the file */
	size_t len;	/* the body's length */
};

/* What the header says of the primary image. */
struct bmff {
	struct bmff_box meta;	/* the top-level meta box, whole within the bytes read */
	uint32_t primary;	/* pitm */
	uint32_t type;		/* its item type: hvc1, av01 or grid */
	uint32_t coded;		/* the coding of its pixels: hvc1 or av01 (a grid's tiles') */
	uint32_t width;		/* ispe, turned by irot: what the decode gives */
	uint32_t height;
	int rotation;		/* irot: quarter turns anticlockwise, 0..3 */
	int mirror;		/* imir: 1 when present */
	int alpha;		/* an alpha auxiliary item points to it */
	int bits;		/* pixi's bits of the first channel; 0 when it does not say */
	struct bmff_box icc;	/* colr of type prof or rICC: the profile; len 0 when none */
	uint32_t exif_item;	/* an Exif item describing it; 0 when none */
	uint32_t xmp_item;	/* a mime item of XMP describing it; 0 when none */
	/* Where the meta box's children lie (type 0 when absent), for the lookups. */
	struct bmff_box iinf, iloc, iref, ipco, ipma, idat;
	int iloc_version, iref_version, ipma_version, ipma_flags;
};

/*
 * Reads the first n bytes of a file whose ftyp box the sniff accepted, to
 * the end of its meta box. Returns 0, PROBE_MORE when the meta box goes on
 * past n, or -1 with an error() ("corrupt HEIF: ...").
 */
int bmff_header(struct bmff *h, const unsigned char *d, size_t n);

/*
 * Checks that a whole file of n bytes holds every top-level box whole, and
 * every extent of the primary item (and of a grid's tiles, and of its alpha).
 * Returns 0, or -1 with an error() ("truncated HEIF: ...").
 */
int bmff_complete(const struct bmff *h, const unsigned char *d, size_t n);

/*
 * Appends the bytes of item (all its extents, in the file or in idat) to
 * out, if they are max bytes or fewer. Returns 0, or -1 when the item has
 * no place within the file or is over max.
 */
int bmff_item_copy(const struct bmff *h, const unsigned char *d, size_t n, uint32_t item,
		   struct buffer *out, size_t max);

/*
 * The next box within [*pos, end) of d: 1 with *b set and *pos past it, 0
 * at end, -1 with an error() for a size that does not fit.
 */
int bmff_next(const unsigned char *d, size_t end, size_t *pos, struct bmff_box *b);

/*
 * The first top-level box of type in the first n bytes of an ISO-BMFF
 * file (HEIF's meta, a CR3's moov), whole: 0 with *out set, PROBE_MORE
 * when it, or the box before it, goes on past n, or -1 with an error()
 * ("corrupt NAME: ...").
 */
int bmff_top_box(const unsigned char *d, size_t n, uint32_t type, const char *name,
		 struct bmff_box *out);

/*
 * Whether every top-level box of a whole file of n bytes lies whole in it:
 * 0, or -1 with an error() ("truncated NAME: a box runs past the end of the
 * file").
 */
int bmff_boxes_within(const unsigned char *d, size_t n, const char *name);

#endif

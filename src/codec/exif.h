#ifndef PIXPOOL_EXIF_H
#define PIXPOOL_EXIF_H

/*
 * An EXIF block (the TIFF structure inside a JPEG's "Exif" APP1 segment or
 * a PNG's eXIf chunk), checked whole and then edited in place: a tag's value
 * is overwritten where it lies, an entry is removed by moving the ones after
 * it, the block is cut short. Nothing is re-serialised, so tags pixpool does
 * not understand (maker notes above all, with offsets of their own) keep
 * their bytes. Both byte orders.
 *
 *	int o = exif_read_orientation(block, n);	// what the pixels obey
 *
 *	struct exif x;
 *	if (exif_parse(&x, block, n) < 0)
 *		... malformed: error_message() says why; drop the block ...
 *	exif_set_upright(&x);
 *	exif_set_size(&x, width, height);
 *	exif_drop_thumbnail(&x);	// x.n may shrink
 *
 * exif_parse refuses a block whose IFDs or values lie outside it, whose IFD
 * chain loops or nests too deep, or that has more IFDs than a camera writes:
 * every later edit can then trust the offsets it recorded.
 *
 * What is dropped is gone from the bytes, not only unlinked: after
 * unlinking, exif_drop_thumbnail and exif_drop_gps zero every byte of the
 * block that no entry still linked uses (exif_scrub), so neither a
 * thumbnail followed by other data, nor a GPS IFD reached by a second
 * pointer, nor one whose pointer was already broken, survives as bytes. A
 * maker note's value is kept whole; what it points at outside its own value
 * is not known to pixpool, and is zeroed with the rest.
 */

#include <stddef.h>
#include <stdint.h>

#define EXIF_TAG_DESCRIPTION 0x010e	/* ImageDescription */
#define EXIF_TAG_MAKE 0x010f
#define EXIF_TAG_MODEL 0x0110
#define EXIF_TAG_XRES 0x011a
#define EXIF_TAG_YRES 0x011b
#define EXIF_TAG_RES_UNIT 0x0128
#define EXIF_TAG_SOFTWARE 0x0131
#define EXIF_TAG_DATETIME 0x0132
#define EXIF_TAG_ARTIST 0x013b
#define EXIF_TAG_COPYRIGHT 0x8298
#define EXIF_TAG_ORIGINAL 0x9003	/* DateTimeOriginal, in the Exif IFD */

/* No camera writes more IFDs than this: a block with more is refused. */
#define EXIF_MAX_IFDS 16

struct exif {
	unsigned char *t;	/* the block, edited in place */
	size_t n;		/* its length; exif_drop_thumbnail may shrink it */
	int big;		/* "MM": big-endian */
	/* Offsets of the 12-byte entries found, 0 when a tag is absent. */
	size_t orientation, xdim, ydim;
	size_t make, model, datetime, original, copyright;
	size_t exif_ifd;	/* the Exif IFD the first pointer of IFD0 leads to, 0 if none */
	size_t gps_entry;	/* the last entry of IFD0 that points at a GPS IFD */
	size_t gps_ifd;		/* that GPS IFD */
	int gps_pointers;	/* GPS IFD pointers in any IFD: exiftool follows each */
	size_t ifd0;
	size_t ifd1;		/* the thumbnail's IFD, 0 if none */
	size_t kept_end;	/* end of all bytes that IFD1 and its thumbnail do not use */
	size_t thumb_start;	/* lowest offset of IFD1 and its thumbnail */
	uint32_t thumb_bytes;	/* the JPEG thumbnail's length, 0 if none */
	size_t ifd_at[EXIF_MAX_IFDS];	/* every IFD walked, in the order walked */
	int ifds;
};

/* Checks the block of n bytes at t and records where its tags are; -1 with error(). */
int exif_parse(struct exif *x, unsigned char *t, size_t n);

/*
 * The Orientation, 1..8: the first Orientation tag of IFD0 decides, as
 * exiftool reads it; 1 when there is none, or when that first tag is not a
 * single SHORT of 1 to 8 (then the pixels are shown as stored).
 */
int exif_orientation(const struct exif *x);

/*
 * exif_orientation of the block of n bytes at t, read from IFD0 alone (not
 * checked whole, as exif_parse checks it, and never edited): what
 * --autoorient obeys. 1 when IFD0 itself is malformed. The block may be a
 * whole ORF or RW2, whose magic numbers are not TIFF's.
 */
int exif_read_orientation(const unsigned char *t, size_t n);

/*
 * Sets every Orientation tag of IFD0 to 1 (upright), the copies after the
 * first too; returns 1 if that changed the block.
 */
int exif_set_upright(struct exif *x);

/*
 * Sets PixelXDimension and PixelYDimension, where the block has them, to
 * the output's size; returns 1 if that changed the block. Absent tags are
 * not added (that would need the IFD rewritten).
 */
int exif_set_size(struct exif *x, uint32_t width, uint32_t height);

/*
 * Unlinks IFD1 (the thumbnail's IFD) from IFD0, cuts the block short when
 * IFD1 and the thumbnail lie after everything else, as cameras write them,
 * and scrubs the rest (exif_scrub): a thumbnail whose link was already
 * broken goes too. Returns 1 if that changed the block, 0 if not, -1 with
 * error() when the edited block cannot be walked again (a forged one whose
 * IFDs overlap): the caller then drops it whole.
 */
int exif_drop_thumbnail(struct exif *x);

/*
 * Removes every GPS IFD pointer of every IFD (a block may hold several),
 * then scrubs: the GPS IFDs and their values, and GPS data no pointer
 * reached, are zeroed. 1 if that changed the block, 0, or -1 as above.
 */
int exif_drop_gps(struct exif *x);

/*
 * Zeroes every byte of the block outside the TIFF header, the IFDs still
 * linked, their values and the thumbnail IFD1 still points at; 1 if a byte
 * changed, 0 if none, -1 with error() when the block cannot be walked again
 * or memory runs out. *x is then the walk of the scrubbed block.
 */
int exif_scrub(struct exif *x);

/*
 * How many bytes of the block are not zero and lie outside everything it
 * links (what exif_scrub would zero); -1 with error() as exif_scrub. A
 * second look at an output block: 0 after a scrub.
 */
long exif_loose_bytes(struct exif *x);

/*
 * Copies the ASCII value of the entry at offset entry (one of the recorded
 * offsets above) into buf, NUL-terminated and cut to size; "" if entry is 0
 * or not ASCII. The text is the file's: escape it before showing it.
 */
void exif_string(const struct exif *x, size_t entry, char *buf, size_t size);

/*
 * One entry of an IFD as exif_field reads it and exif_write writes it: its
 * values, in the block's byte order, or a link to another IFD.
 */
struct exif_field {
	unsigned tag, type;
	uint32_t count;
	const unsigned char *value;	/* count values of type, type_size * count bytes */
	int link;		/* -1, or the IFD (exif_write's index) this LONG points at */
};

/* One IFD to write: its fields in the order written (TIFF wants them by tag). */
struct exif_dir {
	const struct exif_field *fields;
	unsigned n;
};

/*
 * Entry i of the IFD at offset ifd of a parsed block: 1 with *f (link -1;
 * value within the block), 0 past its last entry or where the entry or
 * its value lies outside the block. A forged block cannot make it read
 * past x->n.
 */
int exif_field(const struct exif *x, size_t ifd, unsigned i, struct exif_field *f);

/*
 * A block of n IFDs in byte order big, allocated into *block (*len bytes,
 * for the caller to free): the TIFF header, dirs[0] as IFD0, then each IFD
 * followed by its values, every offset computed anew, padding zero. -1
 * with error() when it would exceed max bytes, a link names no IFD, or
 * memory runs out.
 */
int exif_write(unsigned char **block, size_t *len, int big, const struct exif_dir *dirs, int n,
	       size_t max);

/*
 * Whether an IFD0 tag describes the photo (Make, Model, Orientation,
 * DateTime, Artist, Copyright, Software, ImageDescription, the resolution)
 * rather than how the file lays out its pixels: the IFD0 tags that move
 * between a TIFF's own IFD0 and an EXIF block.
 */
int exif_describes_photo(unsigned tag);

#endif

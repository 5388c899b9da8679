#ifndef PIXPOOL_IFD_H
#define PIXPOOL_IFD_H

/*
 * The image file directories (IFDs) of a TIFF structure held in memory,
 * read bounded: for TIFF files (tiff.c) and the camera RAWs built on TIFF
 * (raw.c). Every offset, count and value is checked against the bytes
 * given before it is read; what lies past them is PROBE_MORE, so a header
 * read from the first bytes of a file asks for more, and a whole file
 * calls it truncated. Classic TIFF only ("II*\0", "MM\0*"); BigTIFF is
 * refused by its caller.
 *
 *	struct ifd_file f;
 *	struct ifd dir;
 *	struct ifd_entry e;
 *	uint32_t width;
 *	if (ifd_open(&f, d, n) == 0 && ifd_read(&f, f.first, &dir) == 0 &&
 *	    ifd_find(&f, &dir, IFD_TAG_WIDTH, &e) && ifd_value(&f, &e, 0, &width) == 0)
 *		...
 *
 * EXIF blocks, which are TIFF structures too, are checked and edited by
 * exif.c, whose walk records offsets for editing in place; this reader
 * only looks values up.
 */

#include <stddef.h>
#include <stdint.h>

struct buffer;

#define IFD_TAG_SUBFILE 0x00fe		/* NewSubfileType: 0 the main image, bit 0 a preview */
#define IFD_TAG_WIDTH 0x0100
#define IFD_TAG_HEIGHT 0x0101
#define IFD_TAG_BITS 0x0102
#define IFD_TAG_COMPRESSION 0x0103
#define IFD_TAG_PHOTOMETRIC 0x0106
#define IFD_TAG_MAKE 0x010f
#define IFD_TAG_STRIP_OFFSETS 0x0111
#define IFD_TAG_ORIENTATION 0x0112
#define IFD_TAG_SAMPLES 0x0115
#define IFD_TAG_ROWS_PER_STRIP 0x0116
#define IFD_TAG_STRIP_BYTES 0x0117
#define IFD_TAG_PLANAR 0x011c
#define IFD_TAG_TILE_WIDTH 0x0142
#define IFD_TAG_TILE_HEIGHT 0x0143
#define IFD_TAG_TILE_OFFSETS 0x0144
#define IFD_TAG_TILE_BYTES 0x0145
#define IFD_TAG_SUBIFDS 0x014a
#define IFD_TAG_EXTRA_SAMPLES 0x0152
#define IFD_TAG_SAMPLE_FORMAT 0x0153
#define IFD_TAG_XMP 0x02bc
#define IFD_TAG_EXIF_IFD 0x8769
#define IFD_TAG_ICC 0x8773
#define IFD_TAG_GPS_IFD 0x8825
#define IFD_TAG_INTEROP_IFD 0xa005
#define IFD_TAG_DNG_VERSION 0xc612

/* The largest number of entries an IFD may hold: no writer comes near it. */
#define IFD_MAX_ENTRIES 4096

struct ifd_file {
	const unsigned char *d;
	size_t n;		/* the bytes given: the file's first n, or all of it, */
	uint64_t base;		/*   or n of them from this offset on (ifd_window) */
	int big;		/* "MM": big-endian */
	unsigned magic;		/* 42 for TIFF; a camera's own number for some RAWs */
	uint32_t first;		/* the offset of IFD0 */
};

struct ifd {
	uint32_t at;		/* offset of its entry count */
	unsigned count;		/* entries */
	uint32_t next;		/* offset of the next IFD, 0 at the end of the chain */
};

struct ifd_entry {
	unsigned tag;
	unsigned type;
	uint32_t count;
	uint64_t at;		/* where its values lie: in the entry, or at its offset */
	uint64_t bytes;		/* how many bytes they take; 0 for a type TIFF does not define */
};

/*
 * Reads the 8-byte header of any byte order and magic number: 0, PROBE_MORE
 * under 8 bytes, -1 with an error() when it is no TIFF byte order.
 */
int ifd_open(struct ifd_file *f, const unsigned char *d, size_t n);

/*
 * Makes f read the n bytes at w as the file's bytes from offset base on,
 * instead of its first ones: a TIFF's IFD0 may follow the pixels, far past
 * the first bytes, and the parent reads only its header's neighbourhood.
 * What lies outside those bytes is PROBE_MORE, as past the end.
 */
void ifd_window(struct ifd_file *f, const unsigned char *w, size_t n, uint64_t base);

/* The IFD at offset at, all its entries within the bytes: 0, PROBE_MORE, or -1 with error(). */
int ifd_read(const struct ifd_file *f, uint32_t at, struct ifd *dir);

/* Entry i of dir: 1 with *e filled, 0 when dir has no more entries. */
int ifd_entry(const struct ifd_file *f, const struct ifd *dir, unsigned i, struct ifd_entry *e);

/* The first entry of tag in dir: 1 with *e filled, 0 when there is none. */
int ifd_find(const struct ifd_file *f, const struct ifd *dir, unsigned tag, struct ifd_entry *e);

/*
 * Value i of an entry of BYTE, SHORT or LONG type: 0, PROBE_MORE when it
 * lies past the bytes given, or -1 with error() (another type, i past its
 * count).
 */
int ifd_value(const struct ifd_file *f, const struct ifd_entry *e, uint32_t i, uint32_t *v);

/*
 * ifd_value of the first entry of tag, or *v = fallback when there is none:
 * 0, PROBE_MORE or -1 as ifd_value.
 */
int ifd_get(const struct ifd_file *f, const struct ifd *dir, unsigned tag, uint32_t fallback,
	    uint32_t *v);

/* Whether an entry's values all lie within the bytes given. */
int ifd_entry_fits(const struct ifd_file *f, const struct ifd_entry *e);

/*
 * The IFDs chained from IFD0 into *length, counted to most, with a loop
 * in the chain refused: 0, PROBE_MORE, or -1 with error().
 */
int ifd_chain_length(const struct ifd_file *f, long most, long *length);

/*
 * Whether the image data of dir lies whole within the bytes given: its
 * strip (or tile) offsets and byte counts are there, at least segments of
 * each, and every segment lies inside. 0, or -1 with an error() that calls
 * the file a "truncated NAME" or a "corrupt NAME".
 */
int ifd_data_complete(const struct ifd_file *f, const struct ifd *dir, uint64_t segments,
		      const char *name);

/*
 * The EXIF of a TIFF structure as the block other formats carry (exif.h):
 * the IFD0 tags that describe the photo (exif_describes_photo), the Exif
 * IFD with its Interoperability IFD, and the GPS IFD, copied entry by
 * entry with their values into a block of their own, in the file's byte
 * order, written by exif_write. What lays out the file's pixels (strips,
 * tiles, sizes, SubIFDs) is not copied; a maker note is copied as the
 * opaque bytes it is, so offsets inside it that count from the file's
 * start point nowhere, as in exiftool's copies. 1 with the block appended
 * to out; 0 when IFD0 has none of it (no Exif or GPS IFD, and no tag but
 * the resolution, Software or Orientation); -1 with error() when a part
 * lies outside the file or the block would be over max bytes.
 */
int ifd_exif_block(const struct ifd_file *f, const struct ifd *ifd0, struct buffer *out,
		   size_t max);

/*
 * A format row's exif (format.h) for files that are TIFF structures
 * themselves (TIFF, and the RAWs with TIFF's magic number): the whole file
 * is the block, whose IFD0 holds the Orientation --autoorient obeys.
 */
int ifd_exif(const unsigned char *d, size_t n, const unsigned char **block, size_t *len);

#endif

#ifndef PIXPOOL_META_H
#define PIXPOOL_META_H

/*
 * A photo's metadata, carried around stb (which reads none and writes none):
 * collected from the input file already in memory, made true for the output
 * (orientation, size, thumbnail), and written into the encoded JPEG, PNG or
 * WebP.
 *
 *	struct meta m = META_INIT;
 *	meta_collect(&m, file, size, format);	// never fails: bad parts are dropped
 *	... decode, filter ...
 *	fate = meta_prepare(&m, &edit);
 *	... image_encode(&img, format, quality, png_level, &out) ...
 *	meta_insert(&m, format, &out);
 *	... m.warning says what was dropped, and why, when anything was ...
 *	meta_release(&m);
 *
 * What is kept: EXIF (JPEG APP1 "Exif", PNG eXIf), the ICC profile (JPEG
 * APP2 "ICC_PROFILE" in numbered parts, PNG iCCP) and XMP (JPEG APP1, with
 * extended XMP; PNG iTXt "XML:com.adobe.xmp"); a WebP's ICCP, EXIF and
 * "XMP " chunks; a TIFF's ICC and XMP tags, and the EXIF block built from
 * its IFDs (ifd_exif_block), which the TIFF and AVIF encoders write
 * themselves. BMP, TGA and PNM outputs carry none. Everything read is bounded (META_*_MAX) and checked before
 * use; metadata that is malformed or over a bound is dropped, with a
 * warning, and never costs the image.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "codec/image.h"

/* The largest of each part pixpool carries; larger ones are dropped. */
#define META_EXIF_MAX (1u << 20)
#define META_XMP_MAX (1u << 20)
#define META_XMP_EXT_MAX (16u << 20)	/* extended XMP of a JPEG, all parts together */
#define META_ICC_MAX (16u << 20)	/* 255 APP2 segments hold 16.7 MB */
/*
 * What one file may inflate (PNG's iCCP and compressed iTXt), every chunk
 * together: a file of many chunks that each inflate to a bound would
 * otherwise cost that bound each, minutes for a few megabytes. A chunk
 * kind that failed is not tried again either; what the budget refuses is
 * dropped with a warning, and the image is kept, as for any bad metadata.
 */
#define META_INFLATE_MAX ((size_t)META_ICC_MAX + META_XMP_MAX)

/* --strip and --strip=PART: what the user asked to drop. */
#define META_STRIP_EXIF 1
#define META_STRIP_XMP 2
#define META_STRIP_ICC 4
#define META_STRIP_GPS 8
#define META_STRIP_ALL (META_STRIP_EXIF | META_STRIP_XMP | META_STRIP_ICC)

/* What became of an image's metadata, for the manifest. */
enum meta_fate {
	META_NONE = 0,		/* the input had none */
	META_KEPT,		/* all of it, byte for byte */
	META_CHANGED,		/* some of it edited (orientation, size) or dropped */
	META_DROPPED,		/* the input had some, the output has none */
};

struct meta {
	struct buffer exif;	/* the TIFF block */
	struct buffer xmp;	/* the XMP packet */
	struct buffer xmp_ext;	/* extended XMP: whole APP1 segments, markers and all */
	struct buffer icc;	/* the whole ICC profile */
	int had;		/* the input carried some metadata, kept or not */
	int changed;		/* some of it was edited or dropped */
	size_t inflated;	/* bytes inflated from the file, all chunks together */
	char warning[ERROR_MAX];	/* the first thing dropped against the user's wish */
};

#define META_INIT { BUFFER_INIT, BUFFER_INIT, BUFFER_INIT, BUFFER_INIT, 0, 0, 0, "" }

/* Copies the metadata out of a whole JPEG, PNG or WebP file held in memory. */
void meta_collect(struct meta *m, const unsigned char *data, size_t size, enum format format);

void meta_release(struct meta *m);

/* What became of the image on its way to the output, for meta_prepare. */
struct meta_edit {
	int strip;		/* META_STRIP_* */
	int oriented;		/* the pixels were turned upright from the EXIF Orientation */
	int pixels_changed;	/* a filter or the orientation changed them: a thumbnail is stale */
	uint32_t width, height;	/* the output's size */
	int channels;		/* the output's channels: a grey image takes only a grey profile */
	enum format format;	/* the output's format */
};

/*
 * Puts profile (n bytes) in place of the input's ICC profile, as the one
 * the output's pixels are now in (codec/icc.h).
 */
void meta_set_icc(struct meta *m, const unsigned char *profile, size_t n);

/* Drops and edits what the output should not carry as it was; says what became of it. */
enum meta_fate meta_prepare(struct meta *m, const struct meta_edit *e);

/*
 * Writes the metadata into an encoded JPEG (after SOI and JFIF APP0), PNG
 * (after IHDR, so before IDAT) or WebP (the file rebuilt by libwebpmux) in
 * buf; nothing for other formats. -1 only when out of memory.
 */
int meta_insert(struct meta *m, enum format format, struct buffer *buf);

/* "kept", "changed", "dropped", "none". */
const char *meta_fate_name(enum meta_fate fate);

/*
 * One line saying what the metadata holds: camera, date, orientation,
 * whether there is a GPS position; the ICC profile's description and size;
 * whether there is XMP. The text comes from the file: escape it to show it.
 */
void meta_describe(const struct meta *m, char *buf, size_t size);

/* The ICC profile's description (its 'desc' tag, v2 or v4), "" if none. */
void meta_icc_description(const unsigned char *icc, size_t n, char *buf, size_t size);

/*
 * For the format table's rows, as they collect and write (format.h):
 *
 *	meta_keep(m, &m->exif, block, n, META_EXIF_MAX, "EXIF");
 *	meta_warn(m, "%s: malformed iCCP chunk, dropped", "ICC profile");
 */

/* Keeps the first block of a kind in *to, if it is within max bytes; notes that there was one. */
void meta_keep(struct meta *m, struct buffer *to, const unsigned char *p, size_t n,
	       size_t max, const char *what);

/* Notes that something was dropped: fmt has one %s, for what; the first warning stays. */
void meta_warn(struct meta *m, const char *fmt, const char *what);

#endif

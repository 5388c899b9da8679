#ifndef PIXPOOL_FORMAT_H
#define PIXPOOL_FORMAT_H

/*
 * The image formats pixpool reads and writes, as a table: one row a format,
 * each row in its own file (jpeg.c, png.c, bmp.c, tga.c, pnm.c, gif.c,
 * psd.c, webp.c, tiff.c, raw.c). A row says
 * how to recognise the format from its first bytes, how to read its header
 * and check its structure (pixpool's own bounded parsers, never a
 * decoder's), how to decode and encode it, and how to carry its metadata.
 * image.c, probe.c and meta.c dispatch through the table; nothing else
 * names a format's code.
 *
 *	enum format f = format_of(head, n);		// n: up to SNIFF_BYTES
 *	const struct format_row *row = format_row(f);	// NULL for FORMAT_NONE
 *	printf("%s\n", row->name);			// or format_name(f)
 *	f = format_find("jpeg");			// --format's words
 *	f = format_of_extension("JPG");		// a file's name
 *	for (f = FORMAT_FIRST; f < FORMAT_COUNT; f++)	// every row
 *		...
 */

#include <stddef.h>
#include <stdint.h>

struct image;
struct buffer;
struct probe;
struct meta;

enum format {
	FORMAT_NONE = 0,	/* not an image pixpool reads */
	FORMAT_JPEG,
	FORMAT_PNG,
	FORMAT_BMP,
	FORMAT_TGA,
	FORMAT_PNM,
	FORMAT_GIF,
	FORMAT_PSD,
	FORMAT_HEIC,
	FORMAT_AVIF,
	FORMAT_WEBP,
	FORMAT_TIFF,
	FORMAT_RAW,		/* camera RAW: read, never written */
	FORMAT_COUNT		/* one past the last row */
};

#define FORMAT_FIRST FORMAT_JPEG

/*
 * Bytes format_of needs to recognise every format: a HEIF's ftyp box with
 * its major brand and up to 10 compatible ones.
 */
#define SNIFF_BYTES 64

/*
 * What image_encode hands a row's encode: the user's settings for every
 * format, each read by the rows it applies to. A format with settings of
 * its own adds them here, with their defaults in ENCODE_OPTIONS_INIT.
 */
struct encode_options {
	int quality;		/* lossy formats, 1..100; 0: the row's default_quality */
	int png_level;		/* PNG, 0..12 (PNG_LEVEL_DEFAULT) */
	int lossless;		/* WebP: lossless instead of lossy at quality */
	/*
	 * 0xrrggbb that alpha is flattened onto for a row that is opaque
	 * (BACKGROUND_DEFAULT): work_run does it before the encode.
	 */
	uint32_t background;
	int tiff_compression;	/* TIFF: enum tiff_compression */
	int avif_speed;		/* AVIF, 0 slowest .. 10 fastest (AVIF_SPEED_DEFAULT) */
	/*
	 * The metadata to carry, for a row whose library lays out the file and
	 * writes it itself (AVIF; TIFF, whose ICC and XMP are tags of its IFD
	 * and whose EXIF is IFDs of its own, which no splice after encoding
	 * could add), whose meta_write is NULL;
	 * NULL for none. Rows whose metadata is spliced into the encoded bytes
	 * (meta_at, meta_write) ignore it.
	 */
	const struct meta *meta;
};

/* The libdeflate level of PNG output when --png-level does not say. */
#define PNG_LEVEL_DEFAULT 1

/* --tiff-compression: how TIFF output's strips are compressed. */
enum tiff_compression {
	TIFF_COMPRESSION_NONE,
	TIFF_COMPRESSION_LZW,		/* with horizontal differencing (predictor 2) */
	TIFF_COMPRESSION_DEFLATE,	/* the same, deflated */
	TIFF_COMPRESSION_JPEG,		/* lossy, at --quality */
};

/*
 * LZW by default: lossless, and read by every TIFF reader, old ones too
 * (deflate is smaller but some readers lack it; none writes smaller files
 * for no cost of reading).
 */
#define TIFF_COMPRESSION_DEFAULT TIFF_COMPRESSION_LZW

/* "none", "lzw", "deflate", "jpeg": --tiff-compression's words, in enum order; NULL-ended. */
extern const char *const tiff_compression_names[];

/*
 * White, as ImageMagick's and vips' flatten: a transparent web graphic
 * meant for a white page stays readable, where black would hide dark text.
 */
#define BACKGROUND_DEFAULT 0xffffffu

/*
 * AVIF's quality and speed when --quality and --avif-speed do not say.
 * Quality 50 is libvips' and sharp's default; speed 6 is libavif's, and on
 * a 3-MP camera photo took a quarter of speed 4's time for 10% more bytes
 * at the same PSNR, where speed 8 took 30% of it for 20% more
 * (doc/performance.md).
 */
#define AVIF_QUALITY_DEFAULT 50
#define AVIF_SPEED_DEFAULT 6

#define ENCODE_OPTIONS_INIT \
	{ .quality = 0, .png_level = PNG_LEVEL_DEFAULT, .background = BACKGROUND_DEFAULT, \
	  .avif_speed = AVIF_SPEED_DEFAULT, .lossless = 0, \
	  .tiff_compression = TIFF_COMPRESSION_DEFAULT, .meta = NULL }

/* The parts of metadata (meta.h) a format's files can carry. */
#define FORMAT_META_EXIF 1
#define FORMAT_META_XMP 2
#define FORMAT_META_XMP_EXT 4	/* extended XMP, in more segments than one */
#define FORMAT_META_ICC 8

struct format_row {
	const char *name;	/* "JPEG": what a user reads */
	const char *ext;	/* "jpg": the extension pixpool writes */
	/* The words --format takes for it, the first the one help shows; NULL-ended. */
	const char *const *words;
	/* The extensions its files are named with, in any case; NULL-ended. */
	const char *const *extensions;

	/* Whether the first n bytes (n <= SNIFF_BYTES) start a file of this format. */
	int (*sniff)(const unsigned char *head, size_t n);
	/*
	 * The size and channels from the first n bytes (probe.h): 0, PROBE_MORE
	 * when the header goes on past n, or -1 with an error() naming no file.
	 */
	int (*header)(struct probe *p, const unsigned char *d, size_t n);
	/* Whether a whole file of n bytes holds what its header promises (probe.h). */
	int (*complete)(struct probe *p, const unsigned char *d, size_t n);
	/*
	 * For a format whose header may lie far past the first bytes (a TIFF's
	 * IFD0 after its pixels, a RAF's CFA header after a large JPEG); NULL
	 * for the others. far_offset: where it lies, from the first n bytes (0
	 * when they do not say). far_header: header's answer, and the
	 * Orientation, from those n bytes and the wn bytes at w, which are the
	 * file's from offset at on; PROBE_MORE when it lies outside them.
	 */
	uint32_t (*far_offset)(const unsigned char *d, size_t n);
	int (*far_header)(struct probe *p, int *orientation, const unsigned char *head, size_t n,
			  const unsigned char *w, size_t wn, uint64_t at);
	/*
	 * Decodes a whole file whose header and structure the probe accepted,
	 * at 1 / shrink of its size where the row can (the JPEG row, shrink 2),
	 * at full size otherwise. -1 with an error() naming no file.
	 */
	int (*decode)(struct image *img, const struct probe *p, const unsigned char *d, size_t n,
		      int shrink);
	/*
	 * Appends img, encoded, to buf; NULL where pixpool does not write the
	 * format. image_encode has already refused an image over 2 GiB of
	 * samples or with a side over max_side.
	 */
	int (*encode)(const struct image *img, const struct encode_options *o, struct buffer *buf);
	/*
	 * Where encode is NULL, what the format's images are written in when
	 * --format does not say (job_output_format): FORMAT_NONE for PNG,
	 * lossless and with alpha (GIF, PSD); JPEG for HEIC, camera photos whose
	 * PNG would be ten times larger.
	 */
	enum format written_as;
	uint32_t max_side;	/* the longest side the format stores; 0: no limit of its own */
	int default_quality;	/* the quality when --quality does not say; 0: lossless only */
	/*
	 * 1 where the format's files hold no alpha (JPEG, PNM): an image with
	 * alpha is flattened onto o->background before encode (image_flatten).
	 * 0, the default, where encode keeps alpha.
	 */
	int opaque;
	/* 1 where grey is written as RGB (WebP): the file's colour space is RGB. */
	int colour_only;

	/* FORMAT_META_*: what the format's files carry; 0 for none. */
	unsigned meta_parts;
	/*
	 * Copies the metadata out of a whole file held in memory (meta.h); NULL
	 * for none, and then meta_at and meta_write are NULL too.
	 */
	void (*meta_collect)(struct meta *m, const unsigned char *d, size_t n);
	/* Where the metadata goes in a file this row encoded: a byte offset into it. */
	size_t (*meta_at)(const struct buffer *encoded);
	/* Appends m's metadata to out, in the format's own segments or chunks. */
	void (*meta_write)(struct meta *m, struct buffer *out);
	/*
	 * Where the EXIF block that --autoorient obeys lies in the first n bytes
	 * (*block, *len), or 0 when there is none; NULL where pixpool never
	 * turns the format's pixels.
	 */
	int (*exif)(const unsigned char *d, size_t n, const unsigned char **block, size_t *len);
};

/* The rows, each defined in the file named after its format. */
extern const struct format_row format_jpeg;
extern const struct format_row format_png;
extern const struct format_row format_bmp;
extern const struct format_row format_tga;
extern const struct format_row format_pnm;
extern const struct format_row format_gif;
extern const struct format_row format_psd;
extern const struct format_row format_heic;
extern const struct format_row format_avif;
extern const struct format_row format_webp;
extern const struct format_row format_tiff;
extern const struct format_row format_raw;

/* The row of a format; NULL for FORMAT_NONE or a value outside the table. */
const struct format_row *format_row(enum format format);

/* The format of a file from its first bytes (at most SNIFF_BYTES are read), never its name. */
enum format format_of(const unsigned char *head, size_t n);

/* The quality row's encode uses: o->quality, or the row's default_quality. */
int format_quality(const struct format_row *row, const struct encode_options *o);

/*
 * The format of a file from its first bytes, and from its name only where
 * the bytes cannot tell: a DNG, NEF, ARW or PEF begins as any TIFF does,
 * and only its header (which the probe reads later) says it is a RAW, so a
 * TIFF named as a camera RAW is taken for one. The walk names outputs by
 * it; the probe then checks the header agrees.
 */
enum format format_of_file(const unsigned char *head, size_t n, const char *name);

/* The format --format names by word ("jpg", "jpeg", "png", ...); FORMAT_NONE if none. */
enum format format_find(const char *word);

/* "JPEG", "PNG", ...: the name a user reads; "none" for FORMAT_NONE. */
const char *format_name(enum format format);

/* "jpg", "png", ...: the extension pixpool writes; "" for FORMAT_NONE. */
const char *format_extension(enum format format);

/* The format whose files are named with extension ext ("JPG", "ppm"); FORMAT_NONE if none. */
enum format format_of_extension(const char *ext);

/* "JPEG, PNG, BMP, TGA, PNM or WebP": every row's name, for messages. */
const char *format_list(void);

/* "not an image: the content is not JPEG, ... or PNM": why a file named like one is refused. */
const char *format_not_an_image(void);

#endif

/*
 * libFuzzer harness over pixpool's own path from file bytes to pixels,
 * through the format table's rows (format.h): every row's sniff, EXIF
 * locator and metadata copy on every input, whatever it sniffs as (each
 * must be safe on any bytes); then for the sniffed row the header and
 * structure checks (probe.h), the pixel limit, the EXIF orientation, the
 * decode through stb (in full, and a JPEG at half size too), a filter
 * chain, and the encode back; and the metadata path (meta.h): collecting
 * EXIF, XMP and ICC from the same bytes, checking and editing the EXIF, and
 * writing it all into the encoded output of every row that carries it,
 * then reading each output back and aborting where a strip left something
 * behind (check_output); lcms2 on the ICC profile the file embeds
 * (colour.h): the sRGB check --strip warns by, and the conversion of the
 * filtered pixels to sRGB; HEIF's box reader (bmff.h), and a TIFF's IFD0 and
 * a RAF's CFA header read from a window at their offset (each row's
 * far_header), on every input. Run by
 * `make fuzz` (and `make test`) for a bounded time under ASan and UBSan,
 * from the seeds in tests/fuzz/seeds.
 *
 * The pixel limit is small here (a quarter megapixel), and the resize has a fixed size
 * (an aspect ratio kept from a 32808x27 header once made it 1.7 MP), so
 * that no input costs the instrumented build more than a second or two:
 * what is under test is that every size is checked before it is trusted,
 * whatever the limit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <omp.h>

#include <string.h>

#include "base/error.h"
#include "codec/bmff.h"
#include "codec/icc.h"
#include "codec/exif.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/meta.h"
#include "codec/probe.h"
#include "codec/unread.h"
#include "codec/xmp.h"
#include "filter/chain.h"

#define FUZZ_MAX_PIXELS (512u * 512)

static struct chain chain;
/* A chain that starts with a thumbnail, for the half-size JPEG decode. */
static struct chain thumb;
/* What --profile srgb converts to. */
static struct icc_target srgb;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	omp_set_num_threads(1);
	image_limit_pixels(FUZZ_MAX_PIXELS);
	/* Every kind of filter walk: point, strips, bands, stripes, resampling. */
	if (chain_parse(&chain, "saturate:amount=1.5,blur:sigma=1.2,sharpen,median:radius=2,"
			"edges,resize:width=37,height=29,rotate:angle=90") < 0 ||
	    chain_parse(&thumb, "thumbnail:size=16x12^,crop=entropy,sharpen") < 0 ||
	    icc_target_load(&srgb, "srgb") < 0)
		abort();
	return 0;
}

/*
 * An output's EXIF block, read by a second walk of pixpool's reader on a
 * copy: it must parse, link no thumbnail (the pixels changed), no GPS IFD
 * from any IFD under --strip=gps, and hold no byte that nothing it links
 * uses, which is where a dropped thumbnail's or GPS IFD's bytes would lie.
 */
static void check_exif(const unsigned char *t, size_t n, int strip)
{
	unsigned char *copy = n ? malloc(n) : NULL;
	struct exif x;

	if (!copy)
		return;
	memcpy(copy, t, n);
	if (exif_parse(&x, copy, n) < 0 || x.ifd1 || x.thumb_bytes || exif_loose_bytes(&x) != 0 ||
	    ((strip & META_STRIP_GPS) && x.gps_pointers))
		abort();
	free(copy);
}

/* Under --strip=gps an output's XMP holds no position, and still parses. */
static void check_xmp(const struct buffer *xmp, int strip)
{
	struct buffer rest = { 0 };

	if (!xmp->len || !(strip & META_STRIP_GPS))
		return;
	if (xmp_remove(&rest, xmp->data, xmp->len, xmp_position) != 0)
		abort();
	buffer_release(&rest);
}

/*
 * The output read back through its own row, as the next reader would: a
 * part stripped is absent, the EXIF written is the EXIF prepared, and both
 * it and the XMP pass the checks above.
 */
static void check_output(const struct meta *m, const struct buffer *out, enum format format,
			 int strip)
{
	struct meta back = META_INIT;

	meta_collect(&back, out->data, out->len, format);
	if (((strip & META_STRIP_EXIF) && back.exif.len) ||
	    ((strip & META_STRIP_XMP) && back.xmp.len) || ((strip & META_STRIP_ICC) && back.icc.len))
		abort();
	/*
	 * The EXIF spliced in is the EXIF prepared, byte for byte. A library
	 * that writes the metadata itself may edit it (libheif sets the EXIF
	 * Orientation to 1, HEIF turning images by its own transforms): there
	 * it must still be whole and pass the checks below.
	 */
	if (format_row(format)->meta_write && back.exif.len &&
	    (back.exif.len != m->exif.len || memcmp(back.exif.data, m->exif.data, back.exif.len)))
		abort();
	check_exif(back.exif.data, back.exif.len, strip);
	check_xmp(&back.xmp, strip);
	meta_release(&back);
}

/*
 * The metadata of the file, made true for an output of 2 x 2 pixels in
 * format f, as work_run does, with the pixels changed (so the thumbnail
 * goes) and the parts in strip dropped, then written and read back.
 */
static void meta_output(const uint8_t *data, size_t size, enum format format, int oriented,
			enum format f, int strip)
{
	static const unsigned char grey[4] = { 1, 2, 3, 4 };
	struct image tiny = { .width = 2, .height = 2, .channels = 1, .pixels = (unsigned char *)grey };
	struct meta m = META_INIT;
	struct buffer out = { 0 };
	struct encode_options o = ENCODE_OPTIONS_INIT;
	struct meta_edit e = {
		.strip = strip, .oriented = oriented, .pixels_changed = 1, .width = 2, .height = 2,
		.channels = 1 + 2 * (f & 1), .format = f,
	};
	char line[1024];

	meta_collect(&m, data, size, format);
	/* One budget for the file: one inflate step past it at most, per kind. */
	if (m.inflated > META_INFLATE_MAX + 2 * 16384)
		abort();
	meta_describe(&m, line, sizeof(line));
	meta_prepare(&m, &e);
	if (m.exif.len)
		check_exif(m.exif.data, m.exif.len, strip);
	check_xmp(&m.xmp, strip);
	o.meta = &m;
	if (image_encode_with(&tiny, f, &o, &out) == 0 && meta_insert(&m, f, &out) == 0)
		check_output(&m, &out, f, strip);
	buffer_release(&out);
	meta_release(&m);
}

/*
 * Every row that writes metadata (spliced in, or written by its encoder as
 * TIFF's is), twice: under --strip=gps, and with strip
 * bits taken from the middle of the data (not its end, which a JPEG's EOI
 * or a PNG's IEND would fix), so every edit is reached.
 */
static void run_meta(const uint8_t *data, size_t size, enum format format, int oriented)
{
	int strip = size ? data[size / 2] & (META_STRIP_ALL | META_STRIP_GPS) : 0;

	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++) {
		if (!format_row((enum format)f)->meta_parts || !format_row((enum format)f)->encode)
			continue;
		meta_output(data, size, format, oriented, (enum format)f, META_STRIP_GPS);
		meta_output(data, size, format, oriented, (enum format)f, strip);
	}
}

/*
 * What every row reads of any bytes, before anything has checked that they
 * are of its format: the sniff, the EXIF block --autoorient obeys (read
 * from IFD0, then checked whole and edited in a copy, as the metadata is),
 * and the metadata copy (a TIFF's EXIF block, which its row builds from
 * the file's IFDs, must pass check_exif as it comes).
 */
static void run_rows(const uint8_t *data, size_t size)
{
	(void)unread_of(data, size, "fuzz.jxl");
	(void)unread_of(data, size, NULL);
	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++) {
		const struct format_row *row = format_row((enum format)f);
		const unsigned char *block;
		size_t len;

		(void)row->sniff(data, size < SNIFF_BYTES ? size : SNIFF_BYTES);
		if (row->exif && row->exif(data, size, &block, &len)) {
			unsigned char *copy = malloc(len ? len : 1);
			struct exif x;

			(void)exif_read_orientation(block, len);
			if (!copy)
				continue;
			memcpy(copy, block, len);
			if (exif_parse(&x, copy, len) == 0 && exif_set_upright(&x) >= 0)
				(void)exif_orientation(&x);
			free(copy);
		}
		if (row->meta_collect) {
			struct meta m = META_INIT;

			row->meta_collect(&m, data, size);
			/* A TIFF's EXIF is built, not copied: whole, and no byte it does not link. */
			if (f == FORMAT_TIFF && m.exif.len)
				check_exif(m.exif.data, m.exif.len, 0);
			meta_release(&m);
		}
	}
}

/* The colour path of --profile srgb and --strip, on the profile the file embeds. */
static void run_colour(struct image *img, const uint8_t *data, size_t size, enum format format)
{
	struct meta m = META_INIT;
	char note[96];

	meta_collect(&m, data, size, format);
	if (m.icc.len) {
		(void)icc_is_srgb(m.icc.data, m.icc.len);
		(void)icc_convert(img, m.icc.data, m.icc.len, &srgb, COLOUR_RELATIVE, note,
				     sizeof(note));
	}
	meta_release(&m);
	error_clear();
}

/* Decodes, turns upright, filters and encodes one file held in memory. */
static void run_one(const uint8_t *data, size_t size, enum format format)
{
	struct image img = IMAGE_INIT;
	struct buffer out = { 0 };
	int orientation = image_exif_orientation(data, size);

	run_meta(data, size, format, orientation != 1);
	if (image_decode(&img, data, size, FUZZ_MAX_PIXELS, "fuzz") == 0 &&
	    filter_orient(&img, orientation) == 0 && chain_apply(&chain, &img, NULL) == 0) {
		run_colour(&img, data, size, format);
		image_encode(&img, FORMAT_PNG, 90, PNG_LEVEL_DEFAULT, &out);
	}
	buffer_release(&out);
	image_release(&img);
	/* The half-size decode, as a run does it for a chain that starts with a thumbnail. */
	if ((format == FORMAT_JPEG || format == FORMAT_WEBP) &&
	    image_decode_shrunk(&img, data, size, FUZZ_MAX_PIXELS, "fuzz", 2) == 0 &&
	    filter_orient(&img, orientation) == 0 && chain_apply(&thumb, &img, NULL) == 0)
		image_encode(&img, FORMAT_JPEG, 90, PNG_LEVEL_DEFAULT, &out);
	buffer_release(&out);
	image_release(&img);
}

/*
 * HEIF's box reader on any bytes (not only those the sniff takes): the
 * header on the first bytes and on all of them, the structure check, and
 * every item the header names copied out.
 */
static void run_bmff(const uint8_t *data, size_t size)
{
	struct bmff h;
	struct buffer item = { 0 };

	(void)bmff_header(&h, data, size < 4096 ? size : 4096);
	if (bmff_header(&h, data, size) != 0 || bmff_complete(&h, data, size) < 0)
		return;
	if (h.exif_item)
		(void)bmff_item_copy(&h, data, size, h.exif_item, &item, 1u << 20);
	if (h.xmp_item)
		(void)bmff_item_copy(&h, data, size, h.xmp_item, &item, 1u << 20);
	(void)bmff_item_copy(&h, data, size, h.primary, &item, 1u << 20);
	buffer_release(&item);
}

/*
 * The parent's read of a header that lies past a file's first bytes (a
 * TIFF's IFD0, a RAF's CFA header): from a window at its offset, the bytes
 * before it as the first ones read, for every row that has one.
 */
static void run_far_headers(const uint8_t *data, size_t size)
{
	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++) {
		const struct format_row *row = format_row((enum format)f);
		uint32_t at = row->far_offset ? row->far_offset(data, size) : 0;
		struct probe p;
		int orientation;

		if (at && at < size)
			(void)row->far_header(&p, &orientation, data, at, data + at, size - at, at);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe p;
	enum format format = format_of(data, size);

	run_rows(data, size);
	run_bmff(data, size);
	run_far_headers(data, size);
	if (format == FORMAT_NONE)
		return 0;
	/* What the parent does before handing an image out, on the first bytes alone. */
	image_header(&p, data, size < 4096 ? size : 4096, FUZZ_MAX_PIXELS);
	/* What pixpool info reads: the header and the structure, channels and all. */
	if (probe_header(&p, data, size) == 0 && probe_complete(&p, data, size) == 0 &&
	    (p.channels < 1 || p.channels > 4))
		abort();
	run_one(data, size, format);
	return 0;
}

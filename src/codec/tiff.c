/*
 * TIFF's row of the format table (format.h): read and written through
 * libtiff (tiff_call.c), with ICC, XMP and EXIF. IFD0 is parsed here first, by
 * pixpool's bounded reader (ifd.h): the size, the samples, every strip or
 * tile within the file, the pages chained after it.
 */
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/format.h"
#include "codec/ifd.h"
#include "codec/image.h"
#include "codec/meta.h"
#include "codec/probe.h"
#include "codec/raw.h"
#include "codec/tiff.h"
#include "codec/tiff_call.h"

#define MAGIC_TIFF 42
#define MAGIC_BIGTIFF 43
/* A file of more pages than this is refused: a forged chain costs no more to walk. */
#define TIFF_MAX_PAGES 65536

#define PHOTOMETRIC_WHITE 0
#define PHOTOMETRIC_BLACK 1
#define PHOTOMETRIC_RGB 2
#define PHOTOMETRIC_PALETTE 3
#define PHOTOMETRIC_CMYK 5
#define PHOTOMETRIC_YCBCR 6
#define COMPRESSION_OLD_JPEG 6

const char *const tiff_compression_names[] = { "none", "lzw", "deflate", "jpeg", NULL };

/* TIFF's header in either byte order; a CR2, which starts the same, is the RAW row's. */
static int tiff_sniff(const unsigned char *h, size_t n)
{
	int tiff = n >= 8 && (!memcmp(h, "II*\0", 4) || !memcmp(h, "MM\0*", 4) ||
			      !memcmp(h, "II+\0", 4) || !memcmp(h, "MM\0+", 4));

	return tiff && !(n >= 10 && h[8] == 'C' && h[9] == 'R');
}

/* IFD0's fields that say how its samples are laid out and how the decode reads them. */
struct fields {
	uint32_t extra, sample_format, compression;
};

static int read_fields(struct tiff_layout *l, struct fields *x, const struct ifd_file *f,
		       const struct ifd *dir)
{
	int ret = 0;

	l->photometric = UINT32_MAX;
	ret = ret ? ret : ifd_get(f, dir, IFD_TAG_WIDTH, 0, &l->width);
	ret = ret ? ret : ifd_get(f, dir, IFD_TAG_HEIGHT, 0, &l->height);
	ret = ret ? ret : ifd_get(f, dir, IFD_TAG_SAMPLES, 1, &l->samples);
	ret = ret ? ret : ifd_get(f, dir, IFD_TAG_BITS, 1, &l->bits);
	ret = ret ? ret : ifd_get(f, dir, IFD_TAG_PHOTOMETRIC, UINT32_MAX, &l->photometric);
	ret = ret ? ret : ifd_get(f, dir, IFD_TAG_PLANAR, 1, &l->planar);
	ret = ret ? ret : ifd_get(f, dir, IFD_TAG_ORIENTATION, 1, &l->orientation);
	ret = ret ? ret : ifd_get(f, dir, IFD_TAG_EXTRA_SAMPLES, 0, &x->extra);
	ret = ret ? ret : ifd_get(f, dir, IFD_TAG_SAMPLE_FORMAT, 1, &x->sample_format);
	ret = ret ? ret : ifd_get(f, dir, IFD_TAG_COMPRESSION, 1, &x->compression);
	if (ret < 0)
		return error_prefix("corrupt TIFF");
	if (l->orientation < 1 || l->orientation > 8)
		l->orientation = 1;
	return ret;
}

/*
 * 8- and 16-bit grey and RGB, side by side, are read as they are, with
 * their alpha; the other layouts libtiff turns into RGBA, given here as
 * grey or RGB (alpha there would come premultiplied, so it is refused).
 */
static int classify(struct tiff_layout *l, const struct fields *x)
{
	int grey = l->photometric == PHOTOMETRIC_WHITE || l->photometric == PHOTOMETRIC_BLACK;
	uint32_t base = grey ? 1 : 3;
	int alpha = l->samples > base && (x->extra == 1 || x->extra == 2);

	if (x->sample_format != 1)
		return error("TIFF with %s samples, which pixpool does not read",
			     x->sample_format == 3 ? "floating-point" : "signed or other");
	if (x->compression == COMPRESSION_OLD_JPEG)
		return error("TIFF with old-style JPEG compression, which pixpool does not read");
	if (!l->width || !l->height || !l->bits || !l->samples || l->samples > 16)
		return error("corrupt TIFF: bad width, height or samples");
	l->direct = (grey || l->photometric == PHOTOMETRIC_RGB) && l->samples >= base &&
		    (l->bits == 8 || l->bits == 16) && (l->planar == 1 || l->samples == 1);
	l->channels = (int)base + (l->direct && alpha);
	l->associated = l->direct && alpha && x->extra == 1;
	if (l->direct)
		return 0;
	if (!grey && l->photometric != PHOTOMETRIC_RGB && l->photometric != PHOTOMETRIC_PALETTE &&
	    l->photometric != PHOTOMETRIC_CMYK && l->photometric != PHOTOMETRIC_YCBCR)
		return error(l->photometric == UINT32_MAX ? "corrupt TIFF: no photometric interpretation"
			     : "TIFF with photometric interpretation %u, which pixpool does not read",
			     l->photometric);
	if (alpha)
		return error("TIFF with alpha in separate planes or under 8 bits, which pixpool "
			     "does not read");
	return 0;
}

/* IFD0 of a TIFF (not a RAW): 0, PROBE_MORE or -1 with error(). */
static int open_ifd0(struct ifd_file *f, struct ifd *dir, const unsigned char *d, size_t n)
{
	int ret = ifd_open(f, d, n);

	if (ret)
		return ret;
	if (f->magic == MAGIC_BIGTIFF)
		return error("BigTIFF, which pixpool does not read");
	if (f->magic != MAGIC_TIFF)
		return error("corrupt TIFF: magic number %u", f->magic);
	ret = ifd_read(f, f->first, dir);
	return ret < 0 ? error_prefix("corrupt TIFF") : ret;
}

static int layout_of(struct tiff_layout *l, const struct ifd_file *f, const struct ifd *dir)
{
	struct fields x;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = read_fields(l, &x, f, dir);
	return ret ? ret : classify(l, &x);
}

/* What IFD0 says: a RAW's size (raw_tiff_scan) or a TIFF's, and the Orientation. */
static int header_of(struct probe *p, int *orientation, const struct ifd_file *f,
		     const struct ifd *dir)
{
	struct tiff_layout l;
	uint32_t o = 1;
	int raw = 0, ret = raw_tiff_scan(p, f, 0, &raw);

	if (ret)
		return ret;
	if (raw) {
		if (ifd_get(f, dir, IFD_TAG_ORIENTATION, 1, &o) < 0)
			error_clear();
		*orientation = o >= 1 && o <= 8 ? (int)o : 1;
		return 0;
	}
	ret = layout_of(&l, f, dir);
	if (ret)
		return ret;
	p->width = l.width;
	p->height = l.height;
	p->channels = l.channels;
	p->bits = l.bits == 8 ? 0 : (int)l.bits;
	*orientation = (int)l.orientation;
	return 0;
}

static int tiff_header(struct probe *p, const unsigned char *d, size_t n)
{
	struct ifd_file f;
	struct ifd dir;
	int orientation, ret = open_ifd0(&f, &dir, d, n);

	return ret ? ret : header_of(p, &orientation, &f, &dir);
}

uint32_t tiff_ifd0_offset(const unsigned char *d, size_t n)
{
	struct ifd_file f;

	if (!tiff_sniff(d, n) || ifd_open(&f, d, n) || f.magic != MAGIC_TIFF)
		return 0;
	return f.first;
}

int tiff_header_window(struct probe *p, int *orientation, const unsigned char *head, size_t n,
		       const unsigned char *w, size_t wn, uint64_t at)
{
	struct ifd_file f;
	struct ifd dir;
	int ret = ifd_open(&f, head, n);

	if (ret)
		return ret;
	ifd_window(&f, w, wn, at);
	memset(p, 0, sizeof(*p));
	p->format = FORMAT_TIFF;
	ret = ifd_read(&f, f.first, &dir);
	if (ret)
		return ret < 0 ? error_prefix("corrupt TIFF") : ret;
	return header_of(p, orientation, &f, &dir);
}

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* The strips (or tiles) the image needs: each plane cut into rows (or squares). */
static int segments_of(const struct tiff_layout *l, const struct ifd_file *f,
		       const struct ifd *dir, uint64_t *segments)
{
	uint32_t rows, tw, th;
	uint64_t planes = l->planar == 2 ? l->samples : 1;
	struct ifd_entry e;

	if (ifd_find(f, dir, IFD_TAG_TILE_OFFSETS, &e)) {
		if (ifd_get(f, dir, IFD_TAG_TILE_WIDTH, 0, &tw) ||
		    ifd_get(f, dir, IFD_TAG_TILE_HEIGHT, 0, &th) || !tw || !th)
			return error("corrupt TIFF: bad tile size");
		*segments = planes * ceil_div(l->width, tw) * ceil_div(l->height, th);
		return 0;
	}
	if (ifd_get(f, dir, IFD_TAG_ROWS_PER_STRIP, UINT32_MAX, &rows) || !rows)
		return error("corrupt TIFF: bad rows per strip");
	*segments = planes * ceil_div(l->height, rows);
	return 0;
}

/* Every strip or tile of IFD0 within the file, and the pages counted. */
static int tiff_complete(struct probe *p, const unsigned char *d, size_t n)
{
	struct ifd_file f;
	struct ifd dir;
	struct tiff_layout l;
	uint64_t segments = 0;
	long pages;
	int ret = open_ifd0(&f, &dir, d, n);

	ret = ret ? ret : layout_of(&l, &f, &dir);
	if (ret == PROBE_MORE)
		return error("truncated TIFF: a value of IFD0 lies past the end");
	if (ret < 0 || segments_of(&l, &f, &dir, &segments) < 0 ||
	    ifd_data_complete(&f, &dir, segments, "TIFF") < 0)
		return -1;
	ret = ifd_chain_length(&f, TIFF_MAX_PAGES, &pages);
	if (ret == PROBE_MORE)
		return error("truncated TIFF: an IFD lies past the end");
	if (ret < 0)
		return error_prefix("corrupt TIFF");
	p->pages = pages > 1 ? (int)pages : 0;
	return 0;
}

/*
 * libtiff may allocate at once no more than the image can need: a 16-bit
 * sample of each of 4 channels, as the file-size bound allows 16 bytes a
 * pixel (input.c), plus room for the directory's arrays.
 */
static int tiff_decode_row(struct image *img, const struct probe *p, const unsigned char *d,
			   size_t n, int shrink)
{
	struct ifd_file f;
	struct ifd dir;
	struct tiff_layout l;

	(void)shrink;
	if (open_ifd0(&f, &dir, d, n) || layout_of(&l, &f, &dir))
		return error("corrupt TIFF");	/* not reached: the probe read them */
	l.max_alloc = 16 * (uint64_t)l.width * l.height + (64u << 20);
	if (tiff_decode(img, &l, d, n) < 0)
		return -1;
	img->pages = p->pages;
	return 0;
}

/* TIFF stores offsets in 32 bits: the whole file must stay under 4 GiB. */
static int tiff_encode_row(const struct image *img, const struct encode_options *o,
			   struct buffer *buf)
{
	if ((uint64_t)img->width * (uint64_t)img->height * (uint64_t)img->channels >
	    (uint64_t)UINT32_MAX - (64u << 20))
		return image_refuse_encode(img, FORMAT_TIFF, "over the 4 GiB a TIFF holds");
	return tiff_encode(img, o, buf);
}

/* A tag of IFD0 whose bytes are a metadata part: kept when whole, dropped with a warning when not. */
static void collect_tag(struct meta *m, const struct ifd_file *f, const struct ifd *dir,
			unsigned tag, struct buffer *to, size_t max, const char *what)
{
	struct ifd_entry e;

	if (!ifd_find(f, dir, tag, &e))
		return;
	if (!e.bytes || !ifd_entry_fits(f, &e)) {
		m->had = 1;
		meta_warn(m, "%s: its tag lies outside the file, dropped", what);
		return;
	}
	meta_keep(m, to, f->d + e.at, (size_t)e.bytes, max, what);
}

/*
 * The EXIF, built from IFD0's tags about the photo and the IFDs it points
 * at (ifd_exif_block): kept when it can be, dropped with a warning when a
 * part of it is malformed or it is over the size carried.
 */
static void collect_exif(struct meta *m, const struct ifd_file *f, const struct ifd *dir)
{
	struct buffer block = BUFFER_INIT;
	char why[ERROR_MAX / 2];
	int ret = ifd_exif_block(f, dir, &block, META_EXIF_MAX);

	if (ret > 0 && !block.failed)
		meta_keep(m, &m->exif, block.data, block.len, META_EXIF_MAX, "EXIF");
	else if (ret != 0) {
		snprintf(why, sizeof(why), "EXIF (%.80s)", ret > 0 ? "out of memory" : error_message());
		error_clear();
		m->had = 1;
		meta_warn(m, "malformed %s, dropped", why);
	}
	buffer_release(&block);
}

/*
 * ICC and XMP, tags of IFD0, and the EXIF, which IFD0 points at (the
 * Orientation, an IFD0 tag, also turns the pixels as --autoorient says).
 */
static void tiff_meta_collect(struct meta *m, const unsigned char *d, size_t n)
{
	struct ifd_file f;
	struct ifd dir;

	if (open_ifd0(&f, &dir, d, n)) {
		error_clear();
		return;
	}
	collect_exif(m, &f, &dir);
	collect_tag(m, &f, &dir, IFD_TAG_ICC, &m->icc, META_ICC_MAX, "ICC profile");
	collect_tag(m, &f, &dir, IFD_TAG_XMP, &m->xmp, META_XMP_MAX, "XMP");
}

static const char *const tiff_extensions[] = { "tif", "tiff", NULL };
static const char *const tiff_words[] = { "tiff", "tif", NULL };

const struct format_row format_tiff = {
	.name = "TIFF",
	.ext = "tif",
	.words = tiff_words,
	.extensions = tiff_extensions,
	.sniff = tiff_sniff,
	.header = tiff_header,
	.complete = tiff_complete,
	.far_offset = tiff_ifd0_offset,
	.far_header = tiff_header_window,
	.decode = tiff_decode_row,
	.encode = tiff_encode_row,
	/* Only --tiff-compression jpeg is lossy. */
	.default_quality = 90,
	.meta_parts = FORMAT_META_EXIF | FORMAT_META_XMP | FORMAT_META_ICC,
	.meta_collect = tiff_meta_collect,
	.exif = ifd_exif,
};

/*
 * pixpool's glue to libtiff (tiff_call.h): files read from memory and
 * written into a buffer through client procedures, libtiff's messages
 * routed into error(), its allocations bounded.
 */
#include "codec/tiff_call.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/exif.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/meta.h"

/* A file in memory as libtiff sees it: read from d, or written into out. */
struct stream {
	const unsigned char *d;
	uint64_t n;
	struct buffer *out;	/* NULL when reading */
	size_t base;		/* where the TIFF starts in out */
	uint64_t pos;
	char why[ERROR_MAX];	/* libtiff's first error */
};

static tmsize_t stream_read(thandle_t h, void *buf, tmsize_t size)
{
	struct stream *s = h;
	const unsigned char *from = s->out ? s->out->data + s->base : s->d;
	uint64_t n = s->out ? s->out->len - s->base : s->n;
	uint64_t left = s->pos < n ? n - s->pos : 0;
	size_t take = size < 0 ? 0 : (uint64_t)size < left ? (size_t)size : (size_t)left;

	if (take)
		memcpy(buf, from + s->pos, take);
	s->pos += take;
	return (tmsize_t)take;
}

/* Writes at the position, past the end too: a gap libtiff seeks over is zeros. */
static tmsize_t stream_write(thandle_t h, void *buf, tmsize_t size)
{
	static const unsigned char zeros[4096];
	struct stream *s = h;
	size_t len, over;

	if (!s->out || size < 0)
		return -1;
	while (!s->out->failed && s->out->len - s->base < s->pos) {
		size_t gap = (size_t)(s->pos - (s->out->len - s->base));

		buffer_put(s->out, zeros, gap < sizeof(zeros) ? gap : sizeof(zeros));
	}
	len = s->out->len - s->base;
	over = len - (size_t)s->pos < (size_t)size ? len - (size_t)s->pos : (size_t)size;
	if (over)
		memcpy(s->out->data + s->base + s->pos, buf, over);
	buffer_put(s->out, (unsigned char *)buf + over, (size_t)size - over);
	if (s->out->failed)
		return -1;
	s->pos += (uint64_t)size;
	return size;
}

static uint64_t stream_size(thandle_t h)
{
	struct stream *s = h;

	return s->out ? s->out->len - s->base : s->n;
}

static toff_t stream_seek(thandle_t h, toff_t off, int whence)
{
	struct stream *s = h;
	uint64_t from = whence == SEEK_CUR ? s->pos : whence == SEEK_END ? stream_size(h) : 0;

	if (off > UINT64_MAX - from || from + off > ((uint64_t)1 << 40))
		return (toff_t)-1;
	s->pos = from + off;
	return s->pos;
}

static int stream_close(thandle_t h)
{
	(void)h;
	return 0;
}

static toff_t stream_size_proc(thandle_t h)
{
	return stream_size(h);
}

/* No memory mapping: libtiff then reads through stream_read. */
static int stream_map(thandle_t h, void **base, toff_t *size)
{
	(void)h;
	(void)base;
	(void)size;
	return 0;
}

static void stream_unmap(thandle_t h, void *base, toff_t size)
{
	(void)h;
	(void)base;
	(void)size;
}

/* libtiff's first error is kept; its warnings (unknown tags, say) are not shown. */
static int on_error(TIFF *tif, void *data, const char *module, const char *fmt, va_list ap)
{
	struct stream *s = data;

	(void)tif;
	(void)module;
	if (!s->why[0])
		vsnprintf(s->why, sizeof(s->why), fmt, ap);
	return 1;
}

static int on_warning(TIFF *tif, void *data, const char *module, const char *fmt, va_list ap)
{
	(void)tif;
	(void)data;
	(void)module;
	(void)fmt;
	(void)ap;
	return 1;
}

static TIFF *stream_open(struct stream *s, const char *mode, uint64_t max_alloc)
{
	TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
	TIFF *tif;

	if (!opts)
		return NULL;
	TIFFOpenOptionsSetMaxSingleMemAlloc(opts, (tmsize_t)max_alloc);
	TIFFOpenOptionsSetErrorHandlerExtR(opts, on_error, s);
	TIFFOpenOptionsSetWarningHandlerExtR(opts, on_warning, s);
	tif = TIFFClientOpenExt("TIFF", mode, s, stream_read, stream_write, stream_seek,
				stream_close, stream_size_proc, stream_map, stream_unmap, opts);
	TIFFOpenOptionsFree(opts);
	return tif;
}

/* -1 with what went wrong, and libtiff's reason when it gave one. */
static int failed(const struct stream *s, const char *what)
{
	return s->why[0] ? error("%s: %s", what, s->why) : error("%s", what);
}

/* Whether libtiff reads IFD0 as tiff.c's parse did: the pixel limit was checked on that. */
static int same_layout(TIFF *tif, const struct tiff_layout *l)
{
	uint32_t w = 0, h = 0;
	uint16_t spp = 0, bits = 0, photometric = 0, planar = 0;

	TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bits);
	TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric);
	TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
	return w == l->width && h == l->height && spp == l->samples && bits == l->bits &&
	       photometric == l->photometric && (spp == 1 || planar == l->planar);
}

/* One sample as 8 bits. */
static unsigned sample(const unsigned char *src, size_t i, const struct tiff_layout *l)
{
	uint16_t v;

	if (l->bits == 8)
		return src[i];
	memcpy(&v, src + 2 * i, 2);	/* libtiff gives native byte order */
	return sample_16_to_8(v);
}

/*
 * count pixels of samples as libtiff decoded them into pixpool's channels:
 * the first channels samples (grey or RGB, then alpha), white-is-zero
 * inverted, premultiplied alpha undone.
 */
static void put_row(unsigned char *dst, const unsigned char *src, uint32_t count,
		    const struct tiff_layout *l)
{
	int c = l->channels, alpha = c == 2 || c == 4;

	for (uint32_t x = 0; x < count; x++, dst += c) {
		for (int k = 0; k < c; k++)
			dst[k] = (unsigned char)sample(src, (size_t)x * l->samples + (size_t)k, l);
		if (l->photometric == PHOTOMETRIC_MINISWHITE)
			dst[0] = (unsigned char)(255 - dst[0]);
		if (alpha && l->associated) {
			unsigned a = dst[c - 1];

			for (int k = 0; k < c - 1; k++)
				dst[k] = (unsigned char)(!a ? 0 : dst[k] >= a ? 255 :
							 (dst[k] * 255u + a / 2) / a);
		}
	}
}

static int read_strips(TIFF *tif, const struct stream *s, struct image *img,
		       const struct tiff_layout *l)
{
	uint32_t rps = 0;
	tmsize_t line = TIFFScanlineSize(tif), size = TIFFStripSize(tif);
	size_t stride = (size_t)l->width * (size_t)l->channels;
	unsigned char *buf = size > 0 ? calloc(1, (size_t)size) : NULL;
	uint64_t y = 0;

	TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
	if (!buf || line <= 0 || rps == 0) {
		free(buf);
		return failed(s, "corrupt TIFF: cannot size its strips");
	}
	for (uint32_t strip = 0; y < l->height; strip++, y += rps) {
		uint32_t rows = l->height - y < rps ? (uint32_t)(l->height - y) : rps;

		if (TIFFReadEncodedStrip(tif, strip, buf, (tmsize_t)rows * line) < 0) {
			free(buf);
			return failed(s, "corrupt TIFF");
		}
		for (uint32_t r = 0; r < rows; r++)
			put_row(img->pixels + (y + r) * stride, buf + (size_t)r * (size_t)line,
				l->width, l);
	}
	free(buf);
	return 0;
}

static int read_tiles(TIFF *tif, const struct stream *s, struct image *img,
		      const struct tiff_layout *l)
{
	uint32_t tw = 0, th = 0;
	tmsize_t line = TIFFTileRowSize(tif), size = TIFFTileSize(tif);
	size_t stride = (size_t)l->width * (size_t)l->channels;
	unsigned char *buf = size > 0 ? calloc(1, (size_t)size) : NULL;

	TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
	TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
	if (!buf || line <= 0 || !tw || !th) {
		free(buf);
		return failed(s, "corrupt TIFF: cannot size its tiles");
	}
	for (uint64_t ty = 0; ty < l->height; ty += th)
		for (uint64_t tx = 0; tx < l->width; tx += tw) {
			uint32_t cols = l->width - tx < tw ? (uint32_t)(l->width - tx) : tw;
			uint32_t rows = l->height - ty < th ? (uint32_t)(l->height - ty) : th;

			if (TIFFReadTile(tif, buf, (uint32_t)tx, (uint32_t)ty, 0, 0) < 0) {
				free(buf);
				return failed(s, "corrupt TIFF");
			}
			for (uint32_t r = 0; r < rows; r++)
				put_row(img->pixels + (ty + r) * stride + tx * (size_t)l->channels,
					buf + (size_t)r * (size_t)line, cols, l);
		}
	free(buf);
	return 0;
}

/*
 * Palette, CMYK (converted by libtiff without colour management), YCbCr,
 * 1 to 4 bits and separate planes: libtiff's RGBA reader, into an image
 * of 4 channels, packed to grey or RGB in place. The rows come as stored
 * (the requested orientation is the file's own), so that --autoorient
 * turns them as it turns every other format.
 */
static int read_rgba(TIFF *tif, const struct stream *s, struct image *img,
		     const struct tiff_layout *l)
{
	size_t pixels = (size_t)l->width * l->height;
	uint32_t *raster = (uint32_t *)(void *)img->pixels;

	if (!TIFFReadRGBAImageOriented(tif, l->width, l->height, raster, (int)l->orientation, 0))
		return failed(s, "cannot decode TIFF");
	for (size_t i = 0; i < pixels; i++) {
		uint32_t v;

		memcpy(&v, img->pixels + 4 * i, 4);
		img->pixels[l->channels * i] = (unsigned char)TIFFGetR(v);
		if (l->channels == 3) {
			img->pixels[3 * i + 1] = (unsigned char)TIFFGetG(v);
			img->pixels[3 * i + 2] = (unsigned char)TIFFGetB(v);
		}
	}
	img->channels = l->channels;
	return 0;
}

static int decode_open(TIFF *tif, const struct stream *s, struct image *img,
		       const struct tiff_layout *l)
{
	if (!same_layout(tif, l))
		return error("corrupt TIFF: libtiff reads its first IFD otherwise than its header");
	if (image_alloc(img, (int)l->width, (int)l->height, l->direct ? l->channels : 4) < 0)
		return -1;
	/* Zero-filled: a strip libtiff leaves short shows black, never old memory. */
	memset(img->pixels, 0, (size_t)l->width * l->height * (size_t)img->channels);
	if (!l->direct)
		return read_rgba(tif, s, img, l);
	return TIFFIsTiled(tif) ? read_tiles(tif, s, img, l) : read_strips(tif, s, img, l);
}

int tiff_decode(struct image *img, const struct tiff_layout *l, const unsigned char *d,
		size_t n)
{
	struct stream s = { .d = d, .n = n };
	TIFF *tif = stream_open(&s, "rm", l->max_alloc);
	int ret;

	if (!tif)
		return failed(&s, "cannot decode TIFF");
	ret = decode_open(tif, &s, img, l);
	TIFFClose(tif);
	if (ret < 0)
		image_release(img);
	else
		img->bits = l->bits == 8 ? 0 : (int)l->bits;
	return ret;
}

#define STRIP_BYTES (128u << 10)

static const uint16_t compressions[] = {
	[TIFF_COMPRESSION_NONE] = COMPRESSION_NONE,
	[TIFF_COMPRESSION_LZW] = COMPRESSION_LZW,
	[TIFF_COMPRESSION_DEFLATE] = COMPRESSION_ADOBE_DEFLATE,
	[TIFF_COMPRESSION_JPEG] = COMPRESSION_JPEG,
};

/*
 * EXIF into libtiff's fields. The block was built from the input's bytes,
 * which a compromised worker may have forged; exif_parse checked that its
 * IFDs and values lie within it, exif_field checks each entry again, and
 * no count or type libtiff trusts comes from it unchecked: a tag libtiff
 * does not know, whose type is not the one libtiff defines for it, or
 * whose count is not one libtiff takes, is skipped.
 */

/* The most values of one field: libtiff counts most arrays in 16 bits. */
#define FIELD_MAX_VALUES 65535u
/* The Exif IFD's link to its Interoperability IFD, which libtiff names not. */
#define TAG_INTEROP_IFD 0xa005

/* Value i of f as a number, in the block's byte order big. */
static double number(const struct exif_field *f, uint32_t i, int big)
{
	const unsigned char *p = f->value;
	uint32_t bits, den;
	uint64_t wide;
	float fl;
	double db;

	switch (f->type) {
	case TIFF_SBYTE: return (int8_t)p[i];
	case TIFF_SHORT: return get16(p + 2 * (size_t)i, big);
	case TIFF_SSHORT: return (int16_t)get16(p + 2 * (size_t)i, big);
	case TIFF_LONG: return get32(p + 4 * (size_t)i, big);
	case TIFF_SLONG: return (int32_t)get32(p + 4 * (size_t)i, big);
	case TIFF_RATIONAL:
		den = get32(p + 8 * (size_t)i + 4, big);
		return den ? (double)get32(p + 8 * (size_t)i, big) / den : 0;
	case TIFF_SRATIONAL:
		den = get32(p + 8 * (size_t)i + 4, big);
		return den ? (double)(int32_t)get32(p + 8 * (size_t)i, big) / (int32_t)den : 0;
	case TIFF_FLOAT:
		bits = get32(p + 4 * (size_t)i, big);
		memcpy(&fl, &bits, 4);
		return fl;
	case TIFF_DOUBLE:
		wide = (uint64_t)get32(p + 8 * (size_t)i + (big ? 0 : 4), big) << 32 |
		       get32(p + 8 * (size_t)i + (big ? 4 : 0), big);
		memcpy(&db, &wide, 8);
		return db;
	default: return p[i];	/* BYTE, UNDEFINED */
	}
}

/* Whether an entry of type may fill a field libtiff defines as type want. */
static int type_fits(unsigned type, TIFFDataType want)
{
	return type == (unsigned)want || (type == TIFF_SHORT && want == TIFF_LONG) ||
	       (type == TIFF_UNDEFINED && want == TIFF_BYTE) ||
	       (type == TIFF_BYTE && want == TIFF_UNDEFINED);
}

/* f's values as the C type libtiff takes them (size bytes each, of field type want). */
static void *values_of(const struct exif_field *f, int size, TIFFDataType want, int big)
{
	void *v = calloc(f->count, (size_t)size);
	int real = want == TIFF_RATIONAL || want == TIFF_SRATIONAL || want == TIFF_FLOAT ||
		   want == TIFF_DOUBLE;

	for (uint32_t i = 0; v && i < f->count; i++) {
		double d = number(f, i, big);

		if (size == 8 && real)
			((double *)v)[i] = d;
		else if (size == 4 && real)
			((float *)v)[i] = (float)d;
		else if (size == 4)
			((uint32_t *)v)[i] = (uint32_t)(int64_t)d;
		else if (size == 2)
			((uint16_t *)v)[i] = (uint16_t)(int32_t)d;
		else
			((uint8_t *)v)[i] = (uint8_t)(int32_t)d;
	}
	return v;
}

/* A single value, passed as libtiff reads it from its arguments. */
static int set_one(TIFF *tif, const struct exif_field *f, TIFFDataType want, int big)
{
	double d = number(f, 0, big);

	if (want == TIFF_RATIONAL || want == TIFF_SRATIONAL || want == TIFF_FLOAT ||
	    want == TIFF_DOUBLE)
		return TIFFSetField(tif, f->tag, d);
	if (want == TIFF_LONG || want == TIFF_SLONG)
		return TIFFSetField(tif, f->tag, (uint32_t)(int64_t)d);
	return TIFFSetField(tif, f->tag, (int)d);
}

/* Text, cut at its first NUL and ended by one. */
static int set_text(TIFF *tif, const struct exif_field *f)
{
	char *text = malloc((size_t)f->count + 1);
	int ret;

	if (!text)
		return 0;
	memcpy(text, f->value, f->count);
	text[f->count] = '\0';
	ret = TIFFSetField(tif, f->tag, text);
	free(text);
	return ret;
}

/* One entry into the directory libtiff is filling: 1 if it took it, 0 if skipped. */
static int set_field(TIFF *tif, const struct exif_field *f, int big)
{
	const TIFFField *fip = TIFFFindField(tif, f->tag, TIFF_ANY);
	TIFFDataType want = fip ? TIFFFieldDataType(fip) : TIFF_NOTYPE;
	int size, counted, fixed, ret;
	void *v;

	/* number() reads the types TIFF 6 defines; the block's sizes were checked for those. */
	if (f->type < TIFF_BYTE || f->type > TIFF_DOUBLE || !f->count)
		return 0;
	if (!fip || TIFFFieldIsAnonymous(fip) || !type_fits(f->type, want))
		return 0;
	if (want == TIFF_ASCII)
		return set_text(tif, f) == 1;
	size = TIFFFieldSetGetSize(fip);
	counted = TIFFFieldPassCount(fip);
	fixed = TIFFFieldWriteCount(fip);
	if (f->count > FIELD_MAX_VALUES || (!counted && (fixed < 1 || f->count != (uint32_t)fixed)) ||
	    (size != 1 && size != 2 && size != 4 && size != 8))
		return 0;
	if (!counted && fixed == 1)
		return set_one(tif, f, want, big) == 1;
	v = values_of(f, size, want, big);
	if (!v)
		return 0;
	ret = counted ? TIFFSetField(tif, f->tag, (uint32_t)f->count, v) : TIFFSetField(tif, f->tag, v);
	free(v);
	return ret == 1;
}

/*
 * The entries of the block's IFD at ifd: IFD0's that describe the photo
 * but its Orientation (set_tags sets it), or a sub-IFD's but the links to
 * further IFDs. How many libtiff took.
 */
static int set_fields(TIFF *tif, const struct exif *x, size_t ifd, int main)
{
	struct exif_field f;
	int set = 0;

	for (unsigned i = 0; exif_field(x, ifd, i, &f); i++) {
		if (main ? !exif_describes_photo(f.tag) || f.tag == TIFFTAG_ORIENTATION
			 : f.tag == TIFFTAG_EXIFIFD || f.tag == TIFFTAG_GPSIFD ||
			   f.tag == TAG_INTEROP_IFD || f.tag == TIFFTAG_SUBIFD)
			continue;
		set += set_field(tif, &f, x->big);
	}
	return set;
}

/*
 * The Exif (or GPS) IFD as a custom directory of its own, written before
 * the image's: *at its offset, 0 when libtiff took none of its tags. The
 * Interoperability IFD is not written (libtiff has no directory for it).
 */
static int write_sub_ifd(TIFF *tif, const struct stream *s, const struct exif *x, size_t ifd,
			 int gps, uint64_t *at)
{
	*at = 0;
	if (!ifd)
		return 0;
	/* libtiff 4.5 creates a directory over the current one without freeing its values. */
	TIFFFreeDirectory(tif);
	if ((gps ? TIFFCreateGPSDirectory(tif) : TIFFCreateEXIFDirectory(tif)) != 0)
		return failed(s, "cannot encode TIFF's EXIF");
	if (set_fields(tif, x, ifd, 0) > 0 && !TIFFWriteCustomDirectory(tif, at))
		return failed(s, "cannot encode TIFF's EXIF");
	return 0;
}

/* What the EXIF of o->meta puts in the file: its sub-IFDs' offsets, its Orientation. */
struct exif_out {
	struct exif x;		/* the parsed copy; x.t NULL when there is none */
	uint64_t exif_at, gps_at;
	int orientation;
};

/*
 * Parses a copy of the EXIF (meta_prepare made it true for this output)
 * and writes its Exif and GPS IFDs, then starts the image's directory. A
 * block that does not parse is left out, as if there were none.
 */
static int exif_begin(TIFF *tif, const struct stream *s, const struct encode_options *o,
		      struct exif_out *e)
{
	memset(e, 0, sizeof(*e));
	e->orientation = ORIENTATION_TOPLEFT;
	if (!o->meta || !o->meta->exif.len)
		return 0;
	e->x.t = malloc(o->meta->exif.len);
	if (!e->x.t)
		return error("out of memory while encoding TIFF");
	memcpy(e->x.t, o->meta->exif.data, o->meta->exif.len);
	if (exif_parse(&e->x, e->x.t, o->meta->exif.len) < 0) {
		error_clear();
		free(e->x.t);
		e->x.t = NULL;
		return 0;
	}
	e->orientation = exif_orientation(&e->x);
	if (write_sub_ifd(tif, s, &e->x, e->x.exif_ifd, 0, &e->exif_at) < 0 ||
	    write_sub_ifd(tif, s, &e->x, e->x.gps_ifd, 1, &e->gps_at) < 0)
		return -1;
	TIFFFreeDirectory(tif);
	return TIFFCreateDirectory(tif) == 0 ? 0 : failed(s, "cannot encode TIFF");
}

/* IFD0's tags about the photo, and the links to the sub-IFDs written. */
static void exif_end(TIFF *tif, struct exif_out *e)
{
	if (!e->x.t)
		return;
	set_fields(tif, &e->x, e->x.ifd0, 1);
	if (e->exif_at)
		TIFFSetField(tif, TIFFTAG_EXIFIFD, e->exif_at);
	if (e->gps_at)
		TIFFSetField(tif, TIFFTAG_GPSIFD, e->gps_at);
}

/*
 * The tags of an 8-bit image in strips: grey or RGB, alpha as an
 * unassociated extra sample, no date nor software of pixpool's own (the
 * same pixels make the same bytes), the Orientation the EXIF says. JPEG
 * turns RGB into YCbCr, as every reader expects.
 */
static void set_tags(TIFF *tif, const struct image *img, const struct encode_options *o,
		     int orientation)
{
	int c = img->channels, colour = c >= 3, jpeg = o->tiff_compression == TIFF_COMPRESSION_JPEG;
	uint16_t alpha = EXTRASAMPLE_UNASSALPHA;

	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)img->width);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)img->height);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)c);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (uint16_t)8);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_ORIENTATION, (uint16_t)orientation);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, compressions[o->tiff_compression]);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, !colour ? PHOTOMETRIC_MINISBLACK
		     : jpeg && c == 3 ? PHOTOMETRIC_YCBCR : PHOTOMETRIC_RGB);
	if (c == 2 || c == 4)
		TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, (uint16_t)1, &alpha);
	if (o->tiff_compression == TIFF_COMPRESSION_LZW ||
	    o->tiff_compression == TIFF_COMPRESSION_DEFLATE)
		TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
	if (jpeg) {
		TIFFSetField(tif, TIFFTAG_JPEGQUALITY, format_quality(&format_tiff, o));
		if (c == 3)
			TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
	}
	/* Strips of about 128 KiB (libtiff's default, 8 KiB, makes long tables and worse compression). */
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP,
		     TIFFDefaultStripSize(tif, (uint32_t)(STRIP_BYTES / ((uint64_t)img->width * c) + 1)));
	if (o->meta && o->meta->icc.len)
		TIFFSetField(tif, TIFFTAG_ICCPROFILE, (uint32_t)o->meta->icc.len, o->meta->icc.data);
	if (o->meta && o->meta->xmp.len)
		TIFFSetField(tif, TIFFTAG_XMLPACKET, (uint32_t)o->meta->xmp.len, o->meta->xmp.data);
}

/* Each row through a copy: libtiff's predictor may difference the row it is handed in place. */
static int write_rows(TIFF *tif, const struct stream *s, const struct image *img)
{
	size_t stride = (size_t)img->width * (size_t)img->channels;
	unsigned char *row = malloc(stride);

	if (!row)
		return error("out of memory while encoding TIFF");
	for (int y = 0; y < img->height; y++) {
		memcpy(row, img->pixels + (size_t)y * stride, stride);
		if (TIFFWriteScanline(tif, row, (uint32_t)y, 0) < 0) {
			free(row);
			return failed(s, "cannot encode TIFF");
		}
	}
	free(row);
	return TIFFFlush(tif) ? 0 : failed(s, "cannot encode TIFF");
}

int tiff_encode(const struct image *img, const struct encode_options *o, struct buffer *out)
{
	struct stream s = { .out = out, .base = out->len };
	uint64_t bytes = (uint64_t)img->width * (uint64_t)img->height * (uint64_t)img->channels;
	struct exif_out e;
	TIFF *tif;
	int ret;

	if (o->tiff_compression < 0 || o->tiff_compression > TIFF_COMPRESSION_JPEG)
		return error("no such TIFF compression");
	tif = stream_open(&s, "wl", bytes + (64u << 20));
	if (!tif)
		return failed(&s, "cannot encode TIFF");
	ret = exif_begin(tif, &s, o, &e);
	if (ret == 0) {
		set_tags(tif, img, o, e.orientation);
		exif_end(tif, &e);
		ret = write_rows(tif, &s, img);
	}
	TIFFClose(tif);
	free(e.x.t);
	if (ret == 0 && s.why[0])
		ret = failed(&s, "cannot encode TIFF");
	return ret;
}

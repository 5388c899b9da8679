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
 * The tags of an 8-bit image in strips: grey or RGB, alpha as an
 * unassociated extra sample, no date nor software (the same pixels make
 * the same bytes). JPEG turns RGB into YCbCr, as every reader expects.
 */
static void set_tags(TIFF *tif, const struct image *img, const struct encode_options *o)
{
	int c = img->channels, colour = c >= 3, jpeg = o->tiff_compression == TIFF_COMPRESSION_JPEG;
	uint16_t alpha = EXTRASAMPLE_UNASSALPHA;

	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)img->width);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)img->height);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)c);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, (uint16_t)8);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
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
	TIFF *tif;
	int ret;

	if (o->tiff_compression < 0 || o->tiff_compression > TIFF_COMPRESSION_JPEG)
		return error("no such TIFF compression");
	tif = stream_open(&s, "wl", bytes + (64u << 20));
	if (!tif)
		return failed(&s, "cannot encode TIFF");
	set_tags(tif, img, o);
	ret = write_rows(tif, &s, img);
	TIFFClose(tif);
	if (ret == 0 && s.why[0])
		ret = failed(&s, "cannot encode TIFF");
	return ret;
}

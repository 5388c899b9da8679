/*
 * The glue to libheif (heif_call.h): decoding from memory into a struct
 * image, and encoding one into an AVIF in a struct buffer. The only file
 * that includes libheif's header.
 */
#include "codec/heif_call.h"

#include <string.h>

#include <libheif/heif.h>

#include "base/error.h"
#include "codec/image.h"
#include "codec/meta.h"

/*
 * libheif registers its codecs once; heif_init is reference counted, so
 * the one call made before any thread runs (and before any worker is
 * forked, so no worker needs to load anything) holds them for the whole
 * run.
 */
__attribute__((constructor)) static void heif_call_init(void)
{
	heif_init(NULL);
}

/* libheif's reason, without the line ends some of its messages carry. */
static int failed(const char *what, const char *name, struct heif_error err)
{
	const char *why = err.message && *err.message ? err.message : "libheif failed";
	size_t len = strcspn(why, "\r\n");

	return error("%s %s: %.*s", what, name, (int)(len < 200 ? len : 200), why);
}

/* One row of 16-bit samples holding bits each, to the nearest 8-bit ones. */
static void reduce_row(unsigned char *to, const unsigned char *from, size_t samples, int bits)
{
	unsigned max = (1u << bits) - 1;

	for (size_t i = 0; i < samples; i++) {
		unsigned v = from[2 * i] | (unsigned)from[2 * i + 1] << 8;

		to[i] = (unsigned char)(((v > max ? max : v) * 255u + max / 2) / max);
	}
}

/* The decoded planes into img, row by row, honouring libheif's stride. */
static int copy_out(struct image *img, const struct heif_image *out, int channels, int bits)
{
	int w = heif_image_get_width(out, heif_channel_interleaved);
	int h = heif_image_get_height(out, heif_channel_interleaved);
	int stride;
	const uint8_t *plane = heif_image_get_plane_readonly(out, heif_channel_interleaved, &stride);
	size_t row = (size_t)w * (size_t)channels;

	if (!plane || w <= 0 || h <= 0)
		return error("corrupt HEIF: no pixels decoded");
	if (image_alloc(img, w, h, channels) < 0)
		return -1;
	for (int y = 0; y < h; y++) {
		const uint8_t *from = plane + (size_t)y * (size_t)stride;
		unsigned char *to = img->pixels + (size_t)y * row;

		if (bits > 8)
			reduce_row(to, from, row, bits);
		else
			memcpy(to, from, row);
	}
	img->bits = bits;
	return 0;
}

/* The primary image, 8 or 16 bits a sample as libheif gives it, into img at 8. */
static int decode_handle(struct image *img, struct heif_image_handle *handle, uint32_t max_w,
			 uint32_t max_h, const char *name)
{
	int alpha = heif_image_handle_has_alpha_channel(handle);
	int bits = heif_image_handle_get_luma_bits_per_pixel(handle);
	int deep = bits > 8;
	struct heif_decoding_options *opt = heif_decoding_options_alloc();
	struct heif_image *out = NULL;
	struct heif_error err;
	int ret;

	if (!opt)
		return error("out of memory");
	opt->convert_hdr_to_8bit = 0;
	err = heif_decode_image(handle, &out, heif_colorspace_RGB,
				deep ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE :
					heif_chroma_interleaved_RRGGBB_LE) :
				(alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB),
				opt);
	heif_decoding_options_free(opt);
	if (err.code != heif_error_Ok)
		return failed("cannot decode", name, err);
	if ((uint32_t)heif_image_get_width(out, heif_channel_interleaved) > max_w ||
	    (uint32_t)heif_image_get_height(out, heif_channel_interleaved) > max_h)
		ret = error("corrupt %s: the pixels are larger than the header says", name);
	else
		ret = copy_out(img, out, alpha ? 4 : 3, deep ? (bits > 16 ? 16 : bits) : 8);
	heif_image_release(out);
	return ret;
}

int heif_call_decode(struct image *img, const unsigned char *d, size_t n, uint32_t max_width,
		     uint32_t max_height, const char *name)
{
	struct heif_context *ctx = heif_context_alloc();
	struct heif_image_handle *handle = NULL;
	struct heif_error err;
	uint32_t side = max_width > max_height ? max_width : max_height;
	int ret;

	if (!ctx)
		return error("out of memory");
	/*
	 * libheif holds the coded size to the limit, and refuses a side of the
	 * limit or more: the longest side, rounded up to HEVC's largest coding
	 * block (64), plus one. The pixels are held to the header's size below.
	 */
	heif_context_set_maximum_image_size_limit(ctx, (int)((side + 63) / 64 * 64 + 1));
	/*
	 * No thread of libheif's own: a grid's tiles decode in the calling
	 * thread, since the pool is the parallelism. The codecs keep theirs
	 * (libde265 one, dav1d about one a core), which the sandbox allows.
	 */
	heif_context_set_max_decoding_threads(ctx, 0);
	err = heif_context_read_from_memory_without_copy(ctx, d, n, NULL);
	if (err.code == heif_error_Ok)
		err = heif_context_get_primary_image_handle(ctx, &handle);
	if (err.code != heif_error_Ok)
		ret = failed("corrupt", name, err);
	else
		ret = decode_handle(img, handle, max_width, max_height, name);
	if (handle)
		heif_image_handle_release(handle);
	heif_context_free(ctx);
	return ret;
}

/* Encoding. */

static struct heif_error write_buffer(struct heif_context *ctx, const void *data, size_t size,
				      void *userdata)
{
	struct buffer *out = userdata;
	struct heif_error ok = { heif_error_Ok, heif_suberror_Unspecified, "" };

	(void)ctx;
	buffer_put(out, data, size);
	return ok;
}

/* One plane of img's channels (first..first+count) into a plane of pic. */
static int put_plane(struct heif_image *pic, enum heif_channel channel, const struct image *img,
		     int first, int count)
{
	int stride;
	uint8_t *plane;

	if (heif_image_add_plane(pic, channel, img->width, img->height, 8).code != heif_error_Ok)
		return error("out of memory while encoding AVIF");
	plane = heif_image_get_plane(pic, channel, &stride);
	for (int y = 0; y < img->height; y++) {
		const unsigned char *from = img->pixels + (size_t)y * img->width * img->channels;
		uint8_t *to = plane + (size_t)y * (size_t)stride;

		for (int x = 0; x < img->width; x++)
			memcpy(to + (size_t)x * count, from + (size_t)x * img->channels + first,
			       (size_t)count);
	}
	return 0;
}

/* img as libheif's image: RGB or RGBA interleaved, or grey (and alpha) as monochrome. */
static struct heif_image *make_picture(const struct image *img)
{
	int grey = img->channels <= 2, alpha = img->channels == 2 || img->channels == 4;
	struct heif_image *pic = NULL;
	int ret;

	if (heif_image_create(img->width, img->height,
			      grey ? heif_colorspace_monochrome : heif_colorspace_RGB,
			      grey ? heif_chroma_monochrome : alpha ? heif_chroma_interleaved_RGBA :
			      heif_chroma_interleaved_RGB, &pic).code != heif_error_Ok) {
		error("out of memory while encoding AVIF");
		return NULL;
	}
	if (grey)
		ret = put_plane(pic, heif_channel_Y, img, 0, 1) < 0 ||
		      (alpha && put_plane(pic, heif_channel_Alpha, img, 1, 1) < 0) ? -1 : 0;
	else
		ret = put_plane(pic, heif_channel_interleaved, img, 0, img->channels);
	if (ret < 0) {
		heif_image_release(pic);
		return NULL;
	}
	return pic;
}

/*
 * The AV1 encoder (aom) at the quality and speed asked, one thread (the
 * pool is the parallelism, and one thread's bytes are the same on every
 * run), 4:2:0. aom's slowest..fastest is 0..9: speed 10 is its 9.
 */
static struct heif_encoder *make_encoder(struct heif_context *ctx, const struct avif_settings *s)
{
	struct heif_encoder *enc = NULL;
	int lo = 0, hi = 9, has_range = 0;

	if (heif_context_get_encoder_for_format(ctx, heif_compression_AV1, &enc).code !=
	    heif_error_Ok) {
		error("cannot encode AVIF: libheif has no AV1 encoder");
		return NULL;
	}
	heif_encoder_parameter_integer_valid_range(enc, "speed", &has_range, &lo, &hi);
	heif_encoder_set_lossy_quality(enc, s->quality);
	heif_encoder_set_parameter_integer(enc, "speed", s->speed > hi ? hi : s->speed < lo ? lo :
					   s->speed);
	heif_encoder_set_parameter_integer(enc, "threads", 1);
	heif_encoder_set_parameter_string(enc, "chroma", "420");
	return enc;
}

/* The metadata libheif writes itself: the profile into the image, EXIF and XMP as items. */
static int add_meta(struct heif_context *ctx, struct heif_image *pic,
		    struct heif_image_handle *handle, const struct meta *m)
{
	struct heif_error err = { heif_error_Ok, heif_suberror_Unspecified, "" };

	if (!m)
		return 0;
	if (handle && m->exif.len)
		err = heif_context_add_exif_metadata(ctx, handle, m->exif.data, (int)m->exif.len);
	if (handle && err.code == heif_error_Ok && m->xmp.len)
		err = heif_context_add_XMP_metadata(ctx, handle, m->xmp.data, (int)m->xmp.len);
	if (!handle && m->icc.len)
		err = heif_image_set_raw_color_profile(pic, "prof", m->icc.data, m->icc.len);
	return err.code == heif_error_Ok ? 0 : failed("cannot write metadata into", "AVIF", err);
}

static int encode_picture(struct heif_context *ctx, struct heif_image *pic,
			  const struct avif_settings *s, struct buffer *out)
{
	struct heif_encoder *enc = make_encoder(ctx, s);
	struct heif_image_handle *handle = NULL;
	struct heif_writer writer = { 1, write_buffer };
	struct heif_error err;
	int ret = -1;

	if (!enc)
		return -1;
	if (add_meta(ctx, pic, NULL, s->meta) == 0) {
		err = heif_context_encode_image(ctx, pic, enc, NULL, &handle);
		if (err.code != heif_error_Ok)
			failed("cannot encode", "AVIF", err);
		else if (add_meta(ctx, pic, handle, s->meta) == 0)
			ret = 0;
	}
	if (ret == 0 && (err = heif_context_write(ctx, &writer, out)).code != heif_error_Ok)
		ret = failed("cannot write", "AVIF", err);
	if (handle)
		heif_image_handle_release(handle);
	heif_encoder_release(enc);
	return ret;
}

int heif_call_encode_avif(const struct image *img, const struct avif_settings *s,
			  struct buffer *out)
{
	struct heif_context *ctx = heif_context_alloc();
	struct heif_image *pic = ctx ? make_picture(img) : NULL;
	int ret = pic ? encode_picture(ctx, pic, s, out) : -1;

	if (!ctx)
		error("out of memory");
	if (pic)
		heif_image_release(pic);
	if (ctx)
		heif_context_free(ctx);
	return ret;
}
